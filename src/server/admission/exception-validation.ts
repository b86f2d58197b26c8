/**
 * The exception webhook (pkg/webhooks/exception/validate.go): a kyverno.io PolicyException is rejected
 * with its validation errors (`PolicyException.Validate()`, aggregated), and warned about when it would
 * not be used (`ValidateNamespace`: exceptions disabled, `--exceptionNamespace` unset or another
 * namespace), plus the deprecation warning of the kind.
 *
 * As for policies, the object is first checked against its CRD schema (see policy-validation.ts).
 */
import type { PolicyException } from '../../engine/api/policy.ts';
import { kindDeprecationWarning } from '../../engine/validation/deprecations.ts';
import { formatPolicyError, validatePolicyException } from '../../engine/validation/exception.ts';
import type { ExceptionOptions } from './exceptions.ts';
import { schemaCheck } from './policy-validation.ts';
import { admissionResponse, type AdmissionAttributes, type AdmissionResponse } from './types.ts';

export function validateExceptionRequest(opts: ExceptionOptions, a: AdmissionAttributes): AdmissionResponse {
  const r = a.request;
  const checked = schemaCheck(r.object, r.kind, 'v2.PolicyException');
  if (!checked.ok) {
    a.log.error(checked.message, 'failed to unmarshal policy exceptions from admission request');
    return admissionResponse(r.uid, checked.message);
  }
  let result;
  try {
    result = validatePolicyException(checked.object as unknown as PolicyException, { enabled: opts.enabled, namespace: opts.namespace });
  } catch (err) {
    return admissionResponse(r.uid, `failed to validate policy exception: ${(err as Error).message}`);
  }
  const warnings = [...result.warnings];
  const deprecation = kindDeprecationWarning(r.kind.kind);
  if (deprecation !== '') warnings.push(deprecation);
  if (result.errors.length > 0) return admissionResponse(r.uid, formatPolicyError(result.errors), warnings);
  return admissionResponse(r.uid, undefined, warnings);
}
