/**
 * Generate on the real control plane, through the admission webhook and UpdateRequests:
 * every new namespace gets a default-deny NetworkPolicy and a ResourceQuota; a deleted or modified one
 * comes back (synchronize: the admission replica sees the change and creates the UR, as Kyverno does); generateExisting covers namespaces that existed before the policy; and the
 * UpdateRequest queue is durable: namespaces created while the background controller is down, then
 * processed by a controller killed (SIGKILL) mid-queue and replaced, all end up with their resources,
 * with no UpdateRequest left behind.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createCertificateAuthority, issueCertificate } from '../../scripts/control-plane/pki.ts';
import { freePorts } from '../../scripts/control-plane/ports.ts';
import { UPDATE_REQUESTS } from '../../src/controllers/generate/ur-generator.ts';
import { CLUSTER_POLICIES } from '../../src/controllers/policies/policy-informers.ts';
import type { RestKubeApi } from '../../src/k8s/client/rest.ts';
import type { ApiResource, KubeObject } from '../../src/k8s/client/types.ts';
import { cluster } from './cluster.ts';
import {
  apiFor,
  deleteWebhooks,
  installKyverno,
  KYVERNO_NS,
  spawnRunner,
  startAdmissionReplica,
  startControllerManager,
  until,
  writeWebhooks,
  type AdmissionReplica,
} from './controllers-harness.ts';

const LABEL = 'e2e.kyverno-ts.io/controllers-generate';
const NS: ApiResource = { group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', namespaced: false, verbs: [], subresources: ['status'] };
const NETPOL: ApiResource = { group: 'networking.k8s.io', version: 'v1', resource: 'networkpolicies', kind: 'NetworkPolicy', namespaced: true, verbs: [], subresources: [] };
const QUOTA: ApiResource = { group: '', version: 'v1', resource: 'resourcequotas', kind: 'ResourceQuota', namespaced: true, verbs: [], subresources: ['status'] };

const rule = (name: string, kind: string, apiVersion: string, objName: string, data: KubeObject): KubeObject => ({
  name,
  match: { any: [{ resources: { kinds: ['Namespace'], selector: { matchLabels: { [LABEL]: 'true' } } } }] },
  generate: { synchronize: true, apiVersion, kind, name: objName, namespace: '{{request.object.metadata.name}}', data },
});

const POLICY: KubeObject = {
  apiVersion: 'kyverno.io/v1',
  kind: 'ClusterPolicy',
  metadata: { name: 'e2e-namespace-defaults' },
  spec: {
    rules: [
      rule('default-deny', 'NetworkPolicy', 'networking.k8s.io/v1', 'default-deny', { spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } }),
      rule('quota', 'ResourceQuota', 'v1', 'default-quota', { spec: { hard: { pods: '50' } } }),
    ],
  },
};

async function hasDefaults(api: RestKubeApi, ns: string): Promise<boolean> {
  const np = await api.get(NETPOL, ns, 'default-deny');
  const q = await api.get(QUOTA, ns, 'default-quota');
  return np !== undefined && q !== undefined && ((q['spec'] as { hard: Record<string, string> }).hard['pods'] === '50');
}

async function createNamespaces(api: RestKubeApi, names: string[]): Promise<void> {
  await Promise.all(names.map((name) => api.create(NS, { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { [LABEL]: 'true' } } })));
}

describe('controllers: generate', () => {
  let api: RestKubeApi;
  let dir = '';
  let replica: AdmissionReplica | undefined;
  let controllers: Awaited<ReturnType<typeof startControllerManager>> | undefined;
  const created: string[] = [];

  before(async () => {
    api = await apiFor(cluster().kubeconfigFile);
    await installKyverno(api);
    dir = mkdtempSync(join(tmpdir(), 'kyverno-ts-e2e-generate-'));
    const ca = createCertificateAuthority(dir, 'ca');
    const tls = issueCertificate(ca, dir, { name: 'svc', commonName: 'kyverno-svc', ipAddresses: ['127.0.0.1'], dnsNames: ['localhost'], usage: 'server' });
    const [port] = await freePorts(1);
    replica = await startAdmissionReplica({ kubeconfigFile: cluster().kubeconfigFile, port: port as number, certPem: tls.certPem, keyPem: tls.keyPem, id: 'generate-replica' });
    await writeWebhooks(api, `https://127.0.0.1:${replica.port}`, Buffer.from(ca.certPem).toString('base64'), {
      // the triggers, and the generated kinds with CREATE, UPDATE and DELETE, as Kyverno's webhook controller
      // registers them (mergeWebhook): a deleted or modified downstream reaches the admission replica, which
      // creates the UR restoring it (handleNonTrigger)
      validate: [
        { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE', 'DELETE'], resources: ['namespaces'], scope: '*' },
        { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE', 'DELETE'], resources: ['resourcequotas'], scope: 'Namespaced' },
        { apiGroups: ['networking.k8s.io'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE', 'DELETE'], resources: ['networkpolicies'], scope: 'Namespaced' },
      ],
    });
    controllers = await startControllerManager(cluster().kubeconfigFile, { groups: ['background', 'status'], urRetryBaseMs: 250 });
    await api.create(CLUSTER_POLICIES, POLICY);
    await until('the policy to be Ready and served', async () => (replica!.source.current().policies.some((p) => p.metadata.name === 'e2e-namespace-defaults') ? true : undefined));
  });

  after(async () => {
    await deleteWebhooks(api).catch(() => undefined);
    await controllers?.stop().catch(() => undefined);
    await replica?.stop().catch(() => undefined);
    await api.delete(CLUSTER_POLICIES, '', 'e2e-namespace-defaults').catch(() => false);
    for (const ns of created) await api.delete(NS, '', ns).catch(() => false);
    api.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('generate: every new namespace gets a default-deny NetworkPolicy and a ResourceQuota; deleting or changing one brings it back', { timeout: 5 * 60_000 }, async (t) => {
    const names = Array.from({ length: 20 }, (_, i) => `e2e-gen-${i}`);
    created.push(...names);
    const t0 = Date.now();
    await createNamespaces(api, names);
    for (const ns of names) await until(`defaults in ${ns}`, async () => ((await hasDefaults(api, ns)) ? true : undefined), 120_000);
    t.diagnostic(`20 namespaces: NetworkPolicy and ResourceQuota generated in all within ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    const np = (await api.get(NETPOL, 'e2e-gen-0', 'default-deny')) as KubeObject;
    const labels = (np['metadata'] as { labels: Record<string, string> }).labels;
    assert.equal(labels['app.kubernetes.io/managed-by'], 'kyverno');
    assert.equal(labels['generate.kyverno.io/policy-name'], 'e2e-namespace-defaults');
    assert.equal(labels['generate.kyverno.io/rule-name'], 'default-deny');
    assert.equal(labels['generate.kyverno.io/trigger-kind'], 'Namespace');

    const t1 = Date.now();
    await api.delete(NETPOL, 'e2e-gen-1', 'default-deny');
    await until('the deleted NetworkPolicy to come back', async () => ((await api.get(NETPOL, 'e2e-gen-1', 'default-deny')) ? true : undefined), 60_000);
    t.diagnostic(`deleted NetworkPolicy re-created in ${((Date.now() - t1) / 1000).toFixed(1)} s`);

    await api.patch(QUOTA, 'e2e-gen-2', 'default-quota', 'merge', { spec: { hard: { pods: '5' } } });
    await until('the modified ResourceQuota to be restored', async () => ((await hasDefaults(api, 'e2e-gen-2')) ? true : undefined), 60_000);
    await api.delete(QUOTA, 'e2e-gen-3', 'default-quota');
    await until('the deleted ResourceQuota to come back', async () => ((await hasDefaults(api, 'e2e-gen-3')) ? true : undefined), 60_000);

    await until('no UpdateRequest left', async () => ((await api.list(UPDATE_REQUESTS, { namespace: KYVERNO_NS })).items.length === 0 ? true : undefined), 60_000);
  });

  test('generate: generateExisting covers namespaces that existed before the policy', { timeout: 3 * 60_000 }, async () => {
    const names = ['e2e-gen-existing-0', 'e2e-gen-existing-1'];
    created.push(...names);
    await Promise.all(names.map((name) => api.create(NS, { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'e2e.kyverno-ts.io/existing': 'true' } } })));
    await api.create(CLUSTER_POLICIES, {
      apiVersion: 'kyverno.io/v1',
      kind: 'ClusterPolicy',
      metadata: { name: 'e2e-generate-existing' },
      spec: {
        generateExisting: true,
        rules: [
          {
            name: 'cm',
            match: { any: [{ resources: { kinds: ['Namespace'], selector: { matchLabels: { 'e2e.kyverno-ts.io/existing': 'true' } } } }] },
            generate: { apiVersion: 'v1', kind: 'ConfigMap', name: 'existing-marker', namespace: '{{request.object.metadata.name}}', data: { data: { generated: 'true' } } },
          },
        ],
      },
    });
    const CM: ApiResource = { group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', namespaced: true, verbs: [], subresources: [] };
    for (const ns of names) await until(`ConfigMap in ${ns}`, async () => ((await api.get(CM, ns, 'existing-marker')) ? true : undefined), 60_000);
    await api.delete(CLUSTER_POLICIES, '', 'e2e-generate-existing');
  });

  test('updaterequest: restart the controller mid-queue (SIGKILL) and nothing is lost', { timeout: 10 * 60_000 }, async (t) => {
    // the background controller is down: admission keeps queueing UpdateRequests
    await controllers?.stop();
    controllers = undefined;
    const names = Array.from({ length: 60 }, (_, i) => `e2e-gen-restart-${i}`);
    created.push(...names);
    await createNamespaces(api, names);
    await replica!.urs.idle();
    const queued = (await api.list(UPDATE_REQUESTS, { namespace: KYVERNO_NS })).items;
    assert.ok(queued.length >= names.length, `every namespace has a pending UpdateRequest (${queued.length})`);
    t.diagnostic(`${queued.length} UpdateRequests queued while the background controller was down`);

    // a controller process starts on the queue and is killed part way through
    const child = spawnRunner(['controllers', '--kubeconfig', cluster().kubeconfigFile, '--kyvernoNamespace', KYVERNO_NS, '--controllers', 'background', '--leaderElectionRetryPeriod', '500ms', '--genWorkers', '2', '--watchdog=false']);
    try {
      await until('some namespaces to be processed by the first controller', async () => {
        let done = 0;
        for (const ns of names) if (await hasDefaults(api, ns)) done++;
        return done >= 5 ? done : undefined;
      }, 120_000, 200);
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${child.output()}`);
    }
    await child.kill('SIGKILL');
    const left = (await api.list(UPDATE_REQUESTS, { namespace: KYVERNO_NS })).items.length;
    t.diagnostic(`controller killed with ${left} UpdateRequests left`);
    assert.ok(left > 0, 'the controller was killed mid-queue');

    // a new controller picks up the rest (the old lease expires first)
    const t0 = Date.now();
    controllers = await startControllerManager(cluster().kubeconfigFile, { groups: ['background'], urRetryBaseMs: 250 });
    for (const ns of names) await until(`defaults in ${ns}`, async () => ((await hasDefaults(api, ns)) ? true : undefined), 180_000);
    await until('no UpdateRequest left', async () => ((await api.list(UPDATE_REQUESTS, { namespace: KYVERNO_NS })).items.length === 0 ? true : undefined), 60_000);
    t.diagnostic(`the new controller finished the queue in ${((Date.now() - t0) / 1000).toFixed(1)} s (lease takeover included); all ${names.length} namespaces have their resources`);
  });
});
