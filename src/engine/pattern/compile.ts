/**
 * Compiled validate patterns: the pattern tree with anchors parsed, Kyverno's key evaluation order computed,
 * and every leaf turned into a {@link ValueMatcher}. Built once per pattern and reused for every resource.
 */
import { isObject, type JsonArray, type JsonObject, type JsonPrimitive, type JsonValue } from '../api/json.ts';
import { goStringCompare } from '../utils/goconv.ts';
import { type Anchor, isPhaseOneAnchor, parseAnchor } from './anchor.ts';
import { compileValuePattern, type ValueMatcher } from './value.ts';

/** A leaf (string, number, bool or null pattern). */
export interface ScalarNode {
  readonly kind: 'scalar';
  readonly raw: JsonPrimitive;
  readonly match: ValueMatcher;
}

/** An array pattern. */
export interface ArrayNode {
  readonly kind: 'array';
  readonly raw: JsonArray;
  readonly items: readonly PatternNode[];
}

/** One key of a map pattern. */
export interface MapEntry {
  /** The key as written in the pattern (anchor included). */
  readonly key: string;
  readonly anchor: Anchor | undefined;
  readonly node: PatternNode;
  /** Kyverno `hasNestedAnchors(value)`. */
  readonly hasNested: boolean;
}

/** A metadata `labels`/`annotations` map as Kyverno's wildcard expansion sees it. */
export interface MetadataTag {
  /** The pattern key that holds the tag (`labels`, `=(labels)`, ...). */
  readonly key: string;
  /** The string-valued entries (Kyverno drops the others when it expands). */
  readonly entries: readonly (readonly [string, string])[];
  /** True when expanding cannot change the map (all values are strings and no key has a wildcard). */
  readonly identity: boolean;
}

/** A map pattern. */
export interface MapNode {
  readonly kind: 'map';
  readonly raw: JsonObject;
  /** All keys in pattern order. */
  readonly entries: readonly MapEntry[];
  /** Phase one: conditional, existence, equality and negation anchors, sorted by key. */
  readonly phase1: readonly MapEntry[];
  /** Phase two: global anchors and keys with nested anchors (reverse sorted), then the other keys (sorted). */
  readonly phase2: readonly MapEntry[];
  /** Conditional, existence and negation anchors (tracked to tell "missing anchor key" errors). */
  readonly anchorChecks: readonly MapEntry[];
  /** The entry Kyverno's `ExpandInMetadata` reads as `metadata` (first key `metadata` or anchored `metadata`). */
  readonly metadata: MapEntry | undefined;
  /** For a map that may be a `metadata` pattern: its `labels` and `annotations` tags. */
  readonly labels: MetadataTag | undefined;
  readonly annotations: MetadataTag | undefined;
  /** Kyverno `hasNestedAnchors(this map)`. */
  readonly hasNested: boolean;
}

export type PatternNode = ScalarNode | ArrayNode | MapNode;

function isValidateAnchor(a: Anchor | undefined): boolean {
  return isPhaseOneAnchor(a) || a?.kind === 'global';
}

function hasWildcardChar(s: string): boolean {
  return s.includes('*') || s.includes('?');
}

/** Kyverno `getPatternValue(tag, map)`: the first key equal to `tag` or anchoring it. */
export function findTagKey(map: JsonObject, tag: string): string | undefined {
  for (const k of Object.keys(map)) {
    if (k === tag) return k;
    if (parseAnchor(k)?.key === tag) return k;
  }
  return undefined;
}

function metadataTag(raw: JsonObject, tag: string): MetadataTag | undefined {
  const key = findTagKey(raw, tag);
  if (key === undefined) return undefined;
  const val = raw[key];
  if (!isObject(val)) return undefined;
  const entries: (readonly [string, string])[] = [];
  let identity = true;
  for (const k of Object.keys(val)) {
    const v = val[k];
    if (typeof v === 'string') {
      entries.push([k, v]);
      if (hasWildcardChar(k)) identity = false;
    } else identity = false;
  }
  return { key, entries, identity };
}

/**
 * Compiles pattern trees. Leaf matchers for strings are cached per compiler so that maps rebuilt at evaluation
 * time (wildcard expansion of metadata labels/annotations) reuse them.
 */
export class PatternCompiler {
  private readonly strings = new Map<string, ValueMatcher>();

  /** Compiles any pattern value. */
  compile(raw: JsonValue): PatternNode {
    if (Array.isArray(raw)) return { kind: 'array', raw, items: raw.map((x) => this.compile(x)) };
    if (isObject(raw)) return this.compileMap(raw);
    return { kind: 'scalar', raw, match: this.leaf(raw) };
  }

  private leaf(raw: JsonPrimitive): ValueMatcher {
    if (typeof raw !== 'string') return compileValuePattern(raw);
    let m = this.strings.get(raw);
    if (m === undefined) {
      m = compileValuePattern(raw);
      this.strings.set(raw, m);
    }
    return m;
  }

  /** Compiles a map pattern. */
  compileMap(raw: JsonObject): MapNode {
    const entries: MapEntry[] = [];
    for (const key of Object.keys(raw)) {
      const node = this.compile(raw[key]!);
      entries.push({ key, anchor: parseAnchor(key), node, hasNested: nodeHasNested(node) });
    }
    return buildMapNode(raw, entries);
  }
}

function nodeHasNested(node: PatternNode): boolean {
  if (node.kind === 'map') return node.hasNested;
  if (node.kind === 'array') return node.items.some(nodeHasNested);
  return false;
}

/** Builds a map node from its entries (evaluation order, anchor bookkeeping, metadata tags). */
export function buildMapNode(raw: JsonObject, entries: readonly MapEntry[]): MapNode {
  const byKey = (a: MapEntry, b: MapEntry): number => goStringCompare(a.key, b.key);
  const phase1 = entries.filter((e) => isPhaseOneAnchor(e.anchor)).sort(byKey);
  const rest = entries.filter((e) => !isPhaseOneAnchor(e.anchor)).sort(byKey);
  const front: MapEntry[] = [];
  const back: MapEntry[] = [];
  for (const e of rest) {
    if (e.anchor?.kind === 'global' || e.hasNested) front.unshift(e);
    else back.push(e);
  }
  const anchorChecks = entries.filter((e) => e.anchor && (e.anchor.kind === 'condition' || e.anchor.kind === 'existence' || e.anchor.kind === 'negation'));
  let metadata: MapEntry | undefined;
  const metaKey = findTagKey(raw, 'metadata');
  if (metaKey !== undefined) metadata = entries.find((e) => e.key === metaKey);
  const hasNested = entries.some((e) => isValidateAnchor(e.anchor) || e.hasNested);
  return {
    kind: 'map',
    raw,
    entries,
    phase1,
    phase2: [...front, ...back],
    anchorChecks,
    metadata,
    labels: metadataTag(raw, 'labels'),
    annotations: metadataTag(raw, 'annotations'),
    hasNested,
  };
}

/** A copy of `map` whose entry `key` holds `node` (orders recomputed). */
export function replaceEntry(map: MapNode, key: string, node: PatternNode, rawValue: JsonValue): MapNode {
  const entries = map.entries.map((e) => (e.key === key ? { key, anchor: e.anchor, node, hasNested: nodeHasNested(node) } : e));
  return buildMapNode({ ...map.raw, [key]: rawValue }, entries);
}
