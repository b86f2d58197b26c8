/**
 * Table tests for seccompProfile_restricted: pods re-expressed from upstream check_*_test.go scenarios; expected
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
import { checkSeccompProfileRestricted } from './check-seccomp-profile-restricted.ts';

const cases: Array<{ name: string; version: string; pod: JsonObject; expect: CheckResult }> = [
  {
    name: 'no explicit seccomp',
    version: 'v1.19',
    pod: { metadata: {}, spec: { containers: [{ name: 'a' }, { name: 'b', securityContext: {} }] } },
    expect: {
      allowed: false,
      forbiddenReason: 'seccompProfile',
      forbiddenDetail: 'pod or containers "a", "b" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"',
      errList: [
        { type: 'Required', field: 'spec.containers[0].securityContext.seccompProfile.type', badValue: '' },
        { type: 'Required', field: 'spec.containers[1].securityContext.seccompProfile.type', badValue: '' },
      ],
    },
  },
  {
    name: 'pod Unconfined, containers mixed',
    version: 'v1.19',
    pod: { metadata: {}, spec: { securityContext: { seccompProfile: { type: 'Unconfined' } }, containers: [{ name: 'a', securityContext: { seccompProfile: { type: 'Unconfined' } } }, { name: 'b', securityContext: { seccompProfile: { type: 'RuntimeDefault' } } }, { name: 'c' }, { name: 'd', securityContext: { seccompProfile: { type: 'Localhost', localhostProfile: 'x' } } }] } },
    expect: {
      allowed: false,
      forbiddenReason: 'seccompProfile',
      forbiddenDetail: 'pod and container "a" must not set securityContext.seccompProfile.type to "Unconfined"',
      errList: [
        { type: 'Forbidden', field: 'spec.securityContext.seccompProfile.type', badValue: 'Unconfined' },
        { type: 'Forbidden', field: 'spec.containers[0].securityContext.seccompProfile.type', badValue: 'Unconfined' },
      ],
    },
  },
  {
    name: 'pod RuntimeDefault, container Unconfined',
    version: 'v1.19',
    pod: { metadata: {}, spec: { securityContext: { seccompProfile: { type: 'RuntimeDefault' } }, containers: [{ name: 'a', securityContext: { seccompProfile: { type: 'Unconfined' } } }, { name: 'b' }] } },
    expect: {
      allowed: false,
      forbiddenReason: 'seccompProfile',
      forbiddenDetail: 'container "a" must not set securityContext.seccompProfile.type to "Unconfined"',
      errList: [
        { type: 'Forbidden', field: 'spec.containers[0].securityContext.seccompProfile.type', badValue: 'Unconfined' },
      ],
    },
  },
  {
    name: 'pod Localhost covers containers',
    version: 'v1.19',
    pod: { metadata: {}, spec: { securityContext: { seccompProfile: { type: 'Localhost' } }, containers: [{ name: 'a' }, { name: 'b', securityContext: {} }] } },
    expect: { allowed: true, forbiddenReason: '', forbiddenDetail: '', errList: null },
  },
  {
    name: 'windows pod admitted',
    version: 'v1.25',
    pod: { metadata: {}, spec: { os: { name: 'windows' }, containers: [{ name: 'a' }] } },
    expect: { allowed: true, forbiddenReason: '', forbiddenDetail: '', errList: null },
  },
  {
    name: 'windows pod checked before v1.25',
    version: 'v1.24',
    pod: { metadata: {}, spec: { os: { name: 'windows' }, containers: [{ name: 'a' }] } },
    expect: {
      allowed: false,
      forbiddenReason: 'seccompProfile',
      forbiddenDetail: 'pod or container "a" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"',
      errList: [
        { type: 'Required', field: 'spec.containers[0].securityContext.seccompProfile.type', badValue: '' },
      ],
    },
  },
];

for (const c of cases) {
  test(`checkSeccompProfileRestricted ${c.version}: ${c.name}`, () => {
    const version = parsePsaVersion(c.version);
    assert.ok(!(version instanceof PssVersionError));
    const revision = psaRevision(checkSeccompProfileRestricted, version);
    assert.ok(revision !== undefined);
    const pod = decodePod(c.pod);
    assert.deepEqual(revision.checkPod(pod.metadata, pod.spec), c.expect);
  });
}
