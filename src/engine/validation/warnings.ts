/**
 * Non-blocking findings of policy validation (pkg/validation/policy/validate.go): deprecated
 * lower-case failure actions, JSON patches on Pods, Pod rules with partial autogen, `replicas` /
 * `status` without the matching subresource, deprecated operators.
 */
import { podControllerAutoGenExclusion } from '../autogen/index.ts';
import type { KyvernoPolicy } from '../api/policy.ts';
import { conditionsAt, deprecatedOperatorWarnings } from './conditions.ts';
import type { JsonValue } from '../api/json.ts';
import { goStructJson, MUTATION, VALIDATE_IMAGE_VERIFICATION, VALIDATION } from './go-types.ts';
import {
  denyConditions,
  getForEach,
  hasMutate,
  hasValidate,
  hasValidateImageVerification,
  hasVerifyImages,
  matchKinds,
  obj,
  objects,
  present,
  str,
  strings,
  type Obj,
} from './rule-model.ts';

const FAILURE_ACTION_DEPRECATED = 'Validation failure actions enforce/audit are deprecated, use Enforce/Audit instead.';

/** `checkValidationFailureAction`: a warning when `enforce`/`audit` (lower case) is used. */
export function failureActionWarnings(action: string, overrides: readonly Obj[]): string[] {
  if (action === 'enforce' || action === 'audit') return [FAILURE_ACTION_DEPRECATED];
  for (const o of overrides) {
    const a = str(o['action']);
    if (a === 'enforce' || a === 'audit') return [FAILURE_ACTION_DEPRECATED];
  }
  return [];
}

/** `jsonPatchOnPod` */
export function jsonPatchOnPodWarning(rule: Obj): string | undefined {
  if (!hasMutate(rule)) return undefined;
  const kinds = strings(obj(obj(rule['match'])?.['resources'])?.['kinds']);
  if (kinds.includes('Pod') && str(obj(rule['mutate'])?.['patchesJson6902']) !== '') {
    return 'Pods managed by workload controllers should not be directly mutated using policies. Use the autogen feature or write policies that match Pod controllers.';
  }
  return undefined;
}

const VERSION_RE = /^(v\d+((alpha|beta)\d+)?|\*)$/;

/** `kubeutils.GetKindFromGVK` (kind part) then `SplitSubresource` (kind part): `apps/v1/Deployment/scale` -> `Deployment`. */
function bareKind(gvk: string): string {
  const parts = gvk.split('/');
  const sub = (s: string): string => s.replace('.', '/');
  let k: string;
  switch (parts.length) {
    case 1:
      k = sub(gvk);
      break;
    case 2:
      k = parts[0] === '*' && parts[1] === '*' ? '*/*' : VERSION_RE.test(parts[0] as string) ? sub(parts[1] as string) : gvk;
      break;
    case 3:
      k = VERSION_RE.test(parts[0] as string) ? `${parts[1]}/${parts[2]}` : sub(parts[2] as string);
      break;
    case 4:
      k = `${parts[2]}/${parts[3]}`;
      break;
    default:
      k = '';
  }
  const kp = k.split('/');
  return kp.length === 2 ? (kp[0] as string) : k;
}

/** The warning for a rule that matches only Pods while autogen covers some controllers only. */
export function autogenExclusionWarning(policy: KyvernoPolicy, rule: Obj): string | undefined {
  const types = new Set(matchKinds(obj(rule['match'])).map(bareKind));
  if (types.size === 1 && types.has('Pod') && podControllerAutoGenExclusion(policy)) {
    return (
      'Policies that match Pods apply to all Pods including those created and managed by controllers ' +
      'excluded from autogen. Use preconditions to exclude the Pods managed by controllers which are ' +
      'excluded from autogen. Refer to https://kyverno.io/docs/policy-types/cluster-policy/autogen/ for details.'
    );
  }
  return undefined;
}

/** `checkForScaleSubresource` + `checkForStatusSubresource` on a serialized rule body. */
export function subresourceWarnings(json: string, kinds: readonly string[], warnings: string[]): void {
  if (json.includes('replicas') && !kinds.some((k) => k.toLowerCase().includes('scale'))) {
    warnings.push('You are matching on replicas but not including the scale subresource in the policy.');
  }
  if ((json.includes('.status') || json.includes('"status":')) && !kinds.some((k) => k.toLowerCase().includes('status'))) {
    warnings.push('You are matching on status but not including the status subresource in the policy.');
  }
}

/** A validate block with its deny conditions dropped (as Kyverno serializes it for these checks). */
function withoutDenyConditions(v: JsonValue | undefined): JsonValue | undefined {
  const o = obj(v);
  if (!o || !present(o['deny'])) return v;
  return { ...o, deny: {} };
}

/** The kinds of the rule's match and exclude blocks (`GetKinds()` of both). */
export function ruleKinds(rule: Obj): string[] {
  const kinds = [...matchKinds(obj(rule['match']))];
  const exclude = obj(rule['exclude']);
  if (exclude) kinds.push(...matchKinds(exclude));
  return kinds;
}

/** Subresource warnings of a validate rule. */
export function validateSubresourceWarnings(rule: Obj, kinds: readonly string[], warnings: string[]): void {
  if (hasValidate(rule)) subresourceWarnings(goStructJson(VALIDATION, withoutDenyConditions(rule['validate'])), kinds, warnings);
}

/** Subresource warnings of a mutate rule; the target kinds are added to `kinds`. */
export function mutateSubresourceWarnings(rule: Obj, kinds: string[], warnings: string[]): void {
  if (!hasMutate(rule)) return;
  const mutate = obj(rule['mutate']) ?? {};
  for (const t of objects(mutate['targets'])) kinds.push(str(t['kind']));
  subresourceWarnings(goStructJson(MUTATION, mutate), kinds, warnings);
}

/** Deprecated-field and subresource warnings of a verifyImages rule. */
export function verifyImagesWarnings(rule: Obj, kinds: readonly string[], warnings: string[]): void {
  if (!hasVerifyImages(rule)) return;
  deprecatedPredicateTypeWarnings(rule, warnings);
  if (!hasValidateImageVerification(rule)) return;
  for (const iv of objects(rule['verifyImages'])) {
    subresourceWarnings(goStructJson(VALIDATE_IMAGE_VERIFICATION, withoutDenyConditions(iv['validate'])), kinds, warnings);
  }
}

function deprecatedPredicateTypeWarnings(rule: Obj, warnings: string[]): void {
  for (const iv of objects(rule['verifyImages'])) {
    for (const att of objects(iv['attestations'])) {
      const pt = str(att['predicateType']);
      if (pt !== '') warnings.push(`predicateType has been deprecated use 'type: ${pt}' instead of 'predicateType: ${pt}'`);
    }
  }
}

/** `checkForDeprecatedOperatorsInRule` */
export function deprecatedOperatorsInRule(rule: Obj, warnings: string[]): void {
  const validate = obj(rule['validate']);
  if (validate) {
    const deny = obj(validate['deny']);
    if (deny) deprecatedOperatorWarnings(denyConditions(deny), warnings);
    for (const fe of getForEach(validate) ?? []) {
      const pre = obj(fe['preconditions']);
      if (pre) deprecatedOperatorWarnings(pre, warnings);
      const feDeny = obj(fe['deny']);
      if (feDeny) deprecatedOperatorWarnings(denyConditions(feDeny), warnings);
    }
  }
  for (const iv of objects(rule['verifyImages'])) {
    for (const att of objects(iv['attestations'])) for (const c of objects(att['conditions'])) deprecatedOperatorWarnings(conditionsAt(c), warnings);
  }
}
