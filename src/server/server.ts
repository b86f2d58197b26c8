/**
 * The admission HTTPS server (pkg/webhooks/server.go): the admission routes of the core (core.ts) over
 * HTTPS (or plain HTTP for in-process use), evaluated in process or in worker threads, plus
 * `GET /health/liveness`, `/health/readiness` and `/metrics`.
 *
 * Shutdown: readiness turns false, the listener stops accepting, idle keep-alive connections close,
 * in-flight reviews finish (bounded by `shutdownTimeoutMs`), then queued Audit work drains.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { WebhookType } from './admission/admission-metrics.ts';
import type { PathFailurePolicy } from './admission/resource-handlers.ts';
import { AdmissionCore, SERVER_VERSION, type AdmissionCoreOptions, type AdmissionRoute } from './core.ts';
import { admissionEndpoint, processAdmission, type AdmissionOutcome, type EndpointOptions, type HttpHandler } from './http/admission-endpoint.ts';
import { Router } from './http/router.ts';
import type { Logger } from './logging.ts';
import { KyvernoMetrics, PROMETHEUS_CONTENT_TYPE, type HistogramSeries } from './metrics.ts';
import type { ServingPair, TlsProvider } from './tls/provider.ts';

export { SERVER_VERSION };

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

export interface AdmissionServerOptions extends AdmissionCoreOptions {
  /** largest accepted request body (default 8 MiB) */
  maxRequestBytes?: number;
  /** time allowed to receive a request (default 30 s, Kyverno's ReadTimeout) */
  requestTimeoutMs?: number;
  /** graceful shutdown bound (default 30 s, as Kyverno's Stop) */
  shutdownTimeoutMs?: number;
  /** evaluate in worker threads instead of in process */
  pool?: EvaluatorPool;
}

export const DEFAULT_MAX_REQUEST_BYTES = 8 * 1024 * 1024;

/**
 * Evaluation in worker threads (workers/pool.ts): the server thread only terminates TLS and HTTP.
 */
export interface EvaluatorPool {
  /** the admission routes the workers serve (path, catch-all, webhook type for http metrics) */
  routes: ReadonlyArray<{ path: string; catchAll: boolean; webhook: WebhookType | undefined }>;
  evaluate(path: string, body: string, contentType: string | undefined, urlParams: string): Promise<AdmissionOutcome>;
  /** the workers' metrics, rendered together */
  renderMetrics(): Promise<string>;
  /** finishes queued work (audit) and stops the workers */
  close(): Promise<void>;
}

/** The kyverno_http_requests_total and kyverno_http_requests_duration_seconds series of one method, URL and webhook. */
interface HttpSeries {
  requests: { value: number };
  duration: HistogramSeries;
}

export class AdmissionServer {
  readonly router = new Router();
  /** the in-process core (absent when a worker pool evaluates) */
  readonly core: AdmissionCore | undefined;
  readonly metrics: KyvernoMetrics;
  private readonly pool: EvaluatorPool | undefined;
  private readonly log: Logger;
  private server: HttpServer | HttpsServer | undefined;
  private readonly sockets = new Set<Socket>();
  private inFlight = 0;
  private readonly idleWaiters: Array<() => void> = [];
  private ready = false;
  private stopping = false;

  constructor(private readonly opts: AdmissionServerOptions) {
    this.log = opts.log.child('webhooks');
    this.pool = opts.pool;
    this.core = opts.pool ? undefined : new AdmissionCore(opts);
    this.metrics = this.core?.metrics ?? opts.metrics ?? new KyvernoMetrics({ version: SERVER_VERSION });
    this.registerRoutes();
  }

  /** The in-process policy cache, audit queue, reports and engine (inline mode). */
  get policyCache(): AdmissionCore['policyCache'] {
    return this.requireCore().policyCache;
  }
  get audit(): AdmissionCore['audit'] {
    return this.requireCore().audit;
  }
  get reports(): AdmissionCore['reports'] {
    return this.requireCore().reports;
  }
  get engine(): AdmissionCore['engine'] {
    return this.requireCore().engine;
  }

  private requireCore(): AdmissionCore {
    if (!this.core) throw new Error('the admission core runs in worker threads');
    return this.core;
  }

  private endpointOptions(log: Logger, failurePolicy: PathFailurePolicy, webhook: WebhookType | undefined) {
    // the http series of this endpoint by URL (its routes are POST routes: the method is always the same)
    const series = new Map<string, HttpSeries>();
    return {
      maxRequestBytes: this.opts.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES,
      bodyTimeoutMs: this.opts.requestTimeoutMs ?? 30_000,
      deadlineMs: (this.opts.webhookTimeoutSeconds ?? 10) * 1000 * 0.8,
      failurePolicy,
      log,
      onRequest: (req: IncomingMessage, start: number) => {
        const url = req.url ?? '';
        let s = series.get(url);
        if (!s) {
          s = this.httpSeries(req.method ?? '', url, webhook ?? '');
          // URLs come from requests: bound what they can make us remember (the registry keeps the series)
          if (series.size >= 1000) series.clear();
          series.set(url, s);
        }
        const handles = s;
        handles.requests.value++;
        return () => this.metrics.httpRequestsDuration.observeHandle(handles.duration, (performance.now() - start) / 1000);
      },
    };
  }

  /** The registry's http series of a method, URL and webhook. */
  private httpSeries(method: string, url: string, webhook: string): HttpSeries {
    const values = () => [method, url, webhook];
    const key = values().join('\u0001');
    return { requests: this.metrics.httpRequests.handle(key, values), duration: this.metrics.httpRequestsDuration.handle(key, values) };
  }

  private registerRoutes(): void {
    const routes = this.core ? this.core.routes : (this.pool as EvaluatorPool).routes;
    for (const route of routes) {
      const log = this.core ? (route as AdmissionRoute).log : this.log.child('http');
      const pool = this.pool;
      const endpoint = pool
        ? admissionEndpoint((body, contentType, urlParams) => pool.evaluate(route.path, body, contentType, urlParams), {
            ...this.endpointOptions(log, (route as { failurePolicy?: PathFailurePolicy }).failurePolicy ?? 'fail', route.webhook),
            evaluator: true,
          })
        : coreEndpoint(route as AdmissionRoute, this.endpointOptions(log, (route as AdmissionRoute).failurePolicy, route.webhook));
      if (route.catchAll) this.router.addCatchAll('POST', route.path, endpoint);
      else this.router.add('POST', route.path, endpoint);
    }
    const probe = (check: () => boolean) => (_req: IncomingMessage, res: ServerResponse) => {
      res.writeHead(check() ? 200 : 500, { 'Content-Length': '0' });
      res.end();
    };
    this.router.add('GET', '/health/liveness', probe(() => !this.stopping || this.inFlight > 0));
    this.router.add('GET', '/health/readiness', probe(() => this.ready && !this.stopping));
    this.router.add('GET', '/metrics', (_req, res) => {
      this.renderMetrics().then(
        (body) => {
          res.writeHead(200, { 'Content-Type': PROMETHEUS_CONTENT_TYPE, 'Content-Length': Buffer.byteLength(body) });
          res.end(body);
        },
        (err: Error) => {
          res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
          res.end(`${err.message}\n`);
        },
      );
    });
  }

  /** Prometheus text of this server (and of its workers). */
  async renderMetrics(): Promise<string> {
    this.metrics.collect();
    if (!this.pool) return this.metrics.registry.render({ exposure: this.metrics.exposure });
    return this.pool.renderMetrics();
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
    // a response emits 'close' once it is finished (after 'finish') or its connection is gone
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
    // Node's own request and headers timeouts are off: on Node 20 they run from a connection's first
    // request, not from each one, so they expired busy keep-alive connections once they were older than the
    // timeout (a 400 answered on the connection and the review in flight lost: 28-48 per minute at 1,000
    // req/s), which the API server would count as failed webhook calls. The body has its own deadline
    // (admission-endpoint.ts); a connection silent for the request timeout and 5 s more, before its first
    // request or in the middle of one, is closed (socket inactivity); between requests it may stay idle
    // for the keep-alive timeout.
    const common = {
      requestTimeout: 0,
      headersTimeout: 0,
      keepAliveTimeout: 5 * 60_000,
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
    server.setTimeout((this.opts.requestTimeoutMs ?? 30_000) + 5_000);
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
    log.info('shutting down', { inFlight: this.inFlight, auditPending: this.core?.audit.pending });
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
    const finishing = this.core ? this.core.audit.drain() : (this.pool as EvaluatorPool).close();
    const auditDrained = await Promise.race([finishing.then(() => true), timer(timeout)]);
    await Promise.race([closed, timer(1000)]);
    for (const s of this.sockets) s.destroy();
    log.info('shut down', { drained, auditDrained, auditCompleted: this.core?.audit.completed, auditDropped: this.core?.audit.dropped });
    return { drained, auditDrained };
  }
}

/** The endpoint of an in-process route: its handler, after the route's `prepare` work when there is some. */
function coreEndpoint(route: AdmissionRoute, opts: EndpointOptions): HttpHandler {
  const prepare = route.prepare;
  if (!prepare) return admissionEndpoint(route.handler, opts);
  return admissionEndpoint(
    (body: string, contentType: string | undefined, urlParams: string, startTime: number) => {
      const run = () => processAdmission(route.handler, body, contentType, urlParams, startTime, opts);
      const pending = prepare(body);
      return pending ? pending.then(run) : run();
    },
    { ...opts, evaluator: true },
  );
}
