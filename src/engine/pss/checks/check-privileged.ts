/**
 * Privileged containers.
 *
 * A privileged container switches off most isolation mechanisms and is forbidden.
 *
 * Restricted Fields:
 *   spec.containers[*].securityContext.privileged
 *   spec.initContainers[*].securityContext.privileged
 *   spec.ephemeralContainers[*].securityContext.privileged
 *
 * Allowed Values: false, unset/null
 *
 * Baseline level, from v1.0.
 */
import { majorMinor } from '../api.ts';
import { ALLOWED, containerField, deny, forbidden, joinQuote, nameOf, pluralize, visitContainers } from '../check.ts';
import type { Check, CheckResult, FieldError } from '../check.ts';
import type { PodMeta, PodSpecView } from '../pod.ts';

function privilegedV1Dot0(_meta: PodMeta, spec: PodSpecView): CheckResult {
  let names: string[] | undefined;
  const errs: FieldError[] = [];
  visitContainers(spec, (c, list, i) => {
    if (c.securityContext?.privileged === true) {
      (names ??= []).push(nameOf(c));
      errs.push(forbidden(containerField(list, i, 'securityContext.privileged'), true));
    }
  });
  if (names === undefined) return ALLOWED;
  return deny(
    'privileged',
    `${pluralize('container', 'containers', names.length)} ${joinQuote(names)} must not set securityContext.privileged=true`,
    errs,
  );
}

export const checkPrivileged: Check = {
  id: 'privileged',
  level: 'baseline',
  versions: [{ minimumVersion: majorMinor(1, 0), checkPod: privilegedV1Dot0 }],
};
