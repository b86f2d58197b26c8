/**
 * The policy context: everything one policy evaluation needs about the request
 * (kyverno/pkg/engine/policycontext/policy_context.go).
 */
import type { JsonObject, Resource } from './api/json.ts';
import type { AdmissionOperation, KyvernoPolicy, PolicyException } from './api/policy.ts';
import type { GroupVersionKind, RequestUserInfo } from './api/request.ts';
import type { JsonContext } from './context/context.ts';
import type { ObjectMetaView } from './match/object-meta.ts';

export interface PolicyContext {
  policy: KyvernoPolicy;
  /** the new object (null for DELETE) */
  newResource: Resource | null;
  /** the old object (UPDATE, DELETE) */
  oldResource: Resource | null;
  /** foreach element when element scope is on */
  element: Resource | null;
  operation: AdmissionOperation;
  /** requester info (roles, clusterRoles, userInfo); undefined in background scans without it */
  admissionInfo: RequestUserInfo | undefined;
  /** true when evaluating an admission request */
  admissionOperation: boolean;
  namespaceLabels: Record<string, string>;
  /** top-level kind of the request (may differ from the object's for subresources) */
  gvk: GroupVersionKind;
  subresource: string;
  /** the request's resource (GVR), when known */
  requestResource?: { group: string; version: string; resource: string };
  jsonContext: JsonContext;
  /** candidate PolicyExceptions (the engine selects those naming the policy and rule) */
  exceptions: readonly PolicyException[];
  /** extra request data (for CEL `request`), when evaluating an admission request */
  admissionRequest?: JsonObject;
  /** the match view of the new or old object, read once per context (engine.ts `objectMetaOf`) */
  objectMeta?: { resource: Resource | null; meta: ObjectMetaView | undefined };
}

/** Replaces new/old resources, updating the JSON context too (PolicyContext.SetResources). */
export function setResources(pc: PolicyContext, oldResource: Resource | null, newResource: Resource | null): void {
  pc.newResource = newResource;
  pc.jsonContext.addResource(newResource);
  pc.oldResource = oldResource;
  pc.jsonContext.addOldResource(oldResource);
}

export function setOperation(pc: PolicyContext, op: AdmissionOperation): void {
  pc.operation = op;
  pc.jsonContext.addOperation(op);
}

/** GVK of the resource when the context carries none (PolicyContext.ResourceKind). */
export function resourceKind(pc: PolicyContext): { gvk: GroupVersionKind; subresource: string } {
  if (pc.gvk.kind !== '' || pc.gvk.version !== '' || pc.gvk.group !== '') return { gvk: pc.gvk, subresource: pc.subresource };
  const r = pc.newResource ?? pc.oldResource;
  return { gvk: gvkOf(r), subresource: '' };
}

export function gvkOf(r: Resource | null | undefined): GroupVersionKind {
  if (!r) return { group: '', version: '', kind: '' };
  const apiVersion = typeof r['apiVersion'] === 'string' ? r['apiVersion'] : '';
  const kind = typeof r['kind'] === 'string' ? r['kind'] : '';
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion, kind } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1), kind };
}

export function isDeleteRequest(pc: PolicyContext): boolean {
  if ((pc.operation as string) !== '') return pc.operation === 'DELETE';
  return pc.newResource === null;
}

export function isUpdateRequest(pc: PolicyContext): boolean {
  return (pc.newResource !== null && pc.oldResource !== null) || pc.operation === 'UPDATE';
}
