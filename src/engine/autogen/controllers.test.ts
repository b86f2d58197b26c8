import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containsKind, convertKindsToGvk, DEFAULT_POD_CONTROLLERS, kindFromGvk, splitKinds } from './controllers.ts';

test('default controllers keep Kyverno order', () => {
  assert.deepEqual(DEFAULT_POD_CONTROLLERS, [
    'DaemonSet',
    'Deployment',
    'Job',
    'StatefulSet',
    'ReplicaSet',
    'ReplicationController',
    'CronJob',
  ]);
});

test('convertKindsToGvk maps known kinds and keeps others', () => {
  assert.deepEqual(
    convertKindsToGvk(['DaemonSet', 'Deployment', 'Job', 'StatefulSet', 'ReplicaSet', 'ReplicationController', 'CronJob', 'Pod', 'Foo', 'apps/v1/Deployment']),
    [
      'apps/v1/DaemonSet',
      'apps/v1/Deployment',
      'batch/v1/Job',
      'apps/v1/StatefulSet',
      'apps/v1/ReplicaSet',
      'v1/ReplicationController',
      'batch/v1/CronJob',
      'v1/Pod',
      'Foo',
      'apps/v1/Deployment',
    ],
  );
});

test('splitKinds splits and sorts (Go byte order)', () => {
  assert.deepEqual(splitKinds('StatefulSet,Job,Deployment'), ['Deployment', 'Job', 'StatefulSet']);
  assert.deepEqual(splitKinds(''), ['']);
  assert.deepEqual(splitKinds('none,Deployment'), ['Deployment', 'none']);
  assert.deepEqual(splitKinds('Deployment, Job'), [' Job', 'Deployment']);
});

// kubeutils.GetKindFromGVK / ContainsKind (pkg/utils/kube/kind.go).
const kindCases: Array<[string, string]> = [
  ['Pod', 'Pod'],
  ['Pod.status', 'Pod/status'],
  ['v1/Pod', 'Pod'],
  ['v1/Pod.status', 'Pod/status'],
  ['apps/Deployment', 'apps/Deployment'],
  ['*/*', '*/*'],
  ['apps/v1/Deployment', 'Deployment'],
  ['v1/Pod/status', 'Pod/status'],
  ['v1beta1/Pod/eviction', 'Pod/eviction'],
  ['apps/v1/Deployment/scale', 'Deployment/scale'],
  ['a/b/c/d/e', ''],
];
for (const [input, want] of kindCases) {
  test(`kindFromGvk(${input})`, () => assert.equal(kindFromGvk(input), want));
}

test('containsKind compares kinds without group/version/subresource', () => {
  assert.equal(containsKind(['Pod'], 'Pod'), true);
  assert.equal(containsKind(['v1/Pod'], 'Pod'), true);
  assert.equal(containsKind(['Pod/ephemeralcontainers'], 'Pod'), true);
  assert.equal(containsKind(['v1/Pod/status'], 'Pod'), true);
  assert.equal(containsKind(['Pods'], 'Pod'), false);
  assert.equal(containsKind(['apps/Pod'], 'Pod'), false);
  assert.equal(containsKind([], 'Pod'), false);
  assert.equal(containsKind(['Deployment', 'Pod'], 'Pod'), true);
});
