/**
 * Chart install (issue 9) on the real control plane: `helm template charts/kyverno --include-crds
 * --set podSecurityStandard=restricted --set validationFailureAction=Enforce`, applied server-side with
 * kubectl (CRDs first, then everything else), every object accepted and every CRD established. There is
 * no kubelet, so the chart's Deployments cannot run: each component runs out of the cluster with the
 * arguments of its rendered Deployment and a token of its own ServiceAccount (so with the chart's RBAC
 * only): the admission server (`kyverno serve --kubeconfig --serverIP`) marks the chart's policies Ready
 * and enforces them (`kubectl get cpol` is printed in the test output); the background controller
 * answers its probes, takes its Leases and creates the downstream of a generate policy; the reports
 * controller turns a background scan into a PolicyReport; the cleanup controller, given delete on
 * ConfigMaps through its aggregation label, deletes a ConfigMap whose TTL has passed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';

import { dump as dumpYaml, loadAll } from 'js-yaml';

import { freePorts } from '../../scripts/control-plane/ports.ts';
import { runHelm } from '../../scripts/helm.ts';
import type { JsonObject } from '../../src/engine/api/json.ts';
import type { RestKubeApi } from '../../src/k8s/client/rest.ts';
import { cluster, eventually, kubectl, REPO, startServe, uniqueName, type ServeProcess } from './cluster.ts';
import { apiFor, KYVERNO_NS, MWC, serviceAccountKubeconfig, VWC } from './controllers-harness.ts';

const stream = (docs: readonly JsonObject[]): string => docs.map((d) => dumpYaml(d, { lineWidth: -1 })).join('---\n');
const nameOf = (d: JsonObject): string => String((d['metadata'] as JsonObject)['name']);
const componentOf = (d: JsonObject): string | undefined => ((d['metadata'] as JsonObject)['labels'] as Record<string, string> | undefined)?.['app.kubernetes.io/component'];
const containerOf = (deployment: JsonObject): JsonObject => ((((deployment['spec'] as JsonObject)['template'] as JsonObject)['spec'] as JsonObject)['containers'] as JsonObject[])[0] as JsonObject;

/** A kubeconfig holding a fresh token of a chart ServiceAccount: whoever uses it has the chart's permissions only. */
const kubeconfigFor = (serviceAccount: string): Promise<string> => serviceAccountKubeconfig(serviceAccount, '1h');

/** `GET http://127.0.0.1:<port><path>`: the status code, 0 when nothing answers. */
function httpStatus(port: number, path: string): Promise<number> {
  return new Promise((resolve) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'GET', timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

interface ControllersProcess {
  child: ChildProcess;
  healthPort: number;
  output(): string;
  stop(): Promise<number | null>;
}

/**
 * `kyverno controllers` with the arguments of a rendered controller Deployment, out of the cluster: the
 * ServiceAccount's kubeconfig, the health endpoints on a free loopback port, POD_NAME as in the Pod.
 */
async function startChartController(deployment: JsonObject, kubeconfigFile: string, podName: string): Promise<ControllersProcess> {
  const args = (containerOf(deployment)['args'] as string[]).map(String);
  assert.equal(args[0], 'controllers');
  const [healthPort] = (await freePorts(1)) as [number];
  const argv = ['--import', 'tsx', join(REPO, 'src', 'cli', 'main.ts'), ...args, '--kubeconfig', kubeconfigFile, `--health-listen=127.0.0.1:${healthPort}`, '--leaderElectionRetryPeriod=1s'];
  const child = spawn(process.execPath, argv, { cwd: REPO, env: { ...process.env, POD_NAME: podName, KYVERNO_NAMESPACE: KYVERNO_NS }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (out = (out + d).slice(-400_000)));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (out = (out + d).slice(-400_000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    healthPort,
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Probes answered as the kubelet would see them: live at once, then ready. */
async function waitReady(p: ControllersProcess, what: string): Promise<void> {
  await eventually(
    `${what}: /health/readiness 200`,
    async () => {
      if (p.child.exitCode !== null) throw new Error(`${what} exited with ${p.child.exitCode}:\n${p.output()}`);
      return (await httpStatus(p.healthPort, '/health/readiness')) === 200 ? true : undefined;
    },
    90_000,
    300,
  );
  assert.equal(await httpStatus(p.healthPort, '/health/liveness'), 200, `${what}: /health/liveness`);
}

async function leaseHolder(name: string): Promise<string> {
  const r = await kubectl(['get', 'lease', name, '-n', KYVERNO_NS, '-o', 'jsonpath={.spec.holderIdentity}']);
  return r.code === 0 ? r.stdout.trim() : '';
}

describe('chart install (helm template charts/kyverno, restricted + Enforce, applied to the API server)', () => {
  let api: RestKubeApi;
  let docs: JsonObject[] = [];
  let crds: JsonObject[] = [];
  let rest: JsonObject[] = [];
  let serve: ServeProcess | undefined;
  const controllers: ControllersProcess[] = [];
  const ns = uniqueName('e2e-chart');
  const generatedNs = `${ns}-gen`;
  /** objects the controller tests create (cluster-scoped, or outside `ns`), deleted afterwards */
  const extras: string[] = [];
  const deploymentOf = (component: string): JsonObject => {
    const found = rest.filter((d) => d['kind'] === 'Deployment' && componentOf(d) === component);
    assert.equal(found.length, 1, `one ${component} Deployment`);
    return found[0] as JsonObject;
  };

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
      for (const c of controllers) await c.stop();
      await serve?.stop();
      for (const res of [VWC, MWC]) {
        const list = await api.list(res, { labelSelector: 'webhook.kyverno.io/managed-by' });
        for (const o of list.items) await api.delete(res, '', nameOf(o));
      }
      // later suites share the control plane: everything but the CRDs and the namespace goes away
      await kubectl(['delete', '--ignore-not-found', '--wait=false', '-f', '-'], stream(rest.filter((d) => d['kind'] !== 'Namespace')));
      for (const e of extras) await kubectl(['delete', '--ignore-not-found', '--wait=false', ...e.split(' ')]);
      await kubectl(['delete', 'namespace', ns, '--wait=false']);
      api.close();
    },
    { timeout: 120_000 },
  );

  test('helm renders the restricted profile in Enforce: 20 ClusterPolicies, the four components and the CRDs', () => {
    const policies = rest.filter((d) => d['kind'] === 'ClusterPolicy');
    assert.equal(policies.length, 20, policies.map(nameOf).join(','));
    for (const p of policies) assert.equal((p['spec'] as JsonObject)['validationFailureAction'], 'Enforce', nameOf(p));
    assert.ok(crds.length >= 10, `${crds.length} CRDs`);
    const deployments = rest.filter((d) => d['kind'] === 'Deployment');
    assert.deepEqual(deployments.map(componentOf).sort(), ['admission-controller', 'background-controller', 'cleanup-controller', 'reports-controller']);
    assert.equal((containerOf(deploymentOf('admission-controller'))['args'] as string[])[0], 'serve', 'the admission controller runs `kyverno serve` (in-cluster mode)');
    for (const [component, groups] of [['background-controller', 'background,status'], ['reports-controller', 'reports'], ['cleanup-controller', 'cleanup']] as const) {
      const args = containerOf(deploymentOf(component))['args'] as string[];
      assert.equal(args[0], 'controllers', component);
      assert.ok(args.includes(`--controllers=${groups}`), `${component}: ${args.join(' ')}`);
    }
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
    const kubeconfig = await kubeconfigFor('kyverno-admission-controller');
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
  test("the background controller with its ServiceAccount's token: probes, its Leases, and a generate policy's downstream", { timeout: 240_000 }, async () => {
    const kubeconfig = await kubeconfigFor('kyverno-background-controller');
    const pod = 'kyverno-background-controller-e2e-0';
    const bg = await startChartController(deploymentOf('background-controller'), kubeconfig, pod);
    controllers.push(bg);
    await waitReady(bg, 'background-controller');
    // one Lease per group: background, and status (the webhook watchdog)
    for (const lease of ['kyverno-background-controller', 'kyverno-status-controller']) {
      await eventually(`Lease ${lease} held by ${pod}`, async () => ((await leaseHolder(lease)) === pod ? true : undefined), 60_000, 500);
    }
    // a generate policy: a ConfigMap in every namespace labelled for it (a kind the chart's defaults let it create)
    const policy = {
      apiVersion: 'kyverno.io/v1',
      kind: 'ClusterPolicy',
      metadata: { name: 'e2e-chart-generate' },
      spec: {
        rules: [
          {
            name: 'default-settings',
            match: { any: [{ resources: { kinds: ['Namespace'], selector: { matchLabels: { 'e2e-chart/generate': 'true' } } } }] },
            generate: { apiVersion: 'v1', kind: 'ConfigMap', name: 'default-settings', namespace: '{{request.object.metadata.name}}', synchronize: true, data: { data: { team: 'none' } } },
          },
        ],
      },
    };
    extras.push('clusterpolicy e2e-chart-generate', `namespace ${generatedNs}`);
    const c = await kubectl(['apply', '-f', '-'], stream([policy]));
    assert.equal(c.code, 0, c.stderr);
    await eventually(
      'e2e-chart-generate Ready',
      async () => {
        const r = await kubectl(['get', 'cpol', 'e2e-chart-generate', '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}']);
        return r.stdout.trim() === 'True' ? true : undefined;
      },
      60_000,
      500,
    );
    const n = await kubectl(['apply', '-f', '-'], stream([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: generatedNs, labels: { 'e2e-chart/generate': 'true' } } }]));
    assert.equal(n.code, 0, n.stderr);
    const generated = await eventually(
      `ConfigMap default-settings generated in ${generatedNs}`,
      async () => {
        const r = await kubectl(['get', 'configmap', 'default-settings', '-n', generatedNs, '-o', 'json']);
        return r.code === 0 ? (JSON.parse(r.stdout) as JsonObject) : undefined;
      },
      90_000,
      500,
    );
    assert.deepEqual(generated['data'], { team: 'none' });
    const labels = (generated['metadata'] as JsonObject)['labels'] as Record<string, string>;
    assert.equal(labels['generate.kyverno.io/policy-name'], 'e2e-chart-generate');
    assert.equal(labels['app.kubernetes.io/managed-by'], 'kyverno');
    assert.doesNotMatch(bg.output(), /forbidden/i, 'no request of the background controller was forbidden by the chart RBAC');
  });

  test("the reports controller with its ServiceAccount's token: a background scan produces a PolicyReport", { timeout: 240_000 }, async () => {
    // the resource exists before the policy, so only a background scan can report it
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'unlabelled', namespace: ns }, data: { k: 'v' } };
    const c = await kubectl(['apply', '-f', '-'], stream([cm]));
    assert.equal(c.code, 0, c.stderr);
    const policy = {
      apiVersion: 'kyverno.io/v1',
      kind: 'ClusterPolicy',
      metadata: { name: 'e2e-chart-require-team' },
      spec: {
        validationFailureAction: 'Audit',
        background: true,
        rules: [
          {
            name: 'require-team',
            match: { any: [{ resources: { kinds: ['ConfigMap'], namespaces: [ns] } }] },
            validate: { message: 'label team is required', pattern: { metadata: { labels: { team: '?*' } } } },
          },
        ],
      },
    };
    extras.push('clusterpolicy e2e-chart-require-team');
    const p = await kubectl(['apply', '-f', '-'], stream([policy]));
    assert.equal(p.code, 0, p.stderr);
    const kubeconfig = await kubeconfigFor('kyverno-reports-controller');
    const pod = 'kyverno-reports-controller-e2e-0';
    const reports = await startChartController(deploymentOf('reports-controller'), kubeconfig, pod);
    controllers.push(reports);
    await waitReady(reports, 'reports-controller');
    await eventually('Lease kyverno-reports-controller', async () => ((await leaseHolder('kyverno-reports-controller')) === pod ? true : undefined), 60_000, 500);
    const result = await eventually(
      `a PolicyReport in ${ns} failing unlabelled for e2e-chart-require-team`,
      async () => {
        const r = await kubectl(['get', 'policyreports.wgpolicyk8s.io', '-n', ns, '-o', 'json']);
        if (r.code !== 0) return undefined;
        const items = (JSON.parse(r.stdout) as { items: JsonObject[] }).items;
        for (const report of items) {
          for (const res of (report['results'] as JsonObject[] | undefined) ?? []) {
            const subjects = [...(((report['scope'] as JsonObject | undefined) ? [report['scope'] as JsonObject] : [])), ...(((res['resources'] as JsonObject[] | undefined) ?? []))];
            if (res['policy'] === 'e2e-chart-require-team' && subjects.some((s) => s['name'] === 'unlabelled')) return res;
          }
        }
        return undefined;
      },
      120_000,
      1000,
    );
    assert.equal(result['result'], 'fail');
    assert.equal(result['rule'], 'require-team');
    assert.doesNotMatch(reports.output(), /forbidden/i, 'no request of the reports controller was forbidden by the chart RBAC');
  });

  test("the cleanup controller with its ServiceAccount's token, granted ConfigMaps through its aggregation label, deletes an expired one", { timeout: 240_000 }, async () => {
    // Kyverno's way to let the cleanup controller delete a kind: a ClusterRole with the aggregation label
    const grant = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'e2e-chart-cleanup-configmaps', labels: { 'rbac.kyverno.io/aggregate-to-cleanup-controller': 'true' } },
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch', 'delete'] }],
    };
    extras.push('clusterrole e2e-chart-cleanup-configmaps');
    const g = await kubectl(['apply', '-f', '-'], stream([grant]));
    assert.equal(g.code, 0, g.stderr);
    await eventually(
      'the aggregated ClusterRole to include the grant',
      async () => {
        const r = await kubectl(['auth', 'can-i', 'delete', 'configmaps', '-n', ns, '--as', `system:serviceaccount:${KYVERNO_NS}:kyverno-cleanup-controller`]);
        return r.stdout.trim() === 'yes' ? true : undefined;
      },
      30_000,
      500,
    );
    const expired = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'expired', namespace: ns, labels: { 'cleanup.kyverno.io/ttl': '2s', team: 'e2e' } }, data: { k: 'v' } };
    const c = await kubectl(['apply', '-f', '-'], stream([expired]));
    assert.equal(c.code, 0, c.stderr);
    const kubeconfig = await kubeconfigFor('kyverno-cleanup-controller');
    const pod = 'kyverno-cleanup-controller-e2e-0';
    const cleanup = await startChartController(deploymentOf('cleanup-controller'), kubeconfig, pod);
    controllers.push(cleanup);
    await waitReady(cleanup, 'cleanup-controller');
    await eventually('Lease kyverno-cleanup-controller', async () => ((await leaseHolder('kyverno-cleanup-controller')) === pod ? true : undefined), 60_000, 500);
    await eventually(`ConfigMap ${ns}/expired deleted`, async () => ((await kubectl(['get', 'configmap', 'expired', '-n', ns])).code !== 0 ? true : undefined), 90_000, 500);
    assert.doesNotMatch(cleanup.output(), /forbidden/i, 'no request of the cleanup controller was forbidden by the chart RBAC');
  });
});
