/**
 * cel-go's standard library where cel-js differs or lacks an overload: conversions with Go parsing
 * and errors (`int("x")` -> `type conversion error from 'string' to 'int'`, `int(1e20)` ->
 * `integer overflow`), `string(double)` as Go's `%g` (`1e+20`), `string(timestamp)` RFC 3339,
 * `string(duration)` (`90s`), `int(uint)`, `int(timestamp)`, strict RFC 3339 `timestamp()`, Go
 * `time.ParseDuration` for `duration()`, RE2 `matches` (re2js), and the optional helpers
 * `optional.ofNonZeroValue`, `optional.unwrap`, `unwrapOpt`.
 */
import { Optional } from '@marcbachmann/cel-js';
import { Duration, UnsignedInt } from '@marcbachmann/cel-js/evaluator';
import { goParseFloat, goParseInt, goParseUint, goQuote } from '../../utils/goconv.ts';
import { parseDurationResult } from '../../utils/duration.ts';
import { CelFunctionError, fail } from '../errors.ts';
import { CelLiteralError, NOT_APPLICABLE, NOT_CONSTANT, type CelOverride } from '../instrument.ts';
import type { CelLibrary } from '../library.ts';
import { formatFloatF, formatFloatG } from './go-float.ts';
import { compileRe2 } from './re2.ts';
import { formatTimestamp, inTimestampRange, isStrictRfc3339, parseTimestamp } from './timestamps.ts';
import { utf8Decode } from './bytes-util.ts';
import { celEquals, compareBytes } from './compare.ts';
import { timeZoneOverrides } from './time-zones.ts';

const INT64_MAX = 2n ** 63n - 1n;

/** Total nanoseconds of a cel-js duration. */
export function durationNanos(d: Duration): bigint {
  return d.seconds * 1_000_000_000n + BigInt(d.nanos);
}

/** A cel-js duration from nanoseconds (same normalisation as cel-js' own parser). */
export function durationFromNanos(ns: bigint): Duration {
  return new Duration(ns / 1_000_000_000n, Number(ns % 1_000_000_000n));
}

/** cel-go `string(duration)`: `strconv.FormatFloat(d.Seconds(), 'f', -1, 64) + "s"`. */
export function durationToString(d: Duration): string {
  const ns = durationNanos(d);
  const secs = Number(ns / 1_000_000_000n) + Number(ns % 1_000_000_000n) / 1e9;
  return `${formatFloatF(secs)}s`;
}

/** cel-go `duration(string)`; throws cel-go's conversion error. */
export function parseCelDuration(s: string): Duration {
  const r = parseDurationResult(s);
  if (!r.ok) fail("type conversion error from 'string' to 'google.protobuf.Duration'");
  return durationFromNanos(r.ns);
}

/** cel-go `timestamp(string)`; throws cel-go's errors. */
export function parseCelTimestamp(s: string): Date {
  if (!isStrictRfc3339(s)) fail(`invalid RFC 3339 timestamp ${goQuote(s)}`);
  const t = parseTimestamp(s);
  if (t === 'range') fail('timestamp overflow');
  if (t === undefined) fail("type conversion error from 'string' to 'google.protobuf.Timestamp'");
  return t;
}

/** Go `strconv.ParseBool`. */
function parseBool(s: string): boolean | undefined {
  switch (s) {
    case '1':
    case 't':
    case 'T':
    case 'TRUE':
    case 'true':
    case 'True':
      return true;
    case '0':
    case 'f':
    case 'F':
    case 'FALSE':
    case 'false':
    case 'False':
      return false;
    default:
      return undefined;
  }
}

/** cel-go `int(double)`: truncation, `integer overflow` outside (-2^63, 2^63). */
export function doubleToInt(x: number): bigint {
  if (!Number.isFinite(x) || x <= -9223372036854775808 || x >= 9223372036854775807) fail('integer overflow');
  return BigInt(Math.trunc(x));
}

/** cel-go's zero values for `optional.ofNonZeroValue`. */
function isZeroValue(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === '' || v === 0 || v === 0n) return true;
  if (v instanceof UnsignedInt) return v.valueOf() === 0n;
  if (Array.isArray(v) || v instanceof Uint8Array) return v.length === 0;
  if (v instanceof Map || v instanceof Set) return v.size === 0;
  if (v instanceof Duration) return durationNanos(v) === 0n;
  if (v instanceof Date) return v.getTime() === 0;
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) return Object.keys(v).length === 0;
  return false;
}

const override = (
  name: string,
  member: boolean,
  argc: number,
  apply: (args: unknown[]) => unknown,
  prepare?: CelOverride['prepare'],
  foldErrors = false,
): CelOverride => ({
  name,
  member,
  argc,
  apply,
  foldErrors,
  ...(prepare ? { prepare } : {}),
});

const matches = (s: unknown, re: unknown): unknown => {
  if (typeof s !== 'string' || typeof re !== 'string') return NOT_APPLICABLE;
  return compileRe2(re).test(s);
};

const prepareLiteral =
  (kind: 'timestamp' | 'duration') =>
  (consts: readonly unknown[]): undefined => {
    const v = consts[0];
    try {
      if (kind === 'timestamp') {
        if (typeof v === 'string') parseCelTimestamp(v);
        else if (typeof v === 'bigint' && !inTimestampRange(Number(v) * 1000)) fail('timestamp overflow');
      } else if (typeof v === 'string') parseCelDuration(v);
    } catch (e) {
      if (e instanceof CelFunctionError) throw new CelLiteralError(`invalid ${kind} argument`, 0);
      throw e;
    }
    return undefined;
  };

export const builtinsLibrary: CelLibrary = {
  name: 'cel.stdlib',
  register(env) {
    env.registerFunction('int(uint): int', (u: UnsignedInt) => {
      const v = u.valueOf();
      if (v > INT64_MAX) fail('integer overflow');
      return v;
    });
    env.registerFunction('int(google.protobuf.Timestamp): int', (t: Date) => BigInt(Math.floor(t.getTime() / 1000)));
    env.registerFunction('string(google.protobuf.Timestamp): string', (t: Date) => formatTimestamp(t));
    env.registerFunction('string(google.protobuf.Duration): string', (d: Duration) => durationToString(d));
    env.registerFunction('OptionalNamespace.ofNonZeroValue(A): optional<A>', (_ns: unknown, v: unknown) =>
      isZeroValue(v) ? Optional.none() : Optional.of(v),
    );
    env.registerFunction('OptionalNamespace.unwrap(list<optional<A>>): list<A>', (_ns: unknown, l: unknown[]) => unwrapOptionals(l));
    env.registerFunction('list<optional<A>>.unwrapOpt(): list<A>', (l: unknown[]) => unwrapOptionals(l));
    env.registerFunction('matches(string, string): bool', (s: string, re: string) => compileRe2(re).test(s));
    env.registerOperator('optional<A> == optional<A>', (a: Optional, b: Optional) => celEquals(a, b));
    env.registerOperator('bytes < bytes', (a: Uint8Array, b: Uint8Array) => compareBytes(a, b) < 0);
    env.registerOperator('bytes <= bytes', (a: Uint8Array, b: Uint8Array) => compareBytes(a, b) <= 0);
    env.registerOperator('bytes > bytes', (a: Uint8Array, b: Uint8Array) => compareBytes(a, b) > 0);
    env.registerOperator('bytes >= bytes', (a: Uint8Array, b: Uint8Array) => compareBytes(a, b) >= 0);
  },
  overrides: [
    override('string', false, 1, ([v]) => {
      if (typeof v === 'number') return formatFloatG(v);
      if (v instanceof Uint8Array) {
        const s = utf8Decode(v);
        if (s === undefined) fail('invalid UTF-8 in bytes, cannot convert to string');
        return s;
      }
      return NOT_APPLICABLE;
    }, undefined, true),
    override('int', false, 1, ([v]) => {
      if (typeof v === 'number') return doubleToInt(v);
      if (v instanceof UnsignedInt) return v.valueOf() > INT64_MAX ? fail('integer overflow') : v.valueOf();
      if (typeof v === 'string') return goParseInt(v) ?? fail("type conversion error from 'string' to 'int'");
      return NOT_APPLICABLE;
    }, undefined, true),
    override('uint', false, 1, ([v]) => {
      if (typeof v === 'string') {
        const u = goParseUint(v);
        if (u === undefined) fail("type conversion error from 'string' to 'uint'");
        return new UnsignedInt(u);
      }
      if (typeof v === 'number') {
        if (!Number.isFinite(v) || v < 0 || v >= 18446744073709551615) fail('unsigned integer overflow');
        return new UnsignedInt(BigInt(Math.trunc(v)));
      }
      if (typeof v === 'bigint' && v < 0n) fail('unsigned integer overflow');
      return NOT_APPLICABLE;
    }, undefined, true),
    override('double', false, 1, ([v]) => {
      if (typeof v !== 'string') return NOT_APPLICABLE;
      const d = goParseFloat(v);
      if (d === undefined) fail("type conversion error from 'string' to 'double'");
      return d;
    }, undefined, true),
    override('bool', false, 1, ([v]) => {
      if (typeof v !== 'string') return NOT_APPLICABLE;
      const b = parseBool(v);
      if (b === undefined) fail("type conversion error from 'string' to 'bool'");
      return b;
    }, undefined, true),
    override(
      'timestamp',
      false,
      1,
      ([v]) => {
        if (typeof v === 'string') return parseCelTimestamp(v);
        if (typeof v === 'bigint') {
          if (!inTimestampRange(Number(v) * 1000)) fail('timestamp overflow');
          return new Date(Number(v) * 1000);
        }
        return NOT_APPLICABLE;
      },
      prepareLiteral('timestamp'),
    ),
    override(
      'duration',
      false,
      1,
      ([v]) => (typeof v === 'string' ? parseCelDuration(v) : NOT_APPLICABLE),
      prepareLiteral('duration'),
    ),
    override('matches', true, 1, ([s, re]) => matches(s, re), prepareMatchesMember),
    override('matches', false, 2, ([s, re]) => matches(s, re), prepareMatchesGlobal),
    ...timeZoneOverrides,
  ],
};

function prepareMatchesMember(consts: readonly unknown[]): ((args: unknown[]) => unknown) | undefined {
  // consts = [receiver, pattern]
  const p = consts[1];
  if (p === NOT_CONSTANT || typeof p !== 'string') return undefined;
  const re = literalRegex(p, 1);
  return (args) => (typeof args[0] === 'string' ? re.test(args[0]) : NOT_APPLICABLE);
}

function prepareMatchesGlobal(consts: readonly unknown[]): ((args: unknown[]) => unknown) | undefined {
  const p = consts[1];
  if (p === NOT_CONSTANT || typeof p !== 'string') return undefined;
  const re = literalRegex(p, 1);
  return (args) => (typeof args[0] === 'string' ? re.test(args[0]) : NOT_APPLICABLE);
}

function literalRegex(p: string, argIndex: number): ReturnType<typeof compileRe2> {
  try {
    return compileRe2(p);
  } catch {
    throw new CelLiteralError('invalid matches argument', argIndex);
  }
}

function unwrapOptionals(l: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const o of l) {
    if (!(o instanceof Optional)) fail('no such overload');
    if (o.hasValue()) out.push(o.value());
  }
  return out;
}

