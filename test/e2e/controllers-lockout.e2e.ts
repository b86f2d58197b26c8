/**
 * The webhook fail-safe on the real control plane: admission replicas (separate processes behind a load
 * balancer) enforce a policy with failurePolicy Fail; the controllers' watchdog touches the
 * `kyverno-health` Lease, which the verify webhook of a live replica stamps.
 *
 * - lock-out: every admission replica is stopped -> pod creations fail (the webhook is unreachable) until,
 *   after the grace period without a stamp, the watchdog empties the webhook rules: pods are admitted
 *   again, the cluster is not locked out;
 * - a replica comes back -> the stamp is fresh again, the rules are restored, enforcement resumes.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createCertificateAuthority, issueCertificate, type CertificateFiles } from '../../scripts/control-plane/pki.ts';
import { freePorts } from '../../scripts/control-plane/ports.ts';
import { CLUSTER_POLICIES } from '../../src/controllers/policies/policy-informers.ts';
import { ANNOTATION_SUSPENDED_RULES } from '../../src/controllers/watchdog/watchdog.ts';
import type { RestKubeApi } from '../../src/k8s/client/rest.ts';
import type { ApiResource } from '../../src/k8s/client/types.ts';
import { cluster } from './cluster.ts';
import { apiFor, deleteWebhooks, installKyverno, KYVERNO_NS, spawnRunner, startControllerManager, TcpBalancer, until, VWC, writeWebhooks, type RunnerProcess } from './controllers-harness.ts';

const LABEL = 'e2e.kyverno-ts.io/controllers-lockout';
const NS: ApiResource = { group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', namespaced: false, verbs: [], subresources: ['status'] };
const PODS: ApiResource = { group: '', version: 'v1', resource: 'pods', kind: 'Pod', namespaced: true, verbs: [], subresources: ['status'] };
const GRACE_MS = 8_000;
const INTERVAL_MS = 1_000;

const DENY = {
  apiVersion: 'kyverno.io/v1',
  kind: 'ClusterPolicy',
  metadata: { name: 'e2e-lockout-deny' },
  spec: {
    validationFailureAction: 'Enforce',
    background: false,
    rules: [
      {
        name: 'no-denied-label',
        match: { any: [{ resources: { kinds: ['Pod'], namespaceSelector: { matchLabels: { [LABEL]: 'true' } } } }] },
        validate: { message: 'pods labelled deny=true are not allowed', deny: { conditions: { any: [{ key: "{{ request.object.metadata.labels.deny || '' }}", operator: 'Equals', value: 'true' }] } } },
      },
    ],
  },
};

type Outcome = 'admitted' | 'denied' | 'unreachable';

describe('controllers: webhook fail-safe', () => {
  let api: RestKubeApi;
  let dir = '';
  let tls: CertificateFiles;
  let lb: TcpBalancer;
  let ports: number[] = [];
  const replicas: RunnerProcess[] = [];
  let controllers: Awaited<ReturnType<typeof startControllerManager>> | undefined;
  const ns = 'e2e-lockout';
  let seq = 0;

  const tryPod = async (deny: boolean): Promise<Outcome> => {
    try {
      await api.create(PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name: `p-${seq++}`, namespace: ns, labels: { deny: String(deny) } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } }, { dryRun: true });
      return 'admitted';
    } catch (err) {
      const msg = String((err as Error).message);
      if (msg.includes('pods labelled deny=true')) return 'denied';
      return 'unreachable';
    }
  };

  before(async () => {
    api = await apiFor(cluster().kubeconfigFile);
    await installKyverno(api);
    dir = mkdtempSync(join(tmpdir(), 'kyverno-ts-e2e-lockout-'));
    const ca = createCertificateAuthority(dir, 'ca');
    tls = issueCertificate(ca, dir, { name: 'svc', commonName: 'kyverno-svc', ipAddresses: ['127.0.0.1'], dnsNames: ['localhost'], usage: 'server' });
    ports = await freePorts(2);
    for (const [i, port] of ports.entries()) replicas.push(spawnRunner(['admission', cluster().kubeconfigFile, String(port), tls.certFile, tls.keyFile, `lockout-${i}`]));
    for (const r of replicas) await until('admission replica up', async () => (r.output().includes('admission replica listening') ? true : undefined), 60_000);
    lb = new TcpBalancer(ports);
    const lbPort = await lb.start();
    await writeWebhooks(
      api,
      `https://127.0.0.1:${lbPort}`,
      Buffer.from(ca.certPem).toString('base64'),
      { validate: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'], scope: 'Namespaced' }] },
      3,
    );
    await api.create(NS, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { [LABEL]: 'true' } } });
    controllers = await startControllerManager(cluster().kubeconfigFile, { groups: ['status'], watchdogIntervalMs: INTERVAL_MS, watchdogGraceMs: GRACE_MS });
    await api.create(CLUSTER_POLICIES, DENY);
    await until('the policy to be enforced', async () => ((await tryPod(true)) === 'denied' && (await tryPod(true)) === 'denied' ? true : undefined), 60_000, 500);
  });

  after(async () => {
    await deleteWebhooks(api).catch(() => undefined);
    await controllers?.stop().catch(() => undefined);
    for (const r of replicas) await r.kill('SIGTERM').catch(() => null);
    await lb?.stop();
    await api.delete(CLUSTER_POLICIES, '', 'e2e-lockout-deny').catch(() => false);
    await api.delete(NS, '', ns).catch(() => false);
    api.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('lock-out: all admission replicas stopped -> after the grace period pods are admitted again; a replica back -> enforcement resumes', { timeout: 5 * 60_000 }, async (t) => {
    assert.equal(await tryPod(false), 'admitted');
    assert.equal(await tryPod(true), 'denied');
    assert.equal(controllers!.manager.watchdog?.healthy, true);

    const stoppedAt = Date.now();
    for (const r of replicas.splice(0)) await r.kill('SIGKILL');
    assert.equal(await tryPod(false), 'unreachable', 'with no replica the Fail webhook rejects every pod');
    await until('pods to be admitted again', async () => ((await tryPod(false)) === 'admitted' ? true : undefined), GRACE_MS + 30_000, 250);
    const recoveredMs = Date.now() - stoppedAt;
    const cfg = await api.get(VWC, '', 'kyverno-resource-validating-webhook-cfg');
    const hooks = cfg?.['webhooks'] as Array<{ rules?: unknown[] }>;
    assert.deepEqual(hooks.map((h) => (h.rules ?? []).length), [0], 'the webhook rules were emptied');
    assert.ok(((cfg?.['metadata'] as { annotations?: Record<string, string> }).annotations ?? {})[ANNOTATION_SUSPENDED_RULES], 'the rules are kept for restoring');
    t.diagnostic(`all replicas stopped: pods admitted again after ${(recoveredMs / 1000).toFixed(1)} s (grace ${GRACE_MS / 1000} s, watchdog interval ${INTERVAL_MS / 1000} s)`);
    assert.ok(recoveredMs >= GRACE_MS - 1000, 'not before the grace period');

    const backAt = Date.now();
    replicas.push(spawnRunner(['admission', cluster().kubeconfigFile, String(ports[0]), tls.certFile, tls.keyFile, 'lockout-back']));
    await until('enforcement to resume', async () => ((await tryPod(true)) === 'denied' ? true : undefined), 60_000, 250);
    t.diagnostic(`a replica back: enforcement resumed after ${((Date.now() - backAt) / 1000).toFixed(1)} s (replica start included)`);
    const restored = await api.get(VWC, '', 'kyverno-resource-validating-webhook-cfg');
    assert.equal(((restored?.['webhooks'] as Array<{ rules?: unknown[] }>)[0]?.rules ?? []).length, 1, 'the webhook rules are restored');
    assert.equal(((restored?.['metadata'] as { annotations?: Record<string, string> }).annotations ?? {})[ANNOTATION_SUSPENDED_RULES], undefined);
    assert.equal(await tryPod(false), 'admitted');
    void KYVERNO_NS;
  });
});
