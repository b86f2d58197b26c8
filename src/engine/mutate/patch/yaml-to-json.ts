/**
 * `sigs.k8s.io/yaml.YAMLToJSON` for a patch text: the first YAML document decoded with go-yaml v2's
 * YAML 1.1 scalar resolution, as a JSON value.
 *
 * go-yaml v2 rules (yaml.v2 resolve.go) for plain scalars: `~`/`null`/empty -> null;
 * `y|yes|on|true` / `n|no|off|false` (three capitalisations) -> booleans; `.inf`/`.nan` -> floats
 * (which JSON cannot carry: an error); numbers through Go's `ParseInt(s, 0, 64)` after removing `_`
 * (`0x1F`, `0o17`, `0b101`, `017` octal, `+12`), then `ParseUint`, then a float of the form
 * `[-+]?(.d+|d+(.d*)?)([eE][-+]?d+)?`; everything else (timestamps, `1:20`, `1e400`) stays a string.
 * Quoted scalars are strings; `!!binary` is decoded; merge keys and aliases are expanded.
 */
import YAML from 'yaml';
import type { JsonValue } from '../../api/json.ts';
import { defineKey } from './own-property.ts';

type AnyTag = Record<string, unknown> & { tag: string; format?: string };

const NULL_RE = /^(?:~|null|Null|NULL)?$/;
const TRUE_RE = /^(?:y|Y|yes|Yes|YES|on|On|ON|true|True|TRUE)$/;
const FALSE_RE = /^(?:n|N|no|No|NO|off|Off|OFF|false|False|FALSE)$/;
const SPECIAL_FLOAT_RE = /^(?:[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const GO_INT = /^[-+]?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;

/** A value JSON cannot represent (`.inf`, `.nan`). */
class UnsupportedFloat {
  constructor(readonly text: string) {}
}

function goParseInt(plain: string): number | undefined {
  if (!GO_INT.test(plain)) return undefined;
  const neg = plain.startsWith('-');
  const body = plain.replace(/^[-+]/, '');
  let n: number;
  if (/^0[xX]/.test(body)) n = parseInt(body.slice(2), 16);
  else if (/^0[oO]/.test(body)) n = parseInt(body.slice(2), 8);
  else if (/^0[bB]/.test(body)) n = parseInt(body.slice(2), 2);
  else if (body.length > 1 && body.startsWith('0')) n = parseInt(body.slice(1), 8);
  else n = parseInt(body, 10);
  // int64 / uint64 range (beyond it Go falls back to the float rule)
  if (neg ? n > 2 ** 63 : n >= 2 ** 64) return undefined;
  // integers have no negative zero
  return neg && n !== 0 ? -n : n;
}

/** go-yaml v2 `resolve` for an untagged plain scalar starting with a digit, a sign or a dot. */
function resolveNumber(s: string): unknown {
  if (s.startsWith('.')) {
    const f = Number(s);
    return /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(s) && Number.isFinite(f) ? f : s;
  }
  const plain = s.replace(/_/g, '');
  const i = goParseInt(plain);
  if (i !== undefined) return i;
  if (YAML_STYLE_FLOAT.test(plain)) {
    const f = Number(plain);
    if (Number.isFinite(f)) return f;
  }
  return s;
}

function goYamlV2Tags(tags: AnyTag[]): AnyTag[] {
  const keep = tags.filter((t) => {
    const name = t.tag.slice(t.tag.lastIndexOf(':') + 1);
    return !['null', 'bool', 'int', 'float', 'timestamp', 'omap', 'pairs', 'set'].includes(name);
  });
  return [
    ...keep,
    { tag: 'tag:yaml.org,2002:null', default: true, test: NULL_RE, resolve: () => null, identify: (v: unknown) => v === null },
    { tag: 'tag:yaml.org,2002:bool', default: true, test: TRUE_RE, resolve: () => true, identify: (v: unknown) => v === true },
    { tag: 'tag:yaml.org,2002:bool', default: true, test: FALSE_RE, resolve: () => false, identify: (v: unknown) => v === false },
    {
      tag: 'tag:yaml.org,2002:float',
      default: true,
      test: SPECIAL_FLOAT_RE,
      resolve: (s: string) => new UnsupportedFloat(s),
      identify: () => false,
    },
    {
      tag: 'tag:yaml.org,2002:int',
      default: true,
      test: /^[-+0-9.]/,
      resolve: (s: string) => resolveNumber(s),
      identify: (v: unknown) => typeof v === 'number',
    },
  ];
}

/** The text is not YAML, or holds values JSON cannot carry. */
export class YamlToJsonError extends Error {}

/**
 * Converts YAML text to a JSON value like `YAMLToJSON`. Throws YamlToJsonError (message without the
 * caller's prefix) when the text is not YAML or holds values JSON cannot carry.
 */
export function yamlToJson(text: string): JsonValue {
  const docs = YAML.parseAllDocuments(text, {
    version: '1.1',
    merge: true,
    uniqueKeys: false,
    customTags: goYamlV2Tags as never,
    // the library's warnings would go to process.emitWarning: the engine reports through results only
    logLevel: 'error',
  } as never) as unknown as YAML.Document.Parsed[] | YAML.EmptyStream;
  // go-yaml v2 decodes the first document only (but a syntax error anywhere before it fails)
  const doc = Array.isArray(docs) ? docs[0] : undefined;
  if (doc === undefined) return null;
  const err = doc.errors[0];
  if (err !== undefined) {
    const line = err.linePos?.[0]?.line;
    const msg = (err.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    throw new YamlToJsonError(line === undefined ? `yaml: ${msg}` : `yaml: line ${line}: ${msg}`);
  }
  const js = doc.toJS({ maxAliasCount: 1000 }) as unknown;
  return toJson(js);
}

function toJson(v: unknown): JsonValue {
  if (v === null || v === undefined) return null;
  if (v instanceof UnsupportedFloat) {
    const inf = v.text.toLowerCase().includes('inf');
    throw new YamlToJsonError(`json: unsupported value: ${inf ? (v.text.startsWith('-') ? '-Inf' : '+Inf') : 'NaN'}`);
  }
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Uint8Array) return new TextDecoder().decode(v);
  if (Array.isArray(v)) return v.map(toJson);
  if (v instanceof Map) {
    const out: Record<string, JsonValue> = {};
    for (const [k, val] of v) defineKey(out, keyString(k), toJson(val));
    return out;
  }
  if (v instanceof Set) return [...v].map(toJson);
  if (typeof v === 'object') {
    const out: Record<string, JsonValue> = {};
    for (const k of Object.keys(v)) defineKey(out, k, toJson((v as Record<string, unknown>)[k]));
    return out;
  }
  return String(v);
}

function keyString(k: unknown): string {
  if (k === null || k === undefined) return 'null';
  if (typeof k === 'object') return JSON.stringify(toJson(k));
  return String(k);
}
