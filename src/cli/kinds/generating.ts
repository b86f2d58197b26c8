/**
 * GeneratingPolicy / NamespacedGeneratingPolicy in the CLI (cmd/cli/kubectl-kyverno/processor
 * policy_processor.go, generating policies): each policy is evaluated on the admission request of the
 * resource; a matching policy gives one `Generation` rule response whose generated resources the test
 * compares with the expected ones. The generate context is the fake provider (resources kept as given),
 * or — with clusterResources declared — the cluster provider in CLI mode (server fields stripped,
 * cluster-scoped kinds without namespace).
 */
import type { JsonObject, Resource } from '../../engine/api/json.ts';
import type { EngineResponse } from '../../engine/api/response.ts';
import { cliClusterGenerateSink, fakeGenerateSink } from '../../engine/celgenerate/generate-sink.ts';
import { generatorLibrary } from '../../engine/celgenerate/generator-library.ts';
import { compileGeneratingPolicy, handleGeneratingPolicy, type CompiledGeneratingPolicy, type GeneratingPolicy } from '../../engine/celgenerate/generating-policy.ts';
import { metaString } from '../../engine/celmutate/common/admission.ts';
import { exceptionsFor } from '../../engine/celmutate/common/exceptions.ts';
import { policyEnvironment } from '../../engine/celmutate/common/program.ts';
import type { CelPolicyException } from '../../engine/celmutate/common/types.ts';
import { systemClock } from '../../k8s/system.ts';
import { cachedEnvironment, celPolicyPorts, requestAttributes, responsePolicy, restMapping } from './mutating.ts';
import type { KindContext, KindHandler } from './types.ts';

const compiledCache = new WeakMap<object, CompiledGeneratingPolicy | Error>();

function compile(ctx: KindContext, policy: GeneratingPolicy): CompiledGeneratingPolicy {
  let c = compiledCache.get(policy);
  if (!c) {
    const namespaced = (policy.metadata?.namespace ?? '') !== '';
    const env = cachedEnvironment(ctx, namespaced ? 'gpol-ns' : 'gpol', () =>
      policyEnvironment({
        namespaced,
        clock: systemClock,
        homogeneousAggregateLiterals: false,
        libraries: [generatorLibrary],
        variables: { generator: namespaced ? 'generator.NamespacedContext' : 'generator.Context' },
      }),
    );
    const exceptions = exceptionsFor(policy.metadata?.name ?? '', policy.kind ?? '', ctx.celExceptions as unknown as CelPolicyException[]);
    const r = compileGeneratingPolicy(env, policy, exceptions);
    c = 'errors' in r ? new Error(`failed to compile policy ${policy.metadata?.name ?? ''} (${r.errors.aggregate()})`) : r;
    compiledCache.set(policy, c);
  }
  if (c instanceof Error) throw c;
  return c;
}

function applyGenerating(ctx: KindContext, policies: readonly JsonObject[], resource: Resource): { responses: EngineResponse[] } {
  const compiled = (policies as unknown as GeneratingPolicy[]).map((p) => compile(ctx, p));
  if (compiled.length === 0) return { responses: [] };
  const attr0 = requestAttributes(ctx, resource);
  if ('error' in attr0) throw new Error(attr0.error);
  // the engine takes the namespace from the request's object
  const attr = { ...attr0, namespace: attr0.object ? metaString(attr0.object, 'namespace') : '' };
  const trigger = attr.object ?? attr.oldObject ?? {};
  const ports = celPolicyPorts(ctx);
  const ns = attr0.namespace !== '' ? ctx.variables.namespace(attr0.namespace) : undefined;
  const isNamespaced = (apiVersion: string, kind: string): boolean => {
    const i = apiVersion.indexOf('/');
    const m = restMapping(ctx, { group: i < 0 ? '' : apiVersion.slice(0, i), version: i < 0 ? apiVersion : apiVersion.slice(i + 1), kind });
    return m ? m.namespaced : true;
  };
  const responses: EngineResponse[] = [];
  for (const p of compiled) {
    const sink = ctx.hasCluster ? cliClusterGenerateSink(isNamespaced, p.policy.metadata?.namespace ?? '') : fakeGenerateSink();
    const rule = handleGeneratingPolicy(p, { attr, ...(ns ? { namespace: ns } : {}), ports, sink });
    if (!rule) continue;
    responses.push({ resource: trigger, patchedResource: trigger, policy: responsePolicy(p.policy as unknown as JsonObject), policyResponse: { rules: [rule] } });
  }
  return { responses };
}

export const generatingHandlers: KindHandler[] = [{ kinds: ['GeneratingPolicy', 'NamespacedGeneratingPolicy'], stage: 'generate', apply: applyGenerating }];
