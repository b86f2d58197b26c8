/**
 * ClusterPolicy / Policy (api/kyverno/v1 spec_types.go, policy_status.go; v2beta1 spec_types.go):
 * the spec with its schema defaults (`admission`, `background`, `validationFailureAction`, ...) and
 * the status the controller writes (autogen rules are always v1 rules).
 */
import type { JSONSchemaProps } from '../types.ts';
import { arr, bool, int, int32, obj, oneOfStrings, str } from './builders.ts';
import { matchCondition } from './admission.ts';
import { condition, resourceRoot } from './meta.ts';
import { ruleV1, ruleV2 } from './rule.ts';
import { VALIDATION_FAILURE_ACTIONS, validationFailureActionOverride } from './validation.ts';

/** kyvernov1.FailurePolicyType values. */
export const FAILURE_POLICIES = ['Ignore', 'Fail'] as const;

/** kyvernov1.WebhookConfiguration. */
export const webhookConfiguration = (): JSONSchemaProps =>
  obj({
    failurePolicy: oneOfStrings(FAILURE_POLICIES),
    matchConditions: arr(matchCondition()),
    timeoutSeconds: int32(),
  });

const specOf = (rule: () => JSONSchemaProps): JSONSchemaProps =>
  obj({
    admission: bool({ default: true }),
    applyRules: oneOfStrings(['All', 'One']),
    background: bool({ default: true }),
    emitWarning: bool({ default: false }),
    failurePolicy: oneOfStrings(FAILURE_POLICIES),
    generateExisting: bool(),
    generateExistingOnPolicyUpdate: bool(),
    mutateExistingOnPolicyUpdate: bool(),
    rules: arr(rule()),
    schemaValidation: bool(),
    useServerSideApply: bool(),
    validationFailureAction: oneOfStrings(VALIDATION_FAILURE_ACTIONS, { default: 'Audit' }),
    validationFailureActionOverrides: arr(validationFailureActionOverride()),
    webhookConfiguration: webhookConfiguration(),
    webhookTimeoutSeconds: int32(),
  });

/** kyvernov1.PolicyStatus. */
export const policyStatus = (): JSONSchemaProps =>
  obj({
    autogen: obj({ rules: arr(ruleV1()) }),
    conditions: arr(condition()),
    ready: bool(),
    rulecount: obj(
      { generate: int(), mutate: int(), validate: int(), verifyimages: int() },
      { required: ['generate', 'mutate', 'validate', 'verifyimages'] },
    ),
    validatingadmissionpolicy: obj({ generated: bool(), message: str() }, { required: ['generated', 'message'] }),
  });

/** kyverno.io/v1 ClusterPolicy and Policy. */
export const policyV1 = (): JSONSchemaProps => resourceRoot({ spec: specOf(ruleV1), status: policyStatus() }, ['spec']);

/** kyverno.io/v2beta1 ClusterPolicy and Policy. */
export const policyV2beta1 = (): JSONSchemaProps =>
  resourceRoot({ spec: specOf(ruleV2), status: policyStatus() }, ['spec']);
