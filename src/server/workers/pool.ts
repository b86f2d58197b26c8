/**
 * A pool of evaluation workers (`--workers N`): the server thread terminates TLS and HTTP and hands each
 * review body to the least busy worker, which decodes, evaluates and encodes it. This spreads the
 * engine's CPU work over cores; each worker holds its own policies, caches and audit queue, so memory
 * grows with the number of workers.
 *
 * A worker that dies answers its pending reviews with 503 (the API server then applies the webhook's
 * failure policy) and is replaced. `/metrics` merges every worker's series with the server thread's.
 */
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { AdmissionOutcome } from '../http/admission-endpoint.ts';
import type { Logger } from '../logging.ts';
import type { KyvernoMetrics } from '../metrics.ts';
import type { EvaluatorPool } from '../server.ts';
import { decodeResult, encodeEval, type FromWorker, type ToWorker, type WorkerSetup } from './protocol.ts';
import type { StartupNote } from '../sources/startup-notes.ts';

interface Slot {
  worker: Worker;
  pending: Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>;
  alive: boolean;
}

const fromSource = import.meta.url.endsWith('.ts');
/**
 * Inside the single-file bundle (scripts/bundle.ts) this module's URL is the bundle's own: the bundle is
 * loaded as the worker too, and its entry starts the evaluation worker when `workerData.entry` says so.
 */
const bundled = !/\/workers\/pool\.(ts|js)$/.test(new URL(import.meta.url).pathname);
const workerUrl = bundled ? new URL(import.meta.url) : new URL(fromSource ? './worker-entry.ts' : './worker-entry.js', import.meta.url);

/** Semi-space size of an evaluation worker's young generation, MB (see createWorker). */
export const WORKER_SEMI_SPACE_MB = 4;

/** `workerData.entry` of an evaluation worker started from the bundle (checked by the bundle's entry). */
export const EVALUATION_WORKER_ENTRY = 'kyverno-evaluation-worker';

/**
 * Running from TypeScript sources (tests, `node --import tsx`), a worker thread must register the
 * TypeScript loader itself before loading the worker module.
 */
function createWorker(workerData: WorkerSetup): Worker {
  // The worker's young generation: semi-spaces of WORKER_SEMI_SPACE_MB whatever the server thread's. V8 sizes
  // a new isolate's heap from its flags when the isolate is created, and a `--max-semi-space-size` given to
  // node (as recommended for the server thread, to keep its memory small) would override `resourceLimits`;
  // so the flag is set just before the worker starts. The server thread's heap, created earlier, keeps its
  // own size. Measured (2 cores, c16, three paired runs): with 1 MB the worker spent ~15 % of its time in GC;
  // 4 MB served 6-29 % more requests for 3-8 MB more peak RSS.
  setFlagsFromString(`--max-semi-space-size=${WORKER_SEMI_SPACE_MB}`);
  const resourceLimits = { maxYoungGenerationSizeMb: 3 * WORKER_SEMI_SPACE_MB };
  if (bundled) return new Worker(workerUrl, { workerData: { ...workerData, entry: EVALUATION_WORKER_ENTRY }, resourceLimits });
  if (!fromSource) return new Worker(workerUrl, { workerData, resourceLimits });
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(workerUrl.href)}); });`;
  return new Worker(code, { eval: true, workerData, resourceLimits });
}

export class WorkerPool implements EvaluatorPool {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private closing = false;
  routes: EvaluatorPool['routes'] = [];
  /** what the first worker found in the policies at start (standalone.ts logs it) */
  startupNotes: StartupNote[] = [];

  private constructor(
    private readonly setup: Omit<WorkerSetup, 'index'>,
    private readonly metrics: KyvernoMetrics,
    private readonly log: Logger,
  ) {}

  /** Starts `n` workers; rejects when one cannot load its policies. */
  static async start(n: number, setup: Omit<WorkerSetup, 'index'>, metrics: KyvernoMetrics, log: Logger): Promise<WorkerPool> {
    const pool = new WorkerPool(setup, metrics, log);
    const starts = Array.from({ length: n }, (_, i) => pool.spawn(i));
    try {
      await Promise.all(starts);
    } catch (err) {
      await pool.terminate();
      throw err;
    }
    return pool;
  }

  private spawn(index: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const worker = createWorker({ ...this.setup, index });
      const slot: Slot = { worker, pending: new Map(), alive: false };
      this.slots[index] = slot;
      const result = (s: string): void => {
        const r = decodeResult(s);
        slot.pending.get(r.id)?.resolve({ status: r.status, body: r.body });
        slot.pending.delete(r.id);
      };
      worker.on('message', (m: FromWorker | string | string[]) => {
        // results come one by one or in batches (worker.ts `flush`)
        if (typeof m === 'string') return result(m);
        if (Array.isArray(m)) {
          for (const s of m) result(s);
          return;
        }
        switch (m.type) {
          case 'ready':
            slot.alive = true;
            this.routes = m.routes;
            if (index === 0) this.startupNotes = m.notes;
            resolve();
            break;
          case 'failed':
            reject(Object.assign(new Error(m.message), m.code !== undefined ? { code: m.code } : {}));
            break;
          case 'metrics':
            slot.pending.get(m.id)?.resolve(m.snapshot);
            slot.pending.delete(m.id);
            break;
          case 'closed':
            slot.pending.get(m.id)?.resolve(undefined);
            slot.pending.delete(m.id);
            break;
        }
      });
      worker.on('error', (err) => {
        this.log.error(err, 'evaluation worker failed', { worker: index });
        if (!slot.alive) reject(err);
      });
      worker.on('exit', (code) => {
        slot.alive = false;
        for (const p of slot.pending.values()) p.reject(new Error(`evaluation worker ${index} exited (code ${code})`));
        slot.pending.clear();
        if (!this.closing) {
          this.log.info('restarting evaluation worker', { worker: index, code });
          this.spawn(index).catch((err) => this.log.error(err, 'failed to restart evaluation worker', { worker: index }));
        }
      });
    });
  }

  private call<T>(slot: Slot, msg: ToWorker & { id: number }): Promise<T> {
    return this.post<T>(slot, msg.id, msg);
  }

  private post<T>(slot: Slot, id: number, msg: ToWorker | string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      slot.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      slot.worker.postMessage(msg);
    });
  }

  evaluate(path: string, body: string, contentType: string | undefined, urlParams: string): Promise<AdmissionOutcome> {
    let best: Slot | undefined;
    for (const s of this.slots) if (s?.alive && (!best || s.pending.size < best.pending.size)) best = s;
    if (!best) return Promise.reject(new Error('no evaluation worker available'));
    const id = this.nextId++;
    return this.post<AdmissionOutcome>(best, id, encodeEval({ id, path, body, contentType, urlParams }));
  }

  async renderMetrics(): Promise<string> {
    const { KyvernoMetrics } = await import('../metrics.ts');
    const merged = new KyvernoMetrics({ version: '' });
    merged.info.reset();
    merged.registry.merge(this.metrics.registry.snapshot());
    const snaps = await Promise.all(this.slots.filter((s) => s?.alive).map((s) => this.call<ReturnType<KyvernoMetrics['registry']['snapshot']>>(s, { type: 'metrics', id: this.nextId++ })));
    for (const snap of snaps) merged.registry.merge(snap.filter((m) => m.name !== 'kyverno_info' && !m.name.startsWith('kyverno_http_')));
    return merged.registry.render();
  }

  reload(): void {
    for (const s of this.slots) if (s?.alive) s.worker.postMessage({ type: 'reload' } satisfies ToWorker);
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.slots.filter((s) => s?.alive).map((s) => this.call(s, { type: 'close', id: this.nextId++ }).catch(() => undefined)));
    await this.terminate();
  }

  private async terminate(): Promise<void> {
    this.closing = true;
    await Promise.all(this.slots.filter(Boolean).map((s) => s.worker.terminate()));
  }
}
