/**
 * The single-file CLI bundle (scripts/bundle.ts) that the container image copies: built the way the
 * Dockerfile's build stage builds it (from the build context .dockerignore lets through, with the
 * project's node_modules standing in for `npm ci`), then run alone, from an empty folder with nothing
 * else installed, on shared `kyverno test` suites and an `apply`: output and exit code must be those of
 * `node --import tsx src/cli/main.ts` (what `npx kyverno` runs).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { copyContext, copySources, parseDockerfile, parseDockerignore, stages } from './dockerfile.ts';
import { runFromSources, runIsolated, SMOKE_RUNS, type CliRun } from './cli-runs.ts';
import { freePorts } from '../../scripts/control-plane/ports.ts';
import { admissionReview, pod, requireTeamPolicy } from '../server/harness.ts';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

test('packaging: the bundle builds from the Docker build context and runs alone like the sources', () => {
  const dockerfile = parseDockerfile(readFileSync(join(repoRoot, 'Dockerfile'), 'utf8'));
  const ignore = parseDockerignore(readFileSync(join(repoRoot, '.dockerignore'), 'utf8'));
  const build = stages(dockerfile)[0]!;
  const work = mkdtempSync(join(tmpdir(), 'kyverno-bundle-'));
  try {
    // the build context, as the build stage's COPY lines lay it out in its WORKDIR
    const context = join(work, 'context');
    for (const copy of build.filter((i) => i.op === 'COPY')) {
      const srcs = copySources(copy);
      const dest = normalize(copy.args.split(/\s+/).at(-1)!).replace(/\/$/, '');
      for (const src of srcs) {
        assert.ok(dest === '.' || dest === normalize(src), `COPY ${src} ${dest} keeps the path`);
        copyContext(repoRoot, src, context, ignore);
      }
    }
    symlinkSync(join(repoRoot, 'node_modules'), join(context, 'node_modules'), 'dir');
    const outfile = join(work, 'out', 'kyverno.cjs');
    const bundled = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/bundle.ts', '--outfile', outfile], { cwd: context, encoding: 'utf8' });
    assert.equal(bundled.status, 0, bundled.stderr);
    assert.doesNotMatch(bundled.stderr, /warning:/, 'esbuild has no warning (e.g. import.meta left empty)');

    // alone in an empty folder: no node_modules, no sources
    const alone = join(work, 'alone');
    mkdirSync(alone);
    copyFileSync(outfile, join(alone, 'kyverno.cjs'));
    const version = runIsolated(process.execPath, ['kyverno.cjs', 'version'], alone);
    assert.equal(version.status, 0, version.stderr);
    assert.match(version.stdout, /^Version: \d+\.\d+\.\d+\n/);

    const results = SMOKE_RUNS.map((run) => {
      const got = runIsolated(process.execPath, ['kyverno.cjs', ...run.args], alone);
      const want = runFromSources(run.args);
      assert.equal(got.stderr, want.stderr, `${run.label}: stderr`);
      assert.equal(got.stdout, want.stdout, `${run.label}: stdout`);
      assert.equal(got.status, want.status, `${run.label}: exit code`);
      return got;
    });
    // the results themselves, so that two equally broken runs cannot pass
    const [suite, failing, apply] = results as [CliRun, CliRun, CliRun];
    assert.equal(suite.status, 0);
    assert.match(suite.stdout, /Test Summary: [1-9]\d* tests passed and 0 tests failed/);
    assert.equal(failing.status, 1);
    assert.equal(apply.status, 1);
    assert.match(apply.stdout, /pass: [1-9]\d*, fail: [1-9]\d*, warn: 0, error: 0/);
    // nothing was written where it ran
    assert.deepEqual(readdirSync(alone), ['kyverno.cjs']);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test('packaging: the bundle hosts its own evaluation workers (`serve --standalone --workers 1`)', async () => {
  const work = mkdtempSync(join(tmpdir(), 'kyverno-bundle-workers-'));
  try {
    const outfile = join(work, 'kyverno.cjs');
    const bundled = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/bundle.ts', '--outfile', outfile], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(bundled.status, 0, bundled.stderr);
    const policy = join(work, 'policy.yaml');
    writeFileSync(policy, requireTeamPolicy({ message: 'a team label is required' }));
    const [port] = (await freePorts(1)) as [number];
    const child = spawn(process.execPath, [outfile, 'serve', '--standalone', '--insecure-http', '--workers', '1', '--policy', policy, '--listen', `127.0.0.1:${port}`], { cwd: work, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    try {
      const post = (body: string): Promise<{ status: number; body: string }> =>
        new Promise((resolve, reject) => {
          const req = httpRequest({ host: '127.0.0.1', port, path: '/validate/fail', method: 'POST', headers: { 'Content-Type': 'application/json' } }, (res) => {
            let data = '';
            res.setEncoding('utf8').on('data', (d: string) => (data += d));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
          });
          req.on('error', reject);
          req.end(body);
        });
      const review = (labels: Record<string, string>) => JSON.stringify(admissionReview({ object: pod('p', 'default', { metadata: { labels } }) }));
      let denied: { status: number; body: string } | undefined;
      for (let i = 0; i < 100 && denied === undefined; i++) {
        if (child.exitCode !== null) assert.fail(`the server exited: ${stderr}`);
        denied = await post(review({})).catch(() => undefined);
        if (denied === undefined) await new Promise((r) => setTimeout(r, 200));
      }
      assert.equal(denied?.status, 200, stderr);
      assert.match(denied!.body, /"allowed":false/);
      assert.match(denied!.body, /a team label is required/);
      const allowed = await post(review({ team: 'a' }));
      assert.match(allowed.body, /"allowed":true/);
      assert.doesNotMatch(stderr, /evaluation worker failed/);
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
