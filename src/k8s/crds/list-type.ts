/**
 * `x-kubernetes-list-type` invariants (apiextensions-apiserver schema/listtype/validation.go): items
 * of a `set` list are unique; items of a `map` list are objects with unique key tuples. Each repeated
 * value is reported once, at its second occurrence. Paths through `additionalProperties` use Go's
 * key form (`configs[name]`).
 */
import { isObject, type JsonValue } from '../../engine/api/json.ts';
import { goJsonMarshal } from '../../engine/utils/gojson.ts';
import type { CompiledSchema } from './compile.ts';
import { duplicate, invalid, type DocPath, type SchemaError } from './field-error.ts';

/** A path segment printed as a map key (`[k]`) rather than a field (`.k`). */
interface Seg {
  key: string | number;
  asMapKey: boolean;
}

function fieldOf(segs: readonly Seg[]): string {
  let out = '';
  for (const s of segs) {
    if (typeof s.key === 'number') out += `[${s.key}]`;
    else if (s.asMapKey) out += `[${s.key}]`;
    else out += out === '' ? s.key : `.${s.key}`;
  }
  return out;
}

const docPath = (segs: readonly Seg[]): DocPath => segs.map((s) => s.key);

/** Marker for a list-map item without its key. */
const UNSPECIFIED = Symbol('unspecified');

function identity(x: unknown): string {
  if (x === UNSPECIFIED) return 'u:';
  if (isObject(x) || Array.isArray(x)) return `c:${goJsonMarshal(x as JsonValue)}`;
  return `s:${typeof x}:${String(x)}`;
}

/** Indexes of values that repeat an earlier one (second occurrence only). */
function nonUnique(values: readonly unknown[]): number[] {
  if (values.length <= 1) return [];
  const seen = new Map<string, number>();
  const out: number[] = [];
  values.forEach((v, i) => {
    const id = identity(v);
    const times = seen.get(id) ?? 0;
    if (times === 1) out.push(i);
    seen.set(id, times + 1);
  });
  return out;
}

function checkArray(segs: Seg[], s: CompiledSchema, arr: JsonValue[], out: SchemaError[]): void {
  const at = (i: number): { path: DocPath; field: string; code: 'DUPLICATE' } => {
    const p = [...segs, { key: i, asMapKey: false }];
    return { path: docPath(p), field: fieldOf(p), code: 'DUPLICATE' };
  };
  if (s.listType === 'set') {
    for (const i of nonUnique(arr)) out.push(duplicate(at(i), arr[i]!));
  } else if (s.listType === 'map') {
    const bad = arr.findIndex((x) => x !== null && !isObject(x));
    if (bad >= 0) {
      out.push(invalid({ ...at(bad), code: 'LIST_MAP_ITEM' }, arr[bad], 'must be an object for an array of list-type map'));
    } else if (arr.length > 1) {
      if (s.listMapKeys.length === 1) {
        const k = s.listMapKeys[0]!;
        const keys = arr.map((x) => (isObject(x) && x[k] !== undefined ? x[k] : UNSPECIFIED));
        for (const i of nonUnique(keys)) {
          const key = keys[i];
          out.push(duplicate(at(i), key === UNSPECIFIED ? {} : { [k]: key as JsonValue }));
        }
      } else {
        const keys = arr.map((x) => {
          const key: { [k: string]: JsonValue } = {};
          if (isObject(x)) for (const f of s.listMapKeys) if (x[f] !== undefined) key[f] = x[f]!;
          return key;
        });
        for (const i of nonUnique(keys)) out.push(duplicate(at(i), keys[i]!));
      }
    }
  }
  if (s.items !== undefined && s.items.subtreeLists) {
    arr.forEach((x, i) => walk([...segs, { key: i, asMapKey: false }], s.items!, x, out));
  }
}

function walk(segs: Seg[], s: CompiledSchema, v: JsonValue, out: SchemaError[]): void {
  if (Array.isArray(v)) {
    checkArray(segs, s, v, out);
    return;
  }
  if (!isObject(v) || !s.subtreeLists) return;
  const add = s.additional;
  if (add !== undefined && add.subtreeLists) {
    for (const k of Object.keys(v)) walk([...segs, { key: k, asMapKey: true }], add, v[k]!, out);
  }
  if (s.properties !== undefined) {
    for (const k of Object.keys(v)) {
      const sub = s.properties.get(k);
      if (sub !== undefined && (sub.subtreeLists || sub.listType === 'set' || sub.listType === 'map')) {
        walk([...segs, { key: k, asMapKey: false }], sub, v[k]!, out);
      }
    }
  }
}

/** Checks the list invariants of a resource; errors are appended to `out`. */
export function validateListSetsAndMaps(obj: JsonValue, root: CompiledSchema, out: SchemaError[]): void {
  if (!root.subtreeLists) return;
  walk([], root, obj, out);
}
