/**
 * Table tests for hostPorts: pods re-expressed from upstream check_*_test.go scenarios; expected
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
import { checkHostPorts } from './check-host-ports.ts';

const cases: Array<{ name: string; version: string; pod: JsonObject; expect: CheckResult }> = [
  {
    name: 'multiple containers',
    version: 'v1.0',
    pod: { metadata: {}, spec: { initContainers: [{ name: 'i', ports: [{ containerPort: 1, hostPort: 9090 }] }], containers: [{ name: 'a', ports: [{ containerPort: 80, hostPort: 0 }, { containerPort: 81 }] }, { name: 'b', ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 81, hostPort: 80 }] }, { name: 'c', ports: [{ containerPort: 82, hostPort: 80 }] }] } },
    expect: {
      allowed: false,
      forbiddenReason: 'hostPort',
      forbiddenDetail: 'containers "i", "b", "c" use hostPorts 80, 8080, 9090',
      errList: [
        { type: 'Forbidden', field: 'spec.initContainers[0].ports[0].hostPort', badValue: 9090 },
        { type: 'Forbidden', field: 'spec.containers[1].ports[0].hostPort', badValue: 8080 },
        { type: 'Forbidden', field: 'spec.containers[1].ports[1].hostPort', badValue: 80 },
        { type: 'Forbidden', field: 'spec.containers[2].ports[0].hostPort', badValue: 80 },
      ],
    },
  },
  {
    name: 'one container one port',
    version: 'v1.0',
    pod: { metadata: {}, spec: { containers: [{ name: 'a', ports: [{ hostPort: 8080 }] }] } },
    expect: {
      allowed: false,
      forbiddenReason: 'hostPort',
      forbiddenDetail: 'container "a" uses hostPort 8080',
      errList: [
        { type: 'Forbidden', field: 'spec.containers[0].ports[0].hostPort', badValue: 8080 },
      ],
    },
  },
];

for (const c of cases) {
  test(`checkHostPorts ${c.version}: ${c.name}`, () => {
    const version = parsePsaVersion(c.version);
    assert.ok(!(version instanceof PssVersionError));
    const revision = psaRevision(checkHostPorts, version);
    assert.ok(revision !== undefined);
    const pod = decodePod(c.pod);
    assert.deepEqual(revision.checkPod(pod.metadata, pod.spec), c.expect);
  });
}
