/**
 * Chart install (issue 9) on the real control plane: `helm template charts/kyverno --include-crds
 * --set podSecurityStandard=restricted --set validationFailureAction=Enforce`, applied server-side with
 * kubectl (CRDs first, then everything else), every object accepted and every CRD established. There is
 * no kubelet, so the chart's Deployment cannot run: the admission server runs out of the cluster
 * (`kyverno serve --kubeconfig --serverIP`) against the installed chart, marks the chart's policies
 * Ready, and enforces them. `kubectl get cpol` is printed in the test output.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { dump as dumpYaml, loadAll } from 'js-yaml';

import { freePorts } from '../../scripts/control-plane/ports.ts';
import { runHelm } from '../../scripts/helm.ts';
import type { JsonObject } from '../../src/engine/api/json.ts';
import type { RestKubeApi } from '../../src/k8s/client/rest.ts';
import { cluster, eventually, kubectl, startServe, uniqueName, type ServeProcess } from './cluster.ts';
import { apiFor, KYVERNO_NS, MWC, VWC } from './controllers-harness.ts';

const stream = (docs: readonly JsonObject[]): string => docs.map((d) => dumpYaml(d, { lineWidth: -1 })).join('---\n');
const nameOf = (d: JsonObject): string => String((d['metadata'] as JsonObject)['name']);

describe('chart install (helm template charts/kyverno, restricted + Enforce, applied to the API server)', () => {
  let api: RestKubeApi;
  let docs: JsonObject[] = [];
  let crds: JsonObject[] = [];
  let rest: JsonObject[] = [];
  let serve: ServeProcess | undefined;
  const ns = uniqueName('e2e-chart');

  before(async () => {
    api = await apiFor(cluster().kubeconfigFile);
    const r = runHelm(['template', 'kyverno', 'charts/kyverno', '--namespace', KYVERNO_NS, '--include-crds', '--set', 'podSecurityStandard=restricted', '--set', 'validationFailureAction=Enforce']);
    assert.equal(r.status, 0, r.stderr);
    docs = (loadAll(r.stdout) as unknown[]).filter((d): d is JsonObject => d !== null && typeof d === 'object');
    crds = docs.filter((d) => d['kind'] === 'CustomResourceDefinition');
    rest = docs.filter((d) => d['kind'] !== 'CustomResourceDefinition');
  });

  after(
    async () => {
      await serve?.stop();
      for (const res of [VWC, MWC]) {
        const list = await api.list(res, { labelSelector: 'webhook.kyverno.io/managed-by' });
        for (const o of list.items) await api.delete(res, '', nameOf(o));
      }
      // later suites share the control plane: everything but the CRDs and the namespace goes away
      await kubectl(['delete', '--ignore-not-found', '--wait=false', '-f', '-'], stream(rest.filter((d) => d['kind'] !== 'Namespace')));
      await kubectl(['delete', 'namespace', ns, '--wait=false']);
      api.close();
    },
    { timeout: 120_000 },
  );

  test('helm renders the restricted profile in Enforce: 20 ClusterPolicies, the admission controller and its CRDs', () => {
    const policies = rest.filter((d) => d['kind'] === 'ClusterPolicy');
    assert.equal(policies.length, 20, policies.map(nameOf).join(','));
    for (const p of policies) assert.equal((p['spec'] as JsonObject)['validationFailureAction'], 'Enforce', nameOf(p));
    assert.ok(crds.length >= 10, `${crds.length} CRDs`);
    const deployment = rest.find((d) => d['kind'] === 'Deployment') as JsonObject;
    const container = ((((deployment['spec'] as JsonObject)['template'] as JsonObject)['spec'] as JsonObject)['containers'] as JsonObject[])[0] as JsonObject;
    assert.equal((container['args'] as string[])[0], 'serve', 'the Deployment runs `kyverno serve` (in-cluster mode)');
  });

  test('every rendered object is accepted by the API server (server-side apply) and every CRD is established', { timeout: 180_000 }, async () => {
    const c = await kubectl(['apply', '--server-side', '--force-conflicts', '--field-manager=helm', '-f', '-'], stream(crds));
    assert.equal(c.code, 0, c.stderr);
    assert.equal(c.stdout.split('\n').filter((l) => / serverside-applied$/.test(l)).length, crds.length, c.stdout);
    const w = await kubectl(['wait', '--for=condition=Established', '--timeout=60s', ...crds.map((d) => `crd/${nameOf(d)}`)]);
    assert.equal(w.code, 0, w.stderr);
    assert.equal(w.stdout.split('\n').filter((l) => /condition met$/.test(l)).length, crds.length, w.stdout);
    // the chart's namespace comes from `--create-namespace` at install time
    const nsDoc = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: KYVERNO_NS } };
    const n = await kubectl(['apply', '--server-side', '--field-manager=helm', '-f', '-'], stream([nsDoc]));
    assert.equal(n.code, 0, n.stderr);
    const a = await eventually(
      'the rendered objects to be accepted',
      async () => {
        const r = await kubectl(['apply', '--server-side', '--force-conflicts', '--field-manager=helm', '-f', '-'], stream(rest));
        return r.code === 0 ? r : undefined;
      },
      60_000,
      1000,
    );
    const applied = a.stdout.split('\n').filter((l) => / serverside-applied$/.test(l));
    assert.equal(applied.length, rest.length, a.stdout);
    for (const kind of ['ServiceAccount', 'ConfigMap', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding', 'Service', 'Deployment', 'ClusterPolicy']) {
      assert.ok(rest.some((d) => d['kind'] === kind), `the chart renders a ${kind}`);
    }
  });

  test("kyverno serve with the chart's ServiceAccount (its RBAC only) marks the chart's policies Ready: kubectl get cpol", { timeout: 180_000 }, async () => {
    // a kubeconfig holding a token of the chart's ServiceAccount: the server gets the chart's permissions only
    const token = await kubectl(['create', 'token', 'kyverno-admission-controller', '-n', KYVERNO_NS, '--duration=1h']);
    assert.equal(token.code, 0, token.stderr);
    const cp = cluster();
    const kubeconfig = join(mkdtempSync(join(tmpdir(), 'kyverno-ts-e2e-chart-')), 'kubeconfig');
    writeFileSync(
      kubeconfig,
      dumpYaml({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'e2e', cluster: { server: cp.server, 'certificate-authority': cp.ca.certFile } }],
        users: [{ name: 'sa', user: { token: token.stdout.trim() } }],
        contexts: [{ name: 'sa', context: { cluster: 'e2e', user: 'sa' } }],
        'current-context': 'sa',
      }),
      { mode: 0o600 },
    );
    const [port] = (await freePorts(1)) as [number];
    serve = await startServe(port, ['--kyvernoNamespace', KYVERNO_NS, '--serviceName', 'kyverno-svc'], 60_000, kubeconfig);
    const names = rest.filter((d) => d['kind'] === 'ClusterPolicy').map(nameOf);
    const out = await eventually(
      'every chart policy Ready',
      async () => {
        const r = await kubectl(['get', 'cpol']);
        const rows = r.stdout.split('\n').filter((l) => names.some((n) => l.startsWith(`${n} `)));
        return rows.length === names.length && rows.every((l) => /\strue\s+true\s+True\s/.test(l)) ? r.stdout : undefined;
      },
      120_000,
      1000,
    );
    console.log(`kubectl get cpol:\n${out}`);
    assert.match(out, /^NAME\s+ADMISSION\s+BACKGROUND\s+READY\s+AGE/);
    assert.doesNotMatch(serve.output(), /forbidden/i, 'no request of the server was forbidden by the chart RBAC');
  });

  test('the installed restricted profile denies a privileged pod and admits a compliant one', { timeout: 120_000 }, async () => {
    const r = await kubectl(['create', 'namespace', ns]);
    assert.equal(r.code, 0, r.stderr);
    await eventually(`serviceaccount default in ${ns}`, async () => ((await kubectl(['get', 'sa', 'default', '-n', ns])).code === 0 ? true : undefined), 60_000);
    const pod = (name: string, spec: JsonObject): JsonObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns }, spec });
    const privileged = pod('privileged', { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10', securityContext: { privileged: true } }] });
    await eventually('the privileged pod denied (dry run)', async () => ((await kubectl(['create', '--dry-run=server', '-f', '-'], stream([privileged]))).code !== 0 ? true : undefined), 30_000, 300);
    const denied = await kubectl(['create', '-f', '-'], stream([privileged]));
    assert.notEqual(denied.code, 0);
    const msg = denied.stderr.replace(/\s+/g, ' ');
    assert.match(msg, /validate\.kyverno\.svc-fail" denied the request/);
    assert.match(msg, /disallow-privileged-containers:/, 'the baseline policy of the profile');
    assert.match(msg, /require-run-as-non-root:/, 'a restricted policy of the profile');
    const compliant = pod('compliant', {
      securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
    });
    const ok = await kubectl(['create', '-f', '-'], stream([compliant]));
    assert.equal(ok.code, 0, ok.stderr);
  });
});
