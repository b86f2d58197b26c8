/**
 * `RestKubeApi`: the `KubeApi` port over HTTPS. Authentication and TLS come from a kubeconfig or the
 * in-cluster service account through @kubernetes/client-node's `KubeConfig` (imported lazily); requests
 * go through one keep-alive agent (watches through another), are throttled by a token bucket
 * (`qps`/`burst`, client-go's `--clientRateLimitQPS/Burst`) and time out after `timeoutMs`.
 *
 * Example:
 *   const api = await RestKubeApi.fromKubeconfig({ file: process.env.KUBECONFIG });
 *   const cm = await api.resource('v1', 'ConfigMap');
 *   await api.create(cm!, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'default' } });
 */
import { Agent, request as httpsRequest, type RequestOptions } from 'node:https';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { isObject, type JsonObject } from '../../engine/api/json.ts';
import { DiscoveryCache, type DiscoveryIndex, parseAggregatedDiscovery, parseResourceList } from './discovery.ts';
import { ApiError, apiErrorFromResponse } from './errors.ts';
import { collectionPath, groupVersionPath, objectPath, query } from './paths.ts';
import { TokenBucket } from './rate-limit.ts';
import type {
  ApiResource,
  DeleteOptions,
  KubeApi,
  KubeObject,
  ListOptions,
  ListResult,
  PatchType,
  WatchEvent,
  WatchOptions,
  WriteOptions,
} from './types.ts';

export interface RestKubeApiOptions {
  /** kubeconfig file; `inCluster` uses the pod's service account; neither: client-node's default loading */
  file?: string;
  inCluster?: boolean;
  /** kubeconfig context */
  context?: string;
  /** client-side rate limit (default 300 / 300, Kyverno's controllers) */
  qps?: number;
  burst?: number;
  /** per-request timeout (default 30 s) */
  timeoutMs?: number;
  /** `User-Agent` (default `kyverno-ts`) */
  userAgent?: string;
  /** refresh credentials (token files, exec plugins) this often (default 60 s) */
  credentialRefreshMs?: number;
  /** a discovery miss re-reads discovery at most this often (default 1 s; see `DiscoveryCache`) */
  discoveryMissRefreshMs?: number;
}

interface Transport {
  server: URL;
  base: RequestOptions;
  headers: Record<string, string>;
  fetchedAt: number;
}

const CONTENT_TYPES: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

const AGGREGATED_DISCOVERY = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json';

interface KubeConfigLike {
  getCurrentCluster(): { server: string } | null;
  applyToHTTPSOptions(opts: RequestOptions): Promise<void>;
}

export class RestKubeApi implements KubeApi {
  private transport: Transport | undefined;
  private transportPending: Promise<Transport> | undefined;
  private readonly agent: Agent | HttpAgent;
  private readonly watchAgent: Agent | HttpAgent;
  private readonly bucket: TokenBucket;
  private readonly discoveryCache: DiscoveryCache;
  /** requests sent so far (diagnostics) */
  requests = 0;

  private constructor(
    private readonly kc: KubeConfigLike,
    private readonly opts: RestKubeApiOptions,
    secure: boolean,
  ) {
    this.agent = secure ? new Agent({ keepAlive: true, maxSockets: 32 }) : new HttpAgent({ keepAlive: true, maxSockets: 32 });
    this.watchAgent = secure ? new Agent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
    this.bucket = new TokenBucket(opts.qps ?? 300, opts.burst ?? 300);
    this.discoveryCache = new DiscoveryCache(
      { readAll: () => this.readDiscovery(), readGroupVersion: (group, version) => this.readGroupVersion(group, version) },
      { missRefreshMs: opts.discoveryMissRefreshMs },
    );
  }

  /** Loads the configuration (client-node's KubeConfig) and returns a client. */
  static async fromKubeconfig(opts: RestKubeApiOptions = {}): Promise<RestKubeApi> {
    const { KubeConfig } = await import('@kubernetes/client-node');
    const kc = new KubeConfig();
    if (opts.inCluster) kc.loadFromCluster();
    else if (opts.file) kc.loadFromFile(opts.file);
    else kc.loadFromDefault();
    if (opts.context) kc.setCurrentContext(opts.context);
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new ApiError(0, 'Unknown', 'no cluster in the kubeconfig');
    // client-node's last resort when it finds no configuration at all: say so instead of dialling it
    if (!opts.inCluster && !opts.file && cluster.name === 'cluster' && cluster.server === 'http://localhost:8080') {
      throw new ApiError(0, 'Unknown', 'no kubeconfig found: pass --kubeconfig, set KUBECONFIG, or run in a pod with a service account');
    }
    return new RestKubeApi(kc, opts, cluster.server.startsWith('https:'));
  }

  /** Closes idle connections (watches end with their signals). */
  close(): void {
    this.agent.destroy();
    this.watchAgent.destroy();
  }

  private async getTransport(): Promise<Transport> {
    const refresh = this.opts.credentialRefreshMs ?? 60_000;
    if (this.transport && Date.now() - this.transport.fetchedAt < refresh) return this.transport;
    if (!this.transportPending) {
      this.transportPending = (async () => {
        const cluster = this.kc.getCurrentCluster();
        if (!cluster) throw new ApiError(0, 'Unknown', 'no cluster in the kubeconfig');
        const o: RequestOptions = { headers: {} };
        await this.kc.applyToHTTPSOptions(o);
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(o.headers ?? {})) if (typeof v === 'string') headers[k] = v;
        if (o.auth) headers['Authorization'] = `Basic ${Buffer.from(o.auth).toString('base64')}`;
        const base: RequestOptions = {};
        for (const k of ['ca', 'cert', 'key', 'pfx', 'passphrase', 'rejectUnauthorized', 'servername'] as const) {
          if (o[k] !== undefined) (base as Record<string, unknown>)[k] = o[k];
        }
        const t: Transport = { server: new URL(cluster.server), base, headers, fetchedAt: Date.now() };
        this.transport = t;
        return t;
      })().finally(() => {
        this.transportPending = undefined;
      });
    }
    return this.transportPending;
  }

  private async open(
    method: string,
    path: string,
    body: string | undefined,
    contentType: string | undefined,
    accept: string,
    watch: boolean,
    signal?: AbortSignal,
  ): Promise<IncomingMessage> {
    await this.bucket.take();
    const t = await this.getTransport();
    const url = new URL(path, t.server);
    const headers: Record<string, string> = { ...t.headers, Accept: accept, 'User-Agent': this.opts.userAgent ?? 'kyverno-ts' };
    if (body !== undefined) {
      headers['Content-Type'] = contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    const secure = url.protocol === 'https:';
    const send = secure ? httpsRequest : httpRequest;
    this.requests++;
    return new Promise<IncomingMessage>((resolve, reject) => {
      const req = send(
        url,
        { ...t.base, method, headers, agent: watch ? this.watchAgent : this.agent, ...(signal ? { signal } : {}) },
        resolve,
      );
      if (!watch) {
        req.setTimeout(this.opts.timeoutMs ?? 30_000, () => req.destroy(new ApiError(0, 'Timeout', `${method} ${path}: timed out`)));
      }
      req.on('error', (err) => reject(err instanceof ApiError ? err : new ApiError(0, 'NetworkError', `${method} ${path}: ${err.message}`)));
      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  private async call(method: string, path: string, body?: unknown, contentType?: string, accept = 'application/json'): Promise<unknown> {
    const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const res = await this.open(method, path, text, contentType, accept, false);
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    const out = Buffer.concat(chunks).toString('utf8');
    const code = res.statusCode ?? 0;
    if (code < 200 || code >= 300) throw apiErrorFromResponse(code, out, `${method} ${path}`);
    if (out === '') return undefined;
    try {
      return JSON.parse(out) as unknown;
    } catch {
      throw new ApiError(code, 'Unknown', `${method} ${path}: invalid JSON response`);
    }
  }

  // ---- discovery

  private async readDiscovery(): Promise<{ all: ApiResource[]; preferred: Map<string, string> }> {
    const all: ApiResource[] = [];
    const preferred = new Map<string, string>();
    for (const root of ['/api', '/apis']) {
      const doc = await this.call('GET', root, undefined, undefined, AGGREGATED_DISCOVERY);
      if (isObject(doc) && parseAggregatedDiscovery(doc, all, preferred)) continue;
      // legacy discovery
      if (root === '/api') {
        preferred.set('', 'v1');
        const list = await this.call('GET', '/api/v1');
        if (isObject(list)) parseResourceList('', 'v1', list, all);
        continue;
      }
      const groups = isObject(doc) && Array.isArray(doc['groups']) ? doc['groups'] : [];
      for (const g of groups) {
        if (!isObject(g)) continue;
        const name = typeof g['name'] === 'string' ? g['name'] : '';
        const pv = isObject(g['preferredVersion']) ? g['preferredVersion']['version'] : undefined;
        if (typeof pv === 'string') preferred.set(name, pv);
        for (const v of Array.isArray(g['versions']) ? g['versions'] : []) {
          if (!isObject(v) || typeof v['version'] !== 'string') continue;
          try {
            const list = await this.call('GET', groupVersionPath({ group: name, version: v['version'] }));
            if (isObject(list)) parseResourceList(name, v['version'], list, all);
          } catch {
            // an unavailable aggregated API: skipped, as client-go's partial discovery does
          }
        }
      }
    }
    return { all, preferred };
  }

  /** One group-version's resource list; undefined when the group-version is not served. */
  private async readGroupVersion(group: string, version: string): Promise<ApiResource[] | undefined> {
    try {
      const doc = await this.call('GET', groupVersionPath({ group, version }));
      if (!isObject(doc)) return undefined;
      const out: ApiResource[] = [];
      parseResourceList(group, version, doc, out);
      return out;
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) return undefined;
      throw err;
    }
  }

  /**
   * The discovery index: read when nothing is cached or the cache was invalidated (`invalidateDiscovery`);
   * `force` re-reads it when the last read is older than `discoveryMissRefreshMs`.
   */
  async discovery(force = false): Promise<DiscoveryIndex> {
    return force ? this.discoveryCache.refresh() : this.discoveryCache.get();
  }

  invalidateDiscovery(): void {
    this.discoveryCache.invalidate();
  }

  async resource(apiVersion: string, kind: string): Promise<ApiResource | undefined> {
    return this.discoveryCache.find(apiVersion, kind);
  }

  resourceSync(apiVersion: string, kind: string): ApiResource | undefined {
    return this.discoveryCache.current()?.find(apiVersion, kind);
  }

  async resources(): Promise<readonly ApiResource[]> {
    return (await this.discoveryCache.get()).all;
  }

  // ---- objects

  async get(res: ApiResource, namespace: string, name: string): Promise<KubeObject | undefined> {
    try {
      return (await this.call('GET', objectPath(res, namespace, name))) as KubeObject;
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) return undefined;
      throw err;
    }
  }

  async list(res: ApiResource, opts: ListOptions = {}): Promise<ListResult> {
    const items: KubeObject[] = [];
    let cont = '';
    let resourceVersion = '';
    do {
      const q = query({ labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector, limit: opts.limit ?? 500, continue: cont });
      const doc = (await this.call('GET', collectionPath(res, opts.namespace) + q)) as JsonObject;
      const m = isObject(doc['metadata']) ? doc['metadata'] : {};
      resourceVersion = typeof m['resourceVersion'] === 'string' ? m['resourceVersion'] : resourceVersion;
      cont = typeof m['continue'] === 'string' ? m['continue'] : '';
      const kind = res.kind;
      const apiVersion = res.group === '' ? res.version : `${res.group}/${res.version}`;
      for (const it of Array.isArray(doc['items']) ? doc['items'] : []) {
        if (!isObject(it)) continue;
        // list items come without apiVersion/kind
        if (it['apiVersion'] === undefined) it['apiVersion'] = apiVersion;
        if (it['kind'] === undefined) it['kind'] = kind;
        items.push(it);
      }
    } while (cont !== '');
    return { items, resourceVersion };
  }

  async create(res: ApiResource, obj: KubeObject, opts: WriteOptions = {}): Promise<KubeObject> {
    const m = isObject(obj['metadata']) ? obj['metadata'] : {};
    const ns = typeof m['namespace'] === 'string' ? m['namespace'] : '';
    const q = query({ fieldManager: opts.fieldManager, dryRun: opts.dryRun ? 'All' : undefined });
    return (await this.call('POST', collectionPath(res, ns) + q, obj)) as KubeObject;
  }

  async update(res: ApiResource, obj: KubeObject, opts: WriteOptions = {}): Promise<KubeObject> {
    const m = isObject(obj['metadata']) ? obj['metadata'] : {};
    const ns = typeof m['namespace'] === 'string' ? m['namespace'] : '';
    const name = typeof m['name'] === 'string' ? m['name'] : '';
    const q = query({ fieldManager: opts.fieldManager, dryRun: opts.dryRun ? 'All' : undefined });
    return (await this.call('PUT', objectPath(res, ns, name, opts.subresource) + q, obj)) as KubeObject;
  }

  async patch(res: ApiResource, namespace: string, name: string, type: PatchType, body: unknown, opts: WriteOptions = {}): Promise<KubeObject> {
    const q = query({
      fieldManager: opts.fieldManager ?? (type === 'apply' ? 'kyverno' : undefined),
      force: type === 'apply' && opts.force ? true : undefined,
      dryRun: opts.dryRun ? 'All' : undefined,
    });
    return (await this.call('PATCH', objectPath(res, namespace, name, opts.subresource) + q, body, CONTENT_TYPES[type])) as KubeObject;
  }

  async delete(res: ApiResource, namespace: string, name: string, opts: DeleteOptions = {}): Promise<boolean> {
    const body: JsonObject = { apiVersion: 'v1', kind: 'DeleteOptions' };
    if (opts.propagationPolicy) body['propagationPolicy'] = opts.propagationPolicy;
    if (opts.preconditions) body['preconditions'] = { ...opts.preconditions };
    try {
      await this.call('DELETE', objectPath(res, namespace, name), body);
      return true;
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) return false;
      throw err;
    }
  }

  async watch(res: ApiResource, opts: WatchOptions, onEvent: (e: WatchEvent) => void, signal: AbortSignal): Promise<void> {
    const q = query({
      watch: 1,
      allowWatchBookmarks: true,
      resourceVersion: opts.resourceVersion,
      labelSelector: opts.labelSelector,
      fieldSelector: opts.fieldSelector,
      timeoutSeconds: opts.timeoutSeconds ?? 300,
    });
    const path = collectionPath(res, opts.namespace) + q;
    let response: IncomingMessage;
    try {
      response = await this.open('GET', path, undefined, undefined, 'application/json', true, signal);
    } catch (err) {
      if (signal.aborted) return;
      throw err;
    }
    const code = response.statusCode ?? 0;
    if (code < 200 || code >= 300) {
      let text = '';
      for await (const c of response) text += (c as Buffer).toString('utf8');
      throw apiErrorFromResponse(code, text, `WATCH ${path}`);
    }
    // a stalled connection is ended when the server-side timeout has long passed
    const guard = setTimeout(() => response.destroy(), ((opts.timeoutSeconds ?? 300) + 60) * 1000);
    guard.unref();
    let buffer = '';
    try {
      response.setEncoding('utf8');
      for await (const chunk of response) {
        buffer += chunk as string;
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl).trim();
          buffer = buffer.slice(nl + 1);
          if (line === '') continue;
          const ev = JSON.parse(line) as { type?: string; object?: unknown };
          if (!isObject(ev.object)) continue;
          if (ev.type === 'ERROR') {
            const s = ev.object as { code?: number; reason?: string; message?: string };
            throw new ApiError(s.code ?? 500, s.reason ?? 'Unknown', s.message ?? 'watch error', ev.object);
          }
          onEvent({ type: (ev.type ?? 'MODIFIED') as WatchEvent['type'], object: ev.object });
        }
      }
    } catch (err) {
      if (signal.aborted) return;
      if (err instanceof ApiError) throw err;
      // a closed connection ends the watch; the informer resumes from the last version
    } finally {
      clearTimeout(guard);
    }
  }

  async raw(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    return this.call(method, path, body);
  }
}
