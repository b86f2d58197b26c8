/**
 * Strategic merge patch as Kyverno applies it: kustomize's `patchstrategicmerge` filter (kyaml merge2,
 * see merge-walker.ts) run through `filtersutil.ApplyToJSON`.
 *
 * Semantics in short (all from kyaml, not from the apiserver's strategic merge):
 * - maps merge recursively; a `null` in the patch deletes the field;
 * - lists whose schema (kyaml's built-in Kubernetes 1.21 OpenAPI, found from the resource's
 *   apiVersion/kind) has patch strategy `merge` are merged by their merge keys (containers/env/volumes by
 *   `name`, ports by `containerPort`+`protocol`, volumeMounts by `mountPath`, ...); new elements are put
 *   *before* the existing ones; primitive merge lists (finalizers) are unioned;
 * - all other lists (including every list of a CRD) are replaced by the patch's list;
 * - `$patch: replace|delete|merge` in maps and keyed lists; `$retainKeys`, `$setElementOrder/...` and
 *   `$deleteFromPrimitiveList/...` are not understood and are copied as ordinary fields;
 * - a scalar replacing an existing string field becomes a string (kyaml keeps the old node's style).
 *
 * Example: resource Pod with containers `[{name: a, image: x}]`, patch
 * `{spec: {containers: [{name: b, image: y}, {name: a, image: z}]}}` -> containers
 * `[{name: b, image: y}, {name: a, image: z}]`.
 */
import type { JsonObject, JsonValue } from '../../api/json.ts';
import { errorIfInvalid, nodeFromJson, nodeToJson, type YNode } from './kyaml-node.ts';
import { mergeNodes } from './merge-walker.ts';
import { PatchError } from './patch-error.ts';
import { matchPatternCondition, preprocessPatchNode, type ConditionMatcher } from './strategic-preprocessing.ts';

/**
 * Applies a strategic merge patch (no Kyverno anchors: see `processStrategicMergePatch`) to a resource.
 * The inputs are not modified. Throws PatchError with kyaml's message on failure.
 */
export function strategicMergePatch(resource: JsonObject, patch: JsonValue): JsonObject {
  return mergePatchNode(resource, nodeFromJson(patch));
}

/** Merges an already parsed patch node (consumed: it is modified) into a copy of the resource. */
export function mergePatchNode(resource: JsonObject, patch: YNode): JsonObject {
  const dest = nodeFromJson(resource);
  const result = mergeNodes(patch, dest);
  if (result === undefined) throw new PatchError('OBJECT_DELETED', 'filter cannot create or delete objects');
  errorIfInvalid(result, 'map');
  const dup = firstDuplicateKey(result);
  if (dup !== undefined) {
    // the result is decoded from its YAML text, and yaml.v3 refuses duplicate keys
    // (line numbers are approximated: Kyverno's documents are single-line flow YAML)
    throw new PatchError('YAML_DECODE', `yaml: unmarshal errors:\n  line 1: mapping key "${dup}" already defined at line 1`);
  }
  const out = nodeToJson(result);
  // ApplyToJSON decodes the result into a map; a null document decodes to an empty map
  return out !== null && typeof out === 'object' && !Array.isArray(out) ? out : {};
}

/** A key that occurs twice in one map (anchor preprocessing can produce them), depth first. */
function firstDuplicateKey(n: YNode): string | undefined {
  if (n.kind === 'scalar') return undefined;
  if (n.kind === 'map') {
    const seen = new Set<string>();
    for (const e of n.content) {
      if (seen.has(e.key)) return e.key;
      seen.add(e.key);
    }
    for (const e of n.content) {
      const d = firstDuplicateKey(e.value);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  for (const e of n.content) {
    const d = firstDuplicateKey(e);
    if (d !== undefined) return d;
  }
  return undefined;
}

/** Result of `processStrategicMergePatch`. */
export interface StrategicMergeResult {
  /** the patched resource (a new object; equal to the input when nothing applied) */
  resource: JsonObject;
  /** an anchor condition failed: the patch was emptied, the rule does not apply */
  skipped: boolean;
  /** the failed condition (`condition failed: ...` / `global condition failed: ...`) */
  reason?: string;
}

/**
 * Kyverno's `ProcessStrategicMergePatch`: anchor preprocessing of `overlay` against the resource, then
 * the kyaml merge. Condition anchors that fail empty the patch (`skipped`); other failures throw
 * PatchError (`failed to preProcess rule: ...`, or kyaml's merge error). `matcher` is the condition check
 * (default: the validate pattern language, as Kyverno).
 */
export function processStrategicMergePatch(
  resource: JsonObject,
  overlay: JsonValue,
  matcher: ConditionMatcher = matchPatternCondition,
): StrategicMergeResult {
  const pre = preprocessPatchNode(nodeFromJson(overlay), nodeFromJson(resource), matcher);
  const out = mergePatchNode(resource, pre.patch);
  return pre.skipped ? { resource: out, skipped: true, reason: pre.reason as string } : { resource: out, skipped: false };
}
