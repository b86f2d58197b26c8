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
 *   E2E_FAKE_NODE=1             run pods (kube-scheduler + kwok's fake Node) even when no selected suite asks
 *
 * Pods are scheduled and marked Running (kube-scheduler, and kwok playing the kubelet of a fake Node;
 * no container runs) only when a selected suite needs it: today the chainsaw controllers conformance
 * (E2E_CHAINSAW_CONTROLLERS). The default run neither builds nor starts them.
 */
import { after, afterEach, before } from 'node:test';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { ALL_COMPONENTS, POD_COMPONENTS, resolveBinaries } from '../../scripts/control-plane/binaries.ts';
import { startControlPlane, type ControlPlane } from '../../scripts/control-plane/control-plane.ts';
import { setCluster } from './cluster.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..', '..');
const budget = Number(process.env.E2E_BUILD_BUDGET ?? 5400);
const only = process.env.E2E_ONLY?.split(',').filter((s) => s !== '');
const selected = (file: string): boolean => !only || only.some((o) => relative(root, file).includes(o));
// the suites that need pods Running, when selected and opted in (`kubectl exec` too: kwok runs the
// command on this machine, see scripts/control-plane/kwok.ts)
const fakeNode =
  process.env.E2E_FAKE_NODE === '1' || (selected(join(here, 'controllers-chainsaw.e2e.ts')) && process.env.E2E_CHAINSAW_CONTROLLERS !== undefined)
    ? { exec: true }
    : undefined;

let cp: ControlPlane | undefined;
let failed = false;

before(
  async () => {
    // Every binary the suites use (chainsaw and kubectl too) is built here, once, within the budget.
    await resolveBinaries({ components: fakeNode ? [...ALL_COMPONENTS, ...POD_COMPONENTS] : ALL_COMPONENTS, budgetSeconds: budget });
    cp = await startControlPlane({ buildBudgetSeconds: budget, ...(fakeNode ? { fakeNode } : {}) });
    setCluster(cp);
    console.log(
      `control plane: kube-apiserver ${cp.version.gitVersion} (${cp.version.goVersion}), etcd ${cp.binaries.versions.etcd}, ` +
        `at ${cp.server}, ready in ${cp.startupMs} ms; KUBECONFIG=${cp.kubeconfigFile}` +
        (cp.nodeName ? `; pods run on Node ${cp.nodeName} (kwok ${cp.binaries.versions.kwok} plays its kubelet)` : ''),
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

for (const name of readdirSync(here).sort()) {
  if (!name.endsWith('.e2e.ts')) continue;
  const file = join(here, name);
  if (!selected(file)) continue;
  await import(pathToFileURL(file).href);
}
