/**
 * Seccomp (baseline).
 *
 * A seccomp profile may be left unset, but when one is set it must be the runtime default or a profile
 * loaded on the node; `Unconfined` and anything else are forbidden.
 *
 * v1.0 to v1.18 (annotations):
 *   Restricted Fields:
 *     metadata.annotations['seccomp.security.alpha.kubernetes.io/pod']
 *     metadata.annotations['container.seccomp.security.alpha.kubernetes.io/*']
 *   Allowed Values: 'runtime/default', 'docker/default', 'localhost/*', unset
 *
 * v1.19 and later (fields):
 *   Restricted Fields:
 *     spec.securityContext.seccompProfile.type
 *     spec.containers[*].securityContext.seccompProfile.type
 *     spec.initContainers[*].securityContext.seccompProfile.type
 *     spec.ephemeralContainers[*].securityContext.seccompProfile.type
 *   Allowed Values: 'RuntimeDefault', 'Localhost', unset
 *
 * Baseline level (replaced by seccompProfile_restricted at the restricted level from v1.19).
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

/** The check ID (overridden by seccompProfile_restricted in the PSA registry). */
export const CHECK_SECCOMP_BASELINE_ID = 'seccompProfile_baseline';

const ANNOTATION_KEY_POD = 'seccomp.security.alpha.kubernetes.io/pod';
const ANNOTATION_KEY_CONTAINER_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';

/** `RuntimeDefault` or `Localhost` (shared with the restricted check). */
export function validSeccomp(type: string | undefined): boolean {
  return type === 'Localhost' || type === 'RuntimeDefault';
}

function validSeccompAnnotationValue(v: string): boolean {
  return v === 'runtime/default' || v === 'docker/default' || v.startsWith('localhost/');
}

function seccompProfileBaselineV1Dot0(meta: PodMeta, spec: PodSpecView): CheckResult {
  const annotations = meta.annotations;
  if (annotations === undefined) return ALLOWED;
  let byValue: Map<string, FieldError[]> | undefined;
  const note = (key: string): void => {
    const val = annotations[key];
    if (val === undefined || validSeccompAnnotationValue(val)) return;
    const forbiddenValue = `${key}=${goQuote(val)}`;
    byValue ??= new Map();
    let list = byValue.get(forbiddenValue);
    if (list === undefined) byValue.set(forbiddenValue, (list = []));
    list.push(forbidden(`metadata.annotations[${key}]`, val));
  };
  if (Object.prototype.hasOwnProperty.call(annotations, ANNOTATION_KEY_POD)) note(ANNOTATION_KEY_POD);
  visitContainers(spec, (c) => {
    const key = ANNOTATION_KEY_CONTAINER_PREFIX + nameOf(c);
    if (Object.prototype.hasOwnProperty.call(annotations, key)) note(key);
  });
  if (byValue === undefined) return ALLOWED;
  // Go ranges over a map here; the values are visited sorted so field errors are stable.
  const values = [...byValue.keys()].sort(compareStrings);
  const errs: FieldError[] = [];
  for (const v of values) errs.push(...byValue.get(v)!);
  return deny(
    'seccompProfile',
    `forbidden ${pluralize('annotation', 'annotations', values.length)} ${values.join(', ')}`,
    errs,
  );
}

function seccompProfileBaselineV1Dot19(_meta: PodMeta, spec: PodSpecView): CheckResult {
  const setters: string[] = [];
  const errs: FieldError[] = [];
  const badValues: string[] = [];
  const podProfile = spec.securityContext?.seccompProfile;
  if (podProfile !== undefined && !validSeccomp(podProfile.type)) {
    const t = podProfile.type ?? '';
    setters.push('pod');
    errs.push(forbidden('spec.securityContext.seccompProfile.type', t));
    badValues.push(t);
  }
  let names: string[] | undefined;
  visitContainers(spec, (c, list, i) => {
    const profile = c.securityContext?.seccompProfile;
    if (profile !== undefined && !validSeccomp(profile.type)) {
      const t = profile.type ?? '';
      (names ??= []).push(nameOf(c));
      errs.push(forbidden(containerField(list, i, 'securityContext.seccompProfile.type'), t));
      badValues.push(t);
    }
  });
  if (names !== undefined) setters.push(`${pluralize('container', 'containers', names.length)} ${joinQuote(names)}`);
  if (setters.length === 0) return ALLOWED;
  return deny(
    'seccompProfile',
    `${setters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(badValues))}`,
    errs,
  );
}

export const checkSeccompBaseline: Check = {
  id: CHECK_SECCOMP_BASELINE_ID,
  level: 'baseline',
  versions: [
    { minimumVersion: majorMinor(1, 0), checkPod: seccompProfileBaselineV1Dot0 },
    { minimumVersion: majorMinor(1, 19), checkPod: seccompProfileBaselineV1Dot19 },
  ],
};
