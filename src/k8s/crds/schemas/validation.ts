/**
 * `validate` rules (api/kyverno/v1 common_types.go `Validation`, `ForEachValidation`, `Deny`, `CEL`,
 * `Manifests`, `ValidationFailureActionOverride`; v2beta1 common_types.go `Validation`).
 */
import type { JSONSchemaProps } from '../types.ts';
import { anyJson, arr, atomicObj, bool, obj, oneOfStrings, str, strings } from './builders.ts';
import { auditAnnotation, paramRef, validationExpression, variable } from './admission.ts';
import { anyAllConditionsV2, foreachPreconditions } from './conditions.ts';
import { contextEntries } from './context.ts';
import { attestorSet } from './image-verification.ts';
import { labelSelector } from './meta.ts';
import { podSecurity } from './pod-security.ts';

/** kyvernov1.ValidationFailureAction values accepted at policy level (old lowercase spellings too). */
export const VALIDATION_FAILURE_ACTIONS = ['audit', 'enforce', 'Audit', 'Enforce'] as const;

/** kyvernov1.ValidationFailureActionOverride. */
export const validationFailureActionOverride = (): JSONSchemaProps =>
  obj({
    action: oneOfStrings(VALIDATION_FAILURE_ACTIONS),
    namespaceSelector: labelSelector(),
    namespaces: strings(),
  });

/** kyvernov1.CEL: a ValidatingAdmissionPolicy body inside a rule. */
export const celValidation = (): JSONSchemaProps =>
  obj({
    auditAnnotations: arr(auditAnnotation()),
    expressions: arr(validationExpression()),
    generate: bool({ default: false }),
    paramKind: atomicObj({ apiVersion: str(), kind: str() }),
    paramRef: paramRef(),
    variables: arr(variable()),
  });

/** kyvernov1.Manifests: signed YAML manifest verification. */
export const manifests = (): JSONSchemaProps =>
  obj({
    annotationDomain: str(),
    attestors: arr(attestorSet()),
    dryRun: obj({ enable: bool(), namespace: str() }),
    ignoreFields: arr(
      obj({
        fields: strings(),
        objects: arr(obj({ group: str(), kind: str(), name: str(), namespace: str(), version: str() })),
      }),
    ),
    repository: str(),
  });

/** kyvernov1.ForEachValidation (nested `foreach` is arbitrary JSON: schemas cannot recurse). */
export const foreachValidation = (): JSONSchemaProps =>
  obj({
    anyPattern: anyJson(),
    context: contextEntries(),
    deny: obj({ conditions: anyJson() }),
    elementScope: bool(),
    foreach: anyJson(),
    list: str(),
    pattern: anyJson(),
    preconditions: foreachPreconditions(),
  });

/** Fields shared by v1 and v2beta1 Validation; `deny` differs. */
const commonFields = (deny: JSONSchemaProps): Record<string, JSONSchemaProps> => ({
  anyPattern: anyJson(),
  assert: anyJson(),
  cel: celValidation(),
  deny,
  failureAction: oneOfStrings(['Audit', 'Enforce']),
  failureActionOverrides: arr(validationFailureActionOverride()),
  foreach: arr(foreachValidation()),
  manifests: manifests(),
  message: str(),
  pattern: anyJson(),
  podSecurity: podSecurity(),
});

/** kyvernov1.Validation. */
export const validationV1 = (): JSONSchemaProps =>
  obj({ ...commonFields(obj({ conditions: anyJson() })), allowExistingViolations: bool({ default: true }) });

/** kyvernov2beta1.Validation (typed deny conditions, no allowExistingViolations). */
export const validationV2 = (): JSONSchemaProps => obj(commonFields(obj({ conditions: anyAllConditionsV2() })));
