/**
 * The rule part of the API-level validation (api/kyverno/v1/rule_types.go `Rule.Validate`): exactly one
 * rule type, imageExtractors only for verifyImages, match/exclude conflicts, match/exclude blocks,
 * mutate target namespaces, pod security control names and generate blocks.
 */
import { wildcardMatch } from '../utils/wildcard.ts';
import { childPath, fieldInvalid, indexPath, type PolicyValidationError } from './errors.ts';
import { validateGeneration } from './generation.ts';
import { goDeepEqual, goStructJson, isGoZero, MATCH_RESOURCES, RESOURCE_FILTER, RULE } from './go-types.ts';
import { validateMatchResources, type ClusterResources } from './match-resources.ts';
import { validatePodSecurityControlNames } from './pod-security.ts';
import {
  hasGenerate,
  hasMutate,
  hasMutateExisting,
  hasValidate,
  hasVerifyImages,
  obj,
  objects,
  present,
  str,
  strings,
  type Obj,
} from './rule-model.ts';

/** The rule as the bad value of a field error. */
export function ruleJson(rule: Obj): { json: string } {
  return { json: goStructJson(RULE, rule) };
}

/** `Rule.ValidateRuleType` */
export function validateRuleType(rule: Obj, path: string): PolicyValidationError[] {
  const errs: PolicyValidationError[] = [];
  const name = str(rule['name']);
  const count = [hasMutate(rule), hasValidate(rule), hasGenerate(rule), hasVerifyImages(rule)].filter((x) => x).length;
  if (count === 0) {
    errs.push(
      fieldInvalid(path, ruleJson(rule), `No operation defined in the rule '${name}'.(supported operations: mutate,validate,generate,verifyImages)`),
    );
  } else if (count !== 1) {
    errs.push(
      fieldInvalid(
        path,
        ruleJson(rule),
        `Multiple operations defined in the rule '${name}', only one operation (mutate,validate,generate,verifyImages) is allowed per rule`,
      ),
    );
  }
  if (present(rule['imageExtractors']) && !hasVerifyImages(rule)) {
    errs.push(
      fieldInvalid(
        childPath(path, 'imageExtractors'),
        ruleJson(rule),
        `Invalid rule spec for rule '${name}', imageExtractors can only be defined for verifyImages rule`,
      ),
    );
  }
  return errs;
}

function subjectJson(s: Obj): string {
  // rbacv1.Subject: kind, apiGroup,omitempty, name, namespace,omitempty
  const parts = [`"kind":${JSON.stringify(str(s['kind']))}`];
  if (str(s['apiGroup']) !== '') parts.push(`"apiGroup":${JSON.stringify(str(s['apiGroup']))}`);
  parts.push(`"name":${JSON.stringify(str(s['name']))}`);
  if (str(s['namespace']) !== '') parts.push(`"namespace":${JSON.stringify(str(s['namespace']))}`);
  return `{${parts.join(',')}}`;
}

function requirementJson(r: Obj): string {
  const parts = [`"key":${JSON.stringify(str(r['key']))}`, `"operator":${JSON.stringify(str(r['operator']))}`];
  const values = strings(r['values']);
  if (values.length > 0) parts.push(`"values":${JSON.stringify(values)}`);
  return `{${parts.join(',')}}`;
}

function hasAll(set: ReadonlySet<string>, items: readonly string[]): boolean {
  for (const i of items) if (!set.has(i)) return false;
  return true;
}

function stringMapEqual(a: Obj, b: Obj): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (!Object.prototype.hasOwnProperty.call(b, k) || a[k] !== b[k]) return false;
  return true;
}

/**
 * `Rule.ValidateMatchExcludeConflict`: the exclude block provably removes everything the (legacy) match
 * block selects -> "Rule is matching an empty set".
 */
export function validateMatchExcludeConflict(rule: Obj, path: string): PolicyValidationError[] {
  const exclude = obj(rule['exclude']);
  if (!exclude) return [];
  const match = obj(rule['match']) ?? {};
  const conflict = (): PolicyValidationError[] => [fieldInvalid(path, ruleJson(rule), 'Rule is matching an empty set')];
  if (objects(exclude['all']).length > 0 || objects(match['all']).length > 0) return [];
  const matchAny = objects(match['any']);
  const excludeAny = objects(exclude['any']);
  if (matchAny.length > 0 && excludeAny.length > 0) {
    for (const rmr of matchAny) for (const rer of excludeAny) if (goDeepEqual(RESOURCE_FILTER, rmr, rer)) return conflict();
    return [];
  }
  if (isGoZero(MATCH_RESOURCES, exclude)) return [];
  const exRes = obj(exclude['resources']) ?? {};
  const mRes = obj(match['resources']) ?? {};
  const excludeRoles = new Set(strings(exclude['roles']));
  const excludeClusterRoles = new Set(strings(exclude['clusterRoles']));
  const excludeKinds = new Set(strings(exRes['kinds']));
  const excludeNamespaces = new Set(strings(exRes['namespaces']));
  const excludeSubjects = new Set(objects(exclude['subjects']).map(subjectJson));
  const exSelector = obj(exRes['selector']);
  const exNsSelector = obj(exRes['namespaceSelector']);
  const excludeSelectorExprs = new Set(objects(exSelector?.['matchExpressions']).map(requirementJson));
  const excludeNsSelectorExprs = new Set(objects(exNsSelector?.['matchExpressions']).map(requirementJson));

  if (excludeRoles.size > 0) {
    const roles = strings(match['roles']);
    if (roles.length === 0 || !hasAll(excludeRoles, roles)) return [];
  }
  if (excludeClusterRoles.size > 0) {
    const roles = strings(match['clusterRoles']);
    if (roles.length === 0 || !hasAll(excludeClusterRoles, roles)) return [];
  }
  if (excludeSubjects.size > 0) {
    const subjects = objects(match['subjects']);
    if (subjects.length === 0) return [];
    for (const s of subjects) if (!excludeSubjects.has(subjectJson(s))) return [];
  }
  if (str(exRes['name']) !== '') {
    if (!wildcardMatch(str(exRes['name']), str(mRes['name']))) return [];
  }
  const excludeNames = strings(exRes['names']);
  if (excludeNames.length > 0) {
    const matchNames = strings(mRes['names']);
    if (matchNames.length === 0) return [];
    for (const m of matchNames) for (const e of excludeNames) if (wildcardMatch(e, m)) return conflict();
    return [];
  }
  if (excludeNamespaces.size > 0) {
    const ns = strings(mRes['namespaces']);
    if (ns.length === 0 || !hasAll(excludeNamespaces, ns)) return [];
  }
  if (excludeKinds.size > 0) {
    const kinds = strings(mRes['kinds']);
    if (kinds.length === 0 || !hasAll(excludeKinds, kinds)) return [];
  }
  const mSelector = obj(mRes['selector']);
  const mNsSelector = obj(mRes['namespaceSelector']);
  if (mSelector && exSelector) {
    if (excludeSelectorExprs.size > 0) {
      const exprs = objects(mSelector['matchExpressions']);
      if (exprs.length === 0) return [];
      for (const e of exprs) if (!excludeSelectorExprs.has(requirementJson(e))) return [];
    }
    const exLabels = obj(exSelector['matchLabels']) ?? {};
    if (Object.keys(exLabels).length > 0) {
      const mLabels = obj(mSelector['matchLabels']) ?? {};
      if (Object.keys(mLabels).length === 0) return [];
      for (const l of Object.keys(mLabels)) if (str(exLabels[l]) !== str(mLabels[l])) return [];
    }
  }
  if (mNsSelector && exNsSelector) {
    if (excludeNsSelectorExprs.size > 0) {
      const exprs = objects(mNsSelector['matchExpressions']);
      if (exprs.length === 0) return [];
      for (const e of exprs) if (!excludeNsSelectorExprs.has(requirementJson(e))) return [];
    }
    const exLabels = obj(exNsSelector['matchLabels']) ?? {};
    if (Object.keys(exLabels).length > 0) {
      const mLabels = obj(mNsSelector['matchLabels']) ?? {};
      if (Object.keys(mLabels).length === 0) return [];
      for (const l of Object.keys(mLabels)) if (str(exLabels[l]) !== str(mLabels[l])) return [];
    }
  }
  if ((!mSelector && exSelector) || (mSelector && !exSelector)) return [];
  if ((!mNsSelector && exNsSelector) || (mNsSelector && !exNsSelector)) return [];
  const mAnn = obj(mRes['annotations']);
  const exAnn = obj(exRes['annotations']);
  if (mAnn && exAnn && !stringMapEqual(mAnn, exAnn)) return [];
  if ((!mAnn && exAnn) || (mAnn && !exAnn)) return [];
  return conflict();
}

/** `Rule.ValidateMutationRuleTargetNamespace`: a namespaced policy mutates only its own namespace. */
export function validateMutationTargetNamespace(rule: Obj, path: string, namespaced: boolean, policyNamespace: string): PolicyValidationError[] {
  if (!hasMutateExisting(rule) || !namespaced) return [];
  const errs: PolicyValidationError[] = [];
  objects(obj(rule['mutate'])?.['targets']).forEach((target, idx) => {
    const ns = str(target['namespace']);
    if (ns !== '' && ns !== policyNamespace) {
      errs.push(
        fieldInvalid(
          childPath(indexPath(childPath(path, 'targets'), idx), 'namespace'),
          ns,
          'This field can be ignored or should have value of the namespace where the policy is being created',
        ),
      );
    }
  });
  return errs;
}

/** `Rule.Validate(path, namespaced, policyNamespace, clusterResources)` */
export function validateRuleSpec(
  rule: Obj,
  path: string,
  namespaced: boolean,
  policyNamespace: string,
  clusterResources: ClusterResources,
  warnings: string[],
): PolicyValidationError[] {
  const errs: PolicyValidationError[] = [];
  errs.push(...validateRuleType(rule, path));
  errs.push(...validateMatchExcludeConflict(rule, path));
  errs.push(...validateMatchResources(obj(rule['match']) ?? {}, childPath(path, 'match'), namespaced, clusterResources));
  errs.push(...validateMatchResources(obj(rule['exclude']), childPath(path, 'exclude'), namespaced, clusterResources));
  errs.push(...validateMutationTargetNamespace(rule, path, namespaced, policyNamespace));
  errs.push(...validatePodSecurityControlNames(rule, path));
  if (hasGenerate(rule)) {
    errs.push(...validateGeneration(obj(rule['generate']) ?? {}, path, namespaced, policyNamespace, clusterResources, warnings));
  }
  return errs;
}
