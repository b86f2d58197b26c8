/**
 * Table tests for hostPathVolumes: pods re-expressed from upstream check_*_test.go scenarios; expected
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
import { checkHostPathVolumes } from './check-host-path-volumes.ts';

const cases: Array<{ name: string; version: string; pod: JsonObject; expect: CheckResult }> = [
  {
    name: 'two hostPath volumes',
    version: 'v1.0',
    pod: { metadata: {}, spec: { volumes: [{ name: 'a', hostPath: { path: '/a' } }, { name: 'b', emptyDir: {} }, { name: 'c', hostPath: { path: '/c' } }] } },
    expect: {
      allowed: false,
      forbiddenReason: 'hostPath volumes',
      forbiddenDetail: 'volumes "a", "c"',
      errList: [
        { type: 'Forbidden', field: 'spec.volumes[0].hostPath', badValue: '/a' },
        { type: 'Forbidden', field: 'spec.volumes[2].hostPath', badValue: '/c' },
      ],
    },
  },
  {
    name: 'one hostPath volume without path',
    version: 'v1.0',
    pod: { metadata: {}, spec: { volumes: [{ name: 'a', hostPath: {} }] } },
    expect: {
      allowed: false,
      forbiddenReason: 'hostPath volumes',
      forbiddenDetail: 'volume "a"',
      errList: [
        { type: 'Forbidden', field: 'spec.volumes[0].hostPath', badValue: '' },
      ],
    },
  },
  {
    name: 'no hostPath',
    version: 'v1.0',
    pod: { metadata: {}, spec: { volumes: [{ name: 'a', configMap: { name: 'x' } }] } },
    expect: { allowed: true, forbiddenReason: '', forbiddenDetail: '', errList: null },
  },
];

for (const c of cases) {
  test(`checkHostPathVolumes ${c.version}: ${c.name}`, () => {
    const version = parsePsaVersion(c.version);
    assert.ok(!(version instanceof PssVersionError));
    const revision = psaRevision(checkHostPathVolumes, version);
    assert.ok(revision !== undefined);
    const pod = decodePod(c.pod);
    assert.deepEqual(revision.checkPod(pod.metadata, pod.spec), c.expect);
  });
}
