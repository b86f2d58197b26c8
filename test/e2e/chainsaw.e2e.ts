/**
 * Chainsaw (Kyverno's declarative e2e runner, built from its Go module by build.sh) runs against
 * the control plane: the chainsaw tests under test/e2e/chainsaw, with the built kubectl on PATH for
 * script steps. Kyverno's own conformance suites will run the same way once the product serves them.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { linkBinaries, resolveBinaries } from '../../scripts/control-plane/binaries.ts';
import { freePorts } from '../../scripts/control-plane/ports.ts';
import { runHelm } from '../../scripts/helm.ts';
import { cluster, kubectl, REPO, startServe, type ServeProcess } from './cluster.ts';
import { apiFor, installKyverno, MWC, VWC } from './controllers-harness.ts';

import { loadAll } from 'js-yaml';

const TESTS_DIR = fileURLToPath(new URL('./chainsaw', import.meta.url));
const TEST_COUNT = readdirSync(TESTS_DIR).filter((d) => existsSync(join(TESTS_DIR, d, 'chainsaw-test.yaml'))).length;

function run(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

describe('chainsaw', () => {
  test('runs the chainsaw tests in test/e2e/chainsaw against the control plane', { timeout: 30 * 60_000 }, async (t) => {
    const cp = cluster();
    const bins = await resolveBinaries({ components: ['chainsaw', 'kubectl'] });
    const dir = mkdtempSync(join(tmpdir(), 'kyverno-ts-e2e-chainsaw-'));
    try {
      const binDir = linkBinaries(join(dir, 'bin'), bins);
      const env = { ...process.env, KUBECONFIG: cp.kubeconfigFile, PATH: `${binDir}:${process.env.PATH ?? ''}` };

      const version = await run('chainsaw', ['version'], env);
      assert.equal(version.code, 0, version.output);
      assert.match(version.output, new RegExp(`Version: ${bins.versions.chainsaw.replace(/\./g, '\\.')}`));
      const kubectl = await run('kubectl', ['version', '-o', 'json'], env);
      assert.equal(kubectl.code, 0, kubectl.output);
      const kv = JSON.parse(kubectl.output) as { clientVersion: { gitVersion: string }; serverVersion: { gitVersion: string } };
      assert.equal(kv.clientVersion.gitVersion, bins.versions.kubernetes);
      assert.equal(kv.serverVersion.gitVersion, cp.version.gitVersion);

      const result = await run('chainsaw', ['test', '--test-dir', TESTS_DIR, '--no-color', '--parallel', '2'], env);
      t.diagnostic(result.output.split('\n').filter((l) => /^(- (Passed|Failed|Skipped)\s+tests|Version:)/.test(l.trim())).join('; '));
      assert.equal(result.code, 0, result.output);
      assert.match(result.output, new RegExp(`- Passed {2}tests ${TEST_COUNT}\\n`));
      assert.match(result.output, /- Failed {2}tests 0\n/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * Kyverno's own chainsaw conformance tests (read from ../shared/conformance/kyverno-chainsaw, never
 * copied) against the product: `kyverno serve` out of the cluster (webhooks by URL) with policy
 * exceptions enabled for every namespace, as Kyverno's CI installs it, plus `kyverno controllers`
 * (reports, background) for the steps that read reports or UpdateRequests. The `kyverno` ConfigMap is
 * the chart's. Pods never run (no kubelet): steps that wait for running pods fail.
 *
 * Opt-in (it takes a long while): E2E_CHAINSAW_CONFORMANCE=1 runs the six admission folders, or a
 * comma-separated list of folders. Each folder's pass/fail counts are printed; the test fails when a
 * folder passes fewer tests than its recorded floor (a regression) or chainsaw prints no summary.
 */
const CONFORMANCE_DIR = join(REPO, '..', 'shared', 'conformance', 'kyverno-chainsaw');
const DEFAULT_FOLDERS = ['validate', 'mutate', 'webhooks', 'autogen', 'policy-validation', 'exceptions'];
/**
 * Passes measured on this product (2 shared cores, 2026-11-27: validate 76/99, mutate 32/44, webhooks
 * 17/17, autogen 11/12, policy-validation 9/10, exceptions 15/16), less a margin for timing under load;
 * a folder must not pass fewer.
 */
const FLOORS: Record<string, number> = { validate: 70, mutate: 28, webhooks: 15, autogen: 10, 'policy-validation': 8, exceptions: 13 };
const wanted = process.env['E2E_CHAINSAW_CONFORMANCE'];

describe('chainsaw conformance (Kyverno test/conformance/chainsaw)', () => {
  test(
    'runs Kyverno\'s chainsaw tests of the admission folders against kyverno serve + kyverno controllers',
    {
      timeout: 150 * 60_000,
      skip: wanted ? false : 'opt-in: set E2E_CHAINSAW_CONFORMANCE=1 (or a list of folders); the six admission folders take tens of minutes on 2 cores',
    },
    async (t) => {
      const folders = wanted === '1' || wanted === 'true' ? DEFAULT_FOLDERS : (wanted ?? '').split(',').filter((f) => f !== '');
      for (const f of folders) assert.ok(existsSync(join(CONFORMANCE_DIR, f)), `${f} exists under ${CONFORMANCE_DIR}`);
      const cp = cluster();
      const api = await apiFor(cp.kubeconfigFile);
      const chart = runHelm(['template', 'kyverno', 'charts/kyverno', '--namespace', 'kyverno', '--show-only', 'templates/configmap.yaml']);
      assert.equal(chart.status, 0, chart.stderr);
      const cm = (loadAll(chart.stdout) as Array<{ kind?: string; data?: Record<string, string> }>).find((d) => d?.kind === 'ConfigMap');
      await installKyverno(api, cm?.data ?? {});
      const [port] = (await freePorts(1)) as [number];
      let serve: ServeProcess | undefined;
      const controllers = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'src', 'cli', 'main.ts'), 'controllers', '--kubeconfig', cp.kubeconfigFile, '--controllers', 'reports,background', '--enablePolicyException', '--exceptionNamespace', '*', '--leaderElection=false', '--watchdog=false'], { cwd: REPO, stdio: ['ignore', 'ignore', 'ignore'] });
      const dir = mkdtempSync(join(tmpdir(), 'kyverno-ts-e2e-conformance-'));
      const summary: string[] = [];
      try {
        serve = await startServe(port, ['--enablePolicyException', '--exceptionNamespace', '*']);
        const bins = await resolveBinaries({ components: ['chainsaw', 'kubectl'] });
        const binDir = linkBinaries(join(dir, 'bin'), bins);
        const env = { ...process.env, KUBECONFIG: cp.kubeconfigFile, PATH: `${binDir}:${process.env.PATH ?? ''}` };
        const failures: string[] = [];
        for (const folder of folders) {
          // a test that expected a policy to be rejected leaves it behind when it was admitted: each folder
          // starts without policies so that one folder's leftovers do not change the next one's webhooks
          await kubectl(['delete', 'clusterpolicies,policies.kyverno.io,policyexceptions.kyverno.io', '--all', '--all-namespaces', '--wait=false']);
          const started = Date.now();
          const result = await run(
            'chainsaw',
            ['test', '--test-dir', join(CONFORMANCE_DIR, folder), '--no-color', '--quiet', '--full-name', '--fast-namespace-deletion', '--parallel', '4', '--apply-timeout', '10s', '--assert-timeout', '30s', '--error-timeout', '30s', '--delete-timeout', '15s', '--cleanup-timeout', '30s', '--exec-timeout', '10s'],
            env,
          );
          const passed = /- Passed\s+tests (\d+)/.exec(result.output)?.[1];
          const failed = /- Failed\s+tests (\d+)/.exec(result.output)?.[1];
          const skipped = /- Skipped\s+tests (\d+)/.exec(result.output)?.[1] ?? '0';
          assert.ok(passed !== undefined && failed !== undefined, `chainsaw printed a summary for ${folder}:\n${result.output.slice(-3000)}`);
          const line = `${folder}: ${passed} passed, ${failed} failed, ${skipped} skipped (${Math.round((Date.now() - started) / 1000)} s)`;
          summary.push(line);
          t.diagnostic(line);
          console.log(line);
          const failedNames = [...result.output.matchAll(/^\s*(?:---|-)\s*FAIL:?\s*(\S+)/gm)].map((m) => m[1]);
          if (failedNames.length > 0) console.log(`  failed in ${folder}: ${failedNames.slice(0, 200).join(' ')}`);
          const floor = FLOORS[folder];
          if (floor !== undefined && Number(passed) < floor) failures.push(`${folder}: ${passed} passed < floor ${floor}`);
        }
        assert.deepEqual(failures, []);
      } finally {
        await serve?.stop();
        controllers.kill('SIGTERM');
        for (const res of [VWC, MWC]) {
          const list = await api.list(res, { labelSelector: 'webhook.kyverno.io/managed-by' });
          for (const o of list.items) await api.delete(res, '', String((o['metadata'] as { name: string }).name));
        }
        api.close();
        rmSync(dir, { recursive: true, force: true });
        console.log(`chainsaw conformance summary:\n${summary.join('\n')}`);
      }
    },
  );
});
