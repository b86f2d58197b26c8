/**
 * `kyverno_policy_results_total` and `kyverno_policy_execution_duration_seconds` for one engine response
 * (pkg/metrics/policy_engine.go `RecordResponse`, parsers.go `GetPolicyInfos`): one sample per rule,
 * labelled with the policy's validation mode (enforce when the spec or a rule says Enforce), type
 * (cluster/namespaced; the namespace of a cluster policy is `-`), background mode, the resource, the
 * lower-cased operation, the rule's result and type, the cause (admission_request) and dry run.
 *
 * Kyverno times each rule; the engine here does not report per-rule times, so every rule of a response
 * carries the duration of its policy's evaluation.
 */
import type { KyvernoPolicy } from '../../engine/api/policy.ts';
import type { EngineResponse, RuleType } from '../../engine/api/response.ts';
import { isEnforce } from '../../engine/failure-action.ts';
import type { KyvernoMetrics } from '../metrics.ts';
import { metaString } from './resources.ts';
import { hasValidate } from './policy-cache.ts';

function ruleTypeLabel(t: RuleType): string {
  switch (t) {
    case 'Validation':
      return 'validate';
    case 'Mutation':
      return 'mutate';
    case 'Generation':
      return 'generate';
    case 'ImageVerify':
      return 'imageVerify';
    default:
      return '-';
  }
}

/** `Spec.HasValidateEnforce` */
function hasValidateEnforce(p: KyvernoPolicy): boolean {
  for (const r of p.spec?.rules ?? []) if (hasValidate(r) && isEnforce(r.validate?.failureAction)) return true;
  return isEnforce(p.spec?.validationFailureAction);
}

export function recordPolicyResults(
  metrics: KyvernoMetrics,
  policy: KyvernoPolicy,
  response: EngineResponse,
  operation: string,
  admissionOperation: boolean,
  dryRun: boolean,
  seconds: number,
): void {
  const rules = response.policyResponse.rules;
  if (rules.length === 0) return;
  // the policy's own labels are computed once per policy object
  let cache = metrics.policySeries.get(policy);
  if (!cache) {
    const namespaced = policy.kind === 'Policy';
    cache = {
      labels: [
        hasValidateEnforce(policy) ? 'enforce' : 'audit',
        namespaced ? 'namespaced' : 'cluster',
        policy.spec?.background === false ? 'false' : 'true',
        namespaced ? (policy.metadata.namespace ?? '') : '-',
        policy.metadata.name ?? '',
      ],
      byResource: new Map(),
    };
    metrics.policySeries.set(policy, cache);
  }
  const [validationMode, policyType, background, namespace, name] = cache.labels;
  if (!metrics.checkNamespace(namespace)) return;
  const kind = typeof response.resource['kind'] === 'string' ? response.resource['kind'] : '';
  const resourceNamespace = metaString(response.resource, 'namespace');
  const op = operation.toLowerCase();
  const cause = admissionOperation ? 'admission_request' : 'background_scan';
  const dry = dryRun ? 'true' : 'false';
  // nested maps: no long key strings to build and hash per rule
  const local = `${kind}\u0001${resourceNamespace}\u0001${op}\u0001${cause}\u0001${dry}`;
  let byRule = cache.byResource.get(local);
  if (!byRule) {
    byRule = new Map();
    cache.byResource.set(local, byRule);
  }
  for (const r of rules) {
    const type = ruleTypeLabel(r.ruleType);
    let byResult = byRule.get(r.name);
    if (!byResult) {
      byResult = new Map();
      byRule.set(r.name, byResult);
    }
    const resultKey = `${r.status}\u0001${type}`;
    let series = byResult.get(resultKey);
    if (!series) {
      // the registry's key: every label value
      const key = `${validationMode}\u0001${policyType}\u0001${background}\u0001${namespace}\u0001${name}\u0001${local}\u0001${r.name}\u0001${resultKey}`;
      const values = () => [validationMode, policyType, background, namespace, name, kind, resourceNamespace, op, r.name, r.status, type, cause, dry];
      series = { counter: metrics.policyResults.handle(key, values), histogram: metrics.policyExecutionDuration.handle(key, values) };
      byResult.set(resultKey, series);
    }
    series.counter.value++;
    metrics.policyExecutionDuration.observeHandle(series.histogram, seconds);
  }
}
