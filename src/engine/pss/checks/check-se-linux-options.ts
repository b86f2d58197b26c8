/**
 * SELinux.
 *
 * The SELinux type may only be one of the container types, and a custom SELinux user or role may not be
 * set at all.
 *
 * Restricted Fields:
 *   spec.securityContext.seLinuxOptions.type
 *   spec.containers[*].securityContext.seLinuxOptions.type
 *   spec.initContainers[*].securityContext.seLinuxOptions.type
 *   spec.ephemeralContainers[*].securityContext.seLinuxOptions.type
 * Allowed Values: unset/"", container_t, container_init_t, container_kvm_t, and from v1.31
 *   container_engine_t
 *
 * Restricted Fields:
 *   spec.securityContext.seLinuxOptions.user / .role
 *   spec.containers[*].securityContext.seLinuxOptions.user / .role
 *   spec.initContainers[*].securityContext.seLinuxOptions.user / .role
 *   spec.ephemeralContainers[*].securityContext.seLinuxOptions.user / .role
 * Allowed Values: unset/""
 *
 * Baseline level, from v1.0; v1.31 widens the allowed types.
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
  sortedSet,
  visitContainers,
} from '../check.ts';
import type { Check, CheckResult, FieldError } from '../check.ts';
import type { PodMeta, PodSpecView, SELinuxOptionsView } from '../pod.ts';

const TYPES_1_0: ReadonlySet<string> = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t']);
const TYPES_1_31: ReadonlySet<string> = new Set([...TYPES_1_0, 'container_engine_t']);

function seLinuxOptions(spec: PodSpecView, allowedTypes: ReadonlySet<string>): CheckResult {
  const setters: string[] = [];
  const errs: FieldError[] = [];
  const badTypes: string[] = [];
  let setUser = false;
  let setRole = false;

  /** Checks one options block; `prefix` is the field path of its owner's securityContext. */
  const valid = (o: SELinuxOptionsView, prefix: string): boolean => {
    let ok = true;
    const type = o.type ?? '';
    if (!allowedTypes.has(type)) {
      ok = false;
      badTypes.push(type);
      errs.push(forbidden(`${prefix}.seLinuxOptions.type`, type));
    }
    const user = o.user ?? '';
    if (user.length > 0) {
      ok = false;
      setUser = true;
      errs.push(forbidden(`${prefix}.seLinuxOptions.user`, user));
    }
    const role = o.role ?? '';
    if (role.length > 0) {
      ok = false;
      setRole = true;
      errs.push(forbidden(`${prefix}.seLinuxOptions.role`, role));
    }
    return ok;
  };

  const podOptions = spec.securityContext?.seLinuxOptions;
  if (podOptions !== undefined && !valid(podOptions, 'spec.securityContext')) setters.push('pod');

  let badContainers: string[] | undefined;
  visitContainers(spec, (c, list, i) => {
    const o = c.securityContext?.seLinuxOptions;
    if (o !== undefined && !valid(o, containerField(list, i, 'securityContext'))) {
      (badContainers ??= []).push(nameOf(c));
    }
  });
  if (badContainers !== undefined) {
    setters.push(`${pluralize('container', 'containers', badContainers.length)} ${joinQuote(badContainers)}`);
  }

  if (setters.length === 0) return ALLOWED;
  const badData: string[] = [];
  if (badTypes.length > 0) {
    const types = sortedSet(badTypes);
    badData.push(`${pluralize('type', 'types', types.length)} ${joinQuote(types)}`);
  }
  if (setUser) badData.push('user may not be set');
  if (setRole) badData.push('role may not be set');
  return deny(
    'seLinuxOptions',
    `${setters.join(' and ')} set forbidden securityContext.seLinuxOptions: ${badData.join('; ')}`,
    errs,
  );
}

function seLinuxOptionsV1Dot0(_meta: PodMeta, spec: PodSpecView): CheckResult {
  return seLinuxOptions(spec, TYPES_1_0);
}

function seLinuxOptionsV1Dot31(_meta: PodMeta, spec: PodSpecView): CheckResult {
  return seLinuxOptions(spec, TYPES_1_31);
}

export const checkSELinuxOptions: Check = {
  id: 'seLinuxOptions',
  level: 'baseline',
  versions: [
    { minimumVersion: majorMinor(1, 0), checkPod: seLinuxOptionsV1Dot0 },
    { minimumVersion: majorMinor(1, 31), checkPod: seLinuxOptionsV1Dot31 },
  ],
};
