/**
 * Standalone mode (`kyverno serve --standalone`): the admission server without a cluster. Policies and
 * exceptions come from files, cluster state (Namespaces, RoleBindings, ClusterRoleBindings) from
 * resource files, the `kyverno` ConfigMap from a file, discovery from the built-in API table (plus what
 * requests teach it), and the TLS material from a directory (generated there when missing or empty).
 *
 * `reload()` (SIGHUP) re-reads every file; a reload that fails keeps the previous state.
 */
import type { AddressInfo } from 'node:net';
import type { ExceptionOptions } from './admission/exceptions.ts';
import { MemoryReportSink, STANDALONE_REPORT_RECORDS } from './admission/reports.ts';
import type { Logger } from './logging.ts';
import { KyvernoMetrics } from './metrics.ts';
import { startMetricsListener } from './http/metrics-listener.ts';
import { AdmissionServer, SERVER_VERSION } from './server.ts';
import { StaticDiscovery } from './sources/discovery.ts';
import { StaticClusterState } from './sources/static-cluster.ts';
import { StaticConfigSource } from './sources/static-config.ts';
import { StaticPolicySource } from './sources/static-policies.ts';
import { trackPolicySource } from './admission/policy-info-metrics.ts';
import { logStartupNotes, startupNotes } from './sources/startup-notes.ts';
import type { PolicySource } from './sources/types.ts';
import { DirCertStore } from './tls/dir-store.ts';
import { WorkerPool } from './workers/pool.ts';
import type { KeyAlgorithm } from './tls/keypair.ts';
import { TlsProvider } from './tls/provider.ts';
import { CertRenewer, DEFAULT_RENEW_BEFORE_MS } from './tls/renewer.ts';

/** The server thread's policy source when workers evaluate (it serves no review itself). */
const NO_POLICIES: PolicySource = { current: () => ({ policies: [], exceptions: [] }), onChange: () => undefined };

export interface StandaloneOptions {
  policyPaths: readonly string[];
  exceptionPaths?: readonly string[];
  resourcePaths?: readonly string[];
  configPath?: string;
  host: string;
  port: number;
  /** TLS directory; undefined serves plain HTTP (local debugging only) */
  tlsDir?: string;
  keyAlgorithm?: KeyAlgorithm;
  renewBeforeMs?: number;
  /** serving certificate CN and DNS names (`<svc>`, `<svc>.<ns>`, `<svc>.<ns>.svc`, `localhost`) */
  serviceName?: string;
  kyvernoNamespace?: string;
  exceptions?: ExceptionOptions;
  protectManagedResources?: boolean;
  dumpPayload?: boolean;
  admissionReports?: boolean;
  forceFailurePolicyIgnore?: boolean;
  webhookTimeoutSeconds?: number;
  maxRequestBytes?: number;
  auditWorkers?: number;
  auditCapacity?: number;
  /** a plain-HTTP listener serving only `/metrics` (Kyverno's `:8000`) */
  metricsListen?: { host: string; port: number };
  /** evaluation worker threads (0: evaluate on the server thread) */
  workers?: number;
  /** log verbosity (workers create their own loggers) */
  verbosity?: number;
  log: Logger;
}

export interface StandaloneHandle {
  server: AdmissionServer;
  address: AddressInfo;
  metricsAddress: AddressInfo | undefined;
  /** the policies (undefined with worker threads: each worker loads its own) */
  policies: StaticPolicySource | undefined;
  reports: MemoryReportSink;
  tls: TlsProvider | undefined;
  reload(): void;
  stop(): Promise<void>;
}

/** Serving-certificate DNS names: the service forms Kyverno uses, and `localhost`. */
export function servingDnsNames(service: string, namespace: string): string[] {
  return [service, `${service}.${namespace}`, `${service}.${namespace}.svc`, 'localhost'];
}

export async function startStandalone(opts: StandaloneOptions): Promise<StandaloneHandle> {
  const log = opts.log;
  const discovery = new StaticDiscovery();
  const cluster = new StaticClusterState(opts.resourcePaths ?? []);
  const config = new StaticConfigSource(opts.configPath);
  for (const p of config.current().problems) log.child('config').error(p, 'invalid configuration value');
  const metrics = new KyvernoMetrics({ version: SERVER_VERSION });
  const reports = new MemoryReportSink(STANDALONE_REPORT_RECORDS);
  // With worker threads the policies are loaded (and their metrics kept) by the workers only: loading them
  // on the server thread as well cost it ~25 MB of memory for nothing it serves.
  let policies: StaticPolicySource | undefined;
  let pool: WorkerPool | undefined;
  if ((opts.workers ?? 0) > 0) {
    pool = await WorkerPool.start(
      opts.workers as number,
      {
        policyPaths: opts.policyPaths,
        exceptionPaths: opts.exceptionPaths ?? [],
        resourcePaths: opts.resourcePaths ?? [],
        configPath: opts.configPath,
        kyvernoNamespace: opts.kyvernoNamespace,
        protectManagedResources: opts.protectManagedResources,
        dumpPayload: opts.dumpPayload,
        exceptions: opts.exceptions,
        admissionReports: opts.admissionReports,
        forceFailurePolicyIgnore: opts.forceFailurePolicyIgnore,
        webhookTimeoutSeconds: opts.webhookTimeoutSeconds,
        auditWorkers: opts.auditWorkers,
        auditCapacity: opts.auditCapacity,
        verbosity: opts.verbosity ?? 0,
      },
      metrics,
      log,
    );
    logStartupNotes(log, pool.startupNotes);
  } else {
    policies = new StaticPolicySource({
      policyPaths: opts.policyPaths,
      exceptionPaths: opts.exceptionPaths,
      clusterResources: discovery.clusterScopedKinds(),
    });
    logStartupNotes(log, startupNotes(policies.warnings, policies.current(), cluster, opts.exceptions));
    // policy metrics as the admission controller's informers would give them
    trackPolicySource(metrics, policies);
  }
  const server = new AdmissionServer({
    pool,
    policies: policies ?? NO_POLICIES,
    namespaces: cluster,
    roleBindings: cluster,
    config,
    discovery,
    reports,
    log,
    metrics,
    kyvernoNamespace: opts.kyvernoNamespace,
    protectManagedResources: opts.protectManagedResources,
    dumpPayload: opts.dumpPayload,
    exceptions: opts.exceptions,
    admissionReports: opts.admissionReports,
    forceFailurePolicyIgnore: opts.forceFailurePolicyIgnore,
    webhookTimeoutSeconds: opts.webhookTimeoutSeconds,
    maxRequestBytes: opts.maxRequestBytes,
    auditWorkers: opts.auditWorkers,
    auditCapacity: opts.auditCapacity,
  });
  let tls: TlsProvider | undefined;
  if (opts.tlsDir !== undefined) {
    const store = new DirCertStore(opts.tlsDir);
    const renewer = new CertRenewer({
      store,
      alg: opts.keyAlgorithm ?? 'RSA',
      commonName: opts.serviceName ?? 'kyverno-svc',
      dnsNames: servingDnsNames(opts.serviceName ?? 'kyverno-svc', opts.kyvernoNamespace ?? 'kyverno'),
      server: opts.host,
      renewBeforeMs: opts.renewBeforeMs ?? DEFAULT_RENEW_BEFORE_MS,
    });
    tls = new TlsProvider(store, renewer, log.child('tls'));
    await tls.init();
    tls.start();
  }
  const address = await server.listen({ host: opts.host, port: opts.port, tls });
  const metricsListener = opts.metricsListen ? await startMetricsListener(() => server.renderMetrics(), opts.metricsListen) : undefined;
  const metricsAddress = metricsListener?.address;
  return {
    server,
    address,
    metricsAddress,
    policies,
    reports,
    tls,
    reload() {
      // with workers, each re-reads the files (the first one logs as below)
      if (pool) {
        pool.reload();
        return;
      }
      const l = log.child('reload');
      const own = policies as StaticPolicySource;
      try {
        own.reload();
        l.info('policies reloaded', { policies: own.current().policies.length, exceptions: own.current().exceptions.length });
      } catch (err) {
        l.error(err, 'policy reload failed; keeping the previous policies');
      }
      try {
        config.reload();
        cluster.reload();
      } catch (err) {
        l.error(err, 'configuration reload failed; keeping the previous configuration');
      }
    },
    async stop() {
      tls?.stop();
      await server.shutdown();
      await metricsListener?.close();
    },
  };
}
