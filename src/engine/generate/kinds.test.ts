import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getKindFromGvk } from './kinds.ts';

// kyverno/pkg/utils/kube/kind_test.go Test_GetKindFromGVK, plus the cloneList forms
const cases: Array<[string, string, string]> = [
  ['*', '', '*'],
  ['*.*', '', '*/*'],
  ['*/*', '', '*/*'],
  ['Pod', '', 'Pod'],
  ['v1/Pod', 'v1', 'Pod'],
  ['batch/*/CronJob', 'batch/*', 'CronJob'],
  ['storage.k8s.io/v1/CSIDriver', 'storage.k8s.io/v1', 'CSIDriver'],
  ['tekton.dev/v1beta1/TaskRun/Status', 'tekton.dev/v1beta1', 'TaskRun/Status'],
  ['v1/Pod.Status', 'v1', 'Pod/Status'],
  ['Pod.Status', '', 'Pod/Status'],
  ['apps/v1/Deployment/Scale', 'apps/v1', 'Deployment/Scale'],
  ['v1/ReplicationController/Scale', 'v1', 'ReplicationController/Scale'],
  ['*/ReplicationController/Scale', '*', 'ReplicationController/Scale'],
  ['*/Deployment/scale', '*', 'Deployment/scale'],
  ['*/Deployment.scale', '*', 'Deployment/scale'],
  ['apps/v1/Deployment.scale', 'apps/v1', 'Deployment/scale'],
  ['v1/Secret', 'v1', 'Secret'],
  ['networking.k8s.io/v1/NetworkPolicy', 'networking.k8s.io/v1', 'NetworkPolicy'],
  ['example.com/Foo', '', 'example.com/Foo'],
  ['a/b/c/d/e', '', ''],
];

for (const [input, apiVersion, kind] of cases) {
  test(`getKindFromGvk(${input})`, () => {
    assert.deepEqual(getKindFromGvk(input), [apiVersion, kind]);
  });
}
