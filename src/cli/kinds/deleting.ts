/**
 * DeletingPolicy / NamespacedDeletingPolicy in the CLI (cmd/cli/kubectl-kyverno/commands/test/test.go
 * `applyDeletingPolicies`): evaluated once per resource in the default run (not per explicit operation).
 * Per policy: a `Deletion` rule named after the policy — pass "resource matched" when the cleanup
 * controller would delete the object, fail "resource did not match" when the policy selects it but its
 * conditions do not hold (or an exception applies), error with the evaluation error; nothing when the
 * `matchConstraints` do not select the object.
 */
import type { JsonObject, Resource } from '../../engine/api/json.ts';
import type { EngineResponse, RuleType } from '../../engine/api/response.ts';
import { ruleResponse } from '../../engine/api/response.ts';
import { compileDeletingPolicy, handleDeletingPolicy, type CompiledDeletingPolicy, type DeletingPolicy } from '../../engine/celdelete/deleting-policy.ts';
import { exceptionsFor } from '../../engine/celmutate/common/exceptions.ts';
import { policyEnvironment } from '../../engine/celmutate/common/program.ts';
import type { CelPolicyException } from '../../engine/celmutate/common/types.ts';
import { systemClock } from '../../k8s/system.ts';
import { cachedEnvironment, celPolicyPorts, responsePolicy, restMapping } from './mutating.ts';
import type { KindContext, KindHandler } from './types.ts';

const compiledCache = new WeakMap<object, CompiledDeletingPolicy | Error>();

function compile(ctx: KindContext, policy: DeletingPolicy): CompiledDeletingPolicy {
  let c = compiledCache.get(policy);
  if (!c) {
    const namespaced = (policy.metadata?.namespace ?? '') !== '';
    const env = cachedEnvironment(ctx, namespaced ? 'dpol-ns' : 'dpol', () => policyEnvironment({ namespaced, clock: systemClock }));
    const exceptions = exceptionsFor(policy.metadata?.name ?? '', policy.kind ?? '', ctx.celExceptions as unknown as CelPolicyException[]);
    const r = compileDeletingPolicy(env, policy, exceptions);
    c = 'errors' in r ? new Error(`failed to compile policy ${policy.metadata?.name ?? ''} (${r.errors.aggregate()})`) : r;
    compiledCache.set(policy, c);
  }
  if (c instanceof Error) throw c;
  return c;
}

const DELETION = 'Deletion' as RuleType;

function applyDeleting(ctx: KindContext, policies: readonly JsonObject[], resource: Resource): { responses: EngineResponse[] } {
  const compiled = (policies as unknown as DeletingPolicy[]).map((p) => compile(ctx, p));
  const ports = celPolicyPorts(ctx);
  const apiVersion = typeof resource['apiVersion'] === 'string' ? resource['apiVersion'] : '';
  const kind = typeof resource['kind'] === 'string' ? resource['kind'] : '';
  const i = apiVersion.indexOf('/');
  const gvk = { group: i < 0 ? '' : apiVersion.slice(0, i), version: i < 0 ? apiVersion : apiVersion.slice(i + 1), kind };
  const m = restMapping(ctx, gvk);
  const mapping = m ? { resource: m.resource } : { error: `no matches for kind "${kind}" in version "${apiVersion}"` };
  const responses: EngineResponse[] = [];
  for (const p of compiled) {
    const name = p.policy.metadata?.name ?? '';
    const r = handleDeletingPolicy(p, { object: resource, mapping, namespace: (n) => ctx.variables.namespace(n), ports });
    let rule;
    if ('error' in r) rule = ruleResponse(name, DELETION, 'error', r.error);
    else if (r.matched) rule = ruleResponse(name, DELETION, 'pass', 'resource matched');
    else if (!r.policyMatched) continue;
    else rule = ruleResponse(name, DELETION, 'fail', 'resource did not match');
    responses.push({ resource, patchedResource: resource, policy: responsePolicy(p.policy as unknown as JsonObject), policyResponse: { rules: [rule] } });
  }
  return { responses };
}

export const deletingHandlers: KindHandler[] = [
  {
    kinds: ['DeletingPolicy', 'NamespacedDeletingPolicy'],
    stage: 'delete',
    apply: applyDeleting,
    // JSON payloads are evaluated like resources (without apiVersion/kind they skip the constraints)
    applyJson: (ctx, policies, payload) => applyDeleting(ctx, policies, payload).responses,
  },
];
