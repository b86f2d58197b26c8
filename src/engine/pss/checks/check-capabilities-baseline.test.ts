/**
 * Table tests for capabilities_baseline: pods re-expressed from upstream check_*_test.go scenarios; expected
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
import { checkCapabilitiesBaseline } from './check-capabilities-baseline.ts';

const cases: Array<{ name: string; version: string; pod: JsonObject; expect: CheckResult }> = [
  {
    name: 'multiple containers',
    version: 'v1.0',
    pod: { metadata: {}, spec: { containers: [{ name: 'a', securityContext: { capabilities: { add: ['FOO', 'BAR'] } } }, { name: 'b', securityContext: { capabilities: { add: ['BAR', 'BAZ'] } } }, { name: 'c', securityContext: { capabilities: { add: ['CHOWN', 'KILL'] } } }, { name: 'd', securityContext: { capabilities: {} } }, { name: 'e' }] } },
    expect: {
      allowed: false,
      forbiddenReason: 'non-default capabilities',
      forbiddenDetail: 'containers "a", "b" must not include "BAR", "BAZ", "FOO" in securityContext.capabilities.add',
      errList: [
        { type: 'Forbidden', field: 'spec.containers[0].securityContext.capabilities.add', badValue: ['BAR', 'FOO'] },
        { type: 'Forbidden', field: 'spec.containers[1].securityContext.capabilities.add', badValue: ['BAR', 'BAZ'] },
      ],
    },
  },
  {
    name: 'default set only',
    version: 'v1.0',
    pod: { metadata: {}, spec: { initContainers: [{ name: 'i', securityContext: { capabilities: { add: ['NET_BIND_SERVICE', 'SYS_CHROOT', 'AUDIT_WRITE'] } } }] } },
    expect: { allowed: true, forbiddenReason: '', forbiddenDetail: '', errList: null },
  },
  {
    name: 'NET_RAW is not in the default set',
    version: 'v1.0',
    pod: { metadata: {}, spec: { containers: [{ name: 'a', securityContext: { capabilities: { add: ['NET_RAW', 'NET_RAW'] } } }] } },
    expect: {
      allowed: false,
      forbiddenReason: 'non-default capabilities',
      forbiddenDetail: 'container "a" must not include "NET_RAW" in securityContext.capabilities.add',
      errList: [
        { type: 'Forbidden', field: 'spec.containers[0].securityContext.capabilities.add', badValue: ['NET_RAW'] },
      ],
    },
  },
];

for (const c of cases) {
  test(`checkCapabilitiesBaseline ${c.version}: ${c.name}`, () => {
    const version = parsePsaVersion(c.version);
    assert.ok(!(version instanceof PssVersionError));
    const revision = psaRevision(checkCapabilitiesBaseline, version);
    assert.ok(revision !== undefined);
    const pod = decodePod(c.pod);
    assert.deepEqual(revision.checkPod(pod.metadata, pod.spec), c.expect);
  });
}
