/**
 * The few `unstructured.Unstructured` accessors the generate controller relies on
 * (k8s.io/apimachinery/pkg/apis/meta/v1/unstructured), with their Go edge cases: empty name / namespace /
 * uid / resourceVersion remove the field, non-string values read as `""`, labels that are not a string map
 * read as none.
 */
import { isObject, type JsonObject, type JsonValue, type Resource } from '../api/json.ts';

/** `getNestedString`: the string at `fields`, `""` when missing or not a string. */
export function nestedString(obj: JsonObject, ...fields: string[]): string {
  let cur: JsonValue | undefined = obj;
  for (const f of fields) {
    if (!isObject(cur)) return '';
    cur = cur[f];
  }
  return typeof cur === 'string' ? cur : '';
}

export const getName = (r: Resource): string => nestedString(r, 'metadata', 'name');
export const getNamespace = (r: Resource): string => nestedString(r, 'metadata', 'namespace');
export const getKind = (r: Resource): string => nestedString(r, 'kind');
export const getApiVersion = (r: Resource): string => nestedString(r, 'apiVersion');
export const getUid = (r: Resource): string => nestedString(r, 'metadata', 'uid');

/**
 * `SetNestedField`: creates missing maps on the way; a non-map on the way leaves the object unchanged
 * (Go returns an error the setters ignore).
 */
function setNested(obj: JsonObject, value: JsonValue, ...fields: string[]): void {
  let m = obj;
  for (let i = 0; i < fields.length - 1; i++) {
    const f = fields[i] as string;
    const v = m[f];
    if (v === undefined) {
      const n: JsonObject = {};
      m[f] = n;
      m = n;
    } else if (isObject(v)) {
      m = v;
    } else {
      return;
    }
  }
  m[fields[fields.length - 1] as string] = value;
}

/** `RemoveNestedField`. */
function removeNested(obj: JsonObject, ...fields: string[]): void {
  let m: JsonValue | undefined = obj;
  for (let i = 0; i < fields.length - 1; i++) {
    if (!isObject(m)) return;
    m = m[fields[i] as string];
  }
  if (isObject(m)) delete m[fields[fields.length - 1] as string];
}

/** Metadata string setters: `""` removes the field (SetName, SetNamespace, SetUID, SetResourceVersion, SetSelfLink). */
export function setMetaString(r: Resource, field: 'name' | 'namespace' | 'uid' | 'resourceVersion' | 'selfLink', value: string): void {
  if (value === '') removeNested(r, 'metadata', field);
  else setNested(r, value, 'metadata', field);
}

/** `SetKind` / `SetAPIVersion`: always set, even to `""`. */
export function setTopString(r: Resource, field: 'kind' | 'apiVersion', value: string): void {
  r[field] = value;
}

/** Removes a metadata field (SetCreationTimestamp(zero), SetManagedFields(nil), SetOwnerReferences(nil)). */
export function removeMeta(r: Resource, field: string): void {
  removeNested(r, 'metadata', field);
}

/**
 * `GetOwnerReferences() != nil`: true when `metadata.ownerReferences` is a list (even an empty one).
 */
export function hasOwnerReferences(r: Resource): boolean {
  const m = r['metadata'];
  return isObject(m) && Array.isArray(m['ownerReferences']);
}

/**
 * `GetLabels` (NestedNullCoercingStringMap): the labels map with `null` values read as `""`; a map holding
 * another non-string value, or a non-map, reads as no labels at all.
 */
export function getLabels(r: Resource): Record<string, string> | undefined {
  const m = r['metadata'];
  if (!isObject(m)) return undefined;
  const l = m['labels'];
  if (l === undefined || l === null || !isObject(l)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(l)) {
    if (v === null) out[k] = '';
    else if (typeof v === 'string') out[k] = v;
    else return undefined;
  }
  return out;
}

/** `SetLabels`: replaces `metadata.labels` (creating `metadata` when missing). */
export function setLabels(r: Resource, labels: Record<string, string>): void {
  setNested(r, { ...labels }, 'metadata', 'labels');
}

/** Go's `Sprintf("%s/%s/%s/%s")` form of a ResourceSpec: `apiVersion/kind/namespace/name`. */
export interface ResourceSpec {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  uid?: string;
}

/** `ResourceSpec.String()`. Example: `{v1, Secret, default, regcred}` -> `v1/Secret/default/regcred`. */
export function resourceSpecString(s: ResourceSpec): string {
  return [s.apiVersion, s.kind, s.namespace, s.name].join('/');
}

/**
 * The object without what the API server changes on any write (metadata.resourceVersion, managedFields,
 * generation): two versions with equal content compare equal (a write that changed nothing).
 */
export function withoutWriteBookkeeping(o: Resource): Resource {
  const m = isObject(o['metadata']) ? o['metadata'] : {};
  const { resourceVersion: _rv, managedFields: _mf, generation: _g, ...meta } = m;
  return { ...o, metadata: meta };
}
