/**
 * Applies the loaded policies to one resource the way Kyverno's CLI does
 * (cmd/cli/kubectl-kyverno/processor/policy_processor.go): mutate policies first (each sees the previous
 * one's result), then validate, then generate; per-policy values and the simulated operation from the values.
 */
import type { JsonObject, JsonValue, Resource } from '../engine/api/json.ts';
import { handlersFor, type KindContext, type KindStage } from './kinds/index.ts';
import type { AdmissionOperation, KyvernoPolicy, PolicyException } from '../engine/api/policy.ts';
import type { GroupVersionKind, RequestUserInfo } from '../engine/api/request.ts';
import type { EngineResponse } from '../engine/api/response.ts';
import type { Engine } from '../engine/engine.ts';
import { gvkOf } from '../engine/policy-context.ts';
import { generateForRules, generateMockCluster } from '../engine/generate/index.ts';
import type { Variables } from './values.ts';

export interface ProcessorInput {
  engine: Engine;
  policies: readonly KyvernoPolicy[];
  /** CEL and admissionregistration policies (with their bindings) and the context their handlers need */
  celPolicies?: readonly JsonObject[];
  kindContext?: KindContext;
  /** the clone sources the CLI loads for a generate rule (`kyverno test`: the rule's `cloneSourceResource` file) */
  cloneSources?: (policy: KyvernoPolicy, ruleName: string) => Resource[];
  /** false for the extra per-operation runs of `kyverno test` (deleting policies run only by default) */
  defaultRun?: boolean;
  exceptions: readonly PolicyException[];
  variables: Variables;
  userInfo?: RequestUserInfo;
  /** explicit operation (a test result's `operation`) overriding the values */
  operation?: string;
}

function hasRuleWith(policy: KyvernoPolicy, key: 'mutate' | 'validate' | 'generate' | 'verifyImages'): boolean {
  return (policy.spec?.rules ?? []).some((r) => {
    const v = r[key] as unknown;
    if (v === undefined || v === null) return false;
    if (Array.isArray(v)) return v.length > 0;
    return typeof v === 'object' && Object.keys(v as object).length > 0;
  });
}

export function policyHasMutate(p: KyvernoPolicy): boolean {
  return hasRuleWith(p, 'mutate');
}
export function policyHasValidate(p: KyvernoPolicy): boolean {
  return hasRuleWith(p, 'validate') || hasVerifyImageChecks(p);
}
export function policyHasGenerate(p: KyvernoPolicy): boolean {
  return hasRuleWith(p, 'generate');
}
function hasVerifyImageChecks(p: KyvernoPolicy): boolean {
  return (p.spec?.rules ?? []).some((r) =>
    (r.verifyImages ?? []).some((vi) => typeof vi === 'object' && vi !== null && ((vi as Record<string, unknown>)['verifyDigest'] === true || (vi as Record<string, unknown>)['required'] === true)),
  );
}

/** The request GVK and subresource for a resource, honouring the values' subresource mappings. */
export function resourceGvk(resource: Resource, variables: Variables): { gvk: GroupVersionKind; subresource: string } {
  let gvk = gvkOf(resource);
  let subresource = '';
  for (const s of variables.subresources()) {
    const sub = s.subresource;
    if ((sub.group ?? '') === gvk.group && (sub.version ?? '') === gvk.version && sub.kind === gvk.kind) {
      const parent = s.parentResource;
      gvk = { group: parent.group ?? '', version: parent.version ?? '', kind: parent.kind };
      subresource = (sub.name.split('/')[1] ?? '') as string;
    }
  }
  return { gvk, subresource };
}

function operationFor(values: Record<string, JsonValue>, explicit: string | undefined): AdmissionOperation {
  let op: AdmissionOperation = 'CREATE';
  const v = values['request.operation'];
  if (v === 'DELETE') op = 'DELETE';
  else if (v === 'UPDATE') op = 'UPDATE';
  if (explicit) {
    if (explicit === 'CREATE' || explicit === 'DELETE' || explicit === 'UPDATE') op = explicit;
    values['request.operation'] = explicit;
  }
  return op;
}

/** The responses of the mutate stage (one per policy with mutate rules, whether or not a rule applied). */
const mutateStage = new WeakSet<EngineResponse>();

/** Whether a response is a mutate-stage response of `applyPoliciesOnResource` (Kyverno prints each one). */
export function isMutateStageResponse(er: EngineResponse): boolean {
  return mutateStage.has(er);
}

/** ApplyPoliciesOnResource for the classic policy kinds. */
export function applyPoliciesOnResource(input: ProcessorInput, original: Resource): EngineResponse[] {
  const { engine, variables } = input;
  const responses: EngineResponse[] = [];
  let resource = original;
  const name = typeof (resource['metadata'] as Record<string, unknown> | undefined)?.['name'] === 'string'
    ? ((resource['metadata'] as Record<string, unknown>)['name'] as string)
    : '';
  const ns = typeof (resource['metadata'] as Record<string, unknown> | undefined)?.['namespace'] === 'string'
    ? ((resource['metadata'] as Record<string, unknown>)['namespace'] as string)
    : '';
  const namespaceLabels = variables.namespaceSelectors()[ns] ?? {};
  const { gvk, subresource } = resourceGvk(resource, variables);

  const makeContext = (policy: KyvernoPolicy) => {
    const values = variables.computeVariables(policy.metadata?.name ?? '', name);
    const operation = operationFor(values, input.operation);
    return engine.newPolicyContext({
      policy,
      operation,
      newResource: resource,
      oldResource: operation === 'UPDATE' || operation === 'DELETE' ? resource : null,
      admissionInfo: input.userInfo,
      namespaceLabels,
      gvk,
      subresource,
      exceptions: input.exceptions,
      variables: values,
    });
  };

  for (const policy of input.policies) {
    if (!policyHasMutate(policy)) continue;
    const pc = makeContext(policy);
    const resp = engine.mutate(pc);
    mutateStage.add(resp);
    responses.push(resp);
    resource = resp.patchedResource;
  }
  for (const policy of input.policies) {
    if (!policyHasValidate(policy)) continue;
    const pc = makeContext(policy);
    const resp = engine.validate(pc);
    responses.push(resp);
  }
  const cel = input.celPolicies ?? [];
  const runStage = (stage: KindStage): void => {
    if (!input.kindContext || cel.length === 0) return;
    for (const h of handlersFor(stage)) {
      const mine = cel.filter((p) => h.kinds.includes(String(p['kind'])));
      if (mine.length === 0) continue;
      const r = h.apply({ ...input.kindContext, operation: input.operation }, mine, resource);
      responses.push(...r.responses);
      if (r.patched) resource = r.patched;
    }
  };
  runStage('mutate');
  runStage('validate');
  runStage('generate');
  for (const policy of input.policies) {
    if (!policyHasGenerate(policy)) continue;
    const pc = makeContext(policy);
    const resp = engine.generate(pc);
    if (resp.policyResponse.rules.length === 0) continue;
    // handleGeneratePolicy: a fresh in-memory cluster holding the trigger and the rules' clone sources;
    // every rule response (whatever its status) runs through the generate controller; on failure the
    // responses stay as they are (Kyverno only logs the error)
    const objects: Resource[] = pc.newResource ? [pc.newResource] : [];
    for (const r of resp.policyResponse.rules) objects.push(...(input.cloneSources?.(policy, r.name) ?? []));
    const cloneListKinds = engine.computeRules(policy, '').flatMap((r) => r.generate?.cloneList?.kinds ?? []);
    const out = generateForRules(engine, pc, resp.policyResponse.rules, generateMockCluster(objects, cloneListKinds));
    if (out.ok) resp.policyResponse.rules = out.rules;
    responses.push(resp);
  }
  if (input.defaultRun !== false) runStage('delete');
  return responses;
}
