/**
 * Deprecated `NotIn` (Kyverno variables/operator/notin.go): for a scalar key the negation of `In`'s membership
 * (a type error still gives false); for a list key, true when some key is not in the value list. Quirk kept: a
 * string value equal to a one-element key list gives true.
 * `evaluateNotIn('c', ['a', 'b'])` = true.
 */
import type { JsonValue } from '../api/json.ts';
import { inKey, keyExistsInArray, setExistsInArray } from './in.ts';

export function evaluateNotIn(key: JsonValue, value: JsonValue): boolean {
  const k = inKey(key);
  if (k === undefined) return false;
  if (typeof k === 'string') {
    const r = keyExistsInArray(k, value);
    return !r.invalid && !r.found;
  }
  const r = setExistsInArray(k, value, true);
  return !r.invalid && r.found;
}
