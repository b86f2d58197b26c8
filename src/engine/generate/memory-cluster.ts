/**
 * An in-memory API server with the behaviour of the fake clients the Kyverno CLI evaluates against
 * (client-go `testing.ObjectTracker` + `dynamic/fake`, and Kyverno's fake discovery,
 * kyverno/pkg/clients/dclient/fake.go, ext/cluster/fake.go). Pure: no I/O.
 *
 * What it reproduces, because the CLI's answers depend on it:
 * - Objects given up front are stored under the resource `meta.UnsafeGuessKindToResource` names
 *   (`NetworkPolicy` -> `networkpolicies`); objects created later are stored under the resource that
 *   discovery maps their kind to.
 * - Discovery knows a list of resources (the CLI's registrations plus a fixed set: configmaps, endpoints,
 *   namespaces, resourcequotas, secrets, serviceaccounts, daemonsets, deployments, statefulsets) and finds
 *   a kind by the name `lowercase(kind) + "s"`, ignoring group and version. A kind it cannot find maps to
 *   the empty resource for GET/CREATE (which then behaves as one more bucket) and is an error (`not found`)
 *   for `getResources`. So with the CLI, clone sources whose kind ends in `s` or `y` are never found.
 * - LIST needs a registered list kind (the Go fake panics otherwise; here it is an error), lists are sorted
 *   by namespace then name and filtered by the label selector.
 * - Namespaces are not defaulted; creating an object whose namespace differs from the request's is a
 *   BadRequest; server-side apply of a missing object is NotFound (the fake tracker's Apply reads first).
 */
import { deepCopy, isObject, type JsonObject, type JsonValue, type Resource } from '../api/json.ts';
import type { LabelSelector } from '../api/policy.ts';
import type { GroupVersionKind } from '../api/request.ts';
import { compileLabelSelector } from '../match/label-selector.ts';
import { groupVersionKindOf, guessKindToResource, parseGroupVersion } from '../match/gvk.ts';
import type { TargetResolver } from '../handlers/targets.ts';
import { wildcardMatch, hasWildcard } from '../utils/wildcard.ts';
import { ClientError, type FoundResource, type ResourceClient } from './client.ts';
import { getKindFromGvk } from './kinds.ts';
import { getLabels, getName, getNamespace } from './unstructured.ts';

export interface GroupVersionResource {
  group: string;
  version: string;
  resource: string;
}

const gvrKey = (g: GroupVersionResource): string => `${g.group}/${g.version}/${g.resource}`;
const EMPTY_GVR: GroupVersionResource = { group: '', version: '', resource: '' };

/** `NewFakeDiscoveryClient`'s fixed registrations, appended after the given ones. */
export const PREREGISTERED_RESOURCES: readonly GroupVersionResource[] = [
  { group: '', version: 'v1', resource: 'configmaps' },
  { group: '', version: 'v1', resource: 'endpoints' },
  { group: '', version: 'v1', resource: 'namespaces' },
  { group: '', version: 'v1', resource: 'resourcequotas' },
  { group: '', version: 'v1', resource: 'secrets' },
  { group: '', version: 'v1', resource: 'serviceaccounts' },
  { group: 'apps', version: 'v1', resource: 'daemonsets' },
  { group: 'apps', version: 'v1', resource: 'deployments' },
  { group: 'apps', version: 'v1', resource: 'statefulsets' },
];

export interface MemoryClusterOptions {
  /** discovery registrations, in order (PREREGISTERED_RESOURCES are appended) */
  registered: readonly GroupVersionResource[];
  /** exact resource -> kind mappings tried before the name guess (`AddGVRToGVKMapping`) */
  gvrToGvk?: ReadonlyArray<readonly [GroupVersionResource, GroupVersionKind]>;
  /** resources that can be listed, with their list kind (`gvrToListKind`) */
  listKinds?: ReadonlyArray<readonly [GroupVersionResource, string]>;
}

/** The resource a Kubernetes error names: `secrets`, `deployments.apps`. */
function groupResource(g: GroupVersionResource): string {
  return g.group === '' ? g.resource : `${g.resource}.${g.group}`;
}

function objectKey(namespace: string, name: string): string {
  return `${namespace}\u0000${name}`;
}

/**
 * The in-memory cluster. Implements the generate client and the engine's `TargetResolver`.
 * Example: `const c = generateMockCluster([trigger, ...cloneSources], cloneListKinds)`, then
 * `c.getResource('v1', 'Secret', 'default', 'regcred')`.
 */
export class MemoryCluster implements ResourceClient, TargetResolver {
  private readonly store = new Map<string, Map<string, Resource>>();
  private readonly registered: GroupVersionResource[];
  private readonly gvrToGvk: ReadonlyArray<readonly [GroupVersionResource, GroupVersionKind]>;
  private readonly listable = new Map<string, string>();

  constructor(options: MemoryClusterOptions, objects: readonly Resource[] = []) {
    this.registered = [...options.registered, ...PREREGISTERED_RESOURCES];
    this.gvrToGvk = options.gvrToGvk ?? [];
    for (const [gvr, listKind] of options.listKinds ?? []) {
      if (!this.listable.has(gvrKey(gvr))) this.listable.set(gvrKey(gvr), listKind);
    }
    for (const o of objects) this.add(o);
  }

  /** `tracker.Add`: stores an object under its guessed resource; a duplicate keeps the first one. */
  add(obj: Resource): void {
    const gvk = groupVersionKindOf(obj);
    if (gvk.kind === '') return;
    const gvr = { group: gvk.group, version: gvk.version, resource: guessKindToResource(gvk.kind).plural };
    const bucket = this.bucket(gvr);
    const key = objectKey(getNamespace(obj), getName(obj));
    if (!bucket.has(key)) bucket.set(key, deepCopy(obj));
    const listKey = gvrKey(gvr);
    if (!this.listable.has(listKey)) this.listable.set(listKey, `${gvk.kind}List`);
  }

  private bucket(gvr: GroupVersionResource): Map<string, Resource> {
    const k = gvrKey(gvr);
    let b = this.store.get(k);
    if (!b) this.store.set(k, (b = new Map()));
    return b;
  }

  /** `FindResources` of the fake discovery: the first registration named `lowercase(kind)+"s"`. */
  findResource(kind: string): GroupVersionResource | undefined {
    const name = `${kind.toLowerCase()}s`;
    return this.registered.find((r) => r.resource === name);
  }

  /** `getGroupVersionMapper`: the resource GET/LIST/CREATE use; the empty resource when unknown. */
  resourceFor(apiVersion: string, kind: string): GroupVersionResource {
    let av = apiVersion;
    let k = kind;
    if (av === '') {
      if (k === '') return EMPTY_GVR;
      [av, k] = getKindFromGvk(k);
    }
    const gv = parseGroupVersion(av);
    if (!gv) return EMPTY_GVR;
    for (const [gvr, gvk] of this.gvrToGvk) {
      if (gvk.group === gv.group && gvk.version === gv.version && gvk.kind === k) return gvr;
    }
    return this.findResource(k) ?? EMPTY_GVR;
  }

  private notFound(gvr: GroupVersionResource, name: string): ClientError {
    return new ClientError('NotFound', `${groupResource(gvr)} "${name}" not found`);
  }

  private getFrom(gvr: GroupVersionResource, namespace: string, name: string): Resource {
    const obj = this.store.get(gvrKey(gvr))?.get(objectKey(namespace, name));
    if (!obj) throw this.notFound(gvr, name);
    return deepCopy(obj);
  }

  private listFrom(gvr: GroupVersionResource, namespace: string, selector: LabelSelector | undefined): Resource[] {
    if (!this.listable.has(gvrKey(gvr))) {
      throw new ClientError('Unsupported', `no list kind registered for resource ${gvrKey(gvr)}`);
    }
    const bucket = this.store.get(gvrKey(gvr));
    if (!bucket) return [];
    const compiled = selector ? compileLabelSelector(selector) : undefined;
    const items: Resource[] = [];
    for (const obj of bucket.values()) {
      if (namespace !== '' && getNamespace(obj) !== namespace) continue;
      if (compiled) {
        const r = compiled.evaluate(getLabels(obj) ?? {});
        // an invalid selector is rejected by the API (the Go fake panics)
        if (r.error !== '') throw new ClientError('BadRequest', `invalid selector: ${r.error}`);
        if (!r.matched) continue;
      }
      items.push(obj);
    }
    items.sort((a, b) => {
      const na = getNamespace(a);
      const nb = getNamespace(b);
      if (na !== nb) return na < nb ? -1 : 1;
      const ma = getName(a);
      const mb = getName(b);
      return ma < mb ? -1 : ma > mb ? 1 : 0;
    });
    return items.map((o) => deepCopy(o));
  }

  private put(gvr: GroupVersionResource, namespace: string, obj: Resource, replace: boolean): Resource {
    const copy = deepCopy(obj);
    let ns = getNamespace(copy);
    if (ns === '' && namespace !== '') {
      setNamespace(copy, namespace);
      ns = namespace;
    }
    if (namespace !== ns) {
      throw new ClientError('BadRequest', `request namespace does not match object namespace, request: "${namespace}" object: "${ns}"`);
    }
    const bucket = this.bucket(gvr);
    const key = objectKey(ns, getName(copy));
    const exists = bucket.has(key);
    if (exists && !replace) throw new ClientError('AlreadyExists', `${groupResource(gvr)} "${getName(copy)}" already exists`);
    if (!exists && replace) throw this.notFound(gvr, getName(copy));
    bucket.set(key, copy);
    return deepCopy(copy);
  }

  // --- ResourceClient ---------------------------------------------------------------------------

  getResource(apiVersion: string, kind: string, namespace: string, name: string): Resource {
    return this.getFrom(this.resourceFor(apiVersion, kind), namespace, name);
  }

  listResource(apiVersion: string, kind: string, namespace: string, selector: LabelSelector | undefined): Resource[] {
    return this.listFrom(this.resourceFor(apiVersion, kind), namespace, selector);
  }

  createResource(apiVersion: string, kind: string, namespace: string, obj: Resource): Resource {
    return this.put(this.resourceFor(apiVersion, kind), namespace, obj, false);
  }

  updateResource(apiVersion: string, kind: string, namespace: string, obj: Resource): Resource {
    return this.put(this.resourceFor(apiVersion, kind), namespace, obj, true);
  }

  applyResource(apiVersion: string, kind: string, namespace: string, name: string, obj: Resource): Resource {
    const gvr = this.resourceFor(apiVersion, kind);
    const existing = this.getFrom(gvr, namespace, name);
    const merged = mergePatch(existing, obj) as Resource;
    return this.put(gvr, namespace, merged, true);
  }

  getResources(
    _group: string,
    _version: string,
    kind: string,
    subresource: string,
    namespace: string,
    name: string,
    selector: LabelSelector | undefined,
  ): FoundResource[] {
    const gvr = this.findResource(kind);
    if (!gvr) throw new ClientError('NotFound', 'not found');
    const found = (object: Resource): FoundResource => ({ ...gvr, subresource, object });
    if (namespace !== '' && name !== '' && !hasWildcard(namespace) && !hasWildcard(name)) {
      return [found(this.getFrom(gvr, namespace, name))];
    }
    return this.listFrom(gvr, '', selector)
      .filter((o) => matchNamespaceName(namespace, name, getNamespace(o), getName(o)))
      .map(found);
  }

  isNamespaced(_apiVersion: string, kind: string): boolean {
    // the fake discovery reports found resources with the zero value (not namespaced)
    return this.findResource(kind) === undefined;
  }

  // --- TargetResolver (errors read as absent) -----------------------------------------------------

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

/** `match` of pkg/clients/dclient/helpers.go: wildcard namespace and name patterns; empty = any. */
export function matchNamespaceName(namespacePattern: string, namePattern: string, namespace: string, name: string): boolean {
  if (namespacePattern === '' && namePattern === '') return true;
  if (namespacePattern === '') return wildcardMatch(namePattern, name);
  if (wildcardMatch(namespacePattern, namespace)) return namePattern === '' || wildcardMatch(namePattern, name);
  return false;
}

function setNamespace(obj: Resource, ns: string): void {
  const m = obj['metadata'];
  if (isObject(m)) m['namespace'] = ns;
  else obj['metadata'] = { namespace: ns };
}

/** RFC 7386 merge patch (the fake tracker's apply of an existing object, approximately). */
function mergePatch(target: JsonValue, patch: JsonValue): JsonValue {
  if (!isObject(patch)) return deepCopy(patch);
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k] ?? null, v);
  }
  return out;
}

function guessedGvr(obj: Resource): GroupVersionResource | undefined {
  const gvk = groupVersionKindOf(obj);
  if (gvk.kind === '') return undefined;
  return { group: gvk.group, version: gvk.version, resource: guessKindToResource(gvk.kind).plural };
}

/**
 * The CLI's generate "mock controller" cluster (processor/generate.go initializeMockController): the
 * trigger and the clone sources; discovery registers `lowercase(kind)+"s"` of each object's kind, and the
 * cloneList kinds (`v1/Secret`) get list kinds.
 */
export function generateMockCluster(objects: readonly Resource[], cloneListKinds: readonly string[] = []): MemoryCluster {
  const registered: GroupVersionResource[] = [];
  const seen = new Set<string>();
  for (const o of objects) {
    const gvk = groupVersionKindOf(o);
    if (gvk.kind === '') continue;
    const gvr = { group: gvk.group, version: gvk.version, resource: `${gvk.kind.toLowerCase()}s` };
    if (seen.has(gvrKey(gvr))) continue;
    seen.add(gvrKey(gvr));
    registered.push(gvr);
  }
  const listKinds: Array<[GroupVersionResource, string]> = [];
  for (const k of cloneListKinds) {
    const [apiVersion, kind] = getKindFromGvk(k);
    if (apiVersion === '' || kind === '') continue;
    const gv = parseGroupVersion(apiVersion);
    if (!gv) continue;
    listKinds.push([{ group: gv.group, version: gv.version, resource: `${kind.toLowerCase()}s` }, `${kind}List`]);
  }
  return new MemoryCluster({ registered, listKinds }, objects);
}

/**
 * The offline cluster of `kyverno test` (ext/cluster/fake.go DClient over resources, target resources,
 * parameter resources and, with `clusterResources`, their resources then their CRDs) and of `kyverno apply`
 * without `--cluster` (commands/apply createFakeClientFromResources: resources, target resources, parameter
 * resources). Discovery registers each object kind's guessed resource (first object wins) with an exact kind
 * mapping, then each CRD's storage versions under their declared plural, then the fixed set; all of those
 * can be listed.
 * Example: `testCluster([...resources, ...targetResources])`.
 */
export function testCluster(objects: readonly Resource[], crds: readonly Resource[] = []): MemoryCluster {
  const registered: GroupVersionResource[] = [];
  const gvrToGvk: Array<[GroupVersionResource, GroupVersionKind]> = [];
  const listKinds: Array<[GroupVersionResource, string]> = [];
  const seen = new Set<string>();
  const register = (gvr: GroupVersionResource, gvk: GroupVersionKind): void => {
    if (seen.has(gvrKey(gvr))) return;
    seen.add(gvrKey(gvr));
    registered.push(gvr);
    gvrToGvk.push([gvr, gvk]);
    listKinds.push([gvr, `${gvk.kind}List`]);
  };
  for (const o of objects) {
    const gvr = guessedGvr(o);
    if (gvr) register(gvr, groupVersionKindOf(o));
  }
  for (const crd of crds) {
    const spec = isObject(crd['spec']) ? crd['spec'] : {};
    const names = isObject(spec['names']) ? spec['names'] : {};
    const group = typeof spec['group'] === 'string' ? spec['group'] : '';
    const plural = typeof names['plural'] === 'string' ? names['plural'] : '';
    const kind = typeof names['kind'] === 'string' ? names['kind'] : '';
    for (const v of Array.isArray(spec['versions']) ? spec['versions'] : []) {
      if (!isObject(v) || v['storage'] !== true || typeof v['name'] !== 'string') continue;
      register({ group, version: v['name'], resource: plural }, { group, version: v['name'], kind });
    }
  }
  return new MemoryCluster({ registered, gvrToGvk, listKinds }, [...objects, ...crds]);
}
