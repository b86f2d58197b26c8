/**
 * Table tests for allowPrivilegeEscalation: pods re-expressed from upstream check_*_test.go scenarios; expected
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
import { checkAllowPrivilegeEscalation } from './check-allow-privilege-escalation.ts';

const cases: Array<{ name: string; version: string; pod: JsonObject; expect: CheckResult }> = [
  {
    name: 'unset, nil security context, true, false',
    version: 'v1.8',
    pod: { metadata: {}, spec: { containers: [{ name: 'a' }, { name: 'b', securityContext: {} }, { name: 'c', securityContext: { allowPrivilegeEscalation: false } }, { name: 'd', securityContext: { allowPrivilegeEscalation: true } }, { name: 'e', securityContext: { allowPrivilegeEscalation: true } }] } },
    expect: {
      allowed: false,
      forbiddenReason: 'allowPrivilegeEscalation != false',
      forbiddenDetail: 'containers "a", "b", "d", "e" must set securityContext.allowPrivilegeEscalation=false',
      errList: [
        { type: 'Required', field: 'spec.containers[0].securityContext.allowPrivilegeEscalation', badValue: '' },
        { type: 'Forbidden', field: 'spec.containers[1].securityContext.allowPrivilegeEscalation', badValue: 'nil' },
        { type: 'Forbidden', field: 'spec.containers[3].securityContext.allowPrivilegeEscalation', badValue: true },
        { type: 'Forbidden', field: 'spec.containers[4].securityContext.allowPrivilegeEscalation', badValue: true },
      ],
    },
  },
  {
    name: 'all containers set false',
    version: 'v1.8',
    pod: { metadata: {}, spec: { initContainers: [{ name: 'i', securityContext: { allowPrivilegeEscalation: false } }], containers: [{ name: 'a', securityContext: { allowPrivilegeEscalation: false } }] } },
    expect: { allowed: true, forbiddenReason: '', forbiddenDetail: '', errList: null },
  },
  {
    name: 'windows pod admitted without the field',
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
      forbiddenReason: 'allowPrivilegeEscalation != false',
      forbiddenDetail: 'container "a" must set securityContext.allowPrivilegeEscalation=false',
      errList: [
        { type: 'Required', field: 'spec.containers[0].securityContext.allowPrivilegeEscalation', badValue: '' },
      ],
    },
  },
  {
    name: 'linux pod rejected when unset',
    version: 'v1.25',
    pod: { metadata: {}, spec: { os: { name: 'linux' }, ephemeralContainers: [{ name: 'x' }], containers: [{ name: 'a' }] } },
    expect: {
      allowed: false,
      forbiddenReason: 'allowPrivilegeEscalation != false',
      forbiddenDetail: 'containers "a", "x" must set securityContext.allowPrivilegeEscalation=false',
      errList: [
        { type: 'Required', field: 'spec.containers[0].securityContext.allowPrivilegeEscalation', badValue: '' },
        { type: 'Required', field: 'spec.ephemeralContainers[0].securityContext.allowPrivilegeEscalation', badValue: '' },
      ],
    },
  },
];

for (const c of cases) {
  test(`checkAllowPrivilegeEscalation ${c.version}: ${c.name}`, () => {
    const version = parsePsaVersion(c.version);
    assert.ok(!(version instanceof PssVersionError));
    const revision = psaRevision(checkAllowPrivilegeEscalation, version);
    assert.ok(revision !== undefined);
    const pod = decodePod(c.pod);
    assert.deepEqual(revision.checkPod(pod.metadata, pod.spec), c.expect);
  });
}
