/**
 * Go number and value formatting as it reaches users through Kyverno: `fmt.Sprint`/`%v` of floats and of
 * decoded JSON values, `%T`, `strconv.FormatFloat` with the `'E'`, `'f'` verbs (64 and 32 bits), `%f`, and
 * the way `encoding/json` writes a float64.
 */
import type { JsonValue } from '../api/json.ts';
import { goStringCompare, isGoInt64Number } from './goconv.ts';

/** Shortest round-trip decimal digits of a finite non-zero float64: value = 0.digits × 10^dp. */
interface Digits {
  digits: string;
  dp: number;
}

function shortest64(x: number): Digits {
  const s = Math.abs(x).toExponential();
  const e = s.indexOf('e');
  const mant = s.slice(0, e).replace('.', '');
  return { digits: mant, dp: Number(s.slice(e + 1)) + 1 };
}

function fmtE(neg: boolean, d: Digits | undefined, prec: number, ch: 'e' | 'E'): string {
  const nd = d ? d.digits.length : 0;
  let out = neg ? '-' : '';
  out += nd !== 0 ? d!.digits[0] : '0';
  if (prec > 0) {
    out += '.';
    const m = Math.min(nd, prec + 1);
    if (1 < m) out += d!.digits.slice(1, m);
    for (let i = Math.max(1, m); i <= prec; i++) out += '0';
  }
  out += ch;
  let exp = nd === 0 ? 0 : d!.dp - 1;
  if (exp < 0) {
    out += '-';
    exp = -exp;
  } else out += '+';
  out += exp < 10 ? '0' + exp : String(exp);
  return out;
}

function fmtF(neg: boolean, d: Digits | undefined, prec: number): string {
  const digits = d ? d.digits : '';
  const dp = d ? d.dp : 0;
  let out = neg ? '-' : '';
  if (dp > 0) {
    const m = Math.min(digits.length, dp);
    out += digits.slice(0, m);
    for (let i = m; i < dp; i++) out += '0';
  } else out += '0';
  if (prec > 0) {
    out += '.';
    for (let i = 1; i <= prec; i++) {
      const j = dp + i - 1;
      out += j >= 0 && j < digits.length ? digits[j] : '0';
    }
  }
  return out;
}

function special(x: number): string | undefined {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  return undefined;
}

function isNeg(x: number): boolean {
  return x < 0 || Object.is(x, -0);
}

/**
 * `fmt.Sprint` of a float64 (`%v`: shortest `%g`, exponent form when the decimal exponent is < -4 or
 * >= 6): `1e6` -> `1e+06`, `1.5` -> `1.5`, `123456` -> `123456`,
 * `1234567` -> `1.234567e+06`, `1e-5` -> `1e-05`, `0.0001` -> `0.0001`, NaN -> `NaN`, Inf -> `+Inf`.
 */
export function goSprintFloat(x: number): string {
  const sp = special(x);
  if (sp !== undefined) return sp;
  const neg = isNeg(x);
  if (x === 0) return neg ? '-0' : '0';
  const d = shortest64(x);
  const exp = d.dp - 1;
  if (exp < -4 || exp >= 6) return fmtE(neg, d, d.digits.length - 1, 'e');
  return fmtF(neg, d, Math.max(d.digits.length - d.dp, 0));
}

/**
 * `strconv.FormatFloat(x, 'E', -1, 64)`, the rendering Kyverno's pattern code uses to compare a float
 * value as a string: `1.5` -> `1.5E+00`, `1e6` -> `1E+06`, `0` -> `0E+00`.
 */
export function goFormatE(x: number): string {
  const sp = special(x);
  if (sp !== undefined) return sp;
  const neg = isNeg(x);
  if (x === 0) return fmtE(neg, undefined, -1, 'E');
  const d = shortest64(x);
  return fmtE(neg, d, d.digits.length - 1, 'E');
}

/** Exact decimal expansion of a finite float64: |x| = int / 10^scale (scale >= 0). */
function exactDecimal(x: number): { int: bigint; scale: number } {
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, Math.abs(x));
  const hi = buf.getUint32(0);
  const lo = buf.getUint32(4);
  const e = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp2: number;
  if (e === 0) exp2 = -1074;
  else {
    mant |= 1n << 52n;
    exp2 = e - 1075;
  }
  if (exp2 >= 0) return { int: mant << BigInt(exp2), scale: 0 };
  return { int: mant * 5n ** BigInt(-exp2), scale: -exp2 };
}

/** `fmt.Sprintf("%f", x)` = `strconv.FormatFloat(x, 'f', 6, 64)`: exact value rounded half-even to 6 decimals. */
export function goFormatF(x: number): string {
  return goFormatFixed(x, 6);
}

/** `strconv.FormatFloat(x, 'f', prec, 64)` for prec >= 0 (exact value, round half to even). */
export function goFormatFixed(x: number, prec: number): string {
  const sp = special(x);
  if (sp !== undefined) return sp;
  const neg = isNeg(x);
  const { int, scale } = exactDecimal(x);
  let q: bigint;
  if (scale <= prec) q = int * 10n ** BigInt(prec - scale);
  else {
    const div = 10n ** BigInt(scale - prec);
    q = int / div;
    const r = int % div;
    const twice = r * 2n;
    if (twice > div || (twice === div && q % 2n === 1n)) q += 1n;
  }
  let s = q.toString();
  if (prec > 0) {
    s = s.padStart(prec + 1, '0');
    s = s.slice(0, s.length - prec) + '.' + s.slice(s.length - prec);
  }
  return (neg ? '-' : '') + s;
}

/** Shortest decimal digits that round-trip through float32 (Go's "shortest, then closest, then even"). */
function shortest32(f: number): Digits {
  const buf = new DataView(new ArrayBuffer(4));
  buf.setFloat32(0, Math.abs(f));
  const bits = buf.getUint32(0);
  const e = (bits >>> 23) & 0xff;
  let mant = BigInt(bits & 0x7fffff);
  let exp2: number;
  if (e === 0) exp2 = -149;
  else {
    mant |= 1n << 23n;
    exp2 = e - 150;
  }
  // Work in units of 2^(exp2-2): value V, bounds L and U.
  const V = mant * 4n;
  const U = mant * 4n + 2n;
  const L = mant === 1n << 23n && e > 1 ? mant * 4n - 1n : mant * 4n - 2n;
  const inclusive = mant % 2n === 0n;
  const k = exp2 - 2;
  // value of X units as a rational num/den
  const toRat = (X: bigint): [bigint, bigint] => (k >= 0 ? [X << BigInt(k), 1n] : [X, 1n << BigInt(-k)]);
  const [vn, vd] = toRat(V);
  const [un, ud] = toRat(U);
  const [ln, ld] = toRat(L);
  // decimal exponent: 10^e10 <= v < 10^(e10+1)
  let e10 = Math.floor(Math.log10(Math.abs(f)));
  const pow = (t: number): [bigint, bigint] => (t >= 0 ? [10n ** BigInt(t), 1n] : [1n, 10n ** BigInt(-t)]);
  const cmp = (an: bigint, ad: bigint, bn: bigint, bd: bigint): number => {
    const l = an * bd;
    const r = bn * ad;
    return l < r ? -1 : l > r ? 1 : 0;
  };
  for (;;) {
    const [pn, pd] = pow(e10);
    if (cmp(vn, vd, pn, pd) < 0) {
      e10--;
      continue;
    }
    const [qn, qd] = pow(e10 + 1);
    if (cmp(vn, vd, qn, qd) >= 0) {
      e10++;
      continue;
    }
    break;
  }
  const inside = (cn: bigint, cd: bigint): boolean => {
    const lo = cmp(cn, cd, ln, ld);
    const hi = cmp(cn, cd, un, ud);
    return inclusive ? lo >= 0 && hi <= 0 : lo > 0 && hi < 0;
  };
  for (let p = 1; p <= 17; p++) {
    const t = e10 - p + 1;
    const [tn, td] = pow(t);
    // q = floor(v / 10^t)
    const num = vn * td;
    const den = vd * tn;
    const q = num / den;
    const exact = num % den === 0n;
    if (exact) return normalizeDigits(q, t);
    const lowN = q * tn;
    const highN = (q + 1n) * tn;
    const lowIn = inside(lowN, td);
    const highIn = inside(highN, td);
    if (lowIn && highIn) {
      // closest; tie -> even
      const dl = num - q * den;
      const dh = (q + 1n) * den - num;
      if (dl < dh || (dl === dh && q % 2n === 0n)) return normalizeDigits(q, t);
      return normalizeDigits(q + 1n, t);
    }
    if (lowIn) return normalizeDigits(q, t);
    if (highIn) return normalizeDigits(q + 1n, t);
  }
  return shortest64(f);
}

function normalizeDigits(q: bigint, t: number): Digits {
  let s = q.toString();
  let tt = t;
  while (s.length > 1 && s.endsWith('0')) {
    s = s.slice(0, -1);
    tt++;
  }
  return { digits: s, dp: s.length + tt };
}

/**
 * `strconv.FormatFloat(x, 'f', -1, 32)`: the value rounded to float32, shortest float32 digits, no
 * exponent. Kyverno's JMESPath string|number arguments use it: `16777217` -> `16777216`, `0.1` -> `0.1`.
 */
export function goFormatFloat32(x: number): string {
  const f = Math.fround(x);
  const sp = special(f);
  if (sp !== undefined) return sp;
  const neg = isNeg(f);
  if (f === 0) return neg ? '-0' : '0';
  const d = shortest32(f);
  return fmtF(neg, d, Math.max(d.digits.length - d.dp, 0));
}

/**
 * `strconv.FormatFloat(x, 'f', -1, 64)`: shortest float64 digits without exponent (`1e21` ->
 * `1000000000000000000000`, `1e-7` -> `0.0000001`).
 */
export function goFormatFloat64Plain(x: number): string {
  const sp = special(x);
  if (sp !== undefined) return sp;
  const neg = isNeg(x);
  if (x === 0) return neg ? '-0' : '0';
  const d = shortest64(x);
  return fmtF(neg, d, Math.max(d.digits.length - d.dp, 0));
}

/**
 * How `encoding/json` writes a float64: shortest digits, exponent form below 1e-6 or from 1e21 up
 * (`1e+21`, `1e-7`, `1.5e-8`), negative zero as `-0`. Same as JS `String(n)` except for `-0`.
 */
export function goJsonNumber(x: number): string {
  if (Object.is(x, -0)) return '-0';
  return String(x);
}

/**
 * `fmt.Sprint`/`%v` of a decoded JSON value: `map[a:1 b:[x y]]` (keys sorted), `[a b]`, `<nil>`,
 * `true`. Numbers: integral ones as Go int64 when `integralAsInt` (values decoded by Kubernetes'
 * unstructured/util-json decoders), otherwise float64 `%v` (values decoded by encoding/json).
 */
export function goSprintValue(v: JsonValue | undefined, integralAsInt = true): string {
  if (v === null || v === undefined) return '<nil>';
  switch (typeof v) {
    case 'string':
      return v;
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      return integralAsInt && isGoInt64Number(v) ? BigInt(v).toString() : goSprintFloat(v);
    default:
      break;
  }
  if (Array.isArray(v)) {
    let out = '[';
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out += ' ';
      out += goSprintValue(v[i], integralAsInt);
    }
    return out + ']';
  }
  const keys = Object.keys(v).sort(goStringCompare);
  let out = 'map[';
  for (let i = 0; i < keys.length; i++) {
    if (i > 0) out += ' ';
    out += keys[i] + ':' + goSprintValue(v[keys[i]!], integralAsInt);
  }
  return out + ']';
}

/**
 * `%T` of a decoded JSON value: `map[string]interface {}`, `[]interface {}`, `string`, `bool`,
 * `int64`/`float64` (see {@link goSprintValue} for `integralAsInt`), `<nil>`.
 */
export function goTypeName(v: JsonValue | undefined, integralAsInt = true): string {
  if (v === null || v === undefined) return '<nil>';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'number':
      return integralAsInt && isGoInt64Number(v) ? 'int64' : 'float64';
    default:
      return Array.isArray(v) ? '[]interface {}' : 'map[string]interface {}';
  }
}
