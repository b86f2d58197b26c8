/**
 * `spec.webhookConfiguration.matchConditions` of a ClusterPolicy / Policy: CEL conditions the API server
 * evaluates before calling the policy's own (fine-grained) webhook, and that Kyverno evaluates again.
 *
 * - Policy validation (`ValidateCustomWebhookMatchConditions`): every expression is compiled in the
 *   Kubernetes admission plugin environment (`object`, `oldObject`, `request`, `namespaceObject`; no
 *   `params`, no `authorizer`) and must yield a bool; `compileWebhookMatchConditions` returns one
 *   `compilation failed: ...` text per expression that does not.
 * - The engine's policy gate (`checkMatchConditions` of pkg/engine/internal/match.go), for admission
 *   requests and background scans alike: the policy applies only when every condition evaluates to
 *   true. A false condition, or an error (the matcher's failure policy is Fail), means no match. The
 *   matcher sees no namespace object; a background scan has no requester, so `request.userInfo` is empty.
 *
 * Example: `[{name: 'ns', expression: 'object.metadata.namespace == "team-a"'}]` matches a Pod of
 * namespace team-a, in admission and in background scans.
 */
import { isObject, type JsonObject, type Resource } from '../api/json.ts';
import type { GroupVersionKind } from '../api/request.ts';
import type { CompiledCel } from '../cel/environment.ts';
import { isCelCompileError } from '../cel/errors.ts';
import { jsonToCel } from '../cel/values.ts';
import { resourceKind, type PolicyContext } from '../policy-context.ts';
import { kubernetesRequestJson, type AdmissionAttributes } from './admission.ts';
import { CelPolicyEnvironments } from './environments.ts';
import { evaluateSync } from './evaluate.ts';

/** One `matchConditions` entry. */
export interface WebhookMatchCondition {
  readonly name: string;
  readonly expression: string;
}

type Compiled = { program: CompiledCel } | { error: string };

function compileOne(envs: CelPolicyEnvironments, expression: string): Compiled {
  const p = envs.admissionPlugin({ params: false, authorizer: false }).compile(expression);
  if (isCelCompileError(p)) return { error: `compilation failed: ${p.message}` };
  if (p.outputType !== 'bool') return { error: `must evaluate to bool but got ${p.outputType}` };
  return { program: p };
}

/** The compilation errors of the conditions (empty when every expression compiles to a bool). */
export function compileWebhookMatchConditions(envs: CelPolicyEnvironments, conditions: readonly WebhookMatchCondition[]): string[] {
  const out: string[] = [];
  for (const c of conditions) {
    const r = compileOne(envs, c.expression);
    if ('error' in r) out.push(r.error);
  }
  return out;
}

/** The policy's raw `webhookConfiguration.matchConditions` list, or undefined when it has none. */
function rawMatchConditions(policy: { spec?: unknown }): unknown[] | undefined {
  const spec = policy.spec !== null && typeof policy.spec === 'object' ? (policy.spec as JsonObject) : undefined;
  const wc = spec && isObject(spec['webhookConfiguration'] ?? null) ? (spec['webhookConfiguration'] as JsonObject) : undefined;
  const mc = wc?.['matchConditions'];
  return Array.isArray(mc) ? mc : undefined;
}

/** The policy's `webhookConfiguration.matchConditions`, or undefined when it has none. */
export function webhookMatchConditionsOf(policy: { spec?: unknown }): WebhookMatchCondition[] | undefined {
  return rawMatchConditions(policy)?.map((c) => {
    const o = isObject((c ?? null) as never) ? (c as JsonObject) : {};
    return { name: typeof o['name'] === 'string' ? o['name'] : '', expression: typeof o['expression'] === 'string' ? o['expression'] : '' };
  });
}

/** `matcher.Match` of compiled conditions: every condition evaluates to true. */
function matches(compiled: readonly Compiled[], attributes: AdmissionAttributes): boolean {
  if (compiled.length === 0) return true;
  const act: Record<string, unknown> = {
    object: attributes.object ? jsonToCel(attributes.object) : null,
    oldObject: attributes.oldObject ? jsonToCel(attributes.oldObject) : null,
    request: jsonToCel(kubernetesRequestJson(attributes)),
    namespaceObject: null,
  };
  for (const c of compiled) {
    if ('error' in c) return false;
    try {
      if (evaluateSync(c.program, act) !== true) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/** Whether the conditions match the request (`matcher.Match`: every condition evaluates to true). */
export function webhookMatchConditionsMatch(envs: CelPolicyEnvironments, conditions: readonly WebhookMatchCondition[], attributes: AdmissionAttributes): boolean {
  return matches(envs.memo(conditions, () => conditions.map((c) => compileOne(envs, c.expression))), attributes);
}

const FALLBACK = Symbol('webhook match conditions environments');

/** The runtime's CEL environments (`celEnvironments` when it has them), else a set kept on the runtime. */
function environmentsOf(rt: object): CelPolicyEnvironments {
  const holder = rt as { celEnvironments?: CelPolicyEnvironments; [FALLBACK]?: CelPolicyEnvironments };
  return holder.celEnvironments ?? (holder[FALLBACK] ??= new CelPolicyEnvironments());
}

function withGvk(r: Resource, gvk: GroupVersionKind): Resource {
  return { ...r, apiVersion: gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version, kind: gvk.kind };
}

function metaString(r: Resource | null, field: string): string {
  const m = r && isObject(r['metadata'] ?? null) ? (r['metadata'] as JsonObject) : undefined;
  const v = m?.[field];
  return typeof v === 'string' ? v : '';
}

/**
 * The policy gate's match conditions check for a policy context: undefined when the policy has no
 * `webhookConfiguration.matchConditions`, else whether they match. `rt` holds the CEL environments.
 */
export function policyContextMatchesWebhookConditions(rt: object, pc: PolicyContext): boolean | undefined {
  const raw = rawMatchConditions(pc.policy as unknown as { spec?: unknown });
  if (raw === undefined) return undefined;
  const envs = environmentsOf(rt);
  // compiled once per policy object
  const compiled = envs.memo(raw, () => (webhookMatchConditionsOf(pc.policy as unknown as { spec?: unknown }) ?? []).map((c) => compileOne(envs, c.expression)));
  const { gvk, subresource } = resourceKind(pc);
  const object = pc.newResource ? withGvk(pc.newResource, gvk) : null;
  const oldObject = pc.oldResource ? withGvk(pc.oldResource, gvk) : null;
  return matches(compiled, {
    kind: gvk,
    resource: pc.requestResource ?? { group: '', version: '', resource: '' },
    subresource,
    name: object ? metaString(object, 'name') : metaString(oldObject, 'name'),
    namespace: object ? metaString(object, 'namespace') : metaString(oldObject, 'namespace'),
    operation: pc.operation,
    userInfo: pc.admissionInfo?.userInfo ?? {},
    object,
    oldObject,
    dryRun: false,
  });
}
