/**
 * Writes the report objects the store's results call for, with bounded effort:
 *
 * - changes only mark a *group* dirty (a resource UID in the `resource` layout, a namespace in the
 *   `namespace` layout); dirty groups are flushed together every `flushIntervalMs`, so a burst of
 *   evaluations of one resource or namespace costs one write;
 * - the current objects are known from an informer on the report kinds (label
 *   `app.kubernetes.io/managed-by=kyverno`) plus the answers to our own writes; an object whose content
 *   is unchanged (result timestamps aside, as Kyverno's `ReportsAreIdentical`) is not written;
 * - a report group whose results are empty is deleted; after the initial scan, `collectGarbage` deletes
 *   managed reports that no group wants (e.g. left by another layout or by deleted resources);
 * - a failed write marks its group dirty again (retried on the next flush, with backoff).
 *
 * `storedBytes()` is the total JSON size of the managed report objects (the e2e measures it).
 */
import { deepEqual, isObject, type JsonObject } from '../../engine/api/json.ts';
import { isAlreadyExists, isConflict, isNotFound } from '../../k8s/client/errors.ts';
import { Informer, stripManagedFields } from '../../k8s/client/informer.ts';
import { Backoff, sleepUnlessAborted } from '../../k8s/client/rate-limit.ts';
import { labelsOf, nameOf, namespaceOf, resourceVersionOf, type ApiResource, type KubeApi, type KubeObject } from '../../k8s/client/types.ts';
import type { Logger } from '../../server/logging.ts';
import { LABEL_LAYOUT, LABEL_MANAGED_BY, namespaceReports, reportResource, resourceReport, REPORT_RESOURCES, DEFAULT_MAX_REPORT_BYTES, type ReportApi, type ReportLayoutKind } from './layout.ts';
import type { ReportStore, ResourceRef } from './store.ts';

export interface ReportWriterOptions {
  api: KubeApi;
  store: ReportStore;
  layout: ReportLayoutKind;
  reportApi: ReportApi;
  maxBytes?: number;
  /** default 1000 ms */
  flushIntervalMs?: number;
  /** concurrent writes (default 16) */
  concurrency?: number;
  log?: Logger;
}

interface Known {
  res: ApiResource;
  obj: KubeObject;
  bytes: number;
}

function rvNumber(o: KubeObject): bigint {
  try {
    return BigInt(resourceVersionOf(o) || '0');
  } catch {
    return 0n;
  }
}

/** The parts of a report that matter when comparing (Kyverno's ReportsAreIdentical). */
function comparable(o: KubeObject): JsonObject {
  const m = isObject(o['metadata']) ? o['metadata'] : {};
  const results = Array.isArray(o['results']) ? o['results'].map((r) => (isObject(r) ? { ...r, timestamp: null } : r)) : [];
  return {
    labels: (m['labels'] ?? {}) as JsonObject,
    annotations: (m['annotations'] ?? {}) as JsonObject,
    ownerReferences: (m['ownerReferences'] ?? []) as JsonObject[],
    scope: (o['scope'] ?? null) as JsonObject,
    results,
    summary: (o['summary'] ?? null) as JsonObject,
  };
}

export class ReportWriter {
  /** `res.group/res.resource|ns/name` -> object */
  private readonly known = new Map<string, Known>();
  private readonly dirty = new Set<string>();
  private readonly informers: Informer[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private readonly backoff = new Backoff({ initialMs: 500, maxMs: 30_000 });
  private bytes = 0;
  private readonly idleWaiters: Array<() => void> = [];
  creates = 0;
  updates = 0;
  deletes = 0;
  skipped = 0;
  failures = 0;

  constructor(private readonly opts: ReportWriterOptions) {
    opts.store.onDirty((ref) => this.markDirty(ref));
  }

  private groupOf(ref: ResourceRef): string {
    return this.opts.layout === 'resource' ? `uid:${ref.uid}:${ref.namespace}` : `ns:${ref.namespace}`;
  }

  markDirty(ref: ResourceRef): void {
    this.dirty.add(this.groupOf(ref));
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.flushing) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushing = this.flush().finally(() => {
        this.flushing = undefined;
        if (this.dirty.size > 0) this.schedule();
        else for (const w of this.idleWaiters.splice(0)) w();
      });
    }, this.opts.flushIntervalMs ?? 1000);
    this.timer.unref();
  }

  /** Resolves when nothing is dirty and no flush runs. */
  idle(): Promise<void> {
    if (this.dirty.size === 0 && !this.flushing && !this.timer) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private static key(res: ApiResource, namespace: string, name: string): string {
    return `${res.group}/${res.resource}|${namespace}/${name}`;
  }

  private remember(res: ApiResource, obj: KubeObject | undefined, namespace: string, name: string): void {
    const k = ReportWriter.key(res, namespace, name);
    const prev = this.known.get(k);
    if (prev) this.bytes -= prev.bytes;
    if (!obj) {
      this.known.delete(k);
      return;
    }
    const bytes = Buffer.byteLength(JSON.stringify(obj));
    this.known.set(k, { res, obj, bytes });
    this.bytes += bytes;
  }

  private observe(res: ApiResource, obj: KubeObject, deleted: boolean): void {
    const k = ReportWriter.key(res, namespaceOf(obj), nameOf(obj));
    const prev = this.known.get(k);
    if (prev && rvNumber(prev.obj) > rvNumber(obj)) return;
    this.remember(res, deleted ? undefined : obj, namespaceOf(obj), nameOf(obj));
  }

  /** Starts the report informers; resolves when they have synced. */
  async start(signal: AbortSignal): Promise<void> {
    const kinds = REPORT_RESOURCES[this.opts.reportApi];
    for (const res of [kinds.namespaced, kinds.cluster]) {
      const inf = new Informer(this.opts.api, res, {
        labelSelector: `${LABEL_MANAGED_BY}=kyverno`,
        transform: stripManagedFields,
        onError: (err) => this.opts.log?.error(err, 'report informer failed', { resource: res.resource }),
      });
      inf.on({
        add: (o) => this.observe(res, o, false),
        update: (_old, o) => this.observe(res, o, false),
        delete: (o) => this.observe(res, o, true),
      });
      inf.start();
      this.informers.push(inf);
    }
    signal.addEventListener('abort', () => this.stop(), { once: true });
    await Promise.all(this.informers.map((i) => i.synced()));
  }

  stop(): void {
    for (const i of this.informers) i.stop();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Total JSON bytes and count of the managed report objects. */
  storedBytes(): { bytes: number; count: number } {
    return { bytes: this.bytes, count: this.known.size };
  }

  /** The managed report objects (diagnostics, tests). */
  objects(): KubeObject[] {
    return [...this.known.values()].map((k) => k.obj);
  }

  private desired(group: string): Array<{ res: ApiResource; obj: JsonObject }> {
    const store = this.opts.store;
    const api = this.opts.reportApi;
    if (group.startsWith('uid:')) {
      const uid = group.slice(4, group.lastIndexOf(':'));
      const ref = store.ref(uid);
      if (!ref) return [];
      const results = store.results(uid);
      if (results.length === 0) return [];
      return [{ res: reportResource(api, ref.namespace), obj: resourceReport(ref, results, api) }];
    }
    const namespace = group.slice(3);
    const entries = store.inNamespace(namespace).map((ref) => ({ ref, results: store.results(ref.uid) })).filter((e) => e.results.length > 0);
    const res = reportResource(api, namespace);
    return namespaceReports(namespace, entries, api, this.opts.maxBytes ?? DEFAULT_MAX_REPORT_BYTES).map((obj) => ({ res, obj }));
  }

  /** The managed objects currently belonging to a group. */
  private current(group: string): Known[] {
    const out: Known[] = [];
    if (group.startsWith('uid:')) {
      const uid = group.slice(4, group.lastIndexOf(':'));
      const ns = group.slice(group.lastIndexOf(':') + 1);
      const k = this.known.get(ReportWriter.key(reportResource(this.opts.reportApi, ns), ns, uid));
      if (k) out.push(k);
      return out;
    }
    const namespace = group.slice(3);
    for (const k of this.known.values()) {
      if (labelsOf(k.obj)[LABEL_LAYOUT] !== 'namespace') continue;
      if (namespaceOf(k.obj) === namespace && k.res.namespaced === (namespace !== '')) out.push(k);
    }
    return out;
  }

  private async writeGroup(group: string): Promise<void> {
    const want = this.desired(group);
    const have = this.current(group);
    const wanted = new Set<string>();
    for (const { res, obj } of want) {
      const ns = namespaceOf(obj);
      const name = nameOf(obj);
      wanted.add(ReportWriter.key(res, ns, name));
      const existing = this.known.get(ReportWriter.key(res, ns, name));
      if (existing && deepEqual(comparable(existing.obj), comparable(obj))) {
        this.skipped++;
        continue;
      }
      await this.put(res, obj, existing?.obj);
    }
    for (const k of have) {
      const ns = namespaceOf(k.obj);
      const name = nameOf(k.obj);
      if (wanted.has(ReportWriter.key(k.res, ns, name))) continue;
      await this.opts.api.delete(k.res, ns, name);
      this.deletes++;
      this.remember(k.res, undefined, ns, name);
    }
  }

  private async put(res: ApiResource, obj: JsonObject, existing: KubeObject | undefined): Promise<void> {
    const ns = namespaceOf(obj);
    const name = nameOf(obj);
    for (let attempt = 0; ; attempt++) {
      try {
        if (!existing) {
          const created = await this.opts.api.create(res, obj);
          this.creates++;
          this.remember(res, stripManagedFields(created), ns, name);
        } else {
          const body = { ...obj, metadata: { ...(obj['metadata'] as JsonObject), resourceVersion: resourceVersionOf(existing) } };
          const updated = await this.opts.api.update(res, body);
          this.updates++;
          this.remember(res, stripManagedFields(updated), ns, name);
        }
        return;
      } catch (err) {
        if (attempt >= 2 || !(isAlreadyExists(err) || isConflict(err) || isNotFound(err))) throw err;
        // the object changed under us: start again from what the server has
        existing = await this.opts.api.get(res, ns, name);
      }
    }
  }

  /** Writes every dirty group now. */
  async flush(): Promise<void> {
    const groups = [...this.dirty];
    this.dirty.clear();
    let failed = false;
    const concurrency = this.opts.concurrency ?? 16;
    let i = 0;
    const worker = async (): Promise<void> => {
      while (i < groups.length) {
        const g = groups[i++] as string;
        try {
          await this.writeGroup(g);
        } catch (err) {
          failed = true;
          this.failures++;
          this.dirty.add(g);
          this.opts.log?.error(err, 'failed to write report', { group: g });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, groups.length) }, () => worker()));
    if (failed) await sleepUnlessAborted(this.backoff.next());
    else this.backoff.reset();
  }

  /** Deletes managed reports that belong to no known resource / namespace (after the initial scan). */
  async collectGarbage(): Promise<number> {
    const wanted = new Set<string>();
    const groups = new Set<string>();
    for (const ref of this.opts.store.refs()) groups.add(this.groupOf(ref));
    for (const g of groups) for (const { res, obj } of this.desired(g)) wanted.add(ReportWriter.key(res, namespaceOf(obj), nameOf(obj)));
    let n = 0;
    for (const [k, known] of [...this.known]) {
      if (wanted.has(k)) continue;
      const ns = namespaceOf(known.obj);
      const name = nameOf(known.obj);
      const layoutLabel = labelsOf(known.obj)[LABEL_LAYOUT];
      // per-resource reports of resources still pending a scan are kept by markDirty on their scan
      try {
        await this.opts.api.delete(known.res, ns, name);
        this.deletes++;
        n++;
      } catch (err) {
        this.opts.log?.error(err, 'failed to delete stale report', { name, namespace: ns, layout: layoutLabel ?? 'resource' });
      }
      this.remember(known.res, undefined, ns, name);
    }
    return n;
  }
}
