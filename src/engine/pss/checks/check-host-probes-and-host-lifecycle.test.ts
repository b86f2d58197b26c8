/**
 * Table tests for hostProbesAndHostLifecycle: pods re-expressed from upstream check_*_test.go scenarios; expected
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
import { checkHostProbesAndHostLifecycle } from './check-host-probes-and-host-lifecycle.ts';

const cases: Array<{ name: string; version: string; pod: JsonObject; expect: CheckResult }> = [
  {
    name: 'probes and handlers with hosts',
    version: 'v1.34',
    pod: { metadata: {}, spec: { containers: [{ name: 'b', livenessProbe: { httpGet: { host: '1.1.1.1', port: 80 } }, readinessProbe: { tcpSocket: { host: 'example.com', port: 80 } } }, { name: 'a', lifecycle: { postStart: { httpGet: { host: '2.2.2.2', port: 80 } }, preStop: { tcpSocket: { host: '1.1.1.1', port: 80 } } } }, { name: 'c', startupProbe: { httpGet: { host: '', port: 80 } } }], initContainers: [{ name: 'b', startupProbe: { httpGet: { host: '3.3.3.3', port: 80 } } }] } },
    expect: {
      allowed: false,
      forbiddenReason: 'probe or lifecycle host',
      forbiddenDetail: 'containers "a", "b" use probe or lifecycle hosts "1.1.1.1", "2.2.2.2", "3.3.3.3", "example.com"',
      errList: null,
    },
  },
  {
    name: 'one container, one host',
    version: 'v1.34',
    pod: { metadata: {}, spec: { containers: [{ name: 'a', livenessProbe: { httpGet: { host: 'h', port: 80 } } }] } },
    expect: {
      allowed: false,
      forbiddenReason: 'probe or lifecycle host',
      forbiddenDetail: 'container "a" uses probe or lifecycle host "h"',
      errList: null,
    },
  },
  {
    name: 'empty hosts are allowed',
    version: 'v1.34',
    pod: { metadata: {}, spec: { containers: [{ name: 'a', livenessProbe: { httpGet: { host: '', port: 80 } }, lifecycle: { preStop: { httpGet: { port: 80 } } } }] } },
    expect: { allowed: true, forbiddenReason: '', forbiddenDetail: '', errList: null },
  },
];

for (const c of cases) {
  test(`checkHostProbesAndHostLifecycle ${c.version}: ${c.name}`, () => {
    const version = parsePsaVersion(c.version);
    assert.ok(!(version instanceof PssVersionError));
    const revision = psaRevision(checkHostProbesAndHostLifecycle, version);
    assert.ok(revision !== undefined);
    const pod = decodePod(c.pod);
    assert.deepEqual(revision.checkPod(pod.metadata, pod.spec), c.expect);
  });
}
