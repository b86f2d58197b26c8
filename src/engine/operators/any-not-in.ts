/**
 * `AnyNotIn` (Kyverno variables/operator/anynotin.go): for a scalar key the negation of `AnyIn`'s membership
 * (a type error still gives false); for a list key, true when some key element matches no value element
 * (ranges: some element outside `a-b`, checked as `a!-b`).
 * `evaluateAnyNotIn(['a', 'x'], ['a', 'b'])` = true.
 */
import type { JsonValue } from '../api/json.ts';
import { anyKeyExistsInArray, anySetExistsInArray, stringifyKey } from './any-in.ts';

export function evaluateAnyNotIn(key: JsonValue, value: JsonValue): boolean {
  const k = stringifyKey(key);
  if (k === undefined) return false;
  if (typeof k === 'string') {
    const r = anyKeyExistsInArray(k, value);
    return !r.invalid && !r.found;
  }
  const r = anySetExistsInArray(k, value, true);
  return !r.invalid && r.found;
}
