/**
 * Table tests for seLinuxOptions: pods re-expressed from upstream check_*_test.go scenarios; expected
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
import { checkSELinuxOptions } from './check-se-linux-options.ts';

const cases: Array<{ name: string; version: string; pod: JsonObject; expect: CheckResult }> = [
  {
    name: 'invalid pod and containers',
    version: 'v1.0',
    pod: { metadata: {}, spec: { securityContext: { seLinuxOptions: { type: 'foo', user: 'bar', role: 'baz' } }, containers: [{ name: 'a', securityContext: { seLinuxOptions: { type: 'container_t' } } }, { name: 'b', securityContext: { seLinuxOptions: { type: 'container_init_t' } } }, { name: 'c', securityContext: { seLinuxOptions: { type: 'container_kvm_t' } } }, { name: 'd', securityContext: { seLinuxOptions: { type: 'container_engine_t' } } }, { name: 'e', securityContext: { seLinuxOptions: { type: 'bar' } } }, { name: 'f', securityContext: { seLinuxOptions: { user: 'bar' } } }, { name: 'g', securityContext: { seLinuxOptions: { role: 'baz' } } }] } },
    expect: {
      allowed: false,
      forbiddenReason: 'seLinuxOptions',
      forbiddenDetail: 'pod and containers "d", "e", "f", "g" set forbidden securityContext.seLinuxOptions: types "bar", "container_engine_t", "foo"; user may not be set; role may not be set',
      errList: [
        { type: 'Forbidden', field: 'spec.securityContext.seLinuxOptions.type', badValue: 'foo' },
        { type: 'Forbidden', field: 'spec.securityContext.seLinuxOptions.user', badValue: 'bar' },
        { type: 'Forbidden', field: 'spec.securityContext.seLinuxOptions.role', badValue: 'baz' },
        { type: 'Forbidden', field: 'spec.containers[3].securityContext.seLinuxOptions.type', badValue: 'container_engine_t' },
        { type: 'Forbidden', field: 'spec.containers[4].securityContext.seLinuxOptions.type', badValue: 'bar' },
        { type: 'Forbidden', field: 'spec.containers[5].securityContext.seLinuxOptions.user', badValue: 'bar' },
        { type: 'Forbidden', field: 'spec.containers[6].securityContext.seLinuxOptions.role', badValue: 'baz' },
      ],
    },
  },
  {
    name: 'container_engine_t allowed from v1.31',
    version: 'v1.31',
    pod: { metadata: {}, spec: { securityContext: { seLinuxOptions: { type: 'foo', user: 'bar', role: 'baz' } }, containers: [{ name: 'd', securityContext: { seLinuxOptions: { type: 'container_engine_t' } } }, { name: 'e', securityContext: { seLinuxOptions: { type: 'bar' } } }] } },
    expect: {
      allowed: false,
      forbiddenReason: 'seLinuxOptions',
      forbiddenDetail: 'pod and container "e" set forbidden securityContext.seLinuxOptions: types "bar", "foo"; user may not be set; role may not be set',
      errList: [
        { type: 'Forbidden', field: 'spec.securityContext.seLinuxOptions.type', badValue: 'foo' },
        { type: 'Forbidden', field: 'spec.securityContext.seLinuxOptions.user', badValue: 'bar' },
        { type: 'Forbidden', field: 'spec.securityContext.seLinuxOptions.role', badValue: 'baz' },
        { type: 'Forbidden', field: 'spec.containers[1].securityContext.seLinuxOptions.type', badValue: 'bar' },
      ],
    },
  },
  {
    name: 'invalid pod only',
    version: 'v1.0',
    pod: { metadata: {}, spec: { securityContext: { seLinuxOptions: { type: 'foo' } }, containers: [{ name: 'a', securityContext: { seLinuxOptions: { type: 'container_t' } } }] } },
    expect: {
      allowed: false,
      forbiddenReason: 'seLinuxOptions',
      forbiddenDetail: 'pod set forbidden securityContext.seLinuxOptions: type "foo"',
      errList: [
        { type: 'Forbidden', field: 'spec.securityContext.seLinuxOptions.type', badValue: 'foo' },
      ],
    },
  },
  {
    name: 'invalid containers only',
    version: 'v1.0',
    pod: { metadata: {}, spec: { containers: [{ name: 'a', securityContext: { seLinuxOptions: { type: 'bar' } } }, { name: 'b', securityContext: { seLinuxOptions: { user: 'u', level: 's0' } } }] } },
    expect: {
      allowed: false,
      forbiddenReason: 'seLinuxOptions',
      forbiddenDetail: 'containers "a", "b" set forbidden securityContext.seLinuxOptions: type "bar"; user may not be set',
      errList: [
        { type: 'Forbidden', field: 'spec.containers[0].securityContext.seLinuxOptions.type', badValue: 'bar' },
        { type: 'Forbidden', field: 'spec.containers[1].securityContext.seLinuxOptions.user', badValue: 'u' },
      ],
    },
  },
  {
    name: 'levels are not restricted',
    version: 'v1.0',
    pod: { metadata: {}, spec: { securityContext: { seLinuxOptions: { level: 's0:c1' } }, containers: [{ name: 'a', securityContext: { seLinuxOptions: { type: '' } } }] } },
    expect: { allowed: true, forbiddenReason: '', forbiddenDetail: '', errList: null },
  },
];

for (const c of cases) {
  test(`checkSELinuxOptions ${c.version}: ${c.name}`, () => {
    const version = parsePsaVersion(c.version);
    assert.ok(!(version instanceof PssVersionError));
    const revision = psaRevision(checkSELinuxOptions, version);
    assert.ok(revision !== undefined);
    const pod = decodePod(c.pod);
    assert.deepEqual(revision.checkPod(pod.metadata, pod.spec), c.expect);
  });
}
