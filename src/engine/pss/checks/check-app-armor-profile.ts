/**
 * AppArmor.
 *
 * Nodes that support AppArmor apply the container runtime's default profile. Baseline pods may not turn
 * that off or swap in an arbitrary profile: only the runtime default or a profile loaded on the node.
 *
 * Restricted Fields:
 *   metadata.annotations['container.apparmor.security.beta.kubernetes.io/*']
 * Allowed Values: 'runtime/default', 'localhost/*', empty, unset
 *
 * Restricted Fields:
 *   spec.securityContext.appArmorProfile.type
 *   spec.containers[*].securityContext.appArmorProfile.type
 *   spec.initContainers[*].securityContext.appArmorProfile.type
 *   spec.ephemeralContainers[*].securityContext.appArmorProfile.type
 * Allowed Values: 'RuntimeDefault', 'Localhost', unset (an empty type is not allowed)
 *
 * Baseline level, from v1.0.
 */
import { majorMinor } from '../api.ts';
import {
  ALLOWED,
  compareStrings,
  containerField,
  deny,
  forbidden,
  goQuote,
  joinQuote,
  nameOf,
  pluralize,
  sortedSet,
  visitContainers,
} from '../check.ts';
import type { Check, CheckResult, FieldError } from '../check.ts';
import type { PodMeta, PodSpecView } from '../pod.ts';

const ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

function allowedAnnotationValue(profile: string): boolean {
  return profile.length === 0 || profile === 'runtime/default' || profile.startsWith('localhost/');
}

function allowedProfileType(type: string | undefined): boolean {
  return type === 'RuntimeDefault' || type === 'Localhost';
}

function appArmorProfileV1Dot0(meta: PodMeta, spec: PodSpecView): CheckResult {
  const setters: string[] = [];
  const errs: FieldError[] = [];
  const badValues: string[] = [];

  const podProfile = spec.securityContext?.appArmorProfile;
  if (podProfile !== undefined && !allowedProfileType(podProfile.type)) {
    const t = podProfile.type ?? '';
    setters.push('pod');
    errs.push(forbidden('spec.securityContext.appArmorProfile.type', t));
    badValues.push(t);
  }

  let badContainers: string[] | undefined;
  visitContainers(spec, (c, list, i) => {
    const profile = c.securityContext?.appArmorProfile;
    if (profile !== undefined && !allowedProfileType(profile.type)) {
      const t = profile.type ?? '';
      (badContainers ??= []).push(nameOf(c));
      errs.push(forbidden(containerField(list, i, 'securityContext.appArmorProfile.type'), t));
      badValues.push(t);
    }
  });
  if (badContainers !== undefined) {
    setters.push(`${pluralize('container', 'containers', badContainers.length)} ${joinQuote(badContainers)}`);
  }

  let forbiddenAnnotations: string[] | undefined;
  const annotations = meta.annotations;
  if (annotations !== undefined) {
    // Go ranges over the map in random order; keys are visited sorted here so field errors are stable.
    for (const k of Object.keys(annotations).sort(compareStrings)) {
      const v = annotations[k]!;
      if (k.startsWith(ANNOTATION_PREFIX) && !allowedAnnotationValue(v)) {
        (forbiddenAnnotations ??= []).push(`${k}=${goQuote(v)}`);
        errs.push(forbidden(`metadata.annotations[${k}]`, v));
      }
    }
  }

  const badValueList = sortedSet(badValues);
  if (forbiddenAnnotations !== undefined) {
    forbiddenAnnotations.sort(compareStrings);
    badValueList.push(...forbiddenAnnotations);
    setters.push(pluralize('annotation', 'annotations', forbiddenAnnotations.length));
  }

  if (setters.length === 0) return ALLOWED;
  return deny(
    pluralize('forbidden AppArmor profile', 'forbidden AppArmor profiles', badValueList.length),
    `${setters.join(' and ')} must not set AppArmor profile type to ${joinQuote(badValueList)}`,
    errs,
  );
}

export const checkAppArmorProfile: Check = {
  id: 'appArmorProfile',
  level: 'baseline',
  versions: [{ minimumVersion: majorMinor(1, 0), checkPod: appArmorProfileV1Dot0 }],
};
