/**
 * Reading Kubernetes YAML/JSON the way Kubernetes does (sigs.k8s.io/yaml over go-yaml v2): plain scalars
 * resolved by go-yaml's rules (go-yaml-scalar.ts: `yes/on/off` booleans, `0755` octal, `1_000`, timestamps kept
 * as strings), multi-document streams, `<<` merge keys. Every problem is reported with its line and column;
 * alias bombs, very deep nesting and oversized input are refused with a clear error.
 *
 * Two readers give the same values: a fast one (js-yaml with a go-yaml scalar resolver) for well-formed input
 * without anchors, and a careful one (the `yaml` package's parser, converted node by node) for everything else,
 * for error positions and for line numbers of fields (computed lazily, only when a message needs one).
 */
import jsyaml from 'js-yaml';
import YAML, { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node } from 'yaml';
import type { JsonValue } from '../engine/api/json.ts';
import { mayResolve, resolveGoPlainScalar } from './go-yaml-scalar.ts';

export interface YamlProblem {
  code: string;
  message: string;
  line?: number;
  column?: number;
}

export interface YamlDocument {
  /** index of the document in the stream (0-based, counting empty ones) */
  index: number;
  value: JsonValue;
  /** 1-based line where the document starts */
  readonly line: number;
  /** 1-based line of the node at `path` (or of its closest existing parent) */
  lineOf(path: ReadonlyArray<string | number>): number | undefined;
  /** duplicate mapping keys (the last value wins; strict readers report them as go-yaml does) */
  duplicates: Array<{ line: number; key: string }>;
}

export interface ParseOptions {
  /** maximum input size in bytes (default 64 MiB) */
  maxBytes?: number;
  /** maximum nesting depth (default 1000) */
  maxDepth?: number;
  /** maximum number of alias expansions per document (default 100) */
  maxAliasCount?: number;
}

// --- fast path ---------------------------------------------------------------------------------------

// js-yaml calls resolve() then construct() on the same text: remember the last answer
let lastText: string | undefined;
let lastValue: unknown;
const goScalarType = new jsyaml.Type('tag:yaml.org,2002:go-plain-scalar', {
  kind: 'scalar',
  resolve: (data: string | null) => {
    if (data === null) return true;
    if (!mayResolve(data)) return false;
    const r = resolveGoPlainScalar(data);
    lastText = data;
    lastValue = r.value;
    return r.resolved;
  },
  construct: (data: string | null) => {
    if (data === null) return null;
    if (data === lastText) return lastValue;
    return resolveGoPlainScalar(data).value;
  },
});

// js-yaml exports its built-in types at runtime (`types`), which its typings omit
const jsTypes = (jsyaml as unknown as { types: Record<'merge' | 'null' | 'bool' | 'int' | 'float' | 'binary', jsyaml.Type> }).types;
const GO_SCHEMA = jsyaml.FAILSAFE_SCHEMA.extend({
  implicit: [goScalarType, jsTypes.merge],
  explicit: [jsTypes.null, jsTypes.bool, jsTypes.int, jsTypes.float, jsTypes.binary],
});

/** Anchors (`&name`) make the careful reader necessary (alias expansion limits). */
const anchorRe = /(?:^|[\s[{,:-])&[^\s[\]{},]/m;

function fastParse(text: string): JsonValue[] | undefined {
  if (anchorRe.test(text)) return undefined;
  try {
    const out: JsonValue[] = [];
    jsyaml.loadAll(text, (d) => out.push(d as JsonValue), { schema: GO_SCHEMA, json: false });
    return out;
  } catch {
    return undefined;
  }
}

// --- careful path ------------------------------------------------------------------------------------

class ConvertError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface Converted {
  value: JsonValue;
  duplicates: Array<{ line: number; key: string }>;
}

function convertDocument(doc: Document.Parsed, lc: LineCounter, maxDepth: number, maxAliasCount: number): Converted {
  const duplicates: Array<{ line: number; key: string }> = [];
  let aliasCount = 0;
  const lineOfNode = (n: Node | null | undefined): number => (n && n.range ? lc.linePos(n.range[0]).line : 0);
  const conv = (node: unknown, depth: number): JsonValue => {
    if (depth > maxDepth) throw new ConvertError('TOO_DEEP', `document nesting exceeds ${maxDepth} levels`);
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      if (++aliasCount > maxAliasCount) {
        throw new ConvertError('ALIAS_LIMIT', `too many alias expansions (limit ${maxAliasCount}): excessive aliasing`);
      }
      const target = node.resolve(doc);
      if (!target) throw new ConvertError('ALIAS', `unknown anchor ${node.source}`);
      return conv(target, depth + 1);
    }
    if (isScalar(node)) {
      const v = node.value;
      if (node.type === 'PLAIN' && (node.tag === undefined || node.tag === null)) {
        return resolveGoPlainScalar(String(v ?? '')).value as JsonValue;
      }
      if (node.tag && node.tag !== 'tag:yaml.org,2002:str') {
        const r = resolveGoPlainScalar(String(v ?? ''));
        if (r.resolved) return r.value as JsonValue;
      }
      if (v === null || v === undefined) return node.type === 'PLAIN' ? null : '';
      if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
      return typeof v === 'string' ? v : (v as JsonValue);
    }
    if (isSeq(node)) return node.items.map((it) => conv(it, depth + 1));
    if (isMap(node)) {
      const out: Record<string, JsonValue> = {};
      const seen = new Set<string>();
      const merges: JsonValue[] = [];
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const k = pair.key as Node | null;
        if (isScalar(k) && k.type === 'PLAIN' && k.value === '<<') {
          merges.push(conv(pair.value, depth + 1));
          continue;
        }
        const kv = conv(k, depth + 1);
        const key = kv === null ? 'null' : typeof kv === 'object' ? JSON.stringify(kv) : String(kv);
        if (seen.has(key)) duplicates.push({ line: lineOfNode(k), key });
        seen.add(key);
        out[key] = conv(pair.value, depth + 1);
      }
      // `<<` merge: keys of the merged maps not already present (earlier merged maps win)
      for (const m of merges) {
        for (const src of Array.isArray(m) ? m : [m]) {
          if (src === null || typeof src !== 'object' || Array.isArray(src)) continue;
          for (const [k, v] of Object.entries(src)) if (!(k in out)) out[k] = v;
        }
      }
      return out;
    }
    return null;
  };
  return { value: conv(doc.contents, 0), duplicates };
}

function lineOfPath(doc: Document.Parsed, lc: LineCounter, path: ReadonlyArray<string | number>): number | undefined {
  let node: unknown = doc.contents;
  const lineOf = (n: unknown): number | undefined => {
    const r = (n as Node | null)?.range;
    return r ? lc.linePos(r[0]).line : undefined;
  };
  let best = lineOf(node);
  for (const seg of path) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((it) => {
        const k = it.key;
        const kv = isScalar(k) ? k.value : k;
        return String(kv) === String(seg);
      });
      if (!pair) return best;
      best = lineOf(pair.key) ?? best;
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(seg)];
      if (item === undefined) return best;
      best = lineOf(item) ?? best;
      node = item;
    } else {
      return best;
    }
  }
  return best;
}

function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return (i < 0 ? s : s.slice(0, i)).replace(/ at line \d+, column \d+:?$/, '');
}

interface CarefulResult {
  documents: YamlDocument[];
  errors: YamlProblem[];
}

function carefulParse(text: string, maxDepth: number, maxAliasCount: number): CarefulResult {
  const errors: YamlProblem[] = [];
  const documents: YamlDocument[] = [];
  const lc = new LineCounter();
  let docs: Document.Parsed[];
  try {
    docs = YAML.parseAllDocuments(text, { version: '1.1', schema: 'failsafe', uniqueKeys: false, lineCounter: lc, prettyErrors: false, logLevel: 'error' } as never) as unknown as Document.Parsed[];
    if (!Array.isArray(docs)) docs = [docs as unknown as Document.Parsed];
  } catch (err) {
    const tooDeep = err instanceof RangeError;
    errors.push({ code: tooDeep ? 'TOO_DEEP' : 'PARSE', message: tooDeep ? 'document is nested too deeply' : firstLine((err as Error).message) });
    return { documents, errors };
  }
  docs.forEach((doc, index) => {
    const startLine = lc.linePos(doc.range?.[0] ?? 0).line;
    if (doc.errors.length > 0) {
      const seen = new Set<string>();
      for (const e of doc.errors) {
        const pos = e.linePos?.[0];
        const deep = /call stack/i.test(e.message);
        const message = deep ? 'document is nested too deeply' : firstLine(e.message);
        const key = `${message}@${pos?.line}:${pos?.col}`;
        if (seen.has(key) || (deep && seen.has('deep'))) continue;
        seen.add(key);
        if (deep) seen.add('deep');
        errors.push({ code: deep ? 'TOO_DEEP' : e.code, message, line: pos?.line, column: pos?.col });
      }
      return;
    }
    if (doc.contents === null || doc.contents === undefined) return;
    let converted: Converted;
    try {
      converted = convertDocument(doc, lc, maxDepth, maxAliasCount);
    } catch (err) {
      if (err instanceof ConvertError) errors.push({ code: err.code, message: err.message, line: startLine });
      else if (err instanceof RangeError) errors.push({ code: 'TOO_DEEP', message: 'document is nested too deeply', line: startLine });
      else throw err;
      return;
    }
    if (converted.value === null) return;
    const bad = findNonJson(converted.value);
    if (bad) {
      errors.push({ code: 'CONVERT', message: bad, line: startLine });
      return;
    }
    documents.push({
      index,
      value: converted.value,
      line: startLine,
      lineOf: (path) => lineOfPath(doc, lc, path),
      duplicates: converted.duplicates,
    });
  });
  return { documents, errors };
}

/** JSON cannot hold ±Inf or NaN (sigs.k8s.io/yaml fails to convert them). */
function findNonJson(v: JsonValue): string | undefined {
  const stack: JsonValue[] = [v];
  while (stack.length > 0) {
    const x = stack.pop()!;
    if (typeof x === 'number' && !Number.isFinite(x)) return `json: unsupported value: ${x > 0 ? '+Inf' : x < 0 ? '-Inf' : 'NaN'}`;
    if (Array.isArray(x)) stack.push(...x);
    else if (x !== null && typeof x === 'object') stack.push(...Object.values(x));
  }
  return undefined;
}

function depthExceeds(v: JsonValue, max: number): boolean {
  const stack: Array<[JsonValue, number]> = [[v, 1]];
  while (stack.length > 0) {
    const [x, d] = stack.pop()!;
    if (d > max) return true;
    if (Array.isArray(x)) for (const it of x) stack.push([it, d + 1]);
    else if (x !== null && typeof x === 'object') for (const it of Object.values(x)) stack.push([it, d + 1]);
  }
  return false;
}

/** Parses a YAML (or JSON) stream into documents. Empty documents are skipped. Never throws. */
export function parseYamlStream(text: string, opts: ParseOptions = {}): { documents: YamlDocument[]; errors: YamlProblem[] } {
  const maxBytes = opts.maxBytes ?? 64 * 1024 * 1024;
  const maxDepth = opts.maxDepth ?? 1000;
  const maxAliasCount = opts.maxAliasCount ?? 100;
  if (Buffer.byteLength(text, 'utf8') > maxBytes) {
    return { documents: [], errors: [{ code: 'TOO_LARGE', message: `input is larger than ${maxBytes} bytes` }] };
  }
  let careful: CarefulResult | undefined;
  const getCareful = (): CarefulResult => (careful ??= carefulParse(text, maxDepth, maxAliasCount));

  const fast = fastParse(text);
  if (fast && !fast.some((d) => d !== null && d !== undefined && (findNonJson(d) !== undefined || depthExceeds(d, maxDepth)))) {
    const documents: YamlDocument[] = [];
    let kept = 0;
    fast.forEach((value, index) => {
      if (value === null || value === undefined) return;
      const n = kept++;
      documents.push({
        index,
        value,
        get line(): number {
          return getCareful().documents[n]?.line ?? 1;
        },
        lineOf: (path) => getCareful().documents[n]?.lineOf(path),
        duplicates: [],
      });
    });
    return { documents, errors: [] };
  }
  return getCareful();
}

/** Serializes a value as Kubernetes-friendly YAML (strings that YAML 1.1 would read otherwise are quoted). */
export function toYaml(value: unknown): string {
  return YAML.stringify(value, { version: '1.1', lineWidth: 0, aliasDuplicateObjects: false } as never);
}
