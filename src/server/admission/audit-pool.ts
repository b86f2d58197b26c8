/**
 * The audit work queue (pkg/webhooks/resource/handlers.go `auditPool`, `--maxAuditWorkers 8`,
 * `--maxAuditCapacity 1000`): Audit policies are evaluated after the admission response has been sent.
 *
 * Evaluations are synchronous, so "workers" bound how many tasks run per event-loop turn: up to `workers`
 * tasks run, then the loop yields (setImmediate) so that admission requests are never starved by audit
 * work. A full queue drops the task (and counts it), as a pond pool with a bounded queue rejects it.
 * `drain()` resolves once every queued task has run (graceful shutdown).
 */

export interface AuditPoolOptions {
  workers: number;
  capacity: number;
  onError?: (err: unknown) => void;
}

export class AuditPool {
  private readonly queue: Array<() => void> = [];
  private scheduled = false;
  private readonly waiters: Array<() => void> = [];
  /** tasks refused because the queue was full */
  dropped = 0;
  /** tasks run so far */
  completed = 0;

  constructor(private readonly opts: AuditPoolOptions) {}

  get pending(): number {
    return this.queue.length;
  }

  /** Queues a task; false when the queue is full. */
  submit(task: () => void): boolean {
    if (this.queue.length >= Math.max(1, this.opts.capacity)) {
      this.dropped++;
      return false;
    }
    this.queue.push(task);
    this.schedule();
    return true;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.run());
  }

  private run(): void {
    this.scheduled = false;
    const n = Math.max(1, this.opts.workers);
    for (let i = 0; i < n && this.queue.length > 0; i++) {
      const task = this.queue.shift() as () => void;
      try {
        task();
      } catch (err) {
        this.opts.onError?.(err);
      }
      this.completed++;
    }
    if (this.queue.length > 0) this.schedule();
    else for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves when the queue is empty. */
  drain(): Promise<void> {
    if (this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
