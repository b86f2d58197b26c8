/**
 * Policy reports on the real control plane: 1,000 pods created under three Audit policies (two
 * background policies, one admission-only) through the admission webhook, with the reports controller
 * running. Checks the per-resource reports (Kyverno's layout: one PolicyReport per pod, named by its UID,
 * owned by it) and their counts, that admission results were folded in and no ephemeral report is left
 * behind, then switches to the aggregated `namespace` layout (stale per-resource reports collected, one
 * report per namespace under the size limit). Reports the convergence time and the bytes stored, per
 * report and per result, next to Kyverno's published 483 MB for 10,254 reports (etcd, 16 PSS policies).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { load as loadYaml } from 'js-yaml';

import { createCertificateAuthority, issueCertificate } from '../../scripts/control-plane/pki.ts';
import { freePorts } from '../../scripts/control-plane/ports.ts';
import { CLUSTER_POLICIES } from '../../src/controllers/policies/policy-informers.ts';
import { EPHEMERAL_REPORTS } from '../../src/controllers/reports/ephemeral.ts';
import { REPORT_RESOURCES } from '../../src/controllers/reports/layout.ts';
import type { RestKubeApi } from '../../src/k8s/client/rest.ts';
import type { KubeObject } from '../../src/k8s/client/types.ts';
import { cluster } from './cluster.ts';
import { apiFor, deleteWebhooks, installKyverno, REPO_ROOT, startAdmissionReplica, startControllerManager, until, writeWebhooks, type AdmissionReplica } from './controllers-harness.ts';

const PODS = 1000;
const NAMESPACES = 10;
const LABEL = 'e2e.kyverno-ts.io/controllers-report';
const POLR = REPORT_RESOURCES.wgpolicyk8s.namespaced;
const NS = { group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', namespaced: false, verbs: [], subresources: [] };
const PODS_RES = { group: '', version: 'v1', resource: 'pods', kind: 'Pod', namespaced: true, verbs: [], subresources: ['status'] };

const policy = (name: string, background: boolean, pattern: KubeObject, message: string): KubeObject => ({
  apiVersion: 'kyverno.io/v1',
  kind: 'ClusterPolicy',
  metadata: { name },
  spec: {
    validationFailureAction: 'Audit',
    background,
    rules: [{ name: `${name}-rule`, match: { any: [{ resources: { kinds: ['Pod'], namespaceSelector: { matchLabels: { [LABEL]: 'true' } } } }] }, validate: { message, pattern } }],
  },
});

const POLICIES = [
  policy('e2e-require-team', true, { metadata: { labels: { team: '?*' } } }, 'label team is required'),
  policy('e2e-no-latest', true, { spec: { containers: [{ image: '!*:latest' }] } }, 'the latest tag is not allowed'),
  policy('e2e-require-app', false, { metadata: { labels: { app: '?*' } } }, 'label app is required'),
];

/** Expected fails per policy for pod i. */
const fails = (i: number) => ({ 'e2e-require-team': i % 10 >= 7, 'e2e-no-latest': i % 5 === 0, 'e2e-require-app': i % 2 === 1 });

async function etcdDbSize(): Promise<{ total: number; inUse: number }> {
  const text = await (await fetch(`${cluster().etcdUrl}/metrics`)).text();
  const read = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  return { total: read('etcd_mvcc_db_total_size_in_bytes'), inUse: read('etcd_mvcc_db_total_size_in_use_in_bytes') };
}

function mb(n: number): string {
  return `${(n / 1024 / 1024).toFixed(2)} MB`;
}

/**
 * Kyverno's published figure (483 MB etcd for 10,254 reports) was measured with the Pod Security Standards
 * policies of kyverno-policies in Audit mode: the same policies here (baseline + restricted, read from the
 * upstream test data at run time), scoped to this suite's namespaces so other suites' pods are left alone.
 */
const PSS_DIR = join(REPO_ROOT, '..', 'shared', 'conformance', 'kyverno-policies', 'pod-security');
const PSS_LABEL = 'e2e.kyverno-ts.io/controllers-report-pss';

function pssPolicies(): KubeObject[] {
  const out: KubeObject[] = [];
  for (const level of ['baseline', 'restricted']) {
    for (const name of readdirSync(join(PSS_DIR, level)).sort()) {
      // the ports-range variant is an alternative to disallow-host-ports, not part of the set
      if (name === 'disallow-host-ports-range') continue;
      const file = join(PSS_DIR, level, name, `${name}.yaml`);
      if (!existsSync(file)) continue;
      const doc = loadYaml(readFileSync(file, 'utf8')) as KubeObject;
      const spec = doc['spec'] as { validationFailureAction?: string; background?: boolean; rules: Array<{ match: { any?: Array<{ resources: KubeObject }>; all?: Array<{ resources: KubeObject }>; resources?: KubeObject } }> };
      spec.validationFailureAction = 'Audit';
      spec.background = true;
      for (const rule of spec.rules) {
        const filters = [...(rule.match.any ?? []), ...(rule.match.all ?? [])].map((f) => f.resources);
        if (rule.match.resources) filters.push(rule.match.resources);
        for (const r of filters) r['namespaceSelector'] = { matchLabels: { [PSS_LABEL]: 'true' } };
      }
      out.push(doc);
    }
  }
  return out;
}

/** Three pod shapes; the policies each fails, as Kyverno v1.19's CLI reports them for these shapes. */
const PSS_SHAPES: Array<{ spec: KubeObject; fails: string[] }> = [
  {
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{ name: 'c', image: 'nginx:1.27', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
    },
    fails: [],
  },
  { spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] }, fails: ['disallow-capabilities-strict', 'disallow-privilege-escalation', 'require-run-as-nonroot', 'restrict-seccomp-strict'] },
  {
    spec: { hostNetwork: true, containers: [{ name: 'c', image: 'nginx:1.27', securityContext: { privileged: true } }] },
    fails: ['disallow-capabilities-strict', 'disallow-host-namespaces', 'disallow-privilege-escalation', 'disallow-privileged-containers', 'require-run-as-nonroot', 'restrict-seccomp-strict'],
  },
];

describe('controllers: policy reports', () => {
  let api: RestKubeApi;
  let dir = '';
  let replica: AdmissionReplica | undefined;
  let controllers: Awaited<ReturnType<typeof startControllerManager>> | undefined;
  const namespaces = Array.from({ length: NAMESPACES }, (_, i) => `e2e-report-${i}`);
  const pssNamespaces = Array.from({ length: NAMESPACES }, (_, i) => `e2e-report-pss-${i}`);

  before(async () => {
    api = await apiFor(cluster().kubeconfigFile);
    await installKyverno(api);
    dir = mkdtempSync(join(tmpdir(), 'kyverno-ts-e2e-reports-'));
    const ca = createCertificateAuthority(dir, 'ca');
    const tls = issueCertificate(ca, dir, { name: 'svc', commonName: 'kyverno-svc', ipAddresses: ['127.0.0.1'], dnsNames: ['localhost'], usage: 'server' });
    const [port] = await freePorts(1);
    replica = await startAdmissionReplica({ kubeconfigFile: cluster().kubeconfigFile, port: port as number, certPem: tls.certPem, keyPem: tls.keyPem, id: 'report-replica' });
    await writeWebhooks(api, `https://127.0.0.1:${replica.port}`, Buffer.from(ca.certPem).toString('base64'), {
      validate: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'], scope: 'Namespaced' }],
    });
  });

  after(async () => {
    await deleteWebhooks(api).catch(() => undefined);
    await controllers?.stop().catch(() => undefined);
    await replica?.stop().catch(() => undefined);
    for (const p of POLICIES) await api.delete(CLUSTER_POLICIES, '', (p['metadata'] as { name: string }).name).catch(() => false);
    for (const p of pssPolicies()) await api.delete(CLUSTER_POLICIES, '', (p['metadata'] as { name: string }).name).catch(() => false);
    for (const ns of [...namespaces, ...pssNamespaces]) await api.delete(NS, '', ns).catch(() => false);
    api.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('report: 1,000 pods under Audit policies -> one report per pod with correct counts, converged, bytes measured', { timeout: 20 * 60_000 }, async (t) => {
    controllers = await startControllerManager(cluster().kubeconfigFile, { groups: ['reports', 'status'], reportFlushMs: 500, scanDelayMs: 500 });
    for (const p of POLICIES) await api.create(CLUSTER_POLICIES, p);
    for (const p of POLICIES) {
      await until(`policy ${(p['metadata'] as { name: string }).name} Ready`, async () => {
        const o = await api.get(CLUSTER_POLICIES, '', (p['metadata'] as { name: string }).name);
        const conds = ((o?.['status'] as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions ?? []);
        return conds.some((c) => c.type === 'Ready' && c.status === 'True') ? true : undefined;
      });
    }
    await until('the admission replica to serve the policies', async () => (replica!.source.current().policies.length >= POLICIES.length ? true : undefined));
    for (const ns of namespaces) await api.create(NS, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { [LABEL]: 'true' } } });
    const before = await etcdDbSize();

    const t0 = Date.now();
    let next = 0;
    const worker = async () => {
      while (next < PODS) {
        const i = next++;
        const labels: Record<string, string> = { idx: String(i) };
        if (i % 10 < 7) labels['team'] = `t${i % 7}`;
        if (i % 2 === 0) labels['app'] = 'web';
        await api.create(PODS_RES, {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: `pod-${i}`, namespace: namespaces[i % NAMESPACES] as string, labels },
          spec: { containers: [{ name: 'c', image: i % 5 === 0 ? 'nginx:latest' : 'nginx:1.27' }] },
        });
      }
    };
    await Promise.all(Array.from({ length: 25 }, () => worker()));
    const created = Date.now();

    const expected = { pass: 0, fail: 0 };
    for (let i = 0; i < PODS; i++) for (const f of Object.values(fails(i))) f ? expected.fail++ : expected.pass++;
    let reports: KubeObject[] = [];
    await until(
      'the reports to converge',
      async () => {
        const list = await api.list(POLR, { labelSelector: 'app.kubernetes.io/managed-by=kyverno' });
        reports = list.items.filter((r) => namespaces.includes((r['metadata'] as { namespace: string }).namespace));
        if (reports.length !== PODS) return undefined;
        let pass = 0;
        let fail = 0;
        for (const r of reports) {
          const s = r['summary'] as { pass: number; fail: number };
          pass += s.pass;
          fail += s.fail;
        }
        return pass === expected.pass && fail === expected.fail ? true : undefined;
      },
      15 * 60_000,
      1000,
    );
    const converged = Date.now();

    // every report: owned by its pod, named by its UID, the right result per policy
    const pods = new Map<string, KubeObject>();
    for (const ns of namespaces) for (const p of (await api.list(PODS_RES, { namespace: ns })).items) pods.set((p['metadata'] as { uid: string }).uid, p);
    for (const r of reports) {
      const m = r['metadata'] as { name: string; ownerReferences: Array<{ uid: string; kind: string }> };
      const pod = pods.get(m.name);
      assert.ok(pod, `report ${m.name} names a pod UID`);
      assert.equal(m.ownerReferences[0]?.uid, m.name);
      assert.equal((r['scope'] as { kind: string }).kind, 'Pod');
      const i = Number(((pod['metadata'] as { labels: Record<string, string> }).labels)['idx']);
      const want = fails(i);
      const results = r['results'] as Array<{ policy: string; result: string; properties?: Record<string, string> }>;
      assert.equal(results.length, 3, `report of pod-${i} has one result per policy`);
      for (const res of results) {
        assert.equal(res.result, want[res.policy as keyof typeof want] ? 'fail' : 'pass', `pod-${i} ${res.policy}`);
        assert.equal(res.properties?.['process'], res.policy === 'e2e-require-app' ? 'admission review' : 'background scan');
      }
    }
    // admission results went through ephemeral reports that were consumed
    await until('the ephemeral reports to be consumed', async () => ((await api.list(EPHEMERAL_REPORTS, {})).items.length === 0 ? true : undefined), 60_000, 500);

    const after = await etcdDbSize();
    const bytes = reports.reduce((n, r) => n + Buffer.byteLength(JSON.stringify(r)), 0);
    const results = expected.pass + expected.fail;
    const kyvernoPerReport = (483 * 1024 * 1024) / 10_254;
    t.diagnostic(
      `resource layout: ${PODS} pods created in ${((created - t0) / 1000).toFixed(1)} s; reports converged ${((converged - t0) / 1000).toFixed(1)} s after the first create ` +
        `(${((converged - created) / 1000).toFixed(1)} s after the last); ${reports.length} reports, ${results} results, ${mb(bytes)} of report objects ` +
        `(${(bytes / reports.length / 1024).toFixed(2)} KiB/report, ${(bytes / results).toFixed(0)} B/result); etcd db ${mb(before.total)} -> ${mb(after.total)} ` +
        `(in use ${mb(before.inUse)} -> ${mb(after.inUse)}); Kyverno: 483 MB etcd for 10,254 reports = ${(kyvernoPerReport / 1024).toFixed(1)} KiB/report`,
    );
    const writer = controllers.manager.reports!.writer;
    t.diagnostic(`writer: ${writer.creates} creates, ${writer.updates} updates, ${writer.skipped} unchanged, ${writer.deletes} deletes; scan evaluations ${controllers.manager.reports!.scan.evaluations}`);
    assert.ok(bytes / reports.length < kyvernoPerReport, 'a report is smaller than Kyverno’s average stored size');
  });

  test('report: namespace layout aggregates the same results per namespace, under the size limit, and collects the per-resource reports', { timeout: 10 * 60_000 }, async (t) => {
    await controllers?.stop();
    const t0 = Date.now();
    controllers = await startControllerManager(cluster().kubeconfigFile, { groups: ['reports'], reportLayout: 'namespace', maxReportBytes: 64 * 1024, reportFlushMs: 500, scanDelayMs: 500 });
    const expectedFail = Array.from({ length: PODS }, (_, i) => Object.values(fails(i)).filter(Boolean).length).reduce((a, b) => a + b, 0);
    let reports: KubeObject[] = [];
    await until(
      'aggregated reports only',
      async () => {
        const list = (await api.list(POLR, { labelSelector: 'app.kubernetes.io/managed-by=kyverno' })).items.filter((r) => namespaces.includes((r['metadata'] as { namespace: string }).namespace));
        if (list.some((r) => (r['metadata'] as { labels?: Record<string, string> }).labels?.['reports.kyverno-ts.io/layout'] !== 'namespace')) return undefined;
        const fail = list.reduce((n, r) => n + (r['summary'] as { fail: number }).fail, 0);
        const total = list.reduce((n, r) => n + (r['results'] as unknown[]).length, 0);
        reports = list;
        return total === PODS * 3 && fail === expectedFail ? true : undefined;
      },
      8 * 60_000,
      1000,
    );
    const bytes = reports.map((r) => Buffer.byteLength(JSON.stringify(r)));
    const total = bytes.reduce((a, b) => a + b, 0);
    for (const b of bytes) assert.ok(b <= 64 * 1024, `every aggregated report stays under the 64 KiB limit (${b} bytes)`);
    assert.ok(reports.length > NAMESPACES, 'namespaces above the limit were split per policy');
    for (const r of reports) for (const res of r['results'] as Array<{ resources: unknown[] }>) assert.equal(res.resources.length, 1, 'each result names its pod');
    t.diagnostic(
      `namespace layout: converged in ${((Date.now() - t0) / 1000).toFixed(1)} s; ${reports.length} reports for ${NAMESPACES} namespaces (split per policy above 64 KiB), ` +
        `${mb(total)} in total (${(total / (PODS * 3)).toFixed(0)} B/result)`,
    );
  });

  test('report: Kyverno’s PSS policies (Audit) on 1,000 pods -> every report complete and correct; bytes per report and per result vs Kyverno’s 483 MB / 10,254 reports', { timeout: 20 * 60_000 }, async (t) => {
    await controllers?.stop();
    for (const p of POLICIES) await api.delete(CLUSTER_POLICIES, '', (p['metadata'] as { name: string }).name).catch(() => false);
    const policies = pssPolicies();
    const rulesPerPod = policies.reduce((n, p) => n + ((p['spec'] as { rules: unknown[] }).rules.length), 0);
    controllers = await startControllerManager(cluster().kubeconfigFile, { groups: ['reports', 'status'], reportFlushMs: 500, scanDelayMs: 500 });
    for (const p of policies) await api.create(CLUSTER_POLICIES, p);
    const names = policies.map((p) => (p['metadata'] as { name: string }).name);
    await until('the PSS policies to be served', async () => (names.every((n) => replica!.source.current().policies.some((p) => p.metadata.name === n)) ? true : undefined));
    for (const ns of pssNamespaces) await api.create(NS, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { [PSS_LABEL]: 'true' } } });
    const before = await etcdDbSize();

    const t0 = Date.now();
    let next = 0;
    const worker = async () => {
      while (next < PODS) {
        const i = next++;
        await api.create(PODS_RES, {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: `pss-${i}`, namespace: pssNamespaces[i % NAMESPACES] as string, labels: { idx: String(i) } },
          spec: (PSS_SHAPES[i % PSS_SHAPES.length] as { spec: KubeObject }).spec,
        });
      }
    };
    await Promise.all(Array.from({ length: 25 }, () => worker()));
    const created = Date.now();
    const expectedFail = Array.from({ length: PODS }, (_, i) => (PSS_SHAPES[i % PSS_SHAPES.length] as { fails: string[] }).fails.length).reduce((a, b) => a + b, 0);

    let reports: KubeObject[] = [];
    await until(
      'the PSS reports to converge',
      async () => {
        const list = await api.list(POLR, { labelSelector: 'app.kubernetes.io/managed-by=kyverno' });
        reports = list.items.filter((r) => pssNamespaces.includes((r['metadata'] as { namespace: string }).namespace));
        if (reports.length !== PODS) return undefined;
        let total = 0;
        let fail = 0;
        for (const r of reports) {
          total += (r['results'] as unknown[]).length;
          fail += (r['summary'] as { fail: number }).fail;
        }
        return total === PODS * rulesPerPod && fail === expectedFail ? true : undefined;
      },
      15 * 60_000,
      1000,
    );
    const converged = Date.now();
    const pods = new Map<string, KubeObject>();
    for (const ns of pssNamespaces) for (const p of (await api.list(PODS_RES, { namespace: ns })).items) pods.set((p['metadata'] as { uid: string }).uid, p);
    for (const r of reports) {
      const pod = pods.get((r['metadata'] as { name: string }).name);
      assert.ok(pod, 'the report names a pod UID');
      const i = Number((pod['metadata'] as { labels: Record<string, string> }).labels['idx']);
      const results = r['results'] as Array<{ policy: string; result: string }>;
      const failing = [...new Set(results.filter((x) => x.result === 'fail').map((x) => x.policy))].sort();
      assert.deepEqual(failing, (PSS_SHAPES[i % PSS_SHAPES.length] as { fails: string[] }).fails, `pss-${i}`);
      assert.equal(results.length, rulesPerPod);
    }
    await until('the ephemeral reports to be consumed', async () => ((await api.list(EPHEMERAL_REPORTS, {})).items.length === 0 ? true : undefined), 60_000, 500);
    const after = await etcdDbSize();
    const bytes = reports.reduce((n, r) => n + Buffer.byteLength(JSON.stringify(r)), 0);
    const results = PODS * rulesPerPod;
    const kyverno = 483e6;
    const kyvernoReports = 10_254;
    const kyvernoResults = kyvernoReports * rulesPerPod;
    t.diagnostic(
      `PSS (${policies.length} policies, ${rulesPerPod} rules, Audit): ${PODS} pods created in ${((created - t0) / 1000).toFixed(1)} s; reports converged ${((converged - t0) / 1000).toFixed(1)} s after the first create ` +
        `(${((converged - created) / 1000).toFixed(1)} s after the last); ${reports.length} reports, ${results} results (${expectedFail} fail)`,
    );
    t.diagnostic(
      `PSS bytes: report objects ${mb(bytes)} = ${(bytes / reports.length / 1024).toFixed(2)} KiB/report, ${(bytes / results).toFixed(0)} B/result; ` +
        `etcd db ${mb(before.total)} -> ${mb(after.total)} (+${mb(after.total - before.total)}, pods and history included = ${((after.total - before.total) / reports.length / 1024).toFixed(1)} KiB per pod+report); ` +
        `Kyverno: 483 MB etcd / 10,254 reports = ${(kyverno / kyvernoReports / 1000).toFixed(1)} kB/report, ${(kyverno / kyvernoResults).toFixed(0)} B/result at ${rulesPerPod} results/report`,
    );
    assert.ok(bytes / results < kyverno / kyvernoResults, 'stored bytes per result below Kyverno’s published figure');
  });
});
