/**
 * Checks of a `generate` rule (pkg/policy/generate/validate.go with the offline fake authorizer, and
 * the kind check of pkg/validation/policy/actions.go): no wildcards in the cloneList selector, no anchors
 * in `data`, and the generated kind may not be one of the (legacy) matched kinds.
 *
 * With a cluster Kyverno also checks that its service accounts may create/update/delete the generated
 * kinds; that needs SubjectAccessReviews, so the admission server answers it (`generatePermissions` of
 * validatePolicy, src/server/admission/generate-permissions.ts).
 */
import type { JsonValue } from '../api/json.ts';
import { isObject } from '../api/json.ts';
import { hasWildcard } from '../utils/wildcard.ts';
import { validatePattern } from './pattern.ts';
import { obj, present, str, strings, type Obj } from './rule-model.ts';

function anyStringHasWildcard(v: JsonValue | undefined): boolean {
  if (typeof v === 'string') return hasWildcard(v);
  if (Array.isArray(v)) return v.some(anyStringHasWildcard);
  if (isObject(v)) return Object.keys(v).some((k) => hasWildcard(k) || anyStringHasWildcard(v[k]));
  return false;
}

/**
 * `Generate.Validate`: `[path, message]` (path relative to `generate.`) or undefined.
 * `offline` is the `mock` mode of `kyverno apply/test`, where the rule seen by the checker holds only
 * the generate block (so celPreconditions are not looked at).
 */
export function validateGenerateRule(rule: Obj, offline: boolean): readonly [string, string] | undefined {
  const g = obj(rule['generate']) ?? {};
  const selector = obj(obj(g['cloneList'])?.['selector']);
  if (selector && anyStringHasWildcard(selector)) return ['selector', 'wildcard characters `*/?` not supported'];
  if (!offline && Array.isArray(rule['celPreconditions'])) return ['', 'celPrecondition can only be used with validate.cel'];
  const data = g['data'];
  if (present(data)) {
    const e = validatePattern(data, '/', undefined);
    if (e) return [`data.${e[0]}`, `anchors not supported on generate resources: ${e[1]}`];
  }
  return undefined;
}

/** actions.go: the generated kind may not be one of the rule's legacy `match.resources.kinds`. */
export function generateKindError(rule: Obj): string | undefined {
  const kind = str(obj(rule['generate'])?.['kind']);
  const kinds = strings(obj(obj(rule['match'])?.['resources'])?.['kinds']);
  return kinds.includes(kind) ? 'generation kind and match resource kind should not be the same' : undefined;
}
