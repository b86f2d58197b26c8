/**
 * The metadata the match step reads from an unstructured object, read the way Kubernetes'
 * `unstructured.Unstructured` accessors do (what Kyverno calls `resource.GetName()` etc.):
 * - a string field that is missing or not a string reads as `""`;
 * - `labels` / `annotations` read as a string map where `null` values become `""`; a map holding any
 *   other non-string value (e.g. a number) reads as no map at all (`undefined`), as does a non-map.
 */
import { isObject } from '../api/json.ts';
import type { JsonObject, JsonValue } from '../api/json.ts';

/** The object fields match/exclude look at. */
export interface ObjectMetaView {
  apiVersion: string;
  kind: string;
  name: string;
  generateName: string;
  namespace: string;
  labels: Record<string, string> | undefined;
  annotations: Record<string, string> | undefined;
}

function str(v: JsonValue | undefined): string {
  return typeof v === 'string' ? v : '';
}

/** One string field of an object's metadata (`""` when missing or not a string), e.g. `metaString(pod, 'namespace')`. */
export function metaString(resource: JsonValue | null | undefined, field: 'name' | 'namespace'): string {
  const md = isObject(resource) ? resource['metadata'] : undefined;
  return isObject(md) ? str(md[field]) : '';
}

/**
 * `NestedNullCoercingStringMap` semantics.
 * Example: `{a: 'x', b: null}` -> `{a: 'x', b: ''}`; `{a: 1}` -> `undefined`.
 */
export function readStringMap(v: JsonValue | undefined): Record<string, string> | undefined {
  if (!isObject(v)) return undefined;
  let copy = false;
  for (const k in v) {
    const x = v[k];
    if (typeof x === 'string') continue;
    if (x === null) {
      copy = true;
      continue;
    }
    return undefined;
  }
  if (!copy) return v as Record<string, string>;
  const out: Record<string, string> = {};
  for (const k in v) {
    const x = v[k];
    out[k] = typeof x === 'string' ? x : '';
  }
  return out;
}

/**
 * Reads the match-relevant metadata of an object (one pass, no copies unless `null` label values
 * have to be coerced).
 * Example: `readObjectMeta({kind: 'Pod', metadata: {name: 'p'}})` ->
 * `{apiVersion: '', kind: 'Pod', name: 'p', generateName: '', namespace: '', labels: undefined, annotations: undefined}`.
 */
export function readObjectMeta(resource: JsonObject): ObjectMetaView {
  const md = resource['metadata'];
  const m = isObject(md) ? md : undefined;
  return {
    apiVersion: str(resource['apiVersion']),
    kind: str(resource['kind']),
    name: m ? str(m['name']) : '',
    generateName: m ? str(m['generateName']) : '',
    namespace: m ? str(m['namespace']) : '',
    labels: m ? readStringMap(m['labels']) : undefined,
    annotations: m ? readStringMap(m['annotations']) : undefined,
  };
}
