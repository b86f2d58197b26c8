/**
 * Kyverno's decoding/encoding functions: base64_decode, base64_encode (Go StdEncoding: padded, `\r`
 * and `\n` ignored, `illegal base64 data at input byte N`), parse_json (Go encoding/json, Go error
 * texts), parse_yaml (sigs.k8s.io/yaml YAMLToJSON: first document, YAML 1.1 scalars like Kubernetes,
 * non-string keys stringified).
 *
 * Strings are JS strings: bytes that are not valid UTF-8 (e.g. decoded binary data) become U+FFFD,
 * one per byte, as Go does when such a string is JSON-encoded or iterated by rune.
 */
import YAML, { isScalar } from 'yaml';
import { goQuote, utf8Bytes } from '../../utils/goconv.ts';
import type { JsonObject, JsonValue } from '../../api/json.ts';
import { goSprintFloat } from '../../utils/gofmt.ts';
import { goError } from '../errors.ts';
import { GoJsonError, goJsonUnmarshal } from '../go-json.ts';
import { arg, type FunctionFamily } from './types.ts';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_DECODE: readonly number[] = (() => {
  const t = new Array<number>(256).fill(0xff);
  for (let i = 0; i < B64.length; i++) t[B64.charCodeAt(i)] = i;
  return t;
})();

/** Go's UTF-8 decoding: each byte of an invalid sequence becomes one U+FFFD. */
export function goUtf8Decode(bytes: ArrayLike<number>): string {
  let out = '';
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b0 = bytes[i] as number;
    if (b0 < 0x80) {
      out += String.fromCharCode(b0);
      i++;
      continue;
    }
    let need = 0;
    let cp = 0;
    let min = 0;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
      need = 1;
      cp = b0 & 0x1f;
      min = 0x80;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      need = 2;
      cp = b0 & 0x0f;
      min = 0x800;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      need = 3;
      cp = b0 & 0x07;
      min = 0x10000;
    } else {
      out += '\ufffd';
      i++;
      continue;
    }
    let ok = true;
    for (let k = 1; ok && k <= need; k++) {
      const b = bytes[i + k];
      if (b === undefined || (b & 0xc0) !== 0x80) ok = false;
      else cp = (cp << 6) | (b & 0x3f);
    }
    if (!ok || cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      out += '\ufffd';
      i++;
      continue;
    }
    out += String.fromCodePoint(cp);
    i += need + 1;
  }
  return out;
}

class CorruptInputError extends Error {
  constructor(readonly offset: number) {
    super(`illegal base64 data at input byte ${offset}`);
  }
}

/** Go's base64.StdEncoding.DecodeString over the UTF-8 bytes of `s`. */
export function goBase64Decode(s: string): number[] {
  const src = utf8Bytes(s);
  const out: number[] = [];
  let si = 0;
  const dbuf = [0, 0, 0, 0];
  while (si < src.length) {
    let dlen = 4;
    let j = 0;
    for (; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return out;
        throw new CorruptInputError(si - j);
      }
      const inb = src[si] as number;
      si++;
      const v = B64_DECODE[inb] as number;
      if (v !== 0xff) {
        dbuf[j] = v;
        continue;
      }
      if (inb === 0x0a || inb === 0x0d) {
        j--;
        continue;
      }
      if (inb !== 0x3d) throw new CorruptInputError(si - 1);
      // padding
      if (j === 0 || j === 1) throw new CorruptInputError(si - 1);
      if (j === 2) {
        while (si < src.length && (src[si] === 0x0a || src[si] === 0x0d)) si++;
        if (si === src.length) throw new CorruptInputError(src.length);
        if (src[si] !== 0x3d) throw new CorruptInputError(si - 1);
        si++;
      }
      while (si < src.length && (src[si] === 0x0a || src[si] === 0x0d)) si++;
      if (si < src.length) throw new CorruptInputError(si);
      dlen = j;
      break;
    }
    const val = ((dbuf[0] as number) << 18) | ((dbuf[1] as number) << 12) | ((dbuf[2] as number) << 6) | (dbuf[3] as number);
    const b0 = (val >> 16) & 0xff;
    const b1 = (val >> 8) & 0xff;
    const b2 = val & 0xff;
    if (dlen >= 2) out.push(b0);
    if (dlen >= 3) out.push(b1);
    if (dlen >= 4) out.push(b2);
    dbuf[0] = dbuf[1] = dbuf[2] = dbuf[3] = 0;
    if (dlen < 4) return out;
  }
  return out;
}

/** Go's base64.StdEncoding.EncodeToString of the UTF-8 bytes of `s`. */
export function goBase64Encode(s: string): string {
  const b = utf8Bytes(s);
  let out = '';
  let i = 0;
  for (; i + 2 < b.length; i += 3) {
    const v = ((b[i] as number) << 16) | ((b[i + 1] as number) << 8) | (b[i + 2] as number);
    out += B64[(v >> 18) & 63]! + B64[(v >> 12) & 63]! + B64[(v >> 6) & 63]! + B64[v & 63]!;
  }
  if (i < b.length) {
    const rest = b.length - i;
    const v = ((b[i] as number) << 16) | (rest > 1 ? (b[i + 1] as number) << 8 : 0);
    out += B64[(v >> 18) & 63]! + B64[(v >> 12) & 63]!;
    out += rest > 1 ? B64[(v >> 6) & 63]! + '=' : '==';
  }
  return out;
}

// YAML 1.1 scalars as go-yaml v2 resolves them (see ../../../shared/docs/ecosystem.md §2)
const goFloat = /^[-+]?[0-9]*\.?[0-9]+([eE][-+][0-9]+)?$/;

type AnyTag = { tag: string; format?: string; test?: RegExp };

function customTags(tags: unknown[]): unknown[] {
  return [
    ...tags.filter((raw) => {
      const t = raw as AnyTag;
      return (
        t.format !== 'TIME' &&
        !String(t.tag).endsWith(':timestamp') &&
        !(String(t.tag).endsWith(':float') && (t.format === 'EXP' || t.test?.test('1.5') === true))
      );
    }),
    {
      tag: 'tag:yaml.org,2002:int',
      format: 'OCT',
      default: true,
      identify: (v: unknown) => typeof v === 'number',
      test: /^0o[0-7_]+$/,
      resolve: (s: string) => parseInt(s.slice(2).replace(/_/g, ''), 8),
    },
    {
      tag: 'tag:yaml.org,2002:float',
      default: true,
      identify: (v: unknown) => typeof v === 'number',
      test: /^[-+]?[0-9_]*\.?[0-9_]+(?:[eE][-+][0-9_]+)?$/,
      resolve: (s: string) => {
        const p = s.replace(/_/g, '');
        return goFloat.test(p) ? parseFloat(p) : s;
      },
    },
  ];
}

/** sigs.k8s.io/yaml's key conversion: strings, ints, floats (32-bit %g), bools. */
function yamlKey(k: unknown): string {
  if (typeof k === 'string') return k;
  if (typeof k === 'number') {
    if (Number.isInteger(k)) return String(k);
    if (Number.isNaN(k)) return '.nan';
    if (k === Infinity) return '.inf';
    if (k === -Infinity) return '-.inf';
    return goSprintFloat(Math.fround(k));
  }
  if (typeof k === 'boolean') return k ? 'true' : 'false';
  throw goError(`yaml: invalid map key: ${String(k)}`);
}

function checkNumber(n: number): number {
  if (!Number.isFinite(n)) throw goError(`json: unsupported value: ${Number.isNaN(n) ? 'NaN' : n > 0 ? '+Inf' : '-Inf'}`);
  return n;
}

/** Go's `%+#v` for the value shown in an unsupported-key error (strings quoted, the rest approximated). */
function goSyntax(v: unknown): string {
  if (typeof v === 'string') return goQuote(v);
  if (v === null || v === undefined) return '<nil>';
  return String(v);
}

function toJsonValue(v: unknown): JsonValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return checkNumber(v);
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof Map) {
    const out: JsonObject = {};
    for (const [k, val] of v) {
      if (k === null || k === undefined) {
        throw goError(`unsupported map key of type: %!s(<nil>), key: <nil>, value: ${goSyntax(val)}`);
      }
      out[yamlKey(k)] = toJsonValue(val);
    }
    return out;
  }
  if (Array.isArray(v)) return v.map(toJsonValue);
  if (v instanceof Uint8Array) return goUtf8Decode(v);
  if (typeof v === 'object') {
    const out: JsonObject = {};
    for (const [k, val] of Object.entries(v as Record<string, unknown>)) out[k] = toJsonValue(val);
    return out;
  }
  return String(v);
}

/** `yaml.YAMLToJSON` + `json.Unmarshal`: the first document as JSON (null when empty). */
export function parseYamlToJson(text: string): JsonValue {
  const docs = YAML.parseAllDocuments(text, {
    version: '1.1',
    customTags: customTags as never,
    uniqueKeys: false,
    prettyErrors: false,
    intAsBigInt: false,
    logLevel: 'error',
  });
  const list = Array.isArray(docs) ? docs : [docs];
  const doc = list[0];
  if (doc === undefined) return null;
  const err = doc.errors[0];
  if (err !== undefined) {
    const line = err.linePos?.[0]?.line;
    throw goError(line !== undefined ? `yaml: line ${line}: ${err.message.split('\n')[0]}` : `yaml: ${err.message.split('\n')[0]}`);
  }
  if (!text.endsWith('\n')) {
    // go-yaml adds no line break to a block scalar that ends the input without one
    YAML.visit(doc, {
      Scalar(_key, node) {
        const end = node.range?.[1] ?? 0;
        if ((node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') && end >= text.length && typeof node.value === 'string' && node.value.endsWith('\n')) {
          node.value = node.value.slice(0, -1);
        }
      },
    });
  }
  const js: unknown = doc.toJS({ mapAsMap: true, maxAliasCount: 100 });
  return toJsonValue(js);
}

export const encodingFunctions: FunctionFamily = () => [
  {
    name: 'base64_decode',
    args: [arg.string],
    returnType: ['string'],
    note: 'decodes a base 64 string',
    kyverno: true,
    handler: ([s]) => {
      try {
        return goUtf8Decode(goBase64Decode(s as string));
      } catch (err) {
        if (err instanceof CorruptInputError) throw goError(err.message);
        throw err;
      }
    },
  },
  {
    name: 'base64_encode',
    args: [arg.string],
    returnType: ['string'],
    note: 'encodes a regular, plaintext and unencoded string to base64',
    kyverno: true,
    handler: ([s]) => goBase64Encode(s as string),
  },
  {
    name: 'parse_json',
    args: [arg.string],
    returnType: ['any'],
    note: 'decodes a valid JSON encoded string to the appropriate type. Opposite of `to_string` function',
    kyverno: true,
    handler: ([s]) => {
      try {
        return goJsonUnmarshal(s as string);
      } catch (err) {
        if (err instanceof GoJsonError) throw goError(err.message);
        throw err;
      }
    },
  },
  {
    name: 'parse_yaml',
    args: [arg.string],
    returnType: ['any'],
    note: 'decodes a valid YAML encoded string to the appropriate type provided it can be represented as JSON',
    kyverno: true,
    handler: ([s]) => parseYamlToJson(s as string),
  },
];
