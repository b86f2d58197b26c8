/**
 * Building the engine's policy context from an admission request (pkg/webhooks/utils/policy_context_builder.go,
 * pkg/engine/policycontext `NewPolicyContextFromAdmissionRequest`): the request (as Go re-marshals it) in
 * the JSON context, the extracted new/old objects, the requester (user info, roles, cluster roles), the
 * top-level GVK and subresource, admission mode on.
 *
 * One context serves every policy of a request, as Kyverno's `WithPolicy` copies share the JSON context:
 * `withPolicy` returns a shallow copy naming another policy.
 */
import type { JsonObject, Resource } from '../../engine/api/json.ts';
import type { AdmissionOperation, KyvernoPolicy, PolicyException } from '../../engine/api/policy.ts';
import type { RequestUserInfo, UserInfo } from '../../engine/api/request.ts';
import type { Engine } from '../../engine/engine.ts';
import type { PolicyContext } from '../../engine/policy-context.ts';
import { extractResources } from './resources.ts';
import { requestToContext, type AdmissionAttributes } from './types.ts';

/** `kyvernov2.RequestInfo` as the engine consumes it (empty user-info fields omitted, as Go marshals them). */
export function requestInfo(a: AdmissionAttributes): RequestUserInfo {
  const ui = a.request.userInfo;
  const userInfo: UserInfo = {};
  if (ui.username !== '') userInfo.username = ui.username;
  if (ui.uid !== '') userInfo.uid = ui.uid;
  if (ui.groups && ui.groups.length > 0) userInfo.groups = ui.groups;
  if (ui.extra && Object.keys(ui.extra).length > 0) userInfo.extra = ui.extra;
  const info: RequestUserInfo = { userInfo };
  if (a.roles && a.roles.length > 0) info.roles = a.roles;
  if (a.clusterRoles && a.clusterRoles.length > 0) info.clusterRoles = a.clusterRoles;
  return info;
}

export interface BuiltContext {
  pc: PolicyContext;
  newResource: Resource | null;
  oldResource: Resource | null;
}

/**
 * `pcBuilder.Build(request, roles, clusterRoles, gvk)` for a first policy. Throws an Error with Kyverno's
 * text (`failed to parse resource: failed to convert new raw to unstructured: ...`) when the objects do
 * not decode.
 */
export function buildPolicyContext(
  engine: Engine,
  a: AdmissionAttributes,
  policy: KyvernoPolicy,
  exceptions: readonly PolicyException[],
  contextRequest?: JsonObject,
): BuiltContext {
  let resources;
  try {
    resources = extractResources(a.request);
  } catch (err) {
    throw new Error(`failed to parse resource: ${(err as Error).message}`);
  }
  const pc = engine.newPolicyContext({
    policy,
    operation: a.request.operation as AdmissionOperation,
    newResource: resources.newResource,
    oldResource: resources.oldResource,
    admissionInfo: requestInfo(a),
    gvk: a.gvk,
    subresource: a.request.subResource,
    admissionOperation: true,
    exceptions,
    admissionRequest: contextRequest ?? requestToContext(a.request),
  });
  pc.requestResource = { ...a.request.resource };
  return { pc, newResource: resources.newResource, oldResource: resources.oldResource };
}

/** `PolicyContext.WithPolicy` */
export function withPolicy(pc: PolicyContext, policy: KyvernoPolicy): PolicyContext {
  return { ...pc, policy };
}
