/**
 * Checks of a `mutate` rule (pkg/policy/mutate/validate.go): one of foreach, patchStrategicMerge,
 * patchesJson6902; every foreach item has exactly one patch, or only a nested foreach;
 * celPreconditions are not allowed. Returns `[path, message]` (path relative to `mutate.`).
 *
 * The RBAC check of mutate-existing targets for the background service account needs a cluster and is
 * not done here.
 */
import { getForEach, obj, present, str, type Obj } from './rule-model.ts';

function validateForEach(tag: string, foreach: readonly Obj[]): readonly [string, string] | undefined {
  for (let i = 0; i < foreach.length; i++) {
    const fe = foreach[i] as Obj;
    tag = `${tag}foreach[${i}]`;
    const nested = getForEach(fe);
    if (nested && nested.length > 0) {
      if (present(fe['context']) || present(fe['preconditions']) || str(fe['patchesJson6902']) !== '' || present(fe['patchStrategicMerge'])) {
        return [tag, 'a nested foreach cannot contain other declarations'];
      }
      return validateForEach(tag, nested);
    }
    const hasJson = str(fe['patchesJson6902']) !== '';
    const hasPsm = present(fe['patchStrategicMerge']);
    if (hasJson === hasPsm) return [tag, 'only one of `patchStrategicMerge` or `patchesJson6902` is allowed'];
  }
  return undefined;
}

/** `Mutate.Validate`: `[path, message]` or undefined. */
export function validateMutateRule(rule: Obj): readonly [string, string] | undefined {
  const m = obj(rule['mutate']) ?? {};
  const foreach = getForEach(m) ?? [];
  const hasPsm = present(m['patchStrategicMerge']);
  const hasJson = str(m['patchesJson6902']) !== '';
  if (foreach.length > 0) {
    if (hasPsm || hasJson) return ['foreach', 'only one of `foreach`, `patchStrategicMerge`, or `patchesJson6902` is allowed'];
    return validateForEach('', foreach);
  }
  if (hasJson && hasPsm) return ['foreach', 'only one of `patchStrategicMerge` or `patchesJson6902` is allowed'];
  if (Array.isArray(rule['celPreconditions'])) return ['', 'celPrecondition can only be used with validate.cel'];
  return undefined;
}
