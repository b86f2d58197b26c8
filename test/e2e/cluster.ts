/**
 * The control plane shared by every e2e suite of one `npm run e2e` run: test/e2e/all.ts starts it in
 * a root `before` hook; suites read it with cluster() / kubeConfig() inside their tests.
 *
 * Example: `const core = kubeConfig().makeApiClient(CoreV1Api);`
 */
import { KubeConfig } from '@kubernetes/client-node';

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
