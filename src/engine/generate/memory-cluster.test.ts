import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Resource } from '../api/json.ts';
import { ClientError } from './client.ts';
import { generateMockCluster, matchNamespaceName, testCluster } from './memory-cluster.ts';

// Behaviour of the Kyverno CLI's fake clients (client-go testing tracker + dynamic fake, Kyverno's fake
// discovery): objects given up front live under meta.UnsafeGuessKindToResource, lookups go through the
// discovery's `lowercase(kind)+"s"` name.

const ns = (name: string): Resource => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const secret = (namespace: string, name: string, labels?: Record<string, string>): Resource => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: labels ? { name, namespace, labels } : { name, namespace },
});
const netpol = (namespace: string, name: string): Resource => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace },
});

function thrown(fn: () => unknown): { reason: string; message: string } {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ClientError, `expected ClientError, got ${String(err)}`);
    return { reason: err.reason, message: err.message };
  }
  assert.fail('expected an error');
}

test('get: objects given up front are found by kind', () => {
  const c = generateMockCluster([ns('ns1'), secret('default', 'regcred')]);
  assert.deepEqual(c.getResource('v1', 'Secret', 'default', 'regcred'), secret('default', 'regcred'));
  assert.deepEqual(c.getResource('v1', 'Namespace', '', 'ns1'), ns('ns1'));
});

test('get: a missing object is NotFound with the Kubernetes message', () => {
  const c = generateMockCluster([ns('ns1')]);
  assert.deepEqual(thrown(() => c.getResource('v1', 'Secret', 'default', 'nope')), {
    reason: 'NotFound',
    message: 'secrets "nope" not found',
  });
  // a namespaced object is not found without its namespace
  const c2 = generateMockCluster([secret('default', 's')]);
  assert.equal(thrown(() => c2.getResource('v1', 'Secret', '', 's')).reason, 'NotFound');
});

test('get: initial objects of kinds ending in y or s are never found (networkpolicies vs networkpolicys)', () => {
  const c = generateMockCluster([ns('ns1'), netpol('default', 'deny')]);
  assert.deepEqual(thrown(() => c.getResource('networking.k8s.io/v1', 'NetworkPolicy', 'default', 'deny')), {
    reason: 'NotFound',
    message: 'networkpolicys.networking.k8s.io "deny" not found',
  });
});

test('create then get: objects of unknown kinds share the empty resource', () => {
  const c = generateMockCluster([ns('ns1')]);
  c.createResource('networking.k8s.io/v1', 'NetworkPolicy', 'ns1', netpol('ns1', 'deny'));
  assert.deepEqual(c.getResource('networking.k8s.io/v1', 'NetworkPolicy', 'ns1', 'deny'), netpol('ns1', 'deny'));
  // unknown kinds all land in the empty resource: another unknown kind with the same key collides
  assert.deepEqual(thrown(() => c.createResource('networking.k8s.io/v1', 'Ingress', 'ns1', { kind: 'Ingress', metadata: { name: 'deny' } })), {
    reason: 'AlreadyExists',
    message: ' "deny" already exists',
  });
  assert.deepEqual(thrown(() => c.getResource('v1', 'Foo', 'ns1', 'x')), { reason: 'NotFound', message: ' "x" not found' });
});

test('create: AlreadyExists, namespace propagation and mismatch', () => {
  const c = generateMockCluster([secret('default', 'regcred')]);
  assert.deepEqual(thrown(() => c.createResource('v1', 'Secret', 'default', secret('default', 'regcred'))), {
    reason: 'AlreadyExists',
    message: 'secrets "regcred" already exists',
  });
  const created = c.createResource('v1', 'Secret', 'ns1', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } });
  assert.deepEqual(created, secret('ns1', 'x'));
  assert.deepEqual(thrown(() => c.createResource('v1', 'Secret', 'ns1', secret('ns2', 'y'))), {
    reason: 'BadRequest',
    message: 'request namespace does not match object namespace, request: "ns1" object: "ns2"',
  });
});

test('update: replaces an existing object, NotFound otherwise', () => {
  const c = generateMockCluster([secret('default', 'regcred')]);
  c.updateResource('v1', 'Secret', 'default', secret('default', 'regcred', { a: 'b' }));
  assert.deepEqual(c.getResource('v1', 'Secret', 'default', 'regcred'), secret('default', 'regcred', { a: 'b' }));
  assert.equal(thrown(() => c.updateResource('v1', 'Secret', 'default', secret('default', 'other'))).reason, 'NotFound');
});

test('apply (server-side apply in the fake): NotFound when the object does not exist', () => {
  const c = generateMockCluster([ns('ns1')]);
  assert.deepEqual(thrown(() => c.applyResource('v1', 'ConfigMap', 'ns1', 'cm', { kind: 'ConfigMap', metadata: { name: 'cm' } })), {
    reason: 'NotFound',
    message: 'configmaps "cm" not found',
  });
});

test('list: namespace filter, label selector, sorted by namespace then name', () => {
  const c = generateMockCluster(
    [secret('b', 's2', { x: '1' }), secret('a', 's9', { x: '1' }), secret('b', 's1'), secret('a', 's3', { x: '2' })],
    ['v1/Secret'],
  );
  const names = (rs: Resource[]): string[] => rs.map((r) => `${(r['metadata'] as any).namespace}/${(r['metadata'] as any).name}`);
  assert.deepEqual(names(c.listResource('v1', 'Secret', '', undefined)), ['a/s3', 'a/s9', 'b/s1', 'b/s2']);
  assert.deepEqual(names(c.listResource('v1', 'Secret', 'b', undefined)), ['b/s1', 'b/s2']);
  assert.deepEqual(names(c.listResource('v1', 'Secret', '', { matchLabels: { x: '1' } })), ['a/s9', 'b/s2']);
  assert.deepEqual(names(c.listResource('v1', 'Secret', '', { matchExpressions: [{ key: 'x', operator: 'NotIn', values: ['1'] }] })), ['a/s3', 'b/s1']);
});

test('list: a kind with a registered list kind but no objects is empty; otherwise listing fails', () => {
  const c = generateMockCluster([ns('ns1')], ['v1/ConfigMap']);
  assert.deepEqual(c.listResource('v1', 'ConfigMap', 'default', undefined), []);
  assert.equal(thrown(() => c.listResource('v1', 'Secret', 'default', undefined)).reason, 'Unsupported');
});

test('getResources: GET for a plain namespace and name', () => {
  const c = testCluster([secret('staging', 'secret-1'), secret('prod', 'secret-1')]);
  assert.deepEqual(
    c.getResources('', 'v1', 'Secret', '', 'staging', 'secret-1', undefined).map((f) => [f.group, f.version, f.resource, f.object]),
    [['', 'v1', 'secrets', secret('staging', 'secret-1')]],
  );
  assert.deepEqual(thrown(() => c.getResources('', 'v1', 'Secret', '', 'staging', 'nope', undefined)), {
    reason: 'NotFound',
    message: 'secrets "nope" not found',
  });
});

test('getResources: LIST across namespaces for a name alone, wildcards or a selector', () => {
  const c = testCluster([secret('staging', 'secret-1', { a: 'x' }), secret('prod', 'secret-1'), secret('prod', 'other', { a: 'x' })]);
  const keys = (fs: { object: Resource }[]): string[] => fs.map((f) => `${(f.object['metadata'] as any).namespace}/${(f.object['metadata'] as any).name}`);
  assert.deepEqual(keys(c.getResources('', 'v1', 'Secret', '', '', 'secret-1', undefined)), ['prod/secret-1', 'staging/secret-1']);
  assert.deepEqual(keys(c.getResources('', 'v1', 'Secret', '', 'pro*', '', undefined)), ['prod/other', 'prod/secret-1']);
  assert.deepEqual(keys(c.getResources('', 'v1', 'Secret', '', 'prod', 'sec*', undefined)), ['prod/secret-1']);
  assert.deepEqual(keys(c.getResources('', 'v1', 'Secret', '', '', '', { matchLabels: { a: 'x' } })), ['prod/other', 'staging/secret-1']);
});

test('getResources: a kind discovery cannot name fails with "not found"', () => {
  const c = testCluster([netpol('default', 'deny')]);
  assert.deepEqual(thrown(() => c.getResources('networking.k8s.io', 'v1', 'NetworkPolicy', '', 'default', 'deny', undefined)), {
    reason: 'NotFound',
    message: 'not found',
  });
});

test('test/apply cluster: a kind with no object can be found by discovery but not listed', () => {
  // kyverno apply without Secrets among the resources: the Go fake panics on the LIST; here it is an error
  const c = testCluster([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'trigger', namespace: 'staging' } }]);
  assert.equal(thrown(() => c.getResources('', 'v1', 'Secret', '', '', 'secret-1', undefined)).reason, 'Unsupported');
  assert.deepEqual(thrown(() => c.getResources('', 'v1', 'Secret', '', 'staging', 'secret-1', undefined)), {
    reason: 'NotFound',
    message: 'secrets "secret-1" not found',
  });
});

test('TargetResolver view: errors read as absent', () => {
  const c = testCluster([secret('ns', 's')]);
  assert.deepEqual(c.get('v1', 'Secret', 'ns', 's'), secret('ns', 's'));
  assert.equal(c.get('v1', 'Secret', 'ns', 'x'), undefined);
  assert.deepEqual(c.list('v1', 'Secret'), [secret('ns', 's')]);
  assert.deepEqual(c.list('v1', 'ConfigMap'), []);
});

// kyverno/pkg/engine/handlers/mutation/load_targets_test.go Test_match
const matchCases: Array<[string, string, string, string, boolean]> = [
  ['', '', 'foo', 'bar', true],
  ['', '', '', 'bar', true],
  ['', 'bar', '', 'bar', true],
  ['', 'ba*', '', 'bar', true],
  ['', 'ba*', '', 'random', false],
  ['', 'bar', 'foo', 'bar', true],
  ['', 'ba*', 'foo', 'bar', true],
  ['', 'ba*', 'foo', 'random', false],
  ['foo', '', '', 'bar', false],
  ['foo', '', 'foo', 'bar', true],
  ['fo*', '', 'foo', 'bar', true],
  ['fo*', '', 'random', 'bar', false],
  ['fo*', '', '', 'bar', false],
  ['foo', 'bar', '', '', false],
  ['foo', 'bar', 'foo', 'bar', true],
  ['foo', 'bar', '', 'bar', false],
  ['foo', 'bar', 'random', 'bar', false],
  ['foo', 'bar', 'foo', 'random', false],
  ['fo*', 'bar', 'foo', 'bar', true],
  ['fo*', 'bar', 'random', 'bar', false],
  ['fo*', 'bar', '', 'bar', false],
  ['foo', 'ba*', 'foo', 'bar', true],
  ['foo', 'ba*', 'foo', 'random', false],
];
for (const [nsPattern, namePattern, namespace, name, want] of matchCases) {
  test(`matchNamespaceName(${JSON.stringify(nsPattern)}, ${JSON.stringify(namePattern)}, ${JSON.stringify(namespace)}, ${JSON.stringify(name)})`, () => {
    assert.equal(matchNamespaceName(nsPattern, namePattern, namespace, name), want);
  });
}

test('test cluster: a CRD registers its storage version under its plural', () => {
  const crd: Resource = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      names: { kind: 'Widget', plural: 'widgets' },
      versions: [
        { name: 'v1alpha1', storage: false },
        { name: 'v1', storage: true },
      ],
    },
  };
  const without = testCluster([]);
  assert.equal(thrown(() => without.getResources('example.com', 'v1', 'Widget', '', 'ns', 'w', undefined)).message, 'not found');
  const c = testCluster([], [crd]);
  assert.deepEqual(thrown(() => c.getResources('example.com', 'v1', 'Widget', '', 'ns', 'w', undefined)), {
    reason: 'NotFound',
    message: 'widgets.example.com "w" not found',
  });
  assert.deepEqual(c.getResources('example.com', 'v1', 'Widget', '', '', '', undefined), []);
});
