/**
 * High availability on the real control plane, with everything in separate processes: two admission
 * replicas behind a load balancer (the `kyverno-svc` Service), and two controller replicas campaigning
 * for the controllers' Leases.
 *
 * - leader: SIGKILL the controller replica holding `kyverno-background-controller` while namespaces are
 *   being created and pods (half of them denied by an Enforce policy) stream through admission; the
 *   other one takes the lease over within the lease duration, every namespace still gets its generated
 *   resources (no UpdateRequest lost) and no denied pod is admitted.
 * - admission: SIGKILL one admission replica in the middle of a stream of pod creations, half of which
 *   an Enforce policy must deny: not a single denied pod gets admitted (requests in flight on the killed
 *   replica fail closed, failurePolicy Fail), and the stream goes on through the survivor.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createCertificateAuthority, issueCertificate, type CertificateFiles } from '../../scripts/control-plane/pki.ts';
import { freePorts } from '../../scripts/control-plane/ports.ts';
import { UPDATE_REQUESTS } from '../../src/controllers/generate/ur-generator.ts';
import { CLUSTER_POLICIES } from '../../src/controllers/policies/policy-informers.ts';
import { getLease } from '../../src/k8s/client/lease.ts';
import type { RestKubeApi } from '../../src/k8s/client/rest.ts';
import type { ApiResource } from '../../src/k8s/client/types.ts';
import { cluster } from './cluster.ts';
import { apiFor, deleteWebhooks, installKyverno, KYVERNO_NS, sleep, spawnRunner, TcpBalancer, until, writeWebhooks, type RunnerProcess } from './controllers-harness.ts';

const LABEL = 'e2e.kyverno-ts.io/controllers-leader';
const NS: ApiResource = { group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', namespaced: false, verbs: [], subresources: ['status'] };
const PODS: ApiResource = { group: '', version: 'v1', resource: 'pods', kind: 'Pod', namespaced: true, verbs: [], subresources: ['status'] };
const CM: ApiResource = { group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', namespaced: true, verbs: [], subresources: [] };

const GENERATE = {
  apiVersion: 'kyverno.io/v1',
  kind: 'ClusterPolicy',
  metadata: { name: 'e2e-ha-generate' },
  spec: {
    rules: [
      {
        name: 'marker',
        match: { any: [{ resources: { kinds: ['Namespace'], selector: { matchLabels: { [LABEL]: 'true' } } } }] },
        generate: { synchronize: true, apiVersion: 'v1', kind: 'ConfigMap', name: 'ha-marker', namespace: '{{request.object.metadata.name}}', data: { data: { generated: 'true' } } },
      },
    ],
  },
};

const DENY = {
  apiVersion: 'kyverno.io/v1',
  kind: 'ClusterPolicy',
  metadata: { name: 'e2e-ha-deny' },
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

describe('controllers: high availability', () => {
  let api: RestKubeApi;
  let dir = '';
  let tls: CertificateFiles;
  let ca: CertificateFiles;
  let lb: TcpBalancer;
  const admission: RunnerProcess[] = [];
  const controllers: RunnerProcess[] = [];
  const created: string[] = [];
  let admissionPorts: number[] = [];

  before(async () => {
    api = await apiFor(cluster().kubeconfigFile);
    await installKyverno(api);
    dir = mkdtempSync(join(tmpdir(), 'kyverno-ts-e2e-ha-'));
    ca = createCertificateAuthority(dir, 'ca');
    tls = issueCertificate(ca, dir, { name: 'svc', commonName: 'kyverno-svc', ipAddresses: ['127.0.0.1'], dnsNames: ['localhost'], usage: 'server' });
    admissionPorts = await freePorts(2);
    for (const [i, port] of admissionPorts.entries()) {
      admission.push(spawnRunner(['admission', cluster().kubeconfigFile, String(port), tls.certFile, tls.keyFile, `admission-${i}`]));
    }
    for (const a of admission) await until('admission replica up', async () => (a.output().includes('admission replica listening') ? true : undefined), 60_000);
    lb = new TcpBalancer(admissionPorts);
    const lbPort = await lb.start();
    await writeWebhooks(api, `https://127.0.0.1:${lbPort}`, Buffer.from(ca.certPem).toString('base64'), {
      validate: [
        { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE', 'DELETE'], resources: ['namespaces'], scope: '*' },
        { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'], scope: 'Namespaced' },
      ],
    });
    for (const id of ['ctl-a', 'ctl-b']) {
      controllers.push(
        spawnRunner(['controllers', '--kubeconfig', cluster().kubeconfigFile, '--kyvernoNamespace', KYVERNO_NS, '--identity', id, '--controllers', 'background,status', '--leaderElectionRetryPeriod', '1s', '--exitOnLeadershipLoss=false', '--watchdog=false']),
      );
    }
    await api.create(CLUSTER_POLICIES, GENERATE);
    await api.create(CLUSTER_POLICIES, DENY);
    // both admission replicas serve both policies once Ready
    const probeNs = 'e2e-ha-probe';
    created.push(probeNs);
    await api.create(NS, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: probeNs, labels: { [LABEL]: 'true' } } });
    const enforced = until('the deny policy to be enforced by both replicas', async () => {
      for (let i = 0; i < 4; i++) {
        try {
          await api.create(PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'probe', namespace: probeNs, labels: { deny: 'true' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } }, { dryRun: true });
          return undefined;
        } catch (err) {
          if (!String((err as Error).message).includes('pods labelled deny=true')) return undefined;
        }
      }
      return true;
    }, 60_000, 500);
    await enforced.catch((err: Error) => {
      throw new Error(`${err.message}\n--- controllers\n${controllers.map((c) => c.output().slice(-3000)).join('\n---\n')}\n--- admission\n${admission.map((c) => c.output().slice(-3000)).join('\n---\n')}`);
    });
  });

  after(async () => {
    await deleteWebhooks(api).catch(() => undefined);
    for (const p of [...controllers, ...admission]) await p.kill('SIGTERM').catch(() => null);
    await lb?.stop();
    await api.delete(CLUSTER_POLICIES, '', 'e2e-ha-generate').catch(() => false);
    await api.delete(CLUSTER_POLICIES, '', 'e2e-ha-deny').catch(() => false);
    for (const ns of created) await api.delete(NS, '', ns).catch(() => false);
    api.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('leader: kill the controller leader under request load -> the other takes over within the lease; no UpdateRequest lost; zero wrongly admitted', { timeout: 10 * 60_000 }, async (t) => {
    const lease = await until('a background controller leader', async () => {
      const l = await getLease(api, KYVERNO_NS, 'kyverno-background-controller');
      return l && l.record.holderIdentity !== '' ? l : undefined;
    });
    const leaderId = lease.record.holderIdentity;
    const leader = controllers[leaderId === 'ctl-a' ? 0 : 1] as RunnerProcess;
    const names = Array.from({ length: 40 }, (_, i) => `e2e-ha-${i}`);
    created.push(...names);
    // namespaces created before, during and after the kill
    let i = 0;
    const load = (async () => {
      for (; i < names.length; i++) {
        await api.create(NS, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: names[i] as string, labels: { [LABEL]: 'true' } } });
        await sleep(100);
      }
    })();
    // and admission requests all along: pods half of which the Enforce policy denies
    const pods = { admitted: 0, denied: 0, failed: 0, wronglyAdmitted: 0 };
    let podSeq = 0;
    let podLoad = true;
    const podWorker = async () => {
      while (podLoad) {
        const k = podSeq++;
        const deny = k % 2 === 0;
        try {
          await api.create(PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name: `leader-load-${k}`, namespace: 'e2e-ha-probe', labels: { deny: String(deny) } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
          pods.admitted++;
          if (deny) pods.wronglyAdmitted++;
        } catch (err) {
          if (String((err as Error).message).includes('pods labelled deny=true')) pods.denied++;
          else pods.failed++;
        }
      }
    };
    const podWorkers = Promise.all(Array.from({ length: 4 }, () => podWorker()));
    await until('some namespaces created', async () => (i >= 10 ? true : undefined), 60_000, 50);
    const killedAt = Date.now();
    await leader.kill('SIGKILL');
    const newLease = await until(
      'another replica to take the lease over',
      async () => {
        const l = await getLease(api, KYVERNO_NS, 'kyverno-background-controller');
        return l && l.record.holderIdentity !== '' && l.record.holderIdentity !== leaderId ? l : undefined;
      },
      60_000,
      100,
    );
    const takeoverMs = Date.now() - killedAt;
    await load;
    podLoad = false;
    await podWorkers;
    t.diagnostic(`admission load during the kill: ${podSeq} pod creations, ${pods.admitted} admitted, ${pods.denied} denied by policy, ${pods.failed} failed, ${pods.wronglyAdmitted} wrongly admitted`);
    assert.equal(pods.wronglyAdmitted, 0, 'no pod the policy denies was admitted during the failover');
    assert.ok(pods.denied > 0 && pods.admitted > 0, 'the load ran through the failover');
    t.diagnostic(`leader ${leaderId} killed; ${newLease.record.holderIdentity} holds the lease after ${(takeoverMs / 1000).toFixed(1)} s (lease duration ${newLease.record.leaseDurationSeconds} s, transitions ${newLease.record.leaseTransitions})`);
    assert.ok(takeoverMs <= (newLease.record.leaseDurationSeconds + 3) * 1000, 'takeover within the lease duration (plus one retry period)');
    for (const ns of names) await until(`the generated ConfigMap in ${ns}`, async () => ((await api.get(CM, ns, 'ha-marker')) ? true : undefined), 120_000);
    await until('no UpdateRequest left', async () => ((await api.list(UPDATE_REQUESTS, { namespace: KYVERNO_NS })).items.length === 0 ? true : undefined), 60_000);
  });

  test('leader: kill an admission replica under load -> zero wrongly admitted requests', { timeout: 5 * 60_000 }, async (t) => {
    const ns = 'e2e-ha-load';
    created.push(ns);
    await api.create(NS, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { [LABEL]: 'true' } } });
    const outcome = { admitted: 0, denied: 0, failed: 0, deniedAdmitted: 0 };
    let n = 0;
    const total = 400;
    const worker = async () => {
      while (n < total) {
        const k = n++;
        const deny = k % 2 === 0;
        try {
          await api.create(PODS, {
            apiVersion: 'v1',
            kind: 'Pod',
            metadata: { name: `load-${k}`, namespace: ns, labels: deny ? { deny: 'true' } : { deny: 'false' } },
            spec: { containers: [{ name: 'c', image: 'nginx' }] },
          });
          outcome.admitted++;
          if (deny) outcome.deniedAdmitted++;
        } catch (err) {
          if (String((err as Error).message).includes('pods labelled deny=true')) outcome.denied++;
          else outcome.failed++;
        }
      }
    };
    const workers = Promise.all(Array.from({ length: 8 }, () => worker()));
    await until('load under way', async () => (n >= total / 3 ? true : undefined), 60_000, 20);
    await (admission[0] as RunnerProcess).kill('SIGKILL');
    await workers;
    const pods = (await api.list(PODS, { namespace: ns })).items;
    const wrong = pods.filter((p) => (p['metadata'] as { labels?: Record<string, string> }).labels?.['deny'] === 'true');
    t.diagnostic(`${total} pod creations with one of two admission replicas killed mid-way: ${outcome.admitted} admitted, ${outcome.denied} denied by policy, ${outcome.failed} failed (webhook unreachable), ${wrong.length} wrongly admitted`);
    assert.equal(wrong.length, 0, 'no denied pod exists');
    assert.equal(outcome.deniedAdmitted, 0);
    assert.ok(outcome.admitted >= total / 2 - outcome.failed, 'allowed pods kept being admitted through the surviving replica');
  });
});
