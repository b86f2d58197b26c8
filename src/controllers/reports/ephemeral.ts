/**
 * Admission results travel from the replicas that evaluated them to the reports controller (the leader)
 * through reports.kyverno.io/v1 EphemeralReports / ClusterEphemeralReports, as in Kyverno — but bounded:
 *
 * - `EphemeralReportSink` (every admission replica; the server's `ReportSink`) coalesces results per
 *   resource for `flushIntervalMs` and writes ONE ephemeral report per resource and replica, named
 *   `<resource-uid>-<replica hash>`: further requests for the same resource update it instead of creating
 *   objects, so their number is bounded by the resources (times the replicas), never by the requests.
 *   Pending results are capped (`maxPending` resources; beyond it the oldest are dropped and counted) and
 *   flushed on shutdown.
 * - `EphemeralReportIngest` (the reports controller) watches them, merges their results into the store
 *   (newest per key) and deletes each one it consumed (a delete precondition on the resourceVersion it
 *   read keeps a newer write from being lost).
 *
 * Ephemeral report: labels `app.kubernetes.io/managed-by: kyverno`, `audit.kyverno.io/source: admission`,
 * `audit.kyverno.io/resource.{uid,group,version,kind}`, the policy labels (`cpol.kyverno.io/<name>`,
 * `pol.kyverno.io/<name>` = policy resourceVersion); annotations `audit.kyverno.io/resource.{namespace,name}`;
 * `spec.owner` = the resource; `spec.results`, `spec.summary`.
 */
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { isObject, type JsonObject } from '../../engine/api/json.ts';
import type { KyvernoPolicy } from '../../engine/api/policy.ts';
import { groupVersionKindOf } from '../../engine/match/gvk.ts';
import { isAlreadyExists, isConflict, isNotFound } from '../../k8s/client/errors.ts';
import { Informer } from '../../k8s/client/informer.ts';
import { labelsOf, nameOf, namespaceOf, resourceVersionOf, type ApiResource, type KubeApi, type KubeObject } from '../../k8s/client/types.ts';
import type { AdmissionReportRecord, ReportSink } from '../../server/admission/reports.ts';
import type { Logger } from '../../server/logging.ts';
import { isReportable } from '../policies/policy-informers.ts';
import { allowAllResults, engineResponseResults, mergeKey, mutationResponseResults, parseResult, resultJson, sortResults, summarize, type ReportResult, type StatusFilter } from './results.ts';
import type { ReportStore, ResourceRef } from './store.ts';

export const EPHEMERAL_REPORTS: ApiResource = {
  group: 'reports.kyverno.io',
  version: 'v1',
  resource: 'ephemeralreports',
  kind: 'EphemeralReport',
  namespaced: true,
  verbs: [],
  subresources: [],
};
export const CLUSTER_EPHEMERAL_REPORTS: ApiResource = {
  group: 'reports.kyverno.io',
  version: 'v1',
  resource: 'clusterephemeralreports',
  kind: 'ClusterEphemeralReport',
  namespaced: false,
  verbs: [],
  subresources: [],
};

export const LABEL_SOURCE = 'audit.kyverno.io/source';
export const LABEL_RESOURCE_UID = 'audit.kyverno.io/resource.uid';
export const LABEL_RESOURCE_GROUP = 'audit.kyverno.io/resource.group';
export const LABEL_RESOURCE_VERSION = 'audit.kyverno.io/resource.version';
export const LABEL_RESOURCE_KIND = 'audit.kyverno.io/resource.kind';
export const ANNOTATION_RESOURCE_NAMESPACE = 'audit.kyverno.io/resource.namespace';
export const ANNOTATION_RESOURCE_NAME = 'audit.kyverno.io/resource.name';

function ephemeralResource(namespace: string): ApiResource {
  return namespace === '' ? CLUSTER_EPHEMERAL_REPORTS : EPHEMERAL_REPORTS;
}

/** `cpol.kyverno.io/<name>` or `pol.kyverno.io/<name>` (label keys are cut at 63 characters of name). */
export function policyLabel(p: KyvernoPolicy): string {
  const prefix = p.kind === 'Policy' ? 'pol.kyverno.io/' : 'cpol.kyverno.io/';
  return prefix + (p.metadata.name ?? '').slice(0, 63);
}

interface Pending {
  ref: ResourceRef;
  results: Map<string, ReportResult>;
  policies: Map<string, string>;
  /** flushes that found no object yet (results of a CREATE without UID) */
  lookups?: number;
}

/** The pending key of results whose resource has no UID yet. */
function unresolvedKey(ref: ResourceRef): string {
  return `?${ref.apiVersion}/${ref.kind}/${ref.namespace}/${ref.name}`;
}

/** The write failed because the namespace no longer exists or is being deleted. */
function namespaceGone(err: unknown): boolean {
  const e = err as { code?: number; message?: string };
  if (isNotFound(err) && /namespaces? "[^"]*" not found/.test(e.message ?? '')) return true;
  return e.code === 403 && /because it is being terminated/.test(e.message ?? '');
}

/** How many flushes results of a created resource wait for it to exist (the request may be denied). */
const MAX_LOOKUPS = 30;

export interface EphemeralReportSinkOptions {
  api: KubeApi;
  /** identifies this replica in report names (default: the host name) */
  replicaId?: string;
  flushIntervalMs?: number;
  maxPending?: number;
  allowedResults?: StatusFilter;
  log?: Logger;
}

/** The ephemeral report for a resource's results. */
export function ephemeralReport(name: string, ref: ResourceRef, results: readonly ReportResult[], policyLabels: ReadonlyMap<string, string>): JsonObject {
  const i = ref.apiVersion.indexOf('/');
  const labels: Record<string, string> = {
    'app.kubernetes.io/managed-by': 'kyverno',
    [LABEL_SOURCE]: 'admission',
    [LABEL_RESOURCE_UID]: ref.uid,
    [LABEL_RESOURCE_GROUP]: i < 0 ? '' : ref.apiVersion.slice(0, i),
    [LABEL_RESOURCE_VERSION]: i < 0 ? ref.apiVersion : ref.apiVersion.slice(i + 1),
    [LABEL_RESOURCE_KIND]: ref.kind,
  };
  for (const [k, v] of policyLabels) labels[k] = v;
  const metadata: JsonObject = {
    name,
    labels,
    annotations: { [ANNOTATION_RESOURCE_NAMESPACE]: ref.namespace, [ANNOTATION_RESOURCE_NAME]: ref.name },
  };
  if (ref.namespace !== '') metadata['namespace'] = ref.namespace;
  const sorted = sortResults([...results]);
  return {
    apiVersion: 'reports.kyverno.io/v1',
    kind: ref.namespace === '' ? 'ClusterEphemeralReport' : 'EphemeralReport',
    metadata,
    spec: {
      owner: { apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, uid: ref.uid },
      results: sorted.map((r) => resultJson(r, false)),
      summary: { ...summarize(sorted) },
    },
  };
}

/** Reads an ephemeral report back: the resource it is about and its results. */
export function parseEphemeralReport(o: KubeObject): { ref: ResourceRef; results: ReportResult[] } | undefined {
  const spec = isObject(o['spec']) ? o['spec'] : {};
  const owner = isObject(spec['owner']) ? spec['owner'] : undefined;
  const labels = labelsOf(o);
  const ann = isObject((o['metadata'] as JsonObject | undefined)?.['annotations']) ? ((o['metadata'] as JsonObject)['annotations'] as Record<string, string>) : {};
  const uid = typeof owner?.['uid'] === 'string' ? owner['uid'] : (labels[LABEL_RESOURCE_UID] ?? '');
  if (uid === '') return undefined;
  const group = labels[LABEL_RESOURCE_GROUP] ?? '';
  const version = labels[LABEL_RESOURCE_VERSION] ?? '';
  const ref: ResourceRef = {
    uid,
    apiVersion: typeof owner?.['apiVersion'] === 'string' ? owner['apiVersion'] : group === '' ? version : `${group}/${version}`,
    kind: typeof owner?.['kind'] === 'string' ? owner['kind'] : (labels[LABEL_RESOURCE_KIND] ?? ''),
    name: typeof owner?.['name'] === 'string' ? owner['name'] : (ann[ANNOTATION_RESOURCE_NAME] ?? ''),
    namespace: namespaceOf(o) || (ann[ANNOTATION_RESOURCE_NAMESPACE] ?? ''),
  };
  const results = (Array.isArray(spec['results']) ? spec['results'] : []).map(parseResult).filter((r): r is ReportResult => r !== undefined);
  return { ref, results };
}

export class EphemeralReportSink implements ReportSink {
  private readonly pending = new Map<string, Pending>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private readonly suffix: string;
  private stopped = false;
  submitted = 0;
  written = 0;
  dropped = 0;
  failures = 0;

  constructor(private readonly opts: EphemeralReportSinkOptions) {
    this.suffix = createHash('sha256')
      .update(opts.replicaId ?? hostname())
      .digest('hex')
      .slice(0, 8);
  }

  submit(record: AdmissionReportRecord): void {
    if (this.stopped) return;
    const resource = record.resource;
    const m = isObject(resource['metadata']) ? resource['metadata'] : {};
    const uid = typeof m['uid'] === 'string' ? m['uid'] : '';
    // a CREATE being mutated has no UID yet: its results wait (keyed by kind and name) until the object
    // exists, as Kyverno's aggregation matches such admission reports to the resource afterwards
    const name = typeof m['name'] === 'string' ? m['name'] : record.request.name;
    if (uid === '' && !(record.source === 'mutation' && record.request.operation === 'CREATE' && name !== '')) return;
    const gvk = record.request.kind ?? groupVersionKindOf(resource);
    const ref: ResourceRef = {
      uid,
      apiVersion: gvk.group === '' ? gvk.version : `${gvk.group}/${gvk.version}`,
      kind: gvk.kind,
      // the request of a Namespace carries the namespace's own name as its namespace: it is cluster-scoped
      namespace: gvk.group === '' && gvk.kind === 'Namespace' ? '' : typeof m['namespace'] === 'string' ? m['namespace'] : record.request.namespace,
      name,
    };
    const seconds = Math.floor(record.time / 1000);
    const allowed = this.opts.allowedResults ?? allowAllResults;
    const key = uid !== '' ? uid : unresolvedKey(ref);
    let p = this.pending.get(key);
    for (const { policy, response } of record.responses) {
      if (!isReportable(policy)) continue;
      const results = record.source === 'mutation' ? mutationResponseResults(response, seconds, allowed) : engineResponseResults(response, seconds, allowed);
      if (!p) {
        if (this.pending.size >= (this.opts.maxPending ?? 10_000)) {
          const oldest = this.pending.keys().next().value as string;
          this.pending.delete(oldest);
          this.dropped++;
        }
        p = { ref, results: new Map(), policies: new Map() };
        this.pending.set(key, p);
      }
      p.policies.set(policyLabel(policy), String((policy.metadata as { resourceVersion?: string }).resourceVersion ?? ''));
      for (const r of results) p.results.set(mergeKey(r), r);
    }
    this.submitted++;
    this.schedule();
  }

  /** Queues results computed outside admission (generate, mutate-existing) for a resource. */
  submitResults(ref: ResourceRef, policy: KyvernoPolicy, results: readonly ReportResult[]): void {
    if (this.stopped || ref.uid === '' || ref.name === '' || results.length === 0 || !isReportable(policy)) return;
    let p = this.pending.get(ref.uid);
    if (!p) {
      p = { ref, results: new Map(), policies: new Map() };
      this.pending.set(ref.uid, p);
    }
    p.policies.set(policyLabel(policy), String((policy.metadata as { resourceVersion?: string }).resourceVersion ?? ''));
    for (const r of results) p.results.set(mergeKey(r), r);
    this.submitted++;
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.flushing || this.pending.size === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushing = this.flush().finally(() => {
        this.flushing = undefined;
        this.schedule();
      });
    }, this.opts.flushIntervalMs ?? 1000);
    this.timer.unref();
  }

  private async write(p: Pending): Promise<void> {
    const name = `${p.ref.uid}-${this.suffix}`;
    const res = ephemeralResource(p.ref.namespace);
    let body = ephemeralReport(name, p.ref, [...p.results.values()], p.policies);
    for (let attempt = 0; ; attempt++) {
      try {
        const existing = attempt === 0 ? undefined : await this.opts.api.get(res, p.ref.namespace, name);
        if (!existing) {
          await this.opts.api.create(res, body);
        } else {
          // not consumed yet: merge (newest per key) and update
          const prev = parseEphemeralReport(existing);
          const merged = new Map<string, ReportResult>();
          for (const r of prev?.results ?? []) merged.set(mergeKey(r), r);
          for (const r of p.results.values()) {
            const cur = merged.get(mergeKey(r));
            if (!cur || (cur.timestamp?.seconds ?? 0) <= (r.timestamp?.seconds ?? 0)) merged.set(mergeKey(r), r);
          }
          const labels = new Map(p.policies);
          for (const [k, v] of Object.entries(labelsOf(existing))) if (k.includes('pol.kyverno.io/') && !labels.has(k)) labels.set(k, v);
          body = ephemeralReport(name, p.ref, [...merged.values()], labels);
          (body['metadata'] as JsonObject)['resourceVersion'] = resourceVersionOf(existing);
          await this.opts.api.update(res, body);
        }
        this.written++;
        return;
      } catch (err) {
        if (attempt < 3 && (isAlreadyExists(err) || isConflict(err) || isNotFound(err))) continue;
        throw err;
      }
    }
  }

  /** Finds the UID of a resource created since its results were recorded; undefined: not there (yet). */
  private async resolve(p: Pending): Promise<string | undefined> {
    const res = await this.opts.api.resource(p.ref.apiVersion, p.ref.kind);
    if (!res) return undefined;
    const obj = await this.opts.api.get(res, p.ref.namespace, p.ref.name);
    const uid = (obj?.['metadata'] as { uid?: unknown } | undefined)?.uid;
    return typeof uid === 'string' && uid !== '' ? uid : undefined;
  }

  /** Writes every pending resource now. */
  async flush(): Promise<void> {
    const all = [...this.pending.values()];
    this.pending.clear();
    const batch: Pending[] = [];
    for (const p of all) {
      if (p.ref.uid !== '') {
        batch.push(p);
        continue;
      }
      let uid: string | undefined;
      try {
        uid = await this.resolve(p);
      } catch (err) {
        this.opts.log?.v(3).info('failed to look up a created resource', { name: p.ref.name, error: (err as Error).message });
      }
      if (uid === undefined) {
        p.lookups = (p.lookups ?? 0) + 1;
        if (p.lookups < MAX_LOOKUPS && !this.stopped) this.pending.set(unresolvedKey(p.ref), p);
        else this.dropped++;
        continue;
      }
      const resolved: Pending = { ref: { ...p.ref, uid }, results: p.results, policies: p.policies };
      const other = this.pending.get(uid) ?? batch.find((b) => b.ref.uid === uid);
      if (other) {
        // results recorded since, with the UID: newest per key wins
        for (const [k, r] of resolved.results) {
          const cur = other.results.get(k);
          if (!cur || (cur.timestamp?.seconds ?? 0) < (r.timestamp?.seconds ?? 0)) other.results.set(k, r);
        }
        for (const [k, v] of resolved.policies) if (!other.policies.has(k)) other.policies.set(k, v);
      } else batch.push(resolved);
    }
    if (this.pending.size > 0) this.schedule();
    let i = 0;
    const worker = async (): Promise<void> => {
      while (i < batch.length) {
        const p = batch[i++] as Pending;
        try {
          await this.write(p);
        } catch (err) {
          this.failures++;
          if (namespaceGone(err)) {
            // the resource's namespace is gone or going: so is the resource, nothing to report
            this.dropped++;
            continue;
          }
          this.opts.log?.error(err, 'failed to write ephemeral report', { uid: p.ref.uid });
          // keep it for the next flush unless newer results replaced it meanwhile
          if (!this.pending.has(p.ref.uid)) this.pending.set(p.ref.uid, p);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(8, batch.length) }, () => worker()));
  }

  /** Flushes what is pending and stops accepting results. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flushing;
    if (this.pending.size > 0) await this.flush();
  }
}

export interface EphemeralReportIngestOptions {
  api: KubeApi;
  store: ReportStore;
  log?: Logger;
  /** resource existence check before results are kept (default: GET through the API) */
  exists?: (ref: ResourceRef) => Promise<boolean>;
}

export class EphemeralReportIngest {
  private readonly informers: Informer[] = [];
  private readonly inflight = new Set<string>();
  private readonly again = new Set<string>();
  private readonly idleWaiters: Array<() => void> = [];
  consumed = 0;

  constructor(private readonly opts: EphemeralReportIngestOptions) {}

  async start(signal: AbortSignal): Promise<void> {
    for (const res of [EPHEMERAL_REPORTS, CLUSTER_EPHEMERAL_REPORTS]) {
      const inf = new Informer(this.opts.api, res, {
        labelSelector: 'app.kubernetes.io/managed-by=kyverno',
        onError: (err) => this.opts.log?.error(err, 'ephemeral report informer failed'),
      });
      inf.on({ add: (o) => this.consume(res, o), update: (_old, o) => this.consume(res, o) });
      inf.start();
      this.informers.push(inf);
    }
    signal.addEventListener('abort', () => this.stop(), { once: true });
    await Promise.all(this.informers.map((i) => i.synced()));
  }

  stop(): void {
    for (const i of this.informers) i.stop();
  }

  /** Resolves when no ephemeral report is being consumed. */
  idle(): Promise<void> {
    if (this.inflight.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private consume(res: ApiResource, o: KubeObject): void {
    const key = `${namespaceOf(o)}/${nameOf(o)}`;
    if (this.inflight.has(key)) {
      this.again.add(key);
      return;
    }
    this.inflight.add(key);
    void this.process(res, o)
      .catch((err) => this.opts.log?.error(err, 'failed to consume ephemeral report', { key }))
      .finally(() => {
        this.inflight.delete(key);
        if (this.again.delete(key)) {
          const inf = this.informers.find((i) => i.resource === res);
          const latest = inf?.get(namespaceOf(o), nameOf(o));
          if (latest) return this.consume(res, latest);
        }
        if (this.inflight.size === 0) for (const w of this.idleWaiters.splice(0)) w();
      });
  }

  private async process(res: ApiResource, o: KubeObject): Promise<void> {
    const parsed = parseEphemeralReport(o);
    if (parsed) {
      const exists = this.opts.exists ? await this.opts.exists(parsed.ref) : true;
      if (exists) this.opts.store.addAdmissionResults(parsed.ref, parsed.results);
    }
    try {
      await this.opts.api.delete(res, namespaceOf(o), nameOf(o), { preconditions: { resourceVersion: resourceVersionOf(o) } });
      this.consumed++;
    } catch (err) {
      // a newer version arrived: it is consumed on its own event
      if (!isConflict(err)) throw err;
    }
  }
}
