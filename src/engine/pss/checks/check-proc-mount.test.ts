/**
 * Table tests for procMount: pods re-expressed from upstream check_*_test.go scenarios; expected
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
import { checkProcMount } from './check-proc-mount.ts';

const cases: Array<{ name: string; version: string; pod: JsonObject; expect: CheckResult }> = [
  {
    name: 'default and unmasked',
    version: 'v1.0',
    pod: { metadata: {}, spec: { containers: [{ name: 'a' }, { name: 'b', securityContext: {} }, { name: 'c', securityContext: { procMount: 'Default' } }, { name: 'd', securityContext: { procMount: 'Unmasked' } }, { name: 'e', securityContext: { procMount: 'Other' } }] } },
    expect: {
      allowed: false,
      forbiddenReason: 'procMount',
      forbiddenDetail: 'containers "d", "e" must not set securityContext.procMount to "Other", "Unmasked"',
      errList: [
        { type: 'Forbidden', field: 'spec.containers[3].securityContext.procMount', badValue: 'Unmasked' },
        { type: 'Forbidden', field: 'spec.containers[4].securityContext.procMount', badValue: 'Other' },
      ],
    },
  },
  {
    name: 'hostUsers false does not relax the check',
    version: 'v1.0',
    pod: { metadata: {}, spec: { hostUsers: false, containers: [{ name: 'd', securityContext: { procMount: 'Unmasked' } }] } },
    expect: {
      allowed: false,
      forbiddenReason: 'procMount',
      forbiddenDetail: 'container "d" must not set securityContext.procMount to "Unmasked"',
      errList: [
        { type: 'Forbidden', field: 'spec.containers[0].securityContext.procMount', badValue: 'Unmasked' },
      ],
    },
  },
];

for (const c of cases) {
  test(`checkProcMount ${c.version}: ${c.name}`, () => {
    const version = parsePsaVersion(c.version);
    assert.ok(!(version instanceof PssVersionError));
    const revision = psaRevision(checkProcMount, version);
    assert.ok(revision !== undefined);
    const pod = decodePod(c.pod);
    assert.deepEqual(revision.checkPod(pod.metadata, pod.spec), c.expect);
  });
}
