/**
 * The admission server (pkg/webhooks/server.go): Kyverno's paths wired to the admission handlers through
 * Kyverno's decorator chains, served over HTTPS (or plain HTTP for in-process use), with probes, metrics
 * and a graceful shutdown.
 *
 * | path                                                    | chain (outermost first)                                  |
 * |---------------------------------------------------------|----------------------------------------------------------|
 * | POST /validate[/fail|/ignore][/finegrained/<[ns/]name>] | top-level GVK, metrics, roles, dump, protect, filter     |
 * | POST /mutate[...]                                       | top-level GVK, metrics, operation (CREATE/UPDATE/CONNECT), roles, dump, protect, filter |
 * | POST /policyvalidate, /exceptionvalidate                | metrics, subresource filter, dump                        |
 * | POST /policymutate                                      | metrics, dump                                            |
 * | POST /celexception/validate, /globalcontextvalidate     | metrics, subresource filter, dump (schema check only)    |
 * | POST /verifymutate                                      | -                                                        |
 * | GET /health/liveness, /health/readiness, /metrics       |                                                          |
 *
 * Shutdown: readiness turns false, the listener stops accepting, idle keep-alive connections close,
 * in-flight reviews finish (bounded by `shutdownTimeoutMs`), then queued Audit work drains.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { KyvernoPolicy, PolicyException } from '../engine/api/policy.ts';
import type { Clock } from '../engine/api/request.ts';
import { Engine } from '../engine/engine.ts';
import { withAdmissionMetrics, type WebhookType } from './admission/admission-metrics.ts';
import { AuditPool } from './admission/audit-pool.ts';
import { withDump } from './admission/dump.ts';
import { validateExceptionRequest } from './admission/exception-validation.ts';
import { selectExceptions, type ExceptionOptions } from './admission/exceptions.ts';
import { withFilter, withOperationFilter, withSubResourceFilter } from './admission/filter.ts';
import { admissionEnabled, customWebhookMatchConditions, PolicyCache, policyCacheKey } from './admission/policy-cache.ts';
import { mutatePolicyRequest, schemaCheck, validatePolicyRequest } from './admission/policy-validation.ts';
import { withProtection } from './admission/protect.ts';
import { MemoryReportSink, type ReportSink } from './admission/reports.ts';
import { mutateResource, validateResource, type BackgroundSink, type PathFailurePolicy, type ResourceHandlerDeps } from './admission/resource-handlers.ts';
import { RoleResolver, withRoles } from './admission/roles.ts';
import { withTopLevelGvk } from './admission/top-level-gvk.ts';
import { admissionResponse, responseSuccess, type AdmissionHandler } from './admission/types.ts';
import { verifyHandler } from './admission/verify.ts';
import type { KyvernoConfiguration } from './config.ts';
import { admissionEndpoint } from './http/admission-endpoint.ts';
import { Router } from './http/router.ts';
import type { Logger } from './logging.ts';
import { KyvernoMetrics, PROMETHEUS_CONTENT_TYPE } from './metrics.ts';
import type { Discovery } from './sources/discovery.ts';
import { StaticDiscovery } from './sources/discovery.ts';
import type { ConfigSource, NamespaceLabelsSource, PolicySnapshot, PolicySource, RoleBindingSource } from './sources/types.ts';
import type { ServingPair, TlsProvider } from './tls/provider.ts';

/** The package version reported in `kyverno_info`. */
export const SERVER_VERSION = '0.1.0';

/** Kyverno's TLS 1.2 suites (ECDHE with AEAD) plus the TLS 1.3 defaults. */
export const TLS_CIPHERS = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

export interface AdmissionServerOptions {
  policies: PolicySource;
  namespaces: NamespaceLabelsSource;
  roleBindings?: RoleBindingSource;
  config: ConfigSource;
  discovery?: Discovery;
  reports?: ReportSink;
  background?: BackgroundSink;
  log: Logger;
  metrics?: KyvernoMetrics;
  clock?: Clock;
  /** Kyverno's namespace (protection, verify webhook); default `kyverno` */
  kyvernoNamespace?: string;
  /** `--protectManagedResources` (default false) */
  protectManagedResources?: boolean;
  /** `--dumpPayload` (default false) */
  dumpPayload?: boolean;
  /** `--enablePolicyException` / `--exceptionNamespace` (default disabled) */
  exceptions?: ExceptionOptions;
  /** `--admissionReports` (default true) */
  admissionReports?: boolean;
  /** `--forceFailurePolicyIgnore` (default false) */
  forceFailurePolicyIgnore?: boolean;
  /** `--webhookTimeout` in seconds (default 10): reviews get a verdict within 80% of it */
  webhookTimeoutSeconds?: number;
  /** largest accepted request body (default 8 MiB) */
  maxRequestBytes?: number;
  /** time allowed to receive a request (default 30 s, Kyverno's ReadTimeout) */
  requestTimeoutMs?: number;
  /** `--maxAuditWorkers` (default 8), `--maxAuditCapacity` (default 1000) */
  auditWorkers?: number;
  auditCapacity?: number;
  /** graceful shutdown bound (default 30 s, as Kyverno's Stop) */
  shutdownTimeoutMs?: number;
}

const systemClock: Clock = { now: () => new Date() };

export const DEFAULT_MAX_REQUEST_BYTES = 8 * 1024 * 1024;

export class AdmissionServer {
  readonly router = new Router();
  readonly metrics: KyvernoMetrics;
  readonly policyCache: PolicyCache;
  readonly audit: AuditPool;
  readonly reports: ReportSink;
  readonly discovery: Discovery;
  private engineInstance: Engine;
  private exceptionCandidates: PolicyException[] = [];
  private readonly log: Logger;
  private server: HttpServer | HttpsServer | undefined;
  private readonly sockets = new Set<Socket>();
  private inFlight = 0;
  private readonly idleWaiters: Array<() => void> = [];
  private ready = false;
  private stopping = false;

  constructor(private readonly opts: AdmissionServerOptions) {
    this.log = opts.log.child('webhooks');
    this.metrics = opts.metrics ?? new KyvernoMetrics({ version: SERVER_VERSION });
    this.discovery = opts.discovery ?? new StaticDiscovery();
    this.policyCache = new PolicyCache(this.discovery);
    this.reports = opts.reports ?? new MemoryReportSink();
    this.audit = new AuditPool({
      workers: opts.auditWorkers ?? 8,
      capacity: opts.auditCapacity ?? 1000,
      onError: (err) => this.log.child('audit').error(err, 'audit evaluation failed'),
    });
    this.engineInstance = this.buildEngine(opts.config.current());
    opts.config.onChange((c) => {
      this.engineInstance = this.buildEngine(c);
      for (const p of c.problems) this.log.error(p, 'invalid configuration value');
    });
    this.applySnapshot(opts.policies.current());
    opts.policies.onChange((s) => this.applySnapshot(s));
    this.registerRoutes();
  }

  private buildEngine(c: KyvernoConfiguration): Engine {
    return new Engine({
      clock: this.opts.clock ?? systemClock,
      config: {
        imageConfig: { defaultRegistry: c.defaultRegistry, enableDefaultRegistryMutation: c.enableDefaultRegistryMutation },
        maxContextSize: c.maxContextSize,
        requestFilters: c.requestFilters,
      },
    });
  }

  /**
   * The policy cache controller: the cache holds admission-enabled policies without custom webhook match
   * conditions (those have their own fine-grained webhook); fine-grained paths look policies up by key
   * among all of them (the policy listers).
   */
  private applySnapshot(s: PolicySnapshot): void {
    this.policyCache.replaceAll(s.policies.filter((p) => admissionEnabled(p) && !customWebhookMatchConditions(p)));
    this.policiesByKey = new Map(s.policies.map((p) => [policyCacheKey(p), p]));
    this.exceptionCandidates = selectExceptions(s.exceptions, this.opts.exceptions ?? { enabled: false, namespace: '' });
    for (const [key, errs] of this.policyCache.indexErrors) for (const e of errs) this.log.child('policycache').info(e, { policy: key });
  }

  private policiesByKey = new Map<string, KyvernoPolicy>();

  /** The engine built from the current configuration. */
  get engine(): Engine {
    return this.engineInstance;
  }

  private resourceDeps(): ResourceHandlerDeps {
    return {
      engine: () => this.engineInstance,
      policies: this.policyCache,
      policyByKey: (key) => this.policiesByKey.get(key),
      namespaces: this.opts.namespaces,
      exceptions: () => this.exceptionCandidates,
      metrics: this.metrics,
      audit: this.audit,
      reports: this.reports,
      background: this.opts.background ?? { submit: () => {} },
      admissionReports: this.opts.admissionReports ?? true,
      forceFailurePolicyIgnore: this.opts.forceFailurePolicyIgnore ?? false,
    };
  }

  private endpointOptions(log: Logger, failurePolicy: PathFailurePolicy, webhook: WebhookType | undefined) {
    const timeout = (this.opts.webhookTimeoutSeconds ?? 10) * 1000;
    return {
      maxRequestBytes: this.opts.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES,
      bodyTimeoutMs: this.opts.requestTimeoutMs ?? 30_000,
      deadlineMs: timeout * 0.8,
      failurePolicy,
      log,
      onRequest: (req: IncomingMessage, res: ServerResponse, start: number) => {
        const labels = [req.method ?? '', req.url ?? '', webhook ?? ''];
        this.metrics.httpRequests.inc(labels);
        res.once('finish', () => this.metrics.httpRequestsDuration.observe(labels, (performance.now() - start) / 1000));
      },
    };
  }

  private registerRoutes(): void {
    const deps = this.resourceDeps();
    const config = (): KyvernoConfiguration => this.opts.config.current();
    const roles = new RoleResolver(this.opts.roleBindings);
    const kyvernoNs = this.opts.kyvernoNamespace ?? 'kyverno';
    const resourceLog = this.log.child('resource');
    const resourceChain = (handler: AdmissionHandler, mutation: boolean): AdmissionHandler => {
      let h = withFilter(handler, config);
      if (this.opts.protectManagedResources) h = withProtection(h, kyvernoNs);
      if (this.opts.dumpPayload) h = withDump(h);
      h = withRoles(h, roles);
      if (mutation) h = withOperationFilter(h, 'CREATE', 'UPDATE', 'CONNECT');
      h = withAdmissionMetrics(h, this.metrics, mutation ? 'MutatingWebhookConfiguration' : 'ValidatingWebhookConfiguration');
      return withTopLevelGvk(h, this.discovery);
    };
    for (const [base, mutation] of [
      ['/validate', false],
      ['/mutate', true],
    ] as const) {
      const log = resourceLog.child(mutation ? 'mutate' : 'validate');
      for (const fp of ['all', 'fail', 'ignore'] as const) {
        const handler: AdmissionHandler = mutation ? (a) => mutateResource(deps, a, fp) : (a) => validateResource(deps, a, fp);
        const endpoint = admissionEndpoint(resourceChain(handler, mutation), this.endpointOptions(log, fp, mutation ? 'MutatingWebhookConfiguration' : 'ValidatingWebhookConfiguration'));
        if (fp === 'all') {
          this.router.add('POST', base, endpoint);
        } else {
          this.router.add('POST', `${base}/${fp}`, endpoint);
          this.router.addCatchAll('POST', `${base}/${fp}/finegrained/`, endpoint);
        }
      }
    }
    const policyLog = this.log.child('policy');
    const findResources = (g: string, v: string, k: string, s: string) => this.discovery.findResources(g, v, k, s);
    const clusterResources = () => (this.discovery instanceof StaticDiscovery ? this.discovery.clusterScopedKinds() : new Set<string>());
    const policyChain = (h: AdmissionHandler, webhook: WebhookType, subresourceFilter: boolean): AdmissionHandler => {
      let c = this.opts.dumpPayload ? withDump(h) : h;
      if (subresourceFilter) c = withSubResourceFilter(c);
      return withAdmissionMetrics(c, this.metrics, webhook);
    };
    this.router.add(
      'POST',
      '/policyvalidate',
      admissionEndpoint(
        policyChain((a) => validatePolicyRequest({ findResources, clusterResources }, a), 'ValidatingWebhookConfiguration', true),
        this.endpointOptions(policyLog.child('validate'), 'fail', 'ValidatingWebhookConfiguration'),
      ),
    );
    this.router.add(
      'POST',
      '/policymutate',
      admissionEndpoint(policyChain(mutatePolicyRequest, 'MutatingWebhookConfiguration', false), this.endpointOptions(policyLog.child('mutate'), 'fail', 'MutatingWebhookConfiguration')),
    );
    const exceptionOpts = this.opts.exceptions ?? { enabled: false, namespace: '' };
    this.router.add(
      'POST',
      '/exceptionvalidate',
      admissionEndpoint(
        policyChain((a) => validateExceptionRequest(exceptionOpts, a), 'ValidatingWebhookConfiguration', true),
        this.endpointOptions(this.log.child('exception').child('validate'), 'fail', 'ValidatingWebhookConfiguration'),
      ),
    );
    const schemaOnly = (what: string): AdmissionHandler => (a) => {
      const r = schemaCheck(a.request.object, a.request.kind, `v1.${a.request.kind.kind}`);
      if (!r.ok) return admissionResponse(a.request.uid, r.message);
      return responseSuccess(a.request.uid, [`${what} semantic validation is not performed by this server; only its schema was checked`]);
    };
    this.router.add(
      'POST',
      '/celexception/validate',
      admissionEndpoint(
        policyChain(schemaOnly('CEL PolicyException'), 'ValidatingWebhookConfiguration', true),
        this.endpointOptions(this.log.child('cel-exception').child('validate'), 'fail', 'ValidatingWebhookConfiguration'),
      ),
    );
    this.router.add(
      'POST',
      '/globalcontextvalidate',
      admissionEndpoint(
        policyChain(schemaOnly('GlobalContextEntry'), 'ValidatingWebhookConfiguration', true),
        this.endpointOptions(this.log.child('globalcontext').child('validate'), 'fail', 'ValidatingWebhookConfiguration'),
      ),
    );
    this.router.add(
      'POST',
      '/verifymutate',
      admissionEndpoint(verifyHandler(kyvernoNs, () => (this.opts.clock ?? systemClock).now()), this.endpointOptions(this.log.child('verify').child('mutate'), 'ignore', undefined)),
    );
    const probe = (check: () => boolean) => (_req: IncomingMessage, res: ServerResponse) => {
      res.writeHead(check() ? 200 : 500, { 'Content-Length': '0' });
      res.end();
    };
    this.router.add('GET', '/health/liveness', probe(() => !this.stopping || this.inFlight > 0));
    this.router.add('GET', '/health/readiness', probe(() => this.ready && !this.stopping));
    this.router.add('GET', '/metrics', (_req, res) => {
      const body = this.metrics.registry.render();
      res.writeHead(200, { 'Content-Type': PROMETHEUS_CONTENT_TYPE, 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    });
  }

  /** The request listener (usable with any node:http(s) server). */
  readonly requestListener = (req: IncomingMessage, res: ServerResponse): void => {
    this.inFlight++;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      this.inFlight--;
      if (this.inFlight === 0) for (const w of this.idleWaiters.splice(0)) w();
    };
    res.once('finish', finish);
    res.once('close', finish);
    if (this.stopping) res.setHeader('Connection', 'close');
    this.router.handle(req, res);
  };

  /** Whether the server is serving and ready. */
  isReady(): boolean {
    return this.ready && !this.stopping;
  }

  /** Starts listening (HTTPS when `tls` is given). */
  async listen(opts: { host: string; port: number; tls?: TlsProvider }): Promise<AddressInfo> {
    const common = {
      requestTimeout: this.opts.requestTimeoutMs ?? 30_000,
      headersTimeout: Math.min(this.opts.requestTimeoutMs ?? 30_000, 30_000),
      keepAliveTimeout: 5 * 60_000,
      connectionsCheckingInterval: 1000,
    };
    let server: HttpServer | HttpsServer;
    if (opts.tls) {
      const pair = opts.tls.current();
      const secure = (p: ServingPair) => ({ key: p.key, cert: p.cert, minVersion: 'TLSv1.2' as const, ciphers: TLS_CIPHERS, honorCipherOrder: true });
      const https = createHttpsServer({ ...common, ...secure(pair) }, this.requestListener);
      opts.tls.onChange((p) => https.setSecureContext(secure(p)));
      server = https;
    } else {
      server = createHttpServer(common, this.requestListener);
    }
    server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.once('close', () => this.sockets.delete(s));
    });
    server.on('clientError', (err: Error & { code?: string }, socket: Socket) => {
      if (err.code !== 'ECONNRESET' && socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
    server.on('tlsClientError', (err: Error) => this.log.child('server').v(2).info('TLS handshake error', { error: err.message }));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port, opts.host, () => {
        server.removeListener('error', reject);
        resolve();
      });
    });
    this.ready = true;
    const address = server.address() as AddressInfo;
    this.log.child('server').info('listening', { address: `${address.address}:${address.port}`, tls: opts.tls !== undefined });
    return address;
  }

  /** Graceful shutdown: stop accepting, finish in-flight reviews, drain the audit queue. */
  async shutdown(): Promise<{ drained: boolean; auditDrained: boolean }> {
    if (this.stopping) return { drained: true, auditDrained: true };
    this.stopping = true;
    this.ready = false;
    const log = this.log.child('server');
    log.info('shutting down', { inFlight: this.inFlight, auditPending: this.audit.pending });
    const timeout = this.opts.shutdownTimeoutMs ?? 30_000;
    const server = this.server;
    const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    server?.closeIdleConnections();
    const idle = this.inFlight === 0 ? Promise.resolve(true) : new Promise<boolean>((resolve) => this.idleWaiters.push(() => resolve(true)));
    const timer = (ms: number) => new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms).unref());
    const drained = await Promise.race([idle, timer(timeout)]);
    if (!drained) log.info('shutdown timeout: closing connections with reviews in flight', { inFlight: this.inFlight });
    server?.closeIdleConnections();
    for (const s of this.sockets) s.destroySoon();
    const auditDrained = await Promise.race([this.audit.drain().then(() => true), timer(timeout)]);
    await Promise.race([closed, timer(1000)]);
    for (const s of this.sockets) s.destroy();
    log.info('shut down', { drained, auditDrained, auditCompleted: this.audit.completed, auditDropped: this.audit.dropped });
    return { drained, auditDrained };
  }
}
