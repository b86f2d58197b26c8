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
import { cluster } from './cluster.ts';

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
