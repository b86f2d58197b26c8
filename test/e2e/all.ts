/**
 * The e2e entry (`npm run e2e` = `node --import tsx --test test/e2e/all.ts`): starts a real control
 * plane on loopback (scripts/control-plane), runs every `*.e2e.ts` suite under test/e2e against it,
 * and tears it down: its data directory is removed when every test passed and kept (with the logs)
 * otherwise. The runner's closing summary is what CI reads.
 *
 * Environment:
 *   E2E_ONLY=<a,b,...>          run only the suites whose path contains one of these substrings
 *   E2E_BUILD_BUDGET=<seconds>  how long a cold build of the binaries may take (default 5400)
 *   E2E_KEEP=1                  keep the data directory even when everything passed
 */
import { after, afterEach, before } from 'node:test';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { ALL_COMPONENTS, resolveBinaries } from '../../scripts/control-plane/binaries.ts';
import { startControlPlane, type ControlPlane } from '../../scripts/control-plane/control-plane.ts';
import { setCluster } from './cluster.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..', '..');
const budget = Number(process.env.E2E_BUILD_BUDGET ?? 5400);

let cp: ControlPlane | undefined;
let failed = false;

before(
  async () => {
    // Every binary the suites use (chainsaw and kubectl too) is built here, once, within the budget.
    await resolveBinaries({ components: ALL_COMPONENTS, budgetSeconds: budget });
    cp = await startControlPlane({ buildBudgetSeconds: budget });
    setCluster(cp);
    console.log(
      `control plane: kube-apiserver ${cp.version.gitVersion} (${cp.version.goVersion}), etcd ${cp.binaries.versions.etcd}, ` +
        `at ${cp.server}, ready in ${cp.startupMs} ms; KUBECONFIG=${cp.kubeconfigFile}`,
    );
  },
  { timeout: (budget + 300) * 1000 },
);

afterEach((t) => {
  if ('passed' in t && !t.passed) failed = true;
});

after(async () => {
  setCluster(undefined);
  await cp?.stop({ keepData: failed || process.env.E2E_KEEP === '1' });
});

const only = process.env.E2E_ONLY?.split(',').filter((s) => s !== '');
for (const name of readdirSync(here).sort()) {
  if (!name.endsWith('.e2e.ts')) continue;
  const file = join(here, name);
  if (only && !only.some((o) => relative(root, file).includes(o))) continue;
  await import(pathToFileURL(file).href);
}
