/**
 * The requester's roles and cluster roles (pkg/userinfo/roleRef.go `GetRoleRef`, and the WithRoles
 * decorator of pkg/webhooks/handlers/admission.go):
 *
 * - a RoleBinding whose subjects match the user adds `namespace:roleName` for a Role, or the cluster role
 *   name for a ClusterRole (only when the binding is in the request's namespace);
 * - a ClusterRoleBinding whose subjects match adds its ClusterRole;
 * - a subject matches as a ServiceAccount (`system:serviceaccount:<ns>:<name>`, the binding's namespace
 *   when the subject has none), a Group (any of the user's groups) or a User (the username);
 * - both lists are de-duplicated and sorted; each is null when nothing binds.
 *
 * `RoleResolver` indexes the bindings by subject so a request costs a few map lookups, not a scan.
 */
import type { AdmissionHandler, AdmissionUserInfo } from './types.ts';
import type { RoleBindingLike, RoleBindingSource } from '../sources/types.ts';
import { compareGoStrings } from '../../engine/utils/gojson.ts';

interface IndexedBinding {
  binding: RoleBindingLike;
}

function sortedUnique(list: string[] | null): string[] | null {
  if (list === null) return null;
  return [...new Set(list)].sort(compareGoStrings);
}

export class RoleResolver {
  private byUser = new Map<string, IndexedBinding[]>();
  private byGroup = new Map<string, IndexedBinding[]>();
  private empty = true;

  constructor(private readonly source: RoleBindingSource | undefined) {
    this.rebuild();
    source?.onChange(() => this.rebuild());
  }

  private rebuild(): void {
    this.byUser = new Map();
    this.byGroup = new Map();
    if (!this.source) {
      this.empty = true;
      return;
    }
    const add = (m: Map<string, IndexedBinding[]>, key: string, b: RoleBindingLike): void => {
      const list = m.get(key);
      const entry = { binding: b };
      if (!list) m.set(key, [entry]);
      else if (!list.some((e) => e.binding === b)) list.push(entry);
    };
    let n = 0;
    for (const b of [...this.source.roleBindings(), ...this.source.clusterRoleBindings()]) {
      n++;
      for (const s of b.subjects) {
        if (s.kind === 'ServiceAccount') {
          const ns = s.namespace !== undefined && s.namespace !== '' ? s.namespace : b.namespace;
          if (ns !== '') add(this.byUser, `system:serviceaccount:${ns}:${s.name}`, b);
        } else if (s.kind === 'Group') add(this.byGroup, s.name, b);
        else if (s.kind === 'User') add(this.byUser, s.name, b);
      }
    }
    this.empty = n === 0;
  }

  /** `GetRoleRef(rbLister, crbLister, userInfo, requestNamespace)` */
  getRoleRef(userInfo: AdmissionUserInfo, requestNamespace: string): { roles: string[] | null; clusterRoles: string[] | null } {
    if (this.empty) return { roles: null, clusterRoles: null };
    const matched = new Set<RoleBindingLike>();
    for (const e of this.byUser.get(userInfo.username) ?? []) matched.add(e.binding);
    for (const g of userInfo.groups ?? []) for (const e of this.byGroup.get(g) ?? []) matched.add(e.binding);
    if (matched.size === 0) return { roles: null, clusterRoles: null };
    let roles: string[] | null = null;
    let clusterRoles: string[] | null = null;
    // RoleBindings first, then ClusterRoleBindings (the order only matters before sorting)
    for (const b of matched) {
      if (b.namespace === '') continue;
      if (b.roleRef.kind === 'Role') (roles ??= []).push(`${b.namespace}:${b.roleRef.name}`);
      else if (b.roleRef.kind === 'ClusterRole' && b.namespace === requestNamespace) (clusterRoles ??= []).push(b.roleRef.name);
    }
    for (const b of matched) {
      if (b.namespace !== '') continue;
      if (b.roleRef.kind === 'ClusterRole') (clusterRoles ??= []).push(b.roleRef.name);
    }
    return { roles: sortedUnique(roles), clusterRoles: sortedUnique(clusterRoles) };
  }
}

/** `WithRoles`: sets `roles` / `clusterRoles` of the request from the bindings. */
export function withRoles(inner: AdmissionHandler, resolver: RoleResolver): AdmissionHandler {
  return (a) => {
    const { roles, clusterRoles } = resolver.getRoleRef(a.request.userInfo, a.request.namespace);
    return inner({ ...a, roles, clusterRoles });
  };
}
