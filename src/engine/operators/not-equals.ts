/**
 * `NotEquals` (and its legacy alias `NotEqual`), Kyverno variables/operator/notequal.go: the mirror of
 * {@link evaluateEquals}, except that a type mismatch or a value that does not parse gives **true**
 * (a null key still gives false, and a quantity key against `""` is true).
 * `evaluateNotEquals('1Gi', 'abc')` = true, `evaluateNotEquals(true, 'true')` = true.
 */
import { deepEqual, isObject, type JsonValue } from '../api/json.ts';
import { durationSeconds } from '../utils/duration.ts';
import { goParseFloat } from '../utils/goconv.ts';
import { parseQuantity } from '../utils/quantity.ts';
import { wildcardMatch } from '../utils/wildcard.ts';
import { parseDurationPair } from './duration-values.ts';

export function evaluateNotEquals(key: JsonValue, value: JsonValue): boolean {
  switch (typeof key) {
    case 'boolean':
      return typeof value !== 'boolean' || key !== value;
    case 'number': {
      if (typeof value === 'number') return value !== key;
      if (typeof value === 'string') {
        const f = goParseFloat(value);
        return f === undefined || f !== key;
      }
      return true;
    }
    case 'string':
      return notEqualsString(key, value);
    default:
      break;
  }
  if (key === null) return false;
  if (Array.isArray(key)) return !Array.isArray(value) || !deepEqual(key, value);
  return !isObject(value) || !deepEqual(key, value);
}

function notEqualsString(key: string, value: JsonValue): boolean {
  const durations = parseDurationPair(key, value);
  if (durations) return durationSeconds(durations[0]) !== durationSeconds(durations[1]);
  if (typeof value !== 'string') return true;
  const keyQuantity = parseQuantity(key);
  if (keyQuantity !== undefined) {
    if (value === '') return !wildcardMatch(value, key);
    const valueQuantity = parseQuantity(value);
    return valueQuantity === undefined || !keyQuantity.equals(valueQuantity);
  }
  return !wildcardMatch(value, key);
}
