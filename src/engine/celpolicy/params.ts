/**
 * Parameter resources of ValidatingAdmissionPolicies and `validate.cel` rules
 * (kyverno/pkg/admissionpolicy utils.go CollectParams, validate.go matchesSelector).
 */
import { isObject, type JsonObject, type Resource } from '../api/json.ts';
import type { LabelSelector } from '../api/policy.ts';
import { compileK8sLabelSelector } from './label-selector.ts';
import type { ParamKind, ParamRef } from './types.ts';

/** Cluster reads parameters need (Kyverno's engine client). */
export interface ParamsClient {
  /** whether `kind` of `apiVersion` is namespaced; undefined when unknown to the cluster */
  isNamespaced(apiVersion: string, kind: string): boolean | undefined;
  /** GET one object; throws (`configmaps "x" not found`) when absent */
  get(apiVersion: string, kind: string, namespace: string, name: string): Resource;
  /** LIST objects of a kind in a namespace ('' = all) matching a selector */
  list(apiVersion: string, kind: string, namespace: string, selector: LabelSelector): Resource[];
}

/** A parameter lookup failure (reported as a rule error / logged). */
export class ParamsError extends Error {
  readonly code = 'CEL_PARAMS';
}

/**
 * `CollectParams`: the params a `paramRef` selects for a request in `namespace`: by name (one object)
 * or selector (many); namespaced param kinds default to the request's namespace.
 */
export function collectParams(client: ParamsClient, paramKind: ParamKind, paramRef: ParamRef, namespace: string): Resource[] {
  const apiVersion = typeof paramKind.apiVersion === 'string' ? paramKind.apiVersion : '';
  const kind = typeof paramKind.kind === 'string' ? paramKind.kind : '';
  if (apiVersion.split('/').length > 2) throw new ParamsError("can't parse the parameter resource group version");
  const namespaced = client.isNamespaced(apiVersion, kind);
  if (namespaced === undefined) {
    throw new ParamsError(`failed to check if resource is namespaced or not (no matches for kind "${kind}" in version "${apiVersion}")`);
  }
  let paramsNamespace = '';
  if (namespaced) {
    paramsNamespace = namespace;
    if (paramRef.namespace) paramsNamespace = paramRef.namespace;
    else if (paramsNamespace === '') throw new ParamsError("can't use namespaced paramRef to match cluster-scoped resources");
  } else if (paramRef.namespace) {
    throw new ParamsError('paramRef.namespace must not be provided for a cluster-scoped `paramKind`');
  }
  let params: Resource[] = [];
  if (paramRef.name) {
    return [client.get(apiVersion, kind, paramsNamespace, paramRef.name)];
  } else if (paramRef.selector) {
    params = client.list(apiVersion, kind, paramsNamespace, paramRef.selector);
  }
  if (params.length === 0 && paramRef.parameterNotFoundAction === 'Deny') throw new ParamsError('no params found');
  return params;
}

function meta(o: Resource): JsonObject {
  return isObject(o['metadata']) ? o['metadata'] : {};
}

/**
 * `matchesSelector` of the offline path: a selector matches labels; otherwise the name (or, without a
 * name, the namespace) must be the ref's. The param kind is not compared.
 */
export function paramMatchesRef(obj: Resource, ref: ParamRef): boolean {
  if (ref.selector) {
    const sel = compileK8sLabelSelector(ref.selector);
    const labels = meta(obj)['labels'];
    return sel.error === '' && sel.matches(isObject(labels) ? (labels as Record<string, string>) : undefined);
  }
  let matches = false;
  if (ref.namespace) matches = meta(obj)['namespace'] === ref.namespace;
  if (ref.name) matches = meta(obj)['name'] === ref.name;
  return matches;
}

/**
 * The params of an offline binding (`processVAPWithoutClient`): without a selector the first matching
 * object; with one, every matching object as a list (`{items: [...]}`); null when none matches.
 */
export function offlineParams(params: readonly Resource[], ref: ParamRef): JsonObject | null {
  const items: Resource[] = [];
  for (const p of params) {
    if (!paramMatchesRef(p, ref)) continue;
    if (!ref.selector) return p;
    items.push(p);
  }
  return items.length > 0 ? { items } : null;
}
