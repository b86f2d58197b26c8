/**
 * The generate controller's entry points for one trigger (kyverno/pkg/background/generate/controller.go
 * ApplyGeneratePolicy, GetUnstrResources) and the CLI's use of them
 * (cmd/cli/kubectl-kyverno/processor/generate.go handleGeneratePolicy).
 *
 * - Rules are the policy's own rules (not autogen), taken by name; `applyRules: One` stops after the first
 *   applied rule. Each rule's context is loaded (`failed to load rule level context: …`), then its pattern
 *   or foreach runs against the client.
 * - An error whose cause is a Kubernetes NotFound makes the whole call yield nothing, without error
 *   (`apierrors.IsNotFound` in ApplyGeneratePolicy); any other error fails the call.
 * - The CLI runs it once per rule response of ApplyBackgroundChecks (whatever its status) with one client
 *   for the policy, then reads the created objects back; any failure drops every generated resource of the
 *   policy and keeps the statuses.
 */
import type { Resource } from '../api/json.ts';
import { isObject } from '../api/json.ts';
import type { Rule } from '../api/policy.ts';
import type { RuleResponse } from '../api/response.ts';
import type { RuleRuntime } from '../handlers/runtime.ts';
import type { PolicyContext } from '../policy-context.ts';
import type { ResourceClient } from './client.ts';
import { GenerateError, errorText, rethrowPendingCause } from './errors.ts';
import { generateForeach } from './foreach.ts';
import { generate } from './generator.ts';
import type { ResourceSpec } from './unstructured.ts';

/** `Rule.HasGenerate`. */
export function hasGenerate(rule: Rule): boolean {
  return isObject(rule.generate) && Object.keys(rule.generate).length > 0;
}

/**
 * ApplyGeneratePolicy: the downstream specs each named rule created, by rule name. Throws GenerateError.
 * Example: `applyGeneratePolicy(rt, pc, ['default-deny'], client)` ->
 * `Map {'default-deny' => [{apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', ...}]}`.
 */
export function applyGeneratePolicy(
  rt: RuleRuntime,
  pc: PolicyContext,
  applicableRules: readonly string[],
  client: ResourceClient,
): Map<string, ResourceSpec[]> {
  const out = new Map<string, ResourceSpec[]>();
  const policy = pc.policy;
  const trigger = pc.newResource ?? {};
  const applyOne = policy.spec.applyRules === 'One';
  let applyCount = 0;
  for (const rule of policy.spec.rules ?? []) {
    if (!hasGenerate(rule)) continue;
    if (!applicableRules.includes(rule.name)) continue;
    if (applyOne && applyCount > 0) break;
    try {
      rt.loadContext(pc, rule, rule.context);
    } catch (err) {
      rethrowPendingCause(rt, err);
      throw new GenerateError('RULE_CONTEXT', `failed to load rule level context: ${errorText(err)}`);
    }
    const base = { rt, pc, policy, rule, client, trigger };
    let specs: ResourceSpec[];
    try {
      const fe = rule.generate?.foreach;
      specs =
        fe !== undefined && fe !== null
          ? generateForeach({ ...base, foreach: fe })
          : generate({ ...base, contextEntries: rule.context, conditions: rule.preconditions, pattern: rule.generate ?? {} });
    } catch (err) {
      if (err instanceof GenerateError && err.notFound) return new Map();
      throw err;
    }
    out.set(rule.name, specs);
    applyCount++;
  }
  return out;
}

/** GetUnstrResources: reads each created resource back from the client. Throws GenerateError (FETCH). */
export function getUnstrResources(client: ResourceClient, specs: readonly ResourceSpec[]): Resource[] {
  return specs.map((s) => {
    try {
      return client.getResource(s.apiVersion, s.kind, s.namespace, s.name);
    } catch (err) {
      throw new GenerateError('FETCH', errorText(err), err);
    }
  });
}

/**
 * One rule's downstream objects for the trigger in `pc`, as the CLI collects them. Throws GenerateError.
 * Example: the `add-networkpolicy` policy on Namespace `ns1` -> the `default-deny` NetworkPolicy in `ns1`
 * with the managed-by and `generate.kyverno.io/*` labels.
 */
export function generateResources(rt: RuleRuntime, pc: PolicyContext, ruleName: string, client: ResourceClient): Resource[] {
  const byRule = applyGeneratePolicy(rt, pc, [ruleName], client);
  const specs: ResourceSpec[] = [];
  for (const v of byRule.values()) specs.push(...v);
  return getUnstrResources(client, specs);
}

export type GenerateRulesOutcome = { ok: true; rules: RuleResponse[] } | { ok: false; error: GenerateError };

/**
 * handleGeneratePolicy: every rule response (any status) gets the resources its rule generated with the
 * shared client; on failure the caller keeps the responses as they were. The JSON context is restored
 * afterwards (Kyverno leaves the loaded entries behind, on a context it then drops).
 * Example: `generateForRules(rt, pc, resp.policyResponse.rules, generateMockCluster([trigger]))`.
 */
export function generateForRules(
  rt: RuleRuntime,
  pc: PolicyContext,
  rules: readonly RuleResponse[],
  client: ResourceClient,
): GenerateRulesOutcome {
  const ctx = pc.jsonContext;
  const element = pc.element;
  ctx.checkpoint();
  try {
    const out: RuleResponse[] = [];
    for (const r of rules) {
      const generated = generateResources(rt, pc, r.name, client);
      out.push({ ...r, generatedResources: generated });
    }
    return { ok: true, rules: out };
  } catch (err) {
    if (err instanceof GenerateError) return { ok: false, error: err };
    throw err;
  } finally {
    ctx.restore();
    pc.element = element;
  }
}
