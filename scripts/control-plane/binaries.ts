/**
 * Locates (building on first use) the upstream binaries of the e2e control plane through
 * scripts/control-plane/build.sh, which caches them by version outside the repository.
 *
 * Example: `const bins = await resolveBinaries({ budgetSeconds: 3600 }); bins.paths['kube-apiserver']`
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The binaries build.sh knows. */
export type Component = 'etcd' | 'kube-apiserver' | 'kube-controller-manager' | 'kubectl' | 'chainsaw' | 'kube-scheduler' | 'kwok';

/** What every e2e run needs (build.sh's default set). */
export const ALL_COMPONENTS: readonly Component[] = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kubectl', 'chainsaw'];

/**
 * Optional: what runs pods on a fake Node (kube-scheduler binds them, kwok plays the Node's kubelet and
 * marks them Running; no container runs). Built only when a suite asks for pods (see control-plane.ts).
 */
export const POD_COMPONENTS: readonly Component[] = ['kube-scheduler', 'kwok'];

export interface Binaries {
  /** Absolute path of each requested component's cached binary. */
  paths: Partial<Record<Component, string>>;
  /** Versions pinned by e2e/tools/*\/go.mod, e.g. `{ kubernetes: 'v1.36.5', etcd: 'v3.6.8', chainsaw: 'v0.2.15', kwok: 'v0.8.0' }`. */
  versions: { kubernetes: string; etcd: string; chainsaw: string; kwok: string };
}

export interface ResolveOptions {
  components?: readonly Component[];
  /** Give up building after this many seconds (build.sh exits 124 with "blocked: ..."). */
  budgetSeconds?: number;
  /** Only look in the cache; fail instead of building. */
  cachedOnly?: boolean;
}

/** build.sh failed or was blocked; `code` is stable, the message holds build.sh's "blocked:" lines. */
export class BuildError extends Error {
  readonly code: 'BUILD_BLOCKED' | 'BUILD_BUDGET_EXCEEDED' | 'BUILD_NOT_CACHED';
  constructor(code: BuildError['code'], message: string) {
    super(message);
    this.name = 'BuildError';
    this.code = code;
  }
}

/** Path of build.sh. */
export const BUILD_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'build.sh');

/**
 * Runs build.sh (progress on this process's stderr) and returns the binaries' paths. A cached run
 * takes well under a second; a cold one builds with `go build` (tens of minutes on 2 cores).
 */
export async function resolveBinaries(options: ResolveOptions = {}): Promise<Binaries> {
  const components = options.components ?? ALL_COMPONENTS;
  const args = [BUILD_SCRIPT, '--print-env'];
  if (options.cachedOnly) args.push('--check');
  if (options.budgetSeconds !== undefined) args.push('--budget', String(options.budgetSeconds));
  args.push(...components);
  const stderrLines: string[] = [];
  const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve, reject) => {
    const child = spawn('bash', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      process.stderr.write(d);
      stderrLines.push(...d.split('\n').filter((l) => l !== ''));
    });
    child.once('error', reject);
    child.once('close', (c) => resolve({ code: c ?? 1, stdout: out }));
  });
  if (code !== 0) {
    const blocked = stderrLines.filter((l) => !l.startsWith('[control-plane/build]')).join('\n');
    if (code === 124) throw new BuildError('BUILD_BUDGET_EXCEEDED', blocked);
    if (code === 3) throw new BuildError('BUILD_NOT_CACHED', stderrLines.join('\n'));
    throw new BuildError('BUILD_BLOCKED', blocked || `build.sh exited ${code}`);
  }
  const env = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) env.set(line.slice(0, i), line.slice(i + 1));
  }
  const paths: Partial<Record<Component, string>> = {};
  for (const c of components) {
    const p = env.get(c.toUpperCase().replace(/-/g, '_'));
    if (p === undefined) throw new BuildError('BUILD_BLOCKED', `build.sh printed no path for ${c}`);
    paths[c] = p;
  }
  return {
    paths,
    versions: {
      kubernetes: env.get('KUBERNETES_VERSION') ?? '',
      etcd: env.get('ETCD_VERSION') ?? '',
      chainsaw: env.get('CHAINSAW_VERSION') ?? '',
      kwok: env.get('KWOK_VERSION') ?? '',
    },
  };
}

/**
 * Links each resolved binary into `dir` under its plain name (`dir/kubectl` -> `.../kubectl-v1.36.5`),
 * so that `dir` can be put first on PATH (chainsaw's script steps call `kubectl`). Returns `dir`.
 */
export function linkBinaries(dir: string, binaries: Binaries): string {
  mkdirSync(dir, { recursive: true });
  for (const [name, path] of Object.entries(binaries.paths)) {
    const link = join(dir, name);
    rmSync(link, { force: true });
    symlinkSync(path, link);
  }
  return dir;
}
