/**
 * Client-side throttling and retry pacing, as client-go does it:
 *
 * - `TokenBucket`: `qps` tokens per second, at most `burst` stored (`--clientRateLimitQPS`,
 *   `--clientRateLimitBurst`); `take()` resolves when a token is available.
 * - `Backoff`: exponential delays with jitter between `initialMs` and `maxMs`
 *   (`next()` 500 ms, 1 s, 2 s, ... capped), `reset()` after a success.
 *
 * Example: `const b = new TokenBucket(300, 300); await b.take();`
 */
import { setTimeout as sleep } from 'node:timers/promises';

export class TokenBucket {
  private tokens: number;
  private last: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly qps: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst;
    this.last = now();
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.qps);
    this.last = t;
  }

  /** Resolves once a token has been taken (callers are served in order). */
  take(): Promise<void> {
    if (this.qps <= 0) return Promise.resolve();
    const next = this.queue.then(async () => {
      this.refill();
      if (this.tokens < 1) {
        await sleep(Math.ceil(((1 - this.tokens) / this.qps) * 1000));
        this.refill();
      }
      this.tokens -= 1;
    });
    this.queue = next;
    return next;
  }
}

export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
  factor?: number;
  /** 0..1: each delay is multiplied by a random factor in [1 - jitter, 1 + jitter] */
  jitter?: number;
}

export class Backoff {
  private attempt = 0;
  constructor(private readonly opts: BackoffOptions = {}) {}

  /** The next delay in milliseconds. */
  next(): number {
    const initial = this.opts.initialMs ?? 500;
    const max = this.opts.maxMs ?? 30_000;
    const factor = this.opts.factor ?? 2;
    const jitter = this.opts.jitter ?? 0.2;
    const base = Math.min(max, initial * factor ** this.attempt);
    this.attempt++;
    const j = 1 + (Math.random() * 2 - 1) * jitter;
    return Math.max(1, Math.round(base * j));
  }

  reset(): void {
    this.attempt = 0;
  }

  get attempts(): number {
    return this.attempt;
  }
}

/** Waits `ms`, or less when `signal` aborts (never rejects). */
export async function sleepUnlessAborted(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return;
  try {
    await sleep(ms, undefined, signal ? { signal } : undefined);
  } catch {
    // aborted
  }
}
