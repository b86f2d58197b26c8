/**
 * Compiles a structural schema (`JSONSchemaProps`) once into a tree of `CompiledSchema` nodes that
 * the pruning, defaulting and validation passes walk: property maps, compiled patterns, precomputed
 * enum sets and per-subtree flags that let a pass skip subtrees with nothing to do.
 *
 * ```ts
 * const root = compileSchema(crd.spec.versions[0].schema.openAPIV3Schema);
 * root.properties?.get('spec')?.defaults; // [['admission', true], ...]
 * ```
 */
import type { JsonValue } from '../../engine/api/json.ts';
import type { JSONSchemaProps, SchemaType, ValidationRule } from './types.ts';

export interface CompiledSchema {
  readonly source: JSONSchemaProps;
  readonly type: SchemaType | undefined;
  readonly format: string | undefined;
  readonly nullable: boolean;
  readonly preserveUnknown: boolean;
  readonly embeddedResource: boolean;
  readonly properties: ReadonlyMap<string, CompiledSchema> | undefined;
  /** `additionalProperties` as a schema */
  readonly additional: CompiledSchema | undefined;
  readonly items: CompiledSchema | undefined;
  readonly required: readonly string[];
  readonly hasDefault: boolean;
  readonly default: JsonValue | undefined;
  /** properties that carry a default, in schema order */
  readonly defaults: ReadonlyArray<readonly [string, JsonValue]>;
  readonly enum: readonly JsonValue[] | undefined;
  /** `enum` rendered as Go prints allowed values (strings bare, others as JSON) */
  readonly enumDisplay: readonly string[];
  readonly enumStrings: ReadonlySet<string> | undefined;
  readonly pattern: RegExp | undefined;
  readonly oneOf: readonly CompiledSchema[];
  readonly anyOf: readonly CompiledSchema[];
  readonly allOf: readonly CompiledSchema[];
  readonly not: CompiledSchema | undefined;
  readonly listType: 'atomic' | 'set' | 'map' | undefined;
  readonly listMapKeys: readonly string[];
  readonly rules: readonly ValidationRule[];
  /** the subtree has defaults (or non-nullable properties whose nulls must be handled) */
  readonly subtreeDefaults: boolean;
  /** the subtree has `set`/`map` lists */
  readonly subtreeLists: boolean;
  /** the subtree has `x-kubernetes-validations` */
  readonly subtreeRules: boolean;
}

/** Keywords that are not subschemas (`description` is ignored: it does not affect validation). */
function ownKey(s: JSONSchemaProps): string {
  const own: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === 'description' || k === 'properties' || k === 'items' || k === 'oneOf' || k === 'anyOf' || k === 'allOf' || k === 'not') continue;
    if (k === 'additionalProperties' && typeof v === 'object') continue;
    own[k] = v;
  }
  return JSON.stringify(own);
}

/**
 * Structurally identical subtrees (the same label selector, condition or rule appears many times
 * across kinds and versions) compile to one shared node: the key of a node is its own keywords plus
 * the identities of its compiled children.
 */
const interned = new Map<string, CompiledSchema>();
const ids = new WeakMap<CompiledSchema, number>();

function idOf(c: CompiledSchema | undefined): string {
  return c === undefined ? '-' : String(ids.get(c));
}

function compileNode(s: JSONSchemaProps, seen: Map<JSONSchemaProps, CompiledSchema>): CompiledSchema {
  const hit = seen.get(s);
  if (hit) return hit;
  const sub = (x: JSONSchemaProps | undefined): CompiledSchema | undefined => (x ? compileNode(x, seen) : undefined);
  const properties = s.properties
    ? new Map(Object.entries(s.properties).map(([k, v]) => [k, compileNode(v, seen)] as const))
    : undefined;
  const additional = typeof s.additionalProperties === 'object' ? sub(s.additionalProperties) : undefined;
  const items = sub(s.items);
  let anyOf = (s.anyOf ?? []).map((x) => compileNode(x, seen));
  if (anyOf.length === 0 && s['x-kubernetes-int-or-string'] === true) {
    // the API server validates int-or-string as anyOf integer/string
    anyOf = [compileNode({ type: 'integer' }, seen), compileNode({ type: 'string' }, seen)];
  }
  const oneOf = (s.oneOf ?? []).map((x) => compileNode(x, seen));
  const allOf = (s.allOf ?? []).map((x) => compileNode(x, seen));
  const not = sub(s.not);
  let key = ownKey(s);
  if (properties) for (const [k, v] of properties) key += `|p${JSON.stringify(k)}=${idOf(v)}`;
  key += `|a=${idOf(additional)}|i=${idOf(items)}|n=${idOf(not)}`;
  key += `|1=${oneOf.map(idOf).join(',')}|2=${anyOf.map(idOf).join(',')}|3=${allOf.map(idOf).join(',')}`;
  const shared = interned.get(key);
  if (shared) {
    seen.set(s, shared);
    return shared;
  }
  const defaults: Array<readonly [string, JsonValue]> = [];
  if (s.properties) {
    for (const [k, v] of Object.entries(s.properties)) if (v.default !== undefined) defaults.push([k, v.default]);
  }
  const children = [...(properties?.values() ?? []), ...(additional ? [additional] : []), ...(items ? [items] : [])];
  const listType = s['x-kubernetes-list-type'];
  const rules = s['x-kubernetes-validations'] ?? [];
  const enumValues = s.enum;
  const node: CompiledSchema = {
    source: s,
    type: s.type,
    format: s.format,
    nullable: s.nullable === true,
    preserveUnknown: s['x-kubernetes-preserve-unknown-fields'] === true,
    embeddedResource: s['x-kubernetes-embedded-resource'] === true,
    properties,
    additional,
    items,
    required: s.required ?? [],
    hasDefault: s.default !== undefined,
    default: s.default,
    defaults,
    enum: enumValues,
    enumDisplay: (enumValues ?? []).map((v) => (typeof v === 'string' ? v : JSON.stringify(v))),
    enumStrings: enumValues ? new Set(enumValues.filter((v): v is string => typeof v === 'string')) : undefined,
    pattern: s.pattern !== undefined ? new RegExp(s.pattern, 'u') : undefined,
    oneOf,
    anyOf,
    allOf,
    not,
    listType,
    listMapKeys: s['x-kubernetes-list-map-keys'] ?? [],
    rules,
    subtreeDefaults:
      defaults.length > 0 || (additional?.hasDefault ?? false) || (items?.hasDefault ?? false) || children.some((c) => c.subtreeDefaults),
    subtreeLists: listType === 'set' || listType === 'map' || children.some((c) => c.subtreeLists),
    subtreeRules: rules.length > 0 || children.some((c) => c.subtreeRules),
  };
  ids.set(node, interned.size);
  interned.set(key, node);
  seen.set(s, node);
  return node;
}

/** Compiles a schema tree. Identical subtrees (within and across calls) share one compiled node. */
export function compileSchema(schema: JSONSchemaProps): CompiledSchema {
  return compileNode(schema, new Map());
}
