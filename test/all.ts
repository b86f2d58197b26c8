/**
 * The single test entry (node's test runner through tsx). It imports every `*.test.ts` under src/ and
 * test/ so that one process runs them all; the runner's closing summary is what CI reads.
 */
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
