/**
 * `Equals` (and its legacy alias `Equal`), Kyverno variables/operator/equal.go. Condition keys and values have
 * been through JSON, so every number is a float64.
 * - bool key: the value is the same bool;
 * - number key: the value is an equal number, or a string that `strconv.ParseFloat` reads as that number;
 * - map / array key: the value is a deep-equal map / array;
 * - string key: (1) durations (see {@link parseDurationPair}) compare in seconds; (2) a key that is a quantity
 *   against a string value compares as quantities (a value that is not a quantity gives false); (3) a string
 *   value is a wildcard pattern matched against the key;
 * - null key: false.
 * `evaluateEquals('1Gi', '1024Mi')` = true, `evaluateEquals('1m', 60)` = true, `evaluateEquals('1', 1)` = false,
 * `evaluateEquals(1, '1')` = true.
 */
import { deepEqual, isObject, type JsonValue } from '../api/json.ts';
import { durationSeconds } from '../utils/duration.ts';
import { goParseFloat } from '../utils/goconv.ts';
import { parseQuantity } from '../utils/quantity.ts';
import { wildcardMatch } from '../utils/wildcard.ts';
import { parseDurationPair } from './duration-values.ts';

export function evaluateEquals(key: JsonValue, value: JsonValue): boolean {
  switch (typeof key) {
    case 'boolean':
      return typeof value === 'boolean' && key === value;
    case 'number':
      if (typeof value === 'number') return value === key;
      if (typeof value === 'string') return goParseFloat(value) === key;
      return false;
    case 'string':
      return equalsString(key, value);
    default:
      break;
  }
  if (key === null) return false;
  if (Array.isArray(key)) return Array.isArray(value) && deepEqual(key, value);
  return isObject(value) && deepEqual(key, value);
}

function equalsString(key: string, value: JsonValue): boolean {
  const durations = parseDurationPair(key, value);
  if (durations) return durationSeconds(durations[0]) === durationSeconds(durations[1]);
  if (typeof value !== 'string') return false;
  const keyQuantity = parseQuantity(key);
  if (keyQuantity !== undefined) {
    const valueQuantity = parseQuantity(value);
    return valueQuantity !== undefined && keyQuantity.equals(valueQuantity);
  }
  return wildcardMatch(value, key);
}
