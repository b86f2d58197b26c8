/**
 * Mutation primitives (kyverno pkg/engine/mutate/patch): strategic merge patch with Kyverno's anchors
 * (kustomize/kyaml semantics), RFC 6902 JSON patches (evanphx/json-patch v5 with Kyverno's options)
 * and the JSON patch diff used in admission responses.
 */
export { strategicMergePatch, processStrategicMergePatch } from './strategic-merge.ts';
export type { StrategicMergeResult } from './strategic-merge.ts';
export { preprocessStrategicMergePatch, matchPatternCondition } from './strategic-preprocessing.ts';
export type { ConditionMatcher } from './strategic-preprocessing.ts';
export { applyJson6902, applyJson6902Detailed, decodeJson6902 } from './json6902.ts';
export type { Json6902Result } from './json6902.ts';
export { createJsonPatch } from './json-patch-diff.ts';
export type { JsonPatchOperation } from './json-patch-diff.ts';
export { mergeKeysFor, schemaForResourceType } from './merge-keys.ts';
export { PatchError } from './patch-error.ts';
export type { PatchErrorReason } from './patch-error.ts';
