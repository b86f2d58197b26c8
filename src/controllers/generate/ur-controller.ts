/**
 * The background controller's UpdateRequest loop (pkg/background/update_request_controller.go), with
 * nothing lost:
 *
 * - URs are read from an informer on Kyverno's namespace: on start (or a new leader) every UR not yet
 *   Completed is processed, so work queued before a restart or a failover is picked up.
 * - A Pending UR (or one without state) is processed (generate / mutate); success: status Completed, then
 *   the UR is deleted; failure: status Failed with the message and `retryCount + 1`, then retried after a
 *   short delay (500 ms doubling) by setting it Pending again; once its retryCount exceeds `maxRetries`
 *   (Kyverno's limit: 3) it is deleted (`retryOrDeleteOnFailure`), so a UR that cannot succeed does not
 *   linger.
 * - A UR of a mutate policy that no longer exists is deleted with its siblings (`handleMutatePolicyAbsence`).
 * - A write that found the cluster changed meanwhile (`StaleWriteError`), or an API error, re-runs the UR
 *   with backoff without counting a failure.
 * - A UR without state is left alone until its creator sets it Pending (Kyverno processes only Pending
 *   URs); one still without state after 10 s is processed anyway.
 * - `--genWorkers` (default 10) URs are processed at once.
 */
import { isConflict } from '../../k8s/client/errors.ts';
import { Informer } from '../../k8s/client/informer.ts';
import { labelSelectorString, nameOf, type KubeApi, type KubeObject } from '../../k8s/client/types.ts';
import type { Logger } from '../../server/logging.ts';
import { WorkQueue } from '../runtime/queue.ts';
import { yieldIfBusy } from '../runtime/yield.ts';
import type { GenerateProcessor } from './generate-processor.ts';
import type { MutateExistingProcessor } from './mutate-existing-processor.ts';
import { StaleWriteError } from './staged-client.ts';
import { asUpdateRequest, mutateLabels, type ResourceSpec, type UpdateRequest } from './update-request.ts';
import { UPDATE_REQUESTS } from './ur-generator.ts';

/** How long a UR without state waits for its creator to set it Pending. */
const STATELESS_GRACE_MS = 10_000;

export interface UpdateRequestControllerOptions {
  api: KubeApi;
  namespace: string;
  generate: GenerateProcessor;
  mutate: MutateExistingProcessor;
  policyExists: (key: string) => boolean;
  workers?: number;
  maxRetries?: number;
  /** first retry delay of a failed UR (default 1 s) */
  retryBaseMs?: number;
  log?: Logger;
}

export class UpdateRequestController {
  readonly informer: Informer;
  private readonly queue: WorkQueue<string>;
  private running: Promise<void> | undefined;
  completed = 0;
  failed = 0;
  deleted = 0;

  constructor(private readonly opts: UpdateRequestControllerOptions) {
    this.informer = new Informer(opts.api, UPDATE_REQUESTS, { namespace: opts.namespace, onError: (e) => opts.log?.error(e, 'update request informer failed') });
    this.queue = new WorkQueue<string>({
      name: 'background',
      maxRetries: 15,
      baseDelayMs: 200,
      maxDelayMs: 60_000,
      onError: (key, err) => opts.log?.v(3).info('retrying update request', { key, error: (err as Error).message }),
      onDrop: (key, err) => opts.log?.error(err, 'failed to process update request', { key }),
    });
    this.informer.on({
      add: (o) => this.enqueue(o),
      update: (_old, o) => {
        const state = asUpdateRequest(o).status?.state;
        if (state === 'Skip' || state === 'Completed') return;
        this.enqueue(o);
      },
    });
  }

  private enqueue(o: KubeObject): void {
    const ur = asUpdateRequest(o);
    if (ur.status?.state === 'Failed') {
      const n = ur.status.retryCount ?? 0;
      this.queue.addAfter(nameOf(o), Math.min(300_000, (this.opts.retryBaseMs ?? 500) * 2 ** Math.max(0, n - 1)));
      return;
    }
    this.queue.add(nameOf(o));
  }

  async start(signal: AbortSignal): Promise<void> {
    this.informer.start();
    await this.informer.synced();
    this.running = this.queue.run(this.opts.workers ?? 10, (name) => this.sync(name));
    signal.addEventListener('abort', () => void this.stop(), { once: true });
  }

  async stop(): Promise<void> {
    this.queue.shutdown();
    this.informer.stop();
    await this.running;
  }

  /** Resolves when no UR is queued, delayed or being processed. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  get pending(): number {
    return this.queue.pending;
  }

  private async setStatus(ur: UpdateRequest, status: NonNullable<UpdateRequest['status']>): Promise<UpdateRequest | undefined> {
    let current: KubeObject | undefined = ur as unknown as KubeObject;
    for (let attempt = 0; attempt < 5; attempt++) {
      if (!current) return undefined;
      try {
        return asUpdateRequest(await this.opts.api.update(UPDATE_REQUESTS, { ...current, status: status as never }, { subresource: 'status' }));
      } catch (err) {
        if (!isConflict(err)) throw err;
        current = await this.opts.api.get(UPDATE_REQUESTS, this.opts.namespace, ur.metadata.name ?? '');
      }
    }
    throw new Error(`failed to update the status of UpdateRequest ${ur.metadata.name ?? ''}`);
  }

  private async remove(name: string): Promise<void> {
    await this.opts.api.delete(UPDATE_REQUESTS, this.opts.namespace, name);
    this.deleted++;
  }

  /** Processes one UR by name. */
  async sync(name: string): Promise<void> {
    const o = this.informer.get(this.opts.namespace, name);
    if (!o) return;
    let ur = asUpdateRequest(o);
    const state = ur.status?.state ?? '';
    if (state === 'Completed' || state === 'Skip') {
      await this.remove(name);
      return;
    }
    if (!this.opts.policyExists(ur.spec.policy) && ur.spec.requestType === 'mutate') {
      // handleMutatePolicyAbsence: every mutate UR of the policy goes
      const r = await this.opts.api.list(UPDATE_REQUESTS, { namespace: this.opts.namespace, labelSelector: labelSelectorString(mutateLabels(ur.spec.policy, undefined)) });
      for (const x of r.items) await this.remove(nameOf(x));
      return;
    }
    if (state === '') {
      // a UR is processed once Pending (its creator sets the state, and the generated resources of a
      // policy deletion, right after creating it): processing it before would work on an incomplete
      // status. One left without state (its creator failed to set it) is processed after a grace period.
      const age = Date.now() - Date.parse(ur.metadata.creationTimestamp ?? '');
      if (Number.isFinite(age) && age < STATELESS_GRACE_MS) {
        this.queue.addAfter(name, STATELESS_GRACE_MS - age);
        return;
      }
    }
    if (state === 'Failed') {
      if ((ur.status?.retryCount ?? 0) > (this.opts.maxRetries ?? 3)) {
        this.opts.log?.error(ur.status?.message ?? '', 'update request exceeded its retries, deleting it', { name, policy: ur.spec.policy });
        await this.remove(name);
        return;
      }
      const pending = await this.setStatus(ur, { ...ur.status, state: 'Pending' });
      if (!pending) return;
      ur = pending;
    }
    await yieldIfBusy();
    let failures: string[];
    let generated: ResourceSpec[] | undefined;
    try {
      if (ur.spec.requestType === 'mutate') failures = await this.opts.mutate.process(ur);
      else if (ur.spec.requestType === 'generate' || ur.spec.requestType === undefined) {
        const out = await this.opts.generate.process(ur);
        failures = out.failures;
        generated = out.generated;
      } else {
        // CEL policy kinds are processed elsewhere
        return;
      }
    } catch (err) {
      if (err instanceof StaleWriteError) throw err;
      failures = [(err as Error).message];
    }
    if (failures.length === 0) {
      const status: NonNullable<UpdateRequest['status']> = { state: 'Completed' };
      if (generated && generated.length > 0) status.generatedResources = generated;
      else if (ur.status?.generatedResources) status.generatedResources = ur.status.generatedResources;
      await this.setStatus(ur, status);
      this.completed++;
      await this.remove(name);
      return;
    }
    this.failed++;
    const status: NonNullable<UpdateRequest['status']> = { state: 'Failed', message: failures.join('; '), retryCount: (ur.status?.retryCount ?? 0) + 1 };
    if (generated && generated.length > 0) status.generatedResources = generated;
    else if (ur.status?.generatedResources) status.generatedResources = ur.status.generatedResources;
    await this.setStatus(ur, status);
  }
}
