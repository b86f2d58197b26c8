/**
 * The new and old objects of an admission request (pkg/utils/admission/utils.go `ExtractResources`,
 * `ConvertResource`): each raw object must be a JSON object with a non-empty string `kind`
 * (`unstructured.UnmarshalJSON`); its apiVersion/kind are then set from the request's `kind`, its namespace
 * from the request's (except for Namespace objects, whose namespace is cleared).
 *
 * Objects are copied (shallowly, top level and `metadata`) only when one of those fields changes, so the
 * usual request costs no copy.
 */
import { isObject, type JsonObject, type JsonValue, type Resource } from '../../engine/api/json.ts';
import type { AdmissionRequest, GroupVersionKind } from './types.ts';

/** A resource that could not be extracted; `message` is Kyverno's text. */
export class ExtractResourceError extends Error {
  readonly code = 'EXTRACT_RESOURCE';
}

function goTypeName(v: JsonValue): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'string';
  return 'object';
}

/** `unstructured.UnmarshalJSON` checks: a map with a non-empty string `kind`. */
function toUnstructured(raw: JsonValue): Resource {
  if (!isObject(raw)) throw new Error(`json: cannot unmarshal ${goTypeName(raw)} into Go value of type map[string]interface {}`);
  const kind = raw['kind'];
  if (typeof kind !== 'string' || kind === '') throw new Error(`Object 'Kind' is missing in '${JSON.stringify(raw)}'`);
  return raw;
}

function apiVersionOf(gvk: GroupVersionKind): string {
  return gvk.group.length > 0 ? `${gvk.group}/${gvk.version}` : gvk.version;
}

/** `ConvertResource(raw, group, version, kind, namespace)` */
export function convertResource(raw: JsonValue, gvk: GroupVersionKind, namespace: string): Resource {
  let obj: Resource;
  try {
    obj = toUnstructured(raw);
  } catch (err) {
    throw new Error(`failed to convert raw to unstructured: ${(err as Error).message}`);
  }
  const apiVersion = apiVersionOf(gvk);
  let out: JsonObject = obj;
  if (obj['apiVersion'] !== apiVersion || obj['kind'] !== gvk.kind) {
    out = { ...obj, apiVersion, kind: gvk.kind };
  }
  const meta = out['metadata'];
  const currentNs = isObject(meta) && typeof meta['namespace'] === 'string' ? meta['namespace'] : undefined;
  const setNamespace = (ns: string): void => {
    if (meta !== undefined && !isObject(meta)) return; // SetNestedField fails on a non-map (null included): ignored
    if (out === obj) out = { ...obj };
    const m: JsonObject = isObject(meta) ? { ...meta } : {};
    if (ns === '') delete m['namespace'];
    else m['namespace'] = ns;
    out['metadata'] = m;
  };
  if (namespace !== '' && gvk.kind !== 'Namespace' && currentNs !== namespace) setNamespace(namespace);
  if (gvk.kind === 'Namespace' && currentNs !== undefined && currentNs !== '') setNamespace('');
  return out;
}

/**
 * `ExtractResources(nil, request)`: `{newResource, oldResource}` (null when absent). Throws
 * ExtractResourceError with Kyverno's message (`failed to convert new raw to unstructured: ...`).
 */
export function extractResources(request: AdmissionRequest): { newResource: Resource | null; oldResource: Resource | null } {
  let newResource: Resource | null = null;
  let oldResource: Resource | null = null;
  if (request.object !== undefined) {
    try {
      newResource = convertResource(request.object, request.kind, request.namespace);
    } catch (err) {
      throw new ExtractResourceError(`failed to convert new raw to unstructured: ${(err as Error).message}`);
    }
  }
  if (request.oldObject !== undefined) {
    try {
      oldResource = convertResource(request.oldObject, request.kind, request.namespace);
    } catch (err) {
      throw new ExtractResourceError(`failed to convert old raw to unstructured: ${(err as Error).message}`);
    }
  }
  return { newResource, oldResource };
}

/** Labels of an object (`GetLabels`), `{}` when absent or malformed. */
export function labelsOf(r: Resource | null): Record<string, string> {
  const meta = r?.['metadata'];
  if (!isObject(meta)) return {};
  const labels = meta['labels'];
  if (!isObject(labels)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** `metadata.<field>` as a string (`''` when absent). */
export function metaString(r: Resource | null | undefined, field: string): string {
  const meta = r?.['metadata'];
  if (!isObject(meta)) return '';
  const v = meta[field];
  return typeof v === 'string' ? v : '';
}
