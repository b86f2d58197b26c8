/**
 * Go `time.Duration` semantics: `time.ParseDuration`, `Duration.String`, `Duration.Seconds` and the
 * float64 -> Duration conversion Kyverno's arithmetic uses. A duration is an int64 count of nanoseconds;
 * the exact API works on bigints, the convenience API on JS numbers (exact up to 2^53 ns, about 104 days).
 */
import { goFloat64ToInt64, utf8Bytes, wrapInt64 } from './goconv.ts';

/** Smallest and largest `time.Duration`, in nanoseconds. */
export const MIN_DURATION_NS = -(2n ** 63n);
export const MAX_DURATION_NS = 2n ** 63n - 1n;

/** Nanoseconds per unit, as `time.ParseDuration` accepts them (both micro signs included). */
const UNITS: ReadonlyMap<string, bigint> = new Map([
  ['ns', 1n],
  ['us', 1_000n],
  ['\u00b5s', 1_000n],
  ['\u03bcs', 1_000n],
  ['ms', 1_000_000n],
  ['s', 1_000_000_000n],
  ['m', 60_000_000_000n],
  ['h', 3_600_000_000_000n],
]);

const TWO63 = 2n ** 63n;

/** The result of {@link parseDurationResult}: the duration or Go's error message. */
export type DurationParseResult = { ok: true; ns: bigint } | { ok: false; error: string };

/** Go `time`'s own `quote`: ASCII kept (with `"` and `\` escaped), other bytes as `\xNN` (UTF-8). */
function timeQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0x80 || cp < 0x20) {
      for (const b of utf8Bytes(ch)) out += '\\x' + b.toString(16).padStart(2, '0');
    } else {
      if (ch === '"' || ch === '\\') out += '\\';
      out += ch;
    }
  }
  return out + '"';
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/**
 * Go `time.ParseDuration` with its error message, e.g.
 * `parseDurationResult("1h30m")` = `{ok: true, ns: 5400000000000n}`,
 * `parseDurationResult("1")` = `{ok: false, error: 'time: missing unit in duration "1"'}`.
 */
export function parseDurationResult(orig: string): DurationParseResult {
  const invalid = (): DurationParseResult => ({ ok: false, error: 'time: invalid duration ' + timeQuote(orig) });
  let s = orig;
  let d = 0n;
  let neg = false;
  if (s !== '') {
    const c = s[0];
    if (c === '-' || c === '+') {
      neg = c === '-';
      s = s.slice(1);
    }
  }
  if (s === '0') return { ok: true, ns: 0n };
  if (s === '') return invalid();
  while (s !== '') {
    let v = 0n;
    let f = 0n;
    let scale = 1;
    if (!(s[0] === '.' || isDigit(s[0]))) return invalid();
    // leadingInt
    let i = 0;
    for (; i < s.length; i++) {
      const c = s[i]!;
      if (c < '0' || c > '9') break;
      if (v > TWO63 / 10n) return invalid();
      v = v * 10n + BigInt(c.charCodeAt(0) - 48);
      if (v > TWO63) return invalid();
    }
    const pre = i !== 0;
    s = s.slice(i);
    let post = false;
    if (s !== '' && s[0] === '.') {
      s = s.slice(1);
      // leadingFraction
      let j = 0;
      let overflow = false;
      for (; j < s.length; j++) {
        const c = s[j]!;
        if (c < '0' || c > '9') break;
        if (overflow) continue;
        if (f > (TWO63 - 1n) / 10n) {
          overflow = true;
          continue;
        }
        const y = f * 10n + BigInt(c.charCodeAt(0) - 48);
        if (y > TWO63) {
          overflow = true;
          continue;
        }
        f = y;
        scale *= 10;
      }
      post = j !== 0;
      s = s.slice(j);
    }
    if (!pre && !post) return invalid();
    let k = 0;
    for (; k < s.length; k++) {
      const c = s[k]!;
      if (c === '.' || isDigit(c)) break;
    }
    if (k === 0) return { ok: false, error: 'time: missing unit in duration ' + timeQuote(orig) };
    const u = s.slice(0, k);
    s = s.slice(k);
    const unit = UNITS.get(u);
    if (unit === undefined) {
      return { ok: false, error: 'time: unknown unit ' + timeQuote(u) + ' in duration ' + timeQuote(orig) };
    }
    if (v > TWO63 / unit) return invalid();
    v *= unit;
    if (f > 0n) {
      v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
      if (v > TWO63) return invalid();
    }
    d += v;
    if (d > TWO63) return invalid();
  }
  if (neg) return { ok: true, ns: wrapInt64(-d) };
  if (d > TWO63 - 1n) return invalid();
  return { ok: true, ns: d };
}

/**
 * Go `time.ParseDuration`, exact: nanoseconds as a bigint, `undefined` when Go returns an error.
 * Units `ns us µs μs ms s m h`, signs, fractions, bare `0`. `parseDurationNs("1.5s")` = 1500000000n.
 */
export function parseDurationNs(s: string): bigint | undefined {
  // fast rejection of what cannot be a duration (the operators try every string): after an optional
  // sign, a duration starts with a digit or a dot
  const c = s.charCodeAt(s.charCodeAt(0) === 43 || s.charCodeAt(0) === 45 ? 1 : 0);
  if (!((c >= 48 && c <= 57) || c === 46)) return undefined;
  const r = parseDurationResult(s);
  return r.ok ? r.ns : undefined;
}

/**
 * Go `time.ParseDuration` in nanoseconds as a JS number (exact below 2^53 ns); `undefined` when invalid.
 * `parseDuration("300ms")` = 300000000, `parseDuration("0")` = 0, `parseDuration("1")` = undefined.
 */
export function parseDuration(s: string): number | undefined {
  const r = parseDurationResult(s);
  return r.ok ? Number(r.ns) : undefined;
}

function fmtFrac(v: bigint, prec: number): { text: string; rest: bigint } {
  let text = '';
  let print = false;
  for (let i = 0; i < prec; i++) {
    const digit = v % 10n;
    print = print || digit !== 0n;
    if (print) text = digit.toString() + text;
    v /= 10n;
  }
  if (print) text = '.' + text;
  return { text, rest: v };
}

/**
 * Go `Duration.String()`: `formatDuration(3600e9)` = `1h0m0s`, `1.5e9` -> `1.5s`, `0` -> `0s`,
 * `1000` -> `1µs`, `-123e9` -> `-2m3s`. Numbers are truncated to integral nanoseconds first.
 */
export function formatDuration(ns: number | bigint): string {
  const d = typeof ns === 'bigint' ? wrapInt64(ns) : goFloat64ToInt64(ns);
  const neg = d < 0n;
  let u = neg ? -d : d;
  let out: string;
  if (u < 1_000_000_000n) {
    let prec: number;
    let unit: string;
    if (u === 0n) return '0s';
    if (u < 1_000n) {
      prec = 0;
      unit = 'ns';
    } else if (u < 1_000_000n) {
      prec = 3;
      unit = '\u00b5s';
    } else {
      prec = 6;
      unit = 'ms';
    }
    const f = fmtFrac(u, prec);
    out = f.rest.toString() + f.text + unit;
  } else {
    const f = fmtFrac(u, 9);
    u = f.rest;
    out = (u % 60n).toString() + f.text + 's';
    u /= 60n;
    if (u > 0n) {
      out = (u % 60n).toString() + 'm' + out;
      u /= 60n;
      if (u > 0n) out = u.toString() + 'h' + out;
    }
  }
  return neg ? '-' + out : out;
}

/** Go `Duration.Seconds()`: `durationSeconds(1500000000n)` = 1.5. */
export function durationSeconds(ns: bigint | number): number {
  const d = typeof ns === 'bigint' ? ns : BigInt(Math.trunc(ns));
  const sec = d / 1_000_000_000n;
  const nsec = d % 1_000_000_000n;
  return Number(sec) + Number(nsec) / 1e9;
}

/**
 * Go `time.Duration(f)` for a float64 nanosecond count (truncation; amd64 overflow gives the minimum).
 * Kyverno's `multiply('1m', 1.5)` computes `time.Duration(seconds * float64(time.Second))`.
 */
export function durationFromFloat(nsFloat: number): bigint {
  return goFloat64ToInt64(nsFloat);
}

/**
 * Go `time.Duration(x) * time.Second` for a JSON number `x` of seconds, as Kyverno's condition
 * operators convert numbers: the float is truncated to int64 first, then multiplied with int64 wrap-around.
 * `secondsToDuration(1.9)` = 1000000000n.
 */
export function secondsToDuration(seconds: number): bigint {
  return wrapInt64(goFloat64ToInt64(seconds) * 1_000_000_000n);
}
