/**
 * Privilege escalation.
 *
 * Processes must not be able to gain more privileges than their parent (set-user-ID / set-group-ID
 * binaries and the like), so every container has to turn escalation off explicitly.
 *
 * Restricted Fields:
 *   spec.containers[*].securityContext.allowPrivilegeEscalation
 *   spec.initContainers[*].securityContext.allowPrivilegeEscalation
 *   spec.ephemeralContainers[*].securityContext.allowPrivilegeEscalation
 *
 * Allowed Values: false (unset is not allowed)
 *
 * Restricted level, from v1.8 (the field appeared in Kubernetes 1.8). From v1.25, pods declaring
 * `spec.os.name: windows` are exempt.
 */
import { majorMinor } from '../api.ts';
import {
  ALLOWED,
  containerField,
  deny,
  forbidden,
  isWindowsPod,
  joinQuote,
  nameOf,
  pluralize,
  required,
  visitContainers,
} from '../check.ts';
import type { Check, CheckResult, FieldError } from '../check.ts';
import type { PodMeta, PodSpecView } from '../pod.ts';

function allowPrivilegeEscalationV1Dot8(_meta: PodMeta, spec: PodSpecView): CheckResult {
  let names: string[] | undefined;
  const errs: FieldError[] = [];
  visitContainers(spec, (c, list, i) => {
    const sc = c.securityContext;
    if (sc !== undefined && sc.allowPrivilegeEscalation === false) return;
    const field = containerField(list, i, 'securityContext.allowPrivilegeEscalation');
    if (sc === undefined) errs.push(required(field));
    else if (sc.allowPrivilegeEscalation === undefined) errs.push(forbidden(field, 'nil'));
    else errs.push(forbidden(field, true));
    (names ??= []).push(nameOf(c));
  });
  if (names === undefined) return ALLOWED;
  return deny(
    'allowPrivilegeEscalation != false',
    `${pluralize('container', 'containers', names.length)} ${joinQuote(names)} must set securityContext.allowPrivilegeEscalation=false`,
    errs,
  );
}

function allowPrivilegeEscalationV1Dot25(meta: PodMeta, spec: PodSpecView): CheckResult {
  // Pod validation rejects the field on Windows pods, so they are admitted without it.
  if (isWindowsPod(spec)) return ALLOWED;
  return allowPrivilegeEscalationV1Dot8(meta, spec);
}

export const checkAllowPrivilegeEscalation: Check = {
  id: 'allowPrivilegeEscalation',
  level: 'restricted',
  versions: [
    { minimumVersion: majorMinor(1, 8), checkPod: allowPrivilegeEscalationV1Dot8 },
    { minimumVersion: majorMinor(1, 25), checkPod: allowPrivilegeEscalationV1Dot25 },
  ],
};
