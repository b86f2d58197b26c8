/**
 * HostProcess.
 *
 * Windows HostProcess containers run with host-level access; neither the pod nor a container may ask
 * for one.
 *
 * Restricted Fields:
 *   spec.securityContext.windowsOptions.hostProcess
 *   spec.containers[*].securityContext.windowsOptions.hostProcess
 *   spec.initContainers[*].securityContext.windowsOptions.hostProcess
 *   spec.ephemeralContainers[*].securityContext.windowsOptions.hostProcess
 *
 * Allowed Values: false, unset
 *
 * Baseline level, from v1.0.
 */
import { majorMinor } from '../api.ts';
import { ALLOWED, containerField, deny, forbidden, joinQuote, nameOf, pluralize, visitContainers } from '../check.ts';
import type { Check, CheckResult, FieldError } from '../check.ts';
import type { PodMeta, PodSpecView } from '../pod.ts';

function windowsHostProcessV1Dot0(_meta: PodMeta, spec: PodSpecView): CheckResult {
  let names: string[] | undefined;
  const containerErrs: FieldError[] = [];
  visitContainers(spec, (c, list, i) => {
    if (c.securityContext?.windowsOptions?.hostProcess === true) {
      (names ??= []).push(nameOf(c));
      containerErrs.push(forbidden(containerField(list, i, 'securityContext.windowsOptions.hostProcess'), true));
    }
  });
  const podForbidden = spec.securityContext?.windowsOptions?.hostProcess === true;
  if (!podForbidden && names === undefined) return ALLOWED;
  const setters: string[] = [];
  const errs: FieldError[] = [];
  if (podForbidden) {
    setters.push('pod');
    errs.push(forbidden('spec.securityContext.windowsOptions.hostProcess', true));
  }
  if (names !== undefined) {
    setters.push(`${pluralize('container', 'containers', names.length)} ${joinQuote(names)}`);
    errs.push(...containerErrs);
  }
  return deny('hostProcess', `${setters.join(' and ')} must not set securityContext.windowsOptions.hostProcess=true`, errs);
}

export const checkWindowsHostProcess: Check = {
  id: 'windowsHostProcess',
  level: 'baseline',
  versions: [{ minimumVersion: majorMinor(1, 0), checkPod: windowsHostProcessV1Dot0 }],
};
