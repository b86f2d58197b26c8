/**
 * Shared pieces of the controllers e2e suites (test/e2e/controllers-*.e2e.ts): installing Kyverno's CRDs
 * and namespace on the control plane, running admission replicas (the admission server over the
 * cluster-backed sources, the UpdateRequest and ephemeral-report sinks) and controller managers in this
 * process or as child processes (controllers-runner.ts), a TCP load balancer standing in for the
 * `kyverno-svc` Service (kube-proxy: only live backends get connections), and the webhook configurations
 * the admission server's webhook controller writes in a real installation.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { connect, createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { dump as dumpYaml, load as loadYaml, loadAll } from 'js-yaml';

import { runHelm } from '../../scripts/helm.ts';

import { ControllerManager, type ControllerManagerOptions } from '../../src/controllers/manager.ts';
import { EventRecorder } from '../../src/controllers/events/recorder.ts';
import { AdmissionBackgroundSink } from '../../src/controllers/generate/admission-sink.ts';
import { UpdateRequestGenerator } from '../../src/controllers/generate/ur-generator.ts';
import { PolicyInformers } from '../../src/controllers/policies/policy-informers.ts';
import { AdmissionReportSink } from '../../src/controllers/reports/admission-sink.ts';
import { EphemeralReportSink } from '../../src/controllers/reports/ephemeral.ts';
import { ClusterState } from '../../src/controllers/runtime/cluster-state.ts';
import { controllerEngine } from '../../src/controllers/runtime/engine.ts';
import { ClusterConfigSource, ClusterNamespaces, ClusterPolicySource, ClusterRoleBindings } from '../../src/controllers/sources/cluster-sources.ts';
import { ClusterContextPorts } from '../../src/k8s/client/context-ports.ts';
import { isAlreadyExists } from '../../src/k8s/client/errors.ts';
import { RestKubeApi } from '../../src/k8s/client/rest.ts';
import type { ApiResource, KubeApi, KubeObject } from '../../src/k8s/client/types.ts';
import { createLogger, discardLogger, type Logger } from '../../src/server/logging.ts';
import { AdmissionServer } from '../../src/server/server.ts';
import { cluster, kubectl } from './cluster.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
export const REPO_ROOT = join(here, '..', '..');
export const RUNNER = join(here, 'controllers-runner.ts');
export const KYVERNO_NS = 'kyverno';

const CRD: ApiResource = { group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions', kind: 'CustomResourceDefinition', namespaced: false, verbs: [], subresources: ['status'] };
const NAMESPACES: ApiResource = { group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', namespaced: false, verbs: [], subresources: [] };
const CONFIGMAPS: ApiResource = { group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', namespaced: true, verbs: [], subresources: [] };
export const VWC: ApiResource = { group: 'admissionregistration.k8s.io', version: 'v1', resource: 'validatingwebhookconfigurations', kind: 'ValidatingWebhookConfiguration', namespaced: false, verbs: [], subresources: [] };
export const MWC: ApiResource = { ...VWC, resource: 'mutatingwebhookconfigurations', kind: 'MutatingWebhookConfiguration' };

/** Silent unless E2E_CONTROLLERS_V=<verbosity> is set. */
export const quietLog = (): Logger => (process.env['E2E_CONTROLLERS_V'] !== undefined ? createLogger({ verbosity: Number(process.env['E2E_CONTROLLERS_V']) }) : discardLogger);

export async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

/** Polls until `probe` returns a value (not undefined). */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
    await sleep(intervalMs);
  }
}

export async function apiFor(kubeconfigFile: string, qps = 300): Promise<RestKubeApi> {
  const api = await RestKubeApi.fromKubeconfig({ file: kubeconfigFile, qps, burst: qps });
  await api.resources();
  return api;
}

/** Applies Kyverno's CRDs (server-side), waits until they are established, creates the kyverno namespace and ConfigMap. */
export async function installKyverno(api: RestKubeApi, configData: Record<string, string> = {}): Promise<void> {
  const dir = join(REPO_ROOT, 'config', 'crds');
  const names: string[] = [];
  for (const f of readdirSync(dir).sort()) {
    if (!f.endsWith('.yaml')) continue;
    const doc = loadYaml(readFileSync(join(dir, f), 'utf8')) as KubeObject;
    const name = (doc['metadata'] as { name: string }).name;
    names.push(name);
    await api.patch(CRD, '', name, 'apply', doc, { fieldManager: 'e2e', force: true });
  }
  for (const name of names) {
    await until(`CRD ${name} established`, async () => {
      const c = await api.get(CRD, '', name);
      const conds = ((c?.['status'] as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions ?? []);
      return conds.some((x) => x.type === 'Established' && x.status === 'True') ? true : undefined;
    });
  }
  await api.discovery(true);
  await until('kyverno CRDs in discovery', async () => ((await api.discovery(true)).find('kyverno.io/v1', 'ClusterPolicy') ? true : undefined));
  try {
    await api.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: KYVERNO_NS } });
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
  }
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kyverno', namespace: KYVERNO_NS }, data: configData };
  await api.patch(CONFIGMAPS, KYVERNO_NS, 'kyverno', 'apply', cm, { fieldManager: 'e2e', force: true });
}

export interface AdmissionReplica {
  port: number;
  server: AdmissionServer;
  urs: UpdateRequestGenerator;
  reports: EphemeralReportSink;
  source: ClusterPolicySource;
  stop(): Promise<void>;
}

/** An admission replica in this process: the admission server on the cluster's sources, HTTPS on 127.0.0.1:port. */
export async function startAdmissionReplica(opts: { kubeconfigFile: string; port: number; certPem: string; keyPem: string; log?: Logger; id?: string }): Promise<AdmissionReplica> {
  const log = opts.log ?? quietLog();
  const api = await apiFor(opts.kubeconfigFile);
  const policies = new PolicyInformers(api, { enabled: false, namespace: '' }, log);
  const state = new ClusterState(api, KYVERNO_NS, 'kyverno', log);
  const roleBindings = new ClusterRoleBindings(api);
  policies.start();
  state.start();
  roleBindings.start();
  await Promise.all([policies.synced(), state.synced(), roleBindings.synced()]);
  const source = new ClusterPolicySource(policies);
  source.refresh();
  const events = new EventRecorder({ api, settings: () => state.current(), log, hostname: opts.id ?? `admission-${opts.port}` });
  events.start();
  const reports = new EphemeralReportSink({ api, replicaId: opts.id ?? `admission-${opts.port}`, log });
  const urs = new UpdateRequestGenerator({ api, namespace: KYVERNO_NS, log });
  const ports = new ClusterContextPorts(api, { namespaceLabels: (n) => state.namespaceLabels(n) });
  const namespaces = new ClusterNamespaces(state);
  const server = new AdmissionServer({
    policies: source,
    namespaces,
    roleBindings,
    config: new ClusterConfigSource(state),
    reports: new AdmissionReportSink(reports, events),
    background: new AdmissionBackgroundSink({
      engine: () => controllerEngine(state.current(), ports.ports()),
      exceptions: () => policies.exceptionCandidates(),
      namespaces,
      generator: urs,
      kyvernoNamespace: KYVERNO_NS,
      events,
      log,
    }),
    log,
    kyvernoNamespace: KYVERNO_NS,
  });
  // keep-alive longer than the API server's idle connections (90 s), as the server's own listener does:
  // otherwise a connection closed here races a request the API server is writing on it (broken pipe)
  const https: HttpsServer = createHttpsServer({ cert: opts.certPem, key: opts.keyPem }, server.requestListener);
  https.keepAliveTimeout = 5 * 60_000;
  await new Promise<void>((resolve) => https.listen(opts.port, '127.0.0.1', resolve));
  return {
    port: (https.address() as AddressInfo).port,
    server,
    urs,
    reports,
    source,
    async stop() {
      // close() waits for every connection to end: the API server keeps its keep-alive ones open
      const closed = new Promise<void>((resolve) => https.close(() => resolve()));
      https.closeAllConnections();
      await closed;
      await urs.stop();
      await reports.stop();
      await events.flush();
      await events.stop();
      policies.stop();
      state.stop();
      roleBindings.stop();
      api.close();
    },
  };
}

/** Controllers in this process. */
export async function startControllerManager(kubeconfigFile: string, opts: Partial<ControllerManagerOptions> = {}): Promise<{ manager: ControllerManager; api: RestKubeApi; stop: () => Promise<void> }> {
  const api = await apiFor(kubeconfigFile);
  const manager = new ControllerManager({ api, namespace: KYVERNO_NS, log: quietLog(), retryPeriodMs: 500, ...opts });
  await manager.start();
  return {
    manager,
    api,
    async stop() {
      await manager.stop();
      api.close();
    },
  };
}

export type WebhookRule = {
  apiGroups: string[];
  apiVersions: string[];
  operations: string[];
  resources: string[];
  scope?: string;
};

/**
 * The webhook configurations the admission server's webhook controller would write: resource validating
 * and mutating hooks (`validate.kyverno.svc-fail` / `mutate.kyverno.svc-fail`, failurePolicy Fail) for the
 * given rules, and the verify hook on Leases labelled `app.kubernetes.io/name=kyverno` (Ignore).
 */
export async function writeWebhooks(api: KubeApi, baseUrl: string, caBundle: string, rules: { validate: WebhookRule[]; mutate?: WebhookRule[] }, timeoutSeconds = 10): Promise<void> {
  const labels = { 'webhook.kyverno.io/managed-by': 'kyverno' };
  const namespaceSelector = { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', KYVERNO_NS] }] };
  const common = { admissionReviewVersions: ['v1'], sideEffects: 'NoneOnDryRun', matchPolicy: 'Equivalent', timeoutSeconds };
  const apply = async (res: ApiResource, obj: KubeObject) => {
    const name = (obj['metadata'] as { name: string }).name;
    await api.patch(res, '', name, 'apply', obj, { fieldManager: 'e2e', force: true });
  };
  await apply(VWC, {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: { name: 'kyverno-resource-validating-webhook-cfg', labels },
    webhooks: [{ name: 'validate.kyverno.svc-fail', clientConfig: { url: `${baseUrl}/validate/fail`, caBundle }, failurePolicy: 'Fail', rules: rules.validate as never, namespaceSelector, ...common }],
  });
  await apply(MWC, {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name: 'kyverno-resource-mutating-webhook-cfg', labels },
    webhooks: [{ name: 'mutate.kyverno.svc-fail', clientConfig: { url: `${baseUrl}/mutate/fail`, caBundle }, failurePolicy: 'Fail', rules: (rules.mutate ?? []) as never, namespaceSelector, reinvocationPolicy: 'IfNeeded', ...common }],
  });
  await apply(MWC, {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name: 'kyverno-verify-mutating-webhook-cfg', labels },
    webhooks: [
      {
        name: 'monitor-webhooks.kyverno.svc',
        clientConfig: { url: `${baseUrl}/verifymutate`, caBundle },
        failurePolicy: 'Ignore',
        objectSelector: { matchLabels: { 'app.kubernetes.io/name': 'kyverno' } },
        rules: [{ apiGroups: ['coordination.k8s.io'], apiVersions: ['v1'], operations: ['UPDATE'], resources: ['leases'], scope: 'Namespaced' }],
        reinvocationPolicy: 'Never',
        ...common,
      },
    ],
  });
}

export async function deleteWebhooks(api: KubeApi): Promise<void> {
  for (const [res, name] of [
    [VWC, 'kyverno-resource-validating-webhook-cfg'],
    [MWC, 'kyverno-resource-mutating-webhook-cfg'],
    [MWC, 'kyverno-verify-mutating-webhook-cfg'],
  ] as const) {
    await api.delete(res, '', name).catch(() => false);
  }
}

/**
 * A TCP load balancer standing in for the webhook Service: each connection goes to the next backend
 * that accepts a connection (dead ones are skipped, as Endpoints drop unready pods).
 */
export class TcpBalancer {
  private server: TcpServer | undefined;
  private next = 0;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(readonly backends: number[]) {}

  async start(): Promise<number> {
    const server = createTcpServer((client) => {
      this.sockets.add(client);
      client.once('close', () => this.sockets.delete(client));
      client.pause();
      const tryBackend = (attempt: number): void => {
        if (attempt >= this.backends.length) {
          client.destroy();
          return;
        }
        const port = this.backends[this.next++ % this.backends.length] as number;
        const upstream = connect(port, '127.0.0.1');
        upstream.once('connect', () => {
          this.sockets.add(upstream);
          upstream.once('close', () => this.sockets.delete(upstream));
          client.pipe(upstream).pipe(client);
          client.resume();
          upstream.on('error', () => client.destroy());
          client.on('error', () => upstream.destroy());
        });
        upstream.once('error', () => tryBackend(attempt + 1));
      };
      tryBackend(0);
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    return this.port;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** A child process running controllers-runner.ts. */
export interface RunnerProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

export function spawnRunner(args: readonly string[], env: NodeJS.ProcessEnv = {}): RunnerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', RUNNER, ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (out = (out + d).slice(-200_000)));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (out = (out + d).slice(-200_000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    exited,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/**
 * A controller process run as a Pod of the chart's Deployment would run it, for tests that look at that Pod
 * (lease/background-controller asserts its container restarted after the controller lost its Lease).
 *
 * The Pod object (the component's labels, a `controller` container, the component's ServiceAccount) is
 * bound to the control plane's Node, where kwok marks it Running and Ready; the process runs on this host
 * with POD_NAME set (its leader election identity, as in the chart). What a kubelet does for a container
 * with `restartPolicy: Always`, the harness does for the process: when it exits, it is started again and
 * the Pod's status counts the restart (restartCount, lastState.terminated with the exit code). No container
 * runs: the restart is the real process's exit (Kyverno's controllers exit when they lose their Lease).
 */
export async function spawnRunnerAsPod(
  args: readonly string[],
  pod: { name: string; namespace: string; component: string; serviceAccount: string; nodeName: string },
  env: NodeJS.ProcessEnv = {},
): Promise<RunnerProcess> {
  const manifest = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: pod.name,
      namespace: pod.namespace,
      labels: { 'app.kubernetes.io/component': pod.component, 'app.kubernetes.io/instance': 'kyverno', 'app.kubernetes.io/part-of': 'kyverno', 'app.kubernetes.io/name': `kyverno-${pod.component}` },
    },
    spec: {
      nodeName: pod.nodeName,
      serviceAccountName: pod.serviceAccount,
      automountServiceAccountToken: false,
      restartPolicy: 'Always',
      containers: [{ name: 'controller', image: 'kyverno-ts:e2e (runs on the host)' }],
    },
  };
  const created = await kubectl(['apply', '-f', '-'], JSON.stringify(manifest));
  if (created.code !== 0) throw new Error(`creating Pod ${pod.namespace}/${pod.name}: ${created.stderr}`);
  let stopping = false;
  let restarts = 0;
  let log = '';
  let current = spawnRunner(args, { ...env, POD_NAME: pod.name });
  let resolveExited: (code: number | null) => void = () => undefined;
  const exited = new Promise<number | null>((resolve) => (resolveExited = resolve));
  const countRestart = async (exitCode: number | null): Promise<void> => {
    const got = await kubectl(['get', 'pod', '-n', pod.namespace, pod.name, '-o', 'json']);
    if (got.code !== 0) return;
    const status = (JSON.parse(got.stdout) as { status?: { containerStatuses?: Array<Record<string, unknown>> } }).status ?? {};
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const containerStatuses = (status.containerStatuses ?? []).map((c) =>
      c['name'] === 'controller'
        ? { ...c, ready: true, started: true, restartCount: restarts, state: { running: { startedAt: now } }, lastState: { terminated: { exitCode: exitCode ?? 137, reason: 'Error', finishedAt: now } } }
        : c,
    );
    await kubectl(['patch', 'pod', '-n', pod.namespace, pod.name, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { containerStatuses } })]);
  };
  const watch = (p: RunnerProcess): void => {
    void p.exited.then(async (code) => {
      log += p.output();
      if (stopping) return resolveExited(code);
      // the kubelet's restart (its first back-off is 10 s; sooner here, the tests wait for the Lease anyway)
      await new Promise((r) => setTimeout(r, 1000));
      if (stopping) return resolveExited(code);
      restarts++;
      log += `\n--- restarted after exit code ${code} (restart ${restarts}) ---\n`;
      current = spawnRunner(args, { ...env, POD_NAME: pod.name });
      watch(current);
      await countRestart(code);
    });
  };
  watch(current);
  return {
    get child() {
      return current.child;
    },
    output: () => log + current.output(),
    exited,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      stopping = true;
      await current.kill(signal);
      await kubectl(['delete', 'pod', '-n', pod.namespace, pod.name, '--wait=false', '--ignore-not-found']);
      return exited;
    },
  };
}

/** The ServiceAccount of each component, as the chart names them under the release name `kyverno`. */
export const SERVICE_ACCOUNTS = {
  admission: 'kyverno-admission-controller',
  background: 'kyverno-background-controller',
  reports: 'kyverno-reports-controller',
  cleanup: 'kyverno-cleanup-controller',
} as const;

const RBAC_KINDS = new Set(['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding']);

/**
 * The identities of Kyverno's install: the chart's ServiceAccounts, (Cluster)Roles and bindings rendered
 * with `values` (objects given to `helm template --set-json key=<json>`), applied server-side. Resolves once
 * the aggregated ClusterRoles have been filled in (by kube-controller-manager). Returns the applied objects.
 */
export async function installChartRbac(values: Record<string, unknown> = {}): Promise<KubeObject[]> {
  const set = Object.entries(values).flatMap(([k, v]) => ['--set-json', `${k}=${JSON.stringify(v)}`]);
  const r = runHelm(['template', 'kyverno', join(REPO_ROOT, 'charts', 'kyverno'), '--namespace', KYVERNO_NS, ...set]);
  if (r.status !== 0) throw new Error(`helm template: ${r.stderr}`);
  const docs = (loadAll(r.stdout) as unknown[]).filter((d): d is KubeObject => d !== null && typeof d === 'object' && RBAC_KINDS.has(String((d as KubeObject)['kind'])));
  const applied = await kubectl(['apply', '--server-side', '--force-conflicts', '--field-manager=helm', '-f', '-'], docs.map((d) => dumpYaml(d, { lineWidth: -1 })).join('---\n'));
  if (applied.code !== 0) throw new Error(`kubectl apply (chart RBAC): ${applied.stderr}`);
  // aggregation is asynchronous: wait until each component's ClusterRole holds its core rules
  for (const sa of Object.values(SERVICE_ACCOUNTS)) {
    await until(`the aggregated ClusterRole of ${sa}`, async () => {
      const c = await kubectl(['auth', 'can-i', 'watch', 'clusterpolicies.kyverno.io', '--as', `system:serviceaccount:${KYVERNO_NS}:${sa}`]);
      return c.stdout.trim() === 'yes' ? true : undefined;
    }, 60_000, 500);
  }
  return docs;
}

/** Deletes what `installChartRbac` applied. */
export async function uninstallChartRbac(docs: readonly KubeObject[]): Promise<void> {
  if (docs.length === 0) return;
  await kubectl(['delete', '--ignore-not-found', '--wait=false', '-f', '-'], docs.map((d) => dumpYaml(d, { lineWidth: -1 })).join('---\n'));
}

/** A kubeconfig holding a fresh token of a ServiceAccount of the kyverno namespace: its user has that account's RBAC only. */
export async function serviceAccountKubeconfig(serviceAccount: string, duration = '12h'): Promise<string> {
  const token = await kubectl(['create', 'token', serviceAccount, '-n', KYVERNO_NS, `--duration=${duration}`]);
  if (token.code !== 0) throw new Error(`kubectl create token ${serviceAccount}: ${token.stderr}`);
  const cp = cluster();
  const file = join(mkdtempSync(join(tmpdir(), 'kyverno-ts-e2e-sa-')), 'kubeconfig');
  writeFileSync(
    file,
    dumpYaml({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'e2e', cluster: { server: cp.server, 'certificate-authority': cp.ca.certFile } }],
      users: [{ name: serviceAccount, user: { token: token.stdout.trim() } }],
      contexts: [{ name: serviceAccount, context: { cluster: 'e2e', user: serviceAccount } }],
      'current-context': serviceAccount,
    }),
    { mode: 0o600 },
  );
  return file;
}
