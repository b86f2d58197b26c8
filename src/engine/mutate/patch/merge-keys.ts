/**
 * The OpenAPI knowledge kyaml's strategic merge uses: list merge strategies and merge keys of the
 * Kubernetes built-in types, as a schema graph (kyaml-schema.generated.ts, from kyaml's embedded
 * Kubernetes v1.21.2 swagger; regenerate with `node --import tsx scripts/gen-merge-keys.ts`).
 *
 * kyaml resolves schemas like this (kyaml/yaml/walk/walk.go GetSchema, openapi/openapi.go):
 *   - the root (and any nested map that has no schema from its parent) takes the schema of its
 *     `apiVersion`/`kind`, looked up first in the resource, then in the patch;
 *   - below it, `field(name)` follows `properties`, else `additionalProperties`; `elements()` follows the
 *     `items` of arrays. Controller templates need nothing special: Deployment `spec.template` *is* a
 *     PodTemplateSpec in the schema, CronJob `spec.jobTemplate.spec.template` too.
 *   - a list is merged by key only if its schema has `x-kubernetes-patch-strategy` containing `merge`;
 *     kyaml's merge does not infer keys, so lists of unknown types (CRDs, kinds newer than 1.21) are
 *     replaced as a whole.
 *
 * Example: `mergeKeysFor('apps/v1', 'Deployment', ['spec', 'template', 'spec', 'containers', '[]', 'ports'])`
 * -> `{ strategy: 'merge', keys: ['containerPort', 'protocol'] }`.
 */
import { SCHEMA_BY_GVK, SCHEMA_NODES } from './kyaml-schema.generated.ts';

/** One generated schema node (see the generator for the field meanings). */
export interface SchemaNodeData {
  /** properties: field name -> node */
  readonly p?: Readonly<Record<string, number>>;
  /** additionalProperties schema -> node */
  readonly a?: number;
  /** items schema (only when `type` is exactly `array`) -> node */
  readonly i?: number;
  /** x-kubernetes-patch-strategy */
  readonly s?: string;
  /** merge keys: x-kubernetes-list-map-keys, else [x-kubernetes-patch-merge-key] (only with a strategy) */
  readonly k?: readonly string[];
}

/** A schema: an index into the generated node table. `undefined` stands for "no schema". */
export type Schema = number;

const byGvk: ReadonlyMap<string, number> = new Map(SCHEMA_BY_GVK);
const NO_KEYS: readonly string[] = [];

/** The schema of a resource type, as kyaml's `openapi.SchemaForResourceType`. */
export function schemaForResourceType(apiVersion: string, kind: string): Schema | undefined {
  return byGvk.get(`${apiVersion}|${kind}`);
}

/** The schema of a map field (`properties[name]`, else `additionalProperties`). */
export function schemaField(schema: Schema, name: string): Schema | undefined {
  const n = SCHEMA_NODES[schema];
  if (n === undefined) return undefined;
  if (n.p !== undefined && Object.prototype.hasOwnProperty.call(n.p, name)) return n.p[name];
  return n.a;
}

/** The schema of the elements of an array. */
export function schemaElements(schema: Schema): Schema | undefined {
  return SCHEMA_NODES[schema]?.i;
}

/** kyaml `PatchStrategyAndKeyList`: the strategy ('' when none) and the merge keys. */
export function patchStrategyAndKeys(schema: Schema): { strategy: string; keys: readonly string[] } {
  const n = SCHEMA_NODES[schema];
  return { strategy: n?.s ?? '', keys: n?.k ?? NO_KEYS };
}

/** kyaml `schema.IsAssociative` with a schema: the strategy list contains `merge`. */
export function hasMergeStrategy(schema: Schema): boolean {
  const s = SCHEMA_NODES[schema]?.s;
  return s !== undefined && s.split(',').includes('merge');
}

/**
 * Convenience lookup by GVK and field path (`[]` steps into list elements). Returns undefined when the
 * path has no schema or the list is not merged by key.
 */
export function mergeKeysFor(
  apiVersion: string,
  kind: string,
  path: readonly string[],
): { strategy: string; keys: readonly string[] } | undefined {
  let s = schemaForResourceType(apiVersion, kind);
  for (const p of path) {
    if (s === undefined) return undefined;
    s = p === '[]' ? schemaElements(s) : schemaField(s, p);
  }
  if (s === undefined || !hasMergeStrategy(s)) return undefined;
  return patchStrategyAndKeys(s);
}
