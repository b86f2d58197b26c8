/**
 * Validates a document against the project's CRD schemas the way Kyverno's CLI does (kubectl-validate
 * over the API server's custom resource machinery):
 *
 * 1. decode (`stage: 'parse'`): `metadata` is strictly decoded as ObjectMeta (a type mismatch is a
 *    decode error); unknown fields anywhere are pruned and reported as
 *    `<path>: Invalid value: value provided for unknown field`. Unknown fields make the document fail
 *    to parse (`fatal`: the Kyverno CLI aborts the whole load on them).
 * 2. nulls of non-nullable fields without a default are dropped, then schema defaults are applied
 *    (only to objects that are present): `defaulted` is the result.
 * 3. validate (`stage: 'validate'`): ObjectMeta (name, namespace, labels, ...), the OpenAPI schema
 *    (types, enums, required, formats, bounds, oneOf/not, ...), list-type sets/maps, then
 *    `x-kubernetes-validations` rules. The Kyverno CLI reports these and skips the document.
 *
 * ```ts
 * const r = validateAgainstSchema(policy);
 * r.errors.map(formatSchemaError); // ['spec.validationFailureAction: Unsupported value: "deny": ...']
 * r.defaulted.spec.background;     // true
 * r.kyvernoMessage;                // 'failed to validate resource (ClusterPolicy.kyverno.io "x" is invalid: ...)'
 * ```
 *
 * Schemas compile once per kind and version, on first use.
 */
import { deepCopy, isObject, type JsonObject } from '../../engine/api/json.ts';
import { goQuote } from '../../engine/utils/goconv.ts';
import { validateRules } from './cel-rules.ts';
import { compileSchema, type CompiledSchema } from './compile.ts';
import { CLI_CRD_NAMES, allCrds } from './crds.ts';
import { applyDefaults } from './defaulting.ts';
import { aggregate, formatSchemaError, invalid, raw, type SchemaError } from './field-error.ts';
import { validateListSetsAndMaps } from './list-type.ts';
import { decodeObjectMeta, normalizeObjectMeta, validateObjectMeta } from './object-meta.ts';
import { validateOpenAPI } from './openapi-validate.ts';
import { pruneNulls, pruneUnknown } from './prune.ts';
import { gvkOf, type CustomResourceDefinition, type GroupVersionKind, type JSONSchemaProps } from './types.ts';

export type { SchemaError, SchemaErrorCode } from './field-error.ts';
export { formatSchemaError } from './field-error.ts';

/** Which CRDs to validate against: all the project's, or only those the Kyverno CLI embeds. */
export type CrdSet = 'all' | 'cli';

export interface ValidateOptions {
  /** default `all` */
  crds?: CrdSet;
  /**
   * Strict decoding errors the YAML/JSON reader found in this document, worded as Go's decoder words
   * them (duplicate keys: `yaml: unmarshal errors:\n  line 25: key "kind" already set in map`). They
   * make the document fail to parse, listed before unknown fields, as the API server's strict decoder
   * does.
   */
  decodeErrors?: readonly string[];
}

export interface SchemaValidationResult {
  gvk: GroupVersionKind;
  /** every problem found (empty when the document is valid) */
  errors: SchemaError[];
  /** the document as the API server would keep it: unknown fields pruned, defaults applied */
  defaulted: JsonObject;
  /** unknown fields were found: Kyverno's CLI fails the whole load, not just this document */
  fatal: boolean;
  /** the error text Kyverno's loader reports for this document, when there are errors */
  kyvernoMessage: string | undefined;
}

interface Entry {
  crd: CustomResourceDefinition;
  schema: JSONSchemaProps;
  namespaced: boolean;
  compiled?: CompiledSchema;
}

const registries = new Map<CrdSet, Map<string, Entry>>();

const keyOf = (g: GroupVersionKind): string => `${g.group}/${g.version}/${g.kind}`;

function registry(set: CrdSet): Map<string, Entry> {
  let r = registries.get(set);
  if (r) return r;
  r = new Map();
  for (const crd of allCrds()) {
    if (set === 'cli' && !CLI_CRD_NAMES.has(crd.metadata.name)) continue;
    for (const v of crd.spec.versions) {
      r.set(keyOf({ group: crd.spec.group, version: v.name, kind: crd.spec.names.kind }), {
        crd,
        schema: v.schema.openAPIV3Schema,
        namespaced: crd.spec.scope === 'Namespaced',
      });
    }
  }
  registries.set(set, r);
  return r;
}

function entryFor(gvk: GroupVersionKind, set: CrdSet): Entry | undefined {
  const e = registry(set).get(keyOf(gvk));
  if (e && !e.compiled) e.compiled = compileSchema(e.schema);
  return e;
}

/** Whether a schema exists for the group/version/kind. */
export function hasSchema(gvk: GroupVersionKind, options: ValidateOptions = {}): boolean {
  return registry(options.crds ?? 'all').has(keyOf(gvk));
}

/** The compiled root schema and scope of a kind, for callers that walk schemas themselves. */
export function compiledSchemaFor(
  gvk: GroupVersionKind,
  options: ValidateOptions = {},
): { root: CompiledSchema; namespaced: boolean; crd: CustomResourceDefinition } | undefined {
  const e = entryFor(gvk, options.crds ?? 'all');
  return e ? { root: e.compiled!, namespaced: e.namespaced, crd: e.crd } : undefined;
}

const groupKind = (g: GroupVersionKind): string => (g.group === '' ? g.kind : `${g.kind}.${g.group}`);

function noSchema(doc: JsonObject, gvk: GroupVersionKind, set: CrdSet): SchemaValidationResult {
  const gv = gvk.group === '' ? gvk.version : `${gvk.group}/${gvk.version}`;
  const knownGv = [...registry(set).keys()].some((k) => k.startsWith(`${gvk.group}/${gvk.version}/`));
  let why: string;
  if (gvk.group === '' && gvk.version === '' && gvk.kind === '') why = 'GVK cannot be empty';
  else if (knownGv) why = `failed to retrieve validator: kind ${gvk.kind} not found in ${gv} groupversion`;
  else why = `failed to retrieve validator: failed to locate OpenAPI spec for GV: ${gv}`;
  const e = raw({ path: [], code: 'NO_SCHEMA' }, why);
  return { gvk, errors: [e], defaulted: deepCopy(doc), fatal: false, kyvernoMessage: `failed to parse document (${why})` };
}

/** Error types that stop `x-kubernetes-validations` from running (NotSupported, Required, TooLong, TooMany, TypeInvalid). */
function isBlocking(e: SchemaError): boolean {
  if (e.code === 'TYPE' || e.code === 'FORMAT') return true;
  return /^(Unsupported value|Required value|Too long|Too many)/.test(e.message);
}

/**
 * Decodes, defaults and validates `doc` against the schema of its kind (`gvk`, or the document's own
 * `apiVersion`/`kind`). The input is not modified.
 */
export function validateAgainstSchema(
  doc: JsonObject,
  gvk?: GroupVersionKind,
  options: ValidateOptions = {},
): SchemaValidationResult {
  const set = options.crds ?? 'all';
  const g =
    gvk ?? gvkOf(typeof doc['apiVersion'] === 'string' ? doc['apiVersion'] : '', typeof doc['kind'] === 'string' ? doc['kind'] : '');
  const entry = entryFor(g, set);
  if (!entry) return noSchema(doc, g, set);
  const root = entry.compiled!;
  const obj = deepCopy(doc);

  // 1. decode
  const meta = decodeObjectMeta(obj);
  if (meta.error) {
    return { gvk: g, errors: [meta.error], defaulted: obj, fatal: false, kyvernoMessage: `failed to parse document (${meta.error.message})` };
  }
  normalizeObjectMeta(obj);
  const unknown = [...meta.unknown, ...pruneUnknown(obj, root)];
  // 2. nulls and defaults
  pruneNulls(obj, root);
  applyDefaults(obj, root);
  const decodeErrors = options.decodeErrors ?? [];
  if (unknown.length > 0 || decodeErrors.length > 0) {
    const errors = [
      ...decodeErrors.map((m) => raw({ path: [], code: 'STRICT_DECODE' }, m)),
      ...unknown.map((u) =>
        invalid({ path: u.path, field: u.field, code: 'UNKNOWN_FIELD', stage: 'parse' }, undefined, 'value provided for unknown field'),
      ),
    ];
    return {
      gvk: g,
      errors,
      defaulted: obj,
      fatal: unknown.length > 0,
      kyvernoMessage: `failed to parse document (${errors.map(formatSchemaError).join('\n')})`,
    };
  }

  // 3. validate
  const metadata = isObject(obj['metadata']) ? obj['metadata'] : {};
  if (metadata['generateName'] && !metadata['name']) {
    // the API server only creates with a generated name; nothing generates one here
    const why = 'Internal error occurred: metadata.name was not generated';
    const e = raw({ path: ['metadata', 'name'], code: 'NAME', stage: 'validate' }, why);
    return { gvk: g, errors: [e], defaulted: obj, fatal: false, kyvernoMessage: `failed to validate resource (${why})` };
  }
  const errors = validateObjectMeta(metadata, entry.namespaced);
  validateOpenAPI(obj, root, errors);
  validateListSetsAndMaps(obj, root, errors);
  if (root.subtreeRules) {
    if (errors.some(isBlocking)) {
      errors.push(
        invalid(
          { path: [], field: '<nil>', code: 'RULES_SKIPPED' },
          null,
          'some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
        ),
      );
    } else validateRules(obj, root, errors);
  }
  if (errors.length === 0) return { gvk: g, errors, defaulted: obj, fatal: false, kyvernoMessage: undefined };
  const name = typeof metadata['name'] === 'string' ? metadata['name'] : '';
  return {
    gvk: g,
    errors,
    defaulted: obj,
    fatal: false,
    kyvernoMessage: `failed to validate resource (${groupKind(g)} ${goQuote(name)} is invalid: ${aggregate(errors)})`,
  };
}
