/**
 * `AnyIn` (Kyverno variables/operator/anyin.go). Scalars are stringified with Go `fmt.Sprint`.
 * - scalar key: a list value matches when some element wildcard-matches the key or the key wildcard-matches it
 *   (both directions); a string value matches as a wildcard pattern, else as a range `a-b` (pattern language),
 *   else as a JSON array of strings (exact member; other JSON -> false), else as the exact string;
 *   other value types -> false;
 * - list key: true when some key element matches (wildcards both ways) some value element; a string value
 *   equal to a one-element key matches, a range checks each element, JSON/literal as above; a number or bool
 *   value is a one-element list;
 * - other keys: false.
 * `evaluateAnyIn('b', ['a*', 'c'])` = false, `evaluateAnyIn(5, '1-10')` = true.
 */
import type { JsonValue } from '../api/json.ts';
import { wildcardMatch } from '../utils/wildcard.ts';
import { getOperatorFromStringPattern, OP_IN_RANGE } from '../pattern/operator.ts';
import { validateValue } from '../pattern/value.ts';
import { decodeJsonStringArray, sprint } from './string-values.ts';

/** Result of a membership check: `invalid` when Kyverno reports a type error (the operator then gives false). */
export interface Membership {
  readonly invalid: boolean;
  readonly found: boolean;
}

const INVALID: Membership = { invalid: true, found: false };
const FOUND: Membership = { invalid: false, found: true };
const NOT_FOUND: Membership = { invalid: false, found: false };

/** Wildcard match in either direction. */
export function matchesEitherWay(a: string, b: string): boolean {
  return wildcardMatch(a, b) || wildcardMatch(b, a);
}

/** Kyverno `handleRange`: the key validated against the range with the pattern language. */
export function handleRange(key: string, range: string): boolean {
  return validateValue(key, range);
}

/** The key as the In family sees it: a string, a stringified scalar, a list of strings, or undefined. */
export function stringifyKey(key: JsonValue): string | string[] | undefined {
  switch (typeof key) {
    case 'string':
      return key;
    case 'number':
    case 'boolean':
      return sprint(key);
    default:
      return Array.isArray(key) ? key.map(sprint) : undefined;
  }
}

/** Kyverno `anyKeyExistsInArray` (also `allKeyExistsInArray`, which is identical). */
export function anyKeyExistsInArray(key: string, value: JsonValue): Membership {
  if (Array.isArray(value)) {
    for (const v of value) if (matchesEitherWay(sprint(v), key)) return FOUND;
    return NOT_FOUND;
  }
  if (typeof value !== 'string') return INVALID;
  if (wildcardMatch(value, key)) return FOUND;
  if (getOperatorFromStringPattern(value) === OP_IN_RANGE) return handleRange(key, value) ? FOUND : NOT_FOUND;
  const decoded = decodeJsonStringArray(value);
  if (decoded.kind === 'not-string-array') return INVALID;
  const arr = decoded.kind === 'ok' ? decoded.values : [value];
  return arr.includes(key) ? FOUND : NOT_FOUND;
}

/** Kyverno `isAnyIn`: some key element matches some value element. */
export function isAnyIn(keys: readonly string[], values: readonly string[]): boolean {
  for (const k of keys) for (const v of values) if (matchesEitherWay(k, v)) return true;
  return false;
}

/** Kyverno `isAnyNotIn`: some key element matches no value element. */
export function isAnyNotIn(keys: readonly string[], values: readonly string[]): boolean {
  for (const k of keys) {
    let found = false;
    for (const v of values) {
      if (matchesEitherWay(k, v)) {
        found = true;
        break;
      }
    }
    if (!found) return true;
  }
  return false;
}

/** Kyverno `anySetExistsInArray(key, value, anyNotIn)`. */
export function anySetExistsInArray(keys: readonly string[], value: JsonValue, anyNotIn: boolean): Membership {
  let values: string[];
  if (Array.isArray(value)) values = value.map(sprint);
  else if (typeof value === 'number' || typeof value === 'boolean') values = [sprint(value)];
  else if (typeof value === 'string') {
    if (keys.length === 1 && keys[0] === value) return anyNotIn ? NOT_FOUND : FOUND;
    if (getOperatorFromStringPattern(value) === OP_IN_RANGE) {
      if (anyNotIn) {
        const notInRange = value.replace('-', '!-');
        return keys.some((k) => handleRange(k, notInRange)) ? FOUND : NOT_FOUND;
      }
      return keys.some((k) => handleRange(k, value)) ? FOUND : NOT_FOUND;
    }
    const decoded = decodeJsonStringArray(value);
    if (decoded.kind === 'not-string-array') return INVALID;
    values = decoded.kind === 'ok' ? decoded.values : [value];
  } else return INVALID;
  const found = anyNotIn ? isAnyNotIn(keys, values) : isAnyIn(keys, values);
  return found ? FOUND : NOT_FOUND;
}

/** Evaluates `AnyIn`. */
export function evaluateAnyIn(key: JsonValue, value: JsonValue): boolean {
  const k = stringifyKey(key);
  if (k === undefined) return false;
  const r = typeof k === 'string' ? anyKeyExistsInArray(k, value) : anySetExistsInArray(k, value, false);
  return !r.invalid && r.found;
}
