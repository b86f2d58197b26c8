/**
 * A real Kubernetes control plane on loopback for end-to-end tests: etcd, kube-apiserver and
 * (optionally) kube-controller-manager, built from upstream modules (see build.sh), listening on
 * random free ports of 127.0.0.1, with their own CA, serving and client certificates, a
 * service-account signing key and an admin kubeconfig, all in one temporary data directory that
 * stop() removes on success and keeps on failure (with the logs).
 *
 * On request (`fakeNode`), pods run too: kube-scheduler binds them to one Node that kwok manages.
 * kwok (sigs.k8s.io/kwok) plays that Node's kubelet: it marks pods Running and Ready, completes Job
 * pods, removes deleted ones, and can serve `kubectl exec`; no image is pulled, no container runs.
 *
 * Example:
 *   const cp = await startControlPlane();
 *   // cp.kubeconfigFile, cp.server, cp.version.gitVersion ('v1.36.5')
 *   await cp.stop({ keepData: failed });
 */
import { request } from 'node:https';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { POD_COMPONENTS, resolveBinaries, type Binaries, type Component } from './binaries.ts';
import { fakeNode, kwokConfig, KWOK_NODE_ANNOTATION, KWOK_NODE_ANNOTATION_VALUE } from './kwok.ts';
import { createCertificateAuthority, createKeyPair, issueCertificate, type CertificateFiles, type KeyPairFiles } from './pki.ts';
import { freePorts } from './ports.ts';
import { startProcess, type ManagedProcess } from './process.ts';

/** What the API server's /version returns. */
export interface ServerVersion {
  major: string;
  minor: string;
  gitVersion: string;
  gitCommit: string;
  gitTreeState: string;
  buildDate: string;
  goVersion: string;
  compiler: string;
  platform: string;
  emulationMajor?: string;
  emulationMinor?: string;
}

export interface ControlPlaneOptions {
  /** Directory for certificates, etcd data, kubeconfigs and logs; a fresh temp dir unless set. */
  dataDir?: string;
  /** Run kube-controller-manager (namespace deletion, default service accounts, GC...). Default true. */
  controllerManager?: boolean;
  /** Passed to build.sh when a binary must still be built (see resolveBinaries). */
  buildBudgetSeconds?: number;
  /**
   * Run pods: kube-scheduler and kwok (built by build.sh on first use) with one kwok-managed Node,
   * `kwok-node-0`, on which pods become Running and Ready (kwok plays the kubelet; no container runs).
   * Default off: the default e2e suite neither builds nor starts them.
   */
  fakeNode?: boolean | FakeNodeOptions;
  /** Use these binaries instead of build.sh's (e.g. `{ etcd: '/usr/bin/etcd' }`). */
  binaryOverrides?: { etcd?: string; 'kube-apiserver'?: string; 'kube-controller-manager'?: string; 'kube-scheduler'?: string; kwok?: string };
  /** Extra kube-apiserver flags, e.g. `['--feature-gates=Foo=true', '--runtime-config=api/beta=true']`. */
  apiServerArgs?: readonly string[];
  /** Extra kube-controller-manager flags. */
  controllerManagerArgs?: readonly string[];
  /** How long each component may take to become ready (ms). Default 120 s. */
  readyTimeoutMs?: number;
  /** Progress lines (default: to stderr). */
  log?: (line: string) => void;
}

export interface FakeNodeOptions {
  /** How long a Job's pod stays Running before kwok marks it Succeeded (ms). Default 120 s. */
  jobPodRunMs?: number;
  /**
   * Serve `kubectl exec` into the Node's pods through kwok's kubelet-like server: there is no container,
   * so kwok runs the command on this machine, in a scratch directory (as `nobody` when this process is
   * root). Default off.
   */
  exec?: boolean;
}

export interface ControlPlane {
  /** `https://127.0.0.1:<port>` */
  readonly server: string;
  /** Admin kubeconfig (client certificate in group system:masters). */
  readonly kubeconfigFile: string;
  readonly dataDir: string;
  readonly etcdUrl: string;
  /** The cluster CA: it signed the serving certificate and every client certificate. */
  readonly ca: CertificateFiles;
  /** The admin client certificate used by the kubeconfig. */
  readonly admin: CertificateFiles;
  readonly serviceAccountKey: KeyPairFiles;
  readonly version: ServerVersion;
  readonly binaries: Binaries;
  /** Log file of each component, by name. */
  readonly logFiles: Readonly<Record<string, string>>;
  /** The kwok-managed Node's name, when started with `fakeNode`. */
  readonly nodeName?: string;
  /** Milliseconds from the call to startControlPlane until ready (binary resolution included). */
  readonly startupMs: number;
  /** Raw HTTPS request to the API server as admin; resolves with the status and body text. */
  get(path: string): Promise<{ status: number; body: string }>;
  /**
   * Stops every component (reverse order). Removes the data directory unless `keepData`; when kept,
   * its path and the log tails are reported through `log`.
   */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

/** The control plane did not come up; `code` is stable, the message carries the log tails. */
export class ControlPlaneError extends Error {
  readonly code = 'CONTROL_PLANE_START_FAILED';
  constructor(message: string) {
    super(message);
    this.name = 'ControlPlaneError';
  }
}

/** The service CIDR handed to the API server: addresses are only allocated, never routed to. */
const SERVICE_CIDR = '10.96.0.0/16';
const SERVICE_IP = '10.96.0.1';

interface TlsClient {
  ca: string;
  cert: string;
  key: string;
}

/** HTTPS request; `tls` undefined: no client certificate and the server's certificate is not checked (health probes). */
function httpsRequest(method: string, url: string, tls: TlsClient | undefined, body?: string, timeoutMs = 5_000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const auth = tls ? { ca: tls.ca, cert: tls.cert, key: tls.key } : { rejectUnauthorized: false };
    const headers = body !== undefined ? { 'content-type': 'application/json' } : undefined;
    const req = request(url, { method, ...auth, headers, timeout: timeoutMs }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

function httpsGet(url: string, tls: TlsClient | undefined, timeoutMs = 5_000): Promise<{ status: number; body: string }> {
  return httpsRequest('GET', url, tls, undefined, timeoutMs);
}

async function httpGet(url: string, timeoutMs = 5_000): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: res.status, body: await res.text() };
}

/** Polls `probe` until it returns true; fails early when `proc` exits. */
async function waitUntil(what: string, proc: ManagedProcess | undefined, timeoutMs: number, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (let delay = 50; ; delay = Math.min(delay * 2, 500)) {
    const exit = proc?.exit();
    if (proc && exit) {
      throw new ControlPlaneError(`${proc.name} exited (code ${exit.code}, signal ${exit.signal}) before ${what}\n--- ${proc.logFile} (tail)\n${proc.tail(60)}`);
    }
    try {
      if (await probe()) return;
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
    if (Date.now() > deadline) {
      const logs = proc ? `\n--- ${proc.logFile} (tail)\n${proc.tail(60)}` : '';
      throw new ControlPlaneError(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${last})` : ''}${logs}`);
    }
    await sleep(delay);
  }
}

function kubeconfig(server: string, ca: CertificateFiles, user: string, client: CertificateFiles): string {
  // JSON is valid YAML; clients read it as a kubeconfig.
  return JSON.stringify(
    {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'e2e', cluster: { server, 'certificate-authority': ca.certFile } }],
      users: [{ name: user, user: { 'client-certificate': client.certFile, 'client-key': client.keyFile } }],
      contexts: [{ name: 'e2e', context: { cluster: 'e2e', user, namespace: 'default' } }],
      'current-context': 'e2e',
    },
    null,
    2,
  );
}

/** Starts etcd, kube-apiserver and kube-controller-manager; resolves once the API server is ready. */
export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const t0 = Date.now();
  const log = options.log ?? ((line: string) => process.stderr.write(`[control-plane] ${line}\n`));
  const readyTimeoutMs = options.readyTimeoutMs ?? 120_000;
  const withKcm = options.controllerManager ?? true;
  const node = options.fakeNode ? { jobPodRunMs: 120_000, exec: false, ...(options.fakeNode === true ? {} : options.fakeNode) } : undefined;

  const components: Component[] = ['etcd', 'kube-apiserver', ...(withKcm ? (['kube-controller-manager'] as const) : []), ...(node ? POD_COMPONENTS : [])];
  const binaries = await resolveBinaries({
    components,
    ...(options.buildBudgetSeconds !== undefined ? { budgetSeconds: options.buildBudgetSeconds } : {}),
  });
  const bin = (c: 'etcd' | 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler' | 'kwok'): string => {
    const p = options.binaryOverrides?.[c] ?? binaries.paths[c];
    if (p === undefined) throw new ControlPlaneError(`no binary for ${c}`);
    return p;
  };

  const tBinaries = Date.now() - t0;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'kyverno-ts-e2e-'));
  const pkiDir = join(dataDir, 'pki');
  const logDir = join(dataDir, 'logs');
  mkdirSync(pkiDir, { recursive: true });
  mkdirSync(logDir, { recursive: true });

  const ca = createCertificateAuthority(pkiDir, 'ca');
  const serving = issueCertificate(ca, pkiDir, {
    name: 'apiserver',
    commonName: 'kube-apiserver',
    dnsNames: ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'],
    ipAddresses: ['127.0.0.1', SERVICE_IP],
    usage: 'server',
  });
  const admin = issueCertificate(ca, pkiDir, { name: 'admin', commonName: 'kubernetes-admin', organizations: ['system:masters'], usage: 'client' });
  const kcmClient = issueCertificate(ca, pkiDir, { name: 'kube-controller-manager', commonName: 'system:kube-controller-manager', usage: 'client' });
  const serviceAccountKey = createKeyPair(pkiDir, 'sa');
  // the fake Node's: kube-scheduler's identity (bound by the bootstrap RBAC), kwok's (it manages Nodes,
  // pods and Leases of the whole cluster: an admin), kwok's serving pair, and the API server's client
  // certificate for calls to the "kubelet" (exec)
  const nodePki = node
    ? {
        scheduler: issueCertificate(ca, pkiDir, { name: 'kube-scheduler', commonName: 'system:kube-scheduler', usage: 'client' }),
        kwok: issueCertificate(ca, pkiDir, { name: 'kwok', commonName: 'kwok', organizations: ['system:masters'], usage: 'client' }),
        kwokServing: issueCertificate(ca, pkiDir, { name: 'kwok-serving', commonName: 'kwok-node-0', dnsNames: ['localhost', 'kwok-node-0'], ipAddresses: ['127.0.0.1'], usage: 'server' }),
        kubeletClient: issueCertificate(ca, pkiDir, { name: 'apiserver-kubelet-client', commonName: 'kube-apiserver-kubelet-client', organizations: ['system:masters'], usage: 'client' }),
      }
    : undefined;
  log(`binaries found in ${tBinaries} ms, certificates and keys made in ${Date.now() - t0 - tBinaries} ms (${dataDir})`);

  const procs: ManagedProcess[] = [];
  const cleanups: Array<() => void> = [];
  const logFiles: Record<string, string> = {};
  const stopAll = async (): Promise<void> => {
    for (const p of [...procs].reverse()) await p.stop();
    for (const c of cleanups.splice(0)) c();
  };
  const fail = async (e: unknown): Promise<never> => {
    await stopAll();
    const msg = e instanceof Error ? e.message : String(e);
    throw new ControlPlaneError(`${msg}\n(data and logs kept in ${dataDir})`);
  };

  try {
    // etcd
    const [etcdClientPort, etcdPeerPort, apiPort] = await freePorts(3);
    const etcdUrl = `http://127.0.0.1:${etcdClientPort}`;
    const peerUrl = `http://127.0.0.1:${etcdPeerPort}`;
    logFiles.etcd = join(logDir, 'etcd.log');
    const etcd = startProcess(
      'etcd',
      bin('etcd'),
      [
        '--name=e2e',
        `--data-dir=${join(dataDir, 'etcd')}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=${peerUrl}`,
        `--initial-advertise-peer-urls=${peerUrl}`,
        `--initial-cluster=e2e=${peerUrl}`,
        '--initial-cluster-state=new',
        '--unsafe-no-fsync',
        '--log-level=warn',
        '--quota-backend-bytes=2147483648',
      ],
      logFiles.etcd,
    );
    procs.push(etcd);
    await waitUntil('etcd /health', etcd, readyTimeoutMs, async () => {
      const r = await httpGet(`${etcdUrl}/health`);
      return r.status === 200 && (JSON.parse(r.body) as { health?: string }).health === 'true';
    });
    log(`etcd ${binaries.versions.etcd} ready at ${etcdUrl} (${Date.now() - t0} ms)`);

    // kube-apiserver
    const server = `https://127.0.0.1:${apiPort}`;
    logFiles['kube-apiserver'] = join(logDir, 'kube-apiserver.log');
    const apiserver = startProcess(
      'kube-apiserver',
      bin('kube-apiserver'),
      [
        `--etcd-servers=${etcdUrl}`,
        '--bind-address=127.0.0.1',
        '--advertise-address=127.0.0.1',
        `--secure-port=${apiPort}`,
        // The Endpoints of the `kubernetes` Service may not hold a loopback address.
        '--endpoint-reconciler-type=none',
        `--tls-cert-file=${serving.certFile}`,
        `--tls-private-key-file=${serving.keyFile}`,
        `--client-ca-file=${ca.certFile}`,
        '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
        `--service-account-key-file=${serviceAccountKey.publicKeyFile}`,
        `--service-account-signing-key-file=${serviceAccountKey.keyFile}`,
        `--service-cluster-ip-range=${SERVICE_CIDR}`,
        '--authorization-mode=Node,RBAC',
        '--enable-admission-plugins=NamespaceLifecycle,LimitRanger,ServiceAccount,NodeRestriction,DefaultStorageClass,DefaultTolerationSeconds,MutatingAdmissionWebhook,ValidatingAdmissionWebhook,ValidatingAdmissionPolicy,MutatingAdmissionPolicy,ResourceQuota,PodSecurity',
        '--allow-privileged=true',
        '--profiling=false',
        `--cert-dir=${join(dataDir, 'apiserver-certs')}`,
        '--v=1',
        // the fake Node's "kubelet" (kwok) is reached at its InternalIP, 127.0.0.1, with its certificate checked
        ...(nodePki
          ? [
              '--kubelet-preferred-address-types=InternalIP',
              `--kubelet-certificate-authority=${ca.certFile}`,
              `--kubelet-client-certificate=${nodePki.kubeletClient.certFile}`,
              `--kubelet-client-key=${nodePki.kubeletClient.keyFile}`,
            ]
          : []),
        ...(options.apiServerArgs ?? []),
      ],
      logFiles['kube-apiserver'],
    );
    procs.push(apiserver);
    const adminTls: TlsClient = { ca: ca.certPem, cert: admin.certPem, key: admin.keyPem };
    await waitUntil('kube-apiserver /readyz', apiserver, readyTimeoutMs, async () => (await httpsGet(`${server}/readyz`, adminTls)).status === 200);
    const version = JSON.parse((await httpsGet(`${server}/version`, adminTls)).body) as ServerVersion;
    log(`kube-apiserver ${version.gitVersion} ready at ${server} (${Date.now() - t0} ms)`);

    const kubeconfigFile = join(dataDir, 'admin.kubeconfig');
    writeFileSync(kubeconfigFile, kubeconfig(server, ca, 'kubernetes-admin', admin));

    // kube-controller-manager
    if (withKcm) {
      const kcmKubeconfig = join(dataDir, 'kube-controller-manager.kubeconfig');
      writeFileSync(kcmKubeconfig, kubeconfig(server, ca, 'system:kube-controller-manager', kcmClient));
      logFiles['kube-controller-manager'] = join(logDir, 'kube-controller-manager.log');
      const kcm = startProcess(
        'kube-controller-manager',
        bin('kube-controller-manager'),
        [
          `--kubeconfig=${kcmKubeconfig}`,
          `--authentication-kubeconfig=${kcmKubeconfig}`,
          `--authorization-kubeconfig=${kcmKubeconfig}`,
          '--bind-address=127.0.0.1',
          '--secure-port=0',
          '--leader-elect=false',
          '--use-service-account-credentials=true',
          `--service-account-private-key-file=${serviceAccountKey.keyFile}`,
          `--root-ca-file=${ca.certFile}`,
          `--cluster-signing-cert-file=${ca.certFile}`,
          `--cluster-signing-key-file=${ca.keyFile}`,
          `--service-cluster-ip-range=${SERVICE_CIDR}`,
          '--v=1',
          ...(options.controllerManagerArgs ?? []),
        ],
        logFiles['kube-controller-manager'],
      );
      procs.push(kcm);
      // The service-account controller creating `default` in `default` shows the controllers run.
      await waitUntil('kube-controller-manager to create serviceaccount default/default', kcm, readyTimeoutMs, async () => {
        return (await httpsGet(`${server}/api/v1/namespaces/default/serviceaccounts/default`, adminTls)).status === 200;
      });
      log(`kube-controller-manager running (${Date.now() - t0} ms)`);
    }

    // kube-scheduler and kwok with the fake Node
    let nodeName: string | undefined;
    if (node && nodePki) {
      const [schedulerPort, kwokPort] = await freePorts(2);
      const schedulerKubeconfig = join(dataDir, 'kube-scheduler.kubeconfig');
      writeFileSync(schedulerKubeconfig, kubeconfig(server, ca, 'system:kube-scheduler', nodePki.scheduler));
      logFiles['kube-scheduler'] = join(logDir, 'kube-scheduler.log');
      const scheduler = startProcess(
        'kube-scheduler',
        bin('kube-scheduler'),
        [
          `--kubeconfig=${schedulerKubeconfig}`,
          `--authentication-kubeconfig=${schedulerKubeconfig}`,
          `--authorization-kubeconfig=${schedulerKubeconfig}`,
          '--bind-address=127.0.0.1',
          `--secure-port=${schedulerPort}`,
          `--cert-dir=${join(dataDir, 'kube-scheduler-certs')}`,
          '--leader-elect=false',
          '--v=1',
        ],
        logFiles['kube-scheduler'],
      );
      procs.push(scheduler);
      await waitUntil('kube-scheduler /healthz', scheduler, readyTimeoutMs, async () => (await httpsGet(`https://127.0.0.1:${schedulerPort}/healthz`, undefined)).status === 200);
      log(`kube-scheduler running (${Date.now() - t0} ms)`);

      nodeName = 'kwok-node-0';
      const created = await httpsRequest('POST', `${server}/api/v1/nodes`, adminTls, JSON.stringify(fakeNode(nodeName, kwokPort as number, binaries.versions.kwok)));
      if (created.status !== 201) throw new ControlPlaneError(`creating Node ${nodeName}: HTTP ${created.status} ${created.body}`);
      let exec: { workDir: string; runAsUser?: number } | undefined;
      if (node.exec) {
        // outside the data directory (0700, keys): the command may run as nobody, who must be able to enter it
        const workDir = mkdtempSync(join(tmpdir(), 'kyverno-ts-e2e-kwok-exec-'));
        cleanups.push(() => rmSync(workDir, { recursive: true, force: true }));
        const nobody = process.getuid?.() === 0 && /^[^:]*:[^:]*:65534:/m.test(readFileSync('/etc/passwd', 'utf8'));
        if (nobody) chmodSync(workDir, 0o755);
        exec = { workDir, ...(nobody ? { runAsUser: 65534 } : {}) };
      }
      const kwokConfigFile = join(dataDir, 'kwok.yaml');
      writeFileSync(kwokConfigFile, kwokConfig({ jobPodRunMs: node.jobPodRunMs, ...(exec ? { exec } : {}) }));
      const kwokKubeconfig = join(dataDir, 'kwok.kubeconfig');
      writeFileSync(kwokKubeconfig, kubeconfig(server, ca, 'kwok', nodePki.kwok));
      logFiles.kwok = join(logDir, 'kwok.log');
      const kwok = startProcess(
        'kwok',
        bin('kwok'),
        [
          `--kubeconfig=${kwokKubeconfig}`,
          `--config=${kwokConfigFile}`,
          '--manage-all-nodes=false',
          `--manage-nodes-with-annotation-selector=${KWOK_NODE_ANNOTATION}=${KWOK_NODE_ANNOTATION_VALUE}`,
          '--node-ip=127.0.0.1',
          `--node-port=${kwokPort}`,
          `--server-address=127.0.0.1:${kwokPort}`,
          `--tls-cert-file=${nodePki.kwokServing.certFile}`,
          `--tls-private-key-file=${nodePki.kwokServing.keyFile}`,
          // pod IPs (allocated by kwok, routed nowhere)
          '--cidr=10.244.0.0/16',
          // the Node's heartbeat: kwok holds and renews its Lease (kube-node-lease), which
          // kube-controller-manager's node lifecycle controller watches (no Lease: NotReady, pods evicted)
          '--node-lease-duration-seconds=40',
        ],
        logFiles.kwok,
      );
      procs.push(kwok);
      await waitUntil(`kwok to mark Node ${nodeName} Ready`, kwok, readyTimeoutMs, async () => {
        const r = await httpsGet(`${server}/api/v1/nodes/${nodeName}`, adminTls);
        const conditions = (JSON.parse(r.body) as { status?: { conditions?: Array<{ type: string; status: string }> } }).status?.conditions ?? [];
        return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
      });
      log(`kwok ${binaries.versions.kwok} plays the kubelet of Node ${nodeName} (${Date.now() - t0} ms)`);
    }

    const startupMs = Date.now() - t0;
    let stopped = false;
    return {
      server,
      kubeconfigFile,
      dataDir,
      etcdUrl,
      ca,
      admin,
      serviceAccountKey,
      version,
      binaries,
      logFiles,
      ...(nodeName !== undefined ? { nodeName } : {}),
      startupMs,
      get: (path) => httpsGet(`${server}${path}`, adminTls, 30_000),
      async stop({ keepData = false } = {}) {
        if (stopped) return;
        stopped = true;
        const unexpected = procs.filter((p) => p.exit() !== undefined).map((p) => `${p.name} exited early (${JSON.stringify(p.exit())})`);
        await stopAll();
        if (keepData || unexpected.length > 0) {
          log(`kept data and logs in ${dataDir}${unexpected.length > 0 ? `: ${unexpected.join('; ')}` : ''}`);
          for (const p of procs) log(`--- ${p.logFile} (last 20 lines)\n${p.tail(20)}`);
        } else {
          rmSync(dataDir, { recursive: true, force: true });
        }
      },
    };
  } catch (e) {
    return fail(e);
  }
}
