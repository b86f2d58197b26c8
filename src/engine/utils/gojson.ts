/**
 * JSON encoding as Go's encoding/json (and jsoniter's standard-compatible config) produces it for
 * decoded JSON values: map keys sorted, `<`, `>`, `&`, U+2028 and U+2029 escaped, float64 numbers in
 * Go's shortest form (`1e+21`, `1e-7`).
 */
import type { JsonValue } from '../api/json.ts';

/** A float64 as encoding/json writes it (see gofmt.ts). */
export { goJsonNumber } from './gofmt.ts';
import { goJsonNumber } from './gofmt.ts';

const escapes: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/** What JSON.stringify writes differently from encoding/json: HTML characters, U+2028/2029, surrogates. */
const NEEDS_GO_ESCAPING = /[<>&\u2028\u2029\ud800-\udfff]/;

/** A string as encoding/json writes it (HTML-safe). */
export function goJsonString(s: string): string {
  // JSON.stringify escapes quotes, backslashes and control characters as Go does (\b \f \n \r \t short,
  // the others \u00xx): the native encoder serves every string without the characters above
  if (!NEEDS_GO_ESCAPING.test(s)) return JSON.stringify(s);
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let rep: string | undefined;
    if (c < 0x20) {
      rep = escapes[s[i] as string] ?? `\\u00${c.toString(16).padStart(2, '0')}`;
    } else if (c === 0x22 || c === 0x5c || c === 0x3c || c === 0x3e || c === 0x26 || c === 0x2028 || c === 0x2029) {
      rep = escapes[s[i] as string];
    } else if (c >= 0xd800 && c <= 0xdfff) {
      // lone surrogates become U+FFFD like Go's invalid UTF-8 handling
      const isHigh = c <= 0xdbff;
      const next = s.charCodeAt(i + 1);
      if (isHigh && next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      rep = '\\ufffd';
    }
    if (rep !== undefined) {
      out += s.slice(start, i) + rep;
      start = i + 1;
    }
  }
  return out + s.slice(start) + '"';
}

/** Go json.Marshal of a decoded JSON value (sorted keys, compact). */
export function goJsonMarshal(v: JsonValue | undefined): string {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      return goJsonNumber(v);
    case 'string':
      return goJsonString(v);
    default:
      break;
  }
  if (Array.isArray(v)) return '[' + v.map((x) => goJsonMarshal(x)).join(',') + ']';
  const keys = Object.keys(v).sort(compareGoStrings);
  return '{' + keys.map((k) => goJsonString(k) + ':' + goJsonMarshal((v as Record<string, JsonValue>)[k])).join(',') + '}';
}

/** Byte-wise (UTF-8) string order, as Go's sort.Strings. */
export function compareGoStrings(a: string, b: string): number {
  if (a === b) return 0;
  // For BMP-only strings without surrogates, UTF-16 code unit order equals UTF-8 byte order.
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.codePointAt(i) as number;
    const cb = b.codePointAt(i) as number;
    if (ca !== cb) return ca < cb ? -1 : 1;
    if (ca > 0xffff) i++;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}
