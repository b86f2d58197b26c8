/**
 * Running as non-root user.
 *
 * Neither the pod nor any container may ask to run as UID 0.
 *
 * Restricted Fields:
 *   spec.securityContext.runAsUser
 *   spec.containers[*].securityContext.runAsUser
 *   spec.initContainers[*].securityContext.runAsUser
 *   spec.ephemeralContainers[*].securityContext.runAsUser
 *
 * Allowed Values: any non-zero value, unset/null
 *
 * Restricted level, from v1.23.
 */
import { majorMinor } from '../api.ts';
import {
  ALLOWED,
  containerField,
  deny,
  forbidden,
  joinQuote,
  nameOf,
  pluralize,
  relaxPolicyForUserNamespacePod,
  visitContainers,
} from '../check.ts';
import type { Check, CheckResult, FieldError } from '../check.ts';
import type { PodMeta, PodSpecView } from '../pod.ts';

function runAsUserV1Dot23(_meta: PodMeta, spec: PodSpecView): CheckResult {
  if (relaxPolicyForUserNamespacePod(spec)) return ALLOWED;
  let setters: string[] | undefined;
  const errs: FieldError[] = [];
  if (spec.securityContext?.runAsUser === 0) {
    setters = ['pod'];
    errs.push(forbidden('spec.securityContext.runAsUser', 0));
  }
  let names: string[] | undefined;
  visitContainers(spec, (c, list, i) => {
    if (c.securityContext?.runAsUser === 0) {
      (names ??= []).push(nameOf(c));
      errs.push(forbidden(containerField(list, i, 'securityContext.runAsUser'), 0));
    }
  });
  if (names !== undefined) {
    (setters ??= []).push(`${pluralize('container', 'containers', names.length)} ${joinQuote(names)}`);
  }
  if (setters === undefined) return ALLOWED;
  return deny('runAsUser=0', `${setters.join(' and ')} must not set runAsUser=0`, errs);
}

export const checkRunAsUser: Check = {
  id: 'runAsUser',
  level: 'restricted',
  versions: [{ minimumVersion: majorMinor(1, 23), checkPod: runAsUserV1Dot23 }],
};
