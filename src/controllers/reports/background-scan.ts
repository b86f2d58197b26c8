/**
 * The background scan (pkg/controllers/report/background + resource): every resource of a kind that a
 * background policy validates is evaluated against the background policies of its scope (ClusterPolicies
 * and the Policies of its namespace), and the results go to the report store.
 *
 * When a resource is (re)evaluated:
 * - it appeared or its content hash changed (labels, annotations, spec — not status), or
 * - a policy changed (only that policy is evaluated again: its resourceVersion is recorded per resource),
 * - the exceptions changed, its namespace's labels changed, or the periodic rescan came
 *   (`--backgroundScanInterval`, 1h) — all policies.
 * Changes are queued by resource UID after a short delay, so bursts coalesce. A deleted resource loses its
 * results (and its report). Violations raise events (`kyverno-scan`).
 *
 * Policies are background policies when `background` is not false, their variables are allowed in
 * background mode, and they are not labelled `reports.kyverno.io/disabled`. The ConfigMap's
 * resourceFilters are ignored unless `skipResourceFilters` is false (Kyverno's reports controller
 * default is true).
 *
 * With `metrics`, each evaluation is counted as Kyverno's engine counts a background scan
 * (`kyverno_policy_results_total` / `kyverno_policy_execution_duration_seconds` per rule, operation
 * `create`, `rule_execution_cause="background_scan"`, not a dry run), timed around the evaluation.
 */
import { createHash } from 'node:crypto';
import { isObject, type JsonObject, type Resource } from '../../engine/api/json.ts';
import type { KyvernoPolicy } from '../../engine/api/policy.ts';
import { computeRules } from '../../engine/autogen/index.ts';
import type { Engine } from '../../engine/engine.ts';
import { groupVersionKindOf } from '../../engine/match/gvk.ts';
import { evaluateWithFetch, type ClusterContextPorts } from '../../k8s/client/context-ports.ts';
import { nameOf, namespaceOf, resourceVersionOf, uidOf, type KubeApi, type KubeObject } from '../../k8s/client/types.ts';
import { recordPolicyResults } from '../../server/admission/engine-metrics.ts';
import type { Logger } from '../../server/logging.ts';
import type { KyvernoMetrics } from '../../server/metrics.ts';
import { scanEvents } from '../events/events.ts';
import type { EventSink } from '../events/info.ts';
import { isReportable, PolicyInformers, ruleHasValidate, type PolicyChange } from '../policies/policy-informers.ts';
import type { ClusterState } from '../runtime/cluster-state.ts';
import { controllerEngine, namespaceLabelsFor } from '../runtime/engine.ts';
import { WorkQueue } from '../runtime/queue.ts';
import { resolveKindSelectors, ResourceWatcher } from '../runtime/resource-watcher.ts';
import { yieldIfBusy } from '../runtime/yield.ts';
import { allowAllResults, engineResponseResults, type StatusFilter } from './results.ts';
import type { ReportStore, ResourceRef } from './store.ts';

export interface BackgroundScanOptions {
  api: KubeApi;
  policies: PolicyInformers;
  state: ClusterState;
  store: ReportStore;
  ports: ClusterContextPorts;
  events?: EventSink;
  log?: Logger;
  allowedResults?: StatusFilter;
  /** `--backgroundScanInterval` (default 1h) */
  scanIntervalMs?: number;
  /** delay before a changed resource is scanned, coalescing bursts (default 1 s) */
  enqueueDelayMs?: number;
  /** default 2 (Kyverno's background-scan-controller) */
  workers?: number;
  /** `--skipResourceFilters` (default true) */
  skipResourceFilters?: boolean;
  /** where policy results are counted (cause `background_scan`) */
  metrics?: KyvernoMetrics;
}

interface Scanned {
  hash: string;
  /** policy key -> resourceVersion evaluated */
  policies: Map<string, string>;
  exceptions: number;
}

/** `CalculateResourceHash`: labels, annotations and the object without metadata, status, scale and spec.nodeName. */
export function resourceHash(obj: KubeObject): string {
  const m = isObject(obj['metadata']) ? obj['metadata'] : {};
  const rest: JsonObject = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'metadata' || k === 'status' || k === 'scale') continue;
    rest[k] = v;
  }
  if (isObject(rest['spec']) && 'nodeName' in rest['spec']) {
    const { nodeName: _n, ...spec } = rest['spec'];
    rest['spec'] = spec;
  }
  return createHash('md5')
    .update(JSON.stringify([m['labels'] ?? null, m['annotations'] ?? null, rest]))
    .digest('hex');
}

export function refOf(obj: KubeObject): ResourceRef {
  return { uid: uidOf(obj), apiVersion: typeof obj['apiVersion'] === 'string' ? obj['apiVersion'] : '', kind: typeof obj['kind'] === 'string' ? obj['kind'] : '', namespace: namespaceOf(obj), name: nameOf(obj) };
}

/** The kind selectors of a policy's background validate rules (after autogen). */
export function validateKinds(p: KyvernoPolicy): string[] {
  const out = new Set<string>();
  for (const rule of computeRules(p, '')) {
    if (!ruleHasValidate(rule)) continue;
    const m = rule.match;
    if (!m) continue;
    for (const k of m.resources?.kinds ?? []) out.add(k);
    for (const f of [...(m.any ?? []), ...(m.all ?? [])]) for (const k of f.resources?.kinds ?? []) out.add(k);
  }
  return [...out];
}

export class BackgroundScanController {
  private readonly queue: WorkQueue<string>;
  private readonly watcher: ResourceWatcher;
  private readonly scanned = new Map<string, Scanned>();
  private readonly forced = new Set<string>();
  private exceptionsVersion = 0;
  private engine: Engine;
  private kindsTimer: NodeJS.Timeout | undefined;
  private kindsKey = '';
  private periodic: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  /** evaluations performed (policy x resource) */
  evaluations = 0;

  constructor(private readonly opts: BackgroundScanOptions) {
    this.queue = new WorkQueue<string>({
      name: 'background-scan-controller',
      maxRetries: 10,
      onError: (key, err) => opts.log?.v(3).info('retrying scan', { key, error: (err as Error).message }),
      onDrop: (key, err) => opts.log?.error(err, 'dropping resource from the scan queue', { key }),
    });
    this.engine = controllerEngine(opts.state.current(), opts.ports.ports());
    opts.state.onConfigChange((c) => {
      this.engine = controllerEngine(c, opts.ports.ports());
    });
    this.watcher = new ResourceWatcher(opts.api, {
      log: opts.log,
      onEvent: (type, obj, _res, old) => {
        const uid = uidOf(obj);
        if (type === 'delete') {
          this.queue.add(uid);
          return;
        }
        if (type === 'update' && old && resourceVersionOf(old) === resourceVersionOf(obj)) return;
        this.queue.addAfter(uid, opts.enqueueDelayMs ?? 1000);
      },
    });
  }

  private backgroundPolicies(namespace: string): KyvernoPolicy[] {
    const p = this.opts.policies;
    return p.forNamespace(namespace).filter((x) => isReportable(x) && p.canBackgroundProcess(x));
  }

  private scheduleKinds(): void {
    if (this.kindsTimer) return;
    this.kindsTimer = setTimeout(() => {
      this.kindsTimer = undefined;
      void this.updateKinds();
    }, 200);
    this.kindsTimer.unref();
  }

  /** Resolves the policies' kinds again (discovery changed: a CRD was added or removed). */
  async rediscoverKinds(): Promise<void> {
    this.kindsKey = '';
    await this.updateKinds();
  }

  /** Watches the kinds the background policies validate. */
  async updateKinds(): Promise<void> {
    const p = this.opts.policies;
    const selectors = new Set<string>();
    // admission-only policies too: their results must go when the resource goes
    for (const pol of p.all()) {
      if (!isReportable(pol)) continue;
      for (const k of validateKinds(pol)) selectors.add(k);
    }
    const key = [...selectors].sort().join(',');
    if (key === this.kindsKey) return;
    this.kindsKey = key;
    try {
      const resources = await resolveKindSelectors(this.opts.api, [...selectors]);
      this.watcher.setResources(resources);
      this.opts.log?.v(2).info('background scan kinds', { kinds: resources.map((r) => `${r.group}/${r.version}/${r.resource}`) });
    } catch (err) {
      this.kindsKey = '';
      this.opts.log?.error(err, 'failed to resolve the kinds to scan');
    }
  }

  private enqueueAll(force: boolean, delayMs = 0): void {
    for (const uid of this.watcher.uids()) {
      if (force) this.forced.add(uid);
      this.queue.addAfter(uid, delayMs);
    }
  }

  private onPolicyChange(c: PolicyChange): void {
    this.scheduleKinds();
    if (c.type === 'delete') {
      this.opts.store.removePolicy(`kyverno/${PolicyInformers.key(c.policy)}`);
      return;
    }
    if (c.type === 'update' && c.old && resourceVersionOf(c.old as unknown as KubeObject) === resourceVersionOf(c.policy as unknown as KubeObject)) return;
    // label changes (reports.kyverno.io/disabled) and content changes: re-evaluate that policy everywhere
    if (c.type === 'update' && c.old && (!isReportable(c.policy) || !this.opts.policies.canBackgroundProcess(c.policy))) {
      this.opts.store.removePolicy(`kyverno/${PolicyInformers.key(c.policy)}`);
    }
    this.enqueueAll(false, 100);
  }

  /** Starts watching and scanning; resolves once the policies and the watched kinds are listed. */
  async start(signal: AbortSignal): Promise<void> {
    const p = this.opts.policies;
    p.onChange((c) => this.onPolicyChange(c));
    p.onExceptionsChange(() => {
      this.exceptionsVersion++;
      this.enqueueAll(true, 100);
    });
    this.opts.state.onNamespaceChange((ns, old) => {
      if (!old) return;
      const a = JSON.stringify((old['metadata'] as JsonObject | undefined)?.['labels'] ?? {});
      const b = JSON.stringify((ns['metadata'] as JsonObject | undefined)?.['labels'] ?? {});
      if (a === b) return;
      for (const { obj } of this.watcher.inNamespace(nameOf(ns))) {
        this.forced.add(uidOf(obj));
        this.queue.addAfter(uidOf(obj), 100);
      }
    });
    await p.synced();
    await this.updateKinds();
    await this.watcher.synced();
    const interval = this.opts.scanIntervalMs ?? 3_600_000;
    this.periodic = setInterval(() => this.enqueueAll(true), interval);
    this.periodic.unref();
    this.running = this.queue.run(this.opts.workers ?? 2, (uid) => this.reconcile(uid));
    signal.addEventListener('abort', () => void this.stop(), { once: true });
  }

  async stop(): Promise<void> {
    if (this.periodic) clearInterval(this.periodic);
    if (this.kindsTimer) clearTimeout(this.kindsTimer);
    this.watcher.stop();
    this.queue.shutdown();
    await this.running;
  }

  /** Resolves when no resource is queued or being scanned. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  get pending(): number {
    return this.queue.pending;
  }

  /** Whether a watched resource with this UID exists (informer cache). */
  knows(uid: string): boolean {
    return this.watcher.get(uid) !== undefined;
  }

  /** Forgets the results of resources of watched kinds that no longer exist (after the initial scan). */
  pruneMissing(): number {
    const watched = new Set(this.watcher.resources().map((r) => `${r.group === '' ? r.version : `${r.group}/${r.version}`}|${r.kind}`));
    let n = 0;
    for (const ref of this.opts.store.refs()) {
      if (!watched.has(`${ref.apiVersion}|${ref.kind}`)) continue;
      if (this.watcher.get(ref.uid)) continue;
      this.opts.store.removeResource(ref.uid);
      n++;
    }
    return n;
  }

  /** Scans one resource (queue key: its UID). */
  async reconcile(uid: string): Promise<void> {
    const found = this.watcher.get(uid);
    const store = this.opts.store;
    if (!found) {
      this.scanned.delete(uid);
      this.forced.delete(uid);
      store.removeResource(uid);
      return;
    }
    const obj = found.obj as Resource;
    const ref = refOf(obj);
    const config = this.opts.state.current();
    const namespace = ref.namespace;
    const skipFilters = this.opts.skipResourceFilters ?? true;
    const filtered = !skipFilters && config.toFilter(groupVersionKindOf(obj), '', namespace, ref.name);
    const policies = filtered ? [] : this.backgroundPolicies(namespace);
    const hash = resourceHash(obj);
    const prev = this.scanned.get(uid);
    const full = this.forced.delete(uid) || !prev || prev.hash !== hash || prev.exceptions !== this.exceptionsVersion;
    const evaluated = new Map<string, string>();
    const exceptions = this.opts.policies.exceptionCandidates();
    const namespaceLabels = namespaceLabelsFor(ref.kind, namespace, (n) => this.opts.state.namespaceLabels(n));
    const allowed = this.opts.allowedResults ?? allowAllResults;
    for (const policy of policies) {
      const key = PolicyInformers.key(policy);
      const rv = resourceVersionOf(policy as unknown as KubeObject);
      evaluated.set(key, rv);
      if (!full && prev?.policies.get(key) === rv) continue;
      await yieldIfBusy();
      const engine = this.engine;
      const started = performance.now();
      const response = await evaluateWithFetch(() =>
        engine.validate(engine.newPolicyContext({ policy, newResource: obj, operation: 'CREATE', namespaceLabels, exceptions })),
      );
      this.evaluations++;
      if (this.opts.metrics) recordPolicyResults(this.opts.metrics, policy, response, 'CREATE', false, false, (performance.now() - started) / 1000);
      const now = Date.now();
      store.setScanResults(ref, `kyverno/${key}`, engineResponseResults(response, Math.floor(now / 1000), allowed), now);
      if (this.opts.events) this.opts.events.add(...scanEvents(response, config.generateSuccessEvents));
    }
    for (const key of prev?.policies.keys() ?? []) {
      if (!evaluated.has(key)) store.setScanResults(ref, `kyverno/${key}`, [], Date.now());
    }
    this.scanned.set(uid, { hash, policies: evaluated, exceptions: this.exceptionsVersion });
  }
}
