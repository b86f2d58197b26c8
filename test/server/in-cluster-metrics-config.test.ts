/**
 * The admission server in the cluster reads the `kyverno-metrics` ConfigMap as Kyverno's admission
 * controller does: histogram boundaries at start, namespaces and `metricsExposure` followed live.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryKubeApi } from '../../src/k8s/client/memory-api.ts';
import { parseKyvernoConfig } from '../../src/server/config.ts';
import { startInCluster } from '../../src/server/in-cluster.ts';
import { discardLogger } from '../../src/server/logging.ts';
import { StaticDiscovery } from '../../src/server/sources/discovery.ts';
import { StaticClusterState } from '../../src/server/sources/static-cluster.ts';
import { StaticPolicySource } from '../../src/server/sources/static-policies.ts';
import { admissionReview, pod, requireTeamPolicy } from './harness.ts';

function post(port: number, ca: string, path: string, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', ca, servername: 'kyverno-svc.kyverno.svc', headers: { 'Content-Type': 'application/json' } }, (res) => {
      let out = '';
      res.setEncoding('utf8').on('data', (d: string) => (out += d)).on('end', () => resolve(out));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function until(check: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('in-cluster admission metrics follow the kyverno-metrics ConfigMap (bucketBoundaries at start; namespaces and metricsExposure live)', async () => {
  const api = new MemoryKubeApi();
  const configMaps = api.res('v1', 'ConfigMap');
  await api.create(configMaps, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'kyverno-metrics', namespace: 'kyverno' },
    data: {
      bucketBoundaries: '0.5, 2',
      namespaces: '{"include": [], "exclude": ["quiet"]}',
      metricsExposure: '{"kyverno_admission_requests": {"disabledLabelDimensions": ["resource_namespace"]}}',
    },
  });
  const dir = mkdtempSync(join(tmpdir(), 'kyverno-metrics-config-'));
  writeFileSync(join(dir, 'p.yaml'), requireTeamPolicy());
  const discovery = new StaticDiscovery();
  const policies = new StaticPolicySource({ policyPaths: [join(dir, 'p.yaml')], clusterResources: discovery.clusterScopedKinds() });
  const cluster = new StaticClusterState([]);
  const handle = await startInCluster({
    api,
    policies,
    allPolicies: () => policies.current().policies,
    onPoliciesChange: () => {},
    namespaces: cluster,
    roleBindings: cluster,
    config: { current: () => parseKyvernoConfig({}), onChange: () => {} },
    host: '127.0.0.1',
    port: 0,
    serviceName: 'kyverno-svc',
    kyvernoNamespace: 'kyverno',
    deferWebhookController: true,
    log: discardLogger,
  });
  try {
    const ca = await handle.caBundle();
    await post(handle.address.port, ca, '/validate/fail', JSON.stringify(admissionReview({ object: pod('a', 'loud') })));
    await post(handle.address.port, ca, '/validate/fail', JSON.stringify(admissionReview({ object: pod('b', 'quiet') })));
    let text = await handle.server.renderMetrics();
    // the ConfigMap's boundaries (not Kyverno's defaults 0.005 … 30)
    assert.match(text, /kyverno_admission_review_duration_seconds_bucket\{[^}]*le="0\.5"\}/);
    assert.doesNotMatch(text, /kyverno_admission_review_duration_seconds_bucket\{[^}]*le="0\.005"\}/);
    // metricsExposure drops resource_namespace from the admission request counter only
    assert.doesNotMatch(text, /kyverno_admission_requests_total\{[^}]*resource_namespace=/);
    assert.match(text, /kyverno_admission_review_duration_seconds_count\{[^}]*resource_namespace="loud"/);
    // requests of an excluded namespace are not counted (Kyverno checks the request's namespace for
    // admission metrics, and the policy's, `-` for a ClusterPolicy, for policy results)
    assert.doesNotMatch(text, /kyverno_admission_review_duration_seconds_count\{[^}]*resource_namespace="quiet"/);
    assert.match(text, /kyverno_policy_results_total\{[^}]*resource_namespace="quiet"/);

    // a change of the ConfigMap applies without a restart
    const cm = await api.get(configMaps, 'kyverno', 'kyverno-metrics');
    assert.ok(cm);
    await api.update(configMaps, { ...cm, data: { namespaces: '{"include": ["quiet"]}', metricsExposure: '{"kyverno_admission_requests": {"enabled": false}}' } });
    await until(async () => !(await handle.server.renderMetrics()).includes('kyverno_admission_requests_total'));
    await post(handle.address.port, ca, '/validate/fail', JSON.stringify(admissionReview({ object: pod('c', 'quiet') })));
    await post(handle.address.port, ca, '/validate/fail', JSON.stringify(admissionReview({ object: pod('d', 'other') })));
    text = await handle.server.renderMetrics();
    assert.match(text, /kyverno_admission_review_duration_seconds_count\{[^}]*resource_namespace="quiet"[^}]*\} 1/);
    assert.doesNotMatch(text, /kyverno_admission_review_duration_seconds_count\{[^}]*resource_namespace="other"/);
  } finally {
    await handle.stop();
  }
});
