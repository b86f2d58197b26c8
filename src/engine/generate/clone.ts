/**
 * `generate.clone` (kyverno/pkg/background/generate/clone.go manageClone): copies a source object to the
 * downstream. The source is read with the downstream's apiVersion/kind; cloning onto itself is skipped; a
 * missing source is an error. The source is tagged `generate.kyverno.io/clone-source: ""` (written back),
 * the copy gets the source labels, loses uid/selfLink/creationTimestamp/managedFields/resourceVersion and,
 * across namespaces, its ownerReferences. Missing downstream -> create; present -> update unless nothing
 * changed (non-SSA only).
 */
import { deepCopy, deepEqual, isObject, type JsonObject, type Resource } from '../api/json.ts';
import type { GeneratePattern } from '../api/policy.ts';
import { isNotFound, type ResourceClient } from './client.ts';
import { GenerateError, errorText } from './errors.ts';
import { addSourceLabels, tagCloneSource } from './labels.ts';
import { createResponse, skipResponse, updateResponse, type GenerateResponse } from './response.ts';
import {
  getApiVersion,
  getKind,
  getNamespace,
  hasOwnerReferences,
  nestedString,
  removeMeta,
  resourceSpecString,
  setMetaString,
  type ResourceSpec,
} from './unstructured.ts';

/** Copies (or removes) a metadata field from the downstream onto the copy, the way the Go setters do. */
function copyMetaField(to: Resource, from: Resource, field: 'creationTimestamp' | 'managedFields'): void {
  const m = from['metadata'];
  const v = isObject(m) ? m[field] : undefined;
  const ok = field === 'managedFields' ? Array.isArray(v) : typeof v === 'string' && v !== '';
  if (!ok || v === undefined) {
    removeMeta(to, field);
    return;
  }
  const meta = to['metadata'];
  if (isObject(meta)) meta[field] = deepCopy(v);
  else to['metadata'] = { [field]: deepCopy(v) };
}

/**
 * Example: target `v1/Secret/ns1/regcred`, `clone: {namespace: default, name: regcred}`, downstream missing
 * -> `CREATE` with the source's content and source labels.
 */
export function manageClone(
  target: ResourceSpec,
  sourceSpec: ResourceSpec,
  serverSideApply: boolean,
  pattern: GeneratePattern,
  client: ResourceClient,
): GenerateResponse {
  let source = sourceSpec;
  const cloneName = pattern.clone?.name ?? '';
  if (cloneName !== '') {
    source = { apiVersion: target.apiVersion, kind: target.kind, namespace: pattern.clone?.namespace ?? '', name: cloneName };
  }
  if (source.namespace === target.namespace && source.name === target.name) return skipResponse(target);

  let sourceObj: Resource;
  try {
    sourceObj = client.getResource(source.apiVersion, source.kind, source.namespace, source.name);
  } catch (err) {
    return skipResponse(
      target,
      new GenerateError('SOURCE_NOT_FOUND', `source resource ${resourceSpecString(target)} not found: ${errorText(err)}`),
    );
  }

  tagCloneSource(sourceObj);
  try {
    client.updateResource(getApiVersion(sourceObj), getKind(sourceObj), getNamespace(sourceObj), sourceObj);
  } catch {
    // Kyverno logs the failure and goes on
  }

  const copy: JsonObject = deepCopy(sourceObj);
  addSourceLabels(copy);
  if (getNamespace(copy) !== target.namespace && hasOwnerReferences(copy)) removeMeta(copy, 'ownerReferences');
  setMetaString(copy, 'uid', '');
  setMetaString(copy, 'selfLink', '');
  removeMeta(copy, 'creationTimestamp');
  removeMeta(copy, 'managedFields');
  setMetaString(copy, 'resourceVersion', '');

  let targetObj: Resource;
  try {
    targetObj = client.getResource(target.apiVersion, target.kind, target.namespace, target.name);
  } catch (err) {
    if (isNotFound(err)) return createResponse(copy, target);
    return skipResponse(
      target,
      new GenerateError('TARGET', `failed to get target resource ${resourceSpecString(target)}: ${errorText(err)}`, err),
    );
  }

  if (!serverSideApply) {
    setMetaString(copy, 'uid', nestedString(targetObj, 'metadata', 'uid'));
    setMetaString(copy, 'selfLink', nestedString(targetObj, 'metadata', 'selfLink'));
    copyMetaField(copy, targetObj, 'creationTimestamp');
    copyMetaField(copy, targetObj, 'managedFields');
    setMetaString(copy, 'resourceVersion', nestedString(targetObj, 'metadata', 'resourceVersion'));
    if (deepEqual(copy, targetObj)) return skipResponse(target);
  }
  return updateResponse(copy, target);
}
