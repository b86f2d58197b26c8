/**
 * Builds `kyverno` as one self-contained executable: a Node.js 20 single executable application (SEA).
 * Steps: bundle the CLI (scripts/bundle.ts) -> `node --experimental-sea-config` writes the preparation
 * blob -> copy the running `node` binary -> inject the blob with postject (the NODE_SEA_BLOB resource,
 * flipping the SEA fuse). The result (about 100 MB, mostly node itself) needs nothing installed.
 * It is written under the gitignored out/ folder (or --out) and never committed.
 *
 * ```ts
 * const { binary } = await buildSea({ outDir: '/tmp/sea' }); // '/tmp/sea/kyverno'
 * // /tmp/sea/kyverno test policies/pod-security   (the same output as npx kyverno test ...)
 * ```
 *
 * Usage: node --import tsx scripts/sea.ts [--out DIR]   (default out/sea; npm run build:sea)
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBundle } from './bundle.ts';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Default output folder (gitignored). */
export const DEFAULT_SEA_DIR = join(repoRoot, 'out', 'sea');

/** The fuse Node's SEA support looks for (documented in Node's single-executable-applications page). */
export const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

/** A step of the build failed; `code` is stable. */
export class SeaError extends Error {
  readonly code: 'SEA_UNSUPPORTED' | 'SEA_BLOB_FAILED' | 'SEA_INJECT_FAILED' | 'SEA_SMOKE_FAILED';
  constructor(code: SeaError['code'], message: string) {
    super(message);
    this.name = 'SeaError';
    this.code = code;
  }
}

export interface SeaResult {
  binary: string;
  bytes: number;
  /** milliseconds spent per step */
  timings: { bundle: number; blob: number; inject: number };
}

/** Builds the executable `<outDir>/kyverno` with the `node` running this script. */
export async function buildSea(opts: { outDir?: string } = {}): Promise<SeaResult> {
  const outDir = opts.outDir ?? DEFAULT_SEA_DIR;
  const nodeMajor = Number(process.versions.node.split('.')[0]);
  if (nodeMajor < 20) throw new SeaError('SEA_UNSUPPORTED', `single executables need Node 20 or newer, this is ${process.version}`);
  const node = process.execPath;
  if (!readFileSync(node).includes(SEA_FUSE)) throw new SeaError('SEA_UNSUPPORTED', `${node} has no SEA fuse (${SEA_FUSE}); use an official Node build`);
  mkdirSync(outDir, { recursive: true });

  let t = Date.now();
  await buildBundle({ outfile: join(outDir, 'kyverno.cjs') });
  const bundleMs = Date.now() - t;

  t = Date.now();
  const config = { main: 'kyverno.cjs', output: 'sea-prep.blob', disableExperimentalSEAWarning: true, useCodeCache: true, useSnapshot: false };
  writeFileSync(join(outDir, 'sea-config.json'), `${JSON.stringify(config, null, 2)}\n`);
  const prep = spawnSync(node, ['--experimental-sea-config', 'sea-config.json'], { cwd: outDir, encoding: 'utf8' });
  if (prep.status !== 0) throw new SeaError('SEA_BLOB_FAILED', `node --experimental-sea-config failed: ${prep.stderr || prep.error?.message}`);
  const blobMs = Date.now() - t;

  t = Date.now();
  const binary = join(outDir, 'kyverno');
  const tmp = `${binary}.${process.pid}.tmp`;
  copyFileSync(node, tmp);
  chmodSync(tmp, 0o755);
  // postject in a child process: its ELF library prints known-harmless "Can't find string offset for
  // section name '.note...'" warnings on stderr, which are dropped; anything else is passed on
  const cli = join(dirname(createRequire(import.meta.url).resolve('postject')), 'cli.js');
  const inj = spawnSync(node, [cli, tmp, 'NODE_SEA_BLOB', join(outDir, 'sea-prep.blob'), '--sentinel-fuse', SEA_FUSE, '--overwrite'], { encoding: 'utf8' });
  const noise = /^warning: Can't find string offset for section name '\.note[^']*'$/;
  const stderr = (inj.stderr ?? '').split('\n').filter((l) => l.trim() !== '' && !noise.test(l));
  if (inj.status !== 0) {
    rmSync(tmp, { force: true });
    throw new SeaError('SEA_INJECT_FAILED', `postject failed (exit ${inj.status}): ${stderr.join('\n') || inj.error?.message}`);
  }
  if (stderr.length > 0) process.stderr.write(`${stderr.join('\n')}\n`);
  copyFileSync(tmp, binary);
  chmodSync(binary, 0o755);
  rmSync(tmp, { force: true });
  const injectMs = Date.now() - t;

  const smoke = spawnSync(binary, ['version'], { encoding: 'utf8' });
  if (smoke.status !== 0 || !smoke.stdout.startsWith('Version: ')) {
    throw new SeaError('SEA_SMOKE_FAILED', `${binary} version exited ${smoke.status}: ${smoke.stderr}${smoke.stdout}`);
  }
  return { binary, bytes: statSync(binary).size, timings: { bundle: bundleMs, blob: blobMs, inject: injectMs } };
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--out');
  buildSea({ outDir: at >= 0 ? args[at + 1] : undefined }).then(
    (r) => process.stdout.write(`${r.binary} (${(r.bytes / 1024 / 1024).toFixed(0)} MiB; bundle ${r.timings.bundle} ms, blob ${r.timings.blob} ms, inject ${r.timings.inject} ms)\n`),
    (err: unknown) => {
      process.stderr.write(`${(err as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
