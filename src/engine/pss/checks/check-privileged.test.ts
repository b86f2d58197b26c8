/**
 * Table tests for privileged: pods re-expressed from upstream check_*_test.go scenarios; expected
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
import { checkPrivileged } from './check-privileged.ts';

const cases: Array<{ name: string; version: string; pod: JsonObject; expect: CheckResult }> = [
  {
    name: 'privileged',
    version: 'v1.0',
    pod: { metadata: {}, spec: { containers: [{ name: 'a' }, { name: 'b', securityContext: {} }, { name: 'c', securityContext: { privileged: false } }, { name: 'd', securityContext: { privileged: true } }, { name: 'e', securityContext: { privileged: true } }] } },
    expect: {
      allowed: false,
      forbiddenReason: 'privileged',
      forbiddenDetail: 'containers "d", "e" must not set securityContext.privileged=true',
      errList: [
        { type: 'Forbidden', field: 'spec.containers[3].securityContext.privileged', badValue: true },
        { type: 'Forbidden', field: 'spec.containers[4].securityContext.privileged', badValue: true },
      ],
    },
  },
  {
    name: 'ephemeral container',
    version: 'v1.0',
    pod: { metadata: {}, spec: { ephemeralContainers: [{ name: 'x', securityContext: { privileged: true }, targetContainerName: 'a' }] } },
    expect: {
      allowed: false,
      forbiddenReason: 'privileged',
      forbiddenDetail: 'container "x" must not set securityContext.privileged=true',
      errList: [
        { type: 'Forbidden', field: 'spec.ephemeralContainers[0].securityContext.privileged', badValue: true },
      ],
    },
  },
];

for (const c of cases) {
  test(`checkPrivileged ${c.version}: ${c.name}`, () => {
    const version = parsePsaVersion(c.version);
    assert.ok(!(version instanceof PssVersionError));
    const revision = psaRevision(checkPrivileged, version);
    assert.ok(revision !== undefined);
    const pod = decodePod(c.pod);
    assert.deepEqual(revision.checkPod(pod.metadata, pod.spec), c.expect);
  });
}
