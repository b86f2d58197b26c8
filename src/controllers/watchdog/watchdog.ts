/**
 * The webhook fail-safe (Kyverno's watchdog, pkg/controllers/webhook: Lease `kyverno-health`,
 * annotation `kyverno.io/last-request-time`, idle deadline 100 s), made independent of the admission
 * replicas so that it still acts when every one of them is down:
 *
 * - Every `intervalMs` (10 s) the watchdog touches the Lease `kyverno-health` (labelled
 *   `app.kubernetes.io/name: kyverno`). The API server sends that UPDATE through the verify webhook
 *   (`kyverno-verify-mutating-webhook-cfg`, failurePolicy Ignore), and a live admission replica stamps
 *   `kyverno.io/last-request-time`. So a fresh stamp proves that the API server reaches a replica.
 * - Freshness is judged by *local* observation (when the stamp last changed, by this process's clock),
 *   so clock skew between nodes cannot trip it; a new watchdog waits a whole grace period first.
 * - No fresh stamp for `graceMs` (100 s): every webhook configuration labelled
 *   `webhook.kyverno.io/managed-by=kyverno` (the verify one aside) is *suspended*: the rules of its
 *   webhooks are emptied, their previous rules kept in the annotation `kyverno-ts.io/suspended-rules`.
 *   With no rules, the API server calls no webhook: the cluster cannot be locked out.
 * - Fresh again: suspended configurations get their rules back (only webhooks still empty; a
 *   configuration the admission server rewrote meanwhile is left as it is).
 *
 * Example:
 *   const w = new Watchdog({ api, namespace: 'kyverno', identity: pod });
 *   w.start(signal); w.healthy // -> true / false
 */
import { isObject, type JsonObject, type JsonValue } from '../../engine/api/json.ts';
import { isConflict, isNotFound } from '../../k8s/client/errors.ts';
import { LEASE_RESOURCE, microTime } from '../../k8s/client/lease.ts';
import { sleepUnlessAborted } from '../../k8s/client/rate-limit.ts';
import { annotationsOf, nameOf, type ApiResource, type KubeApi, type KubeObject } from '../../k8s/client/types.ts';
import type { Logger } from '../../server/logging.ts';

export const HEALTH_LEASE = 'kyverno-health';
export const ANNOTATION_LAST_REQUEST_TIME = 'kyverno.io/last-request-time';
export const ANNOTATION_SUSPENDED_RULES = 'kyverno-ts.io/suspended-rules';
export const LABEL_WEBHOOK_MANAGED_BY = 'webhook.kyverno.io/managed-by';
export const VERIFY_WEBHOOK_CONFIG = 'kyverno-verify-mutating-webhook-cfg';
/** the stamp a new lease starts with (the verify webhook's patch replaces an existing value) */
const NEVER = '1970-01-01T00:00:00Z';

export const VALIDATING_WEBHOOKS: ApiResource = {
  group: 'admissionregistration.k8s.io',
  version: 'v1',
  resource: 'validatingwebhookconfigurations',
  kind: 'ValidatingWebhookConfiguration',
  namespaced: false,
  verbs: [],
  subresources: [],
};
export const MUTATING_WEBHOOKS: ApiResource = { ...VALIDATING_WEBHOOKS, resource: 'mutatingwebhookconfigurations', kind: 'MutatingWebhookConfiguration' };

export interface WatchdogOptions {
  api: KubeApi;
  namespace: string;
  identity: string;
  /** default 10 s */
  intervalMs?: number;
  /** default 100 s (Kyverno's IdleDeadline) */
  graceMs?: number;
  /** configurations never suspended (default: the verify webhook) */
  exclude?: readonly string[];
  onChange?: (healthy: boolean) => void;
  log?: Logger;
  now?: () => number;
}

/** Empties the rules of a configuration's webhooks; undefined when there was nothing to empty. */
export function suspendConfig(cfg: KubeObject): KubeObject | undefined {
  const hooks = Array.isArray(cfg['webhooks']) ? (cfg['webhooks'] as JsonObject[]) : [];
  const saved: Record<string, JsonValue> = {};
  const prior = annotationsOf(cfg)[ANNOTATION_SUSPENDED_RULES];
  if (prior) {
    try {
      Object.assign(saved, JSON.parse(prior) as Record<string, JsonValue>);
    } catch {
      // unreadable: start over
    }
  }
  let changed = false;
  const webhooks = hooks.map((h) => {
    const rules = Array.isArray(h['rules']) ? h['rules'] : [];
    if (rules.length === 0) return h;
    changed = true;
    saved[String(h['name'])] = rules;
    return { ...h, rules: [] };
  });
  if (!changed) return undefined;
  const m = isObject(cfg['metadata']) ? cfg['metadata'] : {};
  return { ...cfg, metadata: { ...m, annotations: { ...annotationsOf(cfg), [ANNOTATION_SUSPENDED_RULES]: JSON.stringify(saved) } }, webhooks };
}

/** Restores suspended rules (webhooks still empty only) and drops the annotation; undefined when not suspended. */
export function resumeConfig(cfg: KubeObject): KubeObject | undefined {
  const ann = annotationsOf(cfg);
  const raw = ann[ANNOTATION_SUSPENDED_RULES];
  if (raw === undefined) return undefined;
  let saved: Record<string, JsonValue> = {};
  try {
    saved = JSON.parse(raw) as Record<string, JsonValue>;
  } catch {
    saved = {};
  }
  const hooks = Array.isArray(cfg['webhooks']) ? (cfg['webhooks'] as JsonObject[]) : [];
  const webhooks = hooks.map((h) => {
    const rules = Array.isArray(h['rules']) ? h['rules'] : [];
    const back = saved[String(h['name'])];
    return rules.length === 0 && Array.isArray(back) ? { ...h, rules: back } : h;
  });
  const { [ANNOTATION_SUSPENDED_RULES]: _drop, ...rest } = ann;
  const m = isObject(cfg['metadata']) ? cfg['metadata'] : {};
  return { ...cfg, metadata: { ...m, annotations: rest }, webhooks };
}

export class Watchdog {
  private lastStamp = '';
  private freshAt: number;
  private healthyFlag = true;
  private loop: Promise<void> | undefined;
  /** ticks, suspensions and resumptions (diagnostics) */
  ticks = 0;
  suspensions = 0;
  resumptions = 0;

  constructor(private readonly opts: WatchdogOptions) {
    this.freshAt = this.now();
  }

  private now(): number {
    return this.opts.now ? this.opts.now() : performance.now();
  }

  get healthy(): boolean {
    return this.healthyFlag;
  }

  /** Seconds since a replica last stamped the lease (as observed here). */
  get idleSeconds(): number {
    return (this.now() - this.freshAt) / 1000;
  }

  start(signal: AbortSignal): void {
    if (this.loop) return;
    this.loop = (async () => {
      while (!signal.aborted) {
        try {
          await this.tick();
        } catch (err) {
          this.opts.log?.error(err, 'watchdog tick failed');
        }
        await sleepUnlessAborted(this.opts.intervalMs ?? 10_000, signal);
      }
    })();
  }

  async stopped(): Promise<void> {
    await this.loop;
  }

  /** Touches the health lease and records whether a replica stamped it. */
  private async touch(): Promise<void> {
    const { api, namespace } = this.opts;
    const now = microTime(new Date());
    let lease = await api.get(LEASE_RESOURCE, namespace, HEALTH_LEASE);
    const labels = { 'app.kubernetes.io/name': 'kyverno' };
    if (!lease) {
      try {
        lease = await api.create(LEASE_RESOURCE, {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name: HEALTH_LEASE, namespace, labels, annotations: { [ANNOTATION_LAST_REQUEST_TIME]: NEVER } },
          spec: { holderIdentity: this.opts.identity, renewTime: now },
        });
      } catch (err) {
        if (!isConflict(err)) throw err;
        lease = await api.get(LEASE_RESOURCE, namespace, HEALTH_LEASE);
      }
    }
    if (lease) {
      const m = isObject(lease['metadata']) ? lease['metadata'] : {};
      const spec = isObject(lease['spec']) ? lease['spec'] : {};
      try {
        lease = await api.update(LEASE_RESOURCE, {
          ...lease,
          // the stamp is sent back unchanged: only the verify webhook (a live replica) may advance it;
          // it must exist, as the webhook's JSON patch replaces it
          metadata: {
            ...m,
            labels: { ...((m['labels'] as JsonObject) ?? {}), ...labels },
            annotations: { [ANNOTATION_LAST_REQUEST_TIME]: NEVER, ...((m['annotations'] as JsonObject) ?? {}) },
          },
          spec: { ...spec, holderIdentity: this.opts.identity, renewTime: now },
        });
      } catch (err) {
        if (!isConflict(err) && !isNotFound(err)) throw err;
      }
    }
    const stamp = lease ? (annotationsOf(lease)[ANNOTATION_LAST_REQUEST_TIME] ?? '') : '';
    if (stamp !== '' && stamp !== this.lastStamp) {
      if (this.lastStamp !== '' || this.stampIsRecent(stamp)) this.freshAt = this.now();
      this.lastStamp = stamp;
    }
  }

  /** The first stamp seen counts as fresh only when it is recent by the wall clock. */
  private stampIsRecent(stamp: string): boolean {
    const t = Date.parse(stamp);
    return Number.isFinite(t) && Date.now() - t <= (this.opts.graceMs ?? 100_000);
  }

  private async configs(): Promise<Array<{ res: ApiResource; obj: KubeObject }>> {
    const out: Array<{ res: ApiResource; obj: KubeObject }> = [];
    const exclude = new Set(this.opts.exclude ?? [VERIFY_WEBHOOK_CONFIG]);
    for (const res of [VALIDATING_WEBHOOKS, MUTATING_WEBHOOKS]) {
      const list = await this.opts.api.list(res, { labelSelector: `${LABEL_WEBHOOK_MANAGED_BY}=kyverno` });
      for (const obj of list.items) if (!exclude.has(nameOf(obj))) out.push({ res, obj });
    }
    return out;
  }

  /** One check: touch, judge, then suspend or resume the webhooks. */
  async tick(): Promise<void> {
    this.ticks++;
    try {
      await this.touch();
    } catch (err) {
      this.opts.log?.error(err, 'failed to touch the health lease');
    }
    const healthy = this.now() - this.freshAt <= (this.opts.graceMs ?? 100_000);
    if (healthy !== this.healthyFlag) {
      this.healthyFlag = healthy;
      this.opts.log?.info(healthy ? 'admission webhooks reachable again: restoring webhook rules' : 'no admission replica reachable: suspending webhook rules', {
        idleSeconds: Math.round(this.idleSeconds),
      });
      this.opts.onChange?.(healthy);
    }
    for (const { res, obj } of await this.configs()) {
      const next = healthy ? resumeConfig(obj) : suspendConfig(obj);
      if (!next) continue;
      try {
        await this.opts.api.update(res, next);
        if (healthy) this.resumptions++;
        else this.suspensions++;
      } catch (err) {
        if (!isConflict(err) && !isNotFound(err)) throw err;
      }
    }
  }
}
