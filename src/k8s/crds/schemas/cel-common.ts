/**
 * Pieces shared by the policies.kyverno.io kinds (kyverno/api policies.kyverno.io/v1beta1 common
 * types): evaluation switches, webhook settings, autogen, and the status with its condition block.
 */
import type { JSONSchemaProps } from '../types.ts';
import { arr, bool, int32, mapOf, obj, oneOfStrings, str, strings } from './builders.ts';
import { condition } from './meta.ts';

/** `{enabled: bool}` with a default. */
export const enabledSwitch = (defaultValue: boolean): JSONSchemaProps => obj({ enabled: bool({ default: defaultValue }) });

/** EvaluationConfiguration of validating and image-validating policies. */
export const validatingEvaluation = (): JSONSchemaProps =>
  obj({ admission: enabledSwitch(true), background: enabledSwitch(true), mode: str() });

/** WebhookConfiguration of the CEL policy kinds. */
export const celWebhookConfiguration = (): JSONSchemaProps => obj({ timeoutSeconds: int32() });

/** `failurePolicy` (admissionregistration FailurePolicyType). */
export const celFailurePolicy = (): JSONSchemaProps => oneOfStrings(['Ignore', 'Fail']);

/** `podControllers` autogen switch. */
export const podControllersAutogen = (): JSONSchemaProps => obj({ controllers: strings() });

/** ConditionStatus. */
export const conditionStatus = (): JSONSchemaProps =>
  obj({ conditions: arr(condition()), message: str(), ready: bool() });

/** An autogen target (the controller kinds a policy was generated for). */
export const autogenTarget = (): JSONSchemaProps =>
  obj({ group: str(), kind: str(), resource: str(), version: str() }, { required: ['kind', 'resource', 'version'] });

/**
 * Status of a policy kind with autogen: generated specs by name plus the condition block, and
 * `generated` (whether a ValidatingAdmissionPolicy/MutatingAdmissionPolicy was generated) where the
 * kind has that switch.
 */
export const autogenStatus = (spec: () => JSONSchemaProps, withGenerated = true): JSONSchemaProps =>
  obj({
    autogen: obj({ configs: mapOf(obj({ spec: spec(), targets: arr(autogenTarget()) }, { required: ['spec', 'targets'] })) }),
    conditionStatus: conditionStatus(),
    ...(withGenerated ? { generated: bool() } : {}),
  });
