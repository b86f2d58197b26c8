/**
 * The admission view of one evaluation as Kyverno's CEL engines build it (pkg/cel/engine/request.go
 * `Request`, k8s.io/apiserver admission.Attributes): the attributes the matchers read, and the CEL
 * activation values `request`, `object`, `oldObject`, `namespaceObject`.
 *
 * Shapes worth knowing (Go's conversions):
 * - `object` / `oldObject` come from `admissionutils.ExtractResources`, which gives an empty object for
 *   an absent side, and `ObjectToResolveVal` turns an empty unstructured object into `{}` (not null):
 *   on CREATE `oldObject` is `{}`; `request.oldObject` stays null.
 * - `request` is the JSON of admission/v1 AdmissionRequest: `uid: ""`, empty `subResource`, `name`,
 *   `namespace` omitted, `dryRun: false`, `options: null`, `userInfo` with empty fields omitted.
 * - `namespaceObject` is the corev1.Namespace the resolver knows, or null; converted from the typed
 *   object, it carries `metadata.creationTimestamp: null`, `spec: {}` and `status: {}`.
 */
import { isObject, type JsonObject, type JsonValue } from '../../api/json.ts';
import type { GroupVersionKind, GroupVersionResource, UserInfo } from '../../api/request.ts';

/** `admission.Attributes` (what matchers and activations read). */
export interface AdmissionAttributes {
  /** the new object; null when the request has none */
  object: JsonObject | null;
  oldObject: JsonObject | null;
  kind: GroupVersionKind;
  resource: GroupVersionResource;
  subresource: string;
  namespace: string;
  name: string;
  /** CREATE, UPDATE, DELETE, CONNECT, or '' (background evaluations of targets) */
  operation: string;
  userInfo?: UserInfo;
}

/** `authenticationv1.UserInfo` JSON (empty fields omitted). */
export function userInfoJson(u: UserInfo | undefined): JsonObject {
  const out: JsonObject = {};
  if (!u) return out;
  if (u.username) out['username'] = u.username;
  if (u.uid) out['uid'] = u.uid;
  if (u.groups && u.groups.length > 0) out['groups'] = [...u.groups];
  if (u.extra && Object.keys(u.extra).length > 0) {
    const extra: JsonObject = {};
    for (const [k, v] of Object.entries(u.extra)) extra[k] = [...v];
    out['extra'] = extra;
  }
  return out;
}

/** The `request` activation value (AdmissionRequest JSON with `object` / `oldObject` set). */
export function requestValue(attr: AdmissionAttributes): JsonObject {
  const gvk = { group: attr.kind.group, version: attr.kind.version, kind: attr.kind.kind };
  const gvr = { group: attr.resource.group, version: attr.resource.version, resource: attr.resource.resource };
  const out: JsonObject = { uid: '', kind: gvk, resource: gvr };
  if (attr.subresource) out['subResource'] = attr.subresource;
  out['requestKind'] = { ...gvk };
  out['requestResource'] = { ...gvr };
  if (attr.subresource) out['requestSubResource'] = attr.subresource;
  if (attr.name) out['name'] = attr.name;
  if (attr.namespace) out['namespace'] = attr.namespace;
  out['operation'] = attr.operation;
  out['userInfo'] = userInfoJson(attr.userInfo);
  out['object'] = attr.object;
  out['oldObject'] = attr.oldObject;
  out['dryRun'] = false;
  out['options'] = null;
  return out;
}

/** `ObjectToResolveVal` of an extracted (never nil) unstructured object: `{}` when absent. */
export function extractedObjectValue(o: JsonObject | null): JsonObject {
  return o ?? {};
}

/**
 * `namespaceObject`: a Namespace as the typed corev1.Namespace converts back to JSON (unknown fields
 * dropped, `creationTimestamp: null`, empty `spec` / `status`), or null.
 */
export function namespaceObjectValue(ns: JsonObject | undefined | null): JsonObject | null {
  if (!ns) return null;
  const out: JsonObject = {};
  if (typeof ns['apiVersion'] === 'string' && ns['apiVersion'] !== '') out['apiVersion'] = ns['apiVersion'];
  if (typeof ns['kind'] === 'string' && ns['kind'] !== '') out['kind'] = ns['kind'];
  const meta: JsonObject = isObject(ns['metadata']) ? { ...ns['metadata'] } : {};
  if (!('creationTimestamp' in meta)) meta['creationTimestamp'] = null;
  out['metadata'] = meta;
  out['spec'] = isObject(ns['spec']) ? ns['spec'] : {};
  out['status'] = isObject(ns['status']) ? ns['status'] : {};
  return out;
}

/** Labels of an object (`metadata.labels`), undefined when it has none. */
export function labelsOf(o: JsonValue | null | undefined): Record<string, string> | undefined {
  if (!isObject(o)) return undefined;
  const m = o['metadata'];
  if (!isObject(m) || !isObject(m['labels'])) return undefined;
  return m['labels'] as Record<string, string>;
}

/** `metadata.<key>` as a string ('' when absent). */
export function metaString(o: JsonValue | null | undefined, key: string): string {
  if (!isObject(o)) return '';
  const m = o['metadata'];
  if (!isObject(m)) return '';
  const v = m[key];
  return typeof v === 'string' ? v : '';
}
