/**
 * Kyverno's cleanup controller for kyverno.io/v2 CleanupPolicy (namespaced) and ClusterCleanupPolicy
 * (pkg/controllers/cleanup): each policy runs on its cron `schedule` (UTC); a run lists the resources of
 * the kinds its `match` names (a CleanupPolicy only in its own namespace), keeps those its match /
 * exclude select (namespace labels included), loads the policy `context` and evaluates `conditions`
 * with the resource bound to `target`, and deletes what passes (`deletionPropagationPolicy` if set).
 * The time of the last run is kept in `status.lastExecutionTime`, so a restarted controller neither
 * repeats a run nor skips one: the next run is the first schedule time after it. Each deletion (or
 * failed deletion) raises Kyverno's event on the policy (`NewCleanupPolicyEvent`) and is counted by
 * `metrics` (`kyverno_cleanup_controller_{deletedobjects,errors}_total`, by policy, the kind as the policy
 * names it, namespace and propagation policy), as is a kind that cannot be listed.
 *
 * Example:
 *   const c = new CleanupPolicyController({ api, engine: () => engine, namespaceLabels, log });
 *   await c.start(signal);
 */
import type { JsonObject, Resource } from '../../engine/api/json.ts';
import type { KyvernoPolicy, Rule } from '../../engine/api/policy.ts';
import { evaluateConditions } from '../../engine/conditions/evaluate.ts';
import { isPendingFetch, type PendingFetch } from '../../engine/context/pending.ts';
import type { Engine } from '../../engine/engine.ts';
import { isConflict, isNotFound } from '../../k8s/client/errors.ts';
import { Informer } from '../../k8s/client/informer.ts';
import { nameOf, namespaceOf, type ApiResource, type DeleteOptions, type KubeApi, type KubeObject } from '../../k8s/client/types.ts';
import type { Logger } from '../../server/logging.ts';
import { cleanupPolicyEvent } from '../events/events.ts';
import type { EventSink } from '../events/info.ts';
import { WorkQueue } from '../runtime/queue.ts';
import { resolveKindSelectors } from '../runtime/resource-watcher.ts';
import { nextRun, parseCron } from '../../engine/validation/cron.ts';

export const CLEANUP_POLICIES: ApiResource = { group: 'kyverno.io', version: 'v2', resource: 'cleanuppolicies', kind: 'CleanupPolicy', namespaced: true, verbs: [], subresources: ['status'] };
export const CLUSTER_CLEANUP_POLICIES: ApiResource = { ...CLEANUP_POLICIES, resource: 'clustercleanuppolicies', kind: 'ClusterCleanupPolicy', namespaced: false };

interface CleanupSpec {
  match?: Rule['match'];
  exclude?: Rule['exclude'];
  context?: Rule['context'];
  conditions?: Rule['preconditions'];
  schedule?: string;
  deletionPropagationPolicy?: DeleteOptions['propagationPolicy'];
}

/** The labels of a cleanup metric (pkg/metrics/cleanup.go): the policy, the kind as its match names it, the resource's namespace. */
export interface CleanupMetricLabels {
  /** CleanupPolicy or ClusterCleanupPolicy */
  policyType: string;
  policyNamespace: string;
  policyName: string;
  kind: string;
  /** '' for a cluster-scoped resource (or a failed cluster-wide list) */
  namespace: string;
  propagation?: string;
}

/** Where deletions are counted. */
export interface CleanupMetrics {
  deleted(labels: CleanupMetricLabels): void;
  failed(labels: CleanupMetricLabels): void;
}

export interface CleanupPolicyControllerOptions {
  api: KubeApi;
  engine: () => Engine;
  namespaceLabels: (ns: string) => Record<string, string> | undefined;
  /** where Kyverno's cleanup events go (`PolicyApplied` per deleted resource, `PolicyError` per failed delete) */
  events?: EventSink;
  log?: Logger;
  now?: () => number;
  metrics?: CleanupMetrics;
}

/** The data fetch an evaluation is waiting for, however deep the engine wrapped it. */
function pendingFetchIn(err: unknown): PendingFetch | undefined {
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 10; depth++) {
    if (isPendingFetch(e)) return e;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Runs a synchronous evaluation, fetching the cluster data (apiCall, ConfigMaps) it asks for, until it completes. */
async function withFetches<T>(evaluate: () => T, maxRounds = 16): Promise<T> {
  for (let round = 0; ; round++) {
    try {
      return evaluate();
    } catch (err) {
      const pending = pendingFetchIn(err);
      if (!pending || round >= maxRounds) throw err;
      await pending.fetch();
    }
  }
}

function kindsOf(spec: CleanupSpec): string[] {
  const m = spec.match;
  if (!m) return [];
  const out = new Set<string>();
  for (const f of [...(m.any ?? []), ...(m.all ?? [])]) for (const k of f.resources?.kinds ?? []) out.add(k);
  for (const k of m.resources?.kinds ?? []) out.add(k);
  return [...out];
}

export class CleanupPolicyController {
  private readonly informers: Array<{ res: ApiResource; informer: Informer }>;
  private readonly queue: WorkQueue<string>;
  private running: Promise<void> | undefined;
  runs = 0;
  deleted = 0;

  constructor(private readonly opts: CleanupPolicyControllerOptions) {
    this.informers = [CLEANUP_POLICIES, CLUSTER_CLEANUP_POLICIES].map((res) => ({
      res,
      informer: new Informer(opts.api, res, { onError: (e) => opts.log?.v(3).info('cleanup policy informer failed', { resource: res.resource, error: (e as Error).message }) }),
    }));
    this.queue = new WorkQueue<string>({ name: 'cleanup', maxRetries: 10, onDrop: (key, err) => opts.log?.error(err, 'failed to run cleanup policy', { key }) });
    for (const { res, informer } of this.informers) {
      const enqueue = (o: KubeObject) => this.queue.add(`${res.resource}|${namespaceOf(o)}/${nameOf(o)}`);
      informer.on({ add: enqueue, update: (_old, o) => enqueue(o) });
    }
  }

  private now(): number {
    return this.opts.now ? this.opts.now() : Date.now();
  }

  async start(signal: AbortSignal): Promise<void> {
    for (const { informer } of this.informers) informer.start();
    await Promise.all(this.informers.map(({ informer }) => informer.synced()));
    this.running = this.queue.run(2, (key) => this.reconcile(key));
    signal.addEventListener('abort', () => void this.stop(), { once: true });
  }

  async stop(): Promise<void> {
    this.queue.shutdown();
    for (const { informer } of this.informers) informer.stop();
    await this.running;
  }

  private async reconcile(key: string): Promise<void> {
    const bar = key.indexOf('|');
    const entry = this.informers.find((i) => i.res.resource === key.slice(0, bar));
    if (!entry) return;
    const ref = key.slice(bar + 1);
    const ns = ref.slice(0, ref.indexOf('/'));
    const name = ref.slice(ref.indexOf('/') + 1);
    const policy = entry.informer.get(ns, name);
    if (!policy || (policy['metadata'] as { deletionTimestamp?: string }).deletionTimestamp) return;
    const spec = (policy['spec'] ?? {}) as CleanupSpec;
    let schedule;
    try {
      schedule = parseCron(spec.schedule ?? '');
    } catch (err) {
      this.opts.log?.error(err, 'invalid cleanup policy schedule', { key });
      return;
    }
    const status = (policy['status'] ?? {}) as { lastExecutionTime?: string };
    const since = Date.parse(status.lastExecutionTime ?? (policy['metadata'] as { creationTimestamp?: string }).creationTimestamp ?? '');
    const next = nextRun(schedule, new Date(Number.isNaN(since) ? this.now() : since));
    if (!next) return;
    const wait = next.getTime() - this.now();
    if (wait > 0) {
      this.queue.addAfter(key, wait);
      return;
    }
    await this.execute(policy, entry.res, spec);
    this.runs++;
    await this.setLastExecution(entry.res, ns, name, next);
    // the informer's update requeues the policy for its next run
  }

  private async setLastExecution(res: ApiResource, ns: string, name: string, at: Date): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await this.opts.api.get(res, ns, name);
      if (!current) return;
      const status = { ...((current['status'] ?? {}) as JsonObject), lastExecutionTime: at.toISOString().replace(/\.\d{3}Z$/, 'Z') };
      try {
        await this.opts.api.update(res, { ...current, status }, { subresource: 'status' });
        return;
      } catch (err) {
        if (!isConflict(err)) throw err;
      }
    }
  }

  /** One run of a policy: deletes the resources it selects now. */
  async execute(policy: KubeObject, res: ApiResource, spec: CleanupSpec): Promise<number> {
    const policyNs = res === CLEANUP_POLICIES ? namespaceOf(policy) : '';
    const engine = this.opts.engine();
    // the policy as a one-rule Kyverno policy: matching and context loading reuse the engine's
    const rule: Rule = { name: 'cleanup', ...(spec.match ? { match: spec.match } : {}), ...(spec.exclude ? { exclude: spec.exclude } : {}) } as Rule;
    const asPolicy = {
      apiVersion: 'kyverno.io/v1',
      kind: res === CLEANUP_POLICIES ? 'Policy' : 'ClusterPolicy',
      metadata: { name: nameOf(policy), ...(policyNs !== '' ? { namespace: policyNs } : {}) },
      spec: { rules: [rule] },
    } as unknown as KyvernoPolicy;
    const policyType = res === CLEANUP_POLICIES ? 'CleanupPolicy' : 'ClusterCleanupPolicy';
    const labels = (kind: string, namespace: string): CleanupMetricLabels => ({
      policyType,
      policyNamespace: policyNs,
      policyName: nameOf(policy),
      kind,
      namespace,
      ...(spec.deletionPropagationPolicy ? { propagation: spec.deletionPropagationPolicy } : {}),
    });
    // each kind as the policy names it (the metrics' resource_kind), a resource matched by two names once
    const kinds: Array<{ selector: string; res: ApiResource }> = [];
    const seen = new Set<string>();
    for (const selector of kindsOf(spec)) {
      for (const r of await resolveKindSelectors(this.opts.api, [selector])) {
        const k = `${r.group}/${r.version}/${r.resource}`;
        if (seen.has(k)) continue;
        seen.add(k);
        kinds.push({ selector, res: r });
      }
    }
    let deleted = 0;
    for (const { selector, res: kindRes } of kinds) {
      if (policyNs !== '' && !kindRes.namespaced) continue;
      let list;
      try {
        list = await this.opts.api.list(kindRes, policyNs !== '' ? { namespace: policyNs } : {});
      } catch (err) {
        this.opts.metrics?.failed(labels(selector, policyNs));
        throw err;
      }
      for (const obj of list.items) {
        const m = obj['metadata'] as { deletionTimestamp?: string; namespace?: string; uid?: string };
        if (m.deletionTimestamp) continue;
        const target = { ...obj, apiVersion: kindRes.group === '' ? kindRes.version : `${kindRes.group}/${kindRes.version}`, kind: kindRes.kind } as Resource;
        const ns = m.namespace ?? '';
        const selects = (): boolean => {
          const pc = engine.newPolicyContext({ policy: asPolicy, newResource: target, operation: 'CREATE', namespaceLabels: ns !== '' ? (this.opts.namespaceLabels(ns) ?? {}) : {} });
          if (!engine.matches(pc, rule, target)) return false;
          pc.jsonContext.addVariable('target', target as JsonObject);
          engine.loadContext(pc, rule, spec.context);
          return !spec.conditions || evaluateConditions(pc.jsonContext, spec.conditions).result;
        };
        try {
          if (!(await withFetches(selects))) continue;
        } catch (err) {
          this.opts.log?.error(err, 'failed to evaluate cleanup policy', { policy: nameOf(policy), resource: `${ns}/${nameOf(obj)}` });
          continue;
        }
        const options: DeleteOptions = {};
        if (spec.deletionPropagationPolicy) options.propagationPolicy = spec.deletionPropagationPolicy;
        if (m.uid) options.preconditions = { uid: m.uid };
        const about = { kind: policy['kind'] === undefined ? (res === CLEANUP_POLICIES ? 'CleanupPolicy' : 'ClusterCleanupPolicy') : String(policy['kind']), metadata: policy['metadata'] as { name?: string; namespace?: string; uid?: string } };
        const related = { apiVersion: String(target['apiVersion']), kind: kindRes.kind, namespace: ns, name: nameOf(obj), uid: '' };
        try {
          await this.opts.api.delete(kindRes, ns, nameOf(obj), options);
          deleted++;
          this.deleted++;
          this.opts.metrics?.deleted(labels(selector, ns));
          this.opts.log?.v(2).info('resource cleaned up', { policy: nameOf(policy), kind: kindRes.kind, resource: `${ns}/${nameOf(obj)}` });
          this.opts.events?.add(cleanupPolicyEvent(about, related));
        } catch (err) {
          if (isNotFound(err)) continue;
          this.opts.metrics?.failed(labels(selector, ns));
          this.opts.log?.error(err, 'failed to delete resource', { policy: nameOf(policy), resource: `${ns}/${nameOf(obj)}` });
          this.opts.events?.add(cleanupPolicyEvent(about, related, err instanceof Error ? err.message : String(err)));
        }
      }
    }
    return deleted;
  }
}
