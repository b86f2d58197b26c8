/**
 * Applies the loaded policies to one resource the way Kyverno's CLI does
 * (cmd/cli/kubectl-kyverno/processor/policy_processor.go): mutate policies first (each sees the previous
 * one's result), then validate, then generate; per-policy values and the simulated operation from the values.
 */
import type { JsonValue, Resource } from '../engine/api/json.ts';
import type { AdmissionOperation, KyvernoPolicy, PolicyException } from '../engine/api/policy.ts';
import type { GroupVersionKind, RequestUserInfo } from '../engine/api/request.ts';
import type { EngineResponse } from '../engine/api/response.ts';
import type { Engine } from '../engine/engine.ts';
import { gvkOf } from '../engine/policy-context.ts';
import type { Variables } from './values.ts';

export interface ProcessorInput {
  engine: Engine;
  policies: readonly KyvernoPolicy[];
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
    responses.push(resp);
    resource = resp.patchedResource;
  }
  for (const policy of input.policies) {
    if (!policyHasValidate(policy)) continue;
    const pc = makeContext(policy);
    const resp = engine.validate(pc);
    responses.push(resp);
  }
  for (const policy of input.policies) {
    if (!policyHasGenerate(policy)) continue;
    const pc = makeContext(policy);
    const resp = engine.generate(pc);
    if (resp.policyResponse.rules.length > 0) responses.push(resp);
  }
  return responses;
}
