/**
 * `GreaterThan`, `GreaterThanOrEquals`, `LessThan`, `LessThanOrEquals` (Kyverno variables/operator/numeric.go).
 * - number key: number value; a string value is tried as a duration pair, then as a float;
 * - string key: duration pair (seconds), then both quantities (`Cmp`), then the key as a float (as above),
 *   then the key as a strict semver (`1.2.3`, no `v`) against a semver string value;
 * - anything else: false.
 * Kyverno selects the handler case-insensitively but compares with the operator's exact spelling, so a
 * differently-cased numeric operator (`greaterthan`) always evaluates to false.
 * `evaluateNumeric('GreaterThan', '2Gi', '1500Mi')` = true, `evaluateNumeric('LessThan', '1.9.0', '1.10.0')` = true.
 */
import type { JsonValue } from '../api/json.ts';
import { durationSeconds } from '../utils/duration.ts';
import { goParseFloat } from '../utils/goconv.ts';
import { parseQuantity } from '../utils/quantity.ts';
import { compareSemver, parseSemver } from '../utils/semver.ts';
import { parseDurationPair } from './duration-values.ts';

/** The four numeric operators with Kyverno's spelling. */
export const NUMERIC_OPERATORS = ['GreaterThanOrEquals', 'GreaterThan', 'LessThanOrEquals', 'LessThan'] as const;

/** `compareByCondition`: `c` is the sign of key - value. */
function byCondition(c: number, op: string): boolean {
  switch (op) {
    case 'GreaterThanOrEquals':
      return c >= 0;
    case 'GreaterThan':
      return c > 0;
    case 'LessThanOrEquals':
      return c <= 0;
    case 'LessThan':
      return c < 0;
    default:
      return false;
  }
}

function compareNumbers(a: number, b: number, op: string): boolean {
  switch (op) {
    case 'GreaterThanOrEquals':
      return a >= b;
    case 'GreaterThan':
      return a > b;
    case 'LessThanOrEquals':
      return a <= b;
    case 'LessThan':
      return a < b;
    default:
      return false;
  }
}

function withFloatKey(key: number, value: JsonValue, op: string): boolean {
  if (typeof value === 'number') return compareNumbers(key, value, op);
  if (typeof value !== 'string') return false;
  const durations = parseDurationPair(key, value);
  if (durations) return compareNumbers(durationSeconds(durations[0]), durationSeconds(durations[1]), op);
  const f = goParseFloat(value);
  if (f !== undefined) return compareNumbers(key, f, op);
  return false;
}

function withStringKey(key: string, value: JsonValue, op: string): boolean {
  const durations = parseDurationPair(key, value);
  if (durations) return compareNumbers(durationSeconds(durations[0]), durationSeconds(durations[1]), op);
  if (typeof value === 'string') {
    const kq = parseQuantity(key);
    const vq = kq === undefined ? undefined : parseQuantity(value);
    if (kq !== undefined && vq !== undefined) return byCondition(kq.cmp(vq), op);
  }
  const f = goParseFloat(key);
  if (f !== undefined) return withFloatKey(f, value, op);
  const version = parseSemver(key);
  if (version !== undefined) {
    if (typeof value !== 'string') return false;
    const other = parseSemver(value);
    return other !== undefined && byCondition(compareSemver(version, other), op);
  }
  return false;
}

/** Evaluates a numeric operator; `op` is the operator as written in the policy. */
export function evaluateNumeric(op: string, key: JsonValue, value: JsonValue): boolean {
  if (typeof key === 'number') return withFloatKey(key, value, op);
  if (typeof key === 'string') return withStringKey(key, value, op);
  return false;
}
