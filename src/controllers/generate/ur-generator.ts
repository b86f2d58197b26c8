/**
 * Creating UpdateRequests without losing them (pkg/webhooks/updaterequest/generator.go, done better):
 *
 * - Kyverno creates a UR in a goroutine with 3 s of retries and skips creation outright when
 *   `updateRequestThreshold` (1000) URs exist — either loses the work. Here requests wait in a queue and
 *   are retried with exponential backoff until the API accepts them; past the threshold they wait
 *   (back-pressure) instead of being dropped.
 * - The queue is bounded (`maxQueued`, default 10 000; beyond it a request is refused and counted, the
 *   caller learns it), and `stop()` writes what is queued before the process exits (graceful restarts
 *   lose nothing).
 * - `apply()` resolves once the UR exists with state Pending.
 *
 * Example: `await urs.apply(newGenerateUR('kyverno', 'add-networkpolicy', [rc]))`.
 */
import { isAlreadyExists } from '../../k8s/client/errors.ts';
import { Backoff, sleepUnlessAborted } from '../../k8s/client/rate-limit.ts';
import type { ApiResource, KubeApi, KubeObject } from '../../k8s/client/types.ts';
import type { Logger } from '../../server/logging.ts';
import { toJson, type UpdateRequest } from './update-request.ts';

export const UPDATE_REQUESTS: ApiResource = {
  group: 'kyverno.io',
  version: 'v2',
  resource: 'updaterequests',
  kind: 'UpdateRequest',
  namespaced: true,
  verbs: [],
  subresources: ['status'],
};

export interface UpdateRequestGeneratorOptions {
  api: KubeApi;
  namespace: string;
  /** ConfigMap `updateRequestThreshold` (default 1000): above it, creation waits */
  threshold?: () => number;
  /** how many URs exist now (an informer's size); absent: not checked */
  count?: () => number;
  maxQueued?: number;
  log?: Logger;
}

interface Item {
  ur: UpdateRequest;
  done: (created: KubeObject) => void;
  fail: (err: Error) => void;
}

export class UpdateRequestGenerator {
  private readonly queue: Item[] = [];
  private running = false;
  private readonly stopController = new AbortController();
  private readonly idleWaiters: Array<() => void> = [];
  created = 0;
  refused = 0;
  retries = 0;

  constructor(private readonly opts: UpdateRequestGeneratorOptions) {}

  /** The client URs are written with (the admission server also reads clone sources' copies with it). */
  get client(): KubeApi {
    return this.opts.api;
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Queues a UR; resolves with the created object (state Pending). Rejects only when the queue is full. */
  apply(ur: UpdateRequest): Promise<KubeObject> {
    if (ur.spec.requestType === 'generate' && (ur.spec.ruleContext ?? []).length === 0) return Promise.resolve({});
    if (this.queue.length >= (this.opts.maxQueued ?? 10_000)) {
      this.refused++;
      return Promise.reject(new Error('UpdateRequest queue is full'));
    }
    return new Promise<KubeObject>((done, fail) => {
      this.queue.push({ ur: { ...ur, metadata: { ...ur.metadata, namespace: this.opts.namespace } }, done, fail });
      void this.drain();
    });
  }

  private async createOne(ur: UpdateRequest): Promise<KubeObject> {
    const created = await this.opts.api.create(UPDATE_REQUESTS, toJson(ur));
    const status = { ...(ur.status ?? {}), state: 'Pending' };
    try {
      return await this.opts.api.update(UPDATE_REQUESTS, { ...created, status: status as never }, { subresource: 'status' });
    } catch (err) {
      // the UR exists: the controller also picks up a UR without state
      this.opts.log?.error(err, 'failed to set UpdateRequest status to Pending', { name: (created['metadata'] as { name?: string })?.name });
      return created;
    }
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const backoff = new Backoff({ initialMs: 200, maxMs: 10_000 });
    try {
      while (this.queue.length > 0) {
        const threshold = this.opts.threshold?.() ?? 1000;
        if (this.opts.count && this.opts.count() >= threshold && !this.stopController.signal.aborted) {
          await sleepUnlessAborted(backoff.next(), this.stopController.signal);
          continue;
        }
        const item = this.queue[0] as Item;
        try {
          const created = await this.createOne(item.ur);
          this.queue.shift();
          this.created++;
          backoff.reset();
          item.done(created);
        } catch (err) {
          if (isAlreadyExists(err)) {
            // generateName collision: try again with a new name
            continue;
          }
          this.retries++;
          this.opts.log?.error(err, 'failed to create UpdateRequest, retrying', { policy: item.ur.spec.policy });
          await sleepUnlessAborted(backoff.next(), this.stopController.signal);
        }
      }
    } finally {
      this.running = false;
      for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  /** Resolves when the queue is empty. */
  idle(): Promise<void> {
    if (this.queue.length === 0 && !this.running) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Writes what is queued (bounded by `timeoutMs`), then stops. */
  async stop(timeoutMs = 10_000): Promise<void> {
    const timer = new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref());
    await Promise.race([this.idle(), timer]);
    this.stopController.abort();
    for (const item of this.queue.splice(0)) item.fail(new Error('UpdateRequest generator stopped'));
  }
}
