/**
 * Bundles the `kyverno` command line (src/cli/main.ts and every dependency) into one CommonJS file with
 * esbuild: the file the container image runs and the input of the single executable (scripts/sea.ts).
 * It needs nothing but `node` (>= 20) next to it: no node_modules, no policy or data files.
 *
 * ```ts
 * const { outfile, bytes } = await buildBundle({ outfile: '/tmp/k/kyverno.cjs' });
 * // node /tmp/k/kyverno.cjs test policies/pod-security  ->  same output as `npx kyverno test ...`
 * ```
 *
 * Usage: node --import tsx scripts/bundle.ts [--outfile PATH] [--no-minify]   (default dist-bundle/kyverno.cjs)
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Where `npm run build:bundle` writes the bundle. */
export const DEFAULT_BUNDLE = join(repoRoot, 'dist-bundle', 'kyverno.cjs');

/** The CLI's entry module. */
export const CLI_ENTRY = join(repoRoot, 'src', 'cli', 'main.ts');

/** Bundling failed; `code` is stable. */
export class BundleError extends Error {
  readonly code: 'BUNDLE_ENTRY_CHANGED' | 'BUNDLE_FAILED';
  constructor(code: BundleError['code'], message: string) {
    super(message);
    this.name = 'BundleError';
    this.code = code;
  }
}

/**
 * src/cli/main.ts runs itself when `process.argv[1]` looks like `main.ts` or `kyverno`. Inside the bundle
 * that guess is wrong both ways (the file is `kyverno.cjs`; the single executable's argv[1] is the
 * binary `kyverno`), so the bundle turns the guess off and its own entry calls `main()` exactly once.
 */
const AUTO_RUN = /^const isMain = .*$/m;

function cliEntryPlugin(): Plugin {
  return {
    name: 'kyverno-cli-entry',
    setup(b) {
      b.onLoad({ filter: /[\\/]src[\\/]cli[\\/]main\.ts$/ }, (args) => {
        const text = readFileSync(args.path, 'utf8');
        if (!AUTO_RUN.test(text)) {
          throw new BundleError('BUNDLE_ENTRY_CHANGED', `${args.path}: the "const isMain = ..." line that scripts/bundle.ts turns off is gone; update the bundle's entry handling`);
        }
        return { contents: text.replace(AUTO_RUN, 'const isMain = false; // turned off by scripts/bundle.ts: the bundle entry runs main()'), loader: 'ts' };
      });
    },
  };
}

/**
 * `import.meta.url` has no meaning in CommonJS (esbuild would leave it undefined, and a module reading it
 * at load time would crash every command). In the bundle it is the bundle file's own URL, so
 * `new URL('./x', import.meta.url)` names a file next to the bundle.
 */
const BUNDLE_URL = '__kyvernoBundleUrl';
const BANNER = `#!/usr/bin/env node\nvar ${BUNDLE_URL} = require('node:url').pathToFileURL(__filename).href;`;

/** The bundle's entry: run the CLI with the process arguments and exit with its code (or, in a worker thread, the evaluation worker). */
const ENTRY = `
import { isMainThread, workerData } from 'node:worker_threads';
import { main } from './src/cli/main.ts';
import { EVALUATION_WORKER_ENTRY } from './src/server/workers/pool.ts';
if (!isMainThread && workerData && workerData.entry === EVALUATION_WORKER_ENTRY) {
  // the bundle loaded as an evaluation worker of \`kyverno serve --workers N\`
  import('./src/server/workers/worker.ts').then((m) => m.runEvaluationWorker());
} else {
  main(process.argv).then(
    (code) => { process.exitCode = code; },
    (err) => { process.stderr.write('Error: ' + String(err) + '\\n'); process.exitCode = 1; },
  );
}
`;

export interface BundleOptions {
  /** default DEFAULT_BUNDLE */
  outfile?: string;
  /** default true */
  minify?: boolean;
}

/** Builds the bundle; returns its path, size and esbuild's warnings. Throws BundleError with esbuild's messages on failure. */
export async function buildBundle(opts: BundleOptions = {}): Promise<{ outfile: string; bytes: number; warnings: string[] }> {
  const outfile = opts.outfile ?? DEFAULT_BUNDLE;
  let warnings: string[];
  try {
    const result = await build({
      stdin: { contents: ENTRY, resolveDir: repoRoot, sourcefile: 'kyverno-bundle-entry.ts', loader: 'ts' },
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      minify: opts.minify ?? true,
      // keep class and function names: error messages and `instanceof` checks print them
      keepNames: true,
      legalComments: 'none',
      banner: { js: BANNER },
      // import.meta.resolve is only used when running from TypeScript sources (worker threads under tsx)
      define: { 'import.meta.url': BUNDLE_URL, 'import.meta.resolve': 'undefined' },
      logLevel: 'silent',
      plugins: [cliEntryPlugin()],
    });
    warnings = result.warnings.map((w) => (w.location ? `${w.location.file}:${w.location.line}: ${w.text}` : w.text));
  } catch (err) {
    if (err instanceof BundleError) throw err;
    const e = err as { errors?: Array<{ text: string; location?: { file: string; line: number } | null }>; message?: string };
    const lines = (e.errors ?? []).map((x) => (x.location ? `${x.location.file}:${x.location.line}: ${x.text}` : x.text));
    throw new BundleError('BUNDLE_FAILED', lines.length > 0 ? lines.join('\n') : String(e.message ?? err));
  }
  return { outfile, bytes: statSync(outfile).size, warnings };
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--outfile');
  const outfile = at >= 0 ? args[at + 1] : undefined;
  buildBundle({ outfile, minify: !args.includes('--no-minify') }).then(
    (r) => {
      for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`);
      process.stdout.write(`${r.outfile} (${(r.bytes / 1024).toFixed(0)} KiB)\n`);
    },
    (err: unknown) => {
      process.stderr.write(`${(err as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
