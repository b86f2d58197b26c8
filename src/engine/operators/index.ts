/**
 * Condition operators (Kyverno variables/operator `CreateOperatorHandler`). Keys and values are the
 * variable-substituted condition key/value; numbers are float64 (they went through JSON).
 */
import type { JsonValue } from '../api/json.ts';
import { evaluateAllIn } from './all-in.ts';
import { evaluateAllNotIn } from './all-not-in.ts';
import { evaluateAnyIn } from './any-in.ts';
import { evaluateAnyNotIn } from './any-not-in.ts';
import { DURATION_OPERATORS, evaluateDuration } from './duration.ts';
import { evaluateEquals } from './equals.ts';
import { UnknownOperatorError } from './errors.ts';
import { evaluateIn } from './in.ts';
import { evaluateNotEquals } from './not-equals.ts';
import { evaluateNotIn } from './not-in.ts';
import { evaluateNumeric, NUMERIC_OPERATORS } from './numeric.ts';

export { OperatorPanicError, UnknownOperatorError } from './errors.ts';

/** Every operator name Kyverno accepts (`kyvernov1.ConditionOperators`), with its exact spelling. */
export const CONDITION_OPERATORS = [
  'Equal',
  'Equals',
  'NotEqual',
  'NotEquals',
  'In',
  'AnyIn',
  'AllIn',
  'NotIn',
  'AnyNotIn',
  'AllNotIn',
  ...NUMERIC_OPERATORS,
  ...DURATION_OPERATORS,
] as const;

/** Deprecated operators and their replacements (policy validation warns about them). */
export const DEPRECATED_OPERATORS: Readonly<Record<string, readonly string[]>> = {
  In: ['AllIn', 'AnyIn'],
  NotIn: ['AllNotIn', 'AnyNotIn'],
};

type Evaluator = (op: string, key: JsonValue, value: JsonValue) => boolean;

const BY_LOWER_NAME: ReadonlyMap<string, Evaluator> = new Map<string, Evaluator>([
  ['equal', (_op, k, v) => evaluateEquals(k, v)],
  ['equals', (_op, k, v) => evaluateEquals(k, v)],
  ['notequal', (_op, k, v) => evaluateNotEquals(k, v)],
  ['notequals', (_op, k, v) => evaluateNotEquals(k, v)],
  ['in', (_op, k, v) => evaluateIn(k, v)],
  ['anyin', (_op, k, v) => evaluateAnyIn(k, v)],
  ['allin', (_op, k, v) => evaluateAllIn(k, v)],
  ['notin', (_op, k, v) => evaluateNotIn(k, v)],
  ['anynotin', (_op, k, v) => evaluateAnyNotIn(k, v)],
  ['allnotin', (_op, k, v) => evaluateAllNotIn(k, v)],
  ...NUMERIC_OPERATORS.map((name): [string, Evaluator] => [name.toLowerCase(), evaluateNumeric]),
  ...DURATION_OPERATORS.map((name): [string, Evaluator] => [name.toLowerCase(), evaluateDuration]),
]);

/**
 * Evaluates one condition. The operator is matched case-insensitively (Kyverno lower-cases it to pick the
 * handler); numeric and duration operators then compare with the exact spelling, so `greaterthan` is always
 * false, as in Kyverno. Throws {@link UnknownOperatorError} (code `UNKNOWN_OPERATOR`) for an unknown operator,
 * and {@link OperatorPanicError} where Kyverno panics.
 * `evaluateOperator('AnyIn', 'nginx:1.2', ['nginx:*'])` = true.
 */
export function evaluateOperator(operator: string, key: JsonValue, value: JsonValue): boolean {
  const evaluate = BY_LOWER_NAME.get(operator.toLowerCase());
  if (!evaluate) throw new UnknownOperatorError(operator);
  return evaluate(operator, key, value);
}

/**
 * True when Kyverno's `CreateOperatorHandler` finds a handler for the name (case-insensitive), i.e. when
 * {@link evaluateOperator} will not throw {@link UnknownOperatorError}. `isKnownOperator('anyin')` = true.
 */
export function isKnownOperator(operator: string): boolean {
  return BY_LOWER_NAME.has(operator.toLowerCase());
}

/**
 * Kyverno `IsOperatorValid` (policy validation): the exact spelling is one of {@link CONDITION_OPERATORS}.
 * `isValidOperatorName('anyin')` = false.
 */
export function isValidOperatorName(operator: string): boolean {
  return (CONDITION_OPERATORS as readonly string[]).includes(operator);
}

/** Kyverno `IsOperatorDeprecated`: `In` or `NotIn` (exact spelling). */
export function isDeprecatedOperator(operator: string): boolean {
  return Object.prototype.hasOwnProperty.call(DEPRECATED_OPERATORS, operator);
}

/** Kyverno `GetDeprecatedOperatorAlternative`: replacements of a deprecated operator (`[]` otherwise). */
export function deprecatedOperatorAlternatives(operator: string): readonly string[] {
  return isDeprecatedOperator(operator) ? DEPRECATED_OPERATORS[operator]! : [];
}

/** True for the `Duration*` operators (deprecated at runtime, case-insensitive). */
export function isDurationOperator(operator: string): boolean {
  const lower = operator.toLowerCase();
  return DURATION_OPERATORS.some((name) => name.toLowerCase() === lower);
}
