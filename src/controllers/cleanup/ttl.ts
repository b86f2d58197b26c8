/**
 * The TTL part of Kyverno's cleanup controller (pkg/controllers/ttl): any resource labelled
 * `cleanup.kyverno.io/ttl` is deleted once its time has come.
 *
 * - The label holds a duration counted from the object's creationTimestamp (`30s`, `5m`, `2h`, `1d`,
 *   `1w`, `1h30m`, as go-openapi's strfmt.ParseDuration reads them) or an absolute time:
 *   `2006-01-02T150405Z` (UTC) or a date `2006-01-02`. An unreadable value is logged and left alone.
 * - Every resource kind discovery serves with the list, watch and delete verbs (preferred version per
 *   group) and that the controller's own identity may watch, list and delete (SelfSubjectAccessReviews,
 *   Kyverno's `HasResourcePermissions`: a kind its service account cannot delete keeps its labelled
 *   objects) is watched with the label selector `cleanup.kyverno.io/ttl`; kinds and permissions are
 *   re-checked every `rediscoverMs` (CRDs that appear later are covered).
 * - An object not yet due is requeued for the time remaining; objects being deleted are skipped; the
 *   delete uses the propagation policy named by the annotation `cleanup.kyverno.io/propagation-policy`
 *   (Foreground, Background, Orphan; anything else: the server default) and the object's UID as a
 *   precondition (a recreated object with the same name is judged afresh).
 * - Metrics (`metrics`): each deletion and failed deletion, by kind and namespace
 *   (`kyverno_ttl_controller_{deletedobjects,errors}_total`); Kyverno runs one queue per kind, named
 *   `[group/]version/resource`, and `ttlControllerName` gives that name for a key of the shared queue here.
 *
 * Example:
 *   const ttl = new TtlController({ api, log });
 *   await ttl.start(signal);
 */
import { parseDuration } from '../../engine/utils/duration.ts';
import { isNotFound } from '../../k8s/client/errors.ts';
import { Informer, stripManagedFields } from '../../k8s/client/informer.ts';
import { sleepUnlessAborted } from '../../k8s/client/rate-limit.ts';
import { annotationsOf, labelsOf, nameOf, namespaceOf, type ApiResource, type DeleteOptions, type KubeApi, type KubeObject } from '../../k8s/client/types.ts';
import type { Logger } from '../../server/logging.ts';
import { WorkQueue } from '../runtime/queue.ts';

export const LABEL_CLEANUP_TTL = 'cleanup.kyverno.io/ttl';
export const ANNOTATION_CLEANUP_PROPAGATION_POLICY = 'cleanup.kyverno.io/propagation-policy';

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  sec: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  min: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
  w: 604_800_000,
  wk: 604_800_000,
  week: 604_800_000,
  weeks: 604_800_000,
};

/**
 * A duration in ms as strfmt.ParseDuration reads it: Go's time.ParseDuration first (`1h30m`, `1.5h`,
 * `0`, signs), then the sum of its `<n><unit>` parts with days, weeks and long unit names (`1d`,
 * `1d12h`, `2 weeks`); undefined if unreadable.
 */
export function parseTtlDuration(value: string): number | undefined {
  const ns = parseDuration(value);
  if (ns !== undefined) return ns / 1e6;
  // every `<n><unit>` in the value adds up (`1d12h`, `2 weeks`); an unknown unit makes it unreadable
  let total: number | undefined;
  for (const m of value.matchAll(/(\d+)\s*([A-Za-zµ]+)/g)) {
    const unit = UNIT_MS[(m[2] as string).toLowerCase()];
    if (unit === undefined) return undefined;
    total = (total ?? 0) + Number(m[1]) * unit;
  }
  return total;
}

/** When an object with this label value and creation time is due; undefined when the value is unreadable. */
export function ttlDeadline(value: string, creationTimestamp: string | undefined): Date | undefined {
  const d = parseTtlDuration(value);
  if (d !== undefined) {
    const created = Date.parse(creationTimestamp ?? '');
    return Number.isNaN(created) ? undefined : new Date(created + d);
  }
  const dt = /^(\d{4})-(\d{2})-(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (dt) {
    const [, y, mo, da, h, mi, s] = dt.map(Number) as [number, number, number, number, number, number, number];
    const t = Date.UTC(y, mo - 1, da, h, mi, s);
    const back = new Date(t);
    return back.getUTCMonth() === mo - 1 && back.getUTCDate() === da && h < 24 && mi < 60 && s < 60 ? back : undefined;
  }
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (date) {
    const [, y, mo, da] = date.map(Number) as [number, number, number, number];
    const back = new Date(Date.UTC(y, mo - 1, da));
    return back.getUTCMonth() === mo - 1 && back.getUTCDate() === da ? back : undefined;
  }
  return undefined;
}

export function propagationPolicyOf(obj: KubeObject): DeleteOptions['propagationPolicy'] {
  const v = annotationsOf(obj)[ANNOTATION_CLEANUP_PROPAGATION_POLICY];
  return v === 'Foreground' || v === 'Background' || v === 'Orphan' ? v : undefined;
}

/** Kinds never watched: the API server's virtual kinds and Kyverno's own bookkeeping. */
function watchable(r: ApiResource): boolean {
  // no verbs listed: unknown (in-memory discovery), taken as served
  if (r.verbs.length > 0 && !['list', 'watch', 'delete'].every((v) => r.verbs.includes(v))) return false;
  if (r.resource.includes('/')) return false;
  return !(r.group === '' && r.resource === 'events') && !(r.group === 'events.k8s.io' && r.resource === 'events');
}

function resKey(r: ApiResource): string {
  return `${r.group}/${r.version}/${r.resource}`;
}

const SELF_SUBJECT_ACCESS_REVIEWS: ApiResource = {
  group: 'authorization.k8s.io',
  version: 'v1',
  resource: 'selfsubjectaccessreviews',
  kind: 'SelfSubjectAccessReview',
  namespaced: false,
  verbs: ['create'],
  subresources: [],
};

/** Whether the identity may do every verb on a resource kind, cluster-wide. */
export type AccessCheck = (res: ApiResource, verbs: readonly string[]) => Promise<boolean>;

/** `checker.Check` with the self checker: one SelfSubjectAccessReview per verb, all must be allowed. */
export function selfAccessCheck(api: KubeApi): AccessCheck {
  return async (res, verbs) => {
    const answers = await Promise.all(
      verbs.map(async (verb) => {
        const review = await api.create(SELF_SUBJECT_ACCESS_REVIEWS, {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          metadata: {},
          spec: { resourceAttributes: { group: res.group, version: res.version, resource: res.resource, verb } },
        });
        const status = review['status'] as { allowed?: boolean } | undefined;
        return status?.allowed === true;
      }),
    );
    return answers.every(Boolean);
  };
}

/** The kind part of a queue key (`group/version/resource|ns/name`) as Kyverno names its per-kind TTL controller: `[group/]version/resource`. */
export function ttlControllerName(key: string): string {
  const bar = key.indexOf('|');
  const gvr = bar < 0 ? key : key.slice(0, bar);
  return gvr.startsWith('/') ? gvr.slice(1) : gvr;
}

/** Where deletions are counted (pkg/metrics/ttl_info.go). */
export interface TtlMetrics {
  deleted(res: ApiResource, namespace: string): void;
  failed(res: ApiResource, namespace: string): void;
}

export interface TtlControllerOptions {
  api: KubeApi;
  /** whether the controller may watch, list and delete a kind (default: SelfSubjectAccessReviews) */
  canI?: AccessCheck;
  /** fresh discovery (default `api.resources()`) */
  resources?: () => Promise<readonly ApiResource[]>;
  /** how often kinds are rediscovered (default 60 s) */
  rediscoverMs?: number;
  workers?: number;
  log?: Logger;
  now?: () => number;
  metrics?: TtlMetrics;
}

export class TtlController {
  private readonly informers = new Map<string, { res: ApiResource; informer: Informer }>();
  private readonly queue: WorkQueue<string>;
  private running: Promise<void> | undefined;
  private loop: Promise<void> | undefined;
  private readonly stopController = new AbortController();
  private discovering: Promise<void> = Promise.resolve();
  deleted = 0;

  constructor(private readonly opts: TtlControllerOptions) {
    this.queue = new WorkQueue<string>({
      name: 'ttl',
      maxRetries: 10,
      onDrop: (key, err) => opts.log?.error(err, 'failed to delete resource', { key }),
    });
  }

  private now(): number {
    return this.opts.now ? this.opts.now() : Date.now();
  }

  /** The kinds watched now (`group/version/resource`). */
  watched(): string[] {
    return [...this.informers.keys()].sort();
  }

  /** Starts informers for every watchable kind and stops those no longer served (one pass at a time). */
  discover(): Promise<void> {
    const run = this.discovering.catch(() => undefined).then(() => this.discoverOnce());
    this.discovering = run;
    return run;
  }

  private async discoverOnce(): Promise<void> {
    if (this.stopController.signal.aborted) return;
    const all = await (this.opts.resources ? this.opts.resources() : this.opts.api.resources());
    const preferred = new Map<string, string>();
    for (const r of all) if (!preferred.has(r.group)) preferred.set(r.group, r.version);
    const want = new Map<string, ApiResource>();
    const canI = this.opts.canI ?? selfAccessCheck(this.opts.api);
    for (const r of all) {
      if (preferred.get(r.group) !== r.version || !watchable(r)) continue;
      const allowed = await canI(r, ['watch', 'list', 'delete']).catch((err: unknown) => {
        this.opts.log?.error(err, 'failed to check permissions', { resource: resKey(r) });
        return false;
      });
      if (allowed) want.set(resKey(r), r);
      else this.opts.log?.v(3).info('no permission to watch, list and delete: not watched', { resource: resKey(r) });
    }
    for (const [k, { informer }] of this.informers) {
      if (!want.has(k)) {
        informer.stop();
        this.informers.delete(k);
      }
    }
    for (const [k, res] of want) {
      if (this.informers.has(k)) continue;
      const informer = new Informer(this.opts.api, res, {
        labelSelector: LABEL_CLEANUP_TTL,
        transform: stripManagedFields,
        onError: (e) => this.opts.log?.v(3).info('ttl informer failed', { resource: k, error: (e as Error).message }),
      });
      const enqueue = (o: KubeObject) => this.queue.add(`${k}|${namespaceOf(o)}/${nameOf(o)}`);
      informer.on({ add: enqueue, update: (_old, o) => enqueue(o) });
      this.informers.set(k, { res, informer });
      informer.start();
    }
  }

  async start(signal: AbortSignal): Promise<void> {
    await this.discover();
    this.running = this.queue.run(this.opts.workers ?? 3, (key) => this.reconcile(key));
    const stop = this.stopController.signal;
    this.loop = (async () => {
      while (!stop.aborted) {
        await sleepUnlessAborted(this.opts.rediscoverMs ?? 60_000, stop);
        if (stop.aborted) return;
        try {
          await this.discover();
        } catch (err) {
          this.opts.log?.error(err, 'ttl: discovery failed');
        }
      }
    })();
    signal.addEventListener('abort', () => void this.stop(), { once: true });
  }

  async stop(): Promise<void> {
    this.stopController.abort();
    this.queue.shutdown();
    for (const { informer } of this.informers.values()) informer.stop();
    this.informers.clear();
    await this.running;
    await this.loop;
  }

  /** Resolves when nothing is queued, delayed or in flight (tests). */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  private async reconcile(key: string): Promise<void> {
    const bar = key.indexOf('|');
    const entry = this.informers.get(key.slice(0, bar));
    if (!entry) return;
    const ref = key.slice(bar + 1);
    const slash = ref.indexOf('/');
    const ns = ref.slice(0, slash);
    const name = ref.slice(slash + 1);
    const obj = entry.informer.get(ns, name);
    if (!obj) return;
    const m = (obj['metadata'] ?? {}) as { deletionTimestamp?: string; creationTimestamp?: string; uid?: string };
    if (m.deletionTimestamp) return;
    const value = labelsOf(obj)[LABEL_CLEANUP_TTL];
    if (value === undefined) return;
    const due = ttlDeadline(value, m.creationTimestamp);
    if (!due) {
      this.opts.log?.error(new Error(`invalid ${LABEL_CLEANUP_TTL} value ${JSON.stringify(value)}`), 'failed to parse label', { key });
      return;
    }
    const remaining = due.getTime() - this.now();
    if (remaining > 0) {
      this.queue.addAfter(key, remaining);
      return;
    }
    const options: DeleteOptions = {};
    const propagation = propagationPolicyOf(obj);
    if (propagation) options.propagationPolicy = propagation;
    if (m.uid) options.preconditions = { uid: m.uid };
    try {
      await this.opts.api.delete(entry.res, ns, name, options);
      this.deleted++;
      this.opts.metrics?.deleted(entry.res, ns);
      this.opts.log?.v(2).info('resource has been deleted', { key });
    } catch (err) {
      if (isNotFound(err)) return;
      this.opts.metrics?.failed(entry.res, ns);
      throw err;
    }
  }
}
