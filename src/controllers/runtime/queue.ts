/**
 * A rate-limited work queue with client-go's semantics (k8s.io/client-go/util/workqueue) and the worker
 * loop Kyverno's controllers share (pkg/utils/controller `Run`):
 *
 * - a key is queued at most once; a key added while it is being processed is processed again afterwards
 *   (never concurrently);
 * - `addAfter` delays, `addRateLimited` retries with per-key exponential backoff (5 ms doubling up to
 *   `maxDelayMs`), `forget` resets it;
 * - `run(workers, reconcile)` processes keys with `workers` concurrent async workers; a failed key is
 *   retried up to `maxRetries` times, then dropped (and reported through `onDrop`).
 *
 * Example:
 *   const q = new WorkQueue<string>({ name: 'background-scan' });
 *   q.add('default/uid-1');
 *   void q.run(2, async (key) => { ... });
 *
 * Metrics: every processed key, requeue (with the key's requeue count after it) and drop is reported to
 * the queue's `observer` (Kyverno's `kyverno_controller_{reconcile,requeue,drop}_total`, recorded in
 * pkg/utils/controller `handleErr`). A queue without one takes the observer of the scope it is created
 * in (`withWorkQueueObserver`), so that a controller manager can observe the queues of the controllers it
 * builds without threading an option through each of them.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface WorkQueueObserver {
  /** a key was processed (successfully or not) */
  reconciled(queue: string, key: string): void;
  /** a failed key was requeued; `requeues`: its requeue count now (1 on the first retry) */
  requeued(queue: string, key: string, requeues: number): void;
  /** a failed key was dropped after `maxRetries` */
  dropped(queue: string, key: string): void;
}

const observerScope = new AsyncLocalStorage<WorkQueueObserver>();

/** Runs `fn` so that the work queues created in it (synchronously or after awaits) report to `observer`. */
export function withWorkQueueObserver<T>(observer: WorkQueueObserver | undefined, fn: () => T): T {
  return observer ? observerScope.run(observer, fn) : fn();
}

export interface WorkQueueOptions {
  name: string;
  /** per-key backoff base and cap (default 5 ms, 1000 s as client-go; Kyverno controllers retry up to `maxRetries`) */
  baseDelayMs?: number;
  maxDelayMs?: number;
  maxRetries?: number;
  onError?: (key: string, err: unknown, requeues: number) => void;
  onDrop?: (key: string, err: unknown) => void;
  /** metrics (default: the observer of the scope the queue is created in, see `withWorkQueueObserver`) */
  observer?: WorkQueueObserver;
}

export class WorkQueue<K extends string = string> {
  private readonly queue: K[] = [];
  private readonly dirty = new Set<K>();
  private readonly processing = new Set<K>();
  private readonly failures = new Map<K, number>();
  private readonly timers = new Map<K, { at: number; timer: NodeJS.Timeout }>();
  private readonly waiters: Array<() => void> = [];
  private readonly idleWaiters: Array<() => void> = [];
  private shuttingDown = false;
  /** keys processed successfully / failed / dropped (metrics) */
  reconciled = 0;
  requeued = 0;
  dropped = 0;
  private readonly observer: WorkQueueObserver | undefined;

  constructor(readonly opts: WorkQueueOptions) {
    this.observer = opts.observer ?? observerScope.getStore();
  }

  get length(): number {
    return this.queue.length;
  }

  /** Queued + in flight + delayed. */
  get pending(): number {
    return this.queue.length + this.processing.size + this.timers.size;
  }

  add(key: K): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    this.queue.push(key);
    this.waiters.shift()?.();
  }

  /** Adds `key` after `ms` (an earlier pending delay wins). */
  addAfter(key: K, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) return this.add(key);
    const at = Date.now() + ms;
    const existing = this.timers.get(key);
    if (existing && existing.at <= at) return;
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
      this.checkIdle();
    }, ms);
    timer.unref();
    this.timers.set(key, { at, timer });
  }

  /** Requeues `key` after its exponential backoff delay. */
  addRateLimited(key: K): void {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    const base = this.opts.baseDelayMs ?? 5;
    const max = this.opts.maxDelayMs ?? 1_000_000;
    this.requeued++;
    this.addAfter(key, Math.min(max, base * 2 ** n));
  }

  forget(key: K): void {
    this.failures.delete(key);
  }

  numRequeues(key: K): number {
    return this.failures.get(key) ?? 0;
  }

  private async get(): Promise<K | undefined> {
    while (this.queue.length === 0) {
      if (this.shuttingDown) return undefined;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    const key = this.queue.shift() as K;
    this.dirty.delete(key);
    this.processing.add(key);
    return key;
  }

  private done(key: K): void {
    this.processing.delete(key);
    if (this.dirty.has(key)) {
      this.queue.push(key);
      this.waiters.shift()?.();
    }
    this.checkIdle();
  }

  private isIdle(): boolean {
    return this.queue.length === 0 && this.processing.size === 0 && this.timers.size === 0;
  }

  private checkIdle(): void {
    if (this.isIdle()) for (const w of this.idleWaiters.splice(0)) w();
  }

  /** Resolves when nothing is queued, delayed or in flight. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Runs `workers` workers until `shutdown()`; resolves when they have all stopped. */
  async run(workers: number, reconcile: (key: K) => Promise<void>): Promise<void> {
    const maxRetries = this.opts.maxRetries ?? 10;
    const worker = async (): Promise<void> => {
      for (;;) {
        const key = await this.get();
        if (key === undefined) return;
        const observer = this.observer;
        try {
          await reconcile(key);
          this.reconciled++;
          this.forget(key);
          observer?.reconciled(this.opts.name, key);
        } catch (err) {
          observer?.reconciled(this.opts.name, key);
          const n = this.numRequeues(key);
          if (n < maxRetries) {
            this.opts.onError?.(key, err, n);
            this.addRateLimited(key);
            observer?.requeued(this.opts.name, key, n + 1);
          } else {
            this.dropped++;
            this.forget(key);
            this.opts.onDrop?.(key, err);
            observer?.dropped(this.opts.name, key);
          }
        } finally {
          this.done(key);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, workers) }, () => worker()));
  }

  /** Stops accepting keys; workers finish their current key and return. */
  shutdown(): void {
    this.shuttingDown = true;
    for (const t of this.timers.values()) clearTimeout(t.timer);
    this.timers.clear();
    for (const w of this.waiters.splice(0)) w();
    for (const w of this.idleWaiters.splice(0)) w();
  }
}
