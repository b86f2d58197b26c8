/**
 * Host namespaces.
 *
 * A pod may not share the node's network, process-ID or IPC namespace.
 *
 * Restricted Fields:
 *   spec.hostNetwork
 *   spec.hostPID
 *   spec.hostIPC
 *
 * Allowed Values: false, unset
 *
 * Baseline level, from v1.0.
 */
import { majorMinor } from '../api.ts';
import { ALLOWED, deny, forbidden } from '../check.ts';
import type { Check, CheckResult, FieldError } from '../check.ts';
import type { PodMeta, PodSpecView } from '../pod.ts';

function hostNamespacesV1Dot0(_meta: PodMeta, spec: PodSpecView): CheckResult {
  if (spec.hostNetwork !== true && spec.hostPID !== true && spec.hostIPC !== true) return ALLOWED;
  const data: string[] = [];
  const errs: FieldError[] = [];
  if (spec.hostNetwork === true) {
    data.push('hostNetwork=true');
    errs.push(forbidden('spec.hostNetwork', true));
  }
  if (spec.hostPID === true) {
    data.push('hostPID=true');
    errs.push(forbidden('spec.hostPID', true));
  }
  if (spec.hostIPC === true) {
    data.push('hostIPC=true');
    errs.push(forbidden('spec.hostIPC', true));
  }
  return deny('host namespaces', data.join(', '), errs);
}

export const checkHostNamespaces: Check = {
  id: 'hostNamespaces',
  level: 'baseline',
  versions: [{ minimumVersion: majorMinor(1, 0), checkPod: hostNamespacesV1Dot0 }],
};
