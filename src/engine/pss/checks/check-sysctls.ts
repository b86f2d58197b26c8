/**
 * Sysctls.
 *
 * Sysctls can switch off security mechanisms or affect every workload on the node; only a "safe" set is
 * allowed, i.e. sysctls namespaced to the pod and isolated from other pods and processes on the node.
 *
 * Restricted Fields:
 *   spec.securityContext.sysctls[*].name
 *
 * Allowed Values:
 *   v1.0:  kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, net.ipv4.tcp_syncookies,
 *          net.ipv4.ping_group_range, net.ipv4.ip_unprivileged_port_start
 *   v1.27: + net.ipv4.ip_local_reserved_ports
 *   v1.29: + net.ipv4.tcp_keepalive_time, net.ipv4.tcp_fin_timeout, net.ipv4.tcp_keepalive_intvl,
 *          net.ipv4.tcp_keepalive_probes
 *   v1.32: + net.ipv4.tcp_rmem, net.ipv4.tcp_wmem
 *
 * Baseline level. (Upstream Kubernetes added more names in v1.37; Kyverno's fork stops at v1.32.)
 */
import { majorMinor } from '../api.ts';
import { ALLOWED, deny, forbidden } from '../check.ts';
import type { Check, CheckPodFn, CheckResult, FieldError } from '../check.ts';
import type { PodMeta, PodSpecView } from '../pod.ts';

const union = (base: ReadonlySet<string>, ...more: string[]): ReadonlySet<string> => new Set([...base, ...more]);

const ALLOWED_V1_0: ReadonlySet<string> = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
]);
const ALLOWED_V1_27 = union(ALLOWED_V1_0, 'net.ipv4.ip_local_reserved_ports');
const ALLOWED_V1_29 = union(
  ALLOWED_V1_27,
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
);
const ALLOWED_V1_32 = union(ALLOWED_V1_29, 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem');

function sysctls(spec: PodSpecView, allowed: ReadonlySet<string>): CheckResult {
  const list = spec.securityContext?.sysctls;
  if (list === undefined) return ALLOWED;
  let names: string[] | undefined;
  const errs: FieldError[] = [];
  for (let i = 0; i < list.length; i++) {
    const name = list[i]!.name ?? '';
    if (!allowed.has(name)) {
      (names ??= []).push(name);
      errs.push(forbidden(`spec.securityContext.sysctls[${i}].name`, name));
    }
  }
  if (names === undefined) return ALLOWED;
  return deny('forbidden sysctls', names.join(', '), errs);
}

const withAllowed =
  (allowed: ReadonlySet<string>): CheckPodFn =>
  (_meta: PodMeta, spec: PodSpecView) =>
    sysctls(spec, allowed);

export const checkSysctls: Check = {
  id: 'sysctls',
  level: 'baseline',
  versions: [
    { minimumVersion: majorMinor(1, 0), checkPod: withAllowed(ALLOWED_V1_0) },
    { minimumVersion: majorMinor(1, 27), checkPod: withAllowed(ALLOWED_V1_27) },
    { minimumVersion: majorMinor(1, 29), checkPod: withAllowed(ALLOWED_V1_29) },
    { minimumVersion: majorMinor(1, 32), checkPod: withAllowed(ALLOWED_V1_32) },
  ],
};
