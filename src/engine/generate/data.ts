/**
 * `generate.data` (kyverno/pkg/background/generate/data.go manageData): downstream missing -> create it
 * from the data; present -> untouched unless `synchronize`, then updated with the data (keeping the
 * downstream's resourceVersion). No `data` (or `data: null`) is an empty object: Go's `data == nil` guard
 * never fires because it receives a typed nil pointer, so a bare `{apiVersion, kind, name, namespace}`
 * rule creates an object with only metadata (test-generate/multiple-resources).
 */
import { deepCopy, isObject, type JsonValue } from '../api/json.ts';
import { isNotFound, type ResourceClient } from './client.ts';
import { GenerateError, errorText } from './errors.ts';
import { createResponse, skipResponse, updateResponse, type GenerateResponse } from './response.ts';
import { nestedString, setMetaString, type ResourceSpec } from './unstructured.ts';

/** The type Go's json.Unmarshal names when a value cannot become a map. */
function goJsonKind(v: JsonValue): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  return 'object';
}

/**
 * Example: data `{spec: {podSelector: {}}}` with no downstream -> `CREATE` with that content.
 */
export function manageData(
  target: ResourceSpec,
  data: JsonValue | undefined,
  synchronize: boolean,
  client: ResourceClient,
): GenerateResponse {
  if (data === undefined || data === null) data = {};
  if (!isObject(data)) {
    return skipResponse(
      target,
      new GenerateError('DATA', `json: cannot unmarshal ${goJsonKind(data)} into Go value of type map[string]interface {}`),
    );
  }
  const resource = deepCopy(data);
  let targetObj;
  try {
    targetObj = client.getResource(target.apiVersion, target.kind, target.namespace, target.name);
  } catch (err) {
    if (isNotFound(err)) return createResponse(resource, target);
    return skipResponse(target, new GenerateError('TARGET', errorText(err), err));
  }
  if (!synchronize) return skipResponse(target);
  setMetaString(resource, 'resourceVersion', nestedString(targetObj, 'metadata', 'resourceVersion'));
  return updateResponse(resource, target);
}
