/**
 * `validateResources` of pkg/validation/policy/validate.go: exclude user info, mixing any/all with the
 * legacy inline form, empty match filters, and the condition checks of preconditions, deny,
 * validate/mutate foreach and image verification. Returns `[relative path, message]` on error; the
 * caller reports `path: spec.rules[i].<path>: <message>`.
 */
import { formatPolicyError } from './errors.ts';
import { isGoZero, RESOURCE_DESCRIPTION } from './go-types.ts';
import { validateUserInfo } from './match-resources.ts';
import {
  conditionsAt,
  validateAnyAllOperators,
  validateConditionValues,
  validateOperators,
  type ConditionError,
} from './conditions.ts';
import { denyConditions, getForEach, hasValidateImageVerification, obj, objects, ruleConditions, type Obj } from './rule-model.ts';

function validateValidationForEach(foreach: Obj[], schemaKey: string): ConditionError | undefined {
  for (const fe of foreach) {
    const pre = obj(fe['preconditions']);
    if (pre) {
      const e = validateAnyAllOperators(pre, 'conditions');
      if (e) return [`${schemaKey}.${e[0]}`, e[1]];
    }
    const deny = obj(fe['deny']);
    if (deny) {
      const target = denyConditions(deny);
      if (target !== undefined) {
        const e = validateOperators(target, 'conditions');
        if (e) return [`${schemaKey}.deny.${e[0]}`, e[1]];
      }
    }
    const nested = getForEach(fe);
    if (nested && nested.length > 0) {
      const e = validateValidationForEach(nested, schemaKey);
      if (e) return [`${schemaKey}.${e[0]}`, e[1]];
    }
  }
  return undefined;
}

function validateMutationForEach(foreach: Obj[], schemaKey: string): ConditionError | undefined {
  for (const fe of foreach) {
    const pre = obj(fe['preconditions']);
    if (pre) {
      const e = validateAnyAllOperators(pre, 'conditions');
      if (e) return [`${schemaKey}.${e[0]}`, e[1]];
    }
    const nested = getForEach(fe);
    if (nested && nested.length > 0) {
      const e = validateMutationForEach(nested, schemaKey);
      if (e) return [`${schemaKey}.${e[0]}`, e[1]];
    }
  }
  return undefined;
}

/** `validateResources(path, rule)`; `rulePath` is `spec.rules[i]`. */
export function validateResources(rulePath: string, rule: Obj): ConditionError | undefined {
  const exclude = obj(rule['exclude']);
  if (exclude) {
    const errs = validateUserInfo(exclude, `${rulePath}.exclude`);
    if (errs.length > 0) return ['exclude', formatPolicyError(errs)];
    if ((objects(exclude['any']).length > 0 || objects(exclude['all']).length > 0) && !isGoZero(RESOURCE_DESCRIPTION, exclude['resources'])) {
      return ['exclude.', "can't specify any/all together with exclude resources"];
    }
    if (objects(exclude['any']).length > 0 && objects(exclude['all']).length > 0) return ['match.', "can't specify any and all together"];
  }
  const match = obj(rule['match']) ?? {};
  const matchAny = objects(match['any']);
  const matchAll = objects(match['all']);
  if ((matchAny.length > 0 || matchAll.length > 0) && !isGoZero(RESOURCE_DESCRIPTION, match['resources'])) {
    return ['match.', "can't specify any/all together with match resources"];
  }
  const filters = matchAny.length > 0 ? matchAny.map((f) => f['resources']) : matchAll.length > 0 ? matchAll.map((f) => f['resources']) : [match['resources']];
  for (const rd of filters) if (isGoZero(RESOURCE_DESCRIPTION, rd)) return ['match.resources.', 'match resources not specified'];

  const pre = ruleConditions(rule);
  if (pre !== undefined) {
    const e = validateConditionValues(pre, 'preconditions') ?? validateOperators(pre, 'preconditions');
    if (e) return [`validate.${e[0]}`, e[1]];
  }
  const validate = obj(rule['validate']);
  if (validate) {
    const deny = obj(validate['deny']);
    if (deny) {
      const target = denyConditions(deny);
      if (target !== undefined) {
        const e = validateConditionValues(target, 'conditions') ?? validateOperators(target, 'conditions');
        if (e) return [`validate.deny.${e[0]}`, e[1]];
      }
    }
    const foreach = getForEach(validate);
    if (foreach && foreach.length > 0) {
      const e = validateValidationForEach(foreach, 'validate.foreach');
      if (e) return e;
    }
  }
  const mutate = obj(rule['mutate']);
  if (mutate) {
    const foreach = getForEach(mutate);
    if (foreach && foreach.length > 0) {
      const e = validateMutationForEach(foreach, 'mutate.foreach');
      if (e) return e;
    }
  }
  const ivs = objects(rule['verifyImages']);
  for (const iv of ivs) {
    for (const att of objects(iv['attestations'])) {
      for (const c of objects(att['conditions'])) {
        const e = validateAnyAllOperators(c, 'conditions');
        if (e) return [`verifyImages.attestations.${e[0]}`, e[1]];
      }
    }
    if (hasValidateImageVerification(rule)) {
      const target = conditionsAt(obj(obj(iv['validate'])?.['deny'])?.['conditions']);
      if (target !== undefined) {
        const e = validateConditionValues(target, 'conditions') ?? validateOperators(target, 'conditions');
        if (e) return [`imageVerify.validate.deny.${e[0]}`, e[1]];
      }
    }
  }
  return undefined;
}
