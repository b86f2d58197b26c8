/**
 * Status of the CEL policy kinds the admission server registers (Kyverno pkg/controllers/policystatus
 * vpol.go / mpol.go `update*Status`, `reconcileConditions`): `status.conditionStatus` with
 *
 * | condition              | True (reason Succeeded)         | False (reason Failed)                     |
 * |------------------------|---------------------------------|-------------------------------------------|
 * | WebhookConfigured      | `Webhook configured.`           | `Policy is not configured in the webhook.` |
 * | RBACPermissionsGranted | `Policy is ready for reporting.` (`Background scanning disabled; reporting permissions not required.` when `background.enabled` is false) | - |
 *
 * and `ready` true when every condition is True. WebhookConfigured is left out for a policy with admission
 * disabled (it is not registered by design) and until the webhook controller has reconciled once. The
 * reports controller's read rights are not checked: the controllers here run with one identity.
 * `generated` is kept; `autogen` is written empty. The status subresource is written only when it
 * differs (a condition's lastTransitionTime changes only with its status).
 *
 * Example: `new CelPolicyStatusController({ api, policies: celInformers, registered: () => keys }).start(signal)`.
 */
import { isObject, type JsonObject, type JsonValue } from '../../engine/api/json.ts';
import { isConflict, isNotFound } from '../../k8s/client/errors.ts';
import type { KubeApi, KubeObject } from '../../k8s/client/types.ts';
import { celAdmissionEnabled } from '../../server/admission/cel-policies.ts';
import type { Logger } from '../../server/logging.ts';
import { celPolicyKey } from '../../server/webhooks/cel-webhooks.ts';
import { subsetEqual } from '../../server/webhooks/controller.ts';
import { celPolicyResource, type CelPolicyInformers } from '../policies/cel-policy-informers.ts';
import { WorkQueue } from '../runtime/queue.ts';

export interface CelPolicyStatusOptions {
  api: KubeApi;
  policies: CelPolicyInformers;
  /** CEL policies registered by the last webhook reconcile (`Kind/[ns/]name`); undefined before the first */
  registered: () => ReadonlySet<string> | undefined;
  log?: Logger;
  now?: () => Date;
}

const objOf = (v: JsonValue | undefined): JsonObject | undefined => (v !== undefined && v !== null && isObject(v) ? v : undefined);

function backgroundEnabled(p: JsonObject): boolean {
  return objOf(objOf(p['spec'])?.['background'])?.['enabled'] !== false;
}

function setCondition(conditions: JsonObject[], type: string, ok: boolean, message: string, now: Date): void {
  const status = ok ? 'True' : 'False';
  const i = conditions.findIndex((c) => c['type'] === type);
  const prev = i >= 0 ? conditions[i] : undefined;
  const lastTransitionTime = prev && prev['status'] === status && typeof prev['lastTransitionTime'] === 'string' ? prev['lastTransitionTime'] : now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const c: JsonObject = { type, status, lastTransitionTime, reason: ok ? 'Succeeded' : 'Failed', message };
  if (prev && typeof prev['observedGeneration'] === 'number') c['observedGeneration'] = prev['observedGeneration'];
  if (i >= 0) conditions[i] = c;
  else conditions.push(c);
}

/** The status Kyverno computes for a CEL policy; `registered` undefined: the webhooks were not built yet. */
export function desiredCelStatus(p: JsonObject, registered: ReadonlySet<string> | undefined, now: Date): JsonObject {
  const previous = objOf(p['status']);
  const prevCond = objOf(previous?.['conditionStatus']);
  const conditions = (Array.isArray(prevCond?.['conditions']) ? (prevCond['conditions'] as JsonValue[]) : []).filter((c): c is JsonObject => isObject(c)).map((c) => ({ ...c }));
  if (celAdmissionEnabled(p) && registered !== undefined) {
    const ok = registered.has(celPolicyKey(p));
    setCondition(conditions, 'WebhookConfigured', ok, ok ? 'Webhook configured.' : 'Policy is not configured in the webhook.', now);
  }
  setCondition(conditions, 'RBACPermissionsGranted', true, backgroundEnabled(p) ? 'Policy is ready for reporting.' : 'Background scanning disabled; reporting permissions not required.', now);
  const conditionStatus: JsonObject = { ...(prevCond ?? {}), conditions, ready: conditions.every((c) => c['status'] === 'True') };
  const out: JsonObject = { conditionStatus, autogen: objOf(previous?.['autogen']) ?? {} };
  if (previous?.['generated'] === true) out['generated'] = true;
  return out;
}

export class CelPolicyStatusController {
  private readonly queue: WorkQueue<string>;
  private running: Promise<void> | undefined;
  writes = 0;

  constructor(private readonly opts: CelPolicyStatusOptions) {
    this.queue = new WorkQueue<string>({ name: 'cel-policy-status', maxRetries: 10, onDrop: (k, err) => opts.log?.error(err, 'failed to update policy status', { policy: k }) });
  }

  async start(signal: AbortSignal): Promise<void> {
    this.opts.policies.onChange((o) => {
      if (celPolicyResource(String(o['kind']))) this.queue.add(celPolicyKey(o));
    });
    await this.opts.policies.synced();
    this.requeueAll();
    this.running = this.queue.run(2, (key) => this.reconcile(key));
    signal.addEventListener('abort', () => void this.stop(), { once: true });
  }

  async stop(): Promise<void> {
    this.queue.shutdown();
    await this.running;
  }

  /** Re-checks every policy (the webhooks' registration changed). */
  requeueAll(): void {
    for (const p of this.opts.policies.all()) this.queue.add(celPolicyKey(p));
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  async reconcile(key: string): Promise<void> {
    const parts = key.split('/');
    const kind = parts[0] ?? '';
    const namespace = parts.length === 3 ? (parts[1] ?? '') : '';
    const name = parts[parts.length - 1] ?? '';
    const res = celPolicyResource(kind);
    if (!res) return;
    let p = this.opts.policies.get(kind, namespace, name);
    for (let attempt = 0; p && attempt < 5; attempt++) {
      const status = desiredCelStatus(p, this.opts.registered(), this.opts.now ? this.opts.now() : new Date());
      // fields the API server adds on its own do not count as a difference
      if (p['status'] !== undefined && subsetEqual(status, p['status'])) return;
      try {
        await this.opts.api.update(res, { ...(p as KubeObject), status }, { subresource: 'status' });
        this.writes++;
        return;
      } catch (err) {
        if (isNotFound(err)) return;
        if (!isConflict(err)) throw err;
        p = (await this.opts.api.get(res, namespace, name)) as JsonObject | undefined;
      }
    }
  }
}
