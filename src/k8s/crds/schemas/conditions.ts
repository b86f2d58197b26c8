/**
 * Kyverno conditions (api/kyverno/v1 common_types.go `Condition`/`AnyAllConditions`, v2beta1
 * common_types.go): `key`/`value` are arbitrary JSON, `operator` is an enum. v1 still lists the
 * deprecated `In`/`NotIn`; v2beta1 and later do not.
 */
import type { JSONSchemaProps } from '../types.ts';
import { anyJson, arr, obj, oneOfStrings, str } from './builders.ts';

const OPERATORS_V2 = [
  'Equals',
  'NotEquals',
  'AnyIn',
  'AllIn',
  'AnyNotIn',
  'AllNotIn',
  'GreaterThanOrEquals',
  'GreaterThan',
  'LessThanOrEquals',
  'LessThan',
  'DurationGreaterThanOrEquals',
  'DurationGreaterThan',
  'DurationLessThanOrEquals',
  'DurationLessThan',
] as const;

/** kyvernov1.ConditionOperator values, in declaration order. */
export const CONDITION_OPERATORS_V1 = [
  'Equals',
  'NotEquals',
  'In',
  'AnyIn',
  'AllIn',
  'NotIn',
  'AnyNotIn',
  'AllNotIn',
  ...OPERATORS_V2.slice(6),
] as const;

/** kyvernov2beta1.ConditionOperator values. */
export const CONDITION_OPERATORS_V2 = OPERATORS_V2;

const conditionOf = (operators: readonly string[]): JSONSchemaProps =>
  obj({ key: anyJson(), message: str(), operator: oneOfStrings(operators), value: anyJson() });

/** kyvernov1.Condition. */
export const conditionV1 = (): JSONSchemaProps => conditionOf(CONDITION_OPERATORS_V1);
/** kyvernov2beta1.Condition. */
export const conditionV2 = (): JSONSchemaProps => conditionOf(CONDITION_OPERATORS_V2);

/** kyvernov1.AnyAllConditions. */
export const anyAllConditionsV1 = (): JSONSchemaProps => obj({ all: arr(conditionV1()), any: arr(conditionV1()) });
/** kyvernov2beta1.AnyAllConditions. */
export const anyAllConditionsV2 = (): JSONSchemaProps => obj({ all: arr(conditionV2()), any: arr(conditionV2()) });

/**
 * kyvernov1 `preconditions` on foreach entries: typed `any`/`all` but unknown fields preserved
 * (the field also accepts the legacy list form).
 */
export const foreachPreconditions = (): JSONSchemaProps => ({
  ...anyAllConditionsV1(),
  'x-kubernetes-preserve-unknown-fields': true,
});
