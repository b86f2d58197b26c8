/**
 * API discovery (the RESTMapper the controllers need): which resource serves a kind, its scope, verbs and
 * subresources. Loaded with one aggregated-discovery request per root (`/api`, `/apis`,
 * `apidiscovery.k8s.io/v2`), with the legacy per-group-version walk as a fallback, and refreshed when a
 * lookup misses (a CRD that appeared) at most once per `minRefreshMs`.
 *
 * Example: `index.find('apps/v1', 'Deployment')` -> `{group: 'apps', version: 'v1', resource: 'deployments', ...}`.
 */
import { isObject, type JsonObject } from '../../engine/api/json.ts';
import type { ApiResource } from './types.ts';

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/** An immutable index of discovered resources. */
export class DiscoveryIndex {
  /** `group/version/Kind` -> resource */
  private readonly byGvk = new Map<string, ApiResource>();
  /** `group/Kind` -> resource of the preferred version */
  private readonly preferredByGk = new Map<string, ApiResource>();
  /** `Kind` -> resources of the preferred versions, every group */
  private readonly byKind = new Map<string, ApiResource[]>();

  constructor(readonly all: readonly ApiResource[], preferredVersions: ReadonlyMap<string, string>) {
    for (const r of all) {
      this.byGvk.set(`${r.group}/${r.version}/${r.kind}`, r);
    }
    for (const r of all) {
      const gk = `${r.group}/${r.kind}`;
      const preferred = preferredVersions.get(r.group);
      const current = this.preferredByGk.get(gk);
      if (!current || (r.version === preferred && current.version !== preferred)) this.preferredByGk.set(gk, r);
    }
    for (const r of this.preferredByGk.values()) {
      const list = this.byKind.get(r.kind) ?? [];
      list.push(r);
      this.byKind.set(r.kind, list);
    }
  }

  /**
   * The resource for `kind` in `apiVersion`. A group without a version (`apps/`) or an empty apiVersion
   * picks the preferred version (of any group, core first, when the group is empty too).
   */
  find(apiVersion: string, kind: string): ApiResource | undefined {
    const { group, version } = splitApiVersion(apiVersion);
    if (version !== '') return this.byGvk.get(`${group}/${version}/${kind}`);
    if (apiVersion !== '') return this.preferredByGk.get(`${group}/${kind}`);
    const list = this.byKind.get(kind) ?? [];
    return list.find((r) => r.group === '') ?? list[0];
  }

  /** The resource with this group/version/plural. */
  findByResource(group: string, version: string, resource: string): ApiResource | undefined {
    return this.all.find((r) => r.group === group && r.version === version && r.resource === resource);
  }
}

/** Parses an aggregated discovery document (`APIGroupDiscoveryList`). */
export function parseAggregatedDiscovery(doc: JsonObject, out: ApiResource[], preferred: Map<string, string>): boolean {
  if (str(doc['kind']) !== 'APIGroupDiscoveryList' || !Array.isArray(doc['items'])) return false;
  for (const g of doc['items']) {
    if (!isObject(g)) continue;
    const group = isObject(g['metadata']) ? str(g['metadata']['name']) : '';
    const versions = Array.isArray(g['versions']) ? g['versions'] : [];
    let first = true;
    for (const v of versions) {
      if (!isObject(v)) continue;
      const version = str(v['version']);
      if (first) {
        preferred.set(group, version);
        first = false;
      }
      for (const r of Array.isArray(v['resources']) ? v['resources'] : []) {
        if (!isObject(r)) continue;
        const rk = isObject(r['responseKind']) ? r['responseKind'] : {};
        const kind = str(rk['kind']);
        if (kind === '') continue;
        const subresources = (Array.isArray(r['subresources']) ? r['subresources'] : [])
          .map((s) => (isObject(s) ? str(s['subresource']) : ''))
          .filter((s) => s !== '');
        out.push({ group, version, resource: str(r['resource']), kind, namespaced: str(r['scope']) === 'Namespaced', verbs: strings(r['verbs']), subresources });
      }
    }
  }
  return true;
}

/** Parses a legacy `APIResourceList` of one group/version. */
export function parseResourceList(group: string, version: string, doc: JsonObject, out: ApiResource[]): void {
  const list = Array.isArray(doc['resources']) ? doc['resources'] : [];
  const subs = new Map<string, string[]>();
  for (const r of list) {
    if (!isObject(r)) continue;
    const name = str(r['name']);
    const i = name.indexOf('/');
    if (i > 0) {
      const parent = name.slice(0, i);
      subs.set(parent, [...(subs.get(parent) ?? []), name.slice(i + 1)]);
    }
  }
  for (const r of list) {
    if (!isObject(r)) continue;
    const name = str(r['name']);
    if (name.includes('/')) continue;
    out.push({ group, version, resource: name, kind: str(r['kind']), namespaced: r['namespaced'] === true, verbs: strings(r['verbs']), subresources: subs.get(name) ?? [] });
  }
}
