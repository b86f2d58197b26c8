/**
 * Table tests for runAsNonRoot: pods re-expressed from upstream check_*_test.go scenarios; expected
 * results (reason, detail, field errors) as Kyverno's pod-security-admission fork returns them with field
 * errors enabled.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonObject } from '../../api/json.ts';
import { parsePsaVersion, PssVersionError } from '../api.ts';
import type { CheckResult } from '../check.ts';
import { decodePod } from '../pod.ts';
import { psaRevision } from '../registry.ts';
import { checkRunAsNonRoot } from './check-run-as-non-root.ts';

const cases: Array<{ name: string; version: string; pod: JsonObject; expect: CheckResult }> = [
  {
    name: 'no explicit runAsNonRoot',
    version: 'v1.0',
    pod: { metadata: {}, spec: { containers: [{ name: 'a' }, { name: 'b', securityContext: {} }] } },
    expect: {
      allowed: false,
      forbiddenReason: 'runAsNonRoot != true',
      forbiddenDetail: 'pod or containers "a", "b" must set securityContext.runAsNonRoot=true',
      errList: [
        { type: 'Required', field: 'spec.containers[0].securityContext.runAsNonRoot', badValue: '' },
        { type: 'Required', field: 'spec.containers[1].securityContext.runAsNonRoot', badValue: '' },
      ],
    },
  },
  {
    name: 'pod runAsNonRoot=false, containers true/false/unset',
    version: 'v1.0',
    pod: { metadata: {}, spec: { securityContext: { runAsNonRoot: false }, containers: [{ name: 'a', securityContext: { runAsNonRoot: false } }, { name: 'b', securityContext: { runAsNonRoot: true } }, { name: 'c' }, { name: 'd', securityContext: { runAsNonRoot: false } }] } },
    expect: {
      allowed: false,
      forbiddenReason: 'runAsNonRoot != true',
      forbiddenDetail: 'pod and containers "a", "d" must not set securityContext.runAsNonRoot=false\npod or container "c" must set securityContext.runAsNonRoot=true',
      errList: [
        { type: 'Forbidden', field: 'spec.securityContext.runAsNonRoot', badValue: false },
        { type: 'Forbidden', field: 'spec.containers[0].securityContext.runAsNonRoot', badValue: false },
        { type: 'Forbidden', field: 'spec.containers[3].securityContext.runAsNonRoot', badValue: false },
        { type: 'Required', field: 'spec.containers[2].securityContext.runAsNonRoot', badValue: '' },
      ],
    },
  },
  {
    name: 'pod runAsNonRoot=true, container false',
    version: 'v1.0',
    pod: { metadata: {}, spec: { securityContext: { runAsNonRoot: true }, containers: [{ name: 'a', securityContext: { runAsNonRoot: false } }, { name: 'b' }] } },
    expect: {
      allowed: false,
      forbiddenReason: 'runAsNonRoot != true',
      forbiddenDetail: 'container "a" must not set securityContext.runAsNonRoot=false',
      errList: [
        { type: 'Forbidden', field: 'spec.containers[0].securityContext.runAsNonRoot', badValue: false },
      ],
    },
  },
  {
    name: 'pod true, containers unset',
    version: 'v1.0',
    pod: { metadata: {}, spec: { securityContext: { runAsNonRoot: true }, containers: [{ name: 'a' }, { name: 'b', securityContext: {} }] } },
    expect: { allowed: true, forbiddenReason: '', forbiddenDetail: '', errList: null },
  },
  {
    name: 'hostUsers false does not relax the check',
    version: 'v1.0',
    pod: { metadata: {}, spec: { hostUsers: false, containers: [{ name: 'a' }] } },
    expect: {
      allowed: false,
      forbiddenReason: 'runAsNonRoot != true',
      forbiddenDetail: 'pod or container "a" must set securityContext.runAsNonRoot=true',
      errList: [
        { type: 'Required', field: 'spec.containers[0].securityContext.runAsNonRoot', badValue: '' },
      ],
    },
  },
];

for (const c of cases) {
  test(`checkRunAsNonRoot ${c.version}: ${c.name}`, () => {
    const version = parsePsaVersion(c.version);
    assert.ok(!(version instanceof PssVersionError));
    const revision = psaRevision(checkRunAsNonRoot, version);
    assert.ok(revision !== undefined);
    const pod = decodePod(c.pod);
    assert.deepEqual(revision.checkPod(pod.metadata, pod.spec), c.expect);
  });
}
