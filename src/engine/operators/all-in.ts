/**
 * `AllIn` (Kyverno variables/operator/allin.go): a scalar key behaves exactly like `AnyIn`; for a list key
 * every key element must match (wildcards both ways) some value element (an empty key list is true). A string
 * value equal to a one-element key matches; a range must contain every element; a number or bool value is a
 * type error (false).
 * `evaluateAllIn(['a', 'b'], ['a', 'b', 'c'])` = true.
 */
import type { JsonValue } from '../api/json.ts';
import { anyKeyExistsInArray, handleRange, matchesEitherWay, type Membership, stringifyKey } from './any-in.ts';
import { getOperatorFromStringPattern, OP_IN_RANGE } from '../pattern/operator.ts';
import { decodeJsonStringArray, sprint } from './string-values.ts';

const INVALID: Membership = { invalid: true, found: false };

/** Kyverno `isAllIn`: every key element matches some value element. */
export function isAllIn(keys: readonly string[], values: readonly string[]): boolean {
  let found = 0;
  for (const k of keys) {
    for (const v of values) {
      if (matchesEitherWay(k, v)) {
        found++;
        break;
      }
    }
  }
  return found === keys.length;
}

/** Kyverno `isAllNotIn`: no key element matches any value element. */
export function isAllNotIn(keys: readonly string[], values: readonly string[]): boolean {
  for (const k of keys) for (const v of values) if (matchesEitherWay(k, v)) return false;
  return true;
}

/** Kyverno `allSetExistsInArray(key, value, allNotIn)`. */
export function allSetExistsInArray(keys: readonly string[], value: JsonValue, allNotIn: boolean): Membership {
  let values: string[];
  if (Array.isArray(value)) values = value.map(sprint);
  else if (typeof value === 'string') {
    if (keys.length === 1 && keys[0] === value) return { invalid: false, found: !allNotIn };
    if (isRange(value)) {
      if (allNotIn) return { invalid: false, found: !keys.some((k) => handleRange(k, value)) };
      return { invalid: false, found: keys.every((k) => handleRange(k, value)) };
    }
    const decoded = decodeJsonStringArray(value);
    if (decoded.kind === 'not-string-array') return INVALID;
    values = decoded.kind === 'ok' ? decoded.values : [value];
  } else return INVALID;
  return { invalid: false, found: allNotIn ? isAllNotIn(keys, values) : isAllIn(keys, values) };
}

function isRange(value: string): boolean {
  return getOperatorFromStringPattern(value) === OP_IN_RANGE;
}

/** Evaluates `AllIn`. */
export function evaluateAllIn(key: JsonValue, value: JsonValue): boolean {
  const k = stringifyKey(key);
  if (k === undefined) return false;
  const r = typeof k === 'string' ? anyKeyExistsInArray(k, value) : allSetExistsInArray(k, value, false);
  return !r.invalid && r.found;
}
