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

const RULE_TYPE_LABELS = ['validate', 'mutate', 'generate', 'imageVerify', '-'];

/** The position of a rule type: 0–3 for Kyverno's types, 4 for any other (label `-`). */
function ruleTypeIndex(t: RuleType): number {
  switch (t) {
    case 'Validation':
      return 0;
    case 'Mutation':
      return 1;
    case 'Generation':
      return 2;
    case 'ImageVerify':
      return 3;
    default:
      return 4;
  }
}

/** The position of a result among Kyverno's five; -1 for any other. */
function statusIndex(status: string): number {
  switch (status) {
    case 'pass':
      return 0;
    case 'fail':
      return 1;
    case 'warn':
      return 2;
    case 'error':
      return 3;
    case 'skip':
      return 4;
    default:
      return -1;
  }
}

/** The slot of a (result, rule type) pair in a rule's series array; -1 for a result outside Kyverno's five. */
function seriesSlot(status: string, type: RuleType): number {
  const s = statusIndex(status);
  return s < 0 ? -1 : s * RULE_TYPE_LABELS.length + ruleTypeIndex(type);
}

/** `Spec.HasValidateEnforce` */
function hasValidateEnforce(p: KyvernoPolicy): boolean {
  for (const r of p.spec?.rules ?? []) if (hasValidate(r) && isEnforce(r.validate?.failureAction)) return true;
  return isEnforce(p.spec?.validationFailureAction);
}

/**
 * `GetPolicyInfos`: a policy's validation mode (enforce/audit), type (cluster/namespaced), background mode
 * (true unless `background: false`), namespace (`-` for a cluster policy) and name, in that order.
 */
export function policyInfoLabels(policy: KyvernoPolicy): [string, string, string, string, string] {
  const namespaced = policy.kind === 'Policy';
  return [
    hasValidateEnforce(policy) ? 'enforce' : 'audit',
    namespaced ? 'namespaced' : 'cluster',
    policy.spec?.background === false ? 'false' : 'true',
    namespaced ? (policy.metadata.namespace ?? '') : '-',
    policy.metadata.name ?? '',
  ];
}

/** The resource's labels and their joined key (a flat string, hashed once). */
interface ResourceLabels {
  resource: object;
  operation: string;
  admissionOperation: boolean;
  dryRun: boolean;
  kind: string;
  resourceNamespace: string;
  op: string;
  cause: string;
  dry: string;
  local: string;
}

/**
 * The labels of the resource of a response: every policy of a request shares them, so the last ones are
 * kept and reused while the resource object and the request flags are the same.
 */
function resourceLabels(metrics: KyvernoMetrics, resource: object, operation: string, admissionOperation: boolean, dryRun: boolean): ResourceLabels {
  const last = metrics.lastResourceLabels as ResourceLabels | undefined;
  if (last && last.resource === resource && last.operation === operation && last.admissionOperation === admissionOperation && last.dryRun === dryRun) return last;
  const r = resource as Record<string, unknown>;
  const kind = typeof r['kind'] === 'string' ? r['kind'] : '';
  const resourceNamespace = metaString(r as never, 'namespace');
  const op = operation.toLowerCase();
  const cause = admissionOperation ? 'admission_request' : 'background_scan';
  const dry = dryRun ? 'true' : 'false';
  // flattened once: Map lookups with a concatenated (rope) key would flatten and hash it every time
  const local = [kind, resourceNamespace, op, cause, dry].join('\u0001');
  const labels: ResourceLabels = { resource, operation, admissionOperation, dryRun, kind, resourceNamespace, op, cause, dry, local };
  metrics.lastResourceLabels = labels;
  return labels;
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
    cache = { labels: policyInfoLabels(policy), byResource: new Map(), lastLocal: undefined, lastByRule: undefined };
    metrics.policySeries.set(policy, cache);
  }
  const labels = cache.labels;
  const namespace = labels[3];
  if (!metrics.checkNamespace(namespace)) return;
  const res = resourceLabels(metrics, response.resource, operation, admissionOperation, dryRun);
  const local = res.local;
  let byRule = cache.lastLocal === local ? cache.lastByRule : cache.byResource.get(local);
  if (!byRule) {
    byRule = new Map();
    cache.byResource.set(local, byRule);
  }
  cache.lastLocal = local;
  cache.lastByRule = byRule;
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i] as (typeof rules)[number];
    let slots = byRule.get(r.name);
    if (!slots) {
      slots = [];
      byRule.set(r.name, slots);
    }
    const slot = seriesSlot(r.status, r.ruleType);
    let series = slot < 0 ? undefined : slots[slot];
    if (!series) {
      const type = RULE_TYPE_LABELS[ruleTypeIndex(r.ruleType)] as string;
      // the registry's key: every label value
      const [validationMode, policyType, background, , name] = labels;
      const key = [validationMode, policyType, background, namespace, name, local, r.name, r.status, type].join('\u0001');
      const values = () => [validationMode, policyType, background, namespace, name, res.kind, res.resourceNamespace, res.op, r.name, r.status, type, res.cause, res.dry];
      series = { counter: metrics.policyResults.handle(key, values), histogram: metrics.policyExecutionDuration.handle(key, values) };
      if (slot >= 0) slots[slot] = series;
    }
    series.counter.value++;
    metrics.policyExecutionDuration.observeHandle(series.histogram, seconds);
  }
}
