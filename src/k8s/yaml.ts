/**
 * Reading Kubernetes YAML/JSON the way Kubernetes does (sigs.k8s.io/yaml over go-yaml v2, YAML 1.1):
 * `yes/on/off` booleans (exact spellings), `0755` octal, `1_000`, floats only with a signed exponent,
 * timestamps kept as strings. Multi-document streams; every problem reported with its line and column.
 * Alias bombs, very deep nesting and oversized input are refused with a clear error.
 */
import YAML, { LineCounter, isMap, isSeq, isScalar, type Document, type Node, type ParsedNode } from 'yaml';
import type { JsonValue } from '../engine/api/json.ts';

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
  line: number;
  /** 1-based line of the node at `path` (or of its closest existing parent) */
  lineOf(path: ReadonlyArray<string | number>): number | undefined;
}

export interface ParseOptions {
  /** maximum input size in bytes (default 64 MiB) */
  maxBytes?: number;
  /** maximum nesting depth (default 1000) */
  maxDepth?: number;
  /** maximum number of alias expansions per document (default 100) */
  maxAliasCount?: number;
}

const goFloat = /^[-+]?[0-9]*\.?[0-9]+([eE][-+][0-9]+)?$/;

type Tag = Parameters<typeof YAML.parseAllDocuments>[1] extends infer O ? O : never;

/** YAML 1.1 tags adjusted to match go-yaml v2 (see ../shared/docs/ecosystem.md §2). */
function customTags(tags: any[]): any[] {
  return [
    ...tags.filter(
      (t: any) =>
        t.format !== 'TIME' &&
        !String(t.tag).endsWith(':timestamp') &&
        !(String(t.tag).endsWith(':float') && (t.format === 'EXP' || t.test?.test?.('1.5'))),
    ),
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

export const yamlParseOptions = {
  version: '1.1' as const,
  customTags,
  uniqueKeys: false,
  prettyErrors: false,
};

function depthOf(node: unknown, limit: number): number {
  // iterative depth measurement of the parsed node tree
  const stack: Array<[unknown, number]> = [[node, 1]];
  let max = 0;
  while (stack.length > 0) {
    const [n, d] = stack.pop()!;
    if (d > max) max = d;
    if (max > limit) return max;
    if (isMap(n)) for (const it of n.items) stack.push([it.value, d + 1]);
    else if (isSeq(n)) for (const it of n.items) stack.push([it, d + 1]);
  }
  return max;
}

/** Parses a YAML (or JSON) stream into documents. Empty documents are skipped. Never throws. */
export function parseYamlStream(text: string, opts: ParseOptions = {}): { documents: YamlDocument[]; errors: YamlProblem[] } {
  const maxBytes = opts.maxBytes ?? 64 * 1024 * 1024;
  const maxDepth = opts.maxDepth ?? 1000;
  const maxAliasCount = opts.maxAliasCount ?? 100;
  const errors: YamlProblem[] = [];
  const documents: YamlDocument[] = [];
  if (Buffer.byteLength(text, 'utf8') > maxBytes) {
    errors.push({ code: 'TOO_LARGE', message: `input is larger than ${maxBytes} bytes` });
    return { documents, errors };
  }
  const lineCounter = new LineCounter();
  let docs: Document.Parsed[];
  try {
    docs = YAML.parseAllDocuments(text, { ...yamlParseOptions, lineCounter } as never) as unknown as Document.Parsed[];
    if (!Array.isArray(docs)) docs = [docs as unknown as Document.Parsed];
  } catch (err) {
    errors.push({ code: err instanceof RangeError ? 'TOO_DEEP' : 'PARSE', message: err instanceof RangeError ? `document is nested too deeply` : String((err as Error).message) });
    return { documents, errors };
  }
  docs.forEach((doc, index) => {
    const startLine = lineCounter.linePos(doc.range?.[0] ?? 0).line;
    if (doc.errors.length > 0) {
      for (const e of doc.errors) {
        const pos = e.linePos?.[0];
        errors.push({ code: e.code, message: firstLine(e.message), line: pos?.line, column: pos?.col });
      }
      return;
    }
    if (doc.contents === null || doc.contents === undefined) return;
    if (depthOf(doc.contents, maxDepth) > maxDepth) {
      errors.push({ code: 'TOO_DEEP', message: `document nesting exceeds ${maxDepth} levels`, line: startLine });
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount });
    } catch (err) {
      const msg = (err as Error).message;
      errors.push({
        code: /alias/i.test(msg) ? 'ALIAS_LIMIT' : err instanceof RangeError ? 'TOO_DEEP' : 'CONVERT',
        message: /alias/i.test(msg) ? `too many alias expansions (limit ${maxAliasCount}): ${msg}` : msg,
        line: startLine,
      });
      return;
    }
    if (value === null || value === undefined) return;
    let json: JsonValue;
    try {
      json = toJson(value);
    } catch (err) {
      errors.push({ code: 'CONVERT', message: (err as Error).message, line: startLine });
      return;
    }
    documents.push({
      index,
      value: json,
      line: startLine,
      lineOf: (path) => lineOfPath(doc, lineCounter, path),
    });
  });
  return { documents, errors };
}

function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return (i < 0 ? s : s.slice(0, i)).replace(/ at line \d+, column \d+:?$/, '');
}

/** Normalizes what yaml.toJS returns into plain JSON values (Dates -> strings, Maps -> objects). */
function toJson(v: unknown): JsonValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`unsupported number ${v}: JSON has no Infinity or NaN`);
    return v;
  }
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (Array.isArray(v)) return v.map(toJson);
  if (v instanceof Map) {
    const o: Record<string, JsonValue> = {};
    for (const [k, val] of v) o[String(k)] = toJson(val);
    return o;
  }
  if (v instanceof Set) return [...v].map(toJson);
  if (typeof v === 'object') {
    const o: Record<string, JsonValue> = {};
    for (const k of Object.keys(v as object)) o[k] = toJson((v as Record<string, unknown>)[k]);
    return o;
  }
  throw new Error(`unsupported value of type ${typeof v}`);
}

function lineOfPath(doc: Document.Parsed, lc: LineCounter, path: ReadonlyArray<string | number>): number | undefined {
  let node: Node | null | undefined = doc.contents as ParsedNode | null;
  let best: number | undefined = node?.range ? lc.linePos(node.range[0]).line : undefined;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((it) => {
        const k = it.key;
        const kv = isScalar(k) ? k.value : k;
        return String(kv) === String(seg);
      });
      if (!pair) return best;
      const keyNode = pair.key as ParsedNode | null;
      if (keyNode?.range) best = lc.linePos(keyNode.range[0]).line;
      node = pair.value as Node | null;
    } else if (isSeq(node)) {
      const item = node.items[Number(seg)] as ParsedNode | undefined;
      if (!item) return best;
      if (item.range) best = lc.linePos(item.range[0]).line;
      node = item;
    } else {
      return best;
    }
  }
  return best;
}

/** Serializes a value as Kubernetes-friendly YAML (strings that YAML 1.1 would read otherwise are quoted). */
export function toYaml(value: unknown): string {
  return YAML.stringify(value, { version: '1.1', lineWidth: 0, aliasDuplicateObjects: false } as never);
}

export type { Tag };
