/**
 * `MemoryKubeApi`: an in-memory `KubeApi` for unit tests of the controllers (never used in production).
 * It keeps objects per resource with the API server's bookkeeping that controllers rely on: a global
 * resourceVersion, uids, `generateName`, creationTimestamp, optimistic concurrency on update, the status
 * subresource, label/field selectors (name, namespace), merge / JSON patches, server-side apply
 * (approximated as a create-or-merge), and watches replayed from a resourceVersion (410 when it is older
 * than the kept history). Failures can be injected with `failNext`.
 *
 * Example:
 *   const api = new MemoryKubeApi();
 *   await api.create(await api.resource('v1', 'Namespace') as ApiResource, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } });
 */
import jsonpatch from 'fast-json-patch';
import { deepCopy, isObject, type JsonObject, type JsonValue } from '../../engine/api/json.ts';
import { BUILTIN_API_RESOURCES } from '../../engine/match/gvk.ts';
import { DiscoveryIndex } from './discovery.ts';
import { ApiError } from './errors.ts';
import { matchesSelector, parseSelector } from './selector.ts';
import {
  labelsOf,
  meta,
  nameOf,
  namespaceOf,
  type ApiResource,
  type DeleteOptions,
  type KubeApi,
  type KubeObject,
  type ListOptions,
  type ListResult,
  type PatchType,
  type WatchEvent,
  type WatchOptions,
  type WriteOptions,
} from './types.ts';

/** Kyverno's CRDs and a few built-ins the controllers use, as discovery would list them. */
const EXTRA: Array<[string, string, string, string, boolean, string[]]> = [
  ['kyverno.io', 'v1', 'clusterpolicies', 'ClusterPolicy', false, ['status']],
  ['kyverno.io', 'v1', 'policies', 'Policy', true, ['status']],
  ['kyverno.io', 'v2', 'policyexceptions', 'PolicyException', true, []],
  ['kyverno.io', 'v2', 'updaterequests', 'UpdateRequest', true, ['status']],
  ['reports.kyverno.io', 'v1', 'ephemeralreports', 'EphemeralReport', true, []],
  ['reports.kyverno.io', 'v1', 'clusterephemeralreports', 'ClusterEphemeralReport', false, []],
  ['wgpolicyk8s.io', 'v1alpha2', 'policyreports', 'PolicyReport', true, []],
  ['wgpolicyk8s.io', 'v1alpha2', 'clusterpolicyreports', 'ClusterPolicyReport', false, []],
  ['openreports.io', 'v1alpha1', 'reports', 'Report', true, []],
  ['openreports.io', 'v1alpha1', 'clusterreports', 'ClusterReport', false, []],
  ['events.k8s.io', 'v1', 'events', 'Event', true, []],
];

function defaultResources(): ApiResource[] {
  const out: ApiResource[] = [];
  const seen = new Set<string>();
  for (const r of BUILTIN_API_RESOURCES) {
    const key = `${r.group}/${r.version}/${r.resource}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ group: r.group, version: r.version, resource: r.resource, kind: r.kind, namespaced: r.namespaced, verbs: [], subresources: r.subresources.map((s) => s.name) });
  }
  for (const [group, version, resource, kind, namespaced, subresources] of EXTRA) {
    const key = `${group}/${version}/${resource}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ group, version, resource, kind, namespaced, verbs: [], subresources });
  }
  return out;
}

interface Watcher {
  resKey: string;
  namespace: string | undefined;
  selector: ReturnType<typeof parseSelector>;
  fieldSelector: string | undefined;
  onEvent: (e: WatchEvent) => void;
  done: () => void;
}

interface LoggedEvent {
  rv: number;
  resKey: string;
  event: WatchEvent;
}

function resKeyOf(res: { group: string; version: string; resource: string }): string {
  // versions of one group/resource share storage, as in the API server
  return `${res.group}/${res.resource}`;
}

function mergePatch(target: JsonValue, patch: JsonValue): JsonValue {
  if (!isObject(patch)) return deepCopy(patch);
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k] as JsonValue, v);
  }
  return out;
}

function fieldMatches(obj: KubeObject, fieldSelector: string | undefined): boolean {
  if (!fieldSelector) return true;
  for (const part of fieldSelector.split(',')) {
    const m = /^([^=!]+)(!=|==|=)(.*)$/.exec(part.trim());
    if (!m) continue;
    const path = (m[1] as string).split('.');
    let v: unknown = obj;
    for (const p of path) v = isObject(v) ? v[p] : undefined;
    const s = typeof v === 'string' ? v : v === undefined ? '' : String(v);
    if (m[2] === '!=' ? s === m[3] : s !== m[3]) return false;
  }
  return true;
}

export class MemoryKubeApi implements KubeApi {
  private readonly index: DiscoveryIndex;
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private readonly watchers = new Set<Watcher>();
  private readonly log: LoggedEvent[] = [];
  private rv = 100;
  private uidCounter = 0;
  private readonly failures: Array<{ method: string; match?: string; error: ApiError }> = [];
  /** every write call, for assertions: `create apps/deployments ns/name` */
  readonly calls: string[] = [];
  /** how many events the watch history keeps (older versions get 410 Gone) */
  historySize = 10_000;
  now: () => Date = () => new Date();

  constructor(extra: ApiResource[] = []) {
    const all = [...defaultResources(), ...extra];
    const preferred = new Map<string, string>();
    for (const r of all) if (!preferred.has(r.group)) preferred.set(r.group, r.version);
    preferred.set('', 'v1');
    this.index = new DiscoveryIndex(all, preferred);
  }

  /** Makes the next `method` call (optionally on a path containing `match`) fail with `error`. */
  failNext(method: 'get' | 'list' | 'create' | 'update' | 'patch' | 'delete' | 'watch', error: ApiError, match?: string): void {
    this.failures.push({ method, match, error });
  }

  private maybeFail(method: string, what: string): void {
    const i = this.failures.findIndex((f) => f.method === method && (!f.match || what.includes(f.match)));
    if (i >= 0) {
      const f = this.failures.splice(i, 1)[0] as { error: ApiError };
      throw f.error;
    }
  }

  async resource(apiVersion: string, kind: string): Promise<ApiResource | undefined> {
    return this.index.find(apiVersion, kind);
  }

  resourceSync(apiVersion: string, kind: string): ApiResource | undefined {
    return this.index.find(apiVersion, kind);
  }

  async resources(): Promise<readonly ApiResource[]> {
    return this.index.all;
  }

  /** discovery invalidations so far (the in-memory discovery never changes) */
  discoveryInvalidations = 0;

  invalidateDiscovery(): void {
    this.discoveryInvalidations++;
  }

  /** Synchronous resource lookup for test setup; throws when unknown. */
  res(apiVersion: string, kind: string): ApiResource {
    const r = this.index.find(apiVersion, kind);
    if (!r) throw new Error(`unknown resource ${apiVersion} ${kind}`);
    return r;
  }

  private bucket(res: ApiResource): Map<string, KubeObject> {
    const k = resKeyOf(res);
    let b = this.objects.get(k);
    if (!b) {
      b = new Map();
      this.objects.set(k, b);
    }
    return b;
  }

  private key(res: ApiResource, namespace: string, name: string): string {
    return res.namespaced ? `${namespace}/${name}` : name;
  }

  private out(res: ApiResource, obj: KubeObject): KubeObject {
    const copy = deepCopy(obj);
    copy['apiVersion'] = res.group === '' ? res.version : `${res.group}/${res.version}`;
    copy['kind'] = res.kind;
    return copy;
  }

  private record(res: ApiResource, type: WatchEvent['type'], obj: KubeObject): void {
    const event: WatchEvent = { type, object: obj };
    const resKey = resKeyOf(res);
    this.log.push({ rv: this.rv, resKey, event });
    if (this.log.length > this.historySize) this.log.splice(0, this.log.length - this.historySize);
    for (const w of this.watchers) {
      if (w.resKey !== resKey) continue;
      if (w.namespace && namespaceOf(obj) !== w.namespace) continue;
      if (!matchesSelector(w.selector, labelsOf(obj)) || !fieldMatches(obj, w.fieldSelector)) continue;
      w.onEvent({ type, object: this.out(res, obj) });
    }
  }

  /** Every stored object of a resource (test assertions). */
  all(res: ApiResource): KubeObject[] {
    return [...this.bucket(res).values()].map((o) => this.out(res, o));
  }

  /** Stores an object directly (test setup): no admission, but versions and uids as for a create. */
  seed(res: ApiResource, obj: KubeObject): KubeObject {
    const copy = deepCopy(obj);
    const m = meta(copy);
    copy['metadata'] = m;
    if (typeof m['uid'] !== 'string') m['uid'] = `uid-${++this.uidCounter}`;
    if (typeof m['creationTimestamp'] !== 'string') m['creationTimestamp'] = this.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
    m['resourceVersion'] = String(++this.rv);
    this.bucket(res).set(this.key(res, namespaceOf(copy), nameOf(copy)), copy);
    this.record(res, 'ADDED', this.out(res, copy));
    return this.out(res, copy);
  }

  async get(res: ApiResource, namespace: string, name: string): Promise<KubeObject | undefined> {
    this.maybeFail('get', `${resKeyOf(res)} ${namespace}/${name}`);
    const o = this.bucket(res).get(this.key(res, namespace, name));
    return o ? this.out(res, o) : undefined;
  }

  async list(res: ApiResource, opts: ListOptions = {}): Promise<ListResult> {
    this.maybeFail('list', resKeyOf(res));
    const sel = parseSelector(opts.labelSelector);
    const items = [...this.bucket(res).values()]
      .filter((o) => !opts.namespace || !res.namespaced || namespaceOf(o) === opts.namespace)
      .filter((o) => matchesSelector(sel, labelsOf(o)) && fieldMatches(o, opts.fieldSelector))
      .sort((a, b) => `${namespaceOf(a)}/${nameOf(a)}`.localeCompare(`${namespaceOf(b)}/${nameOf(b)}`))
      .map((o) => this.out(res, o));
    return { items, resourceVersion: String(this.rv) };
  }

  async create(res: ApiResource, obj: KubeObject, opts: WriteOptions = {}): Promise<KubeObject> {
    const copy = deepCopy(obj);
    const m = meta(copy);
    copy['metadata'] = m;
    if ((typeof m['name'] !== 'string' || m['name'] === '') && typeof m['generateName'] === 'string') {
      m['name'] = `${m['generateName']}${(++this.uidCounter).toString(36).padStart(5, 'x')}`;
    }
    const name = nameOf(copy);
    const ns = res.namespaced ? namespaceOf(copy) : '';
    this.calls.push(`create ${resKeyOf(res)} ${ns}/${name}`);
    this.maybeFail('create', `${resKeyOf(res)} ${ns}/${name}`);
    if (name === '') throw new ApiError(422, 'Invalid', `${res.kind} "" is invalid: metadata.name: Required value`);
    if (res.namespaced && ns === '') throw new ApiError(422, 'Invalid', `${res.kind} "${name}" is invalid: metadata.namespace: Required value`);
    const key = this.key(res, ns, name);
    if (this.bucket(res).has(key)) throw new ApiError(409, 'AlreadyExists', `${res.resource}${res.group ? '.' + res.group : ''} "${name}" already exists`);
    if (opts.dryRun) return this.out(res, copy);
    m['uid'] = `uid-${++this.uidCounter}`;
    m['creationTimestamp'] = this.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
    m['resourceVersion'] = String(++this.rv);
    if (res.subresources.includes('status')) delete copy['status'];
    this.bucket(res).set(key, copy);
    this.record(res, 'ADDED', this.out(res, copy));
    return this.out(res, copy);
  }

  async update(res: ApiResource, obj: KubeObject, opts: WriteOptions = {}): Promise<KubeObject> {
    const name = nameOf(obj);
    const ns = res.namespaced ? namespaceOf(obj) : '';
    this.calls.push(`update${opts.subresource ? '/' + opts.subresource : ''} ${resKeyOf(res)} ${ns}/${name}`);
    this.maybeFail('update', `${resKeyOf(res)} ${ns}/${name}`);
    const key = this.key(res, ns, name);
    const current = this.bucket(res).get(key);
    if (!current) throw new ApiError(404, 'NotFound', `${res.resource}${res.group ? '.' + res.group : ''} "${name}" not found`);
    const want = meta(obj)['resourceVersion'];
    if (typeof want === 'string' && want !== '' && want !== meta(current)['resourceVersion']) {
      throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${res.resource} "${name}": the object has been modified; please apply your changes to the latest version and try again`);
    }
    let next: KubeObject;
    if (opts.subresource === 'status') {
      next = deepCopy(current);
      if (obj['status'] === undefined) delete next['status'];
      else next['status'] = deepCopy(obj['status']);
    } else {
      next = deepCopy(obj);
      const nm = meta(next);
      next['metadata'] = nm;
      const cm = meta(current);
      nm['uid'] = cm['uid'] as JsonValue;
      nm['creationTimestamp'] = cm['creationTimestamp'] as JsonValue;
      if (res.subresources.includes('status')) {
        if (current['status'] === undefined) delete next['status'];
        else next['status'] = deepCopy(current['status']);
      }
    }
    meta(next)['resourceVersion'] = String(++this.rv);
    this.bucket(res).set(key, next);
    this.record(res, 'MODIFIED', this.out(res, next));
    return this.out(res, next);
  }

  async patch(res: ApiResource, namespace: string, name: string, type: PatchType, body: unknown, opts: WriteOptions = {}): Promise<KubeObject> {
    const ns = res.namespaced ? namespace : '';
    this.calls.push(`patch/${type} ${resKeyOf(res)} ${ns}/${name}`);
    this.maybeFail('patch', `${resKeyOf(res)} ${ns}/${name}`);
    const current = this.bucket(res).get(this.key(res, ns, name));
    if (!current) {
      if (type === 'apply' && isObject(body)) return this.create(res, { ...body, metadata: { ...meta(body), name, ...(ns ? { namespace: ns } : {}) } });
      throw new ApiError(404, 'NotFound', `${res.resource}${res.group ? '.' + res.group : ''} "${name}" not found`);
    }
    let next: KubeObject;
    if (type === 'json') {
      next = jsonpatch.applyPatch(deepCopy(current), body as jsonpatch.Operation[], true, false).newDocument as KubeObject;
    } else {
      next = mergePatch(current, body as JsonValue) as KubeObject;
    }
    if (opts.subresource !== 'status' && res.subresources.includes('status')) {
      if (current['status'] === undefined) delete next['status'];
      else next['status'] = deepCopy(current['status']);
    }
    const nm = meta(next);
    nm['resourceVersion'] = meta(current)['resourceVersion'] as JsonValue;
    return this.update(res, next, opts.subresource ? { subresource: opts.subresource } : {});
  }

  async delete(res: ApiResource, namespace: string, name: string, opts: DeleteOptions = {}): Promise<boolean> {
    const ns = res.namespaced ? namespace : '';
    this.calls.push(`delete ${resKeyOf(res)} ${ns}/${name}`);
    this.maybeFail('delete', `${resKeyOf(res)} ${ns}/${name}`);
    const key = this.key(res, ns, name);
    const current = this.bucket(res).get(key);
    if (!current) return false;
    const pre = opts.preconditions;
    if (pre?.uid && pre.uid !== meta(current)['uid']) throw new ApiError(409, 'Conflict', `Precondition failed: UID in precondition: ${pre.uid}`);
    if (pre?.resourceVersion && pre.resourceVersion !== meta(current)['resourceVersion']) {
      throw new ApiError(409, 'Conflict', 'Precondition failed: ResourceVersion in precondition');
    }
    this.bucket(res).delete(key);
    const gone = deepCopy(current);
    meta(gone)['resourceVersion'] = String(++this.rv);
    this.record(res, 'DELETED', this.out(res, gone));
    return true;
  }

  async watch(res: ApiResource, opts: WatchOptions, onEvent: (e: WatchEvent) => void, signal: AbortSignal): Promise<void> {
    this.maybeFail('watch', resKeyOf(res));
    const from = Number(opts.resourceVersion || '0');
    const oldest = this.log[0]?.rv ?? this.rv;
    if (opts.resourceVersion && from < oldest - 1 && this.log.length >= this.historySize) {
      throw new ApiError(410, 'Expired', `too old resource version: ${from} (${oldest})`);
    }
    const w: Watcher = {
      resKey: resKeyOf(res),
      namespace: res.namespaced ? opts.namespace : undefined,
      selector: parseSelector(opts.labelSelector),
      fieldSelector: opts.fieldSelector,
      onEvent,
      done: () => {},
    };
    for (const e of this.log) {
      if (e.rv <= from || e.resKey !== w.resKey) continue;
      const o = e.event.object;
      if (w.namespace && namespaceOf(o) !== w.namespace) continue;
      if (!matchesSelector(w.selector, labelsOf(o)) || !fieldMatches(o, w.fieldSelector)) continue;
      onEvent({ type: e.event.type, object: deepCopy(o) });
    }
    await new Promise<void>((resolve) => {
      w.done = resolve;
      this.watchers.add(w);
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
    this.watchers.delete(w);
  }

  /** Ends every open watch (they resume from their last version, as after a server timeout). */
  endWatches(): void {
    for (const w of [...this.watchers]) {
      this.watchers.delete(w);
      w.done();
    }
  }

  async raw(method: 'GET' | 'POST', path: string): Promise<unknown> {
    if (method !== 'GET') throw new ApiError(405, 'MethodNotAllowed', `${method} ${path}`);
    const parts = path.split('?')[0]!.split('/').filter((p) => p !== '');
    let group = '';
    let version: string;
    let rest: string[];
    if (parts[0] === 'api') {
      version = parts[1] ?? '';
      rest = parts.slice(2);
    } else {
      group = parts[1] ?? '';
      version = parts[2] ?? '';
      rest = parts.slice(3);
    }
    let ns = '';
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      ns = rest[1] ?? '';
      rest = rest.slice(2);
    }
    const res = this.index.findByResource(group, version, rest[0] ?? '');
    if (!res) throw new ApiError(404, 'NotFound', `the server could not find the requested resource`);
    if (rest[1]) {
      const o = await this.get(res, ns, rest[1]);
      if (!o) throw new ApiError(404, 'NotFound', `${res.resource} "${rest[1]}" not found`);
      return o;
    }
    const l = await this.list(res, { namespace: ns });
    return { apiVersion: group === '' ? version : `${group}/${version}`, kind: `${res.kind}List`, metadata: { resourceVersion: l.resourceVersion }, items: l.items };
  }
}
