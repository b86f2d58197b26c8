/**
 * Writes `config/crds/<group>_<plural>.yaml` for every CRD in src/k8s/crds (and removes stale files
 * there). The files are committed; src/k8s/crds/crds.test.ts fails when they drift from the sources.
 *
 * Usage: node --import tsx scripts/gen-crds.ts [--check]
 *   --check  write nothing; exit 1 when a file differs, is missing or is stale
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allCrds } from '../src/k8s/crds/crds.ts';
import { crdFileName, renderCrdYaml } from '../src/k8s/crds/render.ts';

const OUT = join(fileURLToPath(import.meta.url), '../../config/crds');
const check = process.argv.includes('--check');

const wanted = new Map(allCrds().map((c) => [crdFileName(c), renderCrdYaml(c)] as const));
mkdirSync(OUT, { recursive: true });
const existing = readdirSync(OUT).filter((f) => f.endsWith('.yaml'));
let problems = 0;
for (const f of existing) {
  if (wanted.has(f)) continue;
  problems++;
  if (check) console.error(`stale: config/crds/${f}`);
  else rmSync(join(OUT, f));
}
for (const [f, text] of wanted) {
  let current: string | undefined;
  try {
    current = readFileSync(join(OUT, f), 'utf8');
  } catch {
    current = undefined;
  }
  if (current === text) continue;
  problems++;
  if (check) console.error(`${current === undefined ? 'missing' : 'differs'}: config/crds/${f}`);
  else writeFileSync(join(OUT, f), text);
}
if (check && problems > 0) {
  console.error('run: node --import tsx scripts/gen-crds.ts');
  process.exit(1);
}
console.log(`${wanted.size} CRDs${check ? ' up to date' : `, ${problems} file(s) written or removed`} in config/crds`);
