import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdmissionCore, namesUnknownKind } from './core.ts';
import { createLogger } from './logging.ts';
import { StaticDiscovery } from './sources/discovery.ts';
import { StaticClusterState } from './sources/static-cluster.ts';
import { StaticConfigSource } from './sources/static-config.ts';
import type { PolicySnapshot, PolicySource } from './sources/types.ts';

const review = (spec: unknown): string =>
  JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: 'u',
      kind: { group: 'kyverno.io', version: 'v1', kind: 'ClusterPolicy' },
      resource: { group: 'kyverno.io', version: 'v1', resource: 'clusterpolicies' },
      operation: 'CREATE',
      userInfo: { username: 'admin' },
      object: { apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name: 'p' }, spec },
    },
  });

test('namesUnknownKind: match/exclude kinds and generate/target kinds against what discovery knows', () => {
  const known = new Set(['*/*/Pod', 'apps/v1/Deployment', '*/*/ConfigMap', '/v1/ConfigMap']);
  const isKnown = (g: string, v: string, k: string): boolean => known.has(`${g}/${v}/${k}`);
  const cases: Array<{ name: string; spec: unknown; want: boolean }> = [
    { name: 'known kinds', spec: { rules: [{ match: { any: [{ resources: { kinds: ['Pod', 'apps/v1/Deployment'] } }] } }] }, want: false },
    { name: 'unknown match kind', spec: { rules: [{ match: { any: [{ resources: { kinds: ['Widget'] } }] } }] }, want: true },
    { name: 'unknown exclude kind', spec: { rules: [{ match: { any: [{ resources: { kinds: ['Pod'] } }] }, exclude: { all: [{ resources: { kinds: ['example.com/v1/Gadget'] } }] } }] }, want: true },
    { name: 'wildcard kinds', spec: { rules: [{ match: { any: [{ resources: { kinds: ['*', 'Wid*'] } }] } }] }, want: false },
    { name: 'generate kind with apiVersion', spec: { rules: [{ match: { any: [{ resources: { kinds: ['Pod'] } }] }, generate: { apiVersion: 'v1', kind: 'ConfigMap' } }] }, want: false },
    { name: 'unknown generate kind', spec: { rules: [{ match: { any: [{ resources: { kinds: ['Pod'] } }] }, generate: { apiVersion: 'example.com/v1', kind: 'Widget' } }] }, want: true },
    { name: 'no spec', spec: undefined, want: false },
  ];
  for (const c of cases) assert.equal(namesUnknownKind(review(c.spec), isKnown), c.want, c.name);
  assert.equal(namesUnknownKind('{not json', isKnown), false, 'unreadable body');
});

test('policy validation re-reads discovery (at most once a second) before validating a policy for a kind it does not know', async () => {
  const discovery = new StaticDiscovery();
  const widget = { group: 'example.com', version: 'v1', kind: 'Widget', resource: 'widgets', namespaced: false, subresources: [] };
  let refreshes = 0;
  const empty: PolicySnapshot = { policies: [], exceptions: [] } as unknown as PolicySnapshot;
  const policies = { current: () => empty, onChange: () => undefined } as unknown as PolicySource;
  const cluster = new StaticClusterState([]);
  const core = new AdmissionCore({
    policies,
    namespaces: cluster,
    config: new StaticConfigSource(undefined),
    discovery,
    log: createLogger({ verbosity: 0 }),
    refreshDiscovery: async () => {
      refreshes++;
      discovery.replace([widget]);
    },
  });
  const route = core.routes.find((r) => r.path === '/policyvalidate');
  assert.ok(route?.prepare, '/policyvalidate prepares in a cluster');
  const body = review({ rules: [{ name: 'r', match: { any: [{ resources: { kinds: ['Widget'] } }] }, validate: { message: 'm', pattern: { metadata: { name: '?*' } } } }] });
  const pending = route.prepare(body);
  assert.ok(pending, 'an unknown kind waits for a refresh');
  await pending;
  assert.equal(refreshes, 1);
  assert.deepEqual(discovery.findResources('*', '*', 'Widget', '').map((r) => r.resource), ['widgets']);
  // known now: nothing to wait for
  assert.equal(route.prepare(body), undefined);
  // another unknown kind within the second: no second refresh
  assert.equal(route.prepare(review({ rules: [{ match: { any: [{ resources: { kinds: ['Gadget'] } }] } }] })), undefined);
  assert.equal(refreshes, 1);
});
