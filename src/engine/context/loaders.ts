/**
 * Context entry loaders (kyverno/pkg/engine/context/loaders/*.go, pkg/engine/apicall/apiCall.go,
 * pkg/engine/factories/contextloaderfactory.go). Every entry becomes a deferred loader that runs only
 * when a query mentions its name. Entries whose data source is not available (no port) are skipped,
 * as Kyverno's CLI does when it has no cluster.
 */
import { isObject, type JsonObject, type JsonValue } from '../api/json.ts';
import type { ContextEntry } from '../api/policy.ts';
import type { ContextPorts } from '../api/request.ts';
import { EngineError } from '../errors.ts';
import { goJsonMarshal } from '../utils/gojson.ts';
import { substituteAll } from '../variables/substitute.ts';
import type { DeferredLoader, JsonContext, QueryEngine } from './context.ts';
import { isPendingFetch } from './pending.ts';

export class ContextLoadError extends EngineError {
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super('CONTEXT_LOAD', message);
  }
}

export interface LoaderEnv {
  jp: QueryEngine;
  ports: ContextPorts;
  /** namespace of a namespaced Policy ('' for ClusterPolicy) */
  policyNamespace: string;
}

function msgOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function rethrowPending(err: unknown): void {
  if (isPendingFetch(err)) throw err;
}

/** Values preset by the CLI (values file / rule values) win over loaded entries of the same name. */
export function addContextEntries(ctx: JsonContext, entries: readonly ContextEntry[] | undefined, env: LoaderEnv): void {
  if (!entries) return;
  for (const entry of entries) {
    const loader = newLoader(ctx, entry, env);
    if (loader) ctx.addDeferredLoader(loader);
  }
}

function newLoader(ctx: JsonContext, entry: ContextEntry, env: LoaderEnv): DeferredLoader | undefined {
  if (entry.configMap) {
    if (!env.ports.getConfigMap) return undefined;
    return dataLoader(entry.name, () => loadConfigMap(ctx, entry, env), (data) => ctx.addContextEntry(entry.name, data, sizeOf(data)));
  }
  if (entry.apiCall) {
    const ac = entry.apiCall;
    if (ac.service ? !env.ports.serviceCall : !env.ports.apiCall) return undefined;
    return dataLoader(entry.name, () => fetchApiCall(ctx, entry, env), (data) => storeApiCall(ctx, entry, env, data));
  }
  if (entry.globalReference) {
    if (!env.ports.globalContext) return undefined;
    return dataLoader(entry.name, () => loadGlobalReference(ctx, entry, env), (data) => ctx.addContextEntry(entry.name, data, sizeOf(data)));
  }
  if (entry.imageRegistry) {
    if (!env.ports.imageData) return undefined;
    return dataLoader(entry.name, () => loadImageData(ctx, entry, env), (data) => ctx.addContextEntry(entry.name, data, sizeOf(data)));
  }
  if (entry.variable) {
    let loaded = false;
    return {
      name: entry.name,
      hasLoaded: () => loaded,
      load: () => {
        loadVariable(ctx, entry, env);
        loaded = true;
      },
    };
  }
  throw new ContextLoadError(`failed to create deferred loader for context entry ${entry.name}`);
}

/** A loader that fetches once and stores (again) on every load, like Kyverno's loaders with `data` cached. */
function dataLoader<T>(name: string, fetch: () => T, store: (data: T) => void): DeferredLoader {
  let data: T | undefined;
  return {
    name,
    hasLoaded: () => data !== undefined,
    load: () => {
      if (data === undefined) data = fetch();
      store(data);
    },
  };
}

function sizeOf(data: JsonValue): number {
  return goJsonMarshal(data).length;
}

function subString(ctx: JsonContext, value: string | undefined, what: string, entryName: string): string {
  let v: JsonValue;
  try {
    v = substituteAll(ctx, value ?? '');
  } catch (err) {
    rethrowPending(err);
    throw new ContextLoadError(`failed to substitute variables in context ${entryName} ${what} ${value ?? ''}: ${msgOf(err)}`, err);
  }
  if (typeof v !== 'string') {
    throw new ContextLoadError(`failed to substitute variables in context ${entryName} ${what} ${value ?? ''}: expected string, got ${goType(v)}`);
  }
  return v;
}

function goType(v: JsonValue): string {
  if (v === null) return '<nil>';
  if (Array.isArray(v)) return '[]interface {}';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    default:
      return 'map[string]interface {}';
  }
}

function loadConfigMap(ctx: JsonContext, entry: ContextEntry, env: LoaderEnv): JsonValue {
  const cm = entry.configMap!;
  try {
    const name = subString(ctx, cm.name, 'configMap.name', entry.name);
    let namespace = subString(ctx, cm.namespace, 'configMap.namespace', entry.name);
    if (namespace === '') namespace = env.policyNamespace !== '' ? env.policyNamespace : 'default';
    if (env.policyNamespace !== '' && namespace !== env.policyNamespace) {
      throw new ContextLoadError(
        `context entry ${entry.name}: configMap namespace "${namespace}" is different from policy namespace "${env.policyNamespace}"`,
      );
    }
    let obj;
    try {
      obj = env.ports.getConfigMap!(namespace, name);
    } catch (err) {
      rethrowPending(err);
      throw new ContextLoadError(`failed to get configmap ${namespace}/${name} : ${msgOf(err)}`, err);
    }
    if (!obj) {
      throw new ContextLoadError(`failed to get configmap ${namespace}/${name} : configmaps "${name}" not found`);
    }
    const data = isObject(obj['data']) ? obj['data'] : null;
    return { data, metadata: (obj['metadata'] ?? {}) as JsonValue };
  } catch (err) {
    rethrowPending(err);
    throw new ContextLoadError(`failed to retrieve config map for context entry ${entry.name}: ${msgOf(err)}`, err);
  }
}

const namespacePathRegex = /^\/api(s)?\/.*?\/namespaces\/([^/]+)\/?.*$/;

function cleanUrlPath(p: string): string {
  const abs = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!abs) out.push('..');
      continue;
    }
    out.push(part);
  }
  const s = out.join('/');
  return abs ? '/' + s : s || '.';
}

interface ApiCallData {
  /** undefined: the call is not served here (no data is stored) */
  data: JsonValue | undefined;
  /** the entry's `default` was used because the call failed */
  isDefault: boolean;
}

function fetchApiCall(ctx: JsonContext, entry: ContextEntry, env: LoaderEnv): ApiCallData {
  const raw = entry.apiCall!;
  try {
    let call: JsonObject;
    try {
      call = substituteAll(ctx, { ...raw, default: null, jmesPath: '' } as unknown as JsonValue) as JsonObject;
    } catch (err) {
      rethrowPending(err);
      throw new ContextLoadError(`failed to substitute variables in context entry ${entry.name} ${raw.urlPath ?? ''}: ${msgOf(err)}`, err);
    }
    const urlPath = typeof call['urlPath'] === 'string' ? call['urlPath'] : '';
    if (env.policyNamespace !== '' && !raw.service) {
      const clean = cleanUrlPath(urlPath);
      const m = namespacePathRegex.exec(clean);
      if (m) {
        if (m[2] !== env.policyNamespace) {
          throw new ContextLoadError(
            `path ${clean} refers to namespace ${m[2]}, which is different from the policy namespace ${env.policyNamespace}`,
          );
        }
      } else {
        throw new ContextLoadError(`path ${clean} does not contain a namespace segment, which is required for namespaced policies`);
      }
    }
    const method = (typeof call['method'] === 'string' && call['method'] !== '' ? call['method'] : 'GET') as 'GET' | 'POST';
    let body: JsonValue | undefined;
    if (Array.isArray(call['data'])) {
      const obj: JsonObject = {};
      for (const d of call['data']) if (isObject(d) && typeof d['key'] === 'string') obj[d['key']] = d['value'] ?? null;
      body = obj;
    }
    try {
      const service = isObject(call['service']) ? call['service'] : undefined;
      if (service) {
        const headers: Record<string, string> = {};
        if (Array.isArray(service['headers'])) {
          for (const h of service['headers']) if (isObject(h)) headers[String(h['key'])] = String(h['value']);
        }
        const caBundle = typeof service['caBundle'] === 'string' ? service['caBundle'] : undefined;
        return { data: env.ports.serviceCall!(method, String(service['url'] ?? ''), headers, body, caBundle), isDefault: false };
      }
      return { data: env.ports.apiCall!(method, urlPath, body), isDefault: false };
    } catch (err) {
      rethrowPending(err);
      if (raw.default !== undefined && raw.default !== null) return { data: raw.default, isDefault: true };
      throw err;
    }
  } catch (err) {
    rethrowPending(err);
    throw new ContextLoadError(`failed to fetch data for APICall: ${msgOf(err)}`, err);
  }
}

function storeApiCall(ctx: JsonContext, entry: ContextEntry, env: LoaderEnv, fetched: ApiCallData): void {
  const raw = entry.apiCall!;
  const data = fetched.data;
  if (data === undefined) return;
  if (fetched.isDefault) {
    ctx.addContextEntry(entry.name, data, sizeOf(data));
    return;
  }
  if (!raw.jmesPath) {
    ctx.addContextEntry(entry.name, data, sizeOf(data));
    return;
  }
  const path = subString(ctx, raw.jmesPath, 'JMESPath', entry.name);
  let result: JsonValue;
  try {
    result = env.jp.search(path, data);
  } catch (err) {
    throw new ContextLoadError(
      `failed to store data for APICall: failed to apply JMESPath ${path} for context entry ${entry.name}: ${msgOf(err)}`,
      err,
    );
  }
  ctx.addContextEntry(entry.name, result, sizeOf(result));
}

function loadGlobalReference(ctx: JsonContext, entry: ContextEntry, env: LoaderEnv): JsonValue {
  const ref = entry.globalReference!;
  try {
    const name = subString(ctx, ref.name, 'globalReference.name', entry.name);
    const [gctxName, projection] = name.split('.') as [string, string | undefined];
    let data: JsonValue | undefined;
    try {
      data = env.ports.globalContext!(gctxName, projection ?? '');
    } catch (err) {
      rethrowPending(err);
      throw err;
    }
    if (data === undefined) throw new ContextLoadError(`failed to fetch entry key=${gctxName}`);
    if (!ref.jmesPath) return data;
    const path = subString(ctx, ref.jmesPath, 'globalReference.jmesPath', entry.name);
    try {
      return env.jp.search(path, data);
    } catch (err) {
      throw new ContextLoadError(`failed to apply JMESPath ${path} for context entry ${entry.name}: ${msgOf(err)}`, err);
    }
  } catch (err) {
    rethrowPending(err);
    throw new ContextLoadError(`failed to marshal APICall data for context entry ${entry.name}: ${msgOf(err)}`, err);
  }
}

function loadImageData(ctx: JsonContext, entry: ContextEntry, env: LoaderEnv): JsonValue {
  const ir = entry.imageRegistry!;
  const reference = subString(ctx, ir.reference, 'imageRegistry.reference', entry.name);
  let data: JsonValue;
  try {
    data = env.ports.imageData!(reference);
  } catch (err) {
    rethrowPending(err);
    throw new ContextLoadError(`failed to fetch image descriptor for ${reference}: ${msgOf(err)}`, err);
  }
  if (!ir.jmesPath) return data;
  const path = subString(ctx, ir.jmesPath, 'imageRegistry.jmesPath', entry.name);
  try {
    return env.jp.search(path, data);
  } catch (err) {
    throw new ContextLoadError(`failed to apply JMESPath (${path}) results to context entry ${entry.name}, error: ${msgOf(err)}`, err);
  }
}

function loadVariable(ctx: JsonContext, entry: ContextEntry, env: LoaderEnv): void {
  const v = entry.variable!;
  let path = '';
  if (v.jmesPath) {
    let jp: JsonValue;
    try {
      jp = substituteAll(ctx, v.jmesPath);
    } catch (err) {
      rethrowPending(err);
      throw new ContextLoadError(`failed to substitute variables in context entry ${entry.name} ${v.jmesPath}: ${msgOf(err)}`, err);
    }
    if (typeof jp !== 'string') {
      throw new ContextLoadError(`jmespath value must be a string ${entry.name} ${v.jmesPath}: <nil>`);
    }
    path = jp;
  }
  let defaultValue: JsonValue = null;
  if (v.default !== undefined && v.default !== null) {
    try {
      defaultValue = substituteAll(ctx, v.default);
    } catch (err) {
      rethrowPending(err);
      throw new ContextLoadError(
        `failed to substitute variables in context entry ${entry.name} ${goJsonMarshal(v.default)}: ${msgOf(err)}`,
        err,
      );
    }
  }
  let output: JsonValue = defaultValue;
  if (v.value !== undefined && v.value !== null) {
    let variable: JsonValue;
    try {
      variable = substituteAll(ctx, v.value);
    } catch (err) {
      rethrowPending(err);
      throw new ContextLoadError(`failed to substitute variables in context entry ${entry.name} ${goJsonMarshal(v.value)}: ${msgOf(err)}`, err);
    }
    if (path !== '') {
      try {
        output = env.jp.search(path, variable);
      } catch (err) {
        if (defaultValue === null) {
          throw new ContextLoadError(`failed to apply jmespath ${path} to variable ${goJsonMarshal(variable)}: ${msgOf(err)}`, err);
        }
      }
    } else {
      output = variable;
    }
  } else if (path !== '') {
    try {
      const r = ctx.query(path);
      if (r !== null) output = r;
    } catch (err) {
      rethrowPending(err);
      if (defaultValue === null) {
        throw new ContextLoadError(`failed to apply jmespath ${path} to variable <nil>: ${msgOf(err)}`, err);
      }
    }
  }
  if (output === null || output === undefined) {
    throw new ContextLoadError(`failed to add context entry for variable ${entry.name} since it evaluated to nil`);
  }
  ctx.replaceContextEntry(entry.name, output, sizeOf(output));
}
