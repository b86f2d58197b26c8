/**
 * The reports controller (Kyverno's reports-controller: background scan + aggregation), run by the
 * leader: the background scan and the admission results (ephemeral reports) feed one `ReportStore`,
 * and the `ReportWriter` keeps PolicyReports / ClusterPolicyReports (or openreports) in line with it.
 *
 * Results of policies (or, for Kyverno policies, rules) that no longer exist are dropped, as the
 * aggregate controller does; after the initial scan, stale managed reports are garbage-collected.
 *
 * Example:
 *   const reports = new ReportsController({ api, policies, state, ports, layout: 'resource', reportApi: 'wgpolicyk8s' });
 *   await reports.start(signal);
 */
import type { KyvernoPolicy } from '../../engine/api/policy.ts';
import { computeRules } from '../../engine/autogen/index.ts';
import type { ClusterContextPorts } from '../../k8s/client/context-ports.ts';
import type { KubeApi } from '../../k8s/client/types.ts';
import type { Logger } from '../../server/logging.ts';
import type { KyvernoMetrics } from '../../server/metrics.ts';
import type { EventSink } from '../events/info.ts';
import type { PolicyInformers } from '../policies/policy-informers.ts';
import type { ClusterState } from '../runtime/cluster-state.ts';
import { BackgroundScanController } from './background-scan.ts';
import { EphemeralReportIngest } from './ephemeral.ts';
import type { ReportApi, ReportLayoutKind } from './layout.ts';
import type { StatusFilter } from './results.ts';
import { ReportStore } from './store.ts';
import { reportEntries } from './layout.ts';
import { ReportWriter } from './writer.ts';

export interface ReportsControllerOptions {
  api: KubeApi;
  policies: PolicyInformers;
  state: ClusterState;
  ports: ClusterContextPorts;
  events?: EventSink;
  log?: Logger;
  layout?: ReportLayoutKind;
  reportApi?: ReportApi;
  maxReportBytes?: number;
  allowedResults?: StatusFilter;
  scanIntervalMs?: number;
  scanDelayMs?: number;
  scanWorkers?: number;
  skipResourceFilters?: boolean;
  flushIntervalMs?: number;
  /** `--admissionReports`: consume admission results (default true) */
  admissionReports?: boolean;
  /** background scan results are counted here (`kyverno_policy_results_total`, cause background_scan) */
  metrics?: KyvernoMetrics;
}

export class ReportsController {
  readonly store = new ReportStore();
  readonly writer: ReportWriter;
  readonly scan: BackgroundScanController;
  readonly ingest: EphemeralReportIngest | undefined;
  private readonly ruleNames = new WeakMap<KyvernoPolicy, Set<string>>();

  constructor(private readonly opts: ReportsControllerOptions) {
    this.writer = new ReportWriter({
      api: opts.api,
      store: this.store,
      layout: opts.layout ?? 'resource',
      reportApi: opts.reportApi ?? 'wgpolicyk8s',
      maxBytes: opts.maxReportBytes,
      flushIntervalMs: opts.flushIntervalMs,
      log: opts.log?.child('report-writer'),
    });
    this.scan = new BackgroundScanController({
      api: opts.api,
      policies: opts.policies,
      state: opts.state,
      store: this.store,
      ports: opts.ports,
      events: opts.events,
      log: opts.log?.child('background-scan-controller'),
      allowedResults: opts.allowedResults,
      scanIntervalMs: opts.scanIntervalMs,
      enqueueDelayMs: opts.scanDelayMs,
      workers: opts.scanWorkers,
      skipResourceFilters: opts.skipResourceFilters,
      metrics: opts.metrics,
    });
    if (opts.admissionReports ?? true) {
      this.ingest = new EphemeralReportIngest({
        api: opts.api,
        store: this.store,
        log: opts.log?.child('aggregate-report-controller'),
        exists: async (ref) => {
          if (this.scan.knows(ref.uid)) return true;
          const res = await opts.api.resource(ref.apiVersion, ref.kind);
          if (!res) return false;
          const o = await opts.api.get(res, ref.namespace, ref.name);
          const m = o?.['metadata'] as { uid?: string } | undefined;
          return m?.uid === ref.uid;
        },
      });
    }
    this.store.isActive = (r) => {
      if (r.source !== 'kyverno') return true;
      const p = opts.policies.get(r.policy);
      if (!p) return false;
      let names = this.ruleNames.get(p);
      if (!names) {
        names = new Set(computeRules(p, '').map((x) => x.name));
        this.ruleNames.set(p, names);
      }
      return names.has(r.rule);
    };
    opts.policies.onChange((c) => {
      if (c.type === 'update') this.store.touchAll();
    });
  }

  /** Starts the writer, the admission-results ingest and the scan; resolves once the initial state is listed. */
  async start(signal: AbortSignal): Promise<void> {
    await this.writer.start(signal);
    this.seedFromReports();
    await this.ingest?.start(signal);
    await this.scan.start(signal);
    // the first full pass, then results of resources that are gone, then stale reports
    void this.scan
      .idle()
      .then(() => this.scan.pruneMissing())
      .then(() => this.writer.idle())
      .then(() => (signal.aborted ? 0 : this.writer.collectGarbage()))
      .then((n) => {
        if (n > 0) this.opts.log?.v(2).info('deleted stale reports', { count: n });
      })
      .catch((err) => this.opts.log?.error(err, 'report garbage collection failed'));
  }

  /**
   * Results already stored in reports (another leader wrote them) are taken back, so that admission-only
   * results survive a failover; scans then supersede those of background policies.
   */
  private seedFromReports(): void {
    for (const o of this.writer.objects()) {
      for (const { ref, results } of reportEntries(o)) this.store.addAdmissionResults(ref, results);
    }
  }

  async stop(): Promise<void> {
    await this.scan.stop();
    this.ingest?.stop();
    await this.writer.flush();
    this.writer.stop();
  }

  /** Resolves when scans, ingest and writes have all settled. */
  async settled(): Promise<void> {
    for (let i = 0; i < 3; i++) {
      await this.scan.idle();
      await this.ingest?.idle();
      await this.writer.idle();
    }
  }
}
