/**
 * The two mutation kinds of MutatingPolicies and MutatingAdmissionPolicies (k8s.io/apiserver
 * pkg/admission/plugin/policy/mutating/patch, Kyverno pkg/cel/policies/mpol/compiler applyconfig.go /
 * json.go): turning an expression's value into the next version of the object.
 *
 * - ApplyConfiguration: the value must be an `Object{...}` whose nested type names follow the field path
 *   (`type mismatch: ...`); it is merged into the object with structured-merge-diff apply semantics for the
 *   object's type (`error applying patch: ...`).
 * - JSONPatch: the list of `JSONPatch{...}` operations is applied with evanphx/json-patch v4 semantics
 *   (`JSON Patch: ...`); a failed `test` operation leaves the object unchanged.
 */
import { isObject, type JsonObject, type JsonValue } from '../api/json.ts';
import { applyJsonPatchV4, JsonPatchError, type JsonPatchOp } from './json-patch-v4.ts';
import { checkTypeNames, JsonPatchVal, mutationValueToJson, ObjectVal, objectValToJson, RootObjectVal } from './mutation-library.ts';
import { applyStructuredMergeDiff } from './ssa/apply.ts';
import type { TypeConverter } from './ssa/schema.ts';

/** Output types a JSONPatch expression may have (JSONPatch values are typed dyn, see mutation-library.ts). */
export const JSON_PATCH_OUTPUT: readonly string[] = ['list(dyn)', 'list(JSONPatch)'];

export type PatchResult = { object: JsonObject } | { error: string };

/** Applies the value of an ApplyConfiguration expression to `object`. */
export function applyConfigurationPatch(value: unknown, object: JsonObject, tc: TypeConverter | undefined, allowAtomics: boolean): PatchResult {
  if (!(value instanceof RootObjectVal)) return { error: `unsupported return type from ApplyConfiguration expression: ${describe(value)}` };
  const mismatch = checkTypeNames(value);
  if (mismatch) return { error: `type mismatch: ${mismatch}` };
  const patch = objectValToJson(value);
  patch['apiVersion'] = object['apiVersion'] ?? '';
  patch['kind'] = object['kind'] ?? '';
  if (patch['apiVersion'] === '') delete patch['apiVersion'];
  if (patch['kind'] === '') delete patch['kind'];
  const r = applyStructuredMergeDiff(tc, object, patch, allowAtomics);
  if ('error' in r) return { error: `error applying patch: ${r.error}` };
  return { object: r.object };
}

function describe(v: unknown): string {
  if (v instanceof ObjectVal) return v.typeName;
  if (v instanceof JsonPatchVal) return 'JSONPatch';
  if (v === null) return 'null_type';
  if (Array.isArray(v)) return 'list';
  return typeof v;
}

/** The operations of a JSONPatch expression value, or the first construction/conversion problem. */
export function jsonPatchOperations(value: unknown): JsonPatchOp[] | { error: string } {
  if (!Array.isArray(value)) return { error: 'type mismatch: JSONPatchType.expression should evaluate to array' };
  const ops: JsonPatchOp[] = [];
  for (const v of value) {
    if (!(v instanceof JsonPatchVal)) {
      return { error: `type mismatch: JSONPatchType.expression should evaluate to array of JSONPatch: unsupported type conversion` };
    }
    if (v.problem) return { error: v.problem };
    const op: JsonPatchOp = { op: v.op, path: v.path };
    if (v.from !== '') op.from = v.from;
    if (v.value !== undefined) {
      if (v.value instanceof ObjectVal) {
        const mismatch = checkTypeNames(v.value);
        if (mismatch) return { error: `type mismatch: ${mismatch}` };
      }
      op.value = mutationValueToJson(v.value);
    }
    ops.push(op);
  }
  return ops;
}

/** Applies the value of a JSONPatch expression to `object`. */
export function jsonPatchPatch(value: unknown, object: JsonObject): PatchResult {
  const ops = jsonPatchOperations(value);
  if (!Array.isArray(ops)) return ops;
  let out: JsonObject | JsonValue[];
  try {
    out = applyJsonPatchV4(object, ops);
  } catch (e) {
    if (e instanceof JsonPatchError) {
      if (e.code === 'TEST_FAILED') return { object };
      return { error: `JSON Patch: ${e.message}` };
    }
    throw e;
  }
  if (!isObject(out)) return { error: 'Internal error occurred: json: cannot unmarshal array into Go value of type map[string]interface {}' };
  if (typeof out['kind'] !== 'string' || out['kind'] === '') {
    return { error: `Internal error occurred: Object 'Kind' is missing in '${JSON.stringify(out)}'` };
  }
  return { object: out };
}
