/**
 * Table tests for capabilities_restricted: pods re-expressed from upstream check_*_test.go scenarios; expected
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
import { checkCapabilitiesRestricted } from './check-capabilities-restricted.ts';

const cases: Array<{ name: string; version: string; pod: JsonObject; expect: CheckResult }> = [
  {
    name: 'multiple containers',
    version: 'v1.22',
    pod: { metadata: {}, spec: { containers: [{ name: 'a', securityContext: { capabilities: { add: ['FOO', 'BAR'] } } }, { name: 'b', securityContext: { capabilities: { add: ['BAR', 'BAZ'] } } }, { name: 'c', securityContext: { capabilities: { add: ['NET_BIND_SERVICE', 'CHOWN'], drop: ['ALL', 'FOO'] } } }] } },
    expect: {
      allowed: false,
      forbiddenReason: 'unrestricted capabilities',
      forbiddenDetail: 'containers "a", "b" must set securityContext.capabilities.drop=["ALL"]; containers "a", "b", "c" must not include "BAR", "BAZ", "CHOWN", "FOO" in securityContext.capabilities.add',
      errList: [
        { type: 'Required', field: 'spec.containers[0].securityContext.capabilities.drop', badValue: '' },
        { type: 'Required', field: 'spec.containers[1].securityContext.capabilities.drop', badValue: '' },
        { type: 'Forbidden', field: 'spec.containers[0].securityContext.capabilities.add', badValue: ['BAR', 'FOO'] },
        { type: 'Forbidden', field: 'spec.containers[1].securityContext.capabilities.add', badValue: ['BAR', 'BAZ'] },
        { type: 'Forbidden', field: 'spec.containers[2].securityContext.capabilities.add', badValue: ['CHOWN'] },
      ],
    },
  },
  {
    name: 'not allowed on both add and drop',
    version: 'v1.22',
    pod: { metadata: {}, spec: { containers: [{ name: 'a', securityContext: { capabilities: { add: ['BAR', 'BAZ'], drop: ['FOO', 'BAR'] } } }] } },
    expect: {
      allowed: false,
      forbiddenReason: 'unrestricted capabilities',
      forbiddenDetail: 'container "a" must set securityContext.capabilities.drop=["ALL"]; container "a" must not include "BAR", "BAZ" in securityContext.capabilities.add',
      errList: [
        { type: 'Forbidden', field: 'spec.containers[0].securityContext.capabilities.drop', badValue: ['BAR', 'FOO'] },
        { type: 'Forbidden', field: 'spec.containers[0].securityContext.capabilities.add', badValue: ['BAR', 'BAZ'] },
      ],
    },
  },
  {
    name: 'windows pod admitted',
    version: 'v1.25',
    pod: { metadata: {}, spec: { os: { name: 'windows' }, containers: [{ name: 'a' }] } },
    expect: { allowed: true, forbiddenReason: '', forbiddenDetail: '', errList: null },
  },
  {
    name: 'linux pod without security context',
    version: 'v1.25',
    pod: { metadata: {}, spec: { os: { name: 'linux' }, containers: [{ name: 'a' }] } },
    expect: {
      allowed: false,
      forbiddenReason: 'unrestricted capabilities',
      forbiddenDetail: 'container "a" must set securityContext.capabilities.drop=["ALL"]',
      errList: [
        { type: 'Required', field: 'spec.containers[0].securityContext.capabilities.drop', badValue: '' },
      ],
    },
  },
  {
    name: 'drop ALL and add NET_BIND_SERVICE',
    version: 'v1.22',
    pod: { metadata: {}, spec: { containers: [{ name: 'a', securityContext: { capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] } } }] } },
    expect: { allowed: true, forbiddenReason: '', forbiddenDetail: '', errList: null },
  },
  {
    name: 'empty capabilities object: drop required',
    version: 'v1.22',
    pod: { metadata: {}, spec: { containers: [{ name: 'a', securityContext: { capabilities: {} } }] } },
    expect: {
      allowed: false,
      forbiddenReason: 'unrestricted capabilities',
      forbiddenDetail: 'container "a" must set securityContext.capabilities.drop=["ALL"]',
      errList: [
        { type: 'Required', field: 'spec.containers[0].securityContext.capabilities.drop', badValue: '' },
      ],
    },
  },
];

for (const c of cases) {
  test(`checkCapabilitiesRestricted ${c.version}: ${c.name}`, () => {
    const version = parsePsaVersion(c.version);
    assert.ok(!(version instanceof PssVersionError));
    const revision = psaRevision(checkCapabilitiesRestricted, version);
    assert.ok(revision !== undefined);
    const pod = decodePod(c.pod);
    assert.deepEqual(revision.checkPod(pod.metadata, pod.spec), c.expect);
  });
}
