/**
 * Running as non-root.
 *
 * Containers must be required to run as a non-root user, set on the pod or on every container.
 *
 * Restricted Fields:
 *   spec.securityContext.runAsNonRoot
 *   spec.containers[*].securityContext.runAsNonRoot
 *   spec.initContainers[*].securityContext.runAsNonRoot
 *   spec.ephemeralContainers[*].securityContext.runAsNonRoot
 *
 * Allowed Values: true; a container may leave it unset when the pod sets it to true.
 *
 * Restricted level, from v1.0.
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
  required,
  visitContainers,
} from '../check.ts';
import type { Check, CheckResult, FieldError } from '../check.ts';
import type { PodMeta, PodSpecView } from '../pod.ts';

function runAsNonRootV1Dot0(_meta: PodMeta, spec: PodSpecView): CheckResult {
  if (relaxPolicyForUserNamespacePod(spec)) return ALLOWED;

  let setters: string[] | undefined;
  const setterErrs: FieldError[] = [];
  let podRunAsNonRoot = false;
  const podValue = spec.securityContext?.runAsNonRoot;
  if (podValue === false) {
    setters = ['pod'];
    setterErrs.push(forbidden('spec.securityContext.runAsNonRoot', false));
  } else if (podValue === true) {
    podRunAsNonRoot = true;
  }

  let explicitlyBad: string[] | undefined;
  let implicitlyBad: string[] | undefined;
  const implicitErrs: FieldError[] = [];
  visitContainers(spec, (c, list, i) => {
    const v = c.securityContext?.runAsNonRoot;
    if (v !== undefined) {
      if (!v) {
        (explicitlyBad ??= []).push(nameOf(c));
        setterErrs.push(forbidden(containerField(list, i, 'securityContext.runAsNonRoot'), false));
      }
    } else if (!podRunAsNonRoot) {
      (implicitlyBad ??= []).push(nameOf(c));
      implicitErrs.push(required(containerField(list, i, 'securityContext.runAsNonRoot')));
    }
  });
  if (explicitlyBad !== undefined) {
    (setters ??= []).push(`${pluralize('container', 'containers', explicitlyBad.length)} ${joinQuote(explicitlyBad)}`);
  }

  if (setters === undefined && implicitlyBad === undefined) return ALLOWED;
  const details: string[] = [];
  if (setters !== undefined) details.push(`${setters.join(' and ')} must not set securityContext.runAsNonRoot=false`);
  if (implicitlyBad !== undefined) {
    details.push(
      `pod or ${pluralize('container', 'containers', implicitlyBad.length)} ${joinQuote(implicitlyBad)} must set securityContext.runAsNonRoot=true`,
    );
  }
  return deny('runAsNonRoot != true', details.join('\n'), [...setterErrs, ...implicitErrs]);
}

export const checkRunAsNonRoot: Check = {
  id: 'runAsNonRoot',
  level: 'restricted',
  versions: [{ minimumVersion: majorMinor(1, 0), checkPod: runAsNonRootV1Dot0 }],
};
