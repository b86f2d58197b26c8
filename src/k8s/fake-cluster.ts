/**
 * An in-memory object store that answers the engine's cluster reads offline, like the fake dynamic client
 * Kyverno's CLI builds from the test's resources and `clusterResources`: ConfigMap lookups, raw API GETs
 * (`/api/v1/namespaces/ns/configmaps/name`, `/apis/apps/v1/deployments`, ...) and mutate/clone targets.
 * It is not an API server: it only serves reads of the objects it was given.
 */
import { isObject, type JsonObject, type JsonValue, type Resource } from '../engine/api/json.ts';
import type { LabelSelector } from '../engine/api/policy.ts';
import type { ContextPorts } from '../engine/api/request.ts';
import type { TargetResolver } from '../engine/handlers/targets.ts';
import { apiResourceFor, guessKindToResource, matchesLabelSelector, restMappingFor } from '../engine/match/index.ts';
import { wildcardMatch } from '../engine/utils/wildcard.ts';

interface Entry {
  obj: Resource;
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespace: string;
  name: string;
}

function meta(o: Resource): JsonObject {
  return isObject(o['metadata']) ? o['metadata'] : {};
}

export class NotFoundApiError extends Error {
  readonly code = 404;
}

export class FakeCluster implements TargetResolver {
  private readonly entries: Entry[] = [];

  constructor(objects: readonly Resource[] = []) {
    for (const o of objects) this.add(o);
  }

  add(obj: Resource): void {
    const apiVersion = typeof obj['apiVersion'] === 'string' ? obj['apiVersion'] : '';
    const kind = typeof obj['kind'] === 'string' ? obj['kind'] : '';
    const i = apiVersion.indexOf('/');
    const group = i < 0 ? '' : apiVersion.slice(0, i);
    const version = i < 0 ? apiVersion : apiVersion.slice(i + 1);
    const m = meta(obj);
    const mapping = restMappingFor(group, kind, version);
    const plural = mapping?.resource ?? guessKindToResource(kind).plural;
    const e: Entry = {
      obj,
      group,
      version,
      kind,
      plural,
      namespace: typeof m['namespace'] === 'string' ? m['namespace'] : '',
      name: typeof m['name'] === 'string' ? m['name'] : '',
    };
    const idx = this.entries.findIndex(
      (x) => x.group === e.group && x.kind === e.kind && x.namespace === e.namespace && x.name === e.name,
    );
    if (idx >= 0) this.entries[idx] = e;
    else this.entries.push(e);
  }

  all(): Resource[] {
    return this.entries.map((e) => e.obj);
  }

  private matchesApiVersion(e: Entry, apiVersion: string): boolean {
    if (apiVersion === '') return true;
    const i = apiVersion.indexOf('/');
    const group = i < 0 ? '' : apiVersion.slice(0, i);
    const version = i < 0 ? apiVersion : apiVersion.slice(i + 1);
    return e.group === group && (version === '' || e.version === version);
  }

  list(apiVersion: string, kind: string, namespace?: string, selector?: LabelSelector): Resource[] {
    return this.entries
      .filter((e) => this.matchesApiVersion(e, apiVersion) && e.kind === kind)
      .filter((e) => namespace === undefined || namespace === '' || wildcardMatch(namespace, e.namespace))
      .filter((e) => !selector || matchesLabelSelector(selector, (meta(e.obj)['labels'] ?? {}) as Record<string, string>))
      .map((e) => e.obj);
  }

  get(apiVersion: string, kind: string, namespace: string, name: string): Resource | undefined {
    return this.entries.find((e) => this.matchesApiVersion(e, apiVersion) && e.kind === kind && e.namespace === namespace && e.name === name)?.obj;
  }

  getConfigMap(namespace: string, name: string): Resource | undefined {
    return this.get('v1', 'ConfigMap', namespace, name);
  }

  namespaceLabels(namespace: string): Record<string, string> | undefined {
    const ns = this.get('v1', 'Namespace', '', namespace);
    if (!ns) return undefined;
    const labels = meta(ns)['labels'];
    return isObject(labels) ? (labels as Record<string, string>) : {};
  }

  /** A raw GET like `kubectl get --raw <path>`: an object or a `<Kind>List`. */
  rawGet(urlPath: string): JsonValue {
    const path = urlPath.split('?')[0] ?? '';
    const parts = path.split('/').filter((p) => p !== '');
    let group: string;
    let version: string;
    let rest: string[];
    if (parts[0] === 'api' && parts.length >= 2) {
      group = '';
      version = parts[1]!;
      rest = parts.slice(2);
    } else if (parts[0] === 'apis' && parts.length >= 3) {
      group = parts[1]!;
      version = parts[2]!;
      rest = parts.slice(3);
    } else {
      throw new NotFoundApiError(`the server could not find the requested resource (get ${urlPath})`);
    }
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const plural = rest[0];
    const name = rest[1];
    if (!plural) throw new NotFoundApiError(`the server could not find the requested resource (get ${urlPath})`);
    if (plural === 'namespaces' && namespace === undefined && name !== undefined && rest.length === 2) {
      const ns = this.entries.find((e) => e.kind === 'Namespace' && e.name === name);
      if (!ns) throw new NotFoundApiError(`namespaces "${name}" not found`);
      return ns.obj;
    }
    const items = this.entries.filter(
      (e) => e.group === group && e.version === version && e.plural === plural && (namespace === undefined || e.namespace === namespace),
    );
    if (name !== undefined) {
      const found = items.find((e) => e.name === name);
      if (!found) throw new NotFoundApiError(`${plural} "${name}" not found`);
      return found.obj;
    }
    const kind = items[0]?.kind ?? apiResourceFor({ group, version, resource: plural })?.kind ?? '';
    return {
      apiVersion: group === '' ? version : `${group}/${version}`,
      kind: `${kind || 'Unknown'}List`,
      metadata: { resourceVersion: '' },
      items: items.map((e) => e.obj),
    };
  }

  /** The engine ports this store can answer. */
  ports(opts: { configMaps: boolean; apiCalls: boolean }): ContextPorts {
    const p: ContextPorts = {};
    if (opts.configMaps) p.getConfigMap = (ns, name) => this.getConfigMap(ns, name);
    if (opts.apiCalls) {
      p.apiCall = (method, urlPath) => {
        if (method !== 'GET') throw new Error(`${method} ${urlPath}: the offline object store serves GET only`);
        return this.rawGet(urlPath);
      };
    }
    return p;
  }
}
