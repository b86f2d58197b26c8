/**
 * Table tests for hostNamespaces: pods re-expressed from upstream check_*_test.go scenarios; expected
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
import { checkHostNamespaces } from './check-host-namespaces.ts';

const cases: Array<{ name: string; version: string; pod: JsonObject; expect: CheckResult }> = [
  {
    name: 'all three',
    version: 'v1.0',
    pod: { metadata: {}, spec: { hostNetwork: true, hostPID: true, hostIPC: true } },
    expect: {
      allowed: false,
      forbiddenReason: 'host namespaces',
      forbiddenDetail: 'hostNetwork=true, hostPID=true, hostIPC=true',
      errList: [
        { type: 'Forbidden', field: 'spec.hostNetwork', badValue: true },
        { type: 'Forbidden', field: 'spec.hostPID', badValue: true },
        { type: 'Forbidden', field: 'spec.hostIPC', badValue: true },
      ],
    },
  },
  {
    name: 'hostPID only',
    version: 'v1.0',
    pod: { metadata: {}, spec: { hostPID: true, hostNetwork: false } },
    expect: {
      allowed: false,
      forbiddenReason: 'host namespaces',
      forbiddenDetail: 'hostPID=true',
      errList: [
        { type: 'Forbidden', field: 'spec.hostPID', badValue: true },
      ],
    },
  },
  {
    name: 'none',
    version: 'v1.0',
    pod: { metadata: {}, spec: { hostNetwork: false } },
    expect: { allowed: true, forbiddenReason: '', forbiddenDetail: '', errList: null },
  },
];

for (const c of cases) {
  test(`checkHostNamespaces ${c.version}: ${c.name}`, () => {
    const version = parsePsaVersion(c.version);
    assert.ok(!(version instanceof PssVersionError));
    const revision = psaRevision(checkHostNamespaces, version);
    assert.ok(revision !== undefined);
    const pod = decodePod(c.pod);
    assert.deepEqual(revision.checkPod(pod.metadata, pod.spec), c.expect);
  });
}
