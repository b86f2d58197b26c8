/**
 * In-cluster mode of the admission server (`kyverno serve` without `--standalone`; Kyverno's admission
 * controller, cmd/kyverno/main.go): the admission server over cluster-backed sources, plus
 *
 * - TLS: a self-signed CA and a serving pair in the Secrets `<svc>.<ns>.svc.kyverno-tls-{ca,pair}` of
 *   Kyverno's namespace (tls/secret-store.ts), generated when missing and renewed (`--renewBefore`);
 *   the serving certificate carries `--serverIP` as a SAN when the server runs out of the cluster;
 * - discovery from the API server, refreshed periodically (CRDs that appear become matchable);
 * - the webhook controller (webhooks/controller.ts) keeping Kyverno's webhook configurations in step
 *   with the policies, the `kyverno` ConfigMap and the CA bundle, pointing at the Service
 *   (`--serviceName` / `--servicePort`) or, out of the cluster, at `https://<serverIP>/<path>`.
 *
 * The sources (policies, namespaces, role bindings, ConfigMap, report and background sinks) are given by
 * the caller (the CLI builds them from the controllers' informers), which keeps this layer independent
 * of the controllers.
 */
import type { AddressInfo } from 'node:net';
import type { JsonObject } from '../engine/api/json.ts';
import type { KyvernoPolicy } from '../engine/api/policy.ts';
import type { EngineResponse } from '../engine/api/response.ts';
import { subjectAccessReview } from '../k8s/client/access-review.ts';
import type { ApiResource, KubeApi } from '../k8s/client/types.ts';
import type { BackgroundSink } from './admission/resource-handlers.ts';
import type { ExceptionOptions } from './admission/exceptions.ts';
import type { ReportSink } from './admission/reports.ts';
import type { Logger } from './logging.ts';
import { KyvernoMetrics } from './metrics.ts';
import { DEFAULT_METRICS_CONFIGMAP } from './metrics-config.ts';
import { MetricsConfigSource } from './sources/metrics-config-source.ts';
import { startMetricsListener } from './http/metrics-listener.ts';
import { AdmissionServer, SERVER_VERSION } from './server.ts';
import { StaticDiscovery } from './sources/discovery.ts';
import { observePolicyRuleInfo, recordPolicyChange, type PolicyChangeEvent } from './admission/policy-info-metrics.ts';
import type { ConfigSource, NamespaceLabelsSource, PolicySource, RoleBindingSource } from './sources/types.ts';
import { servingDnsNames } from './standalone.ts';
import type { KeyAlgorithm } from './tls/keypair.ts';
import { TlsProvider } from './tls/provider.ts';
import { CertRenewer, DEFAULT_RENEW_BEFORE_MS } from './tls/renewer.ts';
import { SecretCertStore } from './tls/secret-store.ts';
import { WebhookController } from './webhooks/controller.ts';

export interface InClusterOptions {
  api: KubeApi;
  /** a fresh discovery read (RestKubeApi: `invalidateDiscovery()`, then `(await api.discovery()).all`); default `api.resources()` */
  refreshResources?: () => Promise<readonly ApiResource[]>;
  /** ready policies and the exception candidates (what the server evaluates) */
  policies: PolicySource;
  /** every ClusterPolicy and Policy (what the webhooks register) */
  allPolicies: () => readonly KyvernoPolicy[];
  /** registers a callback run when any policy changes */
  onPoliciesChange: (cb: () => void) => void;
  /** registers a callback given every ClusterPolicy/Policy informer event, from the first (policy change metrics) */
  onPolicyChanges?: (cb: (c: PolicyChangeEvent) => void) => void;
  /** every ValidatingPolicy, MutatingPolicy and namespaced kind (what the CEL webhooks register) */
  celPolicies?: () => readonly JsonObject[];
  /** called when the set of CEL policies registered in the webhooks changes (`Kind/[ns/]name`) */
  onCelRegistered?: (keys: ReadonlySet<string>) => void;
  namespaces: NamespaceLabelsSource;
  roleBindings?: RoleBindingSource;
  config: ConfigSource;
  reports?: ReportSink;
  background?: BackgroundSink;
  /** the policy responses of a blocked request (events) */
  onBlocked?: (responses: readonly EngineResponse[]) => void;
  host: string;
  port: number;
  /** `--serverIP`: out of cluster, the address the API server calls (`host[:port]`) */
  serverIP?: string;
  serviceName: string;
  kyvernoNamespace: string;
  /** `--servicePort` (default 443) */
  servicePort?: number;
  keyAlgorithm?: KeyAlgorithm;
  renewBeforeMs?: number;
  exceptions?: ExceptionOptions;
  protectManagedResources?: boolean;
  dumpPayload?: boolean;
  admissionReports?: boolean;
  forceFailurePolicyIgnore?: boolean;
  webhookTimeoutSeconds?: number;
  maxRequestBytes?: number;
  auditWorkers?: number;
  auditCapacity?: number;
  metricsListen?: { host: string; port: number };
  /**
   * the `kyverno-metrics` ConfigMap in `kyvernoNamespace` (Kyverno: env METRICS_CONFIG; default
   * `kyverno-metrics`): namespaces counted, label dimensions and metrics exposed (followed live),
   * histogram boundaries (read at start, as Kyverno builds its instruments once)
   */
  metricsConfigMapName?: string;
  /** how long the metrics ConfigMap is awaited at start before the defaults are used (default 10 s) */
  metricsConfigSyncTimeoutMs?: number;
  /** delete the webhook configurations on shutdown (Kyverno does when its Deployment goes away) */
  cleanupWebhooksOnShutdown?: boolean;
  /**
   * the server's Deployment (Kyverno: env KYVERNO_DEPLOYMENT): in the cluster (no `serverIP`), a shutdown
   * while it is deleted, gone or scaled to 0 removes the webhook configurations, so that an uninstall
   * cannot leave Fail webhooks without a server behind (Kyverno's `IsGoingDown`)
   */
  deploymentName?: string;
  /**
   * `--backgroundServiceAccountName`: the background controller's user (default
   * `system:serviceaccount:<kyvernoNamespace>:kyverno-background-controller`). Policy validation refuses a
   * generate rule this user could not carry out (SubjectAccessReviews).
   */
  backgroundServiceAccountName?: string;
  /**
   * The server's own ServiceAccount name (Kyverno: env KYVERNO_SERVICEACCOUNT_NAME), in
   * `kyvernoNamespace`: synchronized generate rules also need it to list and get the generated kind.
   * Default `kyverno-admission-controller`, the name both Kyverno's chart and ours give it (Kyverno's own
   * fallback, `kyverno`, names no account of either chart).
   */
  serviceAccountName?: string;
  /** discovery refresh period (default 30 s) and webhook resync period (default 60 s) */
  discoveryRefreshMs?: number;
  webhookResyncMs?: number;
  /** called when the set of policies registered in the webhooks changes */
  onRegistered?: (keys: ReadonlySet<string>) => void;
  /** the caller starts the webhook controller (`handle.webhooks.start()`), e.g. while leading */
  deferWebhookController?: boolean;
  log: Logger;
}

export interface InClusterHandle {
  server: AdmissionServer;
  address: AddressInfo;
  metricsAddress: AddressInfo | undefined;
  webhooks: WebhookController;
  tls: TlsProvider;
  discovery: StaticDiscovery;
  /** the CA bundle injected into the webhook configurations */
  caBundle(): Promise<string>;
  stop(): Promise<void>;
}

async function retry<T>(what: string, f: () => Promise<T>, log: Logger, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await f();
    } catch (err) {
      if (i >= attempts) throw err;
      log.info(`${what} failed, retrying`, { attempt: i, error: (err as Error).message });
      await new Promise((r) => setTimeout(r, 200 * 2 ** i));
    }
  }
}

export async function startInCluster(opts: InClusterOptions): Promise<InClusterHandle> {
  const log = opts.log;
  const discovery = new StaticDiscovery();
  const refresh = opts.refreshResources ?? (() => opts.api.resources());
  discovery.replace(await refresh());

  const store = new SecretCertStore(opts.api, opts.kyvernoNamespace, opts.serviceName);
  const renewer = new CertRenewer({
    store,
    alg: opts.keyAlgorithm ?? 'RSA',
    commonName: opts.serviceName,
    dnsNames: servingDnsNames(opts.serviceName, opts.kyvernoNamespace),
    server: opts.serverIP,
    renewBeforeMs: opts.renewBeforeMs ?? DEFAULT_RENEW_BEFORE_MS,
  });
  const tls = new TlsProvider(store, renewer, log.child('tls'));
  // replicas starting together may race to create the Secrets: the loser reads the winner's
  await retry('certificate setup', () => tls.init(), log.child('tls'));
  tls.start();

  /** Re-reads discovery; an unchanged result triggers nothing. */
  const rereadDiscovery = async (): Promise<void> => {
    if (discovery.replace(await refresh())) log.child('discovery').v(2).info('API resources changed');
  };
  const metricsConfig = new MetricsConfigSource(opts.api, opts.kyvernoNamespace, opts.metricsConfigMapName ?? (process.env['METRICS_CONFIG'] || DEFAULT_METRICS_CONFIGMAP), log.child('metrics'));
  metricsConfig.start();
  if (!(await metricsConfig.syncedWithin(opts.metricsConfigSyncTimeoutMs ?? 10_000))) {
    log.child('metrics').info('the metrics ConfigMap could not be listed in time: using the default metrics configuration until it can');
  }
  const initialMetricsConfig = metricsConfig.current();
  const metrics = new KyvernoMetrics({
    version: SERVER_VERSION,
    buckets: initialMetricsConfig.bucketBoundaries,
    bucketsFor: (name) => initialMetricsConfig.metricsExposure.get(name)?.bucketBoundaries,
    namespaces: initialMetricsConfig.namespaces,
    exposure: initialMetricsConfig.metricsExposure,
  });
  metrics.addCollector(() => observePolicyRuleInfo(metrics, opts.allPolicies()));
  opts.onPolicyChanges?.((c) => recordPolicyChange(metrics, c));
  metricsConfig.onChange((c) => {
    metrics.namespaces = c.namespaces;
    metrics.exposure = c.metricsExposure;
  });
  const server = new AdmissionServer({
    // policy validation re-reads discovery before refusing a policy for a kind it does not know yet
    refreshDiscovery: rereadDiscovery,
    generatePermissions: {
      review: subjectAccessReview(opts.api),
      backgroundUser: opts.backgroundServiceAccountName ?? `system:serviceaccount:${opts.kyvernoNamespace}:kyverno-background-controller`,
      admissionUser: `system:serviceaccount:${opts.kyvernoNamespace}:${opts.serviceAccountName ?? 'kyverno-admission-controller'}`,
    },
    policies: opts.policies,
    namespaces: opts.namespaces,
    roleBindings: opts.roleBindings,
    config: opts.config,
    discovery,
    reports: opts.reports,
    background: opts.background,
    onBlocked: opts.onBlocked,
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
  const address = await server.listen({ host: opts.host, port: opts.port, tls });

  // discovery is refreshed periodically, and soon after a policy names a kind it does not know yet
  // (Kyverno refreshes on CRD changes); an unchanged result triggers nothing, so this cannot loop
  let refreshTimer: NodeJS.Timeout | undefined;
  const refreshDiscovery = (): void => {
    rereadDiscovery().catch((err: unknown) => log.child('discovery').error(err, 'failed to refresh discovery'));
  };
  const refreshSoon = (): void => {
    if (refreshTimer) return;
    refreshTimer = setTimeout(() => {
      refreshTimer = undefined;
      refreshDiscovery();
    }, 1000);
    refreshTimer.unref();
  };
  const webhooks = new WebhookController({
    api: opts.api,
    policies: opts.allPolicies,
    config: () => opts.config.current(),
    discovery,
    caBundle: () => renewer.caBundle(),
    target: { server: opts.serverIP, serviceName: opts.serviceName, namespace: opts.kyvernoNamespace, servicePort: opts.servicePort ?? 443 },
    defaultTimeoutSeconds: opts.webhookTimeoutSeconds ?? 10,
    admissionReports: opts.admissionReports ?? true,
    resyncMs: opts.webhookResyncMs,
    log,
    onRegistered: opts.onRegistered,
    ...(opts.celPolicies ? { celPolicies: opts.celPolicies } : {}),
    forceFailurePolicyIgnore: opts.forceFailurePolicyIgnore ?? false,
    onCelRegistered: opts.onCelRegistered,
    onUnknownKind: refreshSoon,
  });
  opts.onPoliciesChange(() => webhooks.trigger());
  opts.config.onChange(() => webhooks.trigger());
  discovery.onChanged(() => webhooks.trigger());
  tls.onChange(() => webhooks.trigger());
  if (!opts.deferWebhookController) webhooks.start();

  const discoveryTimer = setInterval(refreshDiscovery, opts.discoveryRefreshMs ?? 30_000);
  discoveryTimer.unref();

  const metricsListener = opts.metricsListen ? await startMetricsListener(() => server.renderMetrics(), opts.metricsListen) : undefined;
  const metricsAddress = metricsListener?.address;

  return {
    server,
    address,
    metricsAddress,
    webhooks,
    tls,
    discovery,
    caBundle: () => renewer.caBundle(),
    async stop() {
      metricsConfig.stop();
      clearInterval(discoveryTimer);
      if (refreshTimer) clearTimeout(refreshTimer);
      tls.stop();
      await webhooks.stop();
      if (opts.cleanupWebhooksOnShutdown || (await goingDown(opts))) {
        log.info('removing the webhook configurations', { reason: opts.cleanupWebhooksOnShutdown ? 'cleanupWebhooksOnShutdown' : 'the Deployment is going down' });
        await webhooks.cleanup().catch((err: unknown) => log.error(err, 'failed to delete the webhook configurations'));
      }
      await server.shutdown();
      await metricsListener?.close();
    },
  };
}

const DEPLOYMENTS: ApiResource = { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', namespaced: true, verbs: [], subresources: [] };

/** Kyverno's `IsGoingDown`: in the cluster, the server's Deployment is deleted, being deleted or scaled to 0. */
export async function goingDown(opts: Pick<InClusterOptions, 'api' | 'serverIP' | 'deploymentName' | 'kyvernoNamespace' | 'log'>): Promise<boolean> {
  if ((opts.serverIP ?? '') !== '' || !opts.deploymentName) return false;
  try {
    const d = await opts.api.get(DEPLOYMENTS, opts.kyvernoNamespace, opts.deploymentName);
    if (!d) return true;
    const meta = (d['metadata'] ?? {}) as { deletionTimestamp?: string };
    if (meta.deletionTimestamp) return true;
    const replicas = ((d['spec'] ?? {}) as { replicas?: number }).replicas;
    return replicas === 0;
  } catch (err) {
    opts.log.error(err, 'failed to read the Deployment at shutdown');
    return false;
  }
}
