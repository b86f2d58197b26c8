/**
 * Resource validation (pkg/webhooks/resource/validation/validation.go):
 *
 * `handleValidationEnforce` runs, before answering, the policies that can block (Enforce policies reduced
 * to their Enforce rules, fine-grained policies whole, image-verification checks) and the Audit policies
 * that emit warnings:
 * - the failure policy starts as Ignore and becomes Fail (for good) at the first policy whose
 *   `failurePolicy` is Fail;
 * - the request is blocked when a rule fails under Enforce, or errors while the failure policy is Fail;
 *   the message lists the failing rules (block.ts);
 * - otherwise it is allowed with warnings for the failed/errored/warned rules, and the Enforce results are
 *   recorded for reports.
 *
 * `handleValidationAudit` runs after the answer (audit pool): the Audit policies (and the Audit rules of
 * Enforce policies), recorded for reports.
 */
import { performance } from 'node:perf_hooks';
import type { KyvernoPolicy } from '../../engine/api/policy.ts';
import { blockRequest, getBlockedMessages, getWarningMessages, type FailurePolicy, type PolicyResponse } from './block.ts';
import { recordPolicyResults } from './engine-metrics.ts';
import { namespaceLabelsFor } from './namespace-labels.ts';
import { policyFailurePolicy } from './policy-cache.ts';
import { buildPolicyContext, withPolicy } from './policy-context.ts';
import { hasReportablePolicy, needsReports } from './reports.ts';
import type { ResourceHandlerDeps } from './resource-handlers.ts';
import { isDryRun, type AdmissionAttributes } from './types.ts';

export interface EnforceOutcome {
  ok: boolean;
  message: string;
  warnings: string[];
  responses: PolicyResponse[];
}

/** Thrown when the internal deadline passes between two policy evaluations. */
export class DeadlineExceededError extends Error {
  readonly code = 'DEADLINE_EXCEEDED';
}

/** Fails the review when `now` (default: the current time) is past its deadline. */
export function checkDeadline(a: AdmissionAttributes, now = performance.now()): void {
  if (now > a.deadline) {
    throw new DeadlineExceededError(`admission review did not complete within ${((a.deadline - a.startTime) / 1000).toFixed(1)}s`);
  }
}

export function handleValidationEnforce(
  deps: ResourceHandlerDeps,
  a: AdmissionAttributes,
  policies: readonly KyvernoPolicy[],
  auditWarnPolicies: readonly KyvernoPolicy[],
): EnforceOutcome {
  if (policies.length === 0 && auditWarnPolicies.length === 0) return { ok: true, message: '', warnings: [], responses: [] };
  const engine = deps.engine();
  const all = [...policies, ...auditWarnPolicies];
  let built;
  try {
    built = buildPolicyContext(engine, a, all[0] as KyvernoPolicy, deps.exceptions());
    built.pc.namespaceLabels = namespaceLabelsFor(a.request.kind.kind, a.request.namespace, deps.namespaces, all, deps.exceptions());
  } catch (err) {
    return { ok: false, message: `failed to create policy context: ${(err as Error).message}`, warnings: [], responses: [] };
  }
  const pc = built.pc;
  const dryRun = isDryRun(a.request);
  const responses: PolicyResponse[] = [];
  let failurePolicy: FailurePolicy = 'Ignore';
  // one clock reading per policy: the end of one policy's evaluation is the start of the next one's
  let t0 = performance.now();
  for (const policy of policies) {
    checkDeadline(a, t0);
    if (policyFailurePolicy(policy, deps.forceFailurePolicyIgnore) === 'Fail') failurePolicy = 'Fail';
    const response = engine.validate(withPolicy(pc, policy));
    const t1 = performance.now();
    recordPolicyResults(deps.metrics, policy, response, a.request.operation, true, dryRun, (t1 - t0) / 1000);
    t0 = t1;
    responses.push({ policy, response, emitWarning: false });
    if (a.log.enabled(2)) {
      const failed = response.policyResponse.rules.filter((r) => r.status === 'fail' || r.status === 'error').map((r) => r.name);
      if (failed.length > 0) a.log.v(2).info('validation failed', { action: 'Enforce', policy: policy.metadata.name, 'failed rules': failed });
      else if (response.policyResponse.rules.some((r) => r.status === 'pass')) a.log.v(2).info('validation passed', { policy: policy.metadata.name });
    }
  }
  const auditWarnResponses: PolicyResponse[] = [];
  for (const policy of auditWarnPolicies) {
    checkDeadline(a, t0);
    const response = engine.validate(withPolicy(pc, policy));
    const t1 = performance.now();
    recordPolicyResults(deps.metrics, policy, response, a.request.operation, true, dryRun, (t1 - t0) / 1000);
    t0 = t1;
    auditWarnResponses.push({ policy, response, emitWarning: false });
  }
  if (blockRequest(engine, responses, failurePolicy)) {
    a.log.v(4).info('admission request blocked');
    deps.onBlocked?.(responses.map((r) => r.response));
    return { ok: false, message: getBlockedMessages(responses), warnings: [], responses };
  }
  if (needsReports(a.request, built.newResource, deps.admissionReports) && hasReportablePolicy(policies) && responses.length > 0) {
    deps.reports.submit({ source: 'admission', request: a.request, resource: built.newResource ?? {}, responses, time: Date.now() });
  }
  const withWarn = responses.concat(auditWarnResponses);
  return { ok: true, message: '', warnings: getWarningMessages(withWarn), responses: withWarn };
}

/** The policies of the Audit pass of a request (`GetPolicies(ValidateAudit, ...)`). */
export function auditPolicies(deps: ResourceHandlerDeps, a: AdmissionAttributes): KyvernoPolicy[] {
  const namespace = a.request.namespace !== '' ? deps.namespaces.get(a.request.namespace) : undefined;
  return deps.policies.get('ValidateAudit', a.request.resource, a.request.subResource, namespace);
}

/**
 * The asynchronous Audit pass (`HandleValidationAudit`) with the request's Audit policies (`auditPolicies`,
 * looked up when the pass is queued); returns the responses (tests, events).
 */
export function handleValidationAudit(deps: ResourceHandlerDeps, a: AdmissionAttributes, policies: readonly KyvernoPolicy[] = auditPolicies(deps, a)): PolicyResponse[] {
  if (policies.length === 0) return [];
  const engine = deps.engine();
  let built;
  try {
    built = buildPolicyContext(engine, a, policies[0] as KyvernoPolicy, deps.exceptions());
    built.pc.namespaceLabels = namespaceLabelsFor(a.request.kind.kind, a.request.namespace, deps.namespaces, policies, deps.exceptions());
  } catch (err) {
    a.log.error(err, 'failed to build policy context');
    return [];
  }
  const dryRun = isDryRun(a.request);
  const responses: PolicyResponse[] = [];
  for (const policy of policies) {
    const t0 = performance.now();
    const response = engine.validate(withPolicy(built.pc, policy));
    recordPolicyResults(deps.metrics, policy, response, a.request.operation, true, dryRun, (performance.now() - t0) / 1000);
    responses.push({ policy, response, emitWarning: false });
  }
  if (needsReports(a.request, built.newResource, deps.admissionReports) && hasReportablePolicy(policies)) {
    deps.reports.submit({ source: 'audit', request: a.request, resource: built.newResource ?? {}, responses, time: Date.now() });
  }
  return responses;
}
