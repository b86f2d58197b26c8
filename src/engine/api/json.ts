/**
 * JSON values as the engine sees them: the result of decoding YAML/JSON the way Kubernetes does
 * (numbers are JS numbers; integral numbers stand for Go int64, others for float64).
 */
export type JsonPrimitive = null | boolean | number | string;
export type JsonArray = JsonValue[];
export interface JsonObject {
  [key: string]: JsonValue;
}
export type JsonValue = JsonPrimitive | JsonArray | JsonObject;

/** An unstructured Kubernetes object. */
export type Resource = JsonObject;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isArray(v: unknown): v is JsonArray {
  return Array.isArray(v);
}

/** Deep equality of two JSON values (object key order is ignored). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (typeof a === 'object') {
    if (Array.isArray(b)) return false;
    const ao = a as Record<string, unknown>;
    const bo = b as Record<string, unknown>;
    const ak = Object.keys(ao);
    if (ak.length !== Object.keys(bo).length) return false;
    for (const k of ak) {
      if (!Object.prototype.hasOwnProperty.call(bo, k)) return false;
      if (!deepEqual(ao[k], bo[k])) return false;
    }
    return true;
  }
  return false;
}

/** Deep copy of a JSON value. */
export function deepCopy<T>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => deepCopy(x)) as unknown as T;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v as object)) out[k] = deepCopy((v as Record<string, unknown>)[k]);
  return out as T;
}

/** Reads a nested field; returns undefined when any step is missing or not an object. */
export function getPath(obj: unknown, path: readonly string[]): JsonValue | undefined {
  let cur: unknown = obj;
  for (const p of path) {
    if (!isObject(cur)) return undefined;
    cur = cur[p];
    if (cur === undefined) return undefined;
  }
  return cur as JsonValue;
}
