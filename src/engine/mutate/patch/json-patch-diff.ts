/**
 * The JSON patch that turns one document into another, as Kyverno builds the admission response
 * (gomodules.xyz/jsonpatch/v2 `CreatePatch`):
 * - maps: `add` for new keys (with the new value), a recursive diff for common keys, `remove` for
 *   keys that are gone;
 * - values of different JSON types (including null vs. anything): `replace`;
 * - lists are compared by index: surplus elements removed from the end, new tail elements added in
 *   order, then the common prefix diffed element by element (no move detection).
 * The Go library walks maps in random order; here the order is deterministic (the target's keys in
 * order, then the removed keys in the source's order).
 *
 * Example: `createJsonPatch({a: [1, 2, 3]}, {a: [1, 5], b: 'x'})` ->
 * `[{op: 'remove', path: '/a/2'}, {op: 'replace', path: '/a/1', value: 5}, {op: 'add', path: '/b', value: 'x'}]`
 * (the map keys of the target first: `a`, then `b`).
 */
import { isObject, type JsonValue } from '../../api/json.ts';

/** One RFC 6902 operation of a generated patch. */
export interface JsonPatchOperation {
  op: 'add' | 'remove' | 'replace';
  path: string;
  /** present for add and replace (also when null) */
  value?: JsonValue;
}

/** RFC 6902 operations that transform `from` into `to` (an empty list when they are equal). */
export function createJsonPatch(from: JsonValue, to: JsonValue): JsonPatchOperation[] {
  const out: JsonPatchOperation[] = [];
  handleValues(from, to, '', out);
  return out;
}

function jsonType(v: JsonValue): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function makePath(path: string, part: string | number): string {
  const key = String(part).replace(/~/g, '~0').replace(/\//g, '~1');
  return path + '/' + key;
}

function handleValues(a: JsonValue, b: JsonValue, p: string, out: JsonPatchOperation[]): void {
  const at = jsonType(a);
  if (at !== jsonType(b)) {
    out.push({ op: 'replace', path: p, value: b });
    return;
  }
  if (at === 'null') return;
  if (isObject(a) && isObject(b)) {
    for (const key of Object.keys(b)) {
      const path = makePath(p, key);
      if (!Object.prototype.hasOwnProperty.call(a, key)) {
        out.push({ op: 'add', path, value: b[key] as JsonValue });
        continue;
      }
      handleValues(a[key] as JsonValue, b[key] as JsonValue, path, out);
    }
    for (const key of Object.keys(a)) {
      if (!Object.prototype.hasOwnProperty.call(b, key)) out.push({ op: 'remove', path: makePath(p, key) });
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.min(a.length, b.length);
    for (let i = a.length - 1; i >= n; i--) out.push({ op: 'remove', path: makePath(p, i) });
    for (let i = n; i < b.length; i++) out.push({ op: 'add', path: makePath(p, i), value: b[i] as JsonValue });
    for (let i = 0; i < n; i++) handleValues(a[i] as JsonValue, b[i] as JsonValue, makePath(p, i), out);
    return;
  }
  if (a !== b) out.push({ op: 'replace', path: p, value: b });
}
