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
  readonly intOrString: boolean;
  readonly properties: ReadonlyMap<string, CompiledSchema> | undefined;
  /** `additionalProperties` as a schema */
  readonly additional: CompiledSchema | undefined;
  /** `additionalProperties: false` */
  readonly additionalForbidden: boolean;
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

function compileNode(s: JSONSchemaProps, cache: Map<JSONSchemaProps, CompiledSchema>): CompiledSchema {
  const hit = cache.get(s);
  if (hit) return hit;
  const sub = (x: JSONSchemaProps | undefined): CompiledSchema | undefined => (x ? compileNode(x, cache) : undefined);
  const properties = s.properties
    ? new Map(Object.entries(s.properties).map(([k, v]) => [k, compileNode(v, cache)] as const))
    : undefined;
  const additional = typeof s.additionalProperties === 'object' ? sub(s.additionalProperties) : undefined;
  const items = sub(s.items);
  const oneOf = (s.oneOf ?? []).map((x) => compileNode(x, cache));
  const anyOf = (s.anyOf ?? []).map((x) => compileNode(x, cache));
  const allOf = (s.allOf ?? []).map((x) => compileNode(x, cache));
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
    intOrString: s['x-kubernetes-int-or-string'] === true,
    properties,
    additional,
    additionalForbidden: s.additionalProperties === false,
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
    not: sub(s.not),
    listType,
    listMapKeys: s['x-kubernetes-list-map-keys'] ?? [],
    rules,
    subtreeDefaults:
      defaults.length > 0 || (additional?.hasDefault ?? false) || (items?.hasDefault ?? false) || children.some((c) => c.subtreeDefaults),
    subtreeLists: listType === 'set' || listType === 'map' || children.some((c) => c.subtreeLists),
    subtreeRules: rules.length > 0 || children.some((c) => c.subtreeRules),
  };
  cache.set(s, node);
  return node;
}

/** Compiles a schema tree. Shared sub-objects compile once. */
export function compileSchema(schema: JSONSchemaProps): CompiledSchema {
  return compileNode(schema, new Map());
}
