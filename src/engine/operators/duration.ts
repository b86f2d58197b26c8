/**
 * Deprecated `DurationGreaterThan`, `DurationGreaterThanOrEquals`, `DurationLessThan`,
 * `DurationLessThanOrEquals` (Kyverno variables/operator/duration.go): numbers are whole seconds (fraction
 * truncated), strings must be Go durations (`"0"` included); any other type gives false. Like the numeric
 * operators, the comparison uses the operator's exact spelling.
 * `evaluateDuration('DurationGreaterThan', '2h', 3600)` = true.
 */
import type { JsonValue } from '../api/json.ts';
import { parseDurationNs, secondsToDuration } from '../utils/duration.ts';

/** The four duration operators with Kyverno's spelling. */
export const DURATION_OPERATORS = [
  'DurationGreaterThanOrEquals',
  'DurationGreaterThan',
  'DurationLessThanOrEquals',
  'DurationLessThan',
] as const;

function byCondition(a: bigint, b: bigint, op: string): boolean {
  switch (op) {
    case 'DurationGreaterThanOrEquals':
      return a >= b;
    case 'DurationGreaterThan':
      return a > b;
    case 'DurationLessThanOrEquals':
      return a <= b;
    case 'DurationLessThan':
      return a < b;
    default:
      return false;
  }
}

function toDuration(v: JsonValue): bigint | undefined {
  if (typeof v === 'number') return secondsToDuration(v);
  if (typeof v === 'string') return parseDurationNs(v);
  return undefined;
}

/** Evaluates a duration operator; `op` is the operator as written in the policy. */
export function evaluateDuration(op: string, key: JsonValue, value: JsonValue): boolean {
  if (typeof key !== 'number' && typeof key !== 'string') return false;
  const k = toDuration(key);
  if (k === undefined) return false;
  const v = toDuration(value);
  if (v === undefined) return false;
  return byCondition(k, v, op);
}
