/** GetRoleRef, with the cases of Kyverno's pkg/userinfo/roleRef_test.go re-expressed. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RoleBindingLike, RoleBindingSource } from '../sources/types.ts';
import { RoleResolver } from './roles.ts';

const source = (roleBindings: RoleBindingLike[], clusterRoleBindings: RoleBindingLike[] = []): RoleBindingSource => ({
  roleBindings: () => roleBindings,
  clusterRoleBindings: () => clusterRoleBindings,
  onChange: () => {},
});
const sa = { username: 'system:serviceaccount:ns-1:sa', uid: '', groups: null, extra: null };
const roleInSameNsImplicit: RoleBindingLike = { namespace: 'ns-1', roleRef: { kind: 'Role', name: 'role-1' }, subjects: [{ kind: 'ServiceAccount', name: 'sa' }] };
const roleInSameNsExplicit: RoleBindingLike = { namespace: 'ns-1', roleRef: { kind: 'Role', name: 'role-1' }, subjects: [{ kind: 'ServiceAccount', name: 'sa', namespace: 'ns-1' }] };
const roleInAnotherNs: RoleBindingLike = { namespace: 'ns-2', roleRef: { kind: 'Role', name: 'role-1' }, subjects: [{ kind: 'ServiceAccount', name: 'sa', namespace: 'ns-1' }] };
const clusterRole: RoleBindingLike = { namespace: 'ns-2', roleRef: { kind: 'ClusterRole', name: 'role-1' }, subjects: [{ kind: 'ServiceAccount', name: 'sa', namespace: 'ns-1' }] };

test('role bindings (Test_getRoleRefByRoleBindings)', () => {
  const cases: Array<[string, RoleBindingLike[], string, string[] | null, string[] | null]> = [
    ['explicitly in the same namespace', [roleInSameNsExplicit], '', ['ns-1:role-1'], null],
    ['implicitly in the same namespace', [roleInSameNsImplicit], '', ['ns-1:role-1'], null],
    ['binding in another namespace', [roleInAnotherNs], '', ['ns-2:role-1'], null],
    ['cluster role bound in the request namespace', [clusterRole], 'ns-2', null, ['role-1']],
    ['cluster role bound in another namespace', [clusterRole], 'default', null, null],
    // Go lists ns-1:role-1 twice (two bindings) then de-duplicates in GetRoleRef
    ['all together', [roleInSameNsExplicit, roleInSameNsImplicit, roleInAnotherNs, clusterRole], 'ns-2', ['ns-1:role-1', 'ns-2:role-1'], ['role-1']],
  ];
  for (const [name, bindings, ns, roles, clusterRoles] of cases) {
    assert.deepEqual(new RoleResolver(source(bindings)).getRoleRef(sa, ns), { roles, clusterRoles }, name);
  }
});

test('cluster role bindings (Test_getRoleRefByClusterRoleBindings)', () => {
  const crb1: RoleBindingLike = { namespace: '', roleRef: { kind: 'ClusterRole', name: 'role-1' }, subjects: [{ kind: 'ServiceAccount', name: 'sa', namespace: 'foo' }] };
  const crb2: RoleBindingLike = { namespace: '', roleRef: { kind: 'ClusterRole', name: 'role-2' }, subjects: [{ kind: 'ServiceAccount', name: 'sa', namespace: 'bar' }] };
  const user = { username: 'system:serviceaccount:foo:sa', uid: '', groups: null, extra: null };
  assert.deepEqual(new RoleResolver(source([], [crb1])).getRoleRef(user, ''), { roles: null, clusterRoles: ['role-1'] });
  assert.deepEqual(new RoleResolver(source([], [crb2])).getRoleRef(user, ''), { roles: null, clusterRoles: null });
  assert.deepEqual(new RoleResolver(source([], [crb1, crb2])).getRoleRef(user, ''), { roles: null, clusterRoles: ['role-1'] });
});

test('users and groups match; results are sorted and unique', () => {
  const b = (ns: string, kind: string, name: string, subjects: RoleBindingLike['subjects']): RoleBindingLike => ({ namespace: ns, roleRef: { kind, name }, subjects });
  const r = new RoleResolver(
    source(
      [b('a', 'Role', 'zeta', [{ kind: 'User', name: 'alice' }]), b('a', 'Role', 'alpha', [{ kind: 'Group', name: 'devs' }])],
      [b('', 'ClusterRole', 'view', [{ kind: 'Group', name: 'devs' }, { kind: 'User', name: 'alice' }]), b('', 'Role', 'ignored', [{ kind: 'User', name: 'alice' }])],
    ),
  );
  assert.deepEqual(r.getRoleRef({ username: 'alice', uid: '', groups: ['devs'], extra: null }, 'a'), { roles: ['a:alpha', 'a:zeta'], clusterRoles: ['view'] });
  assert.deepEqual(new RoleResolver(undefined).getRoleRef({ username: 'alice', uid: '', groups: null, extra: null }, ''), { roles: null, clusterRoles: null });
});
