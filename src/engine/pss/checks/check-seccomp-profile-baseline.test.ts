/**
 * Table tests for seccompProfile_baseline: pods re-expressed from upstream check_*_test.go scenarios; expected
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
import { checkSeccompBaseline } from './check-seccomp-profile-baseline.ts';

const cases: Array<{ name: string; version: string; pod: JsonObject; expect: CheckResult }> = [
  {
    name: 'annotations: pod and containers',
    version: 'v1.0',
    pod: { metadata: { annotations: { 'seccomp.security.alpha.kubernetes.io/pod': 'unconfined', 'container.seccomp.security.alpha.kubernetes.io/a': 'foo', 'container.seccomp.security.alpha.kubernetes.io/b': 'runtime/default', 'container.seccomp.security.alpha.kubernetes.io/c': '', 'container.seccomp.security.alpha.kubernetes.io/zz': 'unconfined' } }, spec: { containers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }], initContainers: [{ name: 'a' }] } },
    expect: {
      allowed: false,
      forbiddenReason: 'seccompProfile',
      forbiddenDetail: 'forbidden annotations container.seccomp.security.alpha.kubernetes.io/a="foo", container.seccomp.security.alpha.kubernetes.io/c="", seccomp.security.alpha.kubernetes.io/pod="unconfined"',
      errList: [
        { type: 'Forbidden', field: 'metadata.annotations[seccomp.security.alpha.kubernetes.io/pod]', badValue: 'unconfined' },
        { type: 'Forbidden', field: 'metadata.annotations[container.seccomp.security.alpha.kubernetes.io/a]', badValue: 'foo' },
        { type: 'Forbidden', field: 'metadata.annotations[container.seccomp.security.alpha.kubernetes.io/a]', badValue: 'foo' },
        { type: 'Forbidden', field: 'metadata.annotations[container.seccomp.security.alpha.kubernetes.io/c]', badValue: '' },
      ],
    },
  },
  {
    name: 'annotations: allowed values',
    version: 'v1.0',
    pod: { metadata: { annotations: { 'seccomp.security.alpha.kubernetes.io/pod': 'docker/default', 'container.seccomp.security.alpha.kubernetes.io/a': 'localhost/x', 'container.seccomp.security.alpha.kubernetes.io/b': 'runtime/default' } }, spec: { containers: [{ name: 'a' }, { name: 'b' }] } },
    expect: { allowed: true, forbiddenReason: '', forbiddenDetail: '', errList: null },
  },
  {
    name: 'annotations: fields ignored before v1.19',
    version: 'v1.0',
    pod: { metadata: {}, spec: { securityContext: { seccompProfile: { type: 'Unconfined' } } } },
    expect: { allowed: true, forbiddenReason: '', forbiddenDetail: '', errList: null },
  },
  {
    name: 'fields: pod and containers',
    version: 'v1.19',
    pod: { metadata: {}, spec: { securityContext: { seccompProfile: { type: 'Unconfined' } }, containers: [{ name: 'a', securityContext: { seccompProfile: { type: 'Unconfined' } } }, { name: 'b', securityContext: { seccompProfile: { type: 'RuntimeDefault' } } }, { name: 'c', securityContext: { seccompProfile: { type: 'Bad' } } }, { name: 'd' }] } },
    expect: {
      allowed: false,
      forbiddenReason: 'seccompProfile',
      forbiddenDetail: 'pod and containers "a", "c" must not set securityContext.seccompProfile.type to "Bad", "Unconfined"',
      errList: [
        { type: 'Forbidden', field: 'spec.securityContext.seccompProfile.type', badValue: 'Unconfined' },
        { type: 'Forbidden', field: 'spec.containers[0].securityContext.seccompProfile.type', badValue: 'Unconfined' },
        { type: 'Forbidden', field: 'spec.containers[2].securityContext.seccompProfile.type', badValue: 'Bad' },
      ],
    },
  },
  {
    name: 'fields: annotations ignored from v1.19',
    version: 'v1.19',
    pod: { metadata: { annotations: { 'seccomp.security.alpha.kubernetes.io/pod': 'unconfined' } }, spec: {} },
    expect: { allowed: true, forbiddenReason: '', forbiddenDetail: '', errList: null },
  },
  {
    name: 'fields: empty container profile',
    version: 'v1.19',
    pod: { metadata: {}, spec: { containers: [{ name: 'a', securityContext: { seccompProfile: {} } }] } },
    expect: {
      allowed: false,
      forbiddenReason: 'seccompProfile',
      forbiddenDetail: 'container "a" must not set securityContext.seccompProfile.type to ""',
      errList: [
        { type: 'Forbidden', field: 'spec.containers[0].securityContext.seccompProfile.type', badValue: '' },
      ],
    },
  },
];

for (const c of cases) {
  test(`checkSeccompBaseline ${c.version}: ${c.name}`, () => {
    const version = parsePsaVersion(c.version);
    assert.ok(!(version instanceof PssVersionError));
    const revision = psaRevision(checkSeccompBaseline, version);
    assert.ok(revision !== undefined);
    const pod = decodePod(c.pod);
    // Go builds these field errors while ranging over a map (random order): compare them as a set.
    const sorted = (r: CheckResult): CheckResult => ({
      ...r,
      errList: r.errList && [...r.errList].sort((a, b) => (a.field < b.field ? -1 : a.field > b.field ? 1 : 0)),
    });
    assert.deepEqual(sorted(revision.checkPod(pod.metadata, pod.spec)), sorted(c.expect));
  });
}
