/**
 * The in-cluster controllers in one process (`kyverno controllers`), grouped as Kyverno deploys them,
 * each group run by the holder of its own Lease so that several replicas can run side by side (HA) and
 * the groups can also be split across deployments:
 *
 * | group        | Lease                            | controllers                                                   |
 * |--------------|----------------------------------|---------------------------------------------------------------|
 * | `reports`    | `kyverno-reports-controller`     | background scan, admission results (ephemeral reports), PolicyReports |
 * | `background` | `kyverno-background-controller`  | UpdateRequests (generate, mutate-existing), policy controller |
 * | `status`     | `kyverno-status-controller`      | policy status, webhook fail-safe watchdog                     |
 * | `cleanup`    | `kyverno-cleanup-controller`     | TTL cleanup (label `cleanup.kyverno.io/ttl`), (Cluster)CleanupPolicies |
 *
 * Generated downstream resources and clone sources are kept in sync as in Kyverno: the admission server
 * turns their UPDATE and DELETE requests into UpdateRequests (generate/non-trigger.ts), which the
 * background group processes. `watchDownstream` adds the older way, watching them from here
 * (generate/downstream-controller.ts), which needs `watch` on those kinds (Kyverno's chart does not give
 * it) and only duplicates the admission server's URs where its webhooks see the changes.
 *
 * Every replica keeps the shared caches (policies, namespaces, the `kyverno` ConfigMap) warm, so a new
 * leader starts at once. A group's controllers are built afresh each time its lease is won and stopped
 * when it is lost (`onLostLeadership` then decides, Kyverno exits the process).
 *
 * With `metrics` (`kyverno controllers --metricsPort`), the work queues of the controllers built here
 * report to it (`kyverno_controller_*_total`, by Kyverno's controller names), background scans count
 * their policy results, the TTL and cleanup controllers their deletions, the event recorder its drops,
 * and the leaders of the background and cleanup groups report the UpdateRequests and the kinds watched
 * for the TTL label (metrics/controller-metrics.ts).
 *
 * Example:
 *   const m = new ControllerManager({ api, namespace: 'kyverno', identity: pod, log });
 *   await m.start();
 */
import { hostname } from 'node:os';
import type { PolicyException } from '../engine/api/policy.ts';
import { ClusterContextPorts } from '../k8s/client/context-ports.ts';
import type { KubeApi } from '../k8s/client/types.ts';
import type { ExceptionOptions } from '../server/admission/exceptions.ts';
import type { Logger } from '../server/logging.ts';
import { CleanupPolicyController } from './cleanup/cleanup-policies.ts';
import { TtlController } from './cleanup/ttl.ts';
import { EventRecorder } from './events/recorder.ts';
import { DownstreamController } from './generate/downstream-controller.ts';
import { GenerateProcessor } from './generate/generate-processor.ts';
import { MutateExistingProcessor } from './generate/mutate-existing-processor.ts';
import { PolicyController } from './generate/policy-controller.ts';
import { UpdateRequestController } from './generate/ur-controller.ts';
import { UpdateRequestGenerator } from './generate/ur-generator.ts';
import { LeaderElector } from './leader-election/elector.ts';
import { gvrLabels, type ControllerMetrics } from './metrics/controller-metrics.ts';
import { PolicyInformers } from './policies/policy-informers.ts';
import { PolicyStatusController } from './policy-status/controller.ts';
import { ReportsController } from './reports/controller.ts';
import { EphemeralReportSink } from './reports/ephemeral.ts';
import type { ReportApi, ReportLayoutKind } from './reports/layout.ts';
import { statusFilter } from './reports/results.ts';
import { ClusterState } from './runtime/cluster-state.ts';
import { CrdWatcher } from './runtime/crd-watcher.ts';
import { controllerEngine } from './runtime/engine.ts';
import { withWorkQueueObserver } from './runtime/queue.ts';
import { Watchdog } from './watchdog/watchdog.ts';

export type ControllerGroup = 'reports' | 'background' | 'status' | 'cleanup';

export const GROUP_LEASES: Record<ControllerGroup, string> = {
  reports: 'kyverno-reports-controller',
  background: 'kyverno-background-controller',
  status: 'kyverno-status-controller',
  cleanup: 'kyverno-cleanup-controller',
};

/** Every group, in start order (the default of `groups`). */
export const ALL_GROUPS: readonly ControllerGroup[] = ['reports', 'background', 'status', 'cleanup'];

export interface ControllerManagerOptions {
  api: KubeApi;
  /** Kyverno's namespace (`--kyvernoNamespace`, default `kyverno`) */
  namespace: string;
  /** name of the `kyverno` ConfigMap in that namespace (Kyverno: env INIT_CONFIG; default `kyverno`) */
  configMapName?: string;
  /** this replica (the pod name; default `<hostname>-<pid>`) */
  identity?: string;
  log: Logger;
  /** which groups run here (default all) */
  groups?: readonly ControllerGroup[];
  /** leader election (default true; false: this process runs its groups alone) */
  leaderElection?: boolean;
  retryPeriodMs?: number;
  /** called when a group's lease is lost (Kyverno exits the process) */
  onLostLeadership?: (group: ControllerGroup) => void;
  exceptions?: ExceptionOptions;
  /** reports */
  reportLayout?: ReportLayoutKind;
  reportApi?: ReportApi;
  maxReportBytes?: number;
  allowedResults?: readonly string[];
  backgroundScanIntervalMs?: number;
  scanDelayMs?: number;
  scanWorkers?: number;
  skipResourceFilters?: boolean;
  admissionReports?: boolean;
  reportFlushMs?: number;
  /** background */
  genWorkers?: number;
  /**
   * `--watchDownstream`: also watch synchronized downstream resources and clone sources (informers,
   * needs `watch` on their kinds) and create URs for their changes; default false (the admission server
   * does it from its webhooks, as Kyverno does)
   */
  watchDownstream?: boolean;
  maxUpdateRequestRetries?: number;
  urRetryBaseMs?: number;
  /** events */
  omitEvents?: readonly string[];
  maxQueuedEvents?: number;
  /** status group: the policy status controller (default true; false when `kyverno serve` writes it) */
  policyStatus?: boolean;
  /** watchdog */
  watchdog?: boolean;
  watchdogIntervalMs?: number;
  watchdogGraceMs?: number;
  /** cleanup: how often resource kinds are rediscovered for the TTL label (default 60 s) */
  ttlRediscoverMs?: number;
  /** watch CustomResourceDefinitions and invalidate discovery on changes (default true; Kyverno's `--crdWatcher`) */
  crdWatcher?: boolean;
  /** where the controllers' metrics are recorded (`--metricsPort`; none when undefined) */
  metrics?: ControllerMetrics;
}

interface GroupHandle {
  elector?: LeaderElector;
  controller?: AbortController;
  stops: Array<() => Promise<void>>;
}

export class ControllerManager {
  readonly identity: string;
  readonly policies: PolicyInformers;
  readonly state: ClusterState;
  readonly events: EventRecorder;
  readonly ports: ClusterContextPorts;
  /** background results (generate, mutate-existing) for the reports */
  readonly backgroundReports: EphemeralReportSink;
  readonly generator: UpdateRequestGenerator;
  /** invalidates discovery on CRD changes (undefined when disabled) */
  readonly crds: CrdWatcher | undefined;
  private readonly groups = new Map<ControllerGroup, GroupHandle>();
  private stopping = false;
  /** the running controllers of the groups this replica leads (tests, diagnostics) */
  reports: ReportsController | undefined;
  updateRequests: UpdateRequestController | undefined;
  policyController: PolicyController | undefined;
  downstream: DownstreamController | undefined;
  policyStatus: PolicyStatusController | undefined;
  watchdog: Watchdog | undefined;
  ttl: TtlController | undefined;
  cleanupPolicies: CleanupPolicyController | undefined;

  constructor(readonly opts: ControllerManagerOptions) {
    this.identity = opts.identity ?? `${hostname()}-${process.pid}`;
    const log = opts.log;
    this.policies = new PolicyInformers(opts.api, opts.exceptions ?? { enabled: false, namespace: '' }, log.child('policies'));
    this.state = new ClusterState(opts.api, opts.namespace, opts.configMapName ?? 'kyverno', log.child('config'));
    this.ports = new ClusterContextPorts(opts.api, { namespaceLabels: (ns) => this.state.namespaceLabels(ns) });
    // the event queue's drops are `kyverno_events_dropped_total`
    this.events = withWorkQueueObserver(opts.metrics, () => new EventRecorder({
      api: opts.api,
      settings: () => this.state.current(),
      omitEvents: opts.omitEvents,
      maxQueuedEvents: opts.maxQueuedEvents,
      log: log.child('events'),
      hostname: this.identity,
    }));
    this.crds = opts.crdWatcher === false ? undefined : new CrdWatcher(opts.api, { log: log.child('crd-watcher') });
    this.backgroundReports = new EphemeralReportSink({ api: opts.api, replicaId: `${this.identity}-background`, log: log.child('background-reports') });
    this.generator = new UpdateRequestGenerator({
      api: opts.api,
      namespace: opts.namespace,
      threshold: () => this.state.current().updateRequestThreshold,
      count: () => this.updateRequests?.informer.size ?? 0,
      log: log.child('updaterequest-generator'),
    });
  }

  private exceptionCandidates(): readonly PolicyException[] {
    return this.policies.exceptionCandidates();
  }

  private kindFor(gvr: { group: string; version: string; resource: string }): { group: string; version: string; kind: string } | undefined {
    void gvr;
    return undefined;
  }

  /** Runs `fn` after CRD changes (discovery invalidated) until `signal` aborts (the group's term). */
  private onDiscoveryChange(signal: AbortSignal, fn: () => void | Promise<void>): void {
    if (!this.crds || signal.aborted) return;
    const off = this.crds.onChange(() => {
      Promise.resolve()
        .then(fn)
        .catch((err: unknown) => this.opts.log.error(err, 'failed to follow a discovery change'));
    });
    signal.addEventListener('abort', off, { once: true });
  }

  /** Builds and starts a group's controllers (this replica now leads it). */
  private async startGroup(group: ControllerGroup, signal: AbortSignal, handle: GroupHandle): Promise<void> {
    const o = this.opts;
    const log = o.log;
    if (group === 'reports') {
      const reports = new ReportsController({
        api: o.api,
        policies: this.policies,
        state: this.state,
        ports: this.ports,
        events: this.events,
        log: log.child('reports'),
        layout: o.reportLayout,
        reportApi: o.reportApi,
        maxReportBytes: o.maxReportBytes,
        allowedResults: statusFilter(o.allowedResults),
        scanIntervalMs: o.backgroundScanIntervalMs,
        scanDelayMs: o.scanDelayMs,
        scanWorkers: o.scanWorkers,
        skipResourceFilters: o.skipResourceFilters,
        flushIntervalMs: o.reportFlushMs,
        admissionReports: o.admissionReports,
        metrics: o.metrics?.kyverno,
      });
      this.reports = reports;
      handle.stops.push(() => reports.stop());
      await reports.start(signal);
      // a CRD added or removed: the kinds the policies name may resolve differently now
      this.onDiscoveryChange(signal, () => reports.scan.rediscoverKinds());
      return;
    }
    if (group === 'background') {
      let resources = await o.api.resources();
      // re-read after CRD changes (discovery was invalidated): a trigger of a new kind is found
      this.onDiscoveryChange(signal, async () => {
        resources = await o.api.resources();
      });
      const kindFor = (gvr: { group: string; version: string; resource: string }) => {
        const r = resources.find((x) => x.group === gvr.group && x.version === gvr.version && x.resource === gvr.resource);
        return r ? { group: r.group, version: r.version, kind: r.kind } : this.kindFor(gvr);
      };
      const engine = () => controllerEngine(this.state.current(), this.ports.ports());
      const common = {
        api: o.api,
        policy: (key: string) => this.policies.get(key),
        namespaceLabels: (ns: string) => this.state.namespaceLabels(ns),
        exceptions: () => this.exceptionCandidates(),
        events: this.events,
        reports: this.backgroundReports,
        kindFor,
      };
      const generate = new GenerateProcessor({ ...common, engine, log: log.child('generate') });
      const mutate = new MutateExistingProcessor({ ...common, engineFor: (targets) => controllerEngine(this.state.current(), this.ports.ports(), targets), log: log.child('mutate-existing') });
      const urs = new UpdateRequestController({
        api: o.api,
        namespace: o.namespace,
        generate,
        mutate,
        policyExists: (key) => this.policies.get(key) !== undefined,
        workers: o.genWorkers,
        maxRetries: o.maxUpdateRequestRetries,
        retryBaseMs: o.urRetryBaseMs,
        log: log.child('background-controller'),
      });
      const policyController = new PolicyController({
        api: o.api,
        namespace: o.namespace,
        policies: this.policies,
        generator: this.generator,
        engine,
        namespaceLabels: (ns) => this.state.namespaceLabels(ns),
        reconcilePeriodMs: o.backgroundScanIntervalMs,
        log: log.child('policy-controller'),
      });
      this.updateRequests = urs;
      if (o.metrics) {
        // kyverno_updaterequest_total: the UpdateRequests in Kyverno's namespace, while this replica leads
        const m = o.metrics;
        const off = m.addCollector(() => m.updateRequests.set([o.namespace], urs.informer.size));
        handle.stops.push(async () => {
          off();
          m.updateRequests.reset();
        });
      }
      this.policyController = policyController;
      handle.stops.push(() => urs.stop(), () => policyController.stop());
      await urs.start(signal);
      await policyController.start(signal);
      if (o.watchDownstream === true) {
        const downstream = new DownstreamController({ api: o.api, namespace: o.namespace, policies: this.policies, generator: this.generator, log: log.child('generate-downstream') });
        this.downstream = downstream;
        handle.stops.push(() => downstream.stop());
        await downstream.start(signal);
      }
      return;
    }
    if (group === 'cleanup') {
      const ttl = new TtlController({ api: o.api, rediscoverMs: o.ttlRediscoverMs, log: log.child('ttl'), metrics: o.metrics?.ttl });
      const cleanup = new CleanupPolicyController({
        api: o.api,
        engine: () => controllerEngine(this.state.current(), this.ports.ports()),
        namespaceLabels: (ns) => this.state.namespaceLabels(ns),
        events: this.events,
        log: log.child('cleanup'),
        metrics: o.metrics?.cleanup,
      });
      this.ttl = ttl;
      this.cleanupPolicies = cleanup;
      if (o.metrics) {
        // kyverno_ttl_controller_info: 1 per kind watched for the TTL label, while this replica leads
        const m = o.metrics;
        const off = m.addCollector(() => {
          m.ttlInfo.reset();
          for (const k of ttl.watched()) m.ttlInfo.set(gvrLabels(k), 1);
        });
        handle.stops.push(async () => {
          off();
          m.ttlInfo.reset();
        });
      }
      handle.stops.push(() => ttl.stop(), () => cleanup.stop());
      await ttl.start(signal);
      // a CRD added or removed: its kind is watched (or no longer) without waiting for the next rediscovery
      this.onDiscoveryChange(signal, () => ttl.discover());
      await cleanup.start(signal);
      return;
    }
    if (o.policyStatus ?? true) {
      const status = new PolicyStatusController({ api: o.api, policies: this.policies, log: log.child('policy-status') });
      this.policyStatus = status;
      handle.stops.push(() => status.stop());
      await status.start(signal);
    }
    if (o.watchdog ?? true) {
      const watchdog = new Watchdog({
        api: o.api,
        namespace: o.namespace,
        identity: this.identity,
        intervalMs: o.watchdogIntervalMs,
        graceMs: o.watchdogGraceMs,
        log: log.child('watchdog'),
      });
      this.watchdog = watchdog;
      watchdog.start(signal);
      handle.stops.push(() => watchdog.stopped());
    }
  }

  private async stopGroup(handle: GroupHandle): Promise<void> {
    handle.controller?.abort();
    const stops = handle.stops.splice(0);
    for (const s of stops) {
      try {
        await s();
      } catch (err) {
        this.opts.log.error(err, 'failed to stop a controller');
      }
    }
  }

  /** Starts the shared caches and campaigns for (or, without leader election, runs) every group. */
  async start(): Promise<void> {
    const o = this.opts;
    this.policies.start();
    this.state.start();
    this.events.start();
    this.crds?.start();
    await Promise.all([this.policies.synced(), this.state.synced()]);
    for (const group of o.groups ?? ALL_GROUPS) {
      const handle: GroupHandle = { stops: [] };
      this.groups.set(group, handle);
      const run = (signal: AbortSignal) => {
        const c = new AbortController();
        handle.controller = c;
        signal.addEventListener('abort', () => c.abort(), { once: true });
        // the work queues built for the group report to the metrics
        withWorkQueueObserver(o.metrics, () => this.startGroup(group, c.signal, handle)).catch((err) => o.log.error(err, 'failed to start controllers', { group }));
      };
      if (o.leaderElection === false) {
        run(new AbortController().signal);
        continue;
      }
      const elector = new LeaderElector({
        api: o.api,
        namespace: o.namespace,
        name: GROUP_LEASES[group],
        identity: this.identity,
        retryPeriodMs: o.retryPeriodMs,
        log: o.log.child('leader-election').child(group),
        onStartedLeading: (signal) => run(signal),
        onStoppedLeading: () => {
          void this.stopGroup(handle).then(() => {
            if (!this.stopping) o.onLostLeadership?.(group);
          });
        },
      });
      handle.elector = elector;
      elector.start();
    }
  }

  /** Whether this replica leads `group`. */
  isLeader(group: ControllerGroup): boolean {
    const h = this.groups.get(group);
    if (!h) return false;
    return h.elector ? h.elector.isLeader() : true;
  }

  /** Stops every group (releasing leases), writes what is queued, then stops the caches. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const h of this.groups.values()) {
      if (h.elector) await h.elector.stop();
      await this.stopGroup(h);
    }
    await this.generator.stop();
    await this.backgroundReports.stop();
    await this.events.flush();
    await this.events.stop();
    this.policies.stop();
    this.state.stop();
    this.crds?.stop();
  }
}
