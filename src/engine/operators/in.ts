/**
 * Deprecated `In` (Kyverno variables/operator/in.go).
 * - scalar key (stringified with `fmt.Sprint`): a list value matches when an element wildcard-matches the key
 *   either way; a string value matches as a wildcard pattern, else it must be a JSON array of strings holding
 *   the key exactly (anything else -> false); other value types -> false;
 * - list key: every element must be a string (Kyverno panics otherwise: {@link OperatorPanicError}); a string
 *   value equal to a one-element key matches; otherwise every key must be exactly in the value list (a list of
 *   strings, or a JSON array of strings).
 * `evaluateIn('a', '["a", "b"]')` = true, `evaluateIn(['a', 'b'], ['a'])` = false.
 */
import type { JsonValue } from '../api/json.ts';
import { goTypeName } from '../utils/gofmt.ts';
import { wildcardMatch } from '../utils/wildcard.ts';
import { matchesEitherWay, type Membership } from './any-in.ts';
import { OperatorPanicError } from './errors.ts';
import { decodeJsonStringArray, sprint } from './string-values.ts';

const INVALID: Membership = { invalid: true, found: false };

/** The key of `In`/`NotIn`: a string, or a list of strings (throws like Go's failed type assertion). */
export function inKey(key: JsonValue): string | string[] | undefined {
  switch (typeof key) {
    case 'string':
      return key;
    case 'number':
    case 'boolean':
      return sprint(key);
    default:
      break;
  }
  if (!Array.isArray(key)) return undefined;
  return key.map((v) => {
    if (typeof v !== 'string') {
      throw new OperatorPanicError(`interface conversion: interface {} is ${v === null ? 'nil' : goTypeName(v, false)}, not string`);
    }
    return v;
  });
}

/** Kyverno `keyExistsInArray`. */
export function keyExistsInArray(key: string, value: JsonValue): Membership {
  if (Array.isArray(value)) {
    for (const v of value) if (matchesEitherWay(sprint(v), key)) return { invalid: false, found: true };
    return { invalid: false, found: false };
  }
  if (typeof value !== 'string') return INVALID;
  if (wildcardMatch(value, key)) return { invalid: false, found: true };
  const decoded = decodeJsonStringArray(value);
  if (decoded.kind !== 'ok') return INVALID;
  return { invalid: false, found: decoded.values.includes(key) };
}

/** Kyverno `setExistsInArray(key, value, notIn)`. */
export function setExistsInArray(keys: readonly string[], value: JsonValue, notIn: boolean): Membership {
  let values: string[];
  if (Array.isArray(value)) {
    values = [];
    for (const v of value) {
      if (typeof v !== 'string') return INVALID;
      values.push(v);
    }
  } else if (typeof value === 'string') {
    if (keys.length === 1 && keys[0] === value) return { invalid: false, found: true };
    const decoded = decodeJsonStringArray(value);
    if (decoded.kind !== 'ok') return INVALID;
    values = decoded.values;
  } else return INVALID;
  const set = new Set(values);
  const found = notIn ? keys.some((k) => !set.has(k)) : keys.every((k) => set.has(k));
  return { invalid: false, found };
}

/** Evaluates `In`. */
export function evaluateIn(key: JsonValue, value: JsonValue): boolean {
  const k = inKey(key);
  if (k === undefined) return false;
  const r = typeof k === 'string' ? keyExistsInArray(k, value) : setExistsInArray(k, value, false);
  return !r.invalid && r.found;
}
