/**
 * The engine's cluster ports backed by the API server (configMap and apiCall context entries, namespace
 * labels). The engine is synchronous: a port answers from a short-lived cache, and on a miss throws
 * `PendingFetch`; `evaluateWithFetch` runs the evaluation, awaits the fetch, and runs it again until
 * every read is answered (the fetched data stays cached for `ttlMs`, so that a scan of many resources
 * reading the same ConfigMap fetches it once).
 *
 * A failed fetch is cached too: the next read throws the API's error (a missing ConfigMap reads as
 * `undefined`, which the loader reports as Kyverno does).
 *
 * Example:
 *   const ports = new ClusterContextPorts(api, { ttlMs: 5_000 });
 *   const engine = new Engine({ clock, ports: ports.ports() });
 *   const response = await evaluateWithFetch(() => engine.validate(pc));
 */
import type { JsonValue, Resource } from '../../engine/api/json.ts';
import type { ContextPorts } from '../../engine/api/request.ts';
import { isPendingFetch, PendingFetch } from '../../engine/context/pending.ts';
import { isNotFound } from './errors.ts';
import { CONFIGMAPS, type ApiResource, type KubeApi } from './types.ts';

interface Entry {
  at: number;
  value?: unknown;
  error?: unknown;
}

export interface ClusterContextPortsOptions {
  /** how long fetched data is reused (default 5 s) */
  ttlMs?: number;
  /** at most this many cached entries (default 10 000) */
  maxEntries?: number;
  /** namespace labels (an informer); absent: fetched like the rest */
  namespaceLabels?: (name: string) => Record<string, string> | undefined;
}

const NAMESPACES: ApiResource = { group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', namespaced: false, verbs: [], subresources: [] };

export class ClusterContextPorts {
  private readonly cache = new Map<string, Entry>();
  /** fetches performed (diagnostics) */
  fetches = 0;

  constructor(
    private readonly api: KubeApi,
    private readonly opts: ClusterContextPortsOptions = {},
  ) {}

  private read<T>(kind: PendingFetch['kind'], key: string, load: () => Promise<T>): T {
    const e = this.cache.get(key);
    if (e && performance.now() - e.at < (this.opts.ttlMs ?? 5_000)) {
      if (e.error !== undefined) throw e.error;
      return e.value as T;
    }
    throw new PendingFetch(kind, key, async () => {
      this.fetches++;
      const entry: Entry = { at: performance.now() };
      try {
        entry.value = await load();
      } catch (err) {
        entry.error = err;
      }
      if (this.cache.size >= (this.opts.maxEntries ?? 10_000)) this.cache.clear();
      this.cache.set(key, entry);
    });
  }

  /** Forgets cached data (e.g. when a ConfigMap changed). */
  invalidate(): void {
    this.cache.clear();
  }

  ports(): ContextPorts {
    return {
      getConfigMap: (namespace, name) =>
        this.read<Resource | undefined>('configMap', `cm:${namespace}/${name}`, async () => {
          try {
            return await this.api.get(CONFIGMAPS, namespace, name);
          } catch (err) {
            if (isNotFound(err)) return undefined;
            throw err;
          }
        }),
      apiCall: (method, urlPath, body) =>
        this.read<JsonValue>('apiCall', `api:${method}:${urlPath}:${body === undefined ? '' : JSON.stringify(body)}`, async () => (await this.api.raw(method, urlPath, body)) as JsonValue),
      namespaceLabels: (name) => {
        if (this.opts.namespaceLabels) return this.opts.namespaceLabels(name);
        return this.read<Record<string, string> | undefined>('namespace', `ns:${name}`, async () => {
          const ns = await this.api.get(NAMESPACES, '', name);
          const m = ns?.['metadata'];
          const labels = m && typeof m === 'object' && !Array.isArray(m) ? (m as Record<string, unknown>)['labels'] : undefined;
          return ns ? { ...((labels as Record<string, string>) ?? {}) } : undefined;
        });
      },
    };
  }
}

/**
 * Runs `evaluate` until it completes without a pending fetch (at most `maxRounds` fetch rounds; the last
 * round's PendingFetch is thrown when the data never settles).
 */
export async function evaluateWithFetch<T>(evaluate: () => T, maxRounds = 32): Promise<T> {
  for (let round = 0; ; round++) {
    try {
      return evaluate();
    } catch (err) {
      if (!isPendingFetch(err) || round >= maxRounds) throw err;
      await err.fetch();
    }
  }
}
