/**
 * Static checks of `match` / `exclude` blocks (api/kyverno/v1 `MatchResources.Validate`,
 * `ResourceDescription.Validate`, `UserInfo.Validate`, `UserInfo.ValidateNoUserInfo`; v2beta1 for
 * PolicyException).
 */
import type { JsonValue } from '../api/json.ts';
import { validateRequirement, type SelectorOperator } from '../match/label-validation.ts';
import { hasWildcard } from '../utils/wildcard.ts';
import { childPath, fieldForbidden, fieldInvalid, fieldRequired, indexPath, type PolicyValidationError } from './errors.ts';
import { goStructJson, LABEL_SELECTOR, MATCH_RESOURCES, MATCH_RESOURCES_V2, RESOURCE_DESCRIPTION } from './go-types.ts';
import { list, obj, objects, str, strings, type Obj } from './rule-model.ts';

/** Cluster-scoped kinds known to the caller (`Kind` and `group/version/Kind`); empty offline. */
export type ClusterResources = ReadonlySet<string>;

/** `UserInfo.ValidateSubjects` + `ValidateRoles` */
export function validateUserInfo(ui: Obj, path: string): PolicyValidationError[] {
  const errs: PolicyValidationError[] = [];
  objects(ui['subjects']).forEach((subject, index) => {
    const entry = indexPath(childPath(path, 'subjects'), index);
    const kind = str(subject['kind']);
    if (kind === '') errs.push(fieldRequired(childPath(entry, 'kind'), ''));
    else if (kind !== 'Group' && kind !== 'ServiceAccount' && kind !== 'User') {
      errs.push(fieldInvalid(childPath(entry, 'kind'), kind, "kind must be 'User', 'Group', or 'ServiceAccount'"));
    }
    if (str(subject['name']) === '') errs.push(fieldRequired(childPath(entry, 'name'), ''));
    if (kind === 'ServiceAccount' && str(subject['namespace']) === '') {
      errs.push(fieldRequired(childPath(entry, 'namespace'), 'namespace is required when Kind is ServiceAccount'));
    }
  });
  strings(ui['roles']).forEach((r, i) => {
    if (r.split(':').length !== 2) {
      errs.push(fieldInvalid(indexPath(childPath(path, 'roles'), i), r, 'Role is expected to be in namespace:name format'));
    }
  });
  return errs;
}

/** `UserInfo.ValidateNoUserInfo`: user info is forbidden (background PolicyExceptions). */
export function validateNoUserInfo(ui: Obj, path: string): PolicyValidationError[] {
  const errs: PolicyValidationError[] = [];
  if (strings(ui['roles']).length !== 0) errs.push(fieldForbidden(childPath(path, 'roles'), 'Usage of user info is forbidden'));
  if (strings(ui['clusterRoles']).length !== 0) {
    errs.push(fieldForbidden(childPath(path, 'clusterRoles'), 'Usage of user info is forbidden'));
  }
  if ((list(ui['subjects']) ?? []).length !== 0) {
    errs.push(fieldForbidden(childPath(path, 'subjects'), 'Usage of user info is forbidden'));
  }
  return errs;
}

const SELECTOR_OPERATORS: Record<string, SelectorOperator> = {
  In: 'in',
  NotIn: 'notin',
  Exists: 'exists',
  DoesNotExist: '!',
};

/**
 * `metav1.LabelSelectorAsSelector` errors ('' when valid, `null` when the selector has no
 * requirement). Label order follows sorted keys (Go iterates the map randomly).
 */
export function labelSelectorError(selector: Obj): string | null {
  const matchLabels = obj(selector['matchLabels']) ?? {};
  const expressions = objects(selector['matchExpressions']);
  const keys = Object.keys(matchLabels).sort();
  if (keys.length + expressions.length === 0) return null;
  for (const k of keys) {
    const e = validateRequirement(k, '=', [str(matchLabels[k])]);
    if (e !== '') return e;
  }
  for (const expr of expressions) {
    const operator = str(expr['operator']);
    const op = SELECTOR_OPERATORS[operator];
    if (op === undefined) return `${JSON.stringify(operator)} is not a valid label selector operator`;
    const values = list(expr['values']) ? strings(expr['values']) : null;
    const e = validateRequirement(str(expr['key']), op, values);
    if (e !== '') return e;
  }
  return '';
}

function selectorHasWildcard(selector: Obj): boolean {
  const labels = obj(selector['matchLabels']) ?? {};
  for (const k of Object.keys(labels)) if (hasWildcard(k) || hasWildcard(str(labels[k]))) return true;
  return false;
}

/** `ResourceDescription.Validate(path, namespaced, clusterResources)` */
export function validateResourceDescription(
  rd: Obj,
  path: string,
  namespaced: boolean,
  clusterResources: ClusterResources,
): PolicyValidationError[] {
  const errs: PolicyValidationError[] = [];
  if (str(rd['name']) !== '' && strings(rd['names']).length > 0) {
    errs.push(fieldInvalid(path, { json: goStructJson(RESOURCE_DESCRIPTION, rd) }, 'Both name and names can not be specified together'));
  }
  const selector = obj(rd['selector']);
  if (selector && !selectorHasWildcard(selector)) {
    const err = labelSelectorError(selector);
    const json = { json: goStructJson(LABEL_SELECTOR, selector) };
    if (err === null) errs.push(fieldInvalid(childPath(path, 'selector'), json, 'The requirements are not specified in selector'));
    else if (err !== '') errs.push(fieldInvalid(childPath(path, 'selector'), json, err));
  }
  if (namespaced) {
    if (strings(rd['namespaces']).length > 0) {
      errs.push(fieldForbidden(childPath(path, 'namespaces'), 'Filtering namespaces not allowed in namespaced policies'));
    }
    strings(rd['kinds']).forEach((kind, i) => {
      if (clusterResources.has(kind)) {
        errs.push(fieldForbidden(indexPath(childPath(path, 'kinds'), i), `Cluster wide resource '${kind}' not allowed in namespaced policy`));
      }
    });
  }
  return errs;
}

function validateFilters(
  filters: JsonValue | undefined,
  path: string,
  namespaced: boolean,
  clusterResources: ClusterResources,
  noUserInfo: boolean,
): PolicyValidationError[] {
  const errs: PolicyValidationError[] = [];
  objects(filters).forEach((filter, i) => {
    const p = indexPath(path, i);
    errs.push(...(noUserInfo ? validateNoUserInfo(filter, p) : validateUserInfo(filter, p)));
    errs.push(...validateResourceDescription(obj(filter['resources']) ?? {}, p, namespaced, clusterResources));
  });
  return errs;
}

/** `MatchResources.Validate(path, namespaced, clusterResources)` (kyverno.io/v1) */
export function validateMatchResources(
  m: Obj | undefined,
  path: string,
  namespaced: boolean,
  clusterResources: ClusterResources,
): PolicyValidationError[] {
  if (!m) return [];
  const errs: PolicyValidationError[] = [];
  if (objects(m['any']).length > 0 && objects(m['all']).length > 0) {
    errs.push(fieldInvalid(path, { json: goStructJson(MATCH_RESOURCES, m) }, "Can't specify any and all together"));
  }
  errs.push(...validateFilters(m['any'], childPath(path, 'any'), namespaced, clusterResources, false));
  errs.push(...validateFilters(m['all'], childPath(path, 'all'), namespaced, clusterResources, false));
  errs.push(...validateUserInfo(m, path));
  errs.push(...validateResourceDescription(obj(m['resources']) ?? {}, path, namespaced, clusterResources));
  return errs;
}

/** v2beta1 `MatchResources.Validate(path, namespaced, clusterResources)` (any/all only). */
export function validateMatchResourcesV2(m: Obj, path: string, namespaced: boolean, clusterResources: ClusterResources): PolicyValidationError[] {
  const errs: PolicyValidationError[] = [];
  if (objects(m['any']).length > 0 && objects(m['all']).length > 0) {
    errs.push(fieldInvalid(path, { json: goStructJson(MATCH_RESOURCES_V2, m) }, "Can't specify any and all together"));
  }
  errs.push(...validateFilters(m['any'], childPath(path, 'any'), namespaced, clusterResources, false));
  errs.push(...validateFilters(m['all'], childPath(path, 'all'), namespaced, clusterResources, false));
  return errs;
}

/** v2beta1 `MatchResources.Validate` of a PolicyException (never namespaced). */
export function validateExceptionMatch(m: Obj, path: string): PolicyValidationError[] {
  return validateMatchResourcesV2(m, path, false, new Set());
}

/** v2beta1 `MatchResources.ValidateNoUserInfo` */
export function validateMatchResourcesV2NoUserInfo(m: Obj, path: string): PolicyValidationError[] {
  const errs: PolicyValidationError[] = [];
  objects(m['any']).forEach((f, i) => errs.push(...validateNoUserInfo(f, indexPath(childPath(path, 'any'), i))));
  objects(m['all']).forEach((f, i) => errs.push(...validateNoUserInfo(f, indexPath(childPath(path, 'all'), i))));
  return errs;
}

/** v2beta1 `MatchResources.ValidateNoUserInfo` of a PolicyException. */
export const validateExceptionMatchNoUserInfo = validateMatchResourcesV2NoUserInfo;
