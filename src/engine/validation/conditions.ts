/**
 * Static checks of conditions (preconditions, deny conditions, foreach preconditions, attestation
 * conditions) from pkg/validation/policy/validate.go: `key`, `operator` and `value` must be present
 * (preconditions and deny only), operators must be known (exact spelling), and `{{request.operation}}`
 * may only be compared with CREATE/UPDATE/DELETE/CONNECT. Deprecated operators give warnings. The
 * operator tables are the engine's (operators/index.ts). Kyverno lists the valid operators in random
 * (Go map) order in its message; they are listed here in declaration order.
 *
 * Functions return `[path, message]` on error (the path is relative, as Kyverno composes it).
 */
import type { JsonValue } from '../api/json.ts';
import { goTypeName } from '../utils/gofmt.ts';
import { goQuote } from '../utils/goconv.ts';
import { CONDITION_OPERATORS, deprecatedOperatorAlternatives, isDeprecatedOperator, isValidOperatorName } from '../operators/index.ts';
import { list, obj, objects, present, str, type Obj } from './rule-model.ts';

export type ConditionError = readonly [path: string, message: string];

/** Go `%+q` of a string list: `["a" "b"]`. */
function quoteList(items: readonly string[]): string {
  return `[${items.map((i) => goQuote(i)).join(' ')}]`;
}

/** `validateOperator` */
function operatorError(op: string): string | undefined {
  if (isValidOperatorName(op)) return undefined;
  return `entered value of \`operator\` is invalid. valid values: ${quoteList(CONDITION_OPERATORS)}`;
}

const OPERATIONS = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'];

/** Go `reflect.Kind` name of a decoded JSON value. */
function kindName(v: JsonValue): string {
  if (Array.isArray(v)) return 'slice';
  if (v !== null && typeof v === 'object') return 'map';
  return goTypeName(v);
}

/** `validateConditionValuesKeyRequestOperation` */
function requestOperationValueError(v: JsonValue): ConditionError | undefined {
  if (typeof v === 'string') {
    if (v.length >= 4 && v.startsWith('{{') && v.endsWith('}}')) return undefined;
    if (!OPERATIONS.includes(v)) {
      return [
        `value: ${v}`,
        `unknown value '${v}' found under the 'value' field. Only the following values are allowed: [CREATE, UPDATE, DELETE, CONNECT]`,
      ];
    }
    return undefined;
  }
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const item = v[i] as JsonValue;
      if (typeof item !== 'string') {
        return [`value[${i}]`, `'value[${i}]' found to be of the type ${goTypeName(item)}. The provided values are expected to be strings`];
      }
      if (!OPERATIONS.includes(item)) {
        return [
          `value[${i}]`,
          `unknown value '${item}' found under the 'value' field. Only the following values are allowed: [CREATE, UPDATE, DELETE, CONNECT]`,
        ];
      }
    }
    return undefined;
  }
  return ['value', `'value' field found to be of the type ${kindName(v)}. The provided value/values are expected to be either in the form of a string or list`];
}

/** `validateConditionValues` */
function conditionValuesError(c: Obj): ConditionError | undefined {
  const key = c['key'];
  const value = c['value'];
  if (!present(key) || !present(value) || str(c['operator']) === '') {
    return ['', 'entered value of `key`, `value` or `operator` is missing or misspelled'];
  }
  if (typeof key === 'string' && key.split(' ').join('') === '{{request.operation}}') return requestOperationValueError(value);
  return undefined;
}

/** `validateConditions(conditions, schemaKey)`: presence and request.operation values. */
export function validateConditionValues(conditions: JsonValue[] | Obj, schemaKey: string): ConditionError | undefined {
  if (Array.isArray(conditions)) {
    for (const [i, c] of objects(conditions).entries()) {
      const e = conditionValuesError(c);
      if (e) return [`${schemaKey}[${i}].${e[0]}`, e[1]];
    }
    return undefined;
  }
  for (const [i, c] of objects(conditions['any']).entries()) {
    const e = conditionValuesError(c);
    if (e) return [`${schemaKey}.any[${i}].${e[0]}`, e[1]];
  }
  for (const [i, c] of objects(conditions['all']).entries()) {
    const e = conditionValuesError(c);
    if (e) return [`${schemaKey}.all[${i}].${e[0]}`, e[1]];
  }
  return undefined;
}

/** `validateAnyAllConditionOperator` (note: Kyverno reports `all` entries under `.any[i]`). */
export function validateAnyAllOperators(conditions: Obj, schemaKey: string): ConditionError | undefined {
  for (const [i, c] of objects(conditions['any']).entries()) {
    const e = operatorError(str(c['operator']));
    if (e) return [`${schemaKey}.any[${i}].`, e];
  }
  for (const [i, c] of objects(conditions['all']).entries()) {
    const e = operatorError(str(c['operator']));
    if (e) return [`${schemaKey}.any[${i}].`, e];
  }
  return undefined;
}

/** `validateRawJSONConditionOperator` */
export function validateOperators(conditions: JsonValue[] | Obj, schemaKey: string): ConditionError | undefined {
  if (Array.isArray(conditions)) {
    for (const [i, c] of objects(conditions).entries()) {
      const e = operatorError(str(c['operator']));
      if (e) return [`${schemaKey}[${i}].`, e];
    }
    return undefined;
  }
  return validateAnyAllOperators(conditions, schemaKey);
}

function deprecatedWarning(op: string): string | undefined {
  if (!isDeprecatedOperator(op)) return undefined;
  return `Operator ${op} has been deprecated and will be removed soon. Use these instead: ${quoteList(deprecatedOperatorAlternatives(op))}`;
}

/** Warnings for deprecated operators in a condition list or `{any, all}` block. */
export function deprecatedOperatorWarnings(conditions: JsonValue[] | Obj | undefined, warnings: string[]): void {
  if (conditions === undefined) return;
  const all = Array.isArray(conditions) ? objects(conditions) : [...objects(conditions['any']), ...objects(conditions['all'])];
  for (const c of all) {
    const w = deprecatedWarning(str(c['operator']));
    if (w !== undefined) warnings.push(w);
  }
}

/** A `{any, all}` block or legacy list at `v` (undefined when absent). */
export function conditionsAt(v: JsonValue | undefined): JsonValue[] | Obj | undefined {
  return list(v) ?? obj(v);
}
