/**
 * Policy status of ClusterPolicies and Policies (pkg/controllers/webhook `updatePolicyStatuses`,
 * api/kyverno/v1/policy_status.go): condition `Ready` (status True, reason Succeeded, message `Ready`;
 * False / Failed / `Not Ready` when the policy is not registered), `autogen.rules` (the rules autogen
 * added, `autogen-*`), `rulecount` (validate, generate, mutate, verifyimages of the policy's own rules),
 * `validatingadmissionpolicy` kept as found, the deprecated `ready` cleared. Written to the status
 * subresource only when it differs (the condition's lastTransitionTime changes only with its status).
 *
 * Example: `new PolicyStatusController({ api, policies }).start(signal)`.
 */
import { deepEqual, isObject, type JsonObject, type JsonValue } from '../../engine/api/json.ts';
import type { KyvernoPolicy, Rule } from '../../engine/api/policy.ts';
import { policyKey } from '../../engine/api/policy.ts';
import { computeRules } from '../../engine/autogen/index.ts';
import { isConflict, isNotFound } from '../../k8s/client/errors.ts';
import type { KubeApi, KubeObject } from '../../k8s/client/types.ts';
import type { Logger } from '../../server/logging.ts';
import { CLUSTER_POLICIES, POLICIES, ruleHasGenerate, ruleHasValidate, ruleHasVerifyImages, type PolicyInformers } from '../policies/policy-informers.ts';
import { WorkQueue } from '../runtime/queue.ts';

export interface PolicyStatusOptions {
  api: KubeApi;
  policies: PolicyInformers;
  /** whether the policy is registered in the webhooks (default: always) */
  registered?: (p: KyvernoPolicy) => boolean;
  log?: Logger;
  now?: () => Date;
}

const nonEmpty = (v: unknown): boolean => v !== undefined && v !== null && (typeof v !== 'object' || Object.keys(v as object).length > 0);

/** `setRuleCount` */
export function ruleCount(rules: readonly Rule[]): JsonObject {
  let validate = 0;
  let generate = 0;
  let mutate = 0;
  let verifyimages = 0;
  for (const r of rules) {
    if (r.name.startsWith('autogen-')) continue;
    if (ruleHasGenerate(r)) generate++;
    if (ruleHasValidate(r)) validate++;
    if (nonEmpty(r.mutate)) mutate++;
    if (ruleHasVerifyImages(r)) verifyimages++;
  }
  return { validate, generate, mutate, verifyimages };
}

/** The status Kyverno computes for a policy (the condition's time from `previous` when unchanged). */
export function desiredStatus(p: KyvernoPolicy, ready: boolean, previous: JsonObject | undefined, now: Date): JsonObject {
  const rules = computeRules(p, '');
  const autogen = rules.filter((r) => r.name.startsWith('autogen-')) as unknown as JsonValue[];
  const prevConds = Array.isArray(previous?.['conditions']) ? (previous['conditions'] as JsonObject[]) : [];
  const status = ready ? 'True' : 'False';
  const prevReady = prevConds.find((c) => isObject(c) && c['type'] === 'Ready');
  const lastTransitionTime =
    prevReady && prevReady['status'] === status && typeof prevReady['lastTransitionTime'] === 'string' ? prevReady['lastTransitionTime'] : now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const ready_: JsonObject = { type: 'Ready', status, reason: ready ? 'Succeeded' : 'Failed', message: ready ? 'Ready' : 'Not Ready', lastTransitionTime };
  if (prevReady && typeof prevReady['observedGeneration'] === 'number') ready_['observedGeneration'] = prevReady['observedGeneration'];
  const conditions = [...prevConds.filter((c) => !(isObject(c) && c['type'] === 'Ready')), ready_];
  const out: JsonObject = {
    autogen: autogen.length > 0 ? { rules: autogen } : {},
    conditions,
    rulecount: ruleCount(rules),
    validatingadmissionpolicy: isObject(previous?.['validatingadmissionpolicy']) ? (previous['validatingadmissionpolicy'] as JsonObject) : { generated: false, message: '' },
  };
  return out;
}

export class PolicyStatusController {
  private readonly queue: WorkQueue<string>;
  private running: Promise<void> | undefined;
  writes = 0;

  constructor(private readonly opts: PolicyStatusOptions) {
    this.queue = new WorkQueue<string>({ name: 'policy-status', maxRetries: 10, onDrop: (k, err) => opts.log?.error(err, 'failed to update policy status', { policy: k }) });
  }

  async start(signal: AbortSignal): Promise<void> {
    this.opts.policies.onChange((c) => {
      if (c.type !== 'delete') this.queue.add(policyKey(c.policy));
    });
    await this.opts.policies.synced();
    for (const p of this.opts.policies.all()) this.queue.add(policyKey(p));
    this.running = this.queue.run(2, (key) => this.reconcile(key));
    signal.addEventListener('abort', () => void this.stop(), { once: true });
  }

  async stop(): Promise<void> {
    this.queue.shutdown();
    await this.running;
  }

  /** Re-checks every policy (the webhooks' registration changed). */
  requeueAll(): void {
    for (const p of this.opts.policies.all()) this.queue.add(policyKey(p));
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  async reconcile(key: string): Promise<void> {
    let p = this.opts.policies.get(key);
    if (!p) return;
    const res = p.kind === 'Policy' ? POLICIES : CLUSTER_POLICIES;
    for (let attempt = 0; attempt < 5; attempt++) {
      const obj = p as unknown as KubeObject;
      const previous = isObject(obj['status']) ? obj['status'] : undefined;
      const ready = this.opts.registered ? this.opts.registered(p) : true;
      const status = desiredStatus(p, ready, previous, this.opts.now ? this.opts.now() : new Date());
      if (previous && deepEqual({ ...previous, ready: undefined }, { ...status, ready: undefined }) && previous['ready'] === undefined) return;
      try {
        await this.opts.api.update(res, { ...obj, status }, { subresource: 'status' });
        this.writes++;
        return;
      } catch (err) {
        if (isNotFound(err)) return;
        if (!isConflict(err)) throw err;
        const fresh = await this.opts.api.get(res, p.metadata.namespace ?? '', p.metadata.name ?? '');
        if (!fresh) return;
        p = fresh as unknown as KyvernoPolicy;
      }
    }
  }
}
