/**
 * Kyverno's patchers (pkg/engine/mutate/mutation.go NewPatcher): a strategic merge patch (with anchor
 * preprocessing; anchor conditions are checked with the validate pattern matcher) when present, else the
 * RFC 6902 patches. Throws PatchError when a patch cannot apply.
 */
import { deepEqual, isObject, type JsonObject, type JsonValue } from '../api/json.ts';
import { applyJson6902Detailed, matchPatternCondition, PatchError, processStrategicMergePatch } from './patch/index.ts';

export interface PatchOutcome {
  resource: JsonObject;
  /** Kyverno compares the marshalled bytes: a JSON 6902 patch rewriting `1` as `1.0` counts as a change */
  changed: boolean;
}

export function applyPatcher(resource: JsonObject, patchStrategicMerge: JsonValue | undefined, patchesJson6902: string | undefined): PatchOutcome {
  if (patchStrategicMerge !== undefined && patchStrategicMerge !== null) {
    const r = processStrategicMergePatch(resource, patchStrategicMerge, matchPatternCondition).resource;
    return { resource: r, changed: !deepEqual(resource, r) };
  }
  if (patchesJson6902) {
    const out = applyJson6902Detailed(resource, patchesJson6902);
    if (!isObject(out.result)) throw new PatchError('NOT_AN_OBJECT', 'patched document is not an object');
    return { resource: out.result, changed: out.changed };
  }
  return { resource, changed: false };
}
