/**
 * Static checks of Pod Security Standard exclusions (`validate.podSecurity.exclude[]` and
 * PolicyException `podSecurity[]`), as api/kyverno/v1 `PodSecurityStandard.Validate` and
 * `Rule.ValidatePSaControlNames` (control lists from pkg/pss/utils/mapping.go).
 */
import type { JsonValue } from '../api/json.ts';
import { childPath, fieldForbidden, fieldInvalid, indexPath, type PolicyValidationError } from './errors.ts';
import { obj, objects, str, strings, type Obj } from './rule-model.ts';

/** Controls that only exist at the restricted level (invalid to exclude in a baseline rule). */
const RESTRICTED_CONTROLS = [
  'Volume Types',
  'Privilege Escalation',
  'Running as Non-root',
  'Running as Non-root user',
  'Seccomp',
  'Capabilities',
];
/** Controls checked on the pod spec: exclusions must not list images. */
const POD_LEVEL_CONTROLS = ['Host Namespaces', 'HostPath Volumes', 'Sysctls', 'Volume Types'];
/** Controls checked per container: exclusions must list images. */
const CONTAINER_LEVEL_CONTROLS = ['Capabilities', 'Privileged Containers', 'Host Ports', '/proc Mount Type', 'Privilege Escalation'];

/** `PodSecurityStandard.Validate(path)` for one exclusion. */
export function validatePodSecurityStandard(pss: Obj, path: string): PolicyValidationError[] {
  const errs: PolicyValidationError[] = [];
  const control = str(pss['controlName']);
  const images = strings(pss['images']);
  if (CONTAINER_LEVEL_CONTROLS.includes(control)) {
    if (images.length === 0) {
      errs.push(fieldInvalid(childPath(path, 'controlName'), control, 'exclude.images must be specified for the container level control'));
    }
  } else if (POD_LEVEL_CONTROLS.includes(control)) {
    if (images.length !== 0) {
      errs.push(fieldInvalid(childPath(path, 'controlName'), control, 'exclude.images must not be specified for the pod level control'));
    }
  }
  const restrictedField = str(pss['restrictedField']);
  const values = strings(pss['values']);
  if (restrictedField !== '' && values.length === 0) errs.push(fieldForbidden(childPath(path, 'values'), 'values is required'));
  if (restrictedField === '' && values.length !== 0) {
    errs.push(fieldForbidden(childPath(path, 'restrictedField'), 'restrictedField is required'));
  }
  return errs;
}

/** `Rule.ValidatePSaControlNames(path)`: `path` is the rule path. */
export function validatePodSecurityControlNames(rule: Obj, path: string): PolicyValidationError[] {
  const ps = obj(obj(rule['validate'])?.['podSecurity']);
  if (!ps) return [];
  const errs: PolicyValidationError[] = [];
  const forbidden = str(ps['level']) === 'baseline' ? RESTRICTED_CONTROLS : [];
  objects(ps['exclude']).forEach((exclude, idx) => {
    const p = indexPath(childPath(path, 'podSecurity.exclude'), idx);
    errs.push(...validatePodSecurityStandard(exclude, p));
    const control = str(exclude['controlName']);
    if (control === 'Seccomp' || control === 'Capabilities') return;
    if (forbidden.includes(control)) {
      errs.push(fieldInvalid(childPath(p, 'controlName'), control, 'Invalid control name defined at the given level'));
    }
  });
  return errs;
}

/** `PolicyException.spec.podSecurity[]` entries. */
export function validatePodSecurityList(list: JsonValue | undefined, path: string): PolicyValidationError[] {
  const errs: PolicyValidationError[] = [];
  objects(list).forEach((pss, i) => errs.push(...validatePodSecurityStandard(pss, indexPath(path, i))));
  return errs;
}
