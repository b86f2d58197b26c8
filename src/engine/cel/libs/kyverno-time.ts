/**
 * Kyverno's time library: `time.now()` (from the Clock port), `time.truncate(ts, duration)` (Go
 * `Time.Truncate`: rounds down to a multiple of the duration since the zero time), and
 * `time.toCron(ts)` (`"<minute> <hour> <day> <month> <weekday>"`, UTC).
 */
import { Duration } from '@marcbachmann/cel-js/evaluator';
import { fail } from '../errors.ts';
import { defineNamespace, type CelLibrary } from '../library.ts';
import { durationNanos } from './builtins.ts';

/** Milliseconds between Go's zero time (0001-01-01T00:00:00Z) and the Unix epoch. */
const GO_ZERO_MS = -62135596800000n;

/** Go `t.Truncate(d)` for a millisecond-precision instant. */
export function truncateTime(t: Date, d: Duration): Date {
  const dn = durationNanos(d);
  if (dn <= 0n) return t;
  const sinceZeroNs = (BigInt(t.getTime()) - GO_ZERO_MS) * 1_000_000n;
  const rem = sinceZeroNs % dn;
  return new Date(Number(BigInt(t.getTime()) - rem / 1_000_000n));
}

export function toCron(t: Date): string {
  return `${t.getUTCMinutes()} ${t.getUTCHours()} ${t.getUTCDate()} ${t.getUTCMonth() + 1} ${t.getUTCDay()}`;
}

export const kyvernoTimeLibrary: CelLibrary = {
  name: 'kyverno.time',
  namespaces: ['time'],
  register(env, ctx) {
    const ns = defineNamespace(env, 'time');
    env.registerFunction(`${ns}.now(): google.protobuf.Timestamp`, () => {
      if (!ctx.clock) fail('time.now() needs a clock');
      return ctx.clock.now();
    });
    env.registerFunction(`${ns}.truncate(google.protobuf.Timestamp, google.protobuf.Duration): google.protobuf.Timestamp`, (_n: unknown, t: Date, d: Duration) =>
      truncateTime(t, d),
    );
    env.registerFunction(`${ns}.toCron(google.protobuf.Timestamp): string`, (_n: unknown, t: Date) => toCron(t));
  },
};
