/**
 * `kyverno controllers`: the in-cluster controllers (Kyverno's background and reports controllers, plus
 * policy status and the webhook fail-safe) against the cluster of a kubeconfig or, inside a pod, the
 * service account.
 *
 *   kyverno controllers [--kubeconfig FILE] [--kyvernoNamespace kyverno] [--controllers reports,background,status]
 *     [--health-listen :8080] [--metricsPort 8000] [--metricsHost ADDR] [--disableMetrics]
 *
 * Flags keep Kyverno's names where Kyverno has them (`--backgroundScanInterval`, `--genWorkers`,
 * `--admissionReports`, `--openreportsEnabled`, `--allowedResults`, `--skipResourceFilters`,
 * `--enablePolicyException`, `--exceptionNamespace`, `--omitEvents`, `--maxQueuedEvents`,
 * `--clientRateLimitQPS`, `--clientRateLimitBurst`, `--leaderElectionRetryPeriod`, `--ttlReconciliationInterval`,
 * `--crdWatcher`: on by default here, as the controllers follow CRDs created after they started).
 *
 * `--watchDownstream` (off by default) makes the background group also watch the downstream resources
 * and clone sources of `synchronize` generate rules and create UpdateRequests for their changes. Kyverno
 * does not do this: its admission webhooks see those changes (`kyverno serve` does the same), and its
 * chart grants the background controller no `watch` on the generated kinds; the flag needs that right
 * on every such kind (a kind it cannot watch is not followed).
 *
 * `--health-listen` serves `/health/liveness` and `/health/readiness` over plain HTTP (the chart's probes):
 * live until shutdown begins, ready once the shared caches are synced (runtime/health.ts).
 *
 * Metrics, as Kyverno's controllers serve them: Prometheus text at `GET /metrics` over plain HTTP on
 * `--metricsHost`:`--metricsPort` (default all interfaces, port 8000; port 0 picks a free port, as Go's
 * listener does), off with `--disableMetrics`. The `kyverno-metrics` ConfigMap (env METRICS_CONFIG) is
 * honoured (metrics/controller-metrics.ts lists the metrics). A port that cannot be bound is logged and the
 * controllers run without metrics (Kyverno exits).
 *
 * Signals: SIGTERM / SIGINT stop gracefully (leases released, queued UpdateRequests and reports written).
 * A lost lease exits with code 1, as Kyverno's controllers do, unless `--exitOnLeadershipLoss=false`.
 */
import type { Command } from 'commander';
import { CliError } from '../errors.ts';
import { createLogger } from '../../server/logging.ts';
import { RestKubeApi } from '../../k8s/client/rest.ts';
import { ALL_GROUPS, ControllerManager, type ControllerGroup } from '../../controllers/manager.ts';
import { startHealthListener } from '../../controllers/runtime/health.ts';
import { startControllerMetrics, type ControllerMetricsServer } from '../../controllers/metrics/server.ts';
import { SERVER_VERSION } from '../../server/core.ts';
import { DEFAULT_METRICS_CONFIGMAP } from '../../server/metrics-config.ts';
import { parseDurationMs, parseListen, untilSignal } from './serve.ts';

function collect(value: string, previous: string[]): string[] {
  return [...previous, ...value.split(',').filter((v) => v !== '')];
}

function boolOption(v: string | undefined): boolean {
  if (v === undefined) return true;
  if (['true', '1', 't', 'T', 'TRUE', 'True'].includes(v)) return true;
  if (['false', '0', 'f', 'F', 'FALSE', 'False'].includes(v)) return false;
  throw new CliError(`invalid boolean ${JSON.stringify(v)}`);
}

function intOption(name: string) {
  return (v: string): number => {
    if (!/^\d+$/.test(v)) throw new CliError(`invalid value for ${name}: ${v}`);
    return Number(v);
  };
}

/** `--metricsPort`: Go's int flag, a TCP port here (0: any free port). */
export function metricsPortOption(v: string): number {
  if (!/^-?\d+$/.test(v)) throw new CliError(`invalid value for --metricsPort: ${v}`);
  const n = Number(v);
  if (n < 0 || n > 65535) throw new CliError(`invalid value for --metricsPort: ${v} (expected 0 to 65535)`);
  return n;
}

const GROUPS: readonly ControllerGroup[] = ALL_GROUPS;

/** Registers `controllers` on the program. */
export function registerControllersCommand(program: Command): void {
  program
    .command('controllers')
    .description('Run the in-cluster controllers: background scans and policy reports, generate and mutate-existing, policy status, webhook fail-safe')
    .option('--kubeconfig <file>', 'Kubeconfig file (default: in-cluster service account, else $KUBECONFIG / ~/.kube/config)')
    .option('--context <name>', 'Kubeconfig context')
    .option('--kyvernoNamespace <ns>', "Kyverno's namespace", process.env['KYVERNO_NAMESPACE'] ?? 'kyverno')
    .option('--controllers <groups>', 'Controller groups to run: reports, background, status, cleanup (comma separated)', collect, [])
    .option('--identity <id>', 'Leader election identity (default: POD_NAME, else <hostname>-<pid>)')
    .option('--leaderElection [bool]', 'Run controller groups only while holding their Lease', boolOption, true)
    .option('--leaderElectionRetryPeriod <duration>', 'Leader election retry period (lease = 6x, renew deadline = 5x)', '2s')
    .option('--exitOnLeadershipLoss [bool]', 'Exit (code 1) when a lease is lost, as Kyverno does', boolOption, true)
    .option('--backgroundScanInterval <duration>', 'Interval of full background scans and generate/mutate-existing reconciliation', '1h')
    .option('--scanDelay <duration>', 'Delay before a changed resource is scanned (coalesces bursts)', '1s')
    .option('--skipResourceFilters [bool]', 'Ignore the ConfigMap resourceFilters in background scans', boolOption, true)
    .option('--admissionReports [bool]', 'Aggregate admission results (ephemeral reports) into policy reports', boolOption, true)
    .option('--openreportsEnabled [bool]', 'Write openreports.io reports instead of wgpolicyk8s.io policy reports', boolOption, false)
    .option('--reportLayout <layout>', 'resource: one report per resource (Kyverno); namespace: aggregated per namespace, split by size', 'resource')
    .option('--maxReportBytes <n>', 'Largest aggregated report object (namespace layout)', intOption('--maxReportBytes'), 1024 * 1024)
    .option('--allowedResults <statuses>', 'Result statuses recorded in reports (comma separated; default all)', collect, [])
    .option('--genWorkers <n>', 'UpdateRequests processed concurrently', intOption('--genWorkers'), 10)
    .option(
      '--watchDownstream [bool]',
      'Also watch synchronized downstream resources and clone sources and create UpdateRequests for their changes (needs watch on those kinds; by default the admission webhooks do it, as in Kyverno)',
      boolOption,
      false,
    )
    .option('--enablePolicyException [bool]', 'Enable PolicyException feature', boolOption, false)
    .option('--exceptionNamespace <ns>', 'Namespace of the PolicyExceptions to use (* for all)', '')
    .option('--omitEvents <reasons>', 'Event reasons never emitted (PolicyViolation, PolicyApplied, PolicyError, PolicySkipped)', collect, [])
    .option('--maxQueuedEvents <n>', 'Events queued before new ones are dropped', intOption('--maxQueuedEvents'), 1000)
    .option('--clientRateLimitQPS <n>', 'API requests per second', intOption('--clientRateLimitQPS'), 300)
    .option('--clientRateLimitBurst <n>', 'API request burst', intOption('--clientRateLimitBurst'), 300)
    .option('--ttlReconciliationInterval <duration>', 'How often the TTL controller rediscovers the kinds (and its rights on them) it watches for cleanup.kyverno.io/ttl', '1m')
    .option('--crdWatcher [bool]', 'Watch CustomResourceDefinitions and invalidate the discovery cache when they change', boolOption, true)
    .option('--watchdog [bool]', 'Suspend the webhook rules when no admission replica is reachable', boolOption, true)
    .option('--watchdogInterval <duration>', 'How often the health Lease is touched', '10s')
    .option('--watchdogGrace <duration>', 'How long without a live replica before the webhook rules are suspended', '100s')
    .option('--policyStatus [bool]', 'In the status group, set the Ready condition of policies (false when `kyverno serve` does it: only the watchdog runs)', boolOption, true)
    .option('--metricsPort <port>', 'Expose Prometheus metrics at /metrics on this port (plain HTTP; 0: any free port)', metricsPortOption, 8000)
    .option('--metricsHost <host>', 'Address the metrics are exposed on (default: all interfaces)', '')
    .option('--disableMetrics [bool]', 'Do not expose metrics', boolOption, false)
    .option('--health-listen <host:port>', 'Serve /health/liveness and /health/readiness over plain HTTP on this address (e.g. :8080)')
    .option('-v, --v <level>', 'Log verbosity', intOption('-v'), 0)
    .action(async (o: Record<string, unknown>) => {
      const groups = (o['controllers'] as string[]).length > 0 ? (o['controllers'] as string[]) : [...GROUPS];
      for (const g of groups) if (!GROUPS.includes(g as ControllerGroup)) throw new CliError(`unknown controller group ${JSON.stringify(g)} (expected ${GROUPS.join(', ')})`);
      const layout = String(o['reportLayout']);
      if (layout !== 'resource' && layout !== 'namespace') throw new CliError(`invalid --reportLayout ${JSON.stringify(layout)} (expected resource or namespace)`);
      const healthListen = o['healthListen'] !== undefined ? parseListen(String(o['healthListen'])) : undefined;
      const log = createLogger({ verbosity: Number(o['v'] ?? 0) });
      // the probes answer from the start: live at once, ready once the caches are synced
      const probe = { started: false, stopping: false };
      const health = healthListen
        ? await startHealthListener({ live: () => !probe.stopping, ready: () => probe.started && !probe.stopping }, healthListen).catch((err: Error) => {
            throw new CliError(`failed to listen on ${String(o['healthListen'])}: ${err.message}`);
          })
        : undefined;
      const kubeconfig = o['kubeconfig'] as string | undefined;
      const inCluster = kubeconfig === undefined && process.env['KUBERNETES_SERVICE_HOST'] !== undefined && process.env['KUBECONFIG'] === undefined;
      let api: RestKubeApi;
      try {
        api = await RestKubeApi.fromKubeconfig({
          ...(kubeconfig ? { file: kubeconfig } : {}),
          ...(inCluster ? { inCluster: true } : {}),
          ...(o['context'] ? { context: String(o['context']) } : {}),
          qps: Number(o['clientRateLimitQPS']),
          burst: Number(o['clientRateLimitBurst']),
          userAgent: 'kyverno-ts-controllers',
        });
        await api.resources();
      } catch (err) {
        throw new CliError(`failed to reach the API server: ${(err as Error).message}`);
      }
      let metricsServer: ControllerMetricsServer | undefined;
      if (!o['disableMetrics']) {
        const metricsListen = { host: String(o['metricsHost'] ?? '') || '0.0.0.0', port: Number(o['metricsPort']) };
        try {
          metricsServer = await startControllerMetrics({
            api,
            namespace: String(o['kyvernoNamespace']),
            configMapName: process.env['METRICS_CONFIG'] || DEFAULT_METRICS_CONFIGMAP,
            listen: metricsListen,
            version: SERVER_VERSION,
            log: log.child('metrics'),
          });
          log.child('metrics').info('serving metrics', { address: metricsServer.address.address, port: metricsServer.address.port });
        } catch (err) {
          // Kyverno exits here; the controllers go on without metrics instead (several processes on one
          // host, as in tests, would otherwise stop each other on the default port)
          log.child('metrics').error(err, 'failed to enable metrics server, running without metrics', { address: metricsListen.host, port: metricsListen.port });
        }
      }
      const manager = new ControllerManager({
        api,
        namespace: String(o['kyvernoNamespace']),
        configMapName: process.env['INIT_CONFIG'] || 'kyverno',
        identity: (o['identity'] as string | undefined) ?? process.env['POD_NAME'],
        log,
        groups: groups as ControllerGroup[],
        leaderElection: Boolean(o['leaderElection']),
        retryPeriodMs: parseDurationMs(String(o['leaderElectionRetryPeriod'])),
        onLostLeadership: (group) => {
          if (!o['exitOnLeadershipLoss']) return;
          log.error(`lease of ${group} lost`, 'leader election lost, exiting');
          process.exit(1);
        },
        exceptions: { enabled: Boolean(o['enablePolicyException']), namespace: String(o['exceptionNamespace'] ?? '') },
        reportLayout: layout,
        reportApi: o['openreportsEnabled'] ? 'openreports' : 'wgpolicyk8s',
        maxReportBytes: Number(o['maxReportBytes']),
        allowedResults: o['allowedResults'] as string[],
        backgroundScanIntervalMs: parseDurationMs(String(o['backgroundScanInterval'])),
        scanDelayMs: parseDurationMs(String(o['scanDelay'])),
        skipResourceFilters: Boolean(o['skipResourceFilters']),
        admissionReports: Boolean(o['admissionReports']),
        genWorkers: Number(o['genWorkers']),
        watchDownstream: Boolean(o['watchDownstream']),
        omitEvents: o['omitEvents'] as string[],
        maxQueuedEvents: Number(o['maxQueuedEvents']),
        ttlRediscoverMs: parseDurationMs(String(o['ttlReconciliationInterval'])),
        crdWatcher: Boolean(o['crdWatcher']),
        watchdog: Boolean(o['watchdog']),
        policyStatus: Boolean(o['policyStatus']),
        watchdogIntervalMs: parseDurationMs(String(o['watchdogInterval'])),
        watchdogGraceMs: parseDurationMs(String(o['watchdogGrace'])),
        metrics: metricsServer?.metrics,
      });
      await manager.start();
      probe.started = true;
      log.child('setup').info('controllers started', { identity: manager.identity, groups });
      await untilSignal(log, () => {
        probe.stopping = true;
        return manager.stop();
      });
      await health?.close();
      await metricsServer?.close();
      api.close();
    });
}
