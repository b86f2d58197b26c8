/**
 * /proc mount type.
 *
 * The runtime masks parts of /proc by default to shrink the attack surface; containers must keep the
 * default masking.
 *
 * Restricted Fields:
 *   spec.containers[*].securityContext.procMount
 *   spec.initContainers[*].securityContext.procMount
 *   spec.ephemeralContainers[*].securityContext.procMount
 *
 * Allowed Values: unset/null, "Default"
 *
 * Baseline level, from v1.0. Upstream relaxes this for user-namespaced pods (`hostUsers: false`) only
 * behind a process-wide switch that Kyverno does not enable (and Kyverno's fork has no v1.35 revision).
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
  sortedSet,
  visitContainers,
} from '../check.ts';
import type { Check, CheckResult, FieldError } from '../check.ts';
import type { PodMeta, PodSpecView } from '../pod.ts';

function procMountV1Dot0(_meta: PodMeta, spec: PodSpecView): CheckResult {
  if (relaxPolicyForUserNamespacePod(spec)) return ALLOWED;
  let names: string[] | undefined;
  const errs: FieldError[] = [];
  const types: string[] = [];
  visitContainers(spec, (c, list, i) => {
    const procMount = c.securityContext?.procMount;
    if (procMount === undefined || procMount === 'Default') return;
    (names ??= []).push(nameOf(c));
    errs.push(forbidden(containerField(list, i, 'securityContext.procMount'), procMount));
    types.push(procMount);
  });
  if (names === undefined) return ALLOWED;
  return deny(
    'procMount',
    `${pluralize('container', 'containers', names.length)} ${joinQuote(names)} must not set securityContext.procMount to ${joinQuote(sortedSet(types))}`,
    errs,
  );
}

export const checkProcMount: Check = {
  id: 'procMount',
  level: 'baseline',
  versions: [{ minimumVersion: majorMinor(1, 0), checkPod: procMountV1Dot0 }],
};
