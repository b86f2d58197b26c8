/**
 * kyverno.io/v2 UpdateRequests (api/kyverno/v2/updaterequest_types.go): the durable queue of background
 * work — generate (downstream resources for a trigger) and mutate (mutate-existing targets).
 *
 * Created in Kyverno's namespace with `generateName: ur-`, labelled `generate.kyverno.io/policy-name`
 * (generate) or `mutate.updaterequest.kyverno.io/{policy-name,trigger-*}` (mutate), then given status
 * `Pending`. States: Pending -> Completed (deleted by the controller) | Failed (retried) | Skip.
 *
 * Example: `newGenerateUR('kyverno', 'add-networkpolicy', [ruleContext('default-deny', triggerSpec)], ctx)`.
 */
import type { JsonObject, JsonValue } from '../../engine/api/json.ts';

export type RequestType = 'mutate' | 'generate' | 'cel-generate' | 'cel-mutate';
export type UpdateRequestState = 'Pending' | 'Failed' | 'Completed' | 'Skip';

/** kyvernov1.ResourceSpec */
export interface ResourceSpec {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
}

export interface RuleContext {
  rule: string;
  deleteDownstream: boolean;
  synchronize?: boolean;
  trigger: ResourceSpec;
  cacheRestore?: boolean;
}

export interface RequestInfo {
  roles?: string[] | null;
  clusterRoles?: string[] | null;
  userInfo: { username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> };
  synchronize?: boolean;
}

export interface UpdateRequestSpec {
  requestType?: RequestType;
  policy: string;
  ruleContext?: RuleContext[];
  rule: string;
  deleteDownstream: boolean;
  synchronize?: boolean;
  resource: ResourceSpec;
  context: {
    userInfo?: RequestInfo;
    admissionRequestInfo?: { admissionRequest?: JsonObject; operation?: string };
  };
}

export interface UpdateRequestStatus {
  state: UpdateRequestState | '';
  message?: string;
  generatedResources?: ResourceSpec[];
  retryCount?: number;
}

export interface UpdateRequest {
  apiVersion: 'kyverno.io/v2';
  kind: 'UpdateRequest';
  metadata: { name?: string; generateName?: string; namespace: string; labels?: Record<string, string>; resourceVersion?: string; uid?: string; creationTimestamp?: string };
  spec: UpdateRequestSpec;
  status?: UpdateRequestStatus;
}

export const UR_GENERATE_POLICY_LABEL = 'generate.kyverno.io/policy-name';
export const UR_MUTATE_POLICY_LABEL = 'mutate.updaterequest.kyverno.io/policy-name';
export const UR_MUTATE_TRIGGER_NAME_LABEL = 'mutate.updaterequest.kyverno.io/trigger-name';
export const UR_MUTATE_TRIGGER_NS_LABEL = 'mutate.updaterequest.kyverno.io/trigger-namespace';
export const UR_MUTATE_TRIGGER_KIND_LABEL = 'mutate.updaterequest.kyverno.io/trigger-kind';
export const UR_MUTATE_TRIGGER_APIVERSION_LABEL = 'mutate.updaterequest.kyverno.io/trigger-apiversion';

/** The name part of a `namespace/name` key. */
function policyName(key: string): string {
  const i = key.indexOf('/');
  return i < 0 ? key : key.slice(i + 1);
}

/** `GenerateLabelsSet` */
export function generateLabels(policyKey: string): Record<string, string> {
  return { [UR_GENERATE_POLICY_LABEL]: policyName(policyKey) };
}

/** `MutateLabelsSet` */
export function mutateLabels(policyKey: string, trigger: ResourceSpec | undefined): Record<string, string> {
  const set: Record<string, string> = { [UR_MUTATE_POLICY_LABEL]: policyName(policyKey) };
  if (trigger) {
    set[UR_MUTATE_TRIGGER_NAME_LABEL] = (trigger.name ?? '').slice(0, 63);
    set[UR_MUTATE_TRIGGER_NS_LABEL] = trigger.namespace ?? '';
    set[UR_MUTATE_TRIGGER_KIND_LABEL] = trigger.kind ?? '';
    if (trigger.apiVersion) set[UR_MUTATE_TRIGGER_APIVERSION_LABEL] = trigger.apiVersion.replace(/\//g, '-');
  }
  return set;
}

export function ruleContext(rule: string, trigger: ResourceSpec, deleteDownstream = false, cacheRestore = false): RuleContext {
  const r: RuleContext = { rule, deleteDownstream, trigger: { ...trigger } };
  if (cacheRestore) r.cacheRestore = true;
  return r;
}

export function newUpdateRequest(namespace: string, spec: UpdateRequestSpec, labels: Record<string, string>): UpdateRequest {
  return { apiVersion: 'kyverno.io/v2', kind: 'UpdateRequest', metadata: { generateName: 'ur-', namespace, labels }, spec };
}

/** A generate UR for a policy with rule contexts (policy controller, admission). */
export function newGenerateUR(namespace: string, policyKey: string, rules: RuleContext[], context: UpdateRequestSpec['context'] = {}): UpdateRequest {
  return newUpdateRequest(namespace, { requestType: 'generate', policy: policyKey, ruleContext: rules, rule: '', deleteDownstream: false, resource: {}, context }, generateLabels(policyKey));
}

/** A mutate UR for one trigger and rule. */
export function newMutateUR(namespace: string, policyKey: string, rule: string, trigger: ResourceSpec, context: UpdateRequestSpec['context'] = {}): UpdateRequest {
  return newUpdateRequest(namespace, { requestType: 'mutate', policy: policyKey, rule, deleteDownstream: false, resource: { ...trigger }, context }, mutateLabels(policyKey, trigger));
}

/** `splitUR`: at most `batchSize` rule contexts per request (etcd object size). */
export function splitUR(ur: UpdateRequest, batchSize: number): UpdateRequest[] {
  const rcs = ur.spec.ruleContext ?? [];
  if (rcs.length <= batchSize) return [ur];
  const out: UpdateRequest[] = [];
  for (let i = 0; i < rcs.length; i += batchSize) {
    out.push({ ...ur, metadata: { ...ur.metadata }, spec: { ...ur.spec, ruleContext: rcs.slice(i, i + batchSize) }, ...(ur.status ? { status: { ...ur.status } } : {}) });
  }
  return out;
}

export function asUpdateRequest(o: JsonObject): UpdateRequest {
  return o as unknown as UpdateRequest;
}

export function toJson(ur: UpdateRequest): JsonObject {
  return ur as unknown as JsonObject;
}

/** The trigger spec of a resource. */
export function resourceSpecOf(o: JsonObject): ResourceSpec {
  const m = (o['metadata'] ?? {}) as Record<string, JsonValue>;
  const s = (v: unknown) => (typeof v === 'string' ? v : '');
  return { apiVersion: s(o['apiVersion']), kind: s(o['kind']), namespace: s(m['namespace']), name: s(m['name']), uid: s(m['uid']) };
}
