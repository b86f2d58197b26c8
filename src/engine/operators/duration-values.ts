/**
 * Kyverno operator.go `parseDuration(key, value)`: the duration pair the Equals, NotEquals and numeric
 * operators try first. At least one side must be a duration string other than the literal `"0"`; the other
 * side may be a duration string or a number of seconds (truncated to whole seconds, Go int64 arithmetic).
 */
import type { JsonValue } from '../api/json.ts';
import { parseDurationNs, secondsToDuration } from '../utils/duration.ts';

/** The pair of durations in nanoseconds, or undefined when Kyverno's `parseDuration` returns an error. */
export function parseDurationPair(key: JsonValue, value: JsonValue): [bigint, bigint] | undefined {
  let k = typeof key === 'string' && key !== '0' ? parseDurationNs(key) : undefined;
  let v = typeof value === 'string' && value !== '0' ? parseDurationNs(value) : undefined;
  if (k === undefined && v === undefined) return undefined;
  if (k === undefined) {
    if (typeof key !== 'number') return undefined;
    k = secondsToDuration(key);
  }
  if (v === undefined) {
    if (typeof value !== 'number') return undefined;
    v = secondsToDuration(value);
  }
  return [k, v];
}
