/**
 * Structural pruning as the API server decodes a custom resource (apiextensions-apiserver
 * schema/pruning/algorithm.go and defaulting/prunenulls.go), in place:
 *
 * - `pruneUnknown` drops fields the schema does not specify and returns their paths, sorted
 *   (`spec.rules[0].match.foo`). A value of the wrong shape counts too: the keys of an object given
 *   where the schema has no properties are all unknown. `x-kubernetes-preserve-unknown-fields` keeps
 *   unknown fields but still prunes inside the properties it specifies. At the resource root
 *   `apiVersion`, `kind` and `metadata` are left alone.
 * - `pruneNulls` drops `null` values of fields that are neither nullable nor defaulted.
 */
import { isObject, type JsonValue } from '../../engine/api/json.ts';
import { goStringCompare } from '../../engine/utils/goconv.ts';
import type { CompiledSchema } from './compile.ts';

const META_FIELDS = new Set(['apiVersion', 'kind', 'metadata']);

/** A pruned field: its Go path string and its document path. */
export interface PrunedField {
  field: string;
  path: Array<string | number>;
}

function appendKey(parent: string, key: string): string {
  return parent === '' ? key : `${parent}.${key}`;
}

function prune(
  x: JsonValue,
  s: CompiledSchema | undefined,
  embedded: boolean,
  field: string,
  path: Array<string | number>,
  out: PrunedField[],
): void {
  if (s?.preserveUnknown) {
    skipPrune(x, s, embedded, field, path, out);
    return;
  }
  if (Array.isArray(x)) {
    const items = s?.items;
    for (let i = 0; i < x.length; i++) {
      path.push(i);
      prune(x[i]!, items, items?.embeddedResource ?? false, `${field}[${i}]`, path, out);
      path.pop();
    }
    return;
  }
  if (!isObject(x)) return;
  for (const k of Object.keys(x)) {
    if (s === undefined) {
      out.push({ field: appendKey(field, k), path: [...path, k] });
      delete x[k];
      continue;
    }
    if (embedded && META_FIELDS.has(k)) continue;
    const prop = s.properties?.get(k) ?? s.additional;
    if (prop !== undefined) {
      path.push(k);
      prune(x[k]!, prop, prop.embeddedResource, appendKey(field, k), path, out);
      path.pop();
      continue;
    }
    if (!META_FIELDS.has(k) || field !== '') out.push({ field: appendKey(field, k), path: [...path, k] });
    delete x[k];
  }
}

function skipPrune(
  x: JsonValue,
  s: CompiledSchema,
  embedded: boolean,
  field: string,
  path: Array<string | number>,
  out: PrunedField[],
): void {
  if (Array.isArray(x)) {
    const items = s.items;
    if (items === undefined) return;
    for (let i = 0; i < x.length; i++) {
      path.push(i);
      skipPrune(x[i]!, items, items.embeddedResource, `${field}[${i}]`, path, out);
      path.pop();
    }
    return;
  }
  if (!isObject(x)) return;
  for (const k of Object.keys(x)) {
    if (embedded && META_FIELDS.has(k)) continue;
    const prop = s.properties?.get(k) ?? s.additional;
    if (prop === undefined) continue;
    path.push(k);
    prune(x[k]!, prop, prop.embeddedResource, appendKey(field, k), path, out);
    path.pop();
  }
}

/**
 * Removes unknown fields from the resource `obj` (in place) and returns them sorted by Go path.
 * The root is treated as an embedded resource (its `apiVersion`/`kind`/`metadata` are kept).
 */
export function pruneUnknown(obj: JsonValue, root: CompiledSchema): PrunedField[] {
  const out: PrunedField[] = [];
  prune(obj, root, true, '', [], out);
  return out.sort((a, b) => goStringCompare(a.field, b.field));
}

function schemaForField(s: CompiledSchema | undefined, k: string): CompiledSchema | undefined {
  if (s === undefined) return undefined;
  return s.properties?.get(k) ?? s.additional;
}

/** Drops non-nullable nulls that have no default (in place). */
export function pruneNulls(x: JsonValue, s: CompiledSchema | undefined): void {
  if (Array.isArray(x)) {
    const items = s?.items;
    for (const v of x) pruneNulls(v, items);
    return;
  }
  if (!isObject(x)) return;
  for (const k of Object.keys(x)) {
    const sub = schemaForField(s, k);
    const v = x[k]!;
    if (v === null && sub !== undefined && !sub.nullable && !sub.hasDefault) {
      delete x[k];
      continue;
    }
    pruneNulls(v, sub);
  }
}
