/**
 * The single test entry (node's test runner through tsx). It imports every `*.test.ts` under src/ and
 * test/ so that one process runs them all; the runner's closing summary is what CI reads.
 */
import { after, afterEach } from 'node:test';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');

function collect(dir: string, out: string[]): void {
  for (const name of readdirSync(dir).sort()) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) collect(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
}

const files: string[] = [];
collect(join(root, 'src'), files);
collect(join(root, 'test'), files);
const only = process.env.TEST_ONLY;
for (const f of files) {
  if (only && !relative(root, f).includes(only)) continue;
  await import(pathToFileURL(f).href);
}

/**
 * Watchdog: the process should exit by itself once the last test is done. Seen about once in seven runs,
 * something (not yet identified) stayed open and the run never ended although the summary was printed.
 * If the process is still alive 30 s after the last test, this prints what keeps it alive and exits with
 * the run's result (1 when a test failed), so CI reports the leak instead of hanging. The timer is unref'd:
 * it never holds the process open itself.
 */
let failed = false;
afterEach((t) => {
  if ('passed' in t && !(t as { passed: boolean }).passed) failed = true;
});
after(() => {
  setTimeout(() => {
    process.stderr.write(`test/all.ts: the process did not exit 30 s after the last test; still open: ${JSON.stringify(process.getActiveResourcesInfo())}\n`);
    process.exit(failed ? 1 : (process.exitCode ?? 0));
  }, 30_000).unref();
});
