/**
 * The single executable (scripts/sea.ts): built, then run from an empty folder on the same command
 * lines as the bundle test; `kyverno test` on a shared suite (and apply) must give the output and exit
 * code of the TypeScript sources (`npx kyverno`).
 *
 * Skipped in the default test run: building it copies the 97 MiB node binary and injects the blob with
 * postject, about 35 s on the 2-core machine (most of it in postject), and writes ~200 MiB to disk.
 * `npm run test:sea` (KYVERNO_TEST_SEA=1) runs it; `npm run build:sea` builds out/sea/kyverno.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSea } from '../../scripts/sea.ts';
import { runFromSources, runIsolated, SMOKE_RUNS } from './cli-runs.ts';

const enabled = process.env['KYVERNO_TEST_SEA'] === '1';
const skip = enabled ? false : 'builds a 97 MiB executable (~35 s, mostly postject); run with npm run test:sea (KYVERNO_TEST_SEA=1)';

test('packaging: the single executable runs kyverno test and apply like the sources', { skip, timeout: 600_000 }, async () => {
  const work = mkdtempSync(join(tmpdir(), 'kyverno-sea-'));
  try {
    const { binary, bytes } = await buildSea({ outDir: join(work, 'build') });
    assert.ok(bytes > 10 * 1024 * 1024, 'node itself is inside');
    const alone = join(work, 'alone');
    mkdirSync(alone);
    const version = runIsolated(binary, ['version'], alone);
    assert.equal(version.status, 0, version.stderr);
    assert.match(version.stdout, /^Version: \d+\.\d+\.\d+\n/);
    assert.equal(version.stderr, '', 'no experimental-feature warning');
    const results = SMOKE_RUNS.map((run) => {
      const got = runIsolated(binary, run.args, alone);
      const want = runFromSources(run.args);
      assert.equal(got.stderr, want.stderr, `${run.label}: stderr`);
      assert.equal(got.stdout, want.stdout, `${run.label}: stdout`);
      assert.equal(got.status, want.status, `${run.label}: exit code`);
      return got;
    });
    assert.match(results[0]!.stdout, /Test Summary: [1-9]\d* tests passed and 0 tests failed/);
    assert.deepEqual(readdirSync(alone), [], 'nothing written where it ran');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
