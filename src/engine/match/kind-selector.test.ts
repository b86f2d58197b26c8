/**
 * Kind selector grammar and matching (pkg/utils/kube/kind.go, pkg/utils/match/kind.go); expected values
 * from Kyverno's ParseKindSelector / CheckKind run on the same inputs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GroupVersionKind } from '../api/request.ts';
import { compileKindSelectors, matchesKind, parseKindSelector } from './kind-selector.ts';

/** [selector, [group, version, kind, subresource]] */
export const PARSE_CASES: Array<[string, [string, string, string, string]]> = [
  ['Pod', ['*', '*', 'Pod', '']],
  ['*', ['*', '*', '*', '']],
  ['', ['*', '*', '', '']],
  ['*/*', ['*', '*', '*', '*']],
  ['*/scale', ['*', '*', '*', 'scale']],
  ['*/Pod', ['*', '*', 'Pod', '']],
  ['v1/Pod', ['*', 'v1', 'Pod', '']],
  ['v2beta1/HorizontalPodAutoscaler', ['*', 'v2beta1', 'HorizontalPodAutoscaler', '']],
  ['v1alpha1/Thing', ['*', 'v1alpha1', 'Thing', '']],
  ['v1gamma1/Thing', ['*', '*', 'v1gamma1', 'Thing']],
  ['Pod/exec', ['*', '*', 'Pod', 'exec']],
  ['Pod.exec', ['*', '*', 'Pod', 'exec']],
  ['Deployment/scale', ['*', '*', 'Deployment', 'scale']],
  ['Deployment.Scale', ['*', '*', 'Deployment', 'Scale']],
  ['apps/v1/Deployment', ['apps', 'v1', 'Deployment', '']],
  ['networking.k8s.io/v1/Ingress', ['networking.k8s.io', 'v1', 'Ingress', '']],
  ['v1/Pod/exec', ['*', 'v1', 'Pod', 'exec']],
  ['v1/Pod.exec', ['*', 'v1', 'Pod', 'exec']],
  ['*/Pod/status', ['*', '*', 'Pod', 'status']],
  ['apps/*/Deployment', ['apps', '*', 'Deployment', '']],
  ['apps/v1/Deployment/scale', ['apps', 'v1', 'Deployment', 'scale']],
  ['apps/v1/Deployment.scale', ['apps', 'v1', 'Deployment', 'scale']],
  ['apps/v1/Deployment/scale/extra', ['', '', '', '']],
  ['apps.v1', ['*', '*', 'apps', 'v1']],
  ['a.b.c', ['a', 'b', 'c', '']],
  ['a.b.c.d', ['a', 'b', 'c', 'd']],
  ['a.b.c.d.e', ['', '', '', '']],
  ['Pod*', ['*', '*', 'Pod*', '']],
  ['*/ephemeralcontainers', ['*', '*', '*', 'ephemeralcontainers']],
];

const POD: GroupVersionKind = { group: '', version: 'v1', kind: 'Pod' };
const DEPLOY: GroupVersionKind = { group: 'apps', version: 'v1', kind: 'Deployment' };
const INGRESS: GroupVersionKind = { group: 'networking.k8s.io', version: 'v1', kind: 'Ingress' };
const CRD: GroupVersionKind = { group: 'example.com', version: 'v1alpha1', kind: 'Widget' };

export interface CheckKindCase {
  name: string;
  kinds: string[];
  gvk: GroupVersionKind;
  subresource: string;
  allow: boolean;
  want: boolean;
}

export const CHECK_KIND_CASES: CheckKindCase[] = [
  { name: 'plain kind', kinds: ['Pod'], gvk: POD, subresource: '', allow: true, want: true },
  { name: 'plain kind vs subresource', kinds: ['Pod'], gvk: POD, subresource: 'status', allow: true, want: false },
  { name: 'ephemeralcontainers allowed', kinds: ['Pod'], gvk: POD, subresource: 'ephemeralcontainers', allow: true, want: true },
  { name: 'ephemeralcontainers not allowed', kinds: ['Pod'], gvk: POD, subresource: 'ephemeralcontainers', allow: false, want: false },
  { name: 'ephemeralcontainers only for v1 Pod', kinds: ['Pod'], gvk: { group: '', version: 'v2', kind: 'Pod' }, subresource: 'ephemeralcontainers', allow: true, want: false },
  { name: 'ephemeralcontainers through v1/Pod', kinds: ['v1/Pod'], gvk: POD, subresource: 'ephemeralcontainers', allow: true, want: true },
  { name: 'ephemeralcontainers not through Deployment', kinds: ['Deployment'], gvk: POD, subresource: 'ephemeralcontainers', allow: true, want: false },
  { name: 'star kind, no subresource', kinds: ['*'], gvk: CRD, subresource: '', allow: true, want: true },
  { name: 'star kind vs subresource', kinds: ['*'], gvk: DEPLOY, subresource: 'scale', allow: true, want: false },
  { name: 'star/star vs subresource', kinds: ['*/*'], gvk: DEPLOY, subresource: 'scale', allow: true, want: true },
  { name: 'star/star without subresource', kinds: ['*/*'], gvk: DEPLOY, subresource: '', allow: true, want: true },
  { name: 'star/scale', kinds: ['*/scale'], gvk: DEPLOY, subresource: 'scale', allow: true, want: true },
  { name: 'star/scale without subresource', kinds: ['*/scale'], gvk: DEPLOY, subresource: '', allow: true, want: false },
  { name: 'Kind/sub', kinds: ['Deployment/scale'], gvk: DEPLOY, subresource: 'scale', allow: true, want: true },
  { name: 'Kind.sub', kinds: ['Pod.exec'], gvk: POD, subresource: 'exec', allow: true, want: true },
  { name: 'Kind/sub vs other sub', kinds: ['Pod/exec'], gvk: POD, subresource: 'log', allow: true, want: false },
  { name: 'group/version/kind', kinds: ['networking.k8s.io/v1/Ingress'], gvk: INGRESS, subresource: '', allow: true, want: true },
  { name: 'group mismatch', kinds: ['extensions/v1beta1/Ingress'], gvk: INGRESS, subresource: '', allow: true, want: false },
  { name: 'version wildcard', kinds: ['apps/*/Deployment'], gvk: DEPLOY, subresource: '', allow: true, want: true },
  { name: 'version selector', kinds: ['v1alpha1/Widget'], gvk: CRD, subresource: '', allow: true, want: true },
  { name: 'core version selector vs group', kinds: ['v1/Pod'], gvk: { group: 'other.io', version: 'v1', kind: 'Pod' }, subresource: '', allow: true, want: true },
  { name: 'case-sensitive', kinds: ['pod'], gvk: POD, subresource: '', allow: true, want: false },
  { name: 'wildcard in kind', kinds: ['Dep*'], gvk: DEPLOY, subresource: '', allow: true, want: true },
  { name: 'question mark', kinds: ['Po?'], gvk: POD, subresource: '', allow: true, want: true },
  { name: 'one of several', kinds: ['Service', 'Deployment', 'Pod'], gvk: POD, subresource: '', allow: true, want: true },
  { name: 'group/version/kind/sub', kinds: ['apps/v1/Deployment/scale'], gvk: DEPLOY, subresource: 'scale', allow: true, want: true },
  { name: 'too many parts', kinds: ['a/b/c/d/e'], gvk: POD, subresource: '', allow: true, want: false },
  { name: 'empty kind vs empty gvk', kinds: [''], gvk: { group: '', version: 'v1', kind: '' }, subresource: '', allow: true, want: true },
  { name: 'no kinds', kinds: [], gvk: POD, subresource: '', allow: true, want: false },
];

test('parseKindSelector grammar', () => {
  for (const [input, [group, version, kind, subresource]] of PARSE_CASES) {
    assert.deepEqual(parseKindSelector(input), { group, version, kind, subresource }, input);
  }
});

test('kind matching', async (t) => {
  for (const c of CHECK_KIND_CASES) {
    await t.test(c.name, () => {
      assert.equal(compileKindSelectors(c.kinds).matches(c.gvk, c.subresource, c.allow), c.want);
      assert.equal(matchesKind(c.kinds, c.gvk, c.subresource, c.allow), c.want);
    });
  }
});
