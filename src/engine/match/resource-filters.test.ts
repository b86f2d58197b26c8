/**
 * Kyverno ConfigMap filters (pkg/config): `resourceFilters` parsing/matching and the user exclusions;
 * expected values from running Kyverno's Go code on the same inputs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GroupVersionKind } from '../api/request.ts';
import {
  compileResourceFilters,
  compileUserExclusions,
  parseExclusions,
  parseResourceFilters,
  passesResourceFilters,
} from './resource-filters.ts';
import type { UserExclusionConfig } from './resource-filters.ts';

const POD: GroupVersionKind = { group: '', version: 'v1', kind: 'Pod' };
const EVENT: GroupVersionKind = { group: '', version: 'v1', kind: 'Event' };
const NS: GroupVersionKind = { group: '', version: 'v1', kind: 'Namespace' };
const RS: GroupVersionKind = { group: 'apps', version: 'v1', kind: 'ReplicaSet' };
const NODE: GroupVersionKind = { group: '', version: 'v1', kind: 'Node' };

// an excerpt in the style of Kyverno's default configuration
const DEFAULTS =
  '[Event,*,*][*/*,kube-system,*][*/*,kube-public,*][*/*,kube-node-lease,*][Node,*,*][Node/*,*,*]' +
  '[APIService,*,*][TokenReview,*,*][SubjectAccessReview,*,*][ReplicaSet,*,*][*/*,kyverno,*][Binding,*,*]';

export interface FilterCase {
  name: string;
  filters: string;
  gvk: GroupVersionKind;
  subresource: string;
  namespace: string;
  resourceName: string;
  want: boolean;
}

export const FILTER_CASES: FilterCase[] = [
  { name: 'events anywhere', filters: DEFAULTS, gvk: EVENT, subresource: '', namespace: 'default', resourceName: 'e1', want: true },
  { name: 'anything in kube-system', filters: DEFAULTS, gvk: POD, subresource: '', namespace: 'kube-system', resourceName: 'p', want: true },
  { name: 'subresources in kube-system', filters: DEFAULTS, gvk: POD, subresource: 'exec', namespace: 'kube-system', resourceName: 'p', want: true },
  { name: 'pods in default are not filtered', filters: DEFAULTS, gvk: POD, subresource: '', namespace: 'default', resourceName: 'p', want: false },
  { name: 'nodes', filters: DEFAULTS, gvk: NODE, subresource: '', namespace: '', resourceName: 'n1', want: true },
  { name: 'node status', filters: DEFAULTS, gvk: NODE, subresource: 'status', namespace: '', resourceName: 'n1', want: true },
  { name: 'replicasets', filters: DEFAULTS, gvk: RS, subresource: '', namespace: 'default', resourceName: 'rs', want: true },
  { name: 'the kube-system Namespace object itself', filters: DEFAULTS, gvk: NS, subresource: '', namespace: '', resourceName: 'kube-system', want: true },
  { name: 'another Namespace object', filters: DEFAULTS, gvk: NS, subresource: '', namespace: '', resourceName: 'team-a', want: false },
  { name: 'kind only: missing namespace/name are empty patterns', filters: '[Pod]', gvk: POD, subresource: '', namespace: 'default', resourceName: 'p', want: false },
  { name: 'kind only on a cluster-scoped nameless object', filters: '[Node]', gvk: NODE, subresource: '', namespace: '', resourceName: '', want: true },
  { name: 'kind and namespace', filters: '[Pod,default]', gvk: POD, subresource: '', namespace: 'default', resourceName: '', want: true },
  { name: 'kind and namespace, named object', filters: '[Pod,default]', gvk: POD, subresource: '', namespace: 'default', resourceName: 'p', want: false },
  { name: 'no trimming of spaces', filters: '[Pod, *, *]', gvk: POD, subresource: '', namespace: 'default', resourceName: 'p', want: false },
  { name: 'spaces matched literally', filters: '[Pod, *, *]', gvk: POD, subresource: '', namespace: ' default', resourceName: ' p', want: true },
  { name: 'group/version/kind', filters: '[apps/v1/ReplicaSet,*,*]', gvk: RS, subresource: '', namespace: 'default', resourceName: 'rs', want: true },
  { name: 'wildcard names', filters: '[Pod,*,tmp-*]', gvk: POD, subresource: '', namespace: 'x', resourceName: 'tmp-1', want: true },
  { name: 'empty kind never filters', filters: '[,*,*]', gvk: POD, subresource: '', namespace: 'x', resourceName: 'p', want: false },
  { name: 'four parts repeat the previous entry', filters: '[Pod,*,*][a,b,c,d]', gvk: POD, subresource: '', namespace: 'x', resourceName: 'p', want: true },
  { name: 'four parts first give an empty entry', filters: '[a,b,c,d]', gvk: POD, subresource: '', namespace: 'x', resourceName: 'p', want: false },
  { name: 'text outside brackets is ignored', filters: 'junk [Pod,*,*] junk', gvk: POD, subresource: '', namespace: 'x', resourceName: 'p', want: true },
  { name: 'nested brackets', filters: '[[Pod,*,*]]', gvk: POD, subresource: '', namespace: 'x', resourceName: 'p', want: true },
  { name: 'no filters', filters: '', gvk: POD, subresource: '', namespace: 'x', resourceName: 'p', want: false },
];

test('resource filters', async (t) => {
  for (const c of FILTER_CASES) {
    await t.test(c.name, () => {
      assert.equal(compileResourceFilters(c.filters).toFilter(c.gvk, c.subresource, c.namespace, c.resourceName), c.want);
    });
  }
});

test('resource filters: parsing', () => {
  assert.deepEqual(parseResourceFilters('[Event,*,*][*/*,kube-system,*][Node/status][]'), [
    { group: '*', version: '*', kind: 'Event', subresource: '', namespace: '*', name: '*' },
    { group: '*', version: '*', kind: '*', subresource: '*', namespace: 'kube-system', name: '*' },
    { group: '*', version: '*', kind: 'Node', subresource: 'status', namespace: '', name: '' },
    { group: '', version: '', kind: '', subresource: '', namespace: '', name: '' },
  ]);
  assert.deepEqual(parseResourceFilters('[Pod,a,b][x,y,z,w]').map((f) => f.namespace), ['a', 'a']);
});

test('resource filters: every present object is checked (policy gate)', () => {
  const filters = compileResourceFilters('[Pod,kube-system,*]');
  const inSystem = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'kube-system' } };
  const inDefault = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' } };
  assert.equal(passesResourceFilters(filters, POD, '', inDefault, undefined), true);
  assert.equal(passesResourceFilters(filters, POD, '', inDefault, inSystem), false);
  assert.equal(passesResourceFilters(filters, POD, '', null, inSystem), false);
  assert.equal(passesResourceFilters(filters, POD, '', null, null), true);
});

export interface ExclusionCase {
  name: string;
  config: UserExclusionConfig;
  username: string;
  groups?: string[];
  roles?: string[];
  clusterRoles?: string[];
  want: boolean;
}

export const EXCLUSION_CASES: ExclusionCase[] = [
  { name: 'nothing configured', config: {}, username: 'alice', groups: ['system:nodes'], want: false },
  { name: 'excluded group', config: { excludeGroups: 'system:nodes' }, username: 'n1', groups: ['system:nodes'], want: true },
  { name: 'group wildcard', config: { excludeGroups: 'system:*' }, username: 'n1', groups: ['system:nodes'], want: true },
  { name: 'inclusion wins', config: { excludeGroups: 'system:*, !system:masters' }, username: 'root', groups: ['system:nodes', 'system:masters'], want: false },
  { name: 'inclusion on another axis wins', config: { excludeGroups: 'system:nodes', excludeUsernames: '!admin' }, username: 'admin', groups: ['system:nodes'], want: false },
  { name: 'excluded username', config: { excludeUsernames: 'system:serviceaccount:kube-system:*' }, username: 'system:serviceaccount:kube-system:replicaset-controller', want: true },
  { name: 'username not excluded', config: { excludeUsernames: 'bob' }, username: 'alice', want: false },
  { name: 'excluded role', config: { excludeRoles: 'ns:editor' }, username: 'u', roles: ['ns:editor'], want: true },
  { name: 'excluded cluster role with wildcard', config: { excludeClusterRoles: 'cluster-*' }, username: 'u', clusterRoles: ['cluster-admin'], want: true },
  { name: 'items are trimmed, empty items dropped', config: { excludeUsernames: ' , alice ,, ' }, username: 'alice', want: true },
  { name: 'lone bang is dropped', config: { excludeUsernames: '!, alice' }, username: 'alice', want: true },
  { name: 'bang with spaces', config: { excludeUsernames: '*, ! alice' }, username: 'alice', want: false },
  { name: 'only inclusions', config: { excludeUsernames: '!alice' }, username: 'bob', want: false },
  { name: 'empty username vs star', config: { excludeUsernames: '*' }, username: '', want: true },
];

test('user exclusions', async (t) => {
  for (const c of EXCLUSION_CASES) {
    await t.test(c.name, () => {
      assert.equal(compileUserExclusions(c.config).isExcluded(c.username, c.groups, c.roles, c.clusterRoles), c.want);
    });
  }
});

test('parseExclusions', () => {
  assert.deepEqual(parseExclusions('a, !b ,, ! c,!,d'), { exclusions: ['a', 'd'], inclusions: ['b', 'c'] });
  assert.deepEqual(parseExclusions(''), { exclusions: [], inclusions: [] });
});
