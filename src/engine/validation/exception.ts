/**
 * Validation of a PolicyException (kyverno.io/v2 and v2beta1), as the exception validating webhook runs
 * it (pkg/webhooks/exception/validate.go): `PolicyException.Validate()` (api/kyverno/v2) for errors and
 * `ValidateNamespace` (pkg/validation/exception) for warnings about where exceptions are honoured.
 *
 * - background (default true) exceptions may not match on user info (roles, clusterRoles, subjects);
 * - match: `any` and `all` not together; subjects/roles well-formed; selectors valid; name xor names;
 * - every exception names a policy;
 * - podSecurity entries as in `validate.podSecurity.exclude`.
 */
import type { PolicyException } from '../api/policy.ts';
import { childPath, fieldRequired, indexPath, type PolicyValidationError } from './errors.ts';
import { validateExceptionMatch, validateExceptionMatchNoUserInfo } from './match-resources.ts';
import { validatePodSecurityList } from './pod-security.ts';
import { obj, objects, str, type Obj } from './rule-model.ts';

export { formatPolicyError } from './errors.ts';

/** Where the admission controller accepts exceptions from (`--enablePolicyException`, `--exceptionNamespace`). */
export interface ExceptionValidationOptions {
  /** exceptions are processed at all (default true) */
  enabled?: boolean;
  /** the namespace exceptions are read from; `*` for all, `''` when the flag is not set (default `*`) */
  namespace?: string;
}

export interface ExceptionValidationResult {
  warnings: string[];
  /** empty when the exception is valid */
  errors: PolicyValidationError[];
}

/** `ValidateNamespace`: warnings when the exception would not be used. */
export function exceptionNamespaceWarnings(polexNamespace: string, opts: ExceptionValidationOptions = {}): string[] {
  const enabled = opts.enabled ?? true;
  const namespace = opts.namespace ?? '*';
  if (!enabled) return ['PolicyException resources would not be processed until it is enabled.'];
  if (namespace === '') return ['The exceptionNamespace flag is not set'];
  if (namespace !== '*' && namespace !== polexNamespace) return ['PolicyException resource namespace must match the defined namespace.'];
  return [];
}

/** `PolicyExceptionSpec.Validate(path)` */
function validateSpec(spec: Obj, path: string): PolicyValidationError[] {
  const errs: PolicyValidationError[] = [];
  const match = obj(spec['match']) ?? {};
  const matchPath = childPath(path, 'match');
  if (spec['background'] !== false) errs.push(...validateExceptionMatchNoUserInfo(match, matchPath));
  errs.push(...validateExceptionMatch(match, matchPath));
  objects(spec['exceptions']).forEach((e, i) => {
    if (str(e['policyName']) === '') {
      errs.push(fieldRequired(childPath(indexPath(childPath(path, 'exceptions'), i), 'policyName'), 'An exception requires a policy name'));
    }
  });
  errs.push(...validatePodSecurityList(spec['podSecurity'], childPath(path, 'podSecurity')));
  return errs;
}

/**
 * Validates a PolicyException. `errors` joined with `formatPolicyError` is the text the webhook denies
 * the request with. Example: an exception without `policyName` ->
 * `spec.exceptions[0].policyName: Required value: An exception requires a policy name`.
 */
export function validatePolicyException(polex: PolicyException, opts: ExceptionValidationOptions = {}): ExceptionValidationResult {
  const p = polex as unknown as Obj;
  const metadata = obj(p['metadata']) ?? {};
  const warnings = exceptionNamespaceWarnings(str(metadata['namespace']), opts);
  const errors = validateSpec(obj(p['spec']) ?? {}, 'spec');
  return { warnings, errors };
}
