/**
 * Resource mutation (pkg/webhooks/resource/mutation/mutation.go `HandleMutation`/`applyMutations`):
 * policies with standard mutate rules run in order, each on the previous one's result; each successful
 * policy contributes the JSON patch from its input to its output (`EngineResponse.GetPatches`), and the
 * patches of all policies are joined into one array.
 *
 * A policy whose response is not successful blocks the request (error) when it has an Enforce failure or
 * an error under a Fail failure policy (sticky, as in validation): `mutation policy <p> error: failed to
 * apply policy <p> rules [<rule>: <message> ...]`; otherwise its patches are dropped but the next policy
 * still sees its patched object, as in Kyverno. Warnings: failed/errored rules, and every non-skipped rule
 * of a policy with `emitWarning`.
 */
import { performance } from 'node:perf_hooks';
import type { JsonValue } from '../../engine/api/json.ts';
import type { KyvernoPolicy } from '../../engine/api/policy.ts';
import { createJsonPatch, type JsonPatchOperation } from '../../engine/mutate/patch/index.ts';
import { goJsonMarshal, goJsonString } from '../../engine/utils/gojson.ts';
import { blockRequest, failedRulesWithErrors, getWarningMessages, isSuccessful, type FailurePolicy, type PolicyResponse } from './block.ts';
import { recordPolicyResults } from './engine-metrics.ts';
import { namespaceLabelsFor } from './namespace-labels.ts';
import { policyFailurePolicy, specHasMutateStandard } from './policy-cache.ts';
import { withPolicy, type BuiltContext } from './policy-context.ts';
import { isGvkSupported, isPolicyReportable } from './reports.ts';
import type { ResourceHandlerDeps } from './resource-handlers.ts';
import { checkDeadline } from './validation.ts';
import { isDryRun, type AdmissionAttributes } from './types.ts';

/**
 * gomodules.xyz/jsonpatch/v2 `Operation.MarshalJSON`: `op`, `path`, then `value` (always for add and
 * replace, `null` included; never for remove).
 */
export function encodePatchOperation(op: JsonPatchOperation): string {
  let s = `{"op":${goJsonString(op.op)},"path":${goJsonString(op.path)}`;
  if (op.op === 'add' || op.op === 'replace') s += `,"value":${op.value === undefined ? 'null' : goJsonMarshal(op.value as JsonValue)}`;
  return s + '}';
}

/** `jsonutils.JoinPatches`: the operations in one array, joined by `, `. */
export function joinPatches(ops: readonly string[]): string | undefined {
  return ops.length === 0 ? undefined : `[${ops.join(', ')}]`;
}

export interface MutationOutcome {
  /** the joined JSON patch (`[...]`), undefined when there is none */
  patch: string | undefined;
  warnings: string[];
  responses: PolicyResponse[];
}

export class MutationError extends Error {
  readonly code = 'MUTATION_BLOCKED';
}

/** `HandleMutation`; throws MutationError (the request is then denied with its message). */
export function handleMutation(deps: ResourceHandlerDeps, a: AdmissionAttributes, policies: readonly KyvernoPolicy[], built: BuiltContext): MutationOutcome {
  const engine = deps.engine();
  const patches: string[] = [];
  const responses: PolicyResponse[] = [];
  let failurePolicy: FailurePolicy = 'Ignore';
  let pc = built.pc;
  const dryRun = isDryRun(a.request);
  for (const policy of policies) {
    if (!specHasMutateStandard(policy)) continue;
    checkDeadline(a);
    const current = withPolicy(pc, policy);
    if (policyFailurePolicy(policy, deps.forceFailurePolicyIgnore) === 'Fail') failurePolicy = 'Fail';
    try {
      current.namespaceLabels = namespaceLabelsFor(a.request.kind.kind, a.request.namespace, deps.namespaces, [policy], deps.exceptions());
    } catch (err) {
      throw new MutationError(`mutation policy ${policy.metadata.name ?? ''} error: ${(err as Error).message}`);
    }
    const input = current.newResource ?? {};
    const t0 = performance.now();
    const response = engine.mutate(current);
    recordPolicyResults(deps.metrics, policy, response, a.request.operation, true, dryRun, (performance.now() - t0) / 1000);
    const pr: PolicyResponse = { policy, response, emitWarning: policy.spec?.emitWarning === true };
    if (!isSuccessful(response)) {
      if (blockRequest(engine, [pr], failurePolicy)) {
        const name = policy.metadata.name ?? '';
        a.log.v(2).info('failed to apply policy, blocking request', { policy: name, rules: failedRulesWithErrors(response) });
        throw new MutationError(`mutation policy ${name} error: failed to apply policy ${name} rules ${failedRulesWithErrors(response)}`);
      }
      a.log.v(4).info('ignoring unsuccessful engine responses', { policy: policy.metadata.name, rules: failedRulesWithErrors(response) });
    } else {
      for (const op of createJsonPatch(input, response.patchedResource)) patches.push(encodePatchOperation(op));
    }
    pc = { ...current, newResource: response.patchedResource };
    pc.jsonContext.addResource(response.patchedResource);
    responses.push(pr);
  }
  if (
    deps.admissionReports &&
    !dryRun &&
    a.request.operation !== 'DELETE' &&
    isGvkSupported(a.request) &&
    isPolicyReportable(pc.policy) &&
    responses.length > 0
  ) {
    deps.reports.submit({ source: 'mutation', request: a.request, resource: pc.newResource ?? {}, responses, time: Date.now() });
  }
  return { patch: joinPatches(patches), warnings: getWarningMessages(responses), responses };
}
