/**
 * Verdicts from engine responses (pkg/utils/engine/response.go `BlockRequest`, pkg/engine/api
 * `HasEnforcedFailure`, pkg/webhooks/utils/{block,warning,error}.go):
 *
 * - a request is blocked when some policy has a failed rule whose failure action resolves to Enforce, or
 *   has an errored rule while the (sticky) failure policy is Fail;
 * - the deny message lists, per policy, every rule that did not pass or skip:
 *   `\n\nresource Pod/default/p was blocked due to the following policies \n\n<yaml>`;
 * - a warning `policy <name>.<rule>: <message>` is emitted for every failed, errored or warned rule (rule
 *   responses emit warnings for those statuses), and for every non-skipped rule of a response marked
 *   `emitWarning` (mutations of policies with `spec.emitWarning`).
 */
import type { KyvernoPolicy } from '../../engine/api/policy.ts';
import type { EngineResponse, RuleResponse } from '../../engine/api/response.ts';
import type { Engine } from '../../engine/engine.ts';
import { failureActionForRule, isEnforce } from '../../engine/failure-action.ts';
import { encodeStringMaps } from './go-yaml.ts';
import { metaString } from './resources.ts';

export type FailurePolicy = 'Fail' | 'Ignore';

/** An engine response with the policy that produced it (as evaluated) and its warning flag. */
export interface PolicyResponse {
  policy: KyvernoPolicy;
  response: EngineResponse;
  /** `EngineResponse.WithWarning()`: every non-skipped rule becomes a warning */
  emitWarning: boolean;
}

const ruleEmitsWarning = (r: RuleResponse): boolean => r.status === 'fail' || r.status === 'error' || r.status === 'warn';

/** `IsSuccessful`: no failed or errored rule. */
export function isSuccessful(er: EngineResponse): boolean {
  for (const r of er.policyResponse.rules) if (r.status === 'fail' || r.status === 'error') return false;
  return true;
}

/** `IsError`: some rule errored. */
export function isError(er: EngineResponse): boolean {
  for (const r of er.policyResponse.rules) if (r.status === 'error') return true;
  return false;
}

/** `HasEnforcedFailure`: a failed rule whose action (rule, overrides, policy) is Enforce. */
export function hasEnforcedFailure(engine: Engine, pr: PolicyResponse): boolean {
  const er = pr.response;
  let rules: ReturnType<Engine['computeRules']> | undefined;
  for (const r of er.policyResponse.rules) {
    if (r.status !== 'fail') continue;
    rules ??= engine.computeRules(pr.policy, typeof er.resource['kind'] === 'string' ? er.resource['kind'] : '');
    const action = failureActionForRule(pr.policy, rules, r.name, metaString(er.patchedResource, 'namespace'), er.namespaceLabels);
    if (isEnforce(action)) return true;
  }
  return false;
}

/** `BlockRequest(engineResponses, failurePolicy)` */
export function blockRequest(engine: Engine, responses: readonly PolicyResponse[], failurePolicy: FailurePolicy): boolean {
  for (const pr of responses) {
    if (hasEnforcedFailure(engine, pr)) return true;
    if (isError(pr.response) && failurePolicy === 'Fail') return true;
  }
  return false;
}

/** `GetBlockedMessages`: `''` when no rule failed. */
export function getBlockedMessages(responses: readonly PolicyResponse[]): string {
  if (responses.length === 0) return '';
  const failures: Record<string, Record<string, string>> = {};
  let any = false;
  for (const pr of responses) {
    const ruleToReason: Record<string, string> = {};
    let has = false;
    for (const r of pr.response.policyResponse.rules) {
      if (r.status !== 'pass' && r.status !== 'skip') {
        ruleToReason[r.name] = r.message;
        has = true;
      }
    }
    if (has) {
      failures[pr.policy.metadata.name ?? ''] = ruleToReason;
      any = true;
    }
  }
  if (!any) return '';
  const r = (responses[0] as PolicyResponse).response.resource;
  const kind = typeof r['kind'] === 'string' ? r['kind'] : '';
  const resourceName = `${kind}/${metaString(r, 'namespace')}/${metaString(r, 'name')}`;
  return `\n\nresource ${resourceName} was blocked due to the following policies \n\n${encodeStringMaps(failures)}`;
}

/** `GetWarningMessages` */
export function getWarningMessages(responses: readonly PolicyResponse[]): string[] {
  const warnings: string[] = [];
  for (const pr of responses) {
    for (const r of pr.response.policyResponse.rules) {
      if (ruleEmitsWarning(r) || (pr.emitWarning && r.status !== 'skip')) {
        warnings.push(`policy ${pr.policy.metadata.name ?? ''}.${r.name}: ${r.message}`);
      }
    }
  }
  return warnings;
}

/** `GetFailedRulesWithErrors`: `rule: message` of failed/errored rules, printed as Go prints a []string. */
export function failedRulesWithErrors(er: EngineResponse): string {
  const out: string[] = [];
  for (const r of er.policyResponse.rules) if (r.status === 'fail' || r.status === 'error') out.push(`${r.name}: ${r.message}`);
  return `[${out.join(' ')}]`;
}
