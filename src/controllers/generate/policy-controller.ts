/**
 * The policy controller of the background controller (pkg/policy/{policy_controller,generate,mutate}.go):
 * policy events become UpdateRequests.
 *
 * - Created or changed generate / mutate-existing policies (that can run in the background) are synced:
 *   `synchronize` rules with `data` get a UR for every downstream they already generated (so a changed
 *   policy re-syncs its data); `generateExisting` rules (rule or policy level) get a UR for every existing
 *   trigger the rule applies to (in batches of 100 rule contexts); `mutateExistingOnPolicyUpdate` rules
 *   get a mutate UR per existing trigger that has none yet.
 * - A rule whose target (or clone source / cloneList) changed leaves its old downstream resources in place,
 *   without their policy and rule labels (`unlabelDownstream`).
 * - A deleted policy, or deleted rules, get a UR deleting the downstream resources of their
 *   `synchronize` rules (unless `orphanDownstreamOnPolicyDelete`), with the downstream recorded in the
 *   UR's status.
 * - Every `--backgroundScanInterval` all such policies are synced again.
 */
import { deepEqual, type Resource } from '../../engine/api/json.ts';
import type { GeneratePattern, KyvernoPolicy, ResourceDescription, Rule } from '../../engine/api/policy.ts';
import { policyKey } from '../../engine/api/policy.ts';
import { computeRules } from '../../engine/autogen/index.ts';
import type { Engine } from '../../engine/engine.ts';
import { getKindFromGvk } from '../../engine/generate/kinds.ts';
import { GENERATE_POLICY_LABEL, GENERATE_POLICY_NAMESPACE_LABEL, GENERATE_RULE_LABEL, GENERATE_TRIGGER_GROUP_LABEL, GENERATE_TRIGGER_KIND_LABEL, GENERATE_TRIGGER_NAME_LABEL, GENERATE_TRIGGER_NS_LABEL, GENERATE_TRIGGER_UID_LABEL, GENERATE_TRIGGER_VERSION_LABEL, LABEL_MANAGED_BY } from '../../engine/generate/labels.ts';
import { wildcardMatch } from '../../engine/utils/wildcard.ts';
import { labelSelectorToString } from '../../k8s/client/selector.ts';
import { labelSelectorString, labelsOf, type KubeApi, type KubeObject } from '../../k8s/client/types.ts';
import type { Logger } from '../../server/logging.ts';
import type { PolicyInformers, PolicyChange } from '../policies/policy-informers.ts';
import { ruleHasGenerate, ruleHasMutateExisting, specHasGenerate, specHasMutateExisting } from '../policies/policy-informers.ts';
import { namespaceLabelsFor } from '../runtime/engine.ts';
import { WorkQueue } from '../runtime/queue.ts';
import { resolveKindSelectors } from '../runtime/resource-watcher.ts';
import { yieldIfBusy } from '../runtime/yield.ts';
import { backgroundContext } from './trigger.ts';
import { mutateLabels, newGenerateUR, newMutateUR, resourceSpecOf, ruleContext, splitUR, type ResourceSpec, type UpdateRequest } from './update-request.ts';
import { UPDATE_REQUESTS, type UpdateRequestGenerator } from './ur-generator.ts';

export const GENERATE_BATCH_SIZE = 100;

export interface PolicyControllerOptions {
  api: KubeApi;
  namespace: string;
  policies: PolicyInformers;
  generator: UpdateRequestGenerator;
  engine: () => Engine;
  namespaceLabels: (ns: string) => Record<string, string> | undefined;
  /** `--backgroundScanInterval` (default 1h) */
  reconcilePeriodMs?: number;
  log?: Logger;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** `resourceMatches` */
function resourceMatches(rd: ResourceDescription, res: Resource, namespacedPolicy: boolean): boolean {
  const m = (res['metadata'] ?? {}) as { name?: string; namespace?: string };
  if (rd.name && !wildcardMatch(rd.name, m.name ?? '')) return false;
  if (rd.names && rd.names.length > 0 && !rd.names.some((n) => wildcardMatch(n, m.name ?? ''))) return false;
  if (!namespacedPolicy && rd.namespaces && rd.namespaces.length > 0 && !rd.namespaces.some((n) => wildcardMatch(n, m.namespace ?? ''))) return false;
  return true;
}

/** `GetSyncAndOrphanDownstream` */
function syncAndOrphan(rule: Rule): { sync: boolean; orphan: boolean } {
  const g = rule.generate;
  return { sync: g?.synchronize === true, orphan: (g as { orphanDownstreamOnPolicyDelete?: boolean } | undefined)?.orphanDownstreamOnPolicyDelete === true };
}

/** `cleanupPatterns`: the concrete (apiVersion, kind) pairs a pattern writes. */
function cleanupKinds(p: { apiVersion?: string; kind?: string; cloneList?: { kinds?: string[] } } | undefined): Array<[string, string]> {
  if (!p) return [];
  if (p.apiVersion && p.kind) return [[p.apiVersion, p.kind]];
  return (p.cloneList?.kinds ?? []).map((k) => getKindFromGvk(k)).filter(([a, k]) => a !== '' && k !== '' && !a.includes('*') && !k.includes('*'));
}

/** `TriggerFromLabels` */
export function triggerFromLabels(labels: Record<string, string>): ResourceSpec {
  const group = labels[GENERATE_TRIGGER_GROUP_LABEL] ?? '';
  const version = labels[GENERATE_TRIGGER_VERSION_LABEL] ?? '';
  return {
    kind: labels[GENERATE_TRIGGER_KIND_LABEL] ?? '',
    namespace: labels[GENERATE_TRIGGER_NS_LABEL] ?? '',
    name: labels[GENERATE_TRIGGER_NAME_LABEL] ?? '',
    uid: labels[GENERATE_TRIGGER_UID_LABEL] ?? '',
    apiVersion: group === '' ? version : `${group}/${version}`,
  };
}

/** A rule kept by a policy update and the kinds (apiVersion, kind) whose old downstream it no longer describes. */
export interface ChangedRule {
  rule: string;
  kinds: Array<[string, string]>;
}

function sameTarget(a: GeneratePattern, b: GeneratePattern): boolean {
  const spec = (p: GeneratePattern) => [p.apiVersion ?? '', p.kind ?? '', p.namespace ?? '', p.name ?? '', p.uid ?? ''];
  return deepEqual(spec(a), spec(b)) && deepEqual(a.clone?.namespace ?? '', b.clone?.namespace ?? '') && deepEqual(a.clone?.name ?? '', b.clone?.name ?? '');
}

function cloneListKinds(p: GeneratePattern): Array<[string, string]> {
  return (p.cloneList?.kinds ?? []).map((k) => getKindFromGvk(k));
}

/**
 * `ruleChange`: the rules a policy update deleted, and for the rules it kept, the kinds whose generated
 * resources the rule no longer describes (its target — apiVersion, kind, namespace, name — or clone
 * source changed, or its cloneList; foreach entries are compared by `list`, with the rule's own kinds).
 */
export function ruleChange(old: KyvernoPolicy, updated: KyvernoPolicy): { deleted: Rule[]; changed: ChangedRule[] } {
  const newRules = new Map((updated.spec.rules ?? []).map((r) => [r.name, r]));
  const deleted: Rule[] = [];
  const changed: ChangedRule[] = [];
  for (const oldRule of old.spec.rules ?? []) {
    const newRule = newRules.get(oldRule.name);
    if (!newRule) {
      deleted.push(oldRule);
      continue;
    }
    const o = oldRule.generate;
    const n = newRule.generate;
    if (!o || !n) continue;
    const kinds: Array<[string, string]> = [];
    if (!sameTarget(o, n)) kinds.push([o.apiVersion ?? '', o.kind ?? '']);
    if (!deepEqual(o.cloneList ?? null, n.cloneList ?? null)) kinds.push(...cloneListKinds(o));
    for (const of of o.foreach ?? []) {
      for (const nf of n.foreach ?? []) {
        if ((of.list ?? '') !== (nf.list ?? '')) continue;
        // as Kyverno: the kinds looked up for a changed foreach entry are the rule's own (empty for a
        // foreach rule, so its old downstream keeps its labels and is synchronized to the new target)
        if (!sameTarget(of, nf)) kinds.push([o.apiVersion ?? '', o.kind ?? '']);
        if (!deepEqual(of.cloneList ?? null, nf.cloneList ?? null)) kinds.push(...cloneListKinds(o));
      }
    }
    changed.push({ rule: oldRule.name, kinds: kinds.filter(([, k]) => k !== '') });
  }
  return { deleted, changed };
}

export class PolicyController {
  private readonly queue: WorkQueue<string>;
  private running: Promise<void> | undefined;
  private periodic: NodeJS.Timeout | undefined;
  /** URs created (diagnostics) */
  urs = 0;

  constructor(private readonly opts: PolicyControllerOptions) {
    this.queue = new WorkQueue<string>({
      name: 'policy-controller',
      maxRetries: 5,
      onError: (key, err) => opts.log?.v(3).info('retrying policy sync', { key, error: (err as Error).message }),
      onDrop: (key, err) => opts.log?.error(err, 'failed to sync policy', { key }),
    });
  }

  /** `canBackgroundProcess` of the policy controller. */
  private canBackgroundProcess(p: KyvernoPolicy): boolean {
    if (!specHasGenerate(p) && !specHasMutateExisting(p)) return false;
    const status = (p as unknown as { status?: unknown }).status;
    void status;
    return true;
  }

  private onChange(c: PolicyChange): void {
    if (c.type === 'delete') {
      void this.downstreamDeletion(c.policy).catch((err) => this.opts.log?.error(err, 'failed to create UR on policy deletion, clean up downstream resource may be failed'));
      return;
    }
    if (!this.canBackgroundProcess(c.policy)) return;
    if (c.type === 'update' && c.old) {
      if (deepEqual(c.old.spec, c.policy.spec)) return;
      const { deleted, changed } = ruleChange(c.old, c.policy);
      if (deleted.length > 0) {
        const removed: KyvernoPolicy = { ...c.old, spec: { ...c.old.spec, rules: deleted } };
        void this.downstreamDeletion(removed).catch((err) => this.opts.log?.error(err, 'failed to create UR on rule deletion, clean up downstream resource may be failed'));
      } else if (changed.some((r) => r.kinds.length > 0)) {
        // the old downstream is orphaned before the policy is synced again (which would update it)
        const key = policyKey(c.policy);
        void this.unlabelDownstream(c.policy, changed)
          .catch((err) => this.opts.log?.error(err, 'failed to un-label old targets'))
          .finally(() => this.queue.add(key));
        return;
      }
    }
    this.queue.add(policyKey(c.policy));
  }

  async start(signal: AbortSignal): Promise<void> {
    this.opts.policies.onChange((c) => this.onChange(c));
    await this.opts.policies.synced();
    this.running = this.queue.run(2, (key) => this.sync(key));
    this.periodic = setInterval(() => {
      for (const p of this.opts.policies.all()) if (this.canBackgroundProcess(p)) this.queue.add(policyKey(p));
    }, this.opts.reconcilePeriodMs ?? 3_600_000);
    this.periodic.unref();
    signal.addEventListener('abort', () => void this.stop(), { once: true });
  }

  async stop(): Promise<void> {
    if (this.periodic) clearInterval(this.periodic);
    this.queue.shutdown();
    await this.running;
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  private async submit(ur: UpdateRequest): Promise<void> {
    for (const batch of splitUR(ur, GENERATE_BATCH_SIZE)) {
      await this.opts.generator.apply(batch);
      this.urs++;
    }
  }

  /** `syncPolicy` for a Kyverno policy. */
  async sync(key: string): Promise<void> {
    const policy = this.opts.policies.get(key);
    if (!policy) return;
    await this.handleMutate(key, policy);
    await this.syncDataPolicyChanges(policy, false);
    await this.generateExisting(policy);
  }

  private async findDownstream(apiVersion: string, kind: string, labels: Record<string, string>): Promise<KubeObject[]> {
    const res = await this.opts.api.resource(apiVersion, kind);
    if (!res) return [];
    return (await this.opts.api.list(res, { labelSelector: labelSelectorString(labels) })).items;
  }

  /** `buildURForGenerateRuleChanges` for one pattern kind. */
  private async addDownstreamContexts(ur: UpdateRequest, policy: KyvernoPolicy, rule: string, apiVersion: string, kind: string, deleteDownstream: boolean, policyDeletion: boolean): Promise<void> {
    const labels = {
      [GENERATE_POLICY_LABEL]: policy.metadata.name ?? '',
      [GENERATE_POLICY_NAMESPACE_LABEL]: policy.metadata.namespace ?? '',
      [GENERATE_RULE_LABEL]: rule,
      [LABEL_MANAGED_BY]: 'kyverno',
    };
    for (const d of await this.findDownstream(apiVersion, kind, labels)) {
      (ur.spec.ruleContext ??= []).push(ruleContext(rule, triggerFromLabels(labelsOf(d)), deleteDownstream));
      if (policyDeletion) {
        const status = (ur.status ??= { state: '' });
        (status.generatedResources ??= []).push(resourceSpecOf(d));
      }
    }
  }

  /** `syncDataPolicyChanges` */
  private async syncDataPolicyChanges(policy: KyvernoPolicy, deleteDownstream: boolean): Promise<void> {
    const ur = newGenerateUR(this.opts.namespace, policyKey(policy), []);
    for (const rule of policy.spec.rules ?? []) {
      const g = rule.generate;
      if (!ruleHasGenerate(rule) || g?.synchronize !== true) continue;
      if (g.data !== undefined && g.data !== null && g.kind) await this.addDownstreamContexts(ur, policy, rule.name, g.apiVersion ?? '', g.kind, deleteDownstream, false);
      for (const fe of g.foreach ?? []) {
        if (fe.data !== undefined && fe.data !== null && fe.kind) await this.addDownstreamContexts(ur, policy, rule.name, fe.apiVersion ?? '', fe.kind, deleteDownstream, false);
      }
    }
    if ((ur.spec.ruleContext ?? []).length > 0) await this.submit(ur);
  }

  /**
   * `unlabelDownstream`: the resources a changed rule generated lose their policy and rule labels, so they
   * are left in place (orphaned) instead of being synchronized or deleted with the rule later.
   */
  async unlabelDownstream(policy: KyvernoPolicy, changed: readonly ChangedRule[]): Promise<void> {
    for (const { rule, kinds } of changed) {
      for (const [apiVersion, kind] of kinds) {
        const res = await this.opts.api.resource(apiVersion, kind);
        if (!res) continue;
        const selector = { [GENERATE_POLICY_LABEL]: policy.metadata.name ?? '', [GENERATE_POLICY_NAMESPACE_LABEL]: policy.metadata.namespace ?? '', [GENERATE_RULE_LABEL]: rule };
        for (const obj of (await this.opts.api.list(res, { labelSelector: labelSelectorString(selector) })).items) {
          const m = (obj['metadata'] ?? {}) as { labels?: Record<string, string> };
          const labels = { ...(m.labels ?? {}) };
          delete labels[GENERATE_POLICY_LABEL];
          delete labels[GENERATE_POLICY_NAMESPACE_LABEL];
          delete labels[GENERATE_RULE_LABEL];
          try {
            await this.opts.api.update(res, { ...obj, metadata: { ...m, labels } } as KubeObject);
          } catch (err) {
            this.opts.log?.error(err, 'failed to un-label old target', { kind, name: (m as { name?: string }).name });
          }
        }
      }
    }
  }

  /** `createURForDownstreamDeletion` */
  async downstreamDeletion(policy: KyvernoPolicy): Promise<void> {
    const ur = newGenerateUR(this.opts.namespace, policyKey(policy), []);
    for (const r of computeRules(policy, '')) {
      if (!ruleHasGenerate(r)) continue;
      const { sync, orphan } = syncAndOrphan(r);
      if (!sync || orphan) continue;
      for (const [apiVersion, kind] of cleanupKinds(r.generate as never)) await this.addDownstreamContexts(ur, policy, r.name, apiVersion, kind, true, true);
      for (const fe of r.generate?.foreach ?? []) for (const [apiVersion, kind] of cleanupKinds(fe as never)) await this.addDownstreamContexts(ur, policy, r.name, apiVersion, kind, true, true);
    }
    if ((ur.spec.ruleContext ?? []).length === 0) return;
    await this.opts.generator.apply(ur);
    this.urs++;
  }

  /** `getTriggers`: the existing objects a rule's match describes. */
  private async triggers(rule: Rule, policy: KyvernoPolicy): Promise<Resource[]> {
    const namespaced = policy.kind === 'Policy';
    const out: Resource[] = [];
    const descriptions: ResourceDescription[] = [];
    const m = rule.match;
    if (m?.resources && Object.keys(m.resources).length > 0) descriptions.push(m.resources);
    for (const f of [...(m?.any ?? []), ...(m?.all ?? [])]) if (f.resources) descriptions.push(f.resources);
    for (const rd of descriptions) {
      const sel = labelSelectorToString(rd.selector);
      if (sel === undefined) continue;
      for (const res of await resolveKindSelectors(this.opts.api, rd.kinds ?? [])) {
        const list = await this.opts.api.list(res, { namespace: namespaced ? (policy.metadata.namespace ?? '') : '', labelSelector: sel });
        for (const o of list.items) if (resourceMatches(rd, o as Resource, namespaced)) out.push(o as Resource);
      }
    }
    return out;
  }

  /** `handleGenerateForExisting` */
  private async generateExisting(policy: KyvernoPolicy): Promise<void> {
    const ur = newGenerateUR(this.opts.namespace, policyKey(policy), []);
    const engine = this.opts.engine();
    for (const rule of policy.spec.rules ?? []) {
      if (!ruleHasGenerate(rule)) continue;
      const ge = rule.generate?.generateExisting;
      if (ge === false || (ge === undefined && policy.spec.generateExisting !== true)) continue;
      const single: KyvernoPolicy = { ...policy, spec: { ...policy.spec, rules: [rule] } };
      for (const trigger of await this.triggers(rule, policy)) {
        await yieldIfBusy();
        const m = (trigger['metadata'] ?? {}) as { namespace?: string };
        const nsLabels = namespaceLabelsFor(str(trigger['kind']), m.namespace ?? '', this.opts.namespaceLabels);
        const pc = backgroundContext({ engine, spec: ur.spec, policy, trigger, namespaceLabels: nsLabels });
        const er = engine.generate({ ...pc, policy: single });
        if (er.policyResponse.rules.length === 0) continue;
        (ur.spec.ruleContext ??= []).push(ruleContext(rule.name, resourceSpecOf(trigger)));
      }
    }
    if ((ur.spec.ruleContext ?? []).length > 0) await this.submit(ur);
  }

  /** `handleMutate` (mutateExistingOnPolicyUpdate) */
  private async handleMutate(key: string, policy: KyvernoPolicy): Promise<void> {
    const engine = this.opts.engine();
    for (const rule of policy.spec.rules ?? []) {
      if (!ruleHasMutateExisting(rule)) continue;
      const onUpdate = rule.mutate?.mutateExistingOnPolicyUpdate;
      if (onUpdate === false || (onUpdate === undefined && policy.spec.mutateExistingOnPolicyUpdate !== true)) continue;
      const single: KyvernoPolicy = { ...policy, spec: { ...policy.spec, rules: [rule] } };
      for (const trigger of await this.triggers(rule, policy)) {
        await yieldIfBusy();
        const spec = resourceSpecOf(trigger);
        const existing = await this.opts.api.list(UPDATE_REQUESTS, { namespace: this.opts.namespace, labelSelector: labelSelectorString(mutateLabels(key, spec)) });
        if (existing.items.length > 0) continue;
        const ur = newMutateUR(this.opts.namespace, key, rule.name, spec);
        const m = (trigger['metadata'] ?? {}) as { namespace?: string };
        const nsLabels = namespaceLabelsFor(str(trigger['kind']), m.namespace ?? '', this.opts.namespaceLabels);
        const pc = backgroundContext({ engine, spec: ur.spec, policy: single, trigger, namespaceLabels: nsLabels });
        const er = engine.generate(pc);
        if (!er.policyResponse.rules.some((r) => r.status === 'pass' && r.name === rule.name)) continue;
        await this.opts.generator.apply(ur);
        this.urs++;
      }
    }
  }
}
