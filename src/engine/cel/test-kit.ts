/**
 * Helpers for the CEL test tables: expected values are written the way cel-go reports them (the
 * tables were produced by running cel-go 0.30 with the Kubernetes and Kyverno libraries), and
 * `normalize` brings our results into the same shape: ints `3n`, doubles numbers, uints `u(3n)`,
 * optionals `opt(x)` / `NONE`, bytes `bytes(base64)`, maps with non-string keys `mapOf([...])`,
 * library objects `obj(type, string form)` (timestamps and durations in Go's `String()` form).
 */
import { Optional } from '@marcbachmann/cel-js';
import { Duration, UnsignedInt } from '@marcbachmann/cel-js/evaluator';
import { formatDuration } from '../utils/duration.ts';
import { isCelCompileError } from './errors.ts';
import type { CelEnvironment, CelActivation } from './environment.ts';
import { base64Encode } from './libs/bytes-util.ts';
import { durationNanos } from './libs/builtins.ts';
import { CidrValue } from './libs/cidr.ts';
import { IpValue } from './libs/ip.ts';
import { ImageValue } from './libs/kyverno-image.ts';
import { QuantityValue } from './libs/quantity.ts';
import { SemverValue } from './libs/semver.ts';
import { UrlValue } from './libs/url.ts';

/**
 * Table rows where this implementation knowingly differs from cel-go, with the reason. Tests for
 * these are skipped (with the reason shown) rather than edited.
 */
export const KNOWN_DEVIATIONS: Readonly<Record<string, string>> = {
  '[1, [2, [3, 4]]].flatten()': 'mixed nested list literal: cel-js reports the inner element, cel-go the outer list as list(dyn)',
  '[1, [2, [3, 4]]].flatten(2)': 'mixed nested list literal: cel-js reports the inner element, cel-go the outer list as list(dyn)',
  '[1, [2, [3, [4]]]].flatten(-1)': 'mixed nested list literal: cel-js reports the inner element, cel-go the outer list as list(dyn)',
  '"%s".format([{1: "a", 2: "b"}])': 'cel-js map literals keep keys as strings at run time, so int keys print quoted',
  'timestamp("2024-01-01T00:00:00.123456789Z")': 'timestamps have millisecond precision (JS Date); cel-go keeps nanoseconds',
  'string(timestamp("2024-01-01T10:00:00+01:00"))': 'timestamps keep no time zone (JS Date): they print in UTC',
  '{"a": 1, "b": 2}.transformMapEntry(k, v, v > 1, {v: k})': 'cel-js map literals keep keys as strings at run time',
  'yaml.parse("a: [")': 'YAML syntax error texts come from a different parser than go-yaml',
};

/** The skip reason for a row, if it is a known deviation. */
export function deviation(expr: string): string | undefined {
  return KNOWN_DEVIATIONS[expr];
}

/** One row of a CEL table. */
export interface CelCase {
  readonly expr: string;
  /** expected value (see the helpers below) */
  readonly want?: unknown;
  /** expected evaluation error message */
  readonly err?: string;
  /** expected first line of the compile error */
  readonly compileErr?: string;
  /** cel-go's actual cost, when it is asserted */
  readonly cost?: number;
}

export const u = (v: bigint): { uint: bigint } => ({ uint: v });
export const opt = (v: unknown): { optional: unknown } => ({ optional: v });
export const NONE = { optional: 'none' } as const;
export const bytes = (b64: string): { bytes: string } => ({ bytes: b64 });
export const mapOf = (entries: readonly (readonly [unknown, unknown])[]): Map<unknown, unknown> =>
  new Map(entries.map(([k, v]) => [k, v]));
export const obj = (type: string, str: string): { type: string; str: string } => ({ type, str });

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** Go `time.Time.String()` of a UTC instant. */
function goTimeString(d: Date): string {
  const ms = d.getUTCMilliseconds();
  const frac = ms === 0 ? '' : `.${pad(ms, 3).replace(/0+$/, '')}`;
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(
    d.getUTCMinutes(),
  )}:${pad(d.getUTCSeconds())}${frac} +0000 UTC`;
}

/** Brings a CEL value into the comparable shape of the tables. */
export function normalize(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(normalize);
  if (v instanceof UnsignedInt) return u(v.valueOf());
  if (v instanceof Optional) return v.hasValue() ? opt(normalize(v.value())) : NONE;
  if (v instanceof Uint8Array) return bytes(base64Encode(v));
  if (v instanceof Date) return obj('google.protobuf.Timestamp', goTimeString(v));
  if (v instanceof Duration) return obj('google.protobuf.Duration', formatDuration(durationNanos(v)));
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [normalize(k), normalize(x)]));
  if (v instanceof IpValue) return obj('net.IP', v.toJSON());
  if (v instanceof CidrValue) return obj('net.CIDR', v.toJSON());
  if (v instanceof QuantityValue) return obj('kubernetes.Quantity', v.toJSON());
  if (v instanceof UrlValue) return obj('kubernetes.URL', v.toJSON());
  if (v instanceof SemverValue) return obj('kubernetes.Semver', v.toJSON());
  if (v instanceof ImageValue) return obj('kyverno.image', v.toJSON());
  const ctor = (v as { constructor?: { name?: string } }).constructor?.name;
  if (ctor === 'Type') return obj('type', String((v as { name?: string }).name ?? v));
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) out[k] = normalize((v as Record<string, unknown>)[k]);
  return out;
}

/** What a case produced, in the shape of a `CelCase`. */
export interface CelOutcome {
  want?: unknown;
  err?: string;
  compileErr?: string;
  cost?: number;
}

/** Compiles and evaluates `c.expr`, returning what happened in the table's shape. */
export async function runCase(env: CelEnvironment, c: CelCase, activation: CelActivation = {}): Promise<CelOutcome> {
  const p = env.compile(c.expr);
  if (isCelCompileError(p)) return { compileErr: p.message.split('\n')[0] };
  try {
    const r = await p.evaluateWithCost(activation);
    return c.cost === undefined ? { want: normalize(r.value) } : { want: normalize(r.value), cost: r.cost };
  } catch (e) {
    return { err: (e as Error).message };
  }
}

/** The expected outcome of a case (the row without `expr`). */
export function expected(c: CelCase): CelOutcome {
  if (c.compileErr !== undefined) return { compileErr: c.compileErr };
  if (c.err !== undefined) return { err: c.err };
  return c.cost === undefined ? { want: c.want } : { want: c.want, cost: c.cost };
}
