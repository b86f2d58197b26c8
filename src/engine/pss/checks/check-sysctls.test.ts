/**
 * Table tests for sysctls: pods re-expressed from upstream check_*_test.go scenarios; expected
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
import { checkSysctls } from './check-sysctls.ts';

const cases: Array<{ name: string; version: string; pod: JsonObject; expect: CheckResult }> = [
  {
    name: 'forbidden and allowed names',
    version: 'v1.0',
    pod: { metadata: {}, spec: { securityContext: { sysctls: [{ name: 'a', value: '1' }, { name: 'kernel.shm_rmid_forced', value: '0' }, { name: 'b', value: '2' }, { name: 'net.ipv4.ip_local_reserved_ports', value: '1' }] } } },
    expect: {
      allowed: false,
      forbiddenReason: 'forbidden sysctls',
      forbiddenDetail: 'a, b, net.ipv4.ip_local_reserved_ports',
      errList: [
        { type: 'Forbidden', field: 'spec.securityContext.sysctls[0].name', badValue: 'a' },
        { type: 'Forbidden', field: 'spec.securityContext.sysctls[2].name', badValue: 'b' },
        { type: 'Forbidden', field: 'spec.securityContext.sysctls[3].name', badValue: 'net.ipv4.ip_local_reserved_ports' },
      ],
    },
  },
  {
    name: 'ip_local_reserved_ports allowed from v1.27',
    version: 'v1.27',
    pod: { metadata: {}, spec: { securityContext: { sysctls: [{ name: 'net.ipv4.ip_local_reserved_ports' }, { name: 'net.ipv4.tcp_keepalive_time' }] } } },
    expect: {
      allowed: false,
      forbiddenReason: 'forbidden sysctls',
      forbiddenDetail: 'net.ipv4.tcp_keepalive_time',
      errList: [
        { type: 'Forbidden', field: 'spec.securityContext.sysctls[1].name', badValue: 'net.ipv4.tcp_keepalive_time' },
      ],
    },
  },
  {
    name: 'keepalive sysctls allowed from v1.29',
    version: 'v1.29',
    pod: { metadata: {}, spec: { securityContext: { sysctls: [{ name: 'net.ipv4.tcp_keepalive_time' }, { name: 'net.ipv4.tcp_fin_timeout' }, { name: 'net.ipv4.tcp_keepalive_intvl' }, { name: 'net.ipv4.tcp_keepalive_probes' }, { name: 'net.ipv4.tcp_rmem' }] } } },
    expect: {
      allowed: false,
      forbiddenReason: 'forbidden sysctls',
      forbiddenDetail: 'net.ipv4.tcp_rmem',
      errList: [
        { type: 'Forbidden', field: 'spec.securityContext.sysctls[4].name', badValue: 'net.ipv4.tcp_rmem' },
      ],
    },
  },
  {
    name: 'tcp_rmem / tcp_wmem allowed from v1.32',
    version: 'v1.32',
    pod: { metadata: {}, spec: { securityContext: { sysctls: [{ name: 'net.ipv4.tcp_rmem' }, { name: 'net.ipv4.tcp_wmem' }, { name: 'net.ipv4.tcp_slow_start_after_idle' }] } } },
    expect: {
      allowed: false,
      forbiddenReason: 'forbidden sysctls',
      forbiddenDetail: 'net.ipv4.tcp_slow_start_after_idle',
      errList: [
        { type: 'Forbidden', field: 'spec.securityContext.sysctls[2].name', badValue: 'net.ipv4.tcp_slow_start_after_idle' },
      ],
    },
  },
];

for (const c of cases) {
  test(`checkSysctls ${c.version}: ${c.name}`, () => {
    const version = parsePsaVersion(c.version);
    assert.ok(!(version instanceof PssVersionError));
    const revision = psaRevision(checkSysctls, version);
    assert.ok(revision !== undefined);
    const pod = decodePod(c.pod);
    assert.deepEqual(revision.checkPod(pod.metadata, pod.spec), c.expect);
  });
}
