/**
 * Kyverno's resource library (kyverno/sdk extensions/cel/libs/resource): `resource.Get`, `List`,
 * `Post`, `ToGVR` (and camelCase `get`, `list`, `post`, `toGVR`). Cluster-wide form
 * `resource.Get(apiVersion, resource, namespace, name)`; the namespaced form used by namespaced
 * policies drops the namespace argument and always uses the policy's namespace
 * (`resource.Get(apiVersion, resource, name)`): declare the `resource` variable as
 * `resource.Context` or `resource.NamespacedContext` accordingly. A missing object gives `null`.
 */
import type { JsonObject, JsonValue } from '../../api/json.ts';
import { CelFunctionError, fail } from '../errors.ts';
import type { CelLibrary } from '../library.ts';
import { celToJson, jsonToCel } from '../values.ts';

/** A group/version/resource (`schema.GroupVersionResource`). */
export interface Gvr {
  readonly group: string;
  readonly version: string;
  readonly resource: string;
}

/** Thrown by a port for a Kubernetes API error (`reason` like `NotFound`, `Forbidden`). */
export class ResourcePortError extends Error {
  constructor(
    message: string,
    readonly reason: 'NotFound' | 'Forbidden' | 'Unauthorized' | 'Other' = 'Other',
  ) {
    super(message);
  }
}

/** Cluster reads and writes the resource library needs (`resource.ContextInterface`). */
export interface ResourcePort {
  get(apiVersion: string, resource: string, namespace: string, name: string): Promise<JsonObject> | JsonObject;
  list(apiVersion: string, resource: string, namespace: string, labels?: Readonly<Record<string, string>>): Promise<JsonObject> | JsonObject;
  post(apiVersion: string, resource: string, namespace: string, data: JsonObject): Promise<JsonObject> | JsonObject;
  toGvr(apiVersion: string, kind: string): Promise<Gvr> | Gvr;
}

/** The `resource` activation value (cluster-wide). */
export class ResourceContextValue {
  constructor(readonly port: ResourcePort) {}
}

/** The `resource` activation value for namespaced policies. */
export class NamespacedResourceContextValue {
  constructor(
    readonly port: ResourcePort,
    readonly namespace: string,
  ) {}
}

/** `schema.GroupVersionResource` CEL value. */
export class GvrValue {
  constructor(readonly gvr: Gvr) {}
  groupVersion(): string {
    return this.gvr.group === '' ? this.gvr.version : `${this.gvr.group}/${this.gvr.version}`;
  }
  toJSON(): JsonValue {
    return { Group: this.gvr.group, Version: this.gvr.version, Resource: this.gvr.resource };
  }
}

function permission(e: unknown): boolean {
  return e instanceof ResourcePortError && (e.reason === 'Forbidden' || e.reason === 'Unauthorized');
}

function wrap<T>(what: 'get' | 'list' | 'create', f: () => Promise<T> | T, onNotFound?: () => unknown): unknown {
  const onError = (e: unknown): unknown => {
    if (what === 'get' && e instanceof ResourcePortError && e.reason === 'NotFound' && onNotFound) return onNotFound();
    const msg = e instanceof Error ? e.message : String(e);
    if (permission(e)) throw new CelFunctionError(`failed to ${what} resource: permission denied: ${msg}`);
    throw new CelFunctionError(`failed to ${what} resource: ${msg}`);
  };
  try {
    const r = f();
    if (r instanceof Promise) return r.then((v) => jsonToCel(v as JsonValue), onError);
    return jsonToCel(r as JsonValue);
  } catch (e) {
    return onError(e);
  }
}

function labels(v: unknown): Record<string, string> {
  return celToJson(v) as Record<string, string>;
}

function data(v: unknown): JsonObject {
  return celToJson(v) as JsonObject;
}

function toGvr(port: ResourcePort, apiVersion: string, kind: string): unknown {
  const onError = (e: unknown): never => fail(`failed to map kind to resource: ${e instanceof Error ? e.message : String(e)}`);
  try {
    const r = port.toGvr(apiVersion, kind);
    if (r instanceof Promise) return r.then((g) => new GvrValue(g), onError);
    return new GvrValue(r);
  } catch (e) {
    return onError(e);
  }
}

const C = 'resource.Context';
const N = 'resource.NamespacedContext';
const GVR = 'schema.GroupVersionResource';
const MAP = 'map<string, dyn>';
/**
 * `get` is declared `map(string, any)` in Kyverno but answers null for a missing object, which cel-go
 * lets flow into typed variables and `cel.bind`; cel-js checks values against declared types at run
 * time, so `get` is declared dyn here (its results behave the same; only compile-time messages name
 * `dyn` instead of `map(string, any)`).
 */
const NULLABLE_MAP = 'dyn';

export const kyvernoResourceLibrary: CelLibrary = {
  name: 'kyverno.resource',
  register(env) {
    env.registerType(C, ResourceContextValue);
    env.registerType(N, NamespacedResourceContextValue);
    env.registerType(GVR, GvrValue);
    const async = { async: true };
    for (const [list, get, post, gvr] of [
      ['List', 'Get', 'Post', 'ToGVR'],
      ['list', 'get', 'post', 'toGVR'],
    ] as const) {
      // cluster-wide
      env.registerFunction(`${C}.${list}(string, string, string): ${MAP}`, (c: ResourceContextValue, av: string, r: string, ns: string) =>
        wrap('list', () => c.port.list(av, r, ns)), async);
      env.registerFunction(`${C}.${list}(string, string, string, map<string, string>): ${MAP}`, (c: ResourceContextValue, av: string, r: string, ns: string, l: unknown) =>
        wrap('list', () => c.port.list(av, r, ns, labels(l))), async);
      env.registerFunction(`${C}.${list}(${GVR}, string): ${MAP}`, (c: ResourceContextValue, g: GvrValue, ns: string) =>
        wrap('list', () => c.port.list(g.groupVersion(), g.gvr.resource, ns)), async);
      env.registerFunction(`${C}.${list}(${GVR}, string, map<string, string>): ${MAP}`, (c: ResourceContextValue, g: GvrValue, ns: string, l: unknown) =>
        wrap('list', () => c.port.list(g.groupVersion(), g.gvr.resource, ns, labels(l))), async);
      env.registerFunction(`${C}.${get}(string, string, string, string): ${NULLABLE_MAP}`, (c: ResourceContextValue, av: string, r: string, ns: string, n: string) =>
        wrap('get', () => c.port.get(av, r, ns, n), () => null), async);
      env.registerFunction(`${C}.${get}(${GVR}, string, string): ${NULLABLE_MAP}`, (c: ResourceContextValue, g: GvrValue, ns: string, n: string) =>
        wrap('get', () => c.port.get(g.groupVersion(), g.gvr.resource, ns, n), () => null), async);
      env.registerFunction(`${C}.${post}(string, string, string, ${MAP}): ${MAP}`, (c: ResourceContextValue, av: string, r: string, ns: string, d: unknown) =>
        wrap('create', () => c.port.post(av, r, ns, data(d))), async);
      env.registerFunction(`${C}.${post}(string, string, ${MAP}): ${MAP}`, (c: ResourceContextValue, av: string, r: string, d: unknown) =>
        wrap('create', () => c.port.post(av, r, '', data(d))), async);
      env.registerFunction(`${C}.${gvr}(string, string): ${GVR}`, (c: ResourceContextValue, av: string, k: string) => toGvr(c.port, av, k), async);
      // namespaced
      env.registerFunction(`${N}.${list}(string, string): ${MAP}`, (c: NamespacedResourceContextValue, av: string, r: string) =>
        wrap('list', () => c.port.list(av, r, c.namespace)), async);
      env.registerFunction(`${N}.${list}(string, string, map<string, string>): ${MAP}`, (c: NamespacedResourceContextValue, av: string, r: string, l: unknown) =>
        wrap('list', () => c.port.list(av, r, c.namespace, labels(l))), async);
      env.registerFunction(`${N}.${list}(${GVR}): ${MAP}`, (c: NamespacedResourceContextValue, g: GvrValue) =>
        wrap('list', () => c.port.list(g.groupVersion(), g.gvr.resource, c.namespace)), async);
      env.registerFunction(`${N}.${list}(${GVR}, map<string, string>): ${MAP}`, (c: NamespacedResourceContextValue, g: GvrValue, l: unknown) =>
        wrap('list', () => c.port.list(g.groupVersion(), g.gvr.resource, c.namespace, labels(l))), async);
      env.registerFunction(`${N}.${get}(string, string, string): ${NULLABLE_MAP}`, (c: NamespacedResourceContextValue, av: string, r: string, n: string) =>
        wrap('get', () => c.port.get(av, r, c.namespace, n), () => null), async);
      env.registerFunction(`${N}.${get}(${GVR}, string): ${NULLABLE_MAP}`, (c: NamespacedResourceContextValue, g: GvrValue, n: string) =>
        wrap('get', () => c.port.get(g.groupVersion(), g.gvr.resource, c.namespace, n), () => null), async);
      env.registerFunction(`${N}.${post}(string, string, ${MAP}): ${MAP}`, (c: NamespacedResourceContextValue, av: string, r: string, d: unknown) =>
        wrap('create', () => c.port.post(av, r, c.namespace, data(d))), async);
      env.registerFunction(`${N}.${gvr}(string, string): ${GVR}`, (c: NamespacedResourceContextValue, av: string, k: string) => toGvr(c.port, av, k), async);
    }
  },
};
