/**
 * The admission request the CEL policy kinds evaluate: its attributes (`admission.Attributes`) and the
 * `request` / `namespaceObject` values expressions see.
 *
 * Two request shapes exist. Kyverno's CEL policies (ValidatingPolicy, ...) see the whole
 * `admission/v1 AdmissionRequest` as the API server sends it: `uid`, `options`, `object`, `oldObject`
 * are always present (null when unset). The Kubernetes admission plugins (ValidatingAdmissionPolicy,
 * `validate.cel` rules) see `CreateAdmissionRequest`: no `object`/`oldObject`, no `options` unless set.
 */
import { isObject, type JsonObject, type Resource } from '../api/json.ts';
import type { GroupVersionKind, GroupVersionResource, UserInfo } from '../api/request.ts';
import type { MatchAttributes } from './match-constraints.ts';

/** `admission.Attributes` of one request. */
export interface AdmissionAttributes extends MatchAttributes {
  readonly kind: GroupVersionKind;
  readonly resource: GroupVersionResource;
  readonly userInfo: UserInfo;
  readonly dryRun: boolean;
}

/** The username (and uid, group) Kyverno substitutes for an unknown requester in ValidatingAdmissionPolicies. */
export const BACKGROUND_USERNAME = 'system:kyverno:background-scan';

/** `ResolveUser`: empty fields of the requester replaced by the background scan identity. */
export function resolveBackgroundUser(u: UserInfo | undefined): UserInfo {
  return {
    ...(u ?? {}),
    username: u?.username ? u.username : BACKGROUND_USERNAME,
    uid: u?.uid ? u.uid : BACKGROUND_USERNAME,
    groups: u?.groups && u.groups.length > 0 ? u.groups : [BACKGROUND_USERNAME],
  };
}

/** `authentication/v1 UserInfo` as JSON (every field omitempty). */
export function userInfoJson(u: UserInfo | undefined): JsonObject {
  const out: JsonObject = {};
  if (u?.username) out['username'] = u.username;
  if (u?.uid) out['uid'] = u.uid;
  if (u?.groups && u.groups.length > 0) out['groups'] = [...u.groups];
  if (u?.extra && Object.keys(u.extra).length > 0) {
    const extra: JsonObject = {};
    for (const [k, v] of Object.entries(u.extra)) extra[k] = v === null || v === undefined ? null : [...v];
    out['extra'] = extra;
  }
  return out;
}

function gvkJson(g: GroupVersionKind): JsonObject {
  return { group: g.group, version: g.version, kind: g.kind };
}

function gvrJson(g: GroupVersionResource): JsonObject {
  return { group: g.group, version: g.version, resource: g.resource };
}

/**
 * The `request` of Kyverno's CEL policies (`celengine.Request` converted to unstructured):
 * `{uid: '', kind, resource, requestKind, requestResource, operation, userInfo, object, oldObject,
 * dryRun, options: null}` plus `subResource`, `requestSubResource`, `name`, `namespace` when set.
 */
export function kyvernoRequestJson(a: AdmissionAttributes): JsonObject {
  const out: JsonObject = { uid: '', kind: gvkJson(a.kind), resource: gvrJson(a.resource) };
  if (a.subresource) out['subResource'] = a.subresource;
  out['requestKind'] = gvkJson(a.kind);
  out['requestResource'] = gvrJson(a.resource);
  if (a.subresource) out['requestSubResource'] = a.subresource;
  if (a.name) out['name'] = a.name;
  if (a.namespace) out['namespace'] = a.namespace;
  out['operation'] = a.operation;
  out['userInfo'] = userInfoJson(a.userInfo);
  out['object'] = a.object ?? null;
  out['oldObject'] = a.oldObject ?? null;
  out['dryRun'] = a.dryRun;
  out['options'] = null;
  return out;
}

/**
 * The `request` of the Kubernetes admission plugins (`cel.CreateAdmissionRequest`): like
 * `kyvernoRequestJson` without `object`, `oldObject` and the unset `options`.
 */
export function kubernetesRequestJson(a: AdmissionAttributes): JsonObject {
  const out: JsonObject = { uid: '', kind: gvkJson(a.kind), resource: gvrJson(a.resource) };
  if (a.subresource) out['subResource'] = a.subresource;
  out['requestKind'] = gvkJson(a.kind);
  out['requestResource'] = gvrJson(a.resource);
  if (a.subresource) out['requestSubResource'] = a.subresource;
  if (a.name) out['name'] = a.name;
  if (a.namespace) out['namespace'] = a.namespace;
  out['operation'] = a.operation;
  out['userInfo'] = userInfoJson(a.userInfo);
  out['dryRun'] = a.dryRun;
  return out;
}

const META_FIELDS = [
  'name',
  'generateName',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
] as const;

/**
 * A `corev1.Namespace` converted to unstructured, as Go hands it to CEL: known metadata fields only,
 * `spec` and `status` always present. Go sets an unset `creationTimestamp` to null; the typed
 * `namespaceObject` treats a null field as absent (`has()` is false, reading it fails), which is how
 * it is left out here.
 * `namespaceObjectJson({metadata: {name: 'ns', labels: {a: 'b'}}})` =
 * `{metadata: {name: 'ns', labels: {a: 'b'}}, spec: {}, status: {}}`.
 */
export function namespaceObjectJson(ns: JsonObject): JsonObject {
  const meta = isObject(ns['metadata']) ? ns['metadata'] : {};
  const outMeta: JsonObject = {};
  for (const f of META_FIELDS) {
    const v = meta[f];
    if (v === undefined || v === null || v === '' || v === 0) continue;
    if (isObject(v) && Object.keys(v).length === 0) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    outMeta[f] = v;
  }
  const out: JsonObject = {};
  if (typeof ns['apiVersion'] === 'string' && ns['apiVersion'] !== '') out['apiVersion'] = ns['apiVersion'];
  if (typeof ns['kind'] === 'string' && ns['kind'] !== '') out['kind'] = ns['kind'];
  out['metadata'] = outMeta;
  out['spec'] = isObject(ns['spec']) ? ns['spec'] : {};
  out['status'] = isObject(ns['status']) ? ns['status'] : {};
  return out;
}

/**
 * `cel.CreateNamespaceObject`: the namespace as the admission plugins expose it (metadata fields
 * copied, no type meta).
 */
export function kubernetesNamespaceObjectJson(ns: JsonObject): JsonObject {
  const full = namespaceObjectJson(ns);
  delete full['apiVersion'];
  delete full['kind'];
  const meta = full['metadata'] as JsonObject;
  delete meta['ownerReferences'];
  delete meta['managedFields'];
  return full;
}

/** Name and namespace of an object. */
export function objectName(r: Resource | null | undefined): { name: string; namespace: string } {
  const meta = r?.['metadata'];
  if (!isObject(meta)) return { name: '', namespace: '' };
  return {
    name: typeof meta['name'] === 'string' ? meta['name'] : '',
    namespace: typeof meta['namespace'] === 'string' ? meta['namespace'] : '',
  };
}
