/**
 * Go conversion semantics the engine must reproduce byte for byte: `strconv.ParseFloat`,
 * `strconv.ParseInt`, `strconv.Quote` (`%q`), Go's float64 -> int64 conversion, int64 wrapping, and
 * Go's string ordering (`sort.Strings`, fmt's sorted map keys).
 */

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Smallest and largest Go int64 as bigints. */
export const GO_INT64_MIN = INT64_MIN;
export const GO_INT64_MAX = INT64_MAX;

/** True when the bigint fits in a Go int64. */
export function fitsInt64(v: bigint): boolean {
  return v >= INT64_MIN && v <= INT64_MAX;
}

/** Go int64 arithmetic wrap-around (two's complement), e.g. `wrapInt64(2n ** 63n)` = `-(2n ** 63n)`. */
export function wrapInt64(v: bigint): bigint {
  return BigInt.asIntN(64, v);
}

/**
 * Go's `int64(f)` for a float64 as compiled for amd64: truncation toward zero; NaN and values
 * outside [-2^63, 2^63) give -2^63 (the CVTTSD2SI "integer indefinite" value).
 * `goFloat64ToInt64(-1.9)` = `-1n`.
 */
export function goFloat64ToInt64(f: number): bigint {
  if (Number.isNaN(f) || f >= 9223372036854775808 || f < -9223372036854775808) return INT64_MIN;
  return BigInt(Math.trunc(f));
}

/** True when `f` is integral and Go would hold it as an int64 in unstructured JSON. */
export function isGoInt64Number(f: number): boolean {
  return Number.isInteger(f) && f >= -9223372036854775808 && f < 9223372036854775808;
}

function lower(c: string): string {
  return c.length === 1 && c >= 'A' && c <= 'Z' ? String.fromCharCode(c.charCodeAt(0) + 32) : c;
}

function underscoreOK(s: string): boolean {
  let saw = '^';
  let i = 0;
  if (s.length >= 1 && (s[0] === '-' || s[0] === '+')) s = s.slice(1);
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && (lower(s[1]!) === 'b' || lower(s[1]!) === 'o' || lower(s[1]!) === 'x')) {
    i = 2;
    saw = '0';
    hex = lower(s[1]!) === 'x';
  }
  for (; i < s.length; i++) {
    const c = s[i]!;
    if ((c >= '0' && c <= '9') || (hex && lower(c) >= 'a' && lower(c) <= 'f')) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

function commonPrefixLenIgnoreCase(s: string, prefix: string): number {
  const n = Math.min(prefix.length, s.length);
  for (let i = 0; i < n; i++) {
    if (lower(s[i]!) !== prefix[i]) return i;
  }
  return n;
}

/** Go strconv `special`: inf/infinity/nan. Returns the value when the whole string is special. */
function parseSpecial(s: string): number | undefined {
  if (s.length === 0) return undefined;
  let sign = 1;
  let rest = s;
  let nsign = 0;
  const c = s[0]!;
  if (c === '+' || c === '-' || c === 'i' || c === 'I') {
    if (c === '+' || c === '-') {
      if (c === '-') sign = -1;
      nsign = 1;
      rest = s.slice(1);
    }
    let n = commonPrefixLenIgnoreCase(rest, 'infinity');
    if (n > 3 && n < 8) n = 3;
    if ((n === 3 || n === 8) && nsign + n === s.length) return sign * Infinity;
    return undefined;
  }
  if ((c === 'n' || c === 'N') && commonPrefixLenIgnoreCase(s, 'nan') === 3 && s.length === 3) return NaN;
  return undefined;
}

/**
 * Go `strconv.ParseFloat(s, 64)`; `undefined` where Go returns an error (syntax or range).
 * Accepts signs, `1.`, `.5`, exponents, `_` digit separators (Go rules), hex floats (`0x1p-2`),
 * `inf`/`infinity`/`nan` (case-insensitive). Underflow gives 0 (no error), overflow is an error.
 * `goParseFloat("1_000")` = 1000, `goParseFloat(" 1")` = undefined.
 */
export function goParseFloat(s: string): number | undefined {
  const special = parseSpecial(s);
  if (special !== undefined) return special;
  let i = 0;
  let underscores = false;
  if (i >= s.length) return undefined;
  let neg = false;
  if (s[i] === '+') i++;
  else if (s[i] === '-') {
    i++;
    neg = true;
  }
  let hex = false;
  if (i + 2 < s.length && s[i] === '0' && lower(s[i + 1]!) === 'x') {
    hex = true;
    i += 2;
  }
  const mantStart = i;
  let sawdot = false;
  let sawdigits = false;
  for (; i < s.length; i++) {
    const c = s[i]!;
    if (c === '_') {
      underscores = true;
      continue;
    }
    if (c === '.') {
      if (sawdot) break;
      sawdot = true;
      continue;
    }
    if (c >= '0' && c <= '9') {
      sawdigits = true;
      continue;
    }
    if (hex && lower(c) >= 'a' && lower(c) <= 'f') {
      sawdigits = true;
      continue;
    }
    break;
  }
  if (!sawdigits) return undefined;
  const mantEnd = i;
  let expStr = '';
  const expChar = hex ? 'p' : 'e';
  if (i < s.length && lower(s[i]!) === expChar) {
    i++;
    if (i >= s.length) return undefined;
    let esign = '';
    if (s[i] === '+') i++;
    else if (s[i] === '-') {
      i++;
      esign = '-';
    }
    if (i >= s.length || s[i]! < '0' || s[i]! > '9') return undefined;
    let digits = '';
    for (; i < s.length && ((s[i]! >= '0' && s[i]! <= '9') || s[i] === '_'); i++) {
      if (s[i] === '_') {
        underscores = true;
        continue;
      }
      digits += s[i];
    }
    expStr = esign + digits;
  } else if (hex) {
    return undefined;
  }
  if (i !== s.length) return undefined;
  if (underscores && !underscoreOK(s.slice(0, i))) return undefined;
  const mant = s.slice(mantStart, mantEnd).replace(/_/g, '');
  let value: number;
  if (!hex) {
    value = Number(`${mant}e${expStr === '' ? '0' : expStr}`);
    if (!Number.isFinite(value)) return undefined;
  } else {
    const dot = mant.indexOf('.');
    const intPart = dot < 0 ? mant : mant.slice(0, dot);
    const fracPart = dot < 0 ? '' : mant.slice(dot + 1);
    const m = BigInt('0x' + (intPart + fracPart === '' ? '0' : intPart + fracPart));
    let e = Number(expStr) - 4 * fracPart.length;
    if (!Number.isFinite(e)) e = expStr.startsWith('-') ? -100000 : 100000;
    value = Number(m) * Math.pow(2, e);
    if (!Number.isFinite(value)) return undefined;
  }
  return neg ? -value : value;
}

/**
 * Go `strconv.ParseInt(s, 10, 64)`: optional sign then ASCII digits only, range-checked;
 * `undefined` on error. `goParseInt("-12")` = -12n, `goParseInt("1.0")` = undefined.
 */
export function goParseInt(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const v = BigInt(s[0] === '+' ? s.slice(1) : s);
  return fitsInt64(v) ? v : undefined;
}

/** Go `strconv.ParseUint(s, 10, 64)`; `undefined` on error. */
export function goParseUint(s: string): bigint | undefined {
  if (!/^[0-9]+$/.test(s)) return undefined;
  const v = BigInt(s);
  return v <= 2n ** 64n - 1n ? v : undefined;
}

const HEX = '0123456789abcdef';

function isGoPrintable(cp: number): boolean {
  // Approximation of unicode.IsPrint: letters, marks, numbers, punctuation, symbols and ASCII space.
  if (cp === 0x20) return true;
  return /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u.test(String.fromCodePoint(cp));
}

/**
 * Go `strconv.Quote` (`%q`): double-quoted with Go escapes (`\a\b\f\n\r\t\v\\\"`, `\xNN`, `\uNNNN`,
 * `\UNNNNNNNN` for non-printable runes). `goQuote('a"b')` = `"a\"b"`.
 */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') {
      out += '\\' + ch;
      continue;
    }
    if (cp < 0x80 && cp >= 0x20 && cp !== 0x7f) {
      out += ch;
      continue;
    }
    if (cp >= 0x80 && cp !== 0xfffd && !(cp >= 0xd800 && cp <= 0xdfff) && isGoPrintable(cp)) {
      out += ch;
      continue;
    }
    switch (cp) {
      case 0x07:
        out += '\\a';
        continue;
      case 0x08:
        out += '\\b';
        continue;
      case 0x0c:
        out += '\\f';
        continue;
      case 0x0a:
        out += '\\n';
        continue;
      case 0x0d:
        out += '\\r';
        continue;
      case 0x09:
        out += '\\t';
        continue;
      case 0x0b:
        out += '\\v';
        continue;
    }
    if (cp < 0x20 || cp === 0x7f) out += '\\x' + HEX[cp >> 4] + HEX[cp & 15];
    else if (cp >= 0xd800 && cp <= 0xdfff) out += '\\ufffd';
    else if (cp === 0xfffd) out += ch;
    else if (cp < 0x10000) out += '\\u' + cp.toString(16).padStart(4, '0');
    else out += '\\U' + cp.toString(16).padStart(8, '0');
  }
  return out + '"';
}

/**
 * Go string ordering (byte-wise on UTF-8, i.e. by code point), as used by `sort.Strings` and fmt's
 * sorted map keys. JS `<` compares UTF-16 code units, which differs for astral vs U+E000..U+FFFF.
 */
export function goStringCompare(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca === cb) continue;
    const sa = ca >= 0xd800 && ca <= 0xdfff;
    const sb = cb >= 0xd800 && cb <= 0xdfff;
    if (sa === sb) return ca < cb ? -1 : 1;
    // A surrogate (astral code point) sorts after every BMP code unit in UTF-8 order.
    return sa ? 1 : -1;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/** UTF-8 bytes of a string (lone surrogates become U+FFFD, as Go's string conversion does). */
export function utf8Bytes(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) {
    let cp = ch.codePointAt(0)!;
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
    if (cp < 0x80) out.push(cp);
    else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
    else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  }
  return out;
}

/** Go `unicode.IsSpace`. */
export function goIsSpace(cp: number): boolean {
  switch (cp) {
    case 0x09:
    case 0x0a:
    case 0x0b:
    case 0x0c:
    case 0x0d:
    case 0x20:
    case 0x85:
    case 0xa0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202f:
    case 0x205f:
    case 0x3000:
      return true;
    default:
      return cp >= 0x2000 && cp <= 0x200a;
  }
}

/** Go `strings.TrimSpace` (Unicode white space per `unicode.IsSpace`; unlike JS `trim`, U+FEFF is kept). */
export function goTrimSpace(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && goIsSpace(s.charCodeAt(start))) start++;
  while (end > start && goIsSpace(s.charCodeAt(end - 1))) end--;
  return s.slice(start, end);
}

/** Number of UTF-8 bytes of a string. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}
