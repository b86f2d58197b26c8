/**
 * API discovery (the RESTMapper the controllers need): which resource serves a kind, its scope, verbs and
 * subresources. Loaded with one aggregated-discovery request per root (`/api`, `/apis`,
 * `apidiscovery.k8s.io/v2`), with the legacy per-group-version walk as a fallback, and refreshed when a
 * lookup misses (a CRD that appeared) at most once per `minRefreshMs`.
 *
 * Example: `index.find('apps/v1', 'Deployment')` -> `{group: 'apps', version: 'v1', resource: 'deployments', ...}`.
 */
import { isObject, type JsonObject } from '../../engine/api/json.ts';
import type { ApiResource } from './types.ts';

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/** An immutable index of discovered resources. */
export class DiscoveryIndex {
  /** `group/version/Kind` -> resource */
  private readonly byGvk = new Map<string, ApiResource>();
  /** `group/Kind` -> resource of the preferred version */
  private readonly preferredByGk = new Map<string, ApiResource>();
  /** `Kind` -> resources of the preferred versions, every group */
  private readonly byKind = new Map<string, ApiResource[]>();

  constructor(readonly all: readonly ApiResource[], preferredVersions: ReadonlyMap<string, string>) {
    for (const r of all) {
      this.byGvk.set(`${r.group}/${r.version}/${r.kind}`, r);
    }
    for (const r of all) {
      const gk = `${r.group}/${r.kind}`;
      const preferred = preferredVersions.get(r.group);
      const current = this.preferredByGk.get(gk);
      if (!current || (r.version === preferred && current.version !== preferred)) this.preferredByGk.set(gk, r);
    }
    for (const r of this.preferredByGk.values()) {
      const list = this.byKind.get(r.kind) ?? [];
      list.push(r);
      this.byKind.set(r.kind, list);
    }
  }

  /**
   * The resource for `kind` in `apiVersion`. A group without a version (`apps/`) or an empty apiVersion
   * picks the preferred version (of any group, core first, when the group is empty too).
   */
  find(apiVersion: string, kind: string): ApiResource | undefined {
    const { group, version } = splitApiVersion(apiVersion);
    if (version !== '') return this.byGvk.get(`${group}/${version}/${kind}`);
    if (apiVersion !== '') return this.preferredByGk.get(`${group}/${kind}`);
    const list = this.byKind.get(kind) ?? [];
    return list.find((r) => r.group === '') ?? list[0];
  }

  /** The resource with this group/version/plural. */
  findByResource(group: string, version: string, resource: string): ApiResource | undefined {
    return this.all.find((r) => r.group === group && r.version === version && r.resource === resource);
  }
}

/** Parses an aggregated discovery document (`APIGroupDiscoveryList`). */
export function parseAggregatedDiscovery(doc: JsonObject, out: ApiResource[], preferred: Map<string, string>): boolean {
  if (str(doc['kind']) !== 'APIGroupDiscoveryList' || !Array.isArray(doc['items'])) return false;
  for (const g of doc['items']) {
    if (!isObject(g)) continue;
    const group = isObject(g['metadata']) ? str(g['metadata']['name']) : '';
    const versions = Array.isArray(g['versions']) ? g['versions'] : [];
    let first = true;
    for (const v of versions) {
      if (!isObject(v)) continue;
      const version = str(v['version']);
      if (first) {
        preferred.set(group, version);
        first = false;
      }
      for (const r of Array.isArray(v['resources']) ? v['resources'] : []) {
        if (!isObject(r)) continue;
        const rk = isObject(r['responseKind']) ? r['responseKind'] : {};
        const kind = str(rk['kind']);
        if (kind === '') continue;
        const subresources = (Array.isArray(r['subresources']) ? r['subresources'] : [])
          .map((s) => (isObject(s) ? str(s['subresource']) : ''))
          .filter((s) => s !== '');
        out.push({ group, version, resource: str(r['resource']), kind, namespaced: str(r['scope']) === 'Namespaced', verbs: strings(r['verbs']), subresources });
      }
    }
  }
  return true;
}

/** Parses a legacy `APIResourceList` of one group/version. */
export function parseResourceList(group: string, version: string, doc: JsonObject, out: ApiResource[]): void {
  const list = Array.isArray(doc['resources']) ? doc['resources'] : [];
  const subs = new Map<string, string[]>();
  for (const r of list) {
    if (!isObject(r)) continue;
    const name = str(r['name']);
    const i = name.indexOf('/');
    if (i > 0) {
      const parent = name.slice(0, i);
      subs.set(parent, [...(subs.get(parent) ?? []), name.slice(i + 1)]);
    }
  }
  for (const r of list) {
    if (!isObject(r)) continue;
    const name = str(r['name']);
    if (name.includes('/')) continue;
    out.push({ group, version, resource: name, kind: str(r['kind']), namespaced: r['namespaced'] === true, verbs: strings(r['verbs']), subresources: subs.get(name) ?? [] });
  }
}

/** What a `DiscoveryCache` reads: every resource (with each group's preferred version), or one group-version. */
export interface DiscoveryReader {
  readAll(): Promise<{ all: ApiResource[]; preferred: Map<string, string> }>;
  /** The resources of one group-version; undefined when it is not served. */
  readGroupVersion?(group: string, version: string): Promise<ApiResource[] | undefined>;
}

export interface DiscoveryCacheOptions {
  /**
   * A lookup miss re-reads discovery only when the last read is at least this old (default 1 s), and reads
   * a group-version document at most this often per group-version: a policy naming a kind no API serves
   * costs a few requests a second at most, however many resources it is evaluated against.
   */
  missRefreshMs?: number;
  now?: () => number;
}

/**
 * The discovery cache of one client, as Kyverno's discovery client keeps it (a memory-cached client that
 * is invalidated on CRD changes and re-read on a miss):
 * - `invalidate()` marks what is cached stale (a CRD was added, changed or deleted); the next `index()`
 *   re-reads it. Invalidating costs nothing, so a burst of CRD events triggers one read.
 * - `find()` on a miss re-reads discovery (at once when stale, else rate limited by `missRefreshMs`),
 *   then reads the group-version document of an explicit apiVersion (a CRD established a moment ago is
 *   listed there already), merging what it finds into the cache.
 * - `current()` is the cached index without any I/O (synchronous lookups).
 *
 * Example:
 *   const cache = new DiscoveryCache({ readAll: () => loadFromServer() });
 *   await cache.find('example.io/v1', 'Widget'); // a miss re-reads discovery (rate limited)
 *   cache.invalidate(); // a CRD changed: the next lookup reads discovery again
 */
export class DiscoveryCache {
  private index: DiscoveryIndex | undefined;
  private preferred = new Map<string, string>();
  /** invalidations so far; the cache is stale when the index was read before the last one */
  private generation = 0;
  private indexGeneration = -1;
  private loadedAt = Number.NEGATIVE_INFINITY;
  private pending: { generation: number; promise: Promise<DiscoveryIndex> } | undefined;
  private readonly gvReadAt = new Map<string, number>();
  /** full reads so far (diagnostics, tests) */
  reads = 0;

  constructor(
    private readonly reader: DiscoveryReader,
    private readonly opts: DiscoveryCacheOptions = {},
  ) {}

  private now(): number {
    return this.opts.now ? this.opts.now() : Date.now();
  }

  private get missRefreshMs(): number {
    return this.opts.missRefreshMs ?? 1000;
  }

  /** The cached index (no I/O); undefined before the first read. */
  current(): DiscoveryIndex | undefined {
    return this.index;
  }

  /** Whether what is cached was read before the last invalidation (or nothing is cached). */
  get stale(): boolean {
    return !this.index || this.indexGeneration !== this.generation;
  }

  /** Marks the cache stale: the next lookup re-reads discovery. */
  invalidate(): void {
    this.generation++;
    this.gvReadAt.clear();
  }

  private load(): Promise<DiscoveryIndex> {
    // a read under way since the last invalidation is shared; an older one may have missed the change
    if (this.pending && this.pending.generation === this.generation) return this.pending.promise;
    const generation = this.generation;
    this.reads++;
    const promise = (async () => {
      const { all, preferred } = await this.reader.readAll();
      const index = new DiscoveryIndex(all, preferred);
      // a read started before another that already completed is not kept
      if (generation >= this.indexGeneration) {
        this.index = index;
        this.preferred = preferred;
        this.indexGeneration = generation;
        this.loadedAt = this.now();
      }
      return index;
    })().finally(() => {
      if (this.pending?.promise === promise) this.pending = undefined;
    });
    this.pending = { generation, promise };
    return promise;
  }

  /** The index, read when nothing is cached or the cache was invalidated. */
  async get(): Promise<DiscoveryIndex> {
    return this.stale ? this.load() : (this.index as DiscoveryIndex);
  }

  /**
   * A re-read of discovery (a lookup missed): at once when stale, else only when the last read is at
   * least `missRefreshMs` old; otherwise the cached index.
   */
  async refresh(): Promise<DiscoveryIndex> {
    if (this.stale) return this.load();
    if (this.pending) return this.pending.promise;
    if (this.now() - this.loadedAt < this.missRefreshMs) return this.index as DiscoveryIndex;
    return this.load();
  }

  /** The resource of `kind` in `apiVersion`, looked up again (rate limited) when the cache misses it. */
  async find(apiVersion: string, kind: string): Promise<ApiResource | undefined> {
    const found = (await this.get()).find(apiVersion, kind);
    if (found) return found;
    const refreshed = (await this.refresh()).find(apiVersion, kind);
    if (refreshed) return refreshed;
    return this.findInGroupVersion(apiVersion, kind);
  }

  /** Reads the group-version document of an explicit apiVersion (rate limited per group-version). */
  private async findInGroupVersion(apiVersion: string, kind: string): Promise<ApiResource | undefined> {
    if (!this.reader.readGroupVersion || kind === '' || kind.includes('*') || apiVersion.includes('*')) return undefined;
    const { group, version } = splitApiVersion(apiVersion);
    if (version === '' || version.includes('/')) return undefined;
    const key = `${group}/${version}`;
    const now = this.now();
    if (now - (this.gvReadAt.get(key) ?? Number.NEGATIVE_INFINITY) < this.missRefreshMs) return undefined;
    this.gvReadAt.set(key, now);
    const listed = await this.reader.readGroupVersion(group, version).catch(() => undefined);
    const r = listed?.find((x) => x.kind === kind);
    const index = this.index;
    if (!r || !listed || !index) return r;
    // merged into the cache until the next read
    const preferred = new Map(this.preferred);
    if (!preferred.has(group)) preferred.set(group, version);
    this.index = new DiscoveryIndex([...index.all.filter((x) => x.group !== group || x.version !== version), ...listed], preferred);
    this.preferred = preferred;
    return r;
  }
}
