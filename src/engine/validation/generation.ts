/**
 * API-level checks of `generate` blocks (api/kyverno/v1/common_types.go `Generation.Validate`,
 * `GeneratePattern.Validate`, `ValidateCloneList`): one source among data/clone/cloneList/foreach,
 * target kind/name/apiVersion, namespace vs. scope of the target, namespaced-policy restrictions.
 *
 * Scope comes from `clusterResources` (cluster-scoped kinds, as `Kind` and `apiVersion/Kind`), which is
 * empty offline: then every target counts as namespaced (as in `kyverno apply/test`).
 */
import { isVariable } from '../variables/regex.ts';
import { childPath, fieldForbidden, indexPath, type PolicyValidationError } from './errors.ts';
import { goStructJson, isGoZero, GENERATE_PATTERN_SOURCES } from './go-types.ts';
import type { ClusterResources } from './match-resources.ts';
import { list, obj, objects, present, str, strings, type Obj } from './rule-model.ts';

/** `Generation.Validate(path, ...)`: `path` is the rule path (errors are reported on it, not on `generate`). */
export function validateGeneration(
  gen: Obj,
  path: string,
  namespaced: boolean,
  policyNamespace: string,
  clusterResources: ClusterResources,
  warnings: string[],
): PolicyValidationError[] {
  let count = 0;
  if (present(gen['data'])) count++;
  if (!isGoZero(GENERATE_PATTERN_SOURCES.clone, gen['clone'])) count++;
  if (Array.isArray(obj(gen['cloneList'])?.['kinds'])) count++;
  if (Array.isArray(gen['foreach'])) count++;
  if (count > 1) return [fieldForbidden(path, 'only one of generate patterns(data, clone, cloneList and foreach) can be specified')];
  const foreach = list(gen['foreach']);
  if (foreach) {
    const errs: PolicyValidationError[] = [];
    objects(foreach).forEach((fe, i) => {
      errs.push(...validateGeneratePattern(fe, indexPath(childPath(path, 'foreach'), i), namespaced, policyNamespace, clusterResources, warnings));
    });
    return errs;
  }
  return validateGeneratePattern(gen, path, namespaced, policyNamespace, clusterResources, warnings);
}

function namespacedTargetsScopeError(g: Obj, clusterResources: ClusterResources, policyNamespace: string): string | undefined {
  const apiVersion = str(g['apiVersion']);
  const kind = str(g['kind']);
  if (clusterResources.has(`${apiVersion}/${kind}`)) return `the target must be a namespaced resource: ${apiVersion}/${kind}`;
  const namespace = str(g['namespace']);
  if (namespace !== policyNamespace) {
    return `a namespaced policy cannot generate resources in other namespaces, expected: ${policyNamespace}, received: ${namespace}`;
  }
  const clone = obj(g['clone']) ?? {};
  if (str(clone['name']) !== '' && str(clone['namespace']) !== policyNamespace) {
    return `a namespaced policy cannot clone resources from other namespaces, expected: ${policyNamespace}, received: ${str(clone['namespace'])}`;
  }
  return undefined;
}

/** `GeneratePattern.Validate` */
function validateGeneratePattern(
  g: Obj,
  path: string,
  namespaced: boolean,
  policyNamespace: string,
  clusterResources: ClusterResources,
  warnings: string[],
): PolicyValidationError[] {
  const errs: PolicyValidationError[] = [];
  const kind = str(g['kind']);
  const apiVersion = str(g['apiVersion']);
  const namespace = str(g['namespace']);
  if (namespaced) {
    const err = namespacedTargetsScopeError(g, clusterResources, policyNamespace);
    if (err !== undefined) errs.push(fieldForbidden(childPath(path, 'namespace'), `target resource scope mismatched: ${err} `));
  }
  if (kind !== '') {
    if (!clusterResources.has(`${apiVersion}/${kind}`)) {
      if (namespace === '') errs.push(fieldForbidden(childPath(path, 'namespace'), 'target namespace must be set for a namespaced resource'));
    } else if (namespace !== '') {
      errs.push(fieldForbidden(childPath(path, 'namespace'), 'target namespace must not be set for a cluster-wide resource'));
    }
  }
  const sources = {
    kind,
    apiVersion,
    clone: g['clone'] ?? null,
    cloneList: g['cloneList'] ?? null,
  };
  if (isVariable(goStructJson(GENERATE_PATTERN_SOURCES.pattern, sources))) {
    warnings.push(`variables in ${childPath(path, 'clone/cloneList')} would lead to incorrect synchronization behavior`);
  }
  const cloneList = obj(g['cloneList']) ?? {};
  const cloneKinds = strings(cloneList['kinds']);
  if (cloneKinds.length === 0) {
    if (kind === '') errs.push(fieldForbidden(childPath(path, 'kind'), 'kind can not be empty'));
    if (str(g['name']) === '') errs.push(fieldForbidden(childPath(path, 'name'), 'name can not be empty'));
    if (apiVersion === '') errs.push(fieldForbidden(childPath(path, 'apiVersion'), 'apiVersion can not be empty'));
  }
  errs.push(...validateCloneList(cloneList, cloneKinds, path, namespaced, policyNamespace, clusterResources));
  return errs;
}

/** `GeneratePattern.ValidateCloneList` */
function validateCloneList(
  cloneList: Obj,
  kinds: readonly string[],
  path: string,
  namespaced: boolean,
  policyNamespace: string,
  clusterResources: ClusterResources,
): PolicyValidationError[] {
  if (kinds.length === 0) return [];
  const errs: PolicyValidationError[] = [];
  const namespace = str(cloneList['namespace']);
  const kindsPath = childPath(childPath(path, 'cloneList'), 'kinds');
  const nsPath = childPath(childPath(path, 'cloneList'), 'namespace');
  if (namespaced) {
    for (const kind of kinds) {
      if (clusterResources.has(kind)) errs.push(fieldForbidden(kindsPath, `the source in cloneList must be a namespaced resource: ${kind}`));
      if (namespace !== policyNamespace) {
        errs.push(
          fieldForbidden(nsPath, `a namespaced policy cannot clone resources from other namespace, expected: ${policyNamespace}, received: ${namespace}`),
        );
      }
    }
  }
  let clusterScope = clusterResources.has(kinds[0] as string);
  for (const gvk of kinds.slice(1)) {
    if (clusterScope !== clusterResources.has(gvk)) {
      errs.push(fieldForbidden(kindsPath, 'mixed scope of target resources is forbidden'));
      break;
    }
    clusterScope = clusterScope && clusterResources.has(gvk);
  }
  if (!clusterScope) {
    if (namespace === '') errs.push(fieldForbidden(nsPath, 'namespace is required for namespaced target resources'));
  } else if (!namespaced && namespace !== '') {
    errs.push(fieldForbidden(nsPath, 'namespace is forbidden for cluster-wide target resources'));
  }
  return errs;
}
