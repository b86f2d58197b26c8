/** Standalone discovery: FindResources semantics (pkg/clients/dclient/discovery.go) and learning. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StaticDiscovery } from './discovery.ts';

const keys = (d: ReturnType<StaticDiscovery['findResources']>) => d.map((r) => `${r.group}/${r.version}/${r.resource}${r.subresource ? '/' + r.subresource : ''}`).sort();

test('findResources: kinds, versions, subresources and wildcards', () => {
  const d = new StaticDiscovery();
  assert.deepEqual(keys(d.findResources('*', '*', 'Pod', '')), ['/v1/pods']);
  assert.deepEqual(keys(d.findResources('*', '*', 'HorizontalPodAutoscaler', '')), ['autoscaling/v1/horizontalpodautoscalers', 'autoscaling/v2/horizontalpodautoscalers']);
  assert.deepEqual(keys(d.findResources('*', '*', 'Pod', 'status')), ['/v1/pods/status']);
  assert.deepEqual(keys(d.findResources('*', '*', 'Deployment', 'scale')), ['apps/v1/deployments/scale']);
  assert.ok(keys(d.findResources('*', '*', 'Pod', '*')).includes('/v1/pods/exec'));
  assert.ok(!keys(d.findResources('*', '*', 'Pod', '*')).includes('/v1/pods'), 'a subresource selector names subresources only');
  const all = keys(d.findResources('*', '*', '*', '*'));
  assert.ok(all.includes('/v1/pods') && all.includes('/v1/pods/status'), '*/* names resources and subresources');
  assert.throws(() => d.findResources('*', '*', 'Widget', ''), /resource not found/);
});

test('kindFor and learning from requests', () => {
  const d = new StaticDiscovery(2);
  assert.deepEqual(d.kindFor({ group: '', version: 'v1', resource: 'pods' }), { gvk: { group: '', version: 'v1', kind: 'Pod' } });
  assert.deepEqual(d.kindFor({ group: 'example.com', version: 'v1', resource: 'widgets' }), { error: 'resource widgets not found in group example.com/v1' });
  let changes = 0;
  d.onChanged(() => changes++);
  assert.equal(d.learn({ group: 'example.com', version: 'v1', resource: 'widgets' }, '', { group: 'example.com', version: 'v1', kind: 'Widget' }), true);
  assert.deepEqual(d.kindFor({ group: 'example.com', version: 'v1', resource: 'widgets' }), { gvk: { group: 'example.com', version: 'v1', kind: 'Widget' } });
  assert.deepEqual(keys(d.findResources('example.com', '*', 'Widget', '')), ['example.com/v1/widgets']);
  assert.equal(d.learn({ group: 'example.com', version: 'v1', resource: 'widgets' }, 'status', { group: 'example.com', version: 'v1', kind: 'Widget' }), true);
  assert.equal(changes, 2);
  assert.equal(d.learn({ group: 'x.io', version: 'v1', resource: 'things' }, '', { group: 'x.io', version: 'v1', kind: 'Thing' }), false, 'capped');
  assert.equal(d.learn({ group: '', version: 'v1', resource: 'pods' }, '', { group: '', version: 'v1', kind: 'Widget' }), false, 'built-ins are never redefined');
  assert.equal(d.learn({ group: 'y.io', version: 'v1', resource: 'things' }, '', { group: 'z.io', version: 'v1', kind: 'Thing' }), false, 'kind and resource groups must agree');
});

test('cluster-scoped kinds for policy validation', () => {
  const k = new StaticDiscovery().clusterScopedKinds();
  assert.ok(k.has('Namespace') && k.has('v1/Namespace') && k.has('ClusterRole') && k.has('rbac.authorization.k8s.io/v1/ClusterRole'));
  assert.ok(!k.has('Pod'));
});
