/**
 * Seccomp (restricted).
 *
 * A seccomp profile must be in force for every container: the runtime default or a node-local profile,
 * set on the pod or on each container.
 *
 * Restricted Fields:
 *   spec.securityContext.seccompProfile.type
 *   spec.containers[*].securityContext.seccompProfile.type
 *   spec.initContainers[*].securityContext.seccompProfile.type
 *   spec.ephemeralContainers[*].securityContext.seccompProfile.type
 *
 * Allowed Values: 'RuntimeDefault', 'Localhost'; a container may leave it unset when the pod sets an
 * allowed one.
 *
 * Restricted level, from v1.19 (replaces seccompProfile_baseline); from v1.25, pods declaring
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
  sortedSet,
  visitContainers,
} from '../check.ts';
import type { Check, CheckResult, FieldError } from '../check.ts';
import type { PodMeta, PodSpecView } from '../pod.ts';
import { CHECK_SECCOMP_BASELINE_ID, validSeccomp } from './check-seccomp-profile-baseline.ts';

function seccompProfileRestrictedV1Dot19(_meta: PodMeta, spec: PodSpecView): CheckResult {
  const setters: string[] = [];
  const setterErrs: FieldError[] = [];
  const badValues: string[] = [];
  let podSeccompSet = false;
  const podProfile = spec.securityContext?.seccompProfile;
  if (podProfile !== undefined) {
    if (!validSeccomp(podProfile.type)) {
      const t = podProfile.type ?? '';
      setters.push('pod');
      setterErrs.push(forbidden('spec.securityContext.seccompProfile.type', t));
      badValues.push(t);
    } else {
      podSeccompSet = true;
    }
  }

  let explicitlyBad: string[] | undefined;
  let implicitlyBad: string[] | undefined;
  const implicitErrs: FieldError[] = [];
  visitContainers(spec, (c, list, i) => {
    const profile = c.securityContext?.seccompProfile;
    if (profile !== undefined) {
      if (!validSeccomp(profile.type)) {
        const t = profile.type ?? '';
        (explicitlyBad ??= []).push(nameOf(c));
        setterErrs.push(forbidden(containerField(list, i, 'securityContext.seccompProfile.type'), t));
        badValues.push(t);
      }
    } else if (!podSeccompSet) {
      (implicitlyBad ??= []).push(nameOf(c));
      implicitErrs.push(required(containerField(list, i, 'securityContext.seccompProfile.type')));
    }
  });
  if (explicitlyBad !== undefined) {
    setters.push(`${pluralize('container', 'containers', explicitlyBad.length)} ${joinQuote(explicitlyBad)}`);
  }

  if (setters.length > 0) {
    return deny(
      'seccompProfile',
      `${setters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(badValues))}`,
      setterErrs,
    );
  }
  if (implicitlyBad !== undefined) {
    return deny(
      'seccompProfile',
      `pod or ${pluralize('container', 'containers', implicitlyBad.length)} ${joinQuote(implicitlyBad)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
      implicitErrs,
    );
  }
  return ALLOWED;
}

function seccompProfileRestrictedV1Dot25(meta: PodMeta, spec: PodSpecView): CheckResult {
  // Pod validation rejects seccomp profiles on Windows pods, so they are admitted without one.
  if (isWindowsPod(spec)) return ALLOWED;
  return seccompProfileRestrictedV1Dot19(meta, spec);
}

export const checkSeccompProfileRestricted: Check = {
  id: 'seccompProfile_restricted',
  level: 'restricted',
  versions: [
    {
      minimumVersion: majorMinor(1, 19),
      checkPod: seccompProfileRestrictedV1Dot19,
      overrideCheckIDs: [CHECK_SECCOMP_BASELINE_ID],
    },
    {
      minimumVersion: majorMinor(1, 25),
      checkPod: seccompProfileRestrictedV1Dot25,
      overrideCheckIDs: [CHECK_SECCOMP_BASELINE_ID],
    },
  ],
};
