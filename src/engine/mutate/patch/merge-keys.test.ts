import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeKeysFor, schemaForResourceType } from './merge-keys.ts';

// Expected values: kyaml v0.21.1's openapi package (ResourceSchema.Lookup + PatchStrategyAndKeyList)
// queried by a Go program over the same paths.
const cases: Array<{ gvk: [string, string]; path: string; want: { strategy: string; keys: string[] } | undefined }> = [
  { gvk: ['v1', 'Pod'], path: 'spec.containers', want: { strategy: 'merge', keys: ['name'] } },
  { gvk: ['v1', 'Pod'], path: 'spec.initContainers', want: { strategy: 'merge', keys: ['name'] } },
  { gvk: ['v1', 'Pod'], path: 'spec.ephemeralContainers', want: { strategy: 'merge', keys: ['name'] } },
  { gvk: ['v1', 'Pod'], path: 'spec.containers.[].ports', want: { strategy: 'merge', keys: ['containerPort', 'protocol'] } },
  { gvk: ['v1', 'Pod'], path: 'spec.containers.[].env', want: { strategy: 'merge', keys: ['name'] } },
  { gvk: ['v1', 'Pod'], path: 'spec.containers.[].volumeMounts', want: { strategy: 'merge', keys: ['mountPath'] } },
  { gvk: ['v1', 'Pod'], path: 'spec.containers.[].volumeDevices', want: { strategy: 'merge', keys: ['devicePath'] } },
  { gvk: ['v1', 'Pod'], path: 'spec.volumes', want: { strategy: 'merge,retainKeys', keys: ['name'] } },
  { gvk: ['v1', 'Pod'], path: 'spec.imagePullSecrets', want: { strategy: 'merge', keys: ['name'] } },
  { gvk: ['v1', 'Pod'], path: 'spec.hostAliases', want: { strategy: 'merge', keys: ['ip'] } },
  { gvk: ['v1', 'Pod'], path: 'spec.topologySpreadConstraints', want: { strategy: 'merge', keys: ['topologyKey', 'whenUnsatisfiable'] } },
  { gvk: ['v1', 'Pod'], path: 'metadata.finalizers', want: { strategy: 'merge', keys: [] } },
  { gvk: ['v1', 'Pod'], path: 'metadata.ownerReferences', want: { strategy: 'merge', keys: ['uid'] } },
  { gvk: ['v1', 'Pod'], path: 'status.conditions', want: { strategy: 'merge', keys: ['type'] } },
  { gvk: ['v1', 'Pod'], path: 'spec.tolerations', want: undefined },
  { gvk: ['v1', 'Pod'], path: 'spec.containers.[].args', want: undefined },
  { gvk: ['v1', 'Pod'], path: 'spec.nope', want: undefined },
  // controller templates resolve through the PodTemplateSpec schema
  { gvk: ['apps/v1', 'Deployment'], path: 'spec.template.spec.containers', want: { strategy: 'merge', keys: ['name'] } },
  { gvk: ['apps/v1', 'Deployment'], path: 'spec.template.spec.containers.[].ports', want: { strategy: 'merge', keys: ['containerPort', 'protocol'] } },
  { gvk: ['apps/v1', 'StatefulSet'], path: 'spec.template.spec.volumes', want: { strategy: 'merge,retainKeys', keys: ['name'] } },
  { gvk: ['batch/v1', 'CronJob'], path: 'spec.jobTemplate.spec.template.spec.containers.[].env', want: { strategy: 'merge', keys: ['name'] } },
  { gvk: ['batch/v1beta1', 'CronJob'], path: 'spec.jobTemplate.spec.template.spec.initContainers', want: { strategy: 'merge', keys: ['name'] } },
  { gvk: ['v1', 'Service'], path: 'spec.ports', want: { strategy: 'merge', keys: ['port', 'protocol'] } },
  { gvk: ['v1', 'Node'], path: 'spec.podCIDRs', want: { strategy: 'merge', keys: [] } },
  { gvk: ['v1', 'Node'], path: 'status.addresses', want: { strategy: 'merge', keys: ['type'] } },
  { gvk: ['v1', 'ConfigMap'], path: 'data', want: undefined },
  { gvk: ['kustomize.config.k8s.io/v1beta1', 'Kustomization'], path: 'configMapGenerator', want: { strategy: 'merge', keys: ['name'] } },
  // kinds kyaml's built-in (Kubernetes 1.21) schema does not know: no merge keys at all
  { gvk: ['example.com/v1', 'Foo'], path: 'spec.containers', want: undefined },
  { gvk: ['autoscaling/v2', 'HorizontalPodAutoscaler'], path: 'metadata.finalizers', want: undefined },
];

test('merge keys and strategies from kyaml\'s built-in schema', async (t) => {
  for (const c of cases) {
    await t.test(`${c.gvk.join(' ')} ${c.path}`, () => {
      const got = mergeKeysFor(c.gvk[0], c.gvk[1], c.path.split('.'));
      assert.deepEqual(got === undefined ? undefined : { strategy: got.strategy, keys: [...got.keys] }, c.want);
    });
  }
});

test('resource types known to kyaml', () => {
  assert.notEqual(schemaForResourceType('v1', 'Pod'), undefined);
  assert.notEqual(schemaForResourceType('apps/v1', 'DaemonSet'), undefined);
  assert.notEqual(schemaForResourceType('networking.k8s.io/v1', 'Ingress'), undefined);
  assert.equal(schemaForResourceType('v1', 'pod'), undefined);
  assert.equal(schemaForResourceType('resource.k8s.io/v1', 'ResourceClaim'), undefined);
});
