/**
 * The Kubernetes API as the controllers use it: objects are plain JSON (`KubeObject`), resources are named
 * by an `ApiResource` (group, version, plural, kind, scope), and every call goes through the `KubeApi`
 * port. `RestKubeApi` (rest.ts) implements it over HTTPS; `MemoryKubeApi` (memory-api.ts) is the
 * in-memory stand-in the unit tests use.
 *
 * Example: `await api.get(await api.resource('v1', 'ConfigMap'), 'default', 'cfg')` -> the ConfigMap or
 * `undefined` when it does not exist.
 */
import { isObject, type JsonObject } from '../../engine/api/json.ts';

/** Any API object: `apiVersion`, `kind`, `metadata`, then the rest. */
export type KubeObject = JsonObject;

/** One API resource (what discovery lists), e.g. `{group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', namespaced: true}`. */
export interface ApiResource {
  group: string;
  version: string;
  /** the plural name used in paths */
  resource: string;
  kind: string;
  namespaced: boolean;
  /** the verbs discovery lists (empty when unknown) */
  verbs: readonly string[];
  /** the subresources discovery lists (`status`, `scale`, ...) */
  subresources: readonly string[];
}

/** core/v1 ConfigMaps (the kyverno and kyverno-metrics ConfigMaps, configMap context entries) */
export const CONFIGMAPS: ApiResource = { group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', namespaced: true, verbs: [], subresources: [] };

export interface ListOptions {
  /** `''` or undefined: every namespace (or a cluster-scoped resource) */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** page size (default 500) */
  limit?: number;
}

export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent {
  type: WatchEventType;
  object: KubeObject;
}

export interface WatchOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion: string;
  /** server-side timeout of the watch (the server ends it after this many seconds) */
  timeoutSeconds?: number;
}

export type PatchType = 'merge' | 'json' | 'strategic' | 'apply';

export interface WriteOptions {
  /** `fieldManager` (required for server-side apply) */
  fieldManager?: string;
  /** server-side apply `force` */
  force?: boolean;
  /** `status`, `scale`, ... */
  subresource?: string;
  dryRun?: boolean;
}

export interface DeleteOptions {
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  /** delete only when the object still has this uid / resourceVersion */
  preconditions?: { uid?: string; resourceVersion?: string };
}

/** The API calls the controllers make; every method rejects with an `ApiError` on a Kubernetes failure. */
export interface KubeApi {
  /** The API resource serving `kind` in `apiVersion` (discovery, refreshed on a miss); undefined when unknown. */
  resource(apiVersion: string, kind: string): Promise<ApiResource | undefined>;
  /** The resource already known for `kind` in `apiVersion`, without a network call. */
  resourceSync(apiVersion: string, kind: string): ApiResource | undefined;
  /** Every resource discovery knows (top-level, not subresources). */
  resources(): Promise<readonly ApiResource[]>;
  /** Marks the cached discovery stale (a CRD was added, changed or deleted): the next lookup re-reads it. */
  invalidateDiscovery(): void;
  get(res: ApiResource, namespace: string, name: string): Promise<KubeObject | undefined>;
  /** One LIST (every page). */
  list(res: ApiResource, opts?: ListOptions): Promise<ListResult>;
  create(res: ApiResource, obj: KubeObject, opts?: WriteOptions): Promise<KubeObject>;
  /** PUT of the whole object (optimistic concurrency on `metadata.resourceVersion` when set). */
  update(res: ApiResource, obj: KubeObject, opts?: WriteOptions): Promise<KubeObject>;
  patch(res: ApiResource, namespace: string, name: string, type: PatchType, body: unknown, opts?: WriteOptions): Promise<KubeObject>;
  /** Resolves `false` when the object did not exist. */
  delete(res: ApiResource, namespace: string, name: string, opts?: DeleteOptions): Promise<boolean>;
  /**
   * A WATCH from `opts.resourceVersion`: `onEvent` receives each event in order; resolves when the server
   * ends the watch or `signal` aborts it; rejects with an `ApiError` (410 Gone: the version is too old).
   */
  watch(res: ApiResource, opts: WatchOptions, onEvent: (e: WatchEvent) => void, signal: AbortSignal): Promise<void>;
  /** A raw request (apiCall context entries): the decoded JSON body. */
  raw(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown>;
}

export function meta(o: KubeObject): JsonObject {
  const m = o['metadata'];
  return isObject(m) ? m : {};
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

export function nameOf(o: KubeObject): string {
  return str(meta(o)['name']);
}

export function namespaceOf(o: KubeObject): string {
  return str(meta(o)['namespace']);
}

export function uidOf(o: KubeObject): string {
  return str(meta(o)['uid']);
}

export function resourceVersionOf(o: KubeObject): string {
  return str(meta(o)['resourceVersion']);
}

export function labelsOf(o: KubeObject): Record<string, string> {
  const l = meta(o)['labels'];
  return isObject(l) ? (l as Record<string, string>) : {};
}

export function annotationsOf(o: KubeObject): Record<string, string> {
  const a = meta(o)['annotations'];
  return isObject(a) ? (a as Record<string, string>) : {};
}

/** `namespace/name`, or `name` for cluster-scoped objects (cache.MetaNamespaceKeyFunc). */
export function objectKey(o: KubeObject): string {
  const ns = namespaceOf(o);
  return ns === '' ? nameOf(o) : `${ns}/${nameOf(o)}`;
}

/** `group/version` or `version` for the core group. */
export function apiVersionOf(res: { group: string; version: string }): string {
  return res.group === '' ? res.version : `${res.group}/${res.version}`;
}

/** Formats a label map as a selector string: `a=b,c=d` (sorted keys). */
export function labelSelectorString(labels: Readonly<Record<string, string>>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k] ?? ''}`)
    .join(',');
}
