/**
 * Kyverno's patchers (pkg/engine/mutate/mutation.go NewPatcher): a strategic merge patch (with anchor
 * preprocessing; anchor conditions are checked with the validate pattern matcher) when present, else the
 * RFC 6902 patches. Throws PatchError when a patch cannot apply.
 */
import { isObject, type JsonObject, type JsonValue } from '../api/json.ts';
import { matchPattern } from '../pattern/validate.ts';
import { applyJson6902, processStrategicMergePatch, PatchError } from './patch/index.ts';

const conditionMatcher = (resource: JsonValue, pattern: JsonValue): string | undefined => {
  const r = matchPattern(resource, pattern);
  return r.ok ? undefined : r.message;
};

export function applyPatcher(resource: JsonObject, patchStrategicMerge: JsonValue | undefined, patchesJson6902: string | undefined): JsonObject {
  if (patchStrategicMerge !== undefined && patchStrategicMerge !== null) {
    return processStrategicMergePatch(resource, patchStrategicMerge, conditionMatcher).resource;
  }
  if (patchesJson6902) {
    const out = applyJson6902(resource, patchesJson6902);
    if (!isObject(out)) throw new PatchError('NOT_AN_OBJECT' as never, 'patched document is not an object');
    return out;
  }
  return resource;
}
