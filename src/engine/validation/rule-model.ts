/**
 * Reading a decoded rule the way Kyverno's Go types see it (api/kyverno/v1/rule_types.go): `null` and
 * absent are both nil, an empty list is not nil, and the `Has*` predicates compare against zero structs.
 */
import { isObject, type JsonObject, type JsonValue } from '../api/json.ts';
import { CEL, GENERATION, IMAGE_VERIFICATION, isGoZero, MUTATION, VALIDATE_IMAGE_VERIFICATION, VALIDATION } from './go-types.ts';

export type Obj = JsonObject;

/** The object at `v`, or undefined for anything else (nil). */
export function obj(v: JsonValue | undefined): Obj | undefined {
  return isObject(v) ? v : undefined;
}

/** The list at `v`, or undefined (nil). */
export function list(v: JsonValue | undefined): JsonValue[] | undefined {
  return Array.isArray(v) ? v : undefined;
}

/** The objects of the list at `v` (non-objects read as empty structs, like Go zero values). */
export function objects(v: JsonValue | undefined): Obj[] {
  const l = list(v);
  if (!l) return [];
  return l.map((e) => obj(e) ?? {});
}

/** The strings of the list at `v`. */
export function strings(v: JsonValue | undefined): string[] {
  const l = list(v);
  if (!l) return [];
  return l.map((e) => (typeof e === 'string' ? e : ''));
}

/** The string at `v` ('' when absent). */
export function str(v: JsonValue | undefined): string {
  return typeof v === 'string' ? v : '';
}

/** true when `v` is neither absent nor `null` (a non-nil pointer). */
export function present(v: JsonValue | undefined): v is JsonValue {
  return v !== undefined && v !== null;
}

export function hasMutate(rule: Obj): boolean {
  return present(rule['mutate']) && !isGoZero(MUTATION, rule['mutate']);
}

export function hasMutateExisting(rule: Obj): boolean {
  const m = obj(rule['mutate']);
  return m !== undefined && Array.isArray(m['targets']);
}

export function hasValidate(rule: Obj): boolean {
  return present(rule['validate']) && !isGoZero(VALIDATION, rule['validate']);
}

export function hasGenerate(rule: Obj): boolean {
  return present(rule['generate']) && !isGoZero(GENERATION, rule['generate']);
}

export function hasVerifyImages(rule: Obj): boolean {
  for (const iv of list(rule['verifyImages']) ?? []) if (!isGoZero(IMAGE_VERIFICATION, iv)) return true;
  return false;
}

/** some verifyImages entry has a non-empty `validate` block */
export function hasValidateImageVerification(rule: Obj): boolean {
  if (!hasVerifyImages(rule)) return false;
  for (const iv of objects(rule['verifyImages'])) if (!isGoZero(VALIDATE_IMAGE_VERIFICATION, iv['validate'])) return true;
  return false;
}

export function hasValidateCEL(rule: Obj): boolean {
  const cel = obj(rule['validate'])?.['cel'];
  return present(cel) && !isGoZero(CEL, cel);
}

/** `validate.podSecurity` is set (even empty) */
export function isPodSecurity(rule: Obj): boolean {
  const v = obj(rule['validate']);
  return v !== undefined && present(v['podSecurity']);
}

/** the rule's preconditions: a legacy condition list, an `{any, all}` object, or undefined */
export function ruleConditions(rule: Obj): JsonValue[] | Obj | undefined {
  const c = rule['preconditions'];
  if (Array.isArray(c)) return c;
  return obj(c);
}

/** `MatchResources.GetKinds()`: legacy kinds, then all[], then any[] */
export function matchKinds(match: Obj | undefined): string[] {
  if (!match) return [];
  const out = [...strings(obj(match['resources'])?.['kinds'])];
  for (const f of objects(match['all'])) out.push(...strings(obj(f['resources'])?.['kinds']));
  for (const f of objects(match['any'])) out.push(...strings(obj(f['resources'])?.['kinds']));
  return out;
}

/** `validate.pattern` (nil when absent or null) */
export function getPattern(v: Obj | undefined): JsonValue | undefined {
  const p = v?.['pattern'];
  return present(p) ? p : undefined;
}

export function getAnyPattern(v: Obj | undefined): JsonValue | undefined {
  const p = v?.['anyPattern'];
  return present(p) ? p : undefined;
}

/** the `foreach` list of a validate/mutate block or of a nested foreach (nil when absent) */
export function getForEach(v: Obj | undefined): Obj[] | undefined {
  const l = list(v?.['foreach']);
  return l ? l.map((e) => obj(e) ?? {}) : undefined;
}

/** deny.conditions: a legacy list, an `{any, all}` object, or undefined */
export function denyConditions(deny: Obj | undefined): JsonValue[] | Obj | undefined {
  const c = deny?.['conditions'];
  if (Array.isArray(c)) return c;
  return obj(c);
}
