/**
 * `AllNotIn` (Kyverno variables/operator/allnotin.go): for a scalar key the negation of the `AllIn`
 * membership (a type error still gives false); for a list key, true when no key element matches any value
 * element (ranges: no element inside `a-b`).
 * `evaluateAllNotIn(['x', 'y'], ['a', 'b'])` = true.
 */
import type { JsonValue } from '../api/json.ts';
import { allSetExistsInArray } from './all-in.ts';
import { anyKeyExistsInArray, stringifyKey } from './any-in.ts';

export function evaluateAllNotIn(key: JsonValue, value: JsonValue): boolean {
  const k = stringifyKey(key);
  if (k === undefined) return false;
  if (typeof k === 'string') {
    const r = anyKeyExistsInArray(k, value);
    return !r.invalid && !r.found;
  }
  const r = allSetExistsInArray(k, value, true);
  return !r.invalid && r.found;
}
