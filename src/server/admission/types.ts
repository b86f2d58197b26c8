/**
 * The admission core's data: admission.k8s.io/v1 (and v1beta1) AdmissionRequest / AdmissionResponse as
 * Kyverno's handlers see them (k8s.io/api/admission/v1 types, pkg/webhooks/handlers/types.go), and the
 * response builders of pkg/utils/admission/response.go.
 *
 * Every handler is a plain synchronous function `AdmissionAttributes -> AdmissionResponse`; decorators
 * (filter, protect, roles, metrics, ...) wrap it, one file each, like Kyverno's `handlers.With*`.
 */
import type { JsonObject, JsonValue } from '../../engine/api/json.ts';
import type { GroupVersionKind, GroupVersionResource } from '../../engine/api/request.ts';
import type { Logger } from '../logging.ts';

export type { GroupVersionKind, GroupVersionResource };

/** authentication/v1 UserInfo (every field optional in JSON). */
export interface AdmissionUserInfo {
  username: string;
  uid: string;
  groups: string[] | null;
  extra: Record<string, string[]> | null;
}

/**
 * A decoded admission request, with Go's zero values for absent fields. `object` / `oldObject` /
 * `options` hold the raw JSON (any JSON value; `undefined` when absent or `null`, like a nil
 * RawExtension).
 */
export interface AdmissionRequest {
  uid: string;
  kind: GroupVersionKind;
  resource: GroupVersionResource;
  subResource: string;
  requestKind: GroupVersionKind | null;
  requestResource: GroupVersionResource | null;
  requestSubResource: string;
  name: string;
  namespace: string;
  operation: string;
  userInfo: AdmissionUserInfo;
  object: JsonValue | undefined;
  oldObject: JsonValue | undefined;
  dryRun: boolean | null;
  options: JsonValue | undefined;
}

/** An AdmissionReview envelope (`apiVersion` / `kind` are echoed in the response). */
export interface AdmissionReview {
  apiVersion: string;
  kind: string;
  request: AdmissionRequest;
}

/** What every handler receives (handlers.AdmissionRequest plus the request's timing and logger). */
export interface AdmissionAttributes {
  request: AdmissionRequest;
  /** roles of the requester (WithRoles); null when not computed or none bind */
  roles: string[] | null;
  clusterRoles: string[] | null;
  /** the top-level GVK of the requested resource (WithTopLevelGVK) */
  gvk: GroupVersionKind;
  /** `/<policy>` or `/<ns>/<policy>` of a fine-grained path, else `''` */
  urlParams: string;
  /** `performance.now()` when the request body was received */
  startTime: number;
  /** `performance.now()` by which a verdict must be returned (internal deadline) */
  deadline: number;
  log: Logger;
}

/** admission/v1 AdmissionResponse (only the fields Kyverno sets). */
export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  /** `result` (metav1.Status with status Failure) when denied with a message */
  message?: string;
  /** base64 of the JSON patch (patchType JSONPatch) */
  patch?: string;
  warnings?: string[];
}

export type AdmissionHandler = (a: AdmissionAttributes) => AdmissionResponse;

/** `admissionutils.Response(uid, err, warnings...)`: allowed iff no error. */
export function admissionResponse(uid: string, err: string | Error | undefined, warnings?: readonly string[]): AdmissionResponse {
  const r: AdmissionResponse = { uid, allowed: err === undefined };
  if (err !== undefined) r.message = typeof err === 'string' ? err : err.message;
  if (warnings && warnings.length > 0) r.warnings = warnings.slice();
  return r;
}

/** `admissionutils.ResponseSuccess(uid, warnings...)` */
export function responseSuccess(uid: string, warnings?: readonly string[]): AdmissionResponse {
  return admissionResponse(uid, undefined, warnings);
}

/** `admissionutils.MutationResponse(uid, patch, warnings...)`: the patch only when not empty. */
export function mutationResponse(uid: string, patchJson: string | undefined, warnings?: readonly string[]): AdmissionResponse {
  const r = responseSuccess(uid, warnings);
  if (patchJson !== undefined && patchJson.length > 0) r.patch = Buffer.from(patchJson, 'utf8').toString('base64');
  return r;
}

/** `admissionutils.IsDryRun` */
export function isDryRun(request: AdmissionRequest): boolean {
  return request.dryRun === true;
}

/** `admissionutils.GetResourceName`: `[namespace/]Kind/name`. */
export function getResourceName(request: AdmissionRequest): string {
  const name = `${request.kind.kind}/${request.name}`;
  return request.namespace !== '' ? `${request.namespace}/${name}` : name;
}

/**
 * The request as Go re-marshals it into the policy context's `request` variable
 * (`enginectx.AddRequest`: marshal + unmarshal of admissionv1.AdmissionRequest): `omitempty` fields dropped
 * when empty, raw extensions as given (`null` when absent).
 */
export function requestToContext(r: AdmissionRequest): JsonObject {
  const out: JsonObject = {
    uid: r.uid,
    kind: { group: r.kind.group, version: r.kind.version, kind: r.kind.kind },
    resource: { group: r.resource.group, version: r.resource.version, resource: r.resource.resource },
  };
  if (r.subResource !== '') out['subResource'] = r.subResource;
  if (r.requestKind) out['requestKind'] = { group: r.requestKind.group, version: r.requestKind.version, kind: r.requestKind.kind };
  if (r.requestResource) {
    out['requestResource'] = { group: r.requestResource.group, version: r.requestResource.version, resource: r.requestResource.resource };
  }
  if (r.requestSubResource !== '') out['requestSubResource'] = r.requestSubResource;
  if (r.name !== '') out['name'] = r.name;
  if (r.namespace !== '') out['namespace'] = r.namespace;
  out['operation'] = r.operation;
  const ui: JsonObject = {};
  if (r.userInfo.username !== '') ui['username'] = r.userInfo.username;
  if (r.userInfo.uid !== '') ui['uid'] = r.userInfo.uid;
  if (r.userInfo.groups && r.userInfo.groups.length > 0) ui['groups'] = r.userInfo.groups;
  if (r.userInfo.extra && Object.keys(r.userInfo.extra).length > 0) ui['extra'] = r.userInfo.extra;
  out['userInfo'] = ui;
  out['object'] = r.object === undefined ? null : r.object;
  out['oldObject'] = r.oldObject === undefined ? null : r.oldObject;
  if (r.dryRun !== null) out['dryRun'] = r.dryRun;
  out['options'] = r.options === undefined ? null : r.options;
  return out;
}
