/**
 * Kubernetes `resource.Quantity` (k8s.io/apimachinery api/resource), exact: values are BigInt decimals,
 * never floats. Parsing, canonical `String()`, comparison and the arithmetic Kyverno's JMESPath functions
 * perform (`add`, `subtract`, `multiply`, `divide`, `modulo` in pkg/engine/jmespath/arithmetic.go).
 *
 * Internally a quantity mirrors Go's two representations, because Kyverno's results depend on them
 * (`AsApproximateFloat64` rounding and the scale `divide` rounds at):
 * - the int64 fast path (`int64Amount{value, scale}`) for short, non-fractional-nano inputs;
 * - the `inf.Dec` path (arbitrary precision, rounded up to nano on parse).
 * Both are stored as `unscaled × 10^-scale` (the inf.Dec convention); `isDec` says which one Go holds.
 *
 * Recipes for Kyverno's JMESPath arithmetic (all results rendered with `toString()`):
 * - `add(q1, q2)` = `q1.add(q2)`, `subtract` = `q1.sub(q2)`;
 * - `multiply(q, n)` = `q.mul(parseQuantityOrThrow(goSprintFloat(n)))` (Go formats the float with `%v`);
 * - `divide(q, n)` = `q.divRoundDown(parseQuantityOrThrow(goSprintFloat(n)))` (after the zero check);
 * - `divide(q1, q2)` = `q1.toNumber() / q2.toNumber()` (a plain number; zero check on `q2.toNumber()`);
 * - `modulo(q1, q2)`: `f = q.toNumber()`, `i = goFloat64ToInt64(f)`, both must satisfy `Number(i) === f`,
 *   `i2 !== 0n`, result `Quantity.fromInt64(i1 % i2, q1.format)` (BigInt `%` has Go's sign rule).
 */
import { fitsInt64, GO_INT64_MAX } from './goconv.ts';

/** How a quantity is written back: kept from the parsed suffix (`1Gi` BinarySI, `1G` DecimalSI, `1e9` DecimalExponent). */
export type QuantityFormat = 'DecimalExponent' | 'BinarySI' | 'DecimalSI';

/** Go's error messages for a bad quantity string. */
export const QUANTITY_ERR_FORMAT =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
export const QUANTITY_ERR_NUMERIC = 'unable to parse numeric part of quantity';
export const QUANTITY_ERR_SUFFIX = "unable to parse quantity's suffix";

/** Thrown by {@link parseQuantityOrThrow}; `message` is Go's error text. */
export class QuantityParseError extends Error {
  readonly code = 'QUANTITY_PARSE' as const;
  constructor(message: string) {
    super(message);
    this.name = 'QuantityParseError';
  }
}

const DEC_SUFFIX_TO_EXP: ReadonlyMap<string, number> = new Map([
  ['n', -9],
  ['u', -6],
  ['m', -3],
  ['', 0],
  ['k', 3],
  ['M', 6],
  ['G', 9],
  ['T', 12],
  ['P', 15],
  ['E', 18],
]);
const BIN_SUFFIX_TO_EXP: ReadonlyMap<string, number> = new Map([
  ['Ki', 10],
  ['Mi', 20],
  ['Gi', 30],
  ['Ti', 40],
  ['Pi', 50],
  ['Ei', 60],
]);
const DEC_EXP_TO_SUFFIX: ReadonlyMap<number, string> = new Map([...DEC_SUFFIX_TO_EXP].map(([s, e]) => [e, s]));
const BIN_EXP_TO_SUFFIX: ReadonlyMap<number, string> = new Map([...BIN_SUFFIX_TO_EXP].map(([s, e]) => [e, s]));

const NANO_INF_SCALE = 9;
const SUFFIX_CHARS = 'eEinumkKMGTP';

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/** Go math.Pow10 (table based, so the float64 results match Go's exactly). */
const POW10TAB: readonly number[] = Array.from({ length: 32 }, (_, i) => Number(`1e${i}`));
const POW10POS32: readonly number[] = Array.from({ length: 10 }, (_, i) => Number(`1e${i * 32}`));
const POW10NEG32: readonly number[] = Array.from({ length: 11 }, (_, i) => Number(`1e-${i * 32}`));
function goPow10(n: number): number {
  if (n >= 0 && n <= 308) return POW10POS32[Math.floor(n / 32)]! * POW10TAB[n % 32]!;
  if (n >= -323 && n <= 0) return POW10NEG32[Math.floor(-n / 32)]! / POW10TAB[-n % 32]!;
  return n > 0 ? Infinity : 0;
}

/** inf.Dec rounding of `unscaled × 10^-scale` to `newScale`; `up` = RoundUp (away from 0), else RoundDown. */
function roundDec(unscaled: bigint, scale: number, newScale: number, up: boolean): bigint {
  if (newScale >= scale) return unscaled * pow10(newScale - scale);
  const div = pow10(scale - newScale);
  const q = unscaled / div;
  if (!up || unscaled % div === 0n) return q;
  return unscaled < 0n ? q - 1n : q + 1n;
}

/** A parsed Kubernetes quantity. Immutable; operations return new quantities. */
export class Quantity {
  /** Canonical string, computed on first use. */
  private canonical: string | undefined;

  private constructor(
    /** Unscaled integer: the value is `unscaled × 10^-scale`. */
    readonly unscaled: bigint,
    /** inf.Dec scale (number of decimal places; negative for multiples of powers of ten). */
    readonly scale: number,
    /** True when Go holds the value as an inf.Dec (false: the int64 fast path). */
    readonly isDec: boolean,
    /** The format `toString()` renders in. */
    readonly format: QuantityFormat,
    /** The original string when Go keeps it as the cached `String()` (input already canonical). */
    private readonly cached: string,
  ) {}

  /** @internal int64Amount{value, scale} (Kubernetes scale = -inf scale). */
  static fromInt(value: bigint, k8sScale: number, format: QuantityFormat, cached = ''): Quantity {
    return new Quantity(value, 0 - k8sScale, false, format, cached);
  }

  /** `resource.NewQuantity(v, format)`: an integer quantity. `Quantity.fromInt64(3n, 'DecimalSI').toString()` = `3`. */
  static fromInt64(value: bigint, format: QuantityFormat): Quantity {
    return new Quantity(value, 0, false, format, '');
  }

  /** `resource.NewDecimalQuantity`: `unscaled × 10^-scale` held as an inf.Dec (no rounding). */
  static fromDec(unscaled: bigint, scale: number, format: QuantityFormat): Quantity {
    return new Quantity(unscaled, scale, true, format, '');
  }

  /** True for zero. */
  isZero(): boolean {
    return this.unscaled === 0n;
  }

  /** -1, 0 or 1. */
  sign(): -1 | 0 | 1 {
    return this.unscaled < 0n ? -1 : this.unscaled > 0n ? 1 : 0;
  }

  /** Exact comparison (`Quantity.Cmp`): `parseQuantity('1Gi').cmp(parseQuantity('1024Mi'))` = 0. */
  cmp(other: Quantity): -1 | 0 | 1 {
    const s = Math.max(this.scale, other.scale);
    const a = this.unscaled * pow10(s - this.scale);
    const b = other.unscaled * pow10(s - other.scale);
    return a < b ? -1 : a > b ? 1 : 0;
  }

  /** `Quantity.Equal` (value equality, format ignored). */
  equals(other: Quantity): boolean {
    return this.cmp(other) === 0;
  }

  /** Compare with an integer (`CmpInt64`). */
  cmpInt(v: bigint): -1 | 0 | 1 {
    const a = this.unscaled;
    if (this.scale >= 0) {
      const b = v * pow10(this.scale);
      return a < b ? -1 : a > b ? 1 : 0;
    }
    const a2 = a * pow10(-this.scale);
    return a2 < v ? -1 : a2 > v ? 1 : 0;
  }

  /**
   * `Quantity.Add` on a copy: exact sum; when this is zero the result takes `other`'s format.
   * `parseQuantity('12Ki').add(parseQuantity('13Ki')).toString()` = `25Ki`.
   */
  add(other: Quantity): Quantity {
    if (!this.isDec && !other.isDec) {
      const format = this.unscaled === 0n ? other.format : this.format;
      const r = int64AmountAdd(this.unscaled, 0 - this.scale, other.unscaled, 0 - other.scale);
      if (r) return Quantity.fromInt(r.value, r.scale, format);
      return decAdd(this, other, format);
    }
    return decAdd(this, other, this.isZero() ? other.format : this.format);
  }

  /** `Quantity.Sub` on a copy: exact difference; when this is zero the result takes `other`'s format. */
  sub(other: Quantity): Quantity {
    const format = this.isZero() ? other.format : this.format;
    if (!this.isDec && !other.isDec) {
      const r = int64AmountAdd(this.unscaled, 0 - this.scale, -other.unscaled, 0 - other.scale);
      if (r) return Quantity.fromInt(r.value, r.scale, format);
    }
    const neg = new Quantity(-other.unscaled, other.scale, true, other.format, '');
    return decAdd(this, neg, format);
  }

  /**
   * inf.Dec product held as a new decimal quantity in this quantity's format (Kyverno `multiply`):
   * `parseQuantity('12Ki').mul(parseQuantity('2.5')).toString()` = `30Ki`.
   */
  mul(other: Quantity): Quantity {
    return Quantity.fromDec(this.unscaled * other.unscaled, this.scale + other.scale, this.format);
  }

  /**
   * Kyverno `divide(quantity, number)`: `inf.Dec.QuoRound(this, divisor, max(scales), RoundDown)` in this
   * quantity's format. The divisor must not be zero. `parseQuantity('12Ki').divRoundDown(parseQuantity('5'))`
   * -> `2457` (12288/5 = 2457.6 truncated at scale 0).
   */
  divRoundDown(divisor: Quantity): Quantity {
    if (divisor.unscaled === 0n) throw new RangeError('division by zero quantity');
    const s = Math.max(this.scale, divisor.scale);
    return Quantity.fromDec(quoRound(this.unscaled, this.scale, divisor.unscaled, divisor.scale, s, false), s, this.format);
  }

  /** `AsApproximateFloat64`: `Number(unscaled) * math.Pow10(-scale)`, bit-identical to Go. */
  toNumber(): number {
    const base = Number(this.unscaled);
    const exponent = -this.scale;
    if (exponent === 0) return base;
    return base * goPow10(exponent);
  }

  /**
   * Kubernetes `Quantity.String()`: the parsed string when it was already canonical, else the canonical
   * form (`1.5` -> `1500m`, `1.5Gi` -> `1536Mi`, `1000` -> `1k`, `0.5Ki` -> `512`, `1.1Ki` -> `1126400m`).
   */
  toString(): string {
    if (this.cached !== '') return this.cached;
    if (this.canonical === undefined) this.canonical = canonicalize(this);
    return this.canonical;
  }
}

/** int64Amount.Add with Go's overflow checks; `undefined` when Go falls back to inf.Dec. Scales are Kubernetes scales. */
function int64AmountAdd(av: bigint, as: number, bv: bigint, bs: number): { value: bigint; scale: number } | undefined {
  if (bv === 0n) return { value: av, scale: as };
  if (av === 0n) return { value: bv, scale: bs };
  if (as === bs) {
    const c = av + bv;
    return fitsInt64(c) ? { value: c, scale: as } : undefined;
  }
  if (as > bs) {
    const c = av * pow10(as - bs);
    if (!fitsInt64(c)) return undefined;
    const d = c + bv;
    return fitsInt64(d) ? { value: d, scale: bs } : undefined;
  }
  const c = bv * pow10(bs - as);
  if (!fitsInt64(c)) return undefined;
  const d = av + c;
  return fitsInt64(d) ? { value: d, scale: as } : undefined;
}

function decAdd(a: Quantity, b: Quantity, format: QuantityFormat): Quantity {
  const s = Math.max(a.scale, b.scale);
  const v = a.unscaled * pow10(s - a.scale) + b.unscaled * pow10(s - b.scale);
  return Quantity.fromDec(v, s, format);
}

/** inf.Dec quoRem + rounding: (x / y) at scale s; `up` RoundUp else RoundDown. */
function quoRound(xu: bigint, xs: number, yu: bigint, ys: number, s: number, up: boolean): bigint {
  const shift = s - (xs - ys);
  let ix = xu;
  let iy = yu;
  if (shift > 0) ix = xu * pow10(shift);
  else if (shift < 0) iy = yu * pow10(-shift);
  const q = ix / iy;
  if (!up || ix % iy === 0n) return q;
  return (ix < 0n) !== (iy < 0n) ? q - 1n : q + 1n;
}

function canonicalize(q: Quantity): string {
  if (q.isZero()) return '0';
  let format = q.format;
  let rounded = 0n;
  if (format === 'BinarySI') {
    if (q.cmpInt(-1024n) > 0 && q.cmpInt(1024n) < 0) format = 'DecimalSI';
    else {
      // AsScale(0): round up (away from zero) to an integer; inexact -> DecimalSI.
      rounded = roundDec(q.unscaled, q.scale, 0, true);
      if (q.scale > 0 && rounded * pow10(q.scale) !== q.unscaled) format = 'DecimalSI';
    }
  }
  if (format !== 'BinarySI') {
    let mant = q.unscaled;
    let exp = -q.scale;
    while (mant % 10n === 0n) {
      mant /= 10n;
      exp++;
    }
    while (exp % 3 !== 0) {
      mant *= 10n;
      exp--;
    }
    let suffix: string;
    if (format === 'DecimalSI') suffix = DEC_EXP_TO_SUFFIX.get(exp) ?? '';
    else suffix = exp === 0 ? '' : 'e' + exp;
    return mant.toString() + suffix;
  }
  let mant = rounded;
  let exp = 0;
  while (mant % 1024n === 0n) {
    mant /= 1024n;
    exp++;
  }
  return mant.toString() + (BIN_EXP_TO_SUFFIX.get(exp * 10) ?? '');
}

interface Scanned {
  positive: boolean;
  value: string;
  num: string;
  denom: string;
  suffix: string;
}

/** Go `parseQuantityString`. */
function scan(str: string): Scanned | undefined {
  let positive = true;
  let pos = 0;
  const end = str.length;
  if (pos < end) {
    if (str[0] === '-') {
      positive = false;
      pos++;
    } else if (str[0] === '+') pos++;
  }
  for (let i = pos; ; i++) {
    if (i >= end) return { positive, value: '0', num: '0', denom: '', suffix: '' };
    if (str[i] === '0') pos++;
    else break;
  }
  let num: string;
  for (let i = pos; ; i++) {
    if (i >= end) return { positive, value: str, num: str.slice(pos, end), denom: '', suffix: '' };
    if (!isDigit(str[i])) {
      num = str.slice(pos, i);
      pos = i;
      break;
    }
  }
  if (num.length === 0) num = '0';
  let denom = '';
  if (pos < end && str[pos] === '.') {
    pos++;
    for (let i = pos; ; i++) {
      if (i >= end) return { positive, value: str, num, denom: str.slice(pos, end), suffix: '' };
      if (!isDigit(str[i])) {
        denom = str.slice(pos, i);
        pos = i;
        break;
      }
    }
  }
  const value = str.slice(0, pos);
  const suffixStart = pos;
  for (let i = pos; ; i++) {
    if (i >= end) return { positive, value, num, denom, suffix: str.slice(suffixStart, end) };
    if (!SUFFIX_CHARS.includes(str[i]!)) {
      pos = i;
      break;
    }
  }
  if (pos < end && (str[pos] === '-' || str[pos] === '+')) pos++;
  for (let i = pos; ; i++) {
    if (i >= end) return { positive, value, num, denom, suffix: str.slice(suffixStart, end) };
    if (!isDigit(str[i])) break;
  }
  return undefined;
}

interface Interpreted {
  base: 2 | 10;
  exponent: number;
  format: QuantityFormat;
}

function interpret(suffix: string): Interpreted | undefined {
  const dec = DEC_SUFFIX_TO_EXP.get(suffix);
  if (dec !== undefined) return { base: 10, exponent: dec, format: 'DecimalSI' };
  const bin = BIN_SUFFIX_TO_EXP.get(suffix);
  if (bin !== undefined) return { base: 2, exponent: bin, format: 'BinarySI' };
  if (suffix.length > 1 && (suffix[0] === 'E' || suffix[0] === 'e')) {
    const digits = suffix.slice(1);
    if (!/^[+-]?[0-9]+$/.test(digits)) return undefined;
    const parsed = BigInt(digits[0] === '+' ? digits.slice(1) : digits);
    if (!fitsInt64(parsed)) return undefined;
    return { base: 10, exponent: Number(BigInt.asIntN(32, parsed)), format: 'DecimalExponent' };
  }
  return undefined;
}

/** The result of {@link parseQuantityResult}. */
export type QuantityParseResult = { ok: true; quantity: Quantity } | { ok: false; error: string };

/** Exponents whose inf.Dec expansion would need unreasonable memory (Go would try and stall). */
const MAX_EXPONENT_MAGNITUDE = 100_000;

/**
 * Go `resource.ParseQuantity` with its error message. `parseQuantityResult('1.5Gi')` ->
 * `{ok: true, quantity}`; `parseQuantityResult('1 Ki')` -> `{ok: false, error: QUANTITY_ERR_FORMAT}`.
 * Deviation: exponents beyond ±100000 (where Go exhausts memory) are rejected as a suffix error.
 */
export function parseQuantityResult(str: string): QuantityParseResult {
  if (str.length === 0) return { ok: false, error: QUANTITY_ERR_FORMAT };
  if (str === '0') return { ok: true, quantity: Quantity.fromInt(0n, 0, 'DecimalSI', '0') };
  const sc = scan(str);
  if (!sc) return { ok: false, error: QUANTITY_ERR_FORMAT };
  const { positive, value, num, denom } = sc;
  const it = interpret(sc.suffix);
  if (!it || Math.abs(it.exponent) > MAX_EXPONENT_MAGNITUDE) return { ok: false, error: QUANTITY_ERR_SUFFIX };
  const { base, exponent } = it;
  let format = it.format;
  let precision = 0;
  let scale = 0;
  let mantissa = 1n;
  if (format === 'BinarySI') {
    if (exponent >= 0 && denom.length === 0) {
      mantissa = 1n << BigInt(exponent);
      precision = 15 - num.length - Math.trunc(Math.fround(Math.fround(Math.fround(exponent) * 3) / 10)) - 1;
    } else precision = -1;
  } else {
    scale = exponent;
    precision = 18 - (num.length + denom.length);
  }
  if (precision >= 0) {
    scale -= denom.length;
    if (scale >= -9) {
      const shifted = num + denom;
      const v = BigInt(shifted);
      let result = v * mantissa;
      if (fitsInt64(result)) {
        if (!positive) result = -result;
        let cached = '';
        if (format === 'BinarySI') {
          if (exponent % 10 === 0 && (v & 7n) !== 0n) cached = str;
        } else if (scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0') cached = str;
        return { ok: true, quantity: Quantity.fromInt(result, scale, format, cached) };
      }
    }
  }
  // inf.Dec path
  const m = /^([+-]?)([0-9]*)(?:\.([0-9]*))?$/.exec(value);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return { ok: false, error: QUANTITY_ERR_NUMERIC };
  const intDigits = m[2]!;
  const fracDigits = m[3] ?? '';
  let unscaled = BigInt((m[1] === '-' ? '-' : '') + (intDigits + fracDigits === '' ? '0' : intDigits + fracDigits));
  let decScale = fracDigits.length;
  if (base === 10) decScale -= exponent;
  else unscaled *= 1n << BigInt(exponent);
  const negative = unscaled < 0n;
  if (negative) unscaled = -unscaled;
  if (unscaled !== 0n) {
    unscaled = roundDec(unscaled, decScale, NANO_INF_SCALE, true);
    decScale = NANO_INF_SCALE;
  }
  if (format === 'BinarySI' && unscaled !== 0n) {
    // decScale is nano here. Cap at max int64; values strictly between 0 and 1 switch to DecimalSI.
    if (unscaled > GO_INT64_MAX * pow10(NANO_INF_SCALE)) {
      unscaled = GO_INT64_MAX;
      decScale = 0;
    } else if (unscaled < pow10(NANO_INF_SCALE)) format = 'DecimalSI';
  }
  if (negative) unscaled = -unscaled;
  return { ok: true, quantity: Quantity.fromDec(unscaled, decScale, format) };
}

/**
 * Go `resource.ParseQuantity`; `undefined` where Go returns an error. Suffixes: DecimalSI
 * `n u m "" k M G T P E`, BinarySI `Ki Mi Gi Ti Pi Ei`, DecimalExponent `e<n>`/`E<n>`; signs and fractions
 * (`1.5Gi`, `.5`, `1.`). `"30m"` is 0.03, `"1 Ki"` and `""` are errors.
 */
export function parseQuantity(str: string): Quantity | undefined {
  const r = parseQuantityResult(str);
  return r.ok ? r.quantity : undefined;
}

/** Like {@link parseQuantity} but throws {@link QuantityParseError} carrying Go's message. */
export function parseQuantityOrThrow(str: string): Quantity {
  const r = parseQuantityResult(str);
  if (!r.ok) throw new QuantityParseError(r.error);
  return r.quantity;
}
