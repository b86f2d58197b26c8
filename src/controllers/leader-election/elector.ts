/**
 * Leader election on a coordination.k8s.io/v1 Lease (pkg/leaderelection/leaderelection.go over client-go's
 * leaderelection): identity = pod name, retry period 2 s, lease duration 6 x retry (12 s), renew deadline
 * 5 x retry (10 s).
 *
 * - A candidate takes the lease when it does not exist, is already its own, or has not been renewed for
 *   the lease duration *as observed locally* (the holder's clock is never compared with ours).
 * - Every write carries the lease's resourceVersion, so two candidates can never both win.
 * - The leader renews every retry period; when it cannot renew within the renew deadline it stops leading
 *   (`onStoppedLeading`; Kyverno's controllers then exit and restart).
 * - `stop()` releases the lease (holder cleared) so that another replica takes over at once, unlike a
 *   crash, where the others wait for the lease to expire.
 *
 * Example:
 *   const le = new LeaderElector({ api, namespace: 'kyverno', name: 'kyverno-reports-controller', identity: pod,
 *     onStartedLeading: (signal) => startControllers(signal), onStoppedLeading: () => process.exit(1) });
 *   le.start();
 */
import { ApiError, isAlreadyExists, isConflict } from '../../k8s/client/errors.ts';
import { createLease, getLease, microTime, updateLease, type Lease, type LeaseRecord } from '../../k8s/client/lease.ts';
import { sleepUnlessAborted } from '../../k8s/client/rate-limit.ts';
import type { KubeApi } from '../../k8s/client/types.ts';
import type { Logger } from '../../server/logging.ts';

export const DEFAULT_RETRY_PERIOD_MS = 2_000;

export interface LeaderElectorOptions {
  api: KubeApi;
  namespace: string;
  name: string;
  identity: string;
  /** default 2 s; lease duration = 6 x, renew deadline = 5 x (Kyverno) unless given */
  retryPeriodMs?: number;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  /** clear the holder on stop() (default true) */
  releaseOnStop?: boolean;
  /** started when this candidate becomes leader; `signal` aborts when it stops leading */
  onStartedLeading?: (signal: AbortSignal) => void;
  onStoppedLeading?: () => void;
  onNewLeader?: (identity: string) => void;
  log?: Logger;
  now?: () => Date;
}

export class LeaderElector {
  private leading = false;
  private observed: Lease | undefined;
  private observedAt = 0;
  private stopController: AbortController | undefined;
  private leaderController: AbortController | undefined;
  private lastLeader = '';
  private loop: Promise<void> | undefined;
  /** times leadership was acquired (diagnostics) */
  acquisitions = 0;

  constructor(private readonly opts: LeaderElectorOptions) {}

  get retryPeriodMs(): number {
    return this.opts.retryPeriodMs ?? DEFAULT_RETRY_PERIOD_MS;
  }

  get leaseDurationMs(): number {
    return this.opts.leaseDurationMs ?? 6 * this.retryPeriodMs;
  }

  get renewDeadlineMs(): number {
    return this.opts.renewDeadlineMs ?? 5 * this.retryPeriodMs;
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** The identity holding the lease as last observed. */
  leader(): string {
    return this.observed?.record.holderIdentity ?? '';
  }

  private now(): Date {
    return this.opts.now ? this.opts.now() : new Date();
  }

  private observe(lease: Lease): void {
    const prev = this.observed?.record;
    const r = lease.record;
    if (!prev || prev.holderIdentity !== r.holderIdentity || prev.renewTime !== r.renewTime || prev.acquireTime !== r.acquireTime) {
      this.observedAt = performance.now();
    }
    this.observed = lease;
    if (r.holderIdentity !== this.lastLeader) {
      this.lastLeader = r.holderIdentity;
      if (r.holderIdentity !== '') this.opts.onNewLeader?.(r.holderIdentity);
    }
  }

  /** One `tryAcquireOrRenew`: true when this candidate holds the lease afterwards. */
  async tryAcquireOrRenew(): Promise<boolean> {
    const { api, namespace, name, identity } = this.opts;
    const now = microTime(this.now());
    const durationSeconds = Math.max(1, Math.round(this.leaseDurationMs / 1000));
    const fresh: LeaseRecord = { holderIdentity: identity, leaseDurationSeconds: durationSeconds, acquireTime: now, renewTime: now, leaseTransitions: 0 };
    const current = await getLease(api, namespace, name);
    if (!current) {
      try {
        const created = await createLease(api, namespace, name, fresh);
        this.observe(created);
        return true;
      } catch (err) {
        if (isAlreadyExists(err)) return false;
        throw err;
      }
    }
    this.observe(current);
    const r = current.record;
    const held = r.holderIdentity !== '' && r.holderIdentity !== identity;
    const durationMs = (r.leaseDurationSeconds > 0 ? r.leaseDurationSeconds * 1000 : this.leaseDurationMs);
    if (held && this.observedAt + durationMs > performance.now()) return false;
    const next: LeaseRecord =
      r.holderIdentity === identity
        ? { ...r, renewTime: now, leaseDurationSeconds: durationSeconds }
        : { ...fresh, leaseTransitions: r.leaseTransitions + 1 };
    try {
      const updated = await updateLease(api, current, next);
      this.observe(updated);
      return true;
    } catch (err) {
      if (isConflict(err)) return false;
      throw err;
    }
  }

  /** Starts campaigning (idempotent). */
  start(): void {
    if (this.loop) return;
    const stop = new AbortController();
    this.stopController = stop;
    this.loop = this.run(stop.signal);
  }

  private async run(signal: AbortSignal): Promise<void> {
    const log = this.opts.log;
    while (!signal.aborted) {
      // acquire
      for (;;) {
        if (signal.aborted) return;
        try {
          if (await this.tryAcquireOrRenew()) break;
        } catch (err) {
          log?.error(err, 'error retrieving resource lock', { lease: `${this.opts.namespace}/${this.opts.name}` });
        }
        await sleepUnlessAborted(this.retryPeriodMs * (1 + Math.random() * 0.2), signal);
      }
      if (signal.aborted) return;
      this.leading = true;
      this.acquisitions++;
      log?.v(2).info('started leading', { id: this.opts.identity, lease: `${this.opts.namespace}/${this.opts.name}` });
      const lc = new AbortController();
      this.leaderController = lc;
      try {
        this.opts.onStartedLeading?.(lc.signal);
      } catch (err) {
        log?.error(err, 'onStartedLeading failed');
      }
      // renew
      let lastRenew = performance.now();
      while (!signal.aborted) {
        await sleepUnlessAborted(this.retryPeriodMs, signal);
        if (signal.aborted) break;
        let ok = false;
        try {
          ok = await this.tryAcquireOrRenew();
        } catch (err) {
          log?.error(err, 'failed to renew lease', { lease: `${this.opts.namespace}/${this.opts.name}` });
        }
        if (ok) {
          lastRenew = performance.now();
          continue;
        }
        // another holder took it, or we could not renew within the deadline
        const lost = this.observed?.record.holderIdentity !== this.opts.identity;
        if (lost || performance.now() - lastRenew > this.renewDeadlineMs) break;
      }
      this.leading = false;
      lc.abort();
      log?.v(2).info('leadership lost, stopped leading', { id: this.opts.identity });
      if (!signal.aborted) this.opts.onStoppedLeading?.();
    }
  }

  /** Stops campaigning; a leader stops leading and (by default) releases the lease. */
  async stop(): Promise<void> {
    const wasLeader = this.leading;
    this.stopController?.abort();
    await this.loop;
    this.loop = undefined;
    if (wasLeader) {
      this.leaderController?.abort();
      this.opts.onStoppedLeading?.();
      if (this.opts.releaseOnStop ?? true) await this.release();
    }
  }

  /** Clears the holder (only if we still hold the lease). */
  async release(): Promise<boolean> {
    const { api, namespace, name, identity } = this.opts;
    try {
      const current = await getLease(api, namespace, name);
      if (!current || current.record.holderIdentity !== identity) return false;
      const now = microTime(this.now());
      await updateLease(api, current, { ...current.record, holderIdentity: '', leaseDurationSeconds: 1, renewTime: now, acquireTime: now });
      return true;
    } catch (err) {
      if (err instanceof ApiError) this.opts.log?.error(err, 'failed to release lease');
      return false;
    }
  }
}
