/**
 * The webhook controller (pkg/controllers/webhook): keeps Kyverno's webhook configurations in the
 * cluster equal to what the current policies, the `kyverno` ConfigMap and the CA bundle call for
 * (configurations.ts). Reconciles after every change (coalesced), periodically, and after a failure
 * (with back-off). A configuration is created when missing and updated only when it differs (fields the
 * API server defaults are not compared).
 *
 * Cooperation with the fail-safe watchdog (`kyverno controllers`): a configuration the watchdog
 * suspended (annotation `kyverno-ts.io/suspended-rules`) stays suspended; its saved rules are replaced
 * by the desired ones so that resuming restores the current rules.
 *
 * Example:
 *   const c = new WebhookController({ api, policies: () => informers.all(), config: () => state.current(), ... });
 *   c.start(); ...; c.trigger(); ...; await c.stop();
 */
import { deepEqual, isObject, type JsonObject, type JsonValue } from '../../engine/api/json.ts';
import type { KyvernoPolicy } from '../../engine/api/policy.ts';
import { isAlreadyExists, isConflict, isNotFound } from '../../k8s/client/errors.ts';
import type { ApiResource, KubeApi, KubeObject } from '../../k8s/client/types.ts';
import type { KyvernoConfiguration } from '../config.ts';
import type { Logger } from '../logging.ts';
import type { Discovery } from '../sources/discovery.ts';
import { buildWebhookConfigurations, LABEL_WEBHOOK_MANAGED_BY, RESOURCE_MUTATING_CONFIG, RESOURCE_VALIDATING_CONFIG, type ClientTarget } from './configurations.ts';

export const VALIDATING_WEBHOOK_CONFIGURATIONS: ApiResource = {
  group: 'admissionregistration.k8s.io',
  version: 'v1',
  resource: 'validatingwebhookconfigurations',
  kind: 'ValidatingWebhookConfiguration',
  namespaced: false,
  verbs: [],
  subresources: [],
};
export const MUTATING_WEBHOOK_CONFIGURATIONS: ApiResource = { ...VALIDATING_WEBHOOK_CONFIGURATIONS, resource: 'mutatingwebhookconfigurations', kind: 'MutatingWebhookConfiguration' };

/** the watchdog's annotation (src/controllers/watchdog) */
export const ANNOTATION_SUSPENDED_RULES = 'kyverno-ts.io/suspended-rules';

export interface WebhookControllerOptions {
  api: KubeApi;
  /** every ClusterPolicy and Policy (ready or not) */
  policies: () => readonly KyvernoPolicy[];
  /** every ValidatingPolicy, MutatingPolicy and namespaced kind (cel-webhooks.ts) */
  celPolicies?: () => readonly JsonObject[];
  /** `--forceFailurePolicyIgnore` */
  forceFailurePolicyIgnore?: boolean;
  /** called after each successful reconcile with the CEL policies registered (`Kind/[ns/]name`) */
  onCelRegistered?: (keys: ReadonlySet<string>) => void;
  config: () => KyvernoConfiguration;
  discovery: Discovery;
  /** the CA bundle (PEM) to inject */
  caBundle: () => Promise<string>;
  target: ClientTarget;
  defaultTimeoutSeconds?: number;
  admissionReports?: boolean;
  /** periodic reconciliation (default 60 s) */
  resyncMs?: number;
  /** coalescing delay of triggers (default 100 ms) */
  debounceMs?: number;
  log: Logger;
  /** a policy names a kind discovery does not know (a CRD may just have appeared) */
  onUnknownKind?: (kind: string) => void;
  /** called after each successful reconcile with the policies fully registered */
  onRegistered?: (keys: ReadonlySet<string>) => void;
}

/** Whether every field of `want` is present and equal in `have` (fields only `have` holds are defaults). */
export function subsetEqual(want: JsonValue | undefined, have: JsonValue | undefined): boolean {
  if (Array.isArray(want)) {
    if (!Array.isArray(have) || have.length !== want.length) return false;
    return want.every((w, i) => subsetEqual(w, have[i]));
  }
  if (isObject(want ?? null)) {
    if (!isObject(have ?? null)) return false;
    const h = have as JsonObject;
    for (const [k, v] of Object.entries(want as JsonObject)) {
      if (isObject(v) && Object.keys(v).length === 0 && (h[k] === undefined || (isObject(h[k] ?? null) && Object.keys(h[k] as JsonObject).length === 0))) continue;
      if (!subsetEqual(v, h[k])) return false;
    }
    return true;
  }
  return deepEqual(want ?? null, have ?? null);
}

function metaOf(o: KubeObject): JsonObject {
  return isObject(o['metadata'] ?? null) ? (o['metadata'] as JsonObject) : {};
}

function stringMap(v: JsonValue | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (isObject(v ?? null)) for (const [k, x] of Object.entries(v as JsonObject)) if (typeof x === 'string') out[k] = x;
  return out;
}

export class WebhookController {
  private timer: NodeJS.Timeout | undefined;
  private resync: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private failures = 0;
  /** reconciles completed (diagnostics and tests) */
  reconciles = 0;
  private readonly log: Logger;
  private lastRegistered: Set<string> = new Set();
  private lastCelRegistered: Set<string> = new Set();

  constructor(private readonly opts: WebhookControllerOptions) {
    this.log = opts.log.child('webhook-controller');
  }

  start(): void {
    this.stopped = false;
    this.resync = setInterval(() => this.trigger(), this.opts.resyncMs ?? 60_000);
    this.resync.unref();
    this.trigger(0);
  }

  /** Schedules a reconcile (coalesced). */
  trigger(delayMs = this.opts.debounceMs ?? 100): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.reconcile()
        .then(
          () => {
            this.failures = 0;
          },
          (err: unknown) => {
            this.failures++;
            this.log.error(err, 'failed to reconcile webhook configurations', { failures: this.failures });
            this.again = true;
          },
        )
        .finally(() => {
          this.running = undefined;
          if (this.again) {
            this.again = false;
            this.trigger(this.failures > 0 ? Math.min(30_000, 250 * 2 ** Math.min(this.failures, 7)) : undefined);
          }
        });
    }, delayMs);
    this.timer.unref();
  }

  /** Policies registered by the last reconcile (`namespace/name` or `name`). */
  registered(): ReadonlySet<string> {
    return this.lastRegistered;
  }

  /** CEL policies registered by the last reconcile (`Kind/[ns/]name`). */
  celRegistered(): ReadonlySet<string> {
    return this.lastCelRegistered;
  }

  /** One reconciliation of every configuration. */
  async reconcile(): Promise<void> {
    const caBundle = await this.opts.caBundle();
    if (caBundle === '') throw new Error('no CA bundle yet');
    const built = buildWebhookConfigurations(this.opts.policies(), {
      target: this.opts.target,
      caBundle,
      config: this.opts.config(),
      defaultTimeoutSeconds: this.opts.defaultTimeoutSeconds ?? 10,
      admissionReports: this.opts.admissionReports ?? true,
      discovery: this.opts.discovery,
      ...(this.opts.celPolicies ? { celPolicies: this.opts.celPolicies() } : {}),
      forceFailurePolicyIgnore: this.opts.forceFailurePolicyIgnore ?? false,
      onUnknownKind: (p, kind, error) => {
        this.log.v(2).info('kind of a policy not found in discovery', { policy: p.metadata.name, kind, error });
        this.opts.onUnknownKind?.(kind);
      },
    });
    for (const obj of built.validating) await this.apply(VALIDATING_WEBHOOK_CONFIGURATIONS, obj);
    for (const obj of built.mutating) await this.apply(MUTATING_WEBHOOK_CONFIGURATIONS, obj);
    this.reconciles++;
    this.lastRegistered = built.registered;
    this.opts.onRegistered?.(built.registered);
    this.lastCelRegistered = built.celRegistered;
    this.opts.onCelRegistered?.(built.celRegistered);
  }

  private async apply(res: ApiResource, desired: KubeObject): Promise<void> {
    const name = String(metaOf(desired)['name']);
    for (let attempt = 0; ; attempt++) {
      const observed = await this.opts.api.get(res, '', name);
      if (!observed) {
        try {
          await this.opts.api.create(res, desired);
          this.log.info('webhook configuration created', { kind: res.kind, name });
          return;
        } catch (err) {
          if (isAlreadyExists(err) && attempt < 3) continue;
          throw err;
        }
      }
      const want = this.withSuspension(desired, observed, name);
      const om = metaOf(observed);
      const wm = metaOf(want);
      const same =
        deepEqual(stringMap(om['labels']), stringMap(wm['labels'])) &&
        deepEqual(stringMap(om['annotations']), stringMap(wm['annotations'])) &&
        subsetEqual((want['webhooks'] ?? []) as JsonValue, (observed['webhooks'] ?? []) as JsonValue);
      if (same) return;
      const updated: KubeObject = { ...observed, metadata: { ...om, labels: wm['labels'] ?? {}, annotations: wm['annotations'] ?? {} }, webhooks: want['webhooks'] ?? [] };
      try {
        await this.opts.api.update(res, updated);
        this.log.v(2).info('webhook configuration updated', { kind: res.kind, name });
        return;
      } catch (err) {
        if ((isConflict(err) || isNotFound(err)) && attempt < 3) continue;
        throw err;
      }
    }
  }

  /** A suspended resource configuration stays suspended, with the desired rules saved for resumption. */
  private withSuspension(desired: KubeObject, observed: KubeObject, name: string): KubeObject {
    if (name !== RESOURCE_VALIDATING_CONFIG && name !== RESOURCE_MUTATING_CONFIG) return desired;
    const ann = stringMap(metaOf(observed)['annotations']);
    if (ann[ANNOTATION_SUSPENDED_RULES] === undefined) return desired;
    const saved: Record<string, JsonValue> = {};
    const hooks = Array.isArray(desired['webhooks']) ? (desired['webhooks'] as JsonObject[]) : [];
    const webhooks = hooks.map((h) => {
      saved[String(h['name'])] = (h['rules'] ?? []) as JsonValue;
      return { ...h, rules: [] };
    });
    const m = metaOf(desired);
    return { ...desired, metadata: { ...m, annotations: { ...stringMap(m['annotations']), [ANNOTATION_SUSPENDED_RULES]: JSON.stringify(saved) } }, webhooks };
  }

  /** Deletes every configuration labelled `webhook.kyverno.io/managed-by` (shutdown cleanup). */
  async cleanup(): Promise<void> {
    for (const res of [VALIDATING_WEBHOOK_CONFIGURATIONS, MUTATING_WEBHOOK_CONFIGURATIONS]) {
      const list = await this.opts.api.list(res, { labelSelector: LABEL_WEBHOOK_MANAGED_BY });
      for (const o of list.items) await this.opts.api.delete(res, '', String(metaOf(o)['name'])).catch(() => false);
    }
  }

  /** Stops reconciling (waits for a reconcile in progress). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.resync) clearInterval(this.resync);
    await this.running;
  }

  /** Resolves after the next successful reconcile started now (tests, startup). */
  async settle(timeoutMs = 30_000): Promise<void> {
    const start = this.reconciles;
    const deadline = Date.now() + timeoutMs;
    this.trigger(0);
    while (this.reconciles <= start) {
      if (Date.now() > deadline) throw new Error('webhook configurations were not reconciled in time');
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
