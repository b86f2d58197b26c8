/**
 * Running the synchronous generate and mutate-existing code against the real API server.
 *
 * The engine's `ResourceClient` (and mutate-existing's target lookups) are synchronous; the API is not.
 * `runStaged` bridges them by *rounds*: each round runs the engine code against a `StagedClient` that
 * answers reads from data fetched so far and records what it did not know (a miss reads as NotFound,
 * and the round is thrown away); the misses are fetched and the code runs again, until a round needs
 * nothing new. Writes of that last round are kept in order (and visible to its own later reads) and
 * then committed by `commitWrites`. Every round starts from a fresh policy context, so a discarded round
 * leaves nothing behind.
 *
 * A kind the API's discovery cache does not know is a miss too: it is looked up with `api.resource`
 * (which re-reads discovery, rate limited, and the kind's group-version document, as Kyverno's discovery
 * client looks again when a kind is not found; the controllers also invalidate discovery on CRD changes)
 * before the round runs again, once per run; a kind still unknown then reads as NotFound, as before.
 * Without this, a trigger created right after its generate rule's CRD found the target kind unknown and
 * the rule yielded nothing (no write, no error, no PolicyError event).
 *
 * Example:
 *   const { value, writes } = await runStaged(api, (client) => applyGeneratePolicy(rt, newPc(), rules, client));
 *   await commitWrites(api, writes);
 */
import { deepCopy, isObject, type Resource } from '../../engine/api/json.ts';
import type { LabelSelector } from '../../engine/api/policy.ts';
import { ClientError, type FoundResource, type ResourceClient } from '../../engine/generate/client.ts';
import { matchNamespaceName } from '../../engine/generate/memory-cluster.ts';
import type { TargetLookup } from '../../engine/handlers/mutate-existing.ts';
import { isPendingFetch, type PendingFetch } from '../../engine/context/pending.ts';
import { compileLabelSelector } from '../../engine/match/label-selector.ts';
import { hasWildcard } from '../../engine/utils/wildcard.ts';
import { ApiError, isAlreadyExists, isNotFound } from '../../k8s/client/errors.ts';
import { labelSelectorToString } from '../../k8s/client/selector.ts';
import type { ApiResource, KubeApi } from '../../k8s/client/types.ts';

function meta(o: Resource): Record<string, unknown> {
  return isObject(o['metadata']) ? (o['metadata'] as Record<string, unknown>) : {};
}
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function groupResource(res: ApiResource): string {
  return res.group === '' ? res.resource : `${res.resource}.${res.group}`;
}

function objKey(res: ApiResource, namespace: string, name: string): string {
  return `${res.group}/${res.resource}|${res.namespaced ? namespace : ''}/${name}`;
}

function listKey(res: ApiResource, namespace: string, selector: string): string {
  return `${res.group}/${res.resource}|${res.namespaced ? namespace : ''}|${selector}`;
}

type Miss =
  | { type: 'get'; res: ApiResource; namespace: string; name: string }
  | { type: 'list'; res: ApiResource; namespace: string; selector: string }
  | { type: 'kind'; apiVersion: string; kind: string };

const kindKey = (apiVersion: string, kind: string): string => `${apiVersion}|${kind}`;

export interface StagedWrite {
  op: 'create' | 'update' | 'apply' | 'delete';
  res: ApiResource;
  namespace: string;
  name: string;
  obj: Resource;
}

/** Data fetched from the API, shared by the rounds of one `runStaged`. */
export class StagedData {
  readonly objects = new Map<string, Resource | null>();
  readonly lists = new Map<string, Resource[]>();
  /** kinds looked up after a discovery miss (found or not: looked up once per run) */
  private readonly kinds = new Map<string, ApiResource | undefined>();
  fetches = 0;

  constructor(readonly api: KubeApi) {}

  /** The API resource of a kind: the API's discovery cache, else what a lookup of this run found. */
  resourceFor(apiVersion: string, kind: string): ApiResource | undefined {
    return this.api.resourceSync(apiVersion, kind) ?? this.kinds.get(kindKey(apiVersion, kind));
  }

  /** Whether an unknown kind has not been looked up yet in this run. */
  mayLookUp(apiVersion: string, kind: string): boolean {
    return kind !== '' && !kind.includes('*') && !this.kinds.has(kindKey(apiVersion, kind));
  }

  async fetch(misses: readonly Miss[]): Promise<void> {
    for (const m of misses) {
      this.fetches++;
      if (m.type === 'kind') {
        const k = kindKey(m.apiVersion, m.kind);
        if (this.kinds.has(k)) continue;
        this.kinds.set(k, await this.api.resource(m.apiVersion, m.kind).catch(() => undefined));
      } else if (m.type === 'get') {
        const k = objKey(m.res, m.namespace, m.name);
        if (this.objects.has(k)) continue;
        this.objects.set(k, ((await this.api.get(m.res, m.namespace, m.name)) as Resource | undefined) ?? null);
      } else {
        const k = listKey(m.res, m.namespace, m.selector);
        if (this.lists.has(k)) continue;
        const r = await this.api.list(m.res, { namespace: m.namespace, labelSelector: m.selector });
        this.lists.set(k, r.items as Resource[]);
        for (const o of r.items) this.objects.set(objKey(m.res, str(meta(o)['namespace']), str(meta(o)['name'])), o as Resource);
      }
    }
  }
}

export class StagedClient implements ResourceClient, TargetLookup {
  readonly misses: Miss[] = [];
  readonly writes: StagedWrite[] = [];
  private readonly overlay = new Map<string, { res: ApiResource; obj: Resource | null }>();

  constructor(private readonly data: StagedData) {}

  /** The resource of a kind; an unknown kind is a miss (looked up once) and reads as NotFound. */
  private resolve(apiVersion: string, kind: string): ApiResource {
    const res = this.known(apiVersion, kind);
    if (!res) throw new ClientError('NotFound', `the server could not find the requested resource (${apiVersion} ${kind})`);
    return res;
  }

  private known(apiVersion: string, kind: string): ApiResource | undefined {
    const res = this.data.resourceFor(apiVersion, kind);
    if (!res && this.data.mayLookUp(apiVersion, kind)) this.misses.push({ type: 'kind', apiVersion, kind });
    return res;
  }

  private read(res: ApiResource, namespace: string, name: string): Resource | null {
    const k = objKey(res, namespace, name);
    const o = this.overlay.get(k);
    if (o) return o.obj;
    if (this.data.objects.has(k)) return this.data.objects.get(k) ?? null;
    this.misses.push({ type: 'get', res, namespace, name });
    return null;
  }

  private notFound(res: ApiResource, name: string): ClientError {
    return new ClientError('NotFound', `${groupResource(res)} "${name}" not found`);
  }

  getResource(apiVersion: string, kind: string, namespace: string, name: string): Resource {
    const res = this.resolve(apiVersion, kind);
    const o = this.read(res, namespace, name);
    if (!o) throw this.notFound(res, name);
    return deepCopy(o);
  }

  listResource(apiVersion: string, kind: string, namespace: string, selector: LabelSelector | undefined): Resource[] {
    const res = this.resolve(apiVersion, kind);
    const sel = labelSelectorToString(selector);
    if (sel === undefined) return [];
    const k = listKey(res, namespace, sel);
    const base = this.data.lists.get(k);
    if (!base) {
      this.misses.push({ type: 'list', res, namespace, selector: sel });
      return [];
    }
    const compiled = selector ? compileLabelSelector(selector) : undefined;
    const out = new Map<string, Resource>();
    for (const o of base) out.set(objKey(res, str(meta(o)['namespace']), str(meta(o)['name'])), o);
    for (const [key, v] of this.overlay) {
      if (v.res.group !== res.group || v.res.resource !== res.resource) continue;
      if (!v.obj) {
        out.delete(key);
        continue;
      }
      const ns = str(meta(v.obj)['namespace']);
      if (res.namespaced && namespace !== '' && ns !== namespace) continue;
      const labels = (meta(v.obj)['labels'] ?? {}) as Record<string, string>;
      if (compiled && !compiled.evaluate(labels).matched) {
        out.delete(key);
        continue;
      }
      out.set(key, v.obj);
    }
    return [...out.values()]
      .sort((a, b) => {
        const na = str(meta(a)['namespace']);
        const nb = str(meta(b)['namespace']);
        if (na !== nb) return na < nb ? -1 : 1;
        const x = str(meta(a)['name']);
        const y = str(meta(b)['name']);
        return x < y ? -1 : x > y ? 1 : 0;
      })
      .map((o) => deepCopy(o));
  }

  private stage(op: StagedWrite['op'], res: ApiResource, namespace: string, obj: Resource): Resource {
    const copy = deepCopy(obj);
    const m = meta(copy);
    copy['metadata'] = m as never;
    let ns = str(m['namespace']);
    if (res.namespaced && ns === '' && namespace !== '') {
      m['namespace'] = namespace;
      ns = namespace;
    }
    if (res.namespaced && namespace !== '' && ns !== namespace) {
      throw new ClientError('BadRequest', `the namespace of the provided object does not match the namespace sent on the request`);
    }
    const name = str(m['name']);
    const existing = this.read(res, ns, name);
    if (op === 'create' && existing) throw new ClientError('AlreadyExists', `${groupResource(res)} "${name}" already exists`);
    if (op === 'update' && !existing) throw this.notFound(res, name);
    if (op === 'apply' && !existing && this.misses.length > 0) throw this.notFound(res, name);
    this.writes.push({ op, res, namespace: ns, name, obj: deepCopy(copy) });
    this.overlay.set(objKey(res, ns, name), { res, obj: copy });
    return deepCopy(copy);
  }

  createResource(apiVersion: string, kind: string, namespace: string, obj: Resource): Resource {
    return this.stage('create', this.resolve(apiVersion, kind), namespace, obj);
  }

  updateResource(apiVersion: string, kind: string, namespace: string, obj: Resource): Resource {
    return this.stage('update', this.resolve(apiVersion, kind), namespace, obj);
  }

  applyResource(apiVersion: string, kind: string, namespace: string, name: string, obj: Resource): Resource {
    const copy = deepCopy(obj);
    const m = meta(copy);
    if (str(m['name']) === '') m['name'] = name;
    copy['metadata'] = m as never;
    return this.stage('apply', this.resolve(apiVersion, kind), namespace, copy);
  }

  /** Records a deletion (cleanup of downstream resources). */
  deleteResource(apiVersion: string, kind: string, namespace: string, name: string): void {
    const res = this.resolve(apiVersion, kind);
    this.writes.push({ op: 'delete', res, namespace, name, obj: {} });
    this.overlay.set(objKey(res, namespace, name), { res, obj: null });
  }

  getResources(group: string, version: string, kind: string, subresource: string, namespace: string, name: string, selector: LabelSelector | undefined): FoundResource[] {
    const apiVersion = group === '*' || group === '' ? (version === '*' ? '' : version) : `${group}/${version === '*' ? '' : version}`;
    let res = this.known(apiVersion, kind);
    if (!res && apiVersion !== '') res = this.data.resourceFor('', kind);
    if (!res) throw new ClientError('NotFound', `failed to find resource ${kind}`);
    const found = (object: Resource): FoundResource => ({ group: res.group, version: res.version, resource: res.resource, subresource, object });
    if (namespace !== '' && name !== '' && !hasWildcard(namespace) && !hasWildcard(name)) {
      const o = this.read(res, namespace, name);
      if (!o) throw this.notFound(res, name);
      return [found(deepCopy(o))];
    }
    return this.listResource(apiVersion === '' ? (res.group === '' ? res.version : `${res.group}/${res.version}`) : apiVersion, kind, '', selector)
      .filter((o) => matchNamespaceName(namespace, name, str(meta(o)['namespace']), str(meta(o)['name'])))
      .map(found);
  }

  isNamespaced(apiVersion: string, kind: string): boolean {
    return this.known(apiVersion, kind)?.namespaced ?? true;
  }

  list(apiVersion: string, kind: string, namespace?: string, selector?: LabelSelector): Resource[] {
    try {
      return this.listResource(apiVersion, kind, namespace ?? '', selector);
    } catch {
      return [];
    }
  }

  get(apiVersion: string, kind: string, namespace: string, name: string): Resource | undefined {
    try {
      return this.getResource(apiVersion, kind, namespace, name);
    } catch {
      return undefined;
    }
  }
}

export interface StagedOutcome<T> {
  value: T;
  writes: StagedWrite[];
  rounds: number;
}

/** The PendingFetch behind an error (variable substitution wraps the one a lazy context entry throws). */
function pendingFetchOf(err: unknown): PendingFetch | undefined {
  for (let e = err, depth = 0; e !== undefined && e !== null && depth < 10; e = (e as { cause?: unknown }).cause, depth++) {
    if (isPendingFetch(e)) return e;
  }
  return undefined;
}

/** Runs `fn` in rounds until it needs no data it has not seen (see the module comment). */
export async function runStaged<T>(api: KubeApi, fn: (client: StagedClient) => T, maxRounds = 25): Promise<StagedOutcome<T>> {
  await api.resources();
  const data = new StagedData(api);
  for (let round = 1; ; round++) {
    const client = new StagedClient(data);
    let value: T;
    let error: unknown;
    try {
      value = fn(client);
    } catch (err) {
      const pending = pendingFetchOf(err);
      if (pending && round < maxRounds) {
        // a context entry (ConfigMap, API call) must be fetched first
        await pending.fetch();
        await data.fetch(client.misses);
        continue;
      }
      error = err;
      value = undefined as T;
    }
    if (client.misses.length === 0 || round >= maxRounds) {
      if (error !== undefined) throw error;
      return { value, writes: client.writes, rounds: round };
    }
    await data.fetch(client.misses);
  }
}

/** Thrown when a committed write finds the cluster changed since the round read it. */
export class StaleWriteError extends Error {
  readonly code = 'STALE_WRITE';
}

/**
 * Applies staged writes in order. A create that finds the object already there, or an update / apply of
 * an object that is gone, means the cluster changed since the round read it: `StaleWriteError` (the
 * caller runs the whole request again). Deletions of missing objects are fine.
 */
export async function commitWrites(api: KubeApi, writes: readonly StagedWrite[], fieldManager = 'kyverno-generate'): Promise<Resource[]> {
  const out: Resource[] = [];
  for (const w of writes) {
    try {
      if (w.op === 'create') out.push((await api.create(w.res, w.obj)) as Resource);
      else if (w.op === 'update') out.push((await api.update(w.res, w.obj)) as Resource);
      else if (w.op === 'apply') {
        const body = { ...w.obj };
        const m = { ...meta(body) };
        delete m['resourceVersion'];
        delete m['uid'];
        delete m['creationTimestamp'];
        delete m['managedFields'];
        body['metadata'] = m as never;
        out.push((await api.patch(w.res, w.namespace, w.name, 'apply', body, { fieldManager, force: true })) as Resource);
      } else await api.delete(w.res, w.namespace, w.name);
    } catch (err) {
      // tagging a clone source is best effort (Kyverno logs the failure and goes on)
      const labels = (meta(w.obj)['labels'] ?? {}) as Record<string, string>;
      if (w.op === 'update' && 'generate.kyverno.io/clone-source' in labels && !('generate.kyverno.io/policy-name' in labels)) continue;
      if (w.op === 'create' && isAlreadyExists(err)) throw new StaleWriteError(`${w.res.kind} ${w.namespace}/${w.name} appeared meanwhile`);
      if (err instanceof ApiError && err.code === 409) throw new StaleWriteError(`${w.res.kind} ${w.namespace}/${w.name} changed meanwhile`);
      if (w.op !== 'create' && isNotFound(err)) throw new StaleWriteError(`${w.res.kind} ${w.namespace}/${w.name} disappeared meanwhile`);
      throw err;
    }
  }
  return out;
}
