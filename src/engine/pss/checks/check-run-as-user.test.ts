/**
 * Table tests for runAsUser: pods re-expressed from upstream check_*_test.go scenarios; expected
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
import { checkRunAsUser } from './check-run-as-user.ts';

const cases: Array<{ name: string; version: string; pod: JsonObject; expect: CheckResult }> = [
  {
    name: 'pod and containers run as root',
    version: 'v1.23',
    pod: { metadata: {}, spec: { securityContext: { runAsUser: 0 }, containers: [{ name: 'a', securityContext: { runAsUser: 0 } }, { name: 'b', securityContext: { runAsUser: 1000 } }, { name: 'c' }, { name: 'd', securityContext: { runAsUser: 0 } }] } },
    expect: {
      allowed: false,
      forbiddenReason: 'runAsUser=0',
      forbiddenDetail: 'pod and containers "a", "d" must not set runAsUser=0',
      errList: [
        { type: 'Forbidden', field: 'spec.securityContext.runAsUser', badValue: 0 },
        { type: 'Forbidden', field: 'spec.containers[0].securityContext.runAsUser', badValue: 0 },
        { type: 'Forbidden', field: 'spec.containers[3].securityContext.runAsUser', badValue: 0 },
      ],
    },
  },
  {
    name: 'pod only',
    version: 'v1.23',
    pod: { metadata: {}, spec: { securityContext: { runAsUser: 0 }, containers: [{ name: 'a', securityContext: { runAsUser: 1 } }] } },
    expect: {
      allowed: false,
      forbiddenReason: 'runAsUser=0',
      forbiddenDetail: 'pod must not set runAsUser=0',
      errList: [
        { type: 'Forbidden', field: 'spec.securityContext.runAsUser', badValue: 0 },
      ],
    },
  },
  {
    name: 'non-zero everywhere',
    version: 'v1.23',
    pod: { metadata: {}, spec: { securityContext: { runAsUser: 1000 }, containers: [{ name: 'a', securityContext: { runAsUser: 1 } }] } },
    expect: { allowed: true, forbiddenReason: '', forbiddenDetail: '', errList: null },
  },
];

for (const c of cases) {
  test(`checkRunAsUser ${c.version}: ${c.name}`, () => {
    const version = parsePsaVersion(c.version);
    assert.ok(!(version instanceof PssVersionError));
    const revision = psaRevision(checkRunAsUser, version);
    assert.ok(revision !== undefined);
    const pod = decodePod(c.pod);
    assert.deepEqual(revision.checkPod(pod.metadata, pod.spec), c.expect);
  });
}
