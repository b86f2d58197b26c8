/**
 * API discovery as the admission server needs it (pkg/clients/dclient/discovery.go): `findResources`
 * (kind selector -> API resources, used by the policy cache) and `kindFor` (GVR -> top-level GVK, used by
 * WithTopLevelGVK).
 *
 * `StaticDiscovery` is the standalone implementation: Kubernetes' built-in APIs (the table the CLI embeds),
 * Kyverno's own API groups, plus resources learned from admission requests: a request names both its GVR
 * and its kind, so a custom resource becomes known the first time it is reviewed, much as Kyverno's
 * discovery refreshes when a CRD appears. Learning is capped (`maxLearned`) so that a hostile client
 * cannot grow it without bound.
 */
import { BUILTIN_API_RESOURCES, type ApiResource } from '../../engine/match/gvk.ts';
import type { GroupVersionKind, GroupVersionResource } from '../../engine/api/request.ts';
import { wildcardMatch } from '../../engine/utils/wildcard.ts';

/** dclient.TopLevelApiDescription: a resource (or subresource) of a group/version. */
export interface ApiResourceDescription {
  group: string;
  version: string;
  kind: string;
  resource: string;
  /** `''` for the resource itself */
  subresource: string;
  /** whether the (parent) resource is namespaced */
  namespaced?: boolean;
}

export interface Discovery {
  /**
   * `FindResources(group, version, kind, subresource)`: every API resource a parsed kind selector names
   * (wildcards allowed). Throws `resource not found` when nothing matches.
   */
  findResources(group: string, version: string, kind: string, subresource: string): ApiResourceDescription[];
  /** `GetGVKFromGVR`: the kind of a top-level resource, or an error message. */
  kindFor(gvr: GroupVersionResource): { gvk: GroupVersionKind } | { error: string };
  /** registers a callback run when the set of known resources changes */
  onChanged(cb: () => void): void;
}

interface Row {
  group: string;
  version: string;
  kind: string;
  resource: string;
  namespaced: boolean;
  subresources: string[];
}

/** Kyverno's own API groups (kinds the webhooks receive for policies, exceptions and reports). */
const KYVERNO_RESOURCES: ReadonlyArray<readonly [string, string, string, string, boolean, string[]]> = [
  ['kyverno.io', 'v1', 'ClusterPolicy', 'clusterpolicies', false, ['status']],
  ['kyverno.io', 'v1', 'Policy', 'policies', true, ['status']],
  ['kyverno.io', 'v2', 'PolicyException', 'policyexceptions', true, []],
  ['kyverno.io', 'v2beta1', 'PolicyException', 'policyexceptions', true, []],
  ['kyverno.io', 'v2', 'UpdateRequest', 'updaterequests', true, ['status']],
  ['kyverno.io', 'v2', 'CleanupPolicy', 'cleanuppolicies', true, ['status']],
  ['kyverno.io', 'v2', 'ClusterCleanupPolicy', 'clustercleanuppolicies', false, ['status']],
  ['kyverno.io', 'v2beta1', 'GlobalContextEntry', 'globalcontextentries', false, ['status']],
  ['policies.kyverno.io', 'v1', 'ValidatingPolicy', 'validatingpolicies', false, ['status']],
  ['policies.kyverno.io', 'v1', 'NamespacedValidatingPolicy', 'namespacedvalidatingpolicies', true, ['status']],
  ['policies.kyverno.io', 'v1', 'MutatingPolicy', 'mutatingpolicies', false, ['status']],
  ['policies.kyverno.io', 'v1', 'NamespacedMutatingPolicy', 'namespacedmutatingpolicies', true, ['status']],
  ['policies.kyverno.io', 'v1', 'GeneratingPolicy', 'generatingpolicies', false, ['status']],
  ['policies.kyverno.io', 'v1', 'NamespacedGeneratingPolicy', 'namespacedgeneratingpolicies', true, ['status']],
  ['policies.kyverno.io', 'v1', 'DeletingPolicy', 'deletingpolicies', false, ['status']],
  ['policies.kyverno.io', 'v1', 'NamespacedDeletingPolicy', 'namespaceddeletingpolicies', true, ['status']],
  ['policies.kyverno.io', 'v1', 'ImageValidatingPolicy', 'imagevalidatingpolicies', false, ['status']],
  ['policies.kyverno.io', 'v1', 'NamespacedImageValidatingPolicy', 'namespacedimagevalidatingpolicies', true, ['status']],
  ['policies.kyverno.io', 'v1beta1', 'PolicyException', 'policyexceptions', true, []],
  ['reports.kyverno.io', 'v1', 'EphemeralReport', 'ephemeralreports', true, []],
  ['reports.kyverno.io', 'v1', 'ClusterEphemeralReport', 'clusterephemeralreports', false, []],
  ['wgpolicyk8s.io', 'v1alpha2', 'PolicyReport', 'policyreports', true, []],
  ['wgpolicyk8s.io', 'v1alpha2', 'ClusterPolicyReport', 'clusterpolicyreports', false, []],
];

function fromBuiltin(r: ApiResource): Row {
  return { group: r.group, version: r.version, kind: r.kind, resource: r.resource, namespaced: r.namespaced, subresources: r.subresources.map((s) => s.name) };
}

export class StaticDiscovery implements Discovery {
  private readonly rows: Row[];
  private readonly byGvr = new Map<string, Row>();
  private learned = 0;
  private readonly callbacks: Array<() => void> = [];

  constructor(private readonly maxLearned = 1000) {
    this.rows = [...BUILTIN_API_RESOURCES.map(fromBuiltin), ...KYVERNO_RESOURCES.map(([group, version, kind, resource, namespaced, subresources]) => ({ group, version, kind, resource, namespaced, subresources: [...subresources] }))];
    for (const r of this.rows) this.byGvr.set(gvrKey(r.group, r.version, r.resource), r);
  }

  findResources(group: string, version: string, kind: string, subresource: string): ApiResourceDescription[] {
    const resources: ApiResourceDescription[] = [];
    const parents: Row[] = [];
    for (const r of this.rows) {
      if (wildcardMatch(group, r.group) && wildcardMatch(version, r.version) && wildcardMatch(kind, r.kind)) {
        resources.push({ group: r.group, version: r.version, kind: r.kind, resource: r.resource, subresource: '', namespaced: r.namespaced });
        parents.push(r);
      }
    }
    const subresources: ApiResourceDescription[] = [];
    if (subresource !== '') {
      for (const p of parents) {
        for (const s of p.subresources) {
          if (wildcardMatch(`${p.resource}/${subresource}`, `${p.resource}/${s}`)) {
            subresources.push({ group: p.group, version: p.version, kind: p.kind, resource: p.resource, subresource: s, namespaced: p.namespaced });
          }
        }
      }
    }
    let out: ApiResourceDescription[];
    if (kind === '*' && subresource === '*') out = [...resources, ...subresources];
    else if (subresource !== '') out = subresources;
    else out = resources;
    if (out.length === 0) throw new Error('resource not found');
    return out;
  }

  /**
   * Replaces the known resources with a cluster's discovery (in-cluster mode; Kyverno's own groups are
   * kept when the cluster does not serve them yet). Runs the change callbacks when the set changed.
   */
  replace(resources: ReadonlyArray<{ group: string; version: string; kind: string; resource: string; namespaced: boolean; subresources: readonly string[] }>): boolean {
    const rows: Row[] = resources.filter((r) => !r.resource.includes('/')).map((r) => ({ group: r.group, version: r.version, kind: r.kind, resource: r.resource, namespaced: r.namespaced, subresources: [...r.subresources] }));
    const keys = new Set(rows.map((r) => gvrKey(r.group, r.version, r.resource)));
    for (const [group, version, kind, resource, namespaced, subresources] of KYVERNO_RESOURCES) {
      if (!keys.has(gvrKey(group, version, resource))) rows.push({ group, version, kind, resource, namespaced, subresources: [...subresources] });
    }
    const signature = (list: readonly Row[]): string =>
      list
        .map((r) => `${gvrKey(r.group, r.version, r.resource)}:${r.kind}:${r.namespaced}:${r.subresources.join(',')}`)
        .sort()
        .join('\n');
    if (signature(rows) === signature(this.rows)) return false;
    this.rows.splice(0, this.rows.length, ...rows);
    this.byGvr.clear();
    for (const r of this.rows) this.byGvr.set(gvrKey(r.group, r.version, r.resource), r);
    this.learned = 0;
    for (const cb of this.callbacks) cb();
    return true;
  }

  kindFor(gvr: GroupVersionResource): { gvk: GroupVersionKind } | { error: string } {
    const r = this.byGvr.get(gvrKey(gvr.group, gvr.version, gvr.resource));
    if (r) return { gvk: { group: r.group, version: r.version, kind: r.kind } };
    const gv = gvr.group === '' ? gvr.version : `${gvr.group}/${gvr.version}`;
    return { error: `resource ${gvr.resource} not found in group ${gv}` };
  }

  /**
   * Learns a resource from an admission request (its GVR, subresource and kind). A top-level resource is
   * learned from a request without subresource; a subresource is added to a known parent. Returns true
   * when something new was learned (the change callbacks have then run).
   */
  learn(gvr: GroupVersionResource, subresource: string, kind: GroupVersionKind, namespaced = true): boolean {
    if (gvr.resource === '' || gvr.version === '' || this.learned >= this.maxLearned) return false;
    if (gvr.resource.includes('/') || subresource.includes('/')) return false;
    const key = gvrKey(gvr.group, gvr.version, gvr.resource);
    let row = this.byGvr.get(key);
    let changed = false;
    if (!row) {
      if (subresource !== '' || kind.kind === '' || kind.group !== gvr.group || kind.version !== gvr.version) return false;
      row = { group: gvr.group, version: gvr.version, kind: kind.kind, resource: gvr.resource, namespaced, subresources: [] };
      this.rows.push(row);
      this.byGvr.set(key, row);
      this.learned++;
      changed = true;
    } else if (subresource !== '' && !row.subresources.includes(subresource)) {
      row.subresources.push(subresource);
      this.learned++;
      changed = true;
    }
    if (changed) for (const cb of this.callbacks) cb();
    return changed;
  }

  onChanged(cb: () => void): void {
    this.callbacks.push(cb);
  }

  /**
   * Cluster-scoped kinds, as `Kind` and `group/version/Kind` (policy validation's `clusterResources`,
   * from the preferred version of each group).
   */
  clusterScopedKinds(): Set<string> {
    const out = new Set<string>();
    const preferred = new Map<string, string>();
    for (const r of this.rows) if (!preferred.has(r.group)) preferred.set(r.group, r.version);
    for (const r of this.rows) {
      if (r.namespaced || preferred.get(r.group) !== r.version) continue;
      out.add(`${r.group === '' ? r.version : `${r.group}/${r.version}`}/${r.kind}`);
      out.add(r.kind);
    }
    return out;
  }
}

function gvrKey(group: string, version: string, resource: string): string {
  return `${group}/${version}/${resource}`;
}
