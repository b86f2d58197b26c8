/**
 * The Prometheus metrics of `kyverno controllers` (Kyverno's background, reports and cleanup controllers
 * serve them on `--metricsPort`, default 8000, path /metrics), with Kyverno's names and labels
 * (pkg/metrics/{controller,ttl_info,cleanup,events,updaterequest,policy_engine,kyverno_info}.go):
 *
 * | metric | labels | fed by |
 * |---|---|---|
 * | `kyverno_info` | version | start |
 * | `kyverno_controller_reconcile_total` | controller_name | every key a work queue processes |
 * | `kyverno_controller_requeue_total` | controller_name, num_requeues | every retry (the key's retry count) |
 * | `kyverno_controller_drop_total` | controller_name | keys dropped after their last retry |
 * | `kyverno_policy_results_total`, `kyverno_policy_execution_duration_seconds` | as at admission, `rule_execution_cause="background_scan"` | background scans |
 * | `kyverno_ttl_controller_deletedobjects_total`, `kyverno_ttl_controller_errors_total` | resource_namespace, resource_group, resource_version, resource_resource | TTL deletions |
 * | `kyverno_ttl_controller_info` | resource_group, resource_version, resource_resource | kinds watched for the TTL label (1 each) |
 * | `kyverno_cleanup_controller_deletedobjects_total`, `kyverno_cleanup_controller_errors_total` | policy_type, policy_namespace, policy_name, resource_kind, resource_namespace (when set), deletion_propagation (when set) | cleanup policies |
 * | `kyverno_events_dropped_total` | — | events dropped after their last retry |
 * | `kyverno_updaterequest_total` | resource_namespace | UpdateRequests in Kyverno's namespace (leader of the background group) |
 *
 * Work queues are named after Kyverno's controllers where they correspond (`KYVERNO_CONTROLLER_NAMES`;
 * the TTL queue reports per kind, as Kyverno runs one controller per kind named `[group/]version/resource`);
 * others keep their own name. The event queue reports only `kyverno_events_dropped_total`, as Kyverno's
 * event generator does.
 *
 * The `kyverno-metrics` ConfigMap (metrics-config.ts): `bucketBoundaries` and per-metric boundaries apply
 * from construction (Kyverno needs a restart for them too); `namespaces` and `metricsExposure` (a metric
 * turned off, labels dropped) apply from `setConfig` on. Metrics without series are not written, as
 * OpenTelemetry's exporter writes only instruments with data.
 *
 * ```ts
 * const m = new ControllerMetrics({ version: '1.19.0' });
 * const q = new WorkQueue({ name: 'background-scan-controller', observer: m });
 * m.render(); // '# HELP kyverno_info ...\nkyverno_info{version="1.19.0"} 1\n...'
 * ```
 */
import type { ApiResource } from '../../k8s/client/types.ts';
import { defaultMetricsConfig, type MetricsConfiguration } from '../../server/metrics-config.ts';
import { KyvernoMetrics, type Counter, type Gauge, type MetricsRegistry } from '../../server/metrics.ts';
import type { CleanupMetricLabels, CleanupMetrics } from '../cleanup/cleanup-policies.ts';
import { ttlControllerName, type TtlMetrics } from '../cleanup/ttl.ts';
import type { WorkQueueObserver } from '../runtime/queue.ts';

/** Our work queues that are Kyverno's controllers, by queue name → Kyverno's `controller_name`. */
export const KYVERNO_CONTROLLER_NAMES: Readonly<Record<string, string>> = {
  // reports controller
  'background-scan-controller': 'background-scan-controller',
  // background controller: UpdateRequests, generate-existing / mutate-existing policies
  background: 'background-controller',
  'policy-controller': 'policy-controller',
  // cleanup controller
  cleanup: 'cleanup-controller',
  // CEL policy status
  'cel-policy-status': 'status-controller',
};

/** The queue of the TTL controller: one Kyverno controller per kind. */
export const TTL_QUEUE = 'ttl';
/** The queue of the event recorder: only its drops are counted (`kyverno_events_dropped_total`). */
export const EVENTS_QUEUE = 'kyverno-events';

/** The `controller_name` a key of a queue is counted under (undefined: not counted). */
export function controllerNameOf(queue: string, key: string): string | undefined {
  if (queue === EVENTS_QUEUE) return undefined;
  if (queue === TTL_QUEUE) return ttlControllerName(key);
  return KYVERNO_CONTROLLER_NAMES[queue] ?? queue;
}

/** `group/version/resource` (as `TtlController.watched()` lists kinds) → [group, version, resource]. */
export function gvrLabels(gvr: string): [string, string, string] {
  const [group = '', version = '', ...rest] = gvr.split('/');
  return [group, version, rest.join('/')];
}

export interface ControllerMetricsOptions {
  /** `kyverno_info{version}` */
  version: string;
  /** the `kyverno-metrics` ConfigMap as read at start */
  config?: MetricsConfiguration;
}

export class ControllerMetrics implements WorkQueueObserver {
  /** kyverno_info and the policy result metrics, shared with the admission server's definitions */
  readonly kyverno: KyvernoMetrics;
  readonly registry: MetricsRegistry;
  readonly reconcileTotal: Counter;
  readonly requeueTotal: Counter;
  readonly dropTotal: Counter;
  readonly ttlDeletedObjects: Counter;
  readonly ttlErrors: Counter;
  readonly ttlInfo: Gauge;
  readonly cleanupDeletedObjects: Counter;
  readonly cleanupErrors: Counter;
  readonly eventsDropped: Counter;
  readonly updateRequests: Gauge;
  /** TTL deletions, for `TtlControllerOptions.metrics` */
  readonly ttl: TtlMetrics;
  /** cleanup policy deletions, for `CleanupPolicyControllerOptions.metrics` */
  readonly cleanup: CleanupMetrics;

  constructor(opts: ControllerMetricsOptions) {
    const config = opts.config ?? defaultMetricsConfig();
    this.kyverno = new KyvernoMetrics({
      version: opts.version,
      buckets: config.bucketBoundaries,
      bucketsFor: (name) => config.metricsExposure.get(name)?.bucketBoundaries,
      namespaces: config.namespaces,
      exposure: config.metricsExposure,
    });
    const r = (this.registry = this.kyverno.registry);
    this.reconcileTotal = r.counter('kyverno_controller_reconcile_total', 'can be used to track number of reconciliation cycles', ['controller_name']);
    this.requeueTotal = r.counter('kyverno_controller_requeue_total', 'can be used to track number of reconciliation errors', ['controller_name', 'num_requeues']);
    this.dropTotal = r.counter('kyverno_controller_drop_total', 'can be used to track number of queue drops', ['controller_name']);
    const ttlLabels = ['resource_namespace', 'resource_group', 'resource_version', 'resource_resource'];
    this.ttlDeletedObjects = r.counter('kyverno_ttl_controller_deletedobjects_total', 'can be used to track number of deleted objects by the ttl resource controller.', ttlLabels);
    this.ttlErrors = r.counter('kyverno_ttl_controller_errors_total', 'can be used to track number of ttl cleanup failures.', ttlLabels);
    this.ttlInfo = r.gauge('kyverno_ttl_controller_info', 'can be used to track individual resource controllers running for ttl based cleanup', ['resource_group', 'resource_version', 'resource_resource']);
    const cleanupLabels = ['policy_type', 'policy_namespace', 'policy_name', 'resource_kind', 'resource_namespace', 'deletion_propagation'];
    const optionalLabels = ['resource_namespace', 'deletion_propagation'];
    this.cleanupDeletedObjects = r.counter('kyverno_cleanup_controller_deletedobjects_total', 'can be used to track number of deleted objects.', cleanupLabels, { optionalLabels });
    this.cleanupErrors = r.counter('kyverno_cleanup_controller_errors_total', 'can be used to track number of cleanup failures.', cleanupLabels, { optionalLabels });
    this.eventsDropped = r.counter('kyverno_events_dropped_total', 'can be used to track the number of events dropped by the event generator', []);
    this.updateRequests = r.gauge('kyverno_updaterequest_total', 'can be used to track the current number of updaterequests in the cluster', ['resource_namespace']);

    const gvr = (res: ApiResource, namespace: string): string[] => [namespace, res.group, res.version, res.resource];
    this.ttl = {
      deleted: (res, namespace) => this.ttlDeletedObjects.inc(gvr(res, namespace)),
      failed: (res, namespace) => this.ttlErrors.inc(gvr(res, namespace)),
    };
    const cleanup = (l: CleanupMetricLabels): string[] => [l.policyType, l.policyNamespace, l.policyName, l.kind, l.namespace, l.propagation ?? ''];
    this.cleanup = {
      deleted: (l) => this.cleanupDeletedObjects.inc(cleanup(l)),
      failed: (l) => this.cleanupErrors.inc(cleanup(l)),
    };
  }

  /** A changed `kyverno-metrics` ConfigMap: namespaces and exposure from now on (boundaries need a restart). */
  setConfig(config: MetricsConfiguration): void {
    this.kyverno.namespaces = config.namespaces;
    this.kyverno.exposure = config.metricsExposure;
  }

  /** Runs `collect` before each render (gauges observed from current state); returns its removal. */
  addCollector(collect: () => void): () => void {
    return this.kyverno.addCollector(collect);
  }

  reconciled(queue: string, key: string): void {
    const name = controllerNameOf(queue, key);
    if (name !== undefined) this.reconcileTotal.incKey(name, () => [name]);
  }

  requeued(queue: string, key: string, requeues: number): void {
    const name = controllerNameOf(queue, key);
    if (name !== undefined) this.requeueTotal.inc([name, String(requeues)]);
  }

  dropped(queue: string, key: string): void {
    if (queue === EVENTS_QUEUE) {
      this.eventsDropped.inc([]);
      return;
    }
    const name = controllerNameOf(queue, key);
    if (name !== undefined) this.dropTotal.incKey(name, () => [name]);
  }

  /** The Prometheus text exposition of what has been recorded. */
  render(): string {
    this.kyverno.collect();
    return this.registry.render({ omitEmpty: true, exposure: this.kyverno.exposure });
  }
}
