/**
 * ValidatingPolicy / NamespacedValidatingPolicy (policies.kyverno.io; same schema in v1alpha1,
 * v1beta1 and v1): a ValidatingAdmissionPolicy body plus Kyverno's evaluation and autogen settings.
 */
import type { JSONSchemaProps } from '../types.ts';
import { arr, atomicList, bool, mapList, obj, oneOfStrings } from './builders.ts';
import { admissionMatchResources, auditAnnotation, matchCondition, validationExpression, variable } from './admission.ts';
import {
  autogenStatus,
  celFailurePolicy,
  celWebhookConfiguration,
  podControllersAutogen,
  validatingEvaluation,
} from './cel-common.ts';
import { resourceRoot } from './meta.ts';

/** admissionregistration ValidationAction values. */
export const VALIDATION_ACTIONS = ['Deny', 'Audit', 'Warn'] as const;

/** `validationActions` (a set). */
export const validationActions = (): JSONSchemaProps =>
  arr(oneOfStrings(VALIDATION_ACTIONS), { 'x-kubernetes-list-type': 'set' });

/** ValidatingPolicySpec. */
export const validatingPolicySpec = (): JSONSchemaProps =>
  obj({
    auditAnnotations: atomicList(auditAnnotation()),
    autogen: obj({ podControllers: podControllersAutogen(), validatingAdmissionPolicy: obj({ enabled: bool() }) }),
    evaluation: validatingEvaluation(),
    failurePolicy: celFailurePolicy(),
    matchConditions: mapList(matchCondition(), ['name']),
    matchConstraints: admissionMatchResources(),
    validationActions: validationActions(),
    validations: atomicList(validationExpression()),
    variables: mapList(variable(), ['name']),
    webhookConfiguration: celWebhookConfiguration(),
  });

/** ValidatingPolicy and NamespacedValidatingPolicy. */
export const validatingPolicy = (): JSONSchemaProps =>
  resourceRoot({ spec: validatingPolicySpec(), status: autogenStatus(validatingPolicySpec) }, ['spec']);
