/**
 * Go `encoding/json` decoding into `interface{}`, with Go's error texts. Used for JMESPath JSON
 * literals (`` `{"a": 1}` ``), quoted identifiers and `parse_json()`.
 *
 * Like Go, the whole input is first checked by a port of Go's scanner (so the first syntax error wins,
 * e.g. `invalid character 'o' in literal false (expecting 'a')`, `unexpected end of JSON input`), then
 * decoded. Numbers outside float64 range fail with
 * `json: cannot unmarshal number 1e400 into Go value of type float64`; escaped lone surrogates become
 * U+FFFD as in Go.
 */
import type { JsonValue } from '../api/json.ts';

/** A JSON decoding error, message as Go's (`*json.SyntaxError` / `*json.UnmarshalTypeError`). */
export class GoJsonError extends Error {
  constructor(
    message: string,
    /** byte-ish (UTF-16) offset at which the error was detected */
    readonly offset: number,
  ) {
    super(message);
    this.name = 'GoJsonError';
  }
}

const maxNestingDepth = 10000;

// Scanner states.
const S = {
  BeginValue: 0,
  BeginValueOrEmpty: 1,
  BeginStringOrEmpty: 2,
  BeginString: 3,
  EndValue: 4,
  EndTop: 5,
  InString: 6,
  InStringEsc: 7,
  InStringEscU: 8,
  InStringEscU1: 9,
  InStringEscU12: 10,
  InStringEscU123: 11,
  Neg: 12,
  One: 13,
  Zero: 14,
  Dot: 15,
  Dot0: 16,
  E: 17,
  ESign: 18,
  E0: 19,
  T: 20,
  Tr: 21,
  Tru: 22,
  F: 23,
  Fa: 24,
  Fal: 25,
  Fals: 26,
  N: 27,
  Nu: 28,
  Nul: 29,
} as const;
type State = (typeof S)[keyof typeof S];

// Parse states (what the innermost open container expects).
const P_OBJECT_KEY = 0;
const P_OBJECT_VALUE = 1;
const P_ARRAY_VALUE = 2;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

/** First UTF-8 byte of a code point (Go's scanner sees bytes). */
function firstUtf8Byte(cp: number): number {
  if (cp < 0x80) return cp;
  if (cp < 0x800) return 0xc0 | (cp >> 6);
  if (cp < 0x10000) return 0xe0 | (cp >> 12);
  return 0xf0 | (cp >> 18);
}

/** Go's strconv.IsPrint for runes < 0x100. */
function isPrintLatin1(r: number): boolean {
  if (r >= 0x20 && r < 0x7f) return true;
  if (r >= 0xa1 && r <= 0xff) return r !== 0xad;
  return false;
}

/** Go's json quoteChar(c byte). */
export function quoteChar(b: number): string {
  if (b === 0x27) return `'\\''`;
  if (b === 0x22) return `'"'`;
  return `'${quoteRuneBody(b)}'`;
}

/** The inside of strconv.Quote(string(rune(r))) for a rune < 0x100. */
function quoteRuneBody(r: number): string {
  switch (r) {
    case 0x07:
      return '\\a';
    case 0x08:
      return '\\b';
    case 0x0c:
      return '\\f';
    case 0x0a:
      return '\\n';
    case 0x0d:
      return '\\r';
    case 0x09:
      return '\\t';
    case 0x0b:
      return '\\v';
    case 0x5c:
      return '\\\\';
    case 0x22:
      return '\\"';
    default:
      break;
  }
  if (isPrintLatin1(r)) return String.fromCharCode(r);
  if (r < 0x80) return `\\x${r.toString(16).padStart(2, '0')}`;
  return `\\u${r.toString(16).padStart(4, '0')}`;
}

/**
 * Validates `text` as Go's scanner does; returns the numbers that may be out of float64 range
 * (start, end pairs) for the decoder to check. Throws GoJsonError on a syntax error.
 */
function scan(text: string): number[] | undefined {
  let state: State = S.BeginValue;
  const stack: number[] = [];
  let numStart = -1;
  let wide: number[] | undefined;
  const n = text.length;
  let i = 0;

  const fail = (cp: number, context: string): never => {
    throw new GoJsonError(`invalid character ${quoteChar(firstUtf8Byte(cp))} ${context}`, i);
  };
  const endNumber = (end: number): void => {
    if (numStart >= 0) {
      if (end - numStart > 15) (wide ??= []).push(numStart, end);
      else {
        for (let k = numStart; k < end; k++) {
          const c = text.charCodeAt(k);
          if (c === 0x65 || c === 0x45) {
            (wide ??= []).push(numStart, end);
            break;
          }
        }
      }
      numStart = -1;
    }
  };

  // stateEndValue, shared by value ends; returns the next state
  const endValue = (c: number): State => {
    const depth = stack.length;
    if (depth === 0) {
      if (!isSpace(c)) fail(c, 'after top-level value');
      return S.EndTop;
    }
    if (isSpace(c)) return S.EndValue;
    const ps = stack[depth - 1];
    if (ps === P_OBJECT_KEY) {
      if (c === 0x3a) {
        stack[depth - 1] = P_OBJECT_VALUE;
        return S.BeginValue;
      }
      return fail(c, 'after object key');
    }
    if (ps === P_OBJECT_VALUE) {
      if (c === 0x2c) {
        stack[depth - 1] = P_OBJECT_KEY;
        return S.BeginString;
      }
      if (c === 0x7d) {
        stack.pop();
        return stack.length === 0 ? S.EndTop : S.EndValue;
      }
      return fail(c, 'after object key:value pair');
    }
    if (c === 0x2c) return S.BeginValue;
    if (c === 0x5d) {
      stack.pop();
      return stack.length === 0 ? S.EndTop : S.EndValue;
    }
    return fail(c, 'after array element');
  };

  const beginValue = (c: number): State => {
    if (isSpace(c)) return S.BeginValue;
    switch (c) {
      case 0x7b: // {
        if (stack.length >= maxNestingDepth) throw new GoJsonError('exceeded max depth', i);
        stack.push(P_OBJECT_KEY);
        return S.BeginStringOrEmpty;
      case 0x5b: // [
        if (stack.length >= maxNestingDepth) throw new GoJsonError('exceeded max depth', i);
        stack.push(P_ARRAY_VALUE);
        return S.BeginValueOrEmpty;
      case 0x22:
        return S.InString;
      case 0x2d:
        numStart = i;
        return S.Neg;
      case 0x30:
        numStart = i;
        return S.Zero;
      case 0x74:
        return S.T;
      case 0x66:
        return S.F;
      case 0x6e:
        return S.N;
      default:
        break;
    }
    if (c >= 0x31 && c <= 0x39) {
      numStart = i;
      return S.One;
    }
    return fail(c, 'looking for beginning of value');
  };

  const literal = (c: number, want: number, next: State, name: string): State => {
    if (c === want) return next;
    return fail(c, `in literal ${name} (expecting '${String.fromCharCode(want)}')`);
  };

  const step = (c: number): State => {
    switch (state) {
      case S.BeginValue:
        return beginValue(c);
      case S.BeginValueOrEmpty:
        if (isSpace(c)) return S.BeginValueOrEmpty;
        if (c === 0x5d) return endValue(c);
        return beginValue(c);
      case S.BeginStringOrEmpty:
        if (isSpace(c)) return S.BeginStringOrEmpty;
        if (c === 0x7d) {
          stack[stack.length - 1] = P_OBJECT_VALUE;
          return endValue(c);
        }
        if (c === 0x22) return S.InString;
        return fail(c, 'looking for beginning of object key string');
      case S.BeginString:
        if (isSpace(c)) return S.BeginString;
        if (c === 0x22) return S.InString;
        return fail(c, 'looking for beginning of object key string');
      case S.EndValue:
        return endValue(c);
      case S.EndTop:
        if (!isSpace(c)) fail(c, 'after top-level value');
        return S.EndTop;
      case S.InString:
        if (c === 0x22) return S.EndValue;
        if (c === 0x5c) return S.InStringEsc;
        if (c < 0x20) return fail(c, 'in string literal');
        return S.InString;
      case S.InStringEsc:
        switch (c) {
          case 0x62:
          case 0x66:
          case 0x6e:
          case 0x72:
          case 0x74:
          case 0x5c:
          case 0x2f:
          case 0x22:
            return S.InString;
          case 0x75:
            return S.InStringEscU;
          default:
            return fail(c, 'in string escape code');
        }
      case S.InStringEscU:
      case S.InStringEscU1:
      case S.InStringEscU12:
      case S.InStringEscU123:
        if (!isHex(c)) return fail(c, 'in \\u hexadecimal character escape');
        return state === S.InStringEscU123 ? S.InString : ((state + 1) as State);
      case S.Neg:
        if (c === 0x30) return S.Zero;
        if (c >= 0x31 && c <= 0x39) return S.One;
        return fail(c, 'in numeric literal');
      case S.One:
        if (isDigit(c)) return S.One;
        return zero(c);
      case S.Zero:
        return zero(c);
      case S.Dot:
        if (isDigit(c)) return S.Dot0;
        return fail(c, 'after decimal point in numeric literal');
      case S.Dot0:
        if (isDigit(c)) return S.Dot0;
        if (c === 0x65 || c === 0x45) return S.E;
        endNumber(i);
        return endValue(c);
      case S.E:
        if (c === 0x2b || c === 0x2d) return S.ESign;
        return eSign(c);
      case S.ESign:
        return eSign(c);
      case S.E0:
        if (isDigit(c)) return S.E0;
        endNumber(i);
        return endValue(c);
      case S.T:
        return literal(c, 0x72, S.Tr, 'true');
      case S.Tr:
        return literal(c, 0x75, S.Tru, 'true');
      case S.Tru:
        return literal(c, 0x65, S.EndValue, 'true');
      case S.F:
        return literal(c, 0x61, S.Fa, 'false');
      case S.Fa:
        return literal(c, 0x6c, S.Fal, 'false');
      case S.Fal:
        return literal(c, 0x73, S.Fals, 'false');
      case S.Fals:
        return literal(c, 0x65, S.EndValue, 'false');
      case S.N:
        return literal(c, 0x75, S.Nu, 'null');
      case S.Nu:
        return literal(c, 0x6c, S.Nul, 'null');
      case S.Nul:
        return literal(c, 0x6c, S.EndValue, 'null');
      default:
        return state;
    }
  };

  const zero = (c: number): State => {
    if (c === 0x2e) return S.Dot;
    if (c === 0x65 || c === 0x45) return S.E;
    endNumber(i);
    return endValue(c);
  };
  const eSign = (c: number): State => {
    if (isDigit(c)) return S.E0;
    return fail(c, 'in exponent of numeric literal');
  };

  while (i < n) {
    let c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) c = text.codePointAt(i) as number;
    state = step(c);
    i += c > 0xffff ? 2 : 1;
  }
  // eof (Go's scanner.eof): feed a space, which may end a pending value or raise a syntax error
  if (state !== S.EndTop) {
    state = step(0x20);
    if (state !== S.EndTop) throw new GoJsonError('unexpected end of JSON input', n);
  }
  return wide;
}

const LONE_SURROGATE = '[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]';

function fixString(s: string): string {
  return s.replace(new RegExp(LONE_SURROGATE, 'g'), '\ufffd');
}

function fixStrings(v: JsonValue): JsonValue {
  if (typeof v === 'string') return fixString(v);
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = fixStrings(v[i] as JsonValue);
    return v;
  }
  if (v !== null && typeof v === 'object') {
    const out: Record<string, JsonValue> = {};
    for (const k of Object.keys(v)) out[fixString(k)] = fixStrings(v[k] as JsonValue);
    return out;
  }
  return v;
}

/**
 * Go's `json.Unmarshal(text, &v)` with `v interface{}`: returns the decoded value or throws
 * GoJsonError with Go's message.
 */
export function goJsonUnmarshal(text: string): JsonValue {
  const wide = scan(text);
  if (wide) {
    for (let k = 0; k < wide.length; k += 2) {
      const lit = text.slice(wide[k], wide[k + 1]);
      if (!Number.isFinite(Number(lit))) {
        throw new GoJsonError(`json: cannot unmarshal number ${lit} into Go value of type float64`, wide[k] as number);
      }
    }
  }
  const v = JSON.parse(text) as JsonValue;
  // escaped lone surrogates (\ud800) decode to U+FFFD in Go
  if (text.includes('\\u') && /\\u[dD][89a-fA-F]/.test(text)) return fixStrings(v);
  return v;
}

const HEX = '0123456789abcdef';

/** encoding/json's string encoding (HTML-safe; `\b` `\f` short escapes; lone surrogates -> U+FFFD). */
export function goJsonQuote(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let rep: string | undefined;
    if (c < 0x20) {
      switch (c) {
        case 0x08:
          rep = '\\b';
          break;
        case 0x0c:
          rep = '\\f';
          break;
        case 0x0a:
          rep = '\\n';
          break;
        case 0x0d:
          rep = '\\r';
          break;
        case 0x09:
          rep = '\\t';
          break;
        default:
          rep = `\\u00${HEX[c >> 4]}${HEX[c & 15]}`;
      }
    } else if (c === 0x22) rep = '\\"';
    else if (c === 0x5c) rep = '\\\\';
    else if (c === 0x3c) rep = '\\u003c';
    else if (c === 0x3e) rep = '\\u003e';
    else if (c === 0x26) rep = '\\u0026';
    else if (c === 0x2028) rep = '\\u2028';
    else if (c === 0x2029) rep = '\\u2029';
    else if (c >= 0xd800 && c <= 0xdfff) {
      const next = s.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      rep = '\ufffd';
    }
    if (rep !== undefined) {
      out += s.slice(start, i) + rep;
      start = i + 1;
    }
  }
  return out + s.slice(start) + '"';
}
