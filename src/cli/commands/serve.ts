/**
 * `kyverno serve`: the HTTPS admission webhook server (Kyverno's admission controller).
 *
 *   kyverno serve --standalone --policy <file-or-folder>... [--listen 127.0.0.1:9443] [--tls-dir DIR]
 *   kyverno serve [--kubeconfig FILE] [--serverIP HOST:PORT] [--listen :9443]
 *
 * Standalone mode runs without a cluster (see src/server/standalone.ts). Without `--standalone` the
 * server runs against a cluster (the kubeconfig, else the pod's service account): policies, exceptions,
 * namespaces, role bindings and the `kyverno` ConfigMap come from the API; TLS material lives in the
 * Secrets `<svc>.<ns>.svc.kyverno-tls-{ca,pair}`; the webhook configurations are written and kept up to
 * date, pointing at the Service or, with `--serverIP`, at `https://<serverIP>/...` (see
 * src/server/in-cluster.ts and serve-cluster.ts). Flags keep Kyverno's names where
 * Kyverno has them (`--webhookTimeout`, `--enablePolicyException`, `--exceptionNamespace`,
 * `--protectManagedResources`, `--dumpPayload`, `--maxAuditWorkers`, ...).
 *
 * Signals: SIGTERM / SIGINT shut down gracefully (readiness off, in-flight reviews finish, audit work
 * drains); SIGHUP re-reads the policy, resource and configuration files.
 */
import { setFlagsFromString } from 'node:v8';
import type { Command } from 'commander';
import { CliError } from '../errors.ts';
import { createLogger } from '../../server/logging.ts';
import { PolicyLoadError } from '../../server/sources/static-policies.ts';
import { startStandalone } from '../../server/standalone.ts';
import { parseKeyAlgorithm } from '../../server/tls/keypair.ts';
import { DEFAULT_MAX_REQUEST_BYTES } from '../../server/server.ts';
import { DEFAULT_HEAP_GROWTH_PERCENT, heapGrowthFlag } from '../../server/heap-growth.ts';
import { serveInCluster } from './serve-cluster.ts';

function collect(value: string, previous: string[]): string[] {
  return [...previous, ...value.split(',').filter((v) => v !== '')];
}

/** `host:port`, `[v6]:port` or `:port` (all interfaces). */
export function parseListen(s: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(s);
  if (!m) throw new CliError(`invalid listen address ${JSON.stringify(s)} (expected host:port)`);
  const port = Number(m[3]);
  if (port > 65535) throw new CliError(`invalid port in ${JSON.stringify(s)}`);
  const host = m[1] ?? m[2] ?? '';
  return { host: host === '' ? '0.0.0.0' : host, port };
}

/** Go durations as Kyverno's flags take them (`15d` is not Go; Kyverno uses hours: `360h`); `d` accepted too. */
export function parseDurationMs(s: string): number {
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d)/g;
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  let total = 0;
  let consumed = 0;
  for (const m of s.matchAll(re)) {
    total += Number(m[1]) * (units[m[2] as string] as number);
    consumed += m[0].length;
  }
  if (s === '' || consumed !== s.length) throw new CliError(`invalid duration ${JSON.stringify(s)}`);
  return total;
}

function intOption(name: string) {
  return (v: string): number => {
    if (!/^\d+$/.test(v)) throw new CliError(`invalid value for ${name}: ${v}`);
    return Number(v);
  };
}

function boolOption(v: string | undefined): boolean {
  if (v === undefined) return true;
  if (['true', '1', 't', 'T', 'TRUE', 'True'].includes(v)) return true;
  if (['false', '0', 'f', 'F', 'FALSE', 'False'].includes(v)) return false;
  throw new CliError(`invalid boolean ${JSON.stringify(v)}`);
}

/** Registers `serve` on the program. */
/** The admission options both modes of `serve` take from the same flags. */
function admissionServerOptions(o: Record<string, unknown>) {
  return {
    exceptions: { enabled: Boolean(o['enablePolicyException']), namespace: String(o['exceptionNamespace'] ?? '') },
    protectManagedResources: Boolean(o['protectManagedResources']),
    dumpPayload: Boolean(o['dumpPayload']),
    admissionReports: Boolean(o['admissionReports']),
    forceFailurePolicyIgnore: Boolean(o['forceFailurePolicyIgnore']),
    webhookTimeoutSeconds: Number(o['webhookTimeout']),
    maxRequestBytes: Number(o['maxRequestBytes']),
    auditWorkers: Number(o['maxAuditWorkers']),
    auditCapacity: Number(o['maxAuditCapacity']),
    metricsListen: o['metricsListen'] !== undefined ? parseListen(String(o['metricsListen'])) : undefined,
  };
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('Run the admission webhook server (HTTPS, Kyverno webhook paths)')
    .option('--standalone', 'Run without a cluster: policies, resources and configuration from files', false)
    .option('-p, --policy <paths>', 'Policy files or folders (comma separated or repeated)', collect, [])
    .option('-e, --exception <paths>', 'PolicyException files or folders', collect, [])
    .option('-r, --resources <paths>', 'Namespace, RoleBinding and ClusterRoleBinding manifests (the cluster state)', collect, [])
    .option('-c, --config <file>', 'The kyverno ConfigMap (resourceFilters, excludeGroups, ...)')
    .option('--kubeconfig <file>', 'Kubeconfig file (in-cluster mode; default: the service account, else $KUBECONFIG / ~/.kube/config)')
    .option('--context <name>', 'Kubeconfig context (in-cluster mode)')
    .option('--serverIP <host[:port]>', 'Address the API server calls when the server runs out of the cluster (webhooks by URL)')
    .option('--servicePort <port>', 'Port of the Kyverno Service used in the webhook configurations', (v: string) => intOption('--servicePort')(v), 443)
    .option('--policyStatus [bool]', 'Set the Ready condition of policies once registered (in-cluster mode)', boolOption, true)
    .option('--leaderElection [bool]', 'Run the webhook and policy status controllers only while holding the Lease kyverno (in-cluster mode)', boolOption, true)
    .option('--leaderElectionRetryPeriod <duration>', 'Leader election retry period (lease = 6x, renew deadline = 5x)', '2s')
    .option('--backgroundServiceAccountName <user>', "The background controller's user, system:serviceaccount:<ns>:<name> (in-cluster mode; default: kyverno-background-controller in --kyvernoNamespace)")
    .option('--cleanupWebhooksOnShutdown [bool]', 'Delete the webhook configurations on shutdown (in-cluster mode)', boolOption, false)
    .option('--clientRateLimitQPS <n>', 'API requests per second (in-cluster mode)', intOption('--clientRateLimitQPS'), 300)
    .option('--clientRateLimitBurst <n>', 'API request burst (in-cluster mode)', intOption('--clientRateLimitBurst'), 300)
    .option('--listen <host:port>', 'Address to serve on (default 127.0.0.1:9443 standalone, :9443 in-cluster)')
    .option('--tls-dir <dir>', 'Directory with tls.crt/tls.key (and ca.crt); generated there when missing or empty')
    .option('--insecure-http', 'Serve plain HTTP instead of HTTPS (local debugging only)', false)
    .option('--tlsKeyAlgorithm <alg>', 'Key algorithm for generated certificates (RSA, ECDSA, Ed25519)', 'RSA')
    .option('--renewBefore <duration>', 'Renew generated certificates this long before they expire', '360h')
    .option('--serviceName <name>', 'Service name of the webhook (serving certificate CN and DNS names)', 'kyverno-svc')
    .option('--kyvernoNamespace <ns>', "Kyverno's namespace (certificate DNS names, protection, verify webhook)", 'kyverno')
    .option('--metrics-listen <host:port>', 'Also serve /metrics over plain HTTP on this address (Kyverno: :8000)')
    .option('--webhookTimeout <seconds>', 'Webhook timeout; verdicts are returned within 80% of it', intOption('--webhookTimeout'), 10)
    .option('--enablePolicyException [bool]', 'Enable PolicyException feature', boolOption, false)
    .option('--exceptionNamespace <ns>', 'Namespace of the PolicyExceptions to use (* for all)', '')
    .option('--protectManagedResources [bool]', 'Only Kyverno may change resources labelled app.kubernetes.io/managed-by=kyverno', boolOption, false)
    .option('--forceFailurePolicyIgnore [bool]', 'Treat every policy as failurePolicy Ignore', boolOption, false)
    .option('--admissionReports [bool]', 'Record admission results for reports', boolOption, true)
    .option('--dumpPayload [bool]', 'Log admission requests and responses (at -v 4)', boolOption, false)
    .option('--maxAuditWorkers <n>', 'Audit evaluations per event-loop turn', intOption('--maxAuditWorkers'), 8)
    .option('--maxAuditCapacity <n>', 'Maximum queued audit evaluations', intOption('--maxAuditCapacity'), 1000)
    .option('--max-request-bytes <n>', 'Largest accepted AdmissionReview body', intOption('--max-request-bytes'), DEFAULT_MAX_REQUEST_BYTES)
    .option('--workers <n>', 'Evaluation worker threads, standalone only (0: evaluate on the server thread; on 2+ cores 1 serves more, best with NODE_OPTIONS="--max-semi-space-size=1 --v8-pool-size=1")', intOption('--workers'), 0)
    .option(
      '--heapGrowthPercent <n>',
      'How far the heap may grow past its live size before a full collection, like GOGC (0: V8 decides; node flags win)',
      intOption('--heapGrowthPercent'),
      DEFAULT_HEAP_GROWTH_PERCENT,
    )
    .option('-v, --v <level>', 'Log verbosity', intOption('-v'), 0)
    .action(async (o: Record<string, unknown>) => {
      const heapFlag = heapGrowthFlag(Number(o['heapGrowthPercent']), process.execArgv, process.env['NODE_OPTIONS']);
      if (heapFlag) setFlagsFromString(heapFlag);
      if (!o['standalone']) {
        await runInCluster(o);
        return;
      }
      const policyPaths = o['policy'] as string[];
      if (policyPaths.length === 0) throw new CliError('at least one --policy file or folder is required');
      if (!o['insecureHttp'] && o['tlsDir'] === undefined) throw new CliError('--tls-dir is required (or --insecure-http for local debugging)');
      const listen = parseListen(String(o['listen'] ?? '127.0.0.1:9443'));
      let keyAlgorithm;
      try {
        keyAlgorithm = parseKeyAlgorithm(String(o['tlsKeyAlgorithm']));
      } catch (err) {
        throw new CliError((err as Error).message);
      }
      const log = createLogger({ verbosity: Number(o['v'] ?? 0) });
      let handle;
      try {
        handle = await startStandalone({
          policyPaths,
          exceptionPaths: o['exception'] as string[],
          resourcePaths: o['resources'] as string[],
          configPath: o['config'] as string | undefined,
          host: listen.host,
          port: listen.port,
          tlsDir: o['insecureHttp'] ? undefined : (o['tlsDir'] as string),
          keyAlgorithm,
          renewBeforeMs: parseDurationMs(String(o['renewBefore'])),
          serviceName: String(o['serviceName']),
          kyvernoNamespace: String(o['kyvernoNamespace']),
          ...admissionServerOptions(o),
          workers: Number(o['workers']),
          verbosity: Number(o['v'] ?? 0),
          log,
        });
      } catch (err) {
        // invalid policies, found on this thread or by an evaluation worker (which passes the error's code)
        if (err instanceof PolicyLoadError || (err as { code?: unknown }).code === 'POLICY_LOAD') throw new CliError((err as Error).message);
        throw new CliError(`failed to start the server: ${(err as Error).message}`);
      }
      const h = handle;
      await untilSignal(log, () => h.stop(), () => h.reload());
    });
}

/** Waits for SIGTERM / SIGINT, then runs `stop`; SIGHUP meanwhile runs `onHup` (re-read files). */
export async function untilSignal(log: ReturnType<typeof createLogger>, stop: () => Promise<void>, onHup?: () => void): Promise<void> {
  const hup = (): void => onHup?.();
  if (onHup) process.on('SIGHUP', hup);
  try {
    await new Promise<void>((resolve) => {
      let stopping = false;
      const onSignal = (signal: string): void => {
        if (stopping) return;
        stopping = true;
        log.child('setup').info('signal received, shutting down', { signal });
        stop().then(resolve, (err) => {
          log.error(err, 'shutdown failed');
          resolve();
        });
      };
      process.once('SIGTERM', () => onSignal('SIGTERM'));
      process.once('SIGINT', () => onSignal('SIGINT'));
    });
  } finally {
    if (onHup) process.removeListener('SIGHUP', hup);
  }
}

async function runInCluster(o: Record<string, unknown>): Promise<void> {
  for (const flag of ['policy', 'exception', 'resources'] as const) {
    if ((o[flag] as string[]).length > 0) throw new CliError(`--${flag} is only for --standalone mode (in-cluster, it is read from the API)`);
  }
  if (o['config'] !== undefined) throw new CliError('--config is only for --standalone mode (in-cluster, the kyverno ConfigMap is read from the API)');
  if (o['tlsDir'] !== undefined || o['insecureHttp']) throw new CliError('--tls-dir and --insecure-http are only for --standalone mode (in-cluster, TLS material is kept in Secrets)');
  if (Number(o['workers']) > 0) throw new CliError('--workers is only available in --standalone mode');
  const listen = parseListen(String(o['listen'] ?? ':9443'));
  let keyAlgorithm;
  try {
    keyAlgorithm = parseKeyAlgorithm(String(o['tlsKeyAlgorithm']));
  } catch (err) {
    throw new CliError((err as Error).message);
  }
  const serverIP = o['serverIP'] as string | undefined;
  if (serverIP !== undefined && !/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/.test(serverIP)) throw new CliError(`invalid --serverIP ${JSON.stringify(serverIP)} (expected host or host:port)`);
  const log = createLogger({ verbosity: Number(o['v'] ?? 0) });
  let handle;
  try {
    handle = await serveInCluster({
      kubeconfig: o['kubeconfig'] as string | undefined,
      context: o['context'] as string | undefined,
      qps: Number(o['clientRateLimitQPS']),
      burst: Number(o['clientRateLimitBurst']),
      policyStatus: Boolean(o['policyStatus']),
      identity: process.env['POD_NAME'] ?? process.env['KYVERNO_POD_NAME'],
      configMapName: process.env['INIT_CONFIG'] || 'kyverno',
      backgroundServiceAccountName: (o['backgroundServiceAccountName'] as string | undefined) || undefined,
      serviceAccountName: process.env['KYVERNO_SERVICEACCOUNT_NAME'] || undefined,
      deploymentName: process.env['KYVERNO_DEPLOYMENT'] || undefined,
      leaderElection: Boolean(o['leaderElection']),
      leaderElectionRetryPeriodMs: parseDurationMs(String(o['leaderElectionRetryPeriod'])),
      host: listen.host,
      port: listen.port,
      serverIP,
      serviceName: String(o['serviceName']),
      kyvernoNamespace: String(o['kyvernoNamespace']),
      servicePort: Number(o['servicePort']),
      keyAlgorithm,
      renewBeforeMs: parseDurationMs(String(o['renewBefore'])),
      ...admissionServerOptions(o),
      cleanupWebhooksOnShutdown: Boolean(o['cleanupWebhooksOnShutdown']),
      log,
    });
  } catch (err) {
    throw new CliError(`failed to start the server: ${(err as Error).message}`);
  }
  log.child('setup').info('admission server started', { port: handle.port, serverIP: serverIP ?? '', namespace: String(o['kyvernoNamespace']) });
  const h = handle;
  await untilSignal(log, () => h.stop());
}
