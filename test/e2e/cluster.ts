/**
 * The control plane shared by every e2e suite of one `npm run e2e` run: test/e2e/all.ts starts it in
 * a root `before` hook; suites read it with cluster() / kubeConfig() inside their tests.
 *
 * Also the product as a user runs it: `kubectl(...)` with the admin kubeconfig, and `startServe(port)`
 * (`kyverno serve --kubeconfig --serverIP 127.0.0.1:<port>` as a child process).
 *
 * Example: `const core = kubeConfig().makeApiClient(CoreV1Api);`
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { KubeConfig } from '@kubernetes/client-node';

import { resolveBinaries } from '../../scripts/control-plane/binaries.ts';
import type { ControlPlane } from '../../scripts/control-plane/control-plane.ts';

let current: ControlPlane | undefined;
let config: KubeConfig | undefined;

/** Records the running control plane (all.ts). */
export function setCluster(cp: ControlPlane | undefined): void {
  current = cp;
  config = undefined;
}

/** The running control plane; throws when it did not start. */
export function cluster(): ControlPlane {
  if (current === undefined) throw new Error('e2e: the control plane is not running (see the before hook)');
  return current;
}

/** A KubeConfig for the admin kubeconfig of the running control plane. */
export function kubeConfig(): KubeConfig {
  if (config === undefined) {
    config = new KubeConfig();
    config.loadFromFile(cluster().kubeconfigFile);
  }
  return config;
}

/** Polls `probe` every `intervalMs` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      const why = last instanceof Error ? `: ${last.message}` : '';
      throw new Error(`e2e: timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** A unique, DNS-label-safe name with the given prefix. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
}

// ---- the product as a child process (admission-*.e2e.ts, chart-install.e2e.ts)


export const REPO = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');

/** Runs the cached kubectl against the control plane (stdin optional). */
export async function kubectl(args: readonly string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const bins = await resolveBinaries({ components: ['kubectl'] });
  const bin = bins.paths.kubectl as string;
  return new Promise((resolve, reject) => {
    const child = spawn(bin, [...args], { env: { ...process.env, KUBECONFIG: cluster().kubeconfigFile }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

/** `kyverno serve` (in-cluster mode, out of the cluster) running as a child process. */
export interface ServeProcess {
  port: number;
  child: ChildProcess;
  output(): string;
  /** GET /health/readiness answers 200 */
  ready(): Promise<boolean>;
  /** SIGTERM (graceful) by default; resolves with the exit code */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts `node --import tsx src/cli/main.ts serve --kubeconfig <admin, or the given one> --serverIP 127.0.0.1:<port>
 * --listen 127.0.0.1:<port> ...extra` and waits until it is ready.
 */
export async function startServe(port: number, extra: readonly string[] = [], timeoutMs = 60_000, kubeconfigFile = cluster().kubeconfigFile): Promise<ServeProcess> {
  const args = ['--import', 'tsx', join(REPO, 'src', 'cli', 'main.ts'), 'serve', '--kubeconfig', kubeconfigFile, '--serverIP', `127.0.0.1:${port}`, '--listen', `127.0.0.1:${port}`, ...extra];
  const child = spawn(process.execPath, args, { cwd: REPO, env: { ...process.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (out = (out + d).slice(-400_000)));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (out = (out + d).slice(-400_000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = (): Promise<boolean> =>
    new Promise((resolve) => {
      const req = httpsRequest({ host: '127.0.0.1', port, path: '/health/readiness', method: 'GET', rejectUnauthorized: false, timeout: 2000 }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on('error', () => resolve(false));
      req.on('timeout', () => req.destroy());
      req.end();
    });
  const proc: ServeProcess = {
    port,
    child,
    output: () => out,
    ready,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
  try {
    await eventually(
      `kyverno serve on port ${port} to be ready`,
      async () => {
        if (child.exitCode !== null) throw new Error(`kyverno serve exited with ${child.exitCode}:\n${out}`);
        return (await ready()) ? true : undefined;
      },
      timeoutMs,
      250,
    );
  } catch (err) {
    await proc.stop('SIGKILL');
    throw err;
  }
  return proc;
}
