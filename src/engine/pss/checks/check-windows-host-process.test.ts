/**
 * Table tests for windowsHostProcess: pods re-expressed from upstream check_*_test.go scenarios; expected
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
import { checkWindowsHostProcess } from './check-windows-host-process.ts';

const cases: Array<{ name: string; version: string; pod: JsonObject; expect: CheckResult }> = [
  {
    name: 'pod and containers',
    version: 'v1.0',
    pod: { metadata: {}, spec: { securityContext: { windowsOptions: { hostProcess: true } }, containers: [{ name: 'a' }, { name: 'b', securityContext: {} }, { name: 'c', securityContext: { windowsOptions: {} } }, { name: 'd', securityContext: { windowsOptions: { hostProcess: false } } }, { name: 'e', securityContext: { windowsOptions: { hostProcess: true } } }, { name: 'f', securityContext: { windowsOptions: { hostProcess: true } } }] } },
    expect: {
      allowed: false,
      forbiddenReason: 'hostProcess',
      forbiddenDetail: 'pod and containers "e", "f" must not set securityContext.windowsOptions.hostProcess=true',
      errList: [
        { type: 'Forbidden', field: 'spec.securityContext.windowsOptions.hostProcess', badValue: true },
        { type: 'Forbidden', field: 'spec.containers[4].securityContext.windowsOptions.hostProcess', badValue: true },
        { type: 'Forbidden', field: 'spec.containers[5].securityContext.windowsOptions.hostProcess', badValue: true },
      ],
    },
  },
  {
    name: 'containers only',
    version: 'v1.0',
    pod: { metadata: {}, spec: { initContainers: [{ name: 'e', securityContext: { windowsOptions: { hostProcess: true } } }] } },
    expect: {
      allowed: false,
      forbiddenReason: 'hostProcess',
      forbiddenDetail: 'container "e" must not set securityContext.windowsOptions.hostProcess=true',
      errList: [
        { type: 'Forbidden', field: 'spec.initContainers[0].securityContext.windowsOptions.hostProcess', badValue: true },
      ],
    },
  },
  {
    name: 'pod only',
    version: 'v1.0',
    pod: { metadata: {}, spec: { securityContext: { windowsOptions: { hostProcess: true } } } },
    expect: {
      allowed: false,
      forbiddenReason: 'hostProcess',
      forbiddenDetail: 'pod must not set securityContext.windowsOptions.hostProcess=true',
      errList: [
        { type: 'Forbidden', field: 'spec.securityContext.windowsOptions.hostProcess', badValue: true },
      ],
    },
  },
];

for (const c of cases) {
  test(`checkWindowsHostProcess ${c.version}: ${c.name}`, () => {
    const version = parsePsaVersion(c.version);
    assert.ok(!(version instanceof PssVersionError));
    const revision = psaRevision(checkWindowsHostProcess, version);
    assert.ok(revision !== undefined);
    const pod = decodePod(c.pod);
    assert.deepEqual(revision.checkPod(pod.metadata, pod.spec), c.expect);
  });
}
