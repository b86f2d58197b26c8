/**
 * Kyverno `wildcards.ExpandInMetadata`: before a map pattern is validated, wildcard keys of its
 * `metadata.labels` / `metadata.annotations` are replaced by the first resource key they match (anchors
 * kept: `=(app.kubernetes.io/*)` -> `=(app.kubernetes.io/name)`); keys without a match stay as written.
 *
 * Kyverno rewrites the tag map in place whenever both the pattern and the resource have it, keeping only its
 * string-valued entries, and the rewrite persists for the rest of the same `MatchPattern` call (it mutates the
 * pattern). The walk reproduces that with a per-call overlay instead of mutating the compiled pattern.
 */
import { isObject, type JsonObject, type JsonValue } from '../api/json.ts';
import { wildcardMatch } from '../utils/wildcard.ts';
import { anchorToString, parseAnchor } from './anchor.ts';
import { findTagKey, type MapNode, type MetadataTag, type PatternCompiler, replaceEntry } from './compile.ts';

/** Per-`MatchPattern` state: the current (rewritten) version of each metadata pattern map. */
export type MetadataOverlay = Map<MapNode, MapNode>;

function hasWildcardChar(s: string): boolean {
  return s.includes('*') || s.includes('?');
}

/** Kyverno `getValueAsStringMap(tag, resourceMetadata)`: the string-valued entries of the tag map. */
function resourceTagStrings(resourceMetadata: JsonValue | undefined, tag: string): Map<string, string> | undefined {
  if (!isObject(resourceMetadata)) return undefined;
  const key = findTagKey(resourceMetadata, tag);
  if (key === undefined) return undefined;
  const val = resourceMetadata[key];
  if (!isObject(val)) return undefined;
  const out = new Map<string, string>();
  for (const k of Object.keys(val)) {
    const v = val[k];
    if (typeof v === 'string') out.set(k, v);
  }
  return out;
}

function firstMatchingKey(pattern: string, resource: Map<string, string>): string {
  for (const k of resource.keys()) if (wildcardMatch(pattern, k)) return k;
  return pattern;
}

/** Kyverno `replaceWildcardsInMapKeys`: the rewritten tag map, or undefined when nothing would change. */
function expandTag(tag: MetadataTag | undefined, resourceMetadata: JsonValue | undefined, name: string): JsonObject | undefined {
  if (tag === undefined) return undefined;
  const resource = resourceTagStrings(resourceMetadata, name);
  if (resource === undefined || tag.identity) return undefined;
  const out: JsonObject = {};
  for (const [k, v] of tag.entries) {
    if (hasWildcardChar(k)) {
      const a = parseAnchor(k);
      if (a) out[anchorToString(a.kind, firstMatchingKey(a.key, resource))] = v;
      else out[firstMatchingKey(k, resource)] = v;
    } else out[k] = v;
  }
  return out;
}

/**
 * The map pattern to validate `resourceMap` with, after Kyverno's metadata wildcard expansion. Returns `map`
 * itself when nothing changes (the common case).
 */
export function expandInMetadata(
  map: MapNode,
  resourceMap: JsonObject,
  overlay: MetadataOverlay,
  compiler: PatternCompiler,
): MapNode {
  const entry = map.metadata;
  if (entry === undefined || entry.node.kind !== 'map') return map;
  const resourceMetadata = Object.prototype.hasOwnProperty.call(resourceMap, 'metadata') ? resourceMap['metadata'] : undefined;
  if (resourceMetadata === undefined || resourceMetadata === null) return map;
  const original = entry.node;
  const current = overlay.get(original) ?? original;
  const labels = expandTag(current.labels, resourceMetadata, 'labels');
  const annotations = expandTag(current.annotations, resourceMetadata, 'annotations');
  let next = current;
  if (labels !== undefined || annotations !== undefined) {
    const raw: JsonObject = { ...current.raw };
    if (labels !== undefined) raw[current.labels!.key] = labels;
    if (annotations !== undefined) raw[current.annotations!.key] = annotations;
    next = compiler.compileMap(raw);
    overlay.set(original, next);
  }
  return next === original ? map : replaceEntry(map, entry.key, next, next.raw);
}
