/**
 * The admission controller's policy metrics (Kyverno's pkg/controllers/metrics/policy):
 *
 * - `kyverno_policy_changes_total`: one per ClusterPolicy/Policy created, updated or deleted, as the
 *   informers see them (so every policy counts as `created` when the server starts). An update that leaves
 *   the spec as it was counts nothing; otherwise it counts under the old policy's labels, and once more
 *   under the new ones when the background mode or the validation failure action changed
 *   (`registerPolicyChangesMetricUpdatePolicy`).
 * - `kyverno_policy_rule_info_total`: a gauge observed at scrape time, 1 per rule of every policy (autogen
 *   rules included, `autogen.ComputeRules`), with the policy's readiness (`status_ready`) and the rule's
 *   type (`ParseRuleType`: validate, mutate, generate, imageVerify, or `-`).
 *
 * Both skip the namespaces the `kyverno-metrics` ConfigMap leaves out (a cluster policy counts as `-`).
 */
import { deepEqual } from '../../engine/api/json.ts';
import type { KyvernoPolicy, Rule } from '../../engine/api/policy.ts';
import { computeRules } from '../../engine/autogen/index.ts';
import type { KyvernoMetrics } from '../metrics.ts';
import { policyInfoLabels } from './engine-metrics.ts';
import { hasGenerate, hasMutate, hasValidate } from './policy-cache.ts';

/** A change of a ClusterPolicy or Policy, as an informer reports it. */
export interface PolicyChangeEvent {
  type: 'add' | 'update' | 'delete';
  policy: KyvernoPolicy;
  old?: KyvernoPolicy;
}

const CHANGE_TYPES = { add: 'created', update: 'updated', delete: 'deleted' } as const;

/** `ParseRuleType` (a zero struct counts as absent; any verifyImages entry counts, as `len > 0`) */
export function ruleTypeLabel(rule: Rule): string {
  if (hasValidate(rule)) return 'validate';
  if (hasMutate(rule)) return 'mutate';
  if (hasGenerate(rule)) return 'generate';
  if (Array.isArray(rule.verifyImages) && rule.verifyImages.length > 0) return 'imageVerify';
  return '-';
}

/** `PolicyStatus.IsReady` */
export function isReady(p: KyvernoPolicy): boolean {
  const status = (p as unknown as { status?: { conditions?: Array<{ type?: string; status?: string }> } }).status;
  return (status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

function count(metrics: KyvernoMetrics, policy: KyvernoPolicy, changeType: string): void {
  const labels = policyInfoLabels(policy);
  if (!metrics.checkNamespace(labels[3])) return;
  metrics.policyChanges.inc([...labels, changeType]);
}

/** Counts one informer event in `kyverno_policy_changes_total`. */
export function recordPolicyChange(metrics: KyvernoMetrics, change: PolicyChangeEvent): void {
  const type = CHANGE_TYPES[change.type];
  if (change.type !== 'update' || !change.old) {
    count(metrics, change.policy, type);
    return;
  }
  const oldSpec = change.old.spec;
  const curSpec = change.policy.spec;
  if (deepEqual(oldSpec, curSpec)) return;
  count(metrics, change.old, type);
  const [oldMode, , oldBackground] = policyInfoLabels(change.old);
  const [curMode, , curBackground] = policyInfoLabels(change.policy);
  if (oldMode !== curMode || oldBackground !== curBackground) count(metrics, change.policy, type);
}

/**
 * Fills `kyverno_policy_rule_info_total` from the policies as they are now (called before each scrape).
 * `ready`: the policy's readiness (its Ready condition by default; standalone, every loaded policy is served).
 */
export function observePolicyRuleInfo(metrics: KyvernoMetrics, policies: readonly KyvernoPolicy[], ready: (p: KyvernoPolicy) => boolean = isReady): void {
  const gauge = metrics.policyRuleInfo;
  gauge.reset();
  for (const p of policies) {
    const [validationMode, policyType, background, namespace, name] = policyInfoLabels(p);
    if (!metrics.checkNamespace(namespace)) continue;
    let rules: Rule[];
    try {
      rules = computeRules(p, '');
    } catch {
      // a policy whose autogen Kyverno cannot compute (it panics there) is observed with its own rules
      rules = p.spec?.rules ?? [];
    }
    for (const r of rules) gauge.set([typeof r.name === 'string' ? r.name : '', ruleTypeLabel(r), namespace, name, ready(p) ? 'true' : 'false', validationMode, policyType, background], 1);
  }
}

/** The key of a policy across snapshots: kind, namespace and name. */
function policyKey(p: KyvernoPolicy): string {
  return `${p.kind ?? ''}/${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''}`;
}

/**
 * Policy changes between two snapshots of a file-based source (standalone): what an informer would have
 * reported. `previous` undefined: every policy is new.
 */
export function snapshotChanges(previous: readonly KyvernoPolicy[] | undefined, current: readonly KyvernoPolicy[]): PolicyChangeEvent[] {
  const before = new Map((previous ?? []).map((p) => [policyKey(p), p]));
  const out: PolicyChangeEvent[] = [];
  for (const p of current) {
    const old = before.get(policyKey(p));
    before.delete(policyKey(p));
    if (!old) out.push({ type: 'add', policy: p });
    else if (old !== p && !deepEqual(old, p)) out.push({ type: 'update', policy: p, old });
  }
  for (const p of before.values()) out.push({ type: 'delete', policy: p });
  return out;
}

/**
 * Policy metrics for a policy source that reloads (standalone mode): every policy `created` at the start,
 * then what each reload changed, and the rule info observed at each scrape (every loaded policy is served,
 * so `status_ready` is true).
 */
export function trackPolicySource(metrics: KyvernoMetrics, source: { current(): { policies: readonly KyvernoPolicy[] }; onChange(cb: (s: { policies: readonly KyvernoPolicy[] }) => void): void }): void {
  let loaded: readonly KyvernoPolicy[] | undefined;
  const countChanges = (current: readonly KyvernoPolicy[]): void => {
    for (const c of snapshotChanges(loaded, current)) recordPolicyChange(metrics, c);
    loaded = current;
  };
  countChanges(source.current().policies);
  source.onChange((s) => countChanges(s.policies));
  metrics.addCollector(() => observePolicyRuleInfo(metrics, source.current().policies, () => true));
}
