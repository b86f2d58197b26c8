/**
 * The admission server's sources (src/server/sources/types.ts) backed by the cluster: informers on
 * ClusterPolicies / Policies / PolicyExceptions, Namespaces, the `kyverno` ConfigMap, RoleBindings and
 * ClusterRoleBindings. Reads are synchronous (informer caches); changes are pushed to `onChange`
 * listeners, coalesced over `debounceMs` so that a burst of policy updates rebuilds the cache once.
 *
 * Like Kyverno's policy cache controller, only *ready* policies (condition `Ready` True) are served. The
 * process that writes that condition (the leader: webhook and policy status controllers) also serves the
 * policies it has registered in the webhooks (`serveRegistered`) before the condition it writes comes
 * back through its own informer: a client that reads `Ready` and sends a request at once (chainsaw's
 * "wait policy ready" then "create trigger") finds the policy in the cache.
 *
 * Example:
 *   const policies = new PolicyInformers(api, exceptionOpts); policies.start();
 *   const source = new ClusterPolicySource(policies);
 *   new AdmissionServer({ policies: source, namespaces: new ClusterNamespaces(state), config: new ClusterConfigSource(state), ... });
 */
import { isObject } from '../../engine/api/json.ts';
import type { KyvernoPolicy } from '../../engine/api/policy.ts';
import { policyKey } from '../../engine/api/policy.ts';
import { Informer, stripManagedFields } from '../../k8s/client/informer.ts';
import type { ApiResource, KubeApi, KubeObject } from '../../k8s/client/types.ts';
import type { NamespaceInfo } from '../../server/admission/policy-cache.ts';
import type { KyvernoConfiguration } from '../../server/config.ts';
import type { ConfigSource, NamespaceLabelsSource, PolicySnapshot, PolicySource, RbacSubject, RoleBindingLike, RoleBindingSource } from '../../server/sources/types.ts';
import type { PolicyInformers } from '../policies/policy-informers.ts';
import type { ClusterState } from '../runtime/cluster-state.ts';

export { isReady } from '../../server/admission/policy-info-metrics.ts';
import { isReady } from '../../server/admission/policy-info-metrics.ts';

function debounce(ms: number, f: () => void): () => void {
  let timer: NodeJS.Timeout | undefined;
  return () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      f();
    }, ms);
    timer.unref();
  };
}

export class ClusterPolicySource implements PolicySource {
  private snapshot: PolicySnapshot = { policies: [], exceptions: [] };
  private readonly listeners: Array<(s: PolicySnapshot) => void> = [];
  /** keys (`policyKey`) of the policies this process registered in the webhooks and marks Ready */
  private registered: ReadonlySet<string> | undefined;

  constructor(
    private readonly policies: PolicyInformers,
    debounceMs = 50,
  ) {
    const rebuild = debounce(debounceMs, () => this.rebuild());
    policies.onChange(rebuild);
    policies.onExceptionsChange(rebuild);
    this.rebuild();
  }

  private rebuild(): void {
    const registered = this.registered;
    const served = (p: KyvernoPolicy): boolean => isReady(p) || (registered !== undefined && registered.has(policyKey(p)));
    this.snapshot = { policies: this.policies.all().filter(served), exceptions: this.policies.exceptionCandidates() };
    for (const l of this.listeners) l(this.snapshot);
  }

  /**
   * The policies this process has just registered in the webhooks and is about to mark Ready (`undefined`:
   * none, e.g. leadership lost). Rebuilds at once when the set changes.
   */
  serveRegistered(keys: ReadonlySet<string> | undefined): void {
    const before = this.registered;
    this.registered = keys;
    const same = before === keys || (before !== undefined && keys !== undefined && before.size === keys.size && [...keys].every((k) => before.has(k)));
    if (!same) this.rebuild();
  }

  /** Rebuilds now (after the informers synced). */
  refresh(): void {
    this.rebuild();
  }

  current(): PolicySnapshot {
    return this.snapshot;
  }

  onChange(cb: (s: PolicySnapshot) => void): void {
    this.listeners.push(cb);
  }
}

export class ClusterNamespaces implements NamespaceLabelsSource {
  constructor(private readonly state: ClusterState) {}

  get(name: string): NamespaceInfo | undefined {
    const labels = this.state.namespaceLabels(name);
    return labels ? { name, labels } : undefined;
  }
}

export class ClusterConfigSource implements ConfigSource {
  constructor(private readonly state: ClusterState) {}

  current(): KyvernoConfiguration {
    return this.state.current();
  }

  onChange(cb: (c: KyvernoConfiguration) => void): void {
    this.state.onConfigChange(cb);
  }
}

const RBAC = (resource: string, kind: string, namespaced: boolean): ApiResource => ({
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  resource,
  kind,
  namespaced,
  verbs: [],
  subresources: [],
});

function toBinding(o: KubeObject): RoleBindingLike {
  const m = isObject(o['metadata']) ? o['metadata'] : {};
  const ref = isObject(o['roleRef']) ? o['roleRef'] : {};
  const subjects: RbacSubject[] = (Array.isArray(o['subjects']) ? o['subjects'] : []).filter(isObject).map((s) => {
    const out: RbacSubject = { kind: String(s['kind'] ?? ''), name: String(s['name'] ?? '') };
    if (typeof s['namespace'] === 'string') out.namespace = s['namespace'];
    return out;
  });
  return {
    namespace: typeof m['namespace'] === 'string' ? m['namespace'] : '',
    roleRef: { kind: String(ref['kind'] ?? ''), name: String(ref['name'] ?? '') },
    subjects,
  };
}

export class ClusterRoleBindings implements RoleBindingSource {
  private readonly rb: Informer;
  private readonly crb: Informer;
  private cache: { rb: RoleBindingLike[]; crb: RoleBindingLike[] } | undefined;
  private readonly listeners: Array<() => void> = [];

  constructor(api: KubeApi) {
    this.rb = new Informer(api, RBAC('rolebindings', 'RoleBinding', true), { transform: stripManagedFields });
    this.crb = new Informer(api, RBAC('clusterrolebindings', 'ClusterRoleBinding', false), { transform: stripManagedFields });
    const changed = debounce(50, () => {
      this.cache = undefined;
      for (const l of this.listeners) l();
    });
    for (const i of [this.rb, this.crb]) i.on({ add: changed, update: changed, delete: changed });
  }

  start(): void {
    this.rb.start();
    this.crb.start();
  }

  async synced(): Promise<void> {
    await Promise.all([this.rb.synced(), this.crb.synced()]);
  }

  stop(): void {
    this.rb.stop();
    this.crb.stop();
  }

  private built(): { rb: RoleBindingLike[]; crb: RoleBindingLike[] } {
    if (!this.cache) this.cache = { rb: this.rb.list().map(toBinding), crb: this.crb.list().map(toBinding) };
    return this.cache;
  }

  roleBindings(): readonly RoleBindingLike[] {
    return this.built().rb;
  }

  clusterRoleBindings(): readonly RoleBindingLike[] {
    return this.built().crb;
  }

  onChange(cb: () => void): void {
    this.listeners.push(cb);
  }
}
