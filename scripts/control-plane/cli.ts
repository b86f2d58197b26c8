/**
 * Manual use of the e2e control plane:
 *
 *   node --import tsx scripts/control-plane/cli.ts up [--keep] [--no-controller-manager] [--fake-node [--exec]] [--budget SECONDS]
 *     starts etcd + kube-apiserver (+ kube-controller-manager), prints `export KUBECONFIG=...` and the
 *     binaries' paths, and runs until SIGINT/SIGTERM, then stops everything (data kept with --keep).
 *     --fake-node adds kube-scheduler and kwok with a Node whose pods become Running (kwok plays its
 *     kubelet, no container runs); --exec lets `kubectl exec` into them run the command on this machine.
 *   node --import tsx scripts/control-plane/cli.ts build [--budget SECONDS]
 *     builds (or finds cached) every binary, like scripts/control-plane/build.sh.
 */
import { join } from 'node:path';

import { ALL_COMPONENTS, linkBinaries, resolveBinaries } from './binaries.ts';
import { startControlPlane } from './control-plane.ts';

function flag(args: string[], name: string): boolean {
  return args.includes(name);
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  const budget = option(args, '--budget');
  const budgetSeconds = budget === undefined ? undefined : Number(budget);
  if (command === 'build') {
    const t0 = Date.now();
    const bins = await resolveBinaries({ components: ALL_COMPONENTS, ...(budgetSeconds !== undefined ? { budgetSeconds } : {}) });
    for (const [name, path] of Object.entries(bins.paths)) console.log(`${name}\t${path}`);
    console.log(`ready in ${Date.now() - t0} ms`);
    return 0;
  }
  if (command === 'up') {
    const cp = await startControlPlane({
      controllerManager: !flag(args, '--no-controller-manager'),
      ...(flag(args, '--fake-node') ? { fakeNode: { exec: flag(args, '--exec') } } : {}),
      ...(budgetSeconds !== undefined ? { buildBudgetSeconds: budgetSeconds } : {}),
    });
    const bins = await resolveBinaries({ components: ['kubectl', 'chainsaw'] });
    console.log(`# kube-apiserver ${cp.version.gitVersion} at ${cp.server}, ready in ${cp.startupMs} ms; data in ${cp.dataDir}`);
    console.log(`export KUBECONFIG=${cp.kubeconfigFile}`);
    const binDir = linkBinaries(join(cp.dataDir, 'bin'), { ...bins, paths: { ...cp.binaries.paths, ...bins.paths } });
    console.log(`export PATH=${binDir}:$PATH  # kubectl, chainsaw and the control plane's binaries`);
    console.log('# Ctrl-C stops the control plane');
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await cp.stop({ keepData: flag(args, '--keep') });
    return 0;
  }
  console.error('usage: cli.ts up [--keep] [--no-controller-manager] [--fake-node [--exec]] [--budget SECONDS] | build [--budget SECONDS]');
  return 2;
}

process.exitCode = await main(process.argv.slice(2));
