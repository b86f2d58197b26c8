/**
 * JSON <-> CEL value conversion, the way Kubernetes hands unstructured objects to CEL:
 * integral numbers are int64 (`bigint`), other numbers float64 (`number`), objects are maps with string
 * keys, arrays lists. Back to JSON, ints become numbers again, bytes base64, timestamps RFC 3339,
 * durations Go-style seconds (`"90s"`), optionals their value (or null), library types their string form.
 */
import { Optional } from '@marcbachmann/cel-js';
import { Duration, UnsignedInt } from '@marcbachmann/cel-js/evaluator';
import type { JsonObject, JsonValue } from '../api/json.ts';
import { isGoInt64Number } from '../utils/goconv.ts';
import { formatTimestamp } from './libs/timestamps.ts';
import { base64Encode } from './libs/bytes-util.ts';

/** A value as the CEL evaluator holds it. */
export type CelValue = unknown;

function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  } else obj[key] = value;
}

/**
 * Converts decoded JSON into CEL values: `3` -> `3n`, `1.5` -> `1.5`, objects/arrays deep-copied.
 * `jsonToCel({replicas: 3})` = `{replicas: 3n}`.
 */
export function jsonToCel(v: JsonValue | undefined): CelValue {
  switch (typeof v) {
    case 'number':
      return isGoInt64Number(v) ? BigInt(v) : v;
    case 'string':
    case 'boolean':
      return v;
    case 'undefined':
      return null;
    default:
      if (v === null) return null;
      if (Array.isArray(v)) {
        const out = new Array<CelValue>(v.length);
        for (let i = 0; i < v.length; i++) out[i] = jsonToCel(v[i]);
        return out;
      }
      {
        const out: Record<string, unknown> = {};
        for (const k of Object.keys(v)) setOwn(out, k, jsonToCel((v as JsonObject)[k]));
        return out;
      }
  }
}

/**
 * Like `jsonToCel` but every number stays a double: what Go's `json.Unmarshal` into `any` gives
 * (HTTP bodies, `json.unmarshal`, `yaml.parse`). `jsonToCelDoubles({a: 1})` = `{a: 1}` (a double).
 */
export function jsonToCelDoubles(v: JsonValue | undefined): CelValue {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => jsonToCelDoubles(x));
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) setOwn(out, k, jsonToCelDoubles((v as JsonObject)[k]));
  return out;
}

/** Objects of library types know their JSON form (quantity, url, ip, cidr, semver, image ...). */
export interface CelJsonable {
  toJSON(): JsonValue;
}

function isJsonable(v: object): v is CelJsonable {
  return typeof (v as { toJSON?: unknown }).toJSON === 'function';
}

/**
 * Converts a CEL value back to JSON: `3n` -> `3`, `UnsignedInt(3)` -> `3`, bytes -> base64 string,
 * timestamp -> `"2024-01-01T00:00:00Z"`, duration -> `"90s"`, `optional.none()` -> `null`,
 * maps with non-string keys get their keys stringified (`{1: "a"}` -> `{"1": "a"}`).
 * Non-finite doubles have no JSON form and become `null`.
 */
export function celToJson(v: CelValue): JsonValue {
  switch (typeof v) {
    case 'bigint':
      return Number(v);
    case 'number':
      return Number.isFinite(v) ? v : null;
    case 'string':
    case 'boolean':
      return v;
    case 'undefined':
      return null;
    case 'object': {
      if (v === null) return null;
      if (Array.isArray(v)) return v.map((x) => celToJson(x));
      if (v instanceof UnsignedInt) return Number(v.valueOf());
      if (v instanceof Uint8Array) return base64Encode(v);
      if (v instanceof Date) return formatTimestamp(v);
      if (v instanceof Duration) return v.toString();
      if (v instanceof Optional) return v.hasValue() ? celToJson(v.value()) : null;
      if (v instanceof Map) {
        const out: JsonObject = {};
        for (const [k, x] of v) setOwn(out, typeof k === 'string' ? k : String(celToJson(k)), celToJson(x));
        return out;
      }
      if (v instanceof Set) return [...v].map((x) => celToJson(x));
      const proto = Object.getPrototypeOf(v) as unknown;
      if (proto === Object.prototype || proto === null) {
        const out: JsonObject = {};
        for (const k of Object.keys(v)) setOwn(out, k, celToJson((v as Record<string, unknown>)[k]));
        return out;
      }
      if (isJsonable(v)) return v.toJSON();
      const out: JsonObject = {};
      for (const k of Object.keys(v)) setOwn(out, k, celToJson((v as Record<string, unknown>)[k]));
      return out;
    }
    default:
      return null;
  }
}
