/**
 * CEL value equality and ordering as cel-go defines them: heterogeneous numeric equality
 * (`1 == 1.0 == 1u` for dyn values), deep list/map equality, strings ordered by code point (Go's
 * byte-wise UTF-8 order), bytes, bools, durations and timestamps ordered by value.
 */
import { Optional } from '@marcbachmann/cel-js';
import { Duration, UnsignedInt } from '@marcbachmann/cel-js/evaluator';
import { fail } from '../errors.ts';

function num(v: unknown): number | bigint | undefined {
  if (typeof v === 'bigint' || typeof v === 'number') return v;
  if (v instanceof UnsignedInt) return v.valueOf();
  return undefined;
}

/** Numeric comparison across int/uint/double; NaN compares as unordered (returns NaN). */
function compareNumbers(a: number | bigint, b: number | bigint): number {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  const x = Number(a);
  const y = Number(b);
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.NaN;
  if (typeof a === 'bigint' && typeof b === 'number' && Number.isInteger(b) && Math.abs(b) < 2 ** 63) {
    const bb = BigInt(b);
    return a < bb ? -1 : a > bb ? 1 : 0;
  }
  if (typeof b === 'bigint' && typeof a === 'number' && Number.isInteger(a) && Math.abs(a) < 2 ** 63) {
    const aa = BigInt(a);
    return aa < b ? -1 : aa > b ? 1 : 0;
  }
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Code-point order of two strings (Go compares UTF-8 bytes, which is the same order). */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/** Byte-wise order of two byte strings. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return a.length - b.length < 0 ? -1 : a.length > b.length ? 1 : 0;
}

/** True when `v` is an ordered CEL value (int, uint, double, string, bytes, bool, duration, timestamp). */
export function isComparable(v: unknown): boolean {
  return (
    typeof v === 'bigint' ||
    typeof v === 'number' ||
    typeof v === 'string' ||
    typeof v === 'boolean' ||
    v instanceof UnsignedInt ||
    v instanceof Uint8Array ||
    v instanceof Duration ||
    v instanceof Date
  );
}

/**
 * cel-go `Compare`: -1, 0 or 1 (NaN when a double NaN is involved); throws `no such overload`
 * for values of incomparable types.
 */
export function celCompare(a: unknown, b: unknown): number {
  const x = num(a);
  const y = num(b);
  if (x !== undefined && y !== undefined) return compareNumbers(x, y);
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (a instanceof Uint8Array && b instanceof Uint8Array) return compareBytes(a, b);
  if (a instanceof Duration && b instanceof Duration) {
    const p = a.seconds * 1_000_000_000n + BigInt(a.nanos);
    const q = b.seconds * 1_000_000_000n + BigInt(b.nanos);
    return p < q ? -1 : p > q ? 1 : 0;
  }
  if (a instanceof Date && b instanceof Date) return Math.sign(a.getTime() - b.getTime());
  return fail('no such overload');
}

/** cel-go heterogeneous equality (`==` on dyn values). */
export function celEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const x = num(a);
  const y = num(b);
  if (x !== undefined || y !== undefined) return x !== undefined && y !== undefined && compareNumbers(x, y) === 0;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!celEquals(a[i], b[i])) return false;
    return true;
  }
  if (a instanceof Uint8Array) return b instanceof Uint8Array && compareBytes(a, b) === 0;
  if (a instanceof Duration || a instanceof Date) {
    try {
      return celCompare(a, b) === 0;
    } catch {
      return false;
    }
  }
  if (a instanceof Optional) {
    if (!(b instanceof Optional)) return false;
    if (a.hasValue() !== b.hasValue()) return false;
    return !a.hasValue() || celEquals(a.value(), b.value());
  }
  const ea = mapEntries(a);
  const eb = mapEntries(b);
  if (ea && eb) {
    if (ea.length !== eb.length) return false;
    for (const [k, v] of ea) {
      const other = eb.find(([k2]) => celEquals(k, k2));
      if (!other || !celEquals(v, other[1])) return false;
    }
    return true;
  }
  const eq = (a as { equals?: (o: unknown) => boolean }).equals;
  return typeof eq === 'function' ? eq.call(a, b) : false;
}

/** Entries of a CEL map (plain object or `Map`), or undefined for other values. */
export function mapEntries(v: unknown): [unknown, unknown][] | undefined {
  if (v instanceof Map) return [...v.entries()];
  if (v !== null && typeof v === 'object') {
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto === Object.prototype || proto === null) return Object.entries(v);
  }
  return undefined;
}

/** True for a CEL map value (plain object or `Map`). */
export function isCelMap(v: unknown): v is Record<string, unknown> | Map<unknown, unknown> {
  if (v instanceof Map) return true;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** CEL type name of a value, as cel-go's format errors print it. */
export function celTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'null_type';
  switch (typeof v) {
    case 'bigint':
      return 'int';
    case 'number':
      return 'double';
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
  }
  if (Array.isArray(v)) return 'list';
  if (v instanceof UnsignedInt) return 'uint';
  if (v instanceof Uint8Array) return 'bytes';
  if (v instanceof Date) return 'google.protobuf.Timestamp';
  if (v instanceof Duration) return 'google.protobuf.Duration';
  if (v instanceof Optional) return 'optional_type';
  if (isCelMap(v)) return 'map';
  if (isCelType(v)) return 'type';
  const ctor = (v as { constructor?: { celTypeName?: string; name?: string } }).constructor;
  return ctor?.celTypeName ?? ctor?.name ?? 'object';
}

export function isCelType(v: unknown): boolean {
  return typeof v === 'object' && v !== null && (v as { constructor?: { name?: string } }).constructor?.name === 'Type';
}

const GO_TYPE_NAMES: Readonly<Record<string, string>> = {
  null_type: 'types.Null',
  null: 'types.Null',
  string: 'types.String',
  int: 'types.Int',
  uint: 'types.Uint',
  double: 'types.Double',
  bool: 'types.Bool',
  bytes: 'types.Bytes',
  'google.protobuf.Timestamp': 'types.Timestamp',
  'google.protobuf.Duration': 'types.Duration',
  optional_type: '*types.Optional',
  type: '*types.Type',
};

/** The Go type (`types.Null`, `types.String`...) cel-go names in some runtime errors, from a CEL type name. */
export function goTypeNameOf(celType: string): string {
  return GO_TYPE_NAMES[celType] ?? celType;
}

/** The Go type of a CEL value, as in cel-go's `got 'types.Null', expected iterable type`. */
export function goTypeName(v: unknown): string {
  return goTypeNameOf(celTypeName(v));
}
