/**
 * Finding the trigger of an UpdateRequest and building its background policy context
 * (pkg/background/common/{resource,context}.go `GetTrigger`, `GetResource`, `NewBackgroundContext`).
 *
 * Trigger resolution:
 * - no admission request: the rule context's trigger (or the UR's resource) from the API;
 * - CREATE: from the API (the admission request's object only for subresources);
 * - UPDATE: from the API (the persisted state, never the request payload);
 * - DELETE: the request's old object — for a trigger (not a downstream), only once the deletion is
 *   confirmed (the live object is gone, has another UID, or is terminating);
 * - other operations: the request's object (old object when there is none).
 * A trigger named by UID must still exist with that UID (a rejected or recreated resource is not used).
 */
import { isObject, type JsonObject, type Resource } from '../../engine/api/json.ts';
import type { KyvernoPolicy, PolicyException } from '../../engine/api/policy.ts';
import type { AdmissionOperation } from '../../engine/api/policy.ts';
import type { Engine } from '../../engine/engine.ts';
import type { PolicyContext } from '../../engine/policy-context.ts';
import { GENERATE_POLICY_LABEL } from '../../engine/generate/labels.ts';
import type { KubeApi } from '../../k8s/client/types.ts';
import { convertResource } from '../../server/admission/resources.ts';
import type { ResourceSpec, UpdateRequestSpec } from './update-request.ts';

export class TriggerError extends Error {
  readonly code = 'TRIGGER';
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function metaOf(o: Resource | undefined): JsonObject {
  return o && isObject(o['metadata']) ? o['metadata'] : {};
}

/** The request's object and old object as stored (`BytesToUnstructured`), undefined when absent. */
function rawRequestResources(req: JsonObject | undefined): { newResource: Resource | undefined; oldResource: Resource | undefined } {
  if (!req) return { newResource: undefined, oldResource: undefined };
  const n = req['object'];
  const o = req['oldObject'];
  return { newResource: isObject(n) ? n : undefined, oldResource: isObject(o) ? o : undefined };
}

/**
 * `ExtractResources(nil, request)`: the request's object and old object (undefined when absent), with
 * `ConvertResource`'s apiVersion/kind from the request's kind and namespace from the request's. A
 * subresource's object has no metadata of its own (PodExecOptions of `kubectl exec`): the namespace is
 * the request's, which the generated resources' trigger-namespace label carries.
 */
export function requestResources(req: JsonObject | undefined): { newResource: Resource | undefined; oldResource: Resource | undefined } {
  const raw = rawRequestResources(req);
  const kind = req?.['kind'];
  if (!req || !isObject(kind)) return raw;
  const gvk = { group: str(kind['group']), version: str(kind['version']), kind: str(kind['kind']) };
  const convert = (o: Resource | undefined): Resource | undefined => {
    if (!o) return undefined;
    try {
      return convertResource(o, gvk, str(req['namespace']));
    } catch {
      return o; // not an object with a kind: left as stored
    }
  };
  return { newResource: convert(raw.newResource), oldResource: convert(raw.oldResource) };
}

function specString(s: ResourceSpec): string {
  return `${s.apiVersion ?? ''}/${s.kind ?? ''} ${s.namespace ?? ''}/${s.name ?? ''}`;
}

/** `GetResource` */
export async function getResource(api: KubeApi, resourceSpec: ResourceSpec, urSpec: UpdateRequestSpec): Promise<Resource | undefined> {
  let spec = resourceSpec;
  if (!spec.apiVersion && !spec.kind && !spec.name && !spec.namespace && !spec.uid) spec = urSpec.resource;
  if (spec.uid) {
    const res = await api.resource(spec.apiVersion ?? '', spec.kind ?? '');
    if (!res) throw new TriggerError(`failed to list trigger resources: unknown kind ${spec.apiVersion}/${spec.kind}`);
    const list = await api.list(res, { namespace: spec.namespace ?? '' });
    const found = list.items.find((o) => str(metaOf(o)['uid']) === spec.uid);
    if (found) return found;
    throw new TriggerError(
      `trigger resource ${spec.apiVersion}/${spec.kind} ${spec.namespace ?? ''}/${spec.name ?? ''} with uid ${spec.uid} not found in the cluster, the corresponding admission request may have been rejected by the API server`,
    );
  }
  if (spec.name) {
    const res = await api.resource(spec.apiVersion ?? '', spec.kind ?? '');
    if (!res) throw new TriggerError(`resource ${spec.apiVersion}/${spec.kind}/${spec.namespace ?? ''}/${spec.name}: unknown kind`);
    const o = await api.get(res, spec.kind === 'Namespace' ? '' : (spec.namespace ?? ''), spec.name);
    if (!o) {
      if (urSpec.requestType === 'mutate' && urSpec.context.admissionRequestInfo?.operation === 'DELETE') return undefined;
      throw new TriggerError(`resource ${spec.apiVersion}/${spec.kind}/${spec.namespace ?? ''}/${spec.name}: ${res.resource} "${spec.name}" not found`);
    }
    return o;
  }
  const req = urSpec.context.admissionRequestInfo?.admissionRequest;
  if (req) {
    const { newResource, oldResource } = rawRequestResources(req);
    const raw = str(req['operation']) === 'DELETE' ? oldResource : newResource;
    if (raw) return raw;
  }
  throw new TriggerError('resource not found');
}

/** `GetTrigger` for rule context `i` (generate). */
export async function getTrigger(api: KubeApi, spec: UpdateRequestSpec, i: number): Promise<Resource | undefined> {
  const rc = spec.ruleContext?.[i];
  const resourceSpec = rc?.trigger ?? {};
  const req = spec.context.admissionRequestInfo?.admissionRequest;
  if (!req) return getResource(api, resourceSpec, spec);
  const operation = spec.context.admissionRequestInfo?.operation ?? str(req['operation']);
  const { newResource, oldResource } = requestResources(req);
  if (operation === 'DELETE') {
    if (!oldResource) throw new TriggerError('failed to load resource from context: no old object');
    const labels = (metaOf(oldResource)['labels'] ?? {}) as Record<string, string>;
    if (labels[GENERATE_POLICY_LABEL]) return getResource(api, resourceSpec, spec);
    const res = await api.resource(str(oldResource['apiVersion']), str(oldResource['kind']));
    const m = metaOf(oldResource);
    const live = res ? await api.get(res, str(m['namespace']), str(m['name'])) : undefined;
    if (live && str(metaOf(live)['uid']) === str(m['uid']) && metaOf(live)['deletionTimestamp'] === undefined) {
      throw new TriggerError(
        `trigger resource ${str(oldResource['apiVersion'])}/${str(oldResource['kind'])} ${str(m['namespace'])}/${str(m['name'])} with uid ${str(m['uid'])} still exists in the cluster, the delete request may have been rejected by the API server`,
      );
    }
    return oldResource;
  }
  if (operation === 'CREATE') {
    try {
      const t = await getResource(api, resourceSpec, spec);
      if (t) return t;
    } catch (err) {
      if (str(req['subResource']) === '') throw err;
    }
    if (str(req['subResource']) === '') return undefined;
    return newResource;
  }
  if (operation === 'UPDATE') return getResource(api, resourceSpec, spec);
  return newResource ?? oldResource;
}

export { specString };

export interface BackgroundContextInput {
  engine: Engine;
  spec: UpdateRequestSpec;
  policy: KyvernoPolicy;
  trigger: Resource;
  namespaceLabels: Record<string, string>;
  exceptions?: readonly PolicyException[];
  /** the kind of the request's resource (admission requests) */
  gvk?: { group: string; version: string; kind: string };
  subresource?: string;
}

/** `NewBackgroundContext` (+ `WithResourceKind`). Throws TriggerError when the request names another object. */
export function backgroundContext(input: BackgroundContextInput): PolicyContext {
  const { engine, spec, policy, trigger } = input;
  const req = spec.context.admissionRequestInfo?.admissionRequest;
  const { newResource, oldResource } = requestResources(req);
  if (req && newResource) {
    const a = metaOf(newResource);
    const b = metaOf(trigger);
    if (str(a['name']) !== str(b['name']) || str(a['namespace']) !== str(b['namespace']) || str(newResource['kind']) !== str(trigger['kind']) || str(newResource['apiVersion']) !== str(trigger['apiVersion'])) {
      throw new TriggerError(`resources don't match, want: ${str(b['namespace'])}/${str(b['name'])}, got: ${str(a['namespace'])}/${str(a['name'])}`);
    }
  }
  const ui = spec.context.userInfo;
  const admissionInfo = ui
    ? { roles: ui.roles ?? undefined, clusterRoles: ui.clusterRoles ?? undefined, userInfo: ui.userInfo ?? {} }
    : undefined;
  const operation = (spec.context.admissionRequestInfo?.operation || 'CREATE') as AdmissionOperation;
  return engine.newPolicyContext({
    policy,
    operation: req ? ((str(req['operation']) || operation) as AdmissionOperation) : operation,
    newResource: trigger,
    oldResource: oldResource ?? null,
    ...(admissionInfo ? { admissionInfo } : {}),
    namespaceLabels: input.namespaceLabels,
    ...(input.gvk ? { gvk: input.gvk } : {}),
    ...(input.subresource ? { subresource: input.subresource } : {}),
    admissionOperation: false,
    ...(req ? { admissionRequest: req } : {}),
    exceptions: input.exceptions ?? [],
  });
}
