/**
 * Host ports.
 *
 * Containers may not bind ports of the node.
 *
 * Restricted Fields:
 *   spec.containers[*].ports[*].hostPort
 *   spec.initContainers[*].ports[*].hostPort
 *   spec.ephemeralContainers[*].ports[*].hostPort
 *
 * Allowed Values: unset, 0
 *
 * Baseline level, from v1.0.
 */
import { majorMinor } from '../api.ts';
import { ALLOWED, containerField, deny, forbidden, joinQuote, nameOf, pluralize, sortedSet, visitContainers } from '../check.ts';
import type { Check, CheckResult, FieldError } from '../check.ts';
import type { PodMeta, PodSpecView } from '../pod.ts';

function hostPortsV1Dot0(_meta: PodMeta, spec: PodSpecView): CheckResult {
  let names: string[] | undefined;
  const errs: FieldError[] = [];
  const ports: string[] = [];
  visitContainers(spec, (c, list, i) => {
    const cPorts = c.ports;
    if (cPorts === undefined) return;
    let bad = false;
    for (let p = 0; p < cPorts.length; p++) {
      const hostPort = cPorts[p]!.hostPort ?? 0;
      if (hostPort !== 0) {
        bad = true;
        ports.push(String(hostPort));
        errs.push(forbidden(containerField(list, i, `ports[${p}].hostPort`), hostPort));
      }
    }
    if (bad) (names ??= []).push(nameOf(c));
  });
  if (names === undefined) return ALLOWED;
  const portList = sortedSet(ports);
  return deny(
    'hostPort',
    `${pluralize('container', 'containers', names.length)} ${joinQuote(names)} ${pluralize('uses', 'use', names.length)} ${pluralize('hostPort', 'hostPorts', portList.length)} ${portList.join(', ')}`,
    errs,
  );
}

export const checkHostPorts: Check = {
  id: 'hostPorts',
  level: 'baseline',
  versions: [{ minimumVersion: majorMinor(1, 0), checkPod: hostPortsV1Dot0 }],
};
