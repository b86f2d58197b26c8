/**
 * A shared-informer equivalent: LIST once, then WATCH from the list's resourceVersion, keeping an
 * in-memory store that handlers are notified from. Watches resume from the last seen version (bookmarks
 * included); a `410 Gone` forces a relist, whose differences with the store are delivered as add /
 * update / delete; failures retry with exponential backoff. Reads (`get`, `list`) are synchronous, which
 * is what the engine's ports need.
 *
 * Example:
 *   const pods = new Informer(api, podsResource, { namespace: 'default' });
 *   pods.on({ add: (p) => queue.add(objectKey(p)) });
 *   pods.start(); await pods.synced();
 */
import { deepEqual } from '../../engine/api/json.ts';
import { isGone } from './errors.ts';
import { Backoff, sleepUnlessAborted } from './rate-limit.ts';
import { objectKey, resourceVersionOf, type ApiResource, type KubeApi, type KubeObject } from './types.ts';

export interface InformerHandlers {
  add?(obj: KubeObject): void;
  /** `old` and `obj` may be equal on a periodic resync */
  update?(old: KubeObject, obj: KubeObject): void;
  delete?(obj: KubeObject): void;
}

export interface InformerOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** re-deliver every object as an update this often (0: never; Kyverno's `--resyncPeriod` 15m) */
  resyncMs?: number;
  /** server-side watch timeout (default 300 s) */
  watchTimeoutSeconds?: number;
  /** failures (list/watch) are reported here */
  onError?: (err: unknown) => void;
  /** transform objects before they are stored (e.g. drop managedFields to save memory) */
  transform?: (obj: KubeObject) => KubeObject;
}

/** Drops `metadata.managedFields` (large, never read by the controllers). */
export function stripManagedFields(obj: KubeObject): KubeObject {
  const m = obj['metadata'];
  if (m && typeof m === 'object' && !Array.isArray(m) && 'managedFields' in m) delete (m as Record<string, unknown>)['managedFields'];
  return obj;
}

export class Informer {
  private readonly store = new Map<string, KubeObject>();
  private readonly handlers: InformerHandlers[] = [];
  private controller: AbortController | undefined;
  private syncedFlag = false;
  private readonly syncWaiters: Array<() => void> = [];
  private resourceVersion = '';
  private resyncTimer: NodeJS.Timeout | undefined;
  /** relists so far (diagnostics) */
  relists = 0;

  constructor(
    private readonly api: KubeApi,
    readonly resource: ApiResource,
    private readonly opts: InformerOptions = {},
  ) {}

  on(h: InformerHandlers): void {
    this.handlers.push(h);
    // late handlers see what is already there, as client-go's AddEventHandler does
    if (this.syncedFlag && h.add) for (const o of this.store.values()) this.safe(() => h.add?.(o));
  }

  get hasSynced(): boolean {
    return this.syncedFlag;
  }

  /** Resolves after the first LIST has been stored. */
  synced(): Promise<void> {
    if (this.syncedFlag) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  get(namespace: string, name: string): KubeObject | undefined {
    return this.store.get(namespace === '' ? name : `${namespace}/${name}`);
  }

  getByKey(key: string): KubeObject | undefined {
    return this.store.get(key);
  }

  list(): KubeObject[] {
    return [...this.store.values()];
  }

  get size(): number {
    return this.store.size;
  }

  start(): void {
    if (this.controller) return;
    const c = new AbortController();
    this.controller = c;
    void this.run(c.signal);
    if (this.opts.resyncMs && this.opts.resyncMs > 0) {
      this.resyncTimer = setInterval(() => {
        for (const o of this.store.values()) this.emit('update', o, o);
      }, this.opts.resyncMs);
      this.resyncTimer.unref();
    }
  }

  stop(): void {
    this.controller?.abort();
    this.controller = undefined;
    if (this.resyncTimer) clearInterval(this.resyncTimer);
  }

  private safe(f: () => void): void {
    try {
      f();
    } catch (err) {
      this.opts.onError?.(err);
    }
  }

  private emit(kind: 'add' | 'update' | 'delete', obj: KubeObject, old?: KubeObject): void {
    for (const h of this.handlers) {
      if (kind === 'add' && h.add) this.safe(() => h.add!(obj));
      else if (kind === 'update' && h.update) this.safe(() => h.update!(old ?? obj, obj));
      else if (kind === 'delete' && h.delete) this.safe(() => h.delete!(obj));
    }
  }

  private apply(type: string, raw: KubeObject): void {
    const obj = this.opts.transform ? this.opts.transform(raw) : raw;
    const key = objectKey(obj);
    const rv = resourceVersionOf(obj);
    if (rv !== '') this.resourceVersion = rv;
    if (type === 'BOOKMARK') return;
    const old = this.store.get(key);
    if (type === 'DELETED') {
      this.store.delete(key);
      this.emit('delete', old ?? obj);
      return;
    }
    this.store.set(key, obj);
    if (old) this.emit('update', obj, old);
    else this.emit('add', obj);
  }

  private async relist(): Promise<void> {
    const r = await this.api.list(this.resource, { namespace: this.opts.namespace, labelSelector: this.opts.labelSelector, fieldSelector: this.opts.fieldSelector });
    this.relists++;
    const seen = new Set<string>();
    for (const raw of r.items) {
      const obj = this.opts.transform ? this.opts.transform(raw) : raw;
      const key = objectKey(obj);
      seen.add(key);
      const old = this.store.get(key);
      this.store.set(key, obj);
      if (!old) this.emit('add', obj);
      else if (resourceVersionOf(old) !== resourceVersionOf(obj) || !deepEqual(old, obj)) this.emit('update', obj, old);
    }
    for (const [key, old] of [...this.store]) {
      if (!seen.has(key)) {
        this.store.delete(key);
        this.emit('delete', old);
      }
    }
    this.resourceVersion = r.resourceVersion;
    if (!this.syncedFlag) {
      this.syncedFlag = true;
      for (const w of this.syncWaiters.splice(0)) w();
    }
  }

  private async run(signal: AbortSignal): Promise<void> {
    const backoff = new Backoff({ initialMs: 200, maxMs: 30_000 });
    let needList = true;
    while (!signal.aborted) {
      try {
        if (needList) {
          await this.relist();
          needList = false;
          backoff.reset();
        }
        await this.api.watch(
          this.resource,
          {
            namespace: this.opts.namespace,
            labelSelector: this.opts.labelSelector,
            fieldSelector: this.opts.fieldSelector,
            resourceVersion: this.resourceVersion,
            timeoutSeconds: this.opts.watchTimeoutSeconds ?? 300,
          },
          (e) => this.apply(e.type, e.object),
          signal,
        );
        backoff.reset();
      } catch (err) {
        if (signal.aborted) return;
        if (isGone(err)) {
          needList = true;
          continue;
        }
        this.opts.onError?.(err);
        await sleepUnlessAborted(backoff.next(), signal);
        // after repeated failures the stored version may be compacted away: relist
        if (backoff.attempts > 3) needList = true;
      }
    }
  }
}
