/**
 * Writes `config/crds/<group>_<plural>.yaml` for every CRD in src/k8s/crds (and removes stale files
 * there). The files are committed; src/k8s/crds/crds.test.ts fails when they drift from the sources.
 *
 * Usage: node --import tsx scripts/gen-crds.ts [--check] [--compare DIR...]
 *   --check        write nothing; exit 1 when a file differs, is missing or is stale
 *   --compare DIR  write nothing; compare names, versions, printer columns and schemas (descriptions
 *                  ignored) with the CRD YAML files found under DIR (e.g. a Kyverno checkout's
 *                  config/crds, or openreports/reports-api's config/crd) and exit 1 on a difference:
 *                  the check to run when moving to a new Kyverno release
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { allCrds } from '../src/k8s/crds/crds.ts';
import { crdFileName, renderCrdYaml } from '../src/k8s/crds/render.ts';

const OUT = join(fileURLToPath(import.meta.url), '../../config/crds');
const args = process.argv.slice(2);
const check = args.includes('--check');
const compareDirs = args.flatMap((a, i) => (args[i - 1] === '--compare' ? [a] : []));

/** Copy without `description` keys. */
function stripDescriptions(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripDescriptions);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (k !== 'description') out[k] = stripDescriptions(x);
  return out;
}

/** Differences between two JSON values, as `path: ours vs theirs` lines. */
function diff(a: unknown, b: unknown, path: string, out: string[]): void {
  if (JSON.stringify(a) === JSON.stringify(b)) return;
  const isObj = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x);
  if (isObj(a) && isObj(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) diff(a[k], b[k], `${path}.${k}`, out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.some(isObj)) {
    a.forEach((x, i) => diff(x, b[i], `${path}[${i}]`, out));
    return;
  }
  out.push(`${path}: ours ${JSON.stringify(a) ?? 'absent'} vs theirs ${JSON.stringify(b) ?? 'absent'}`);
}

function compare(dirs: readonly string[]): number {
  const theirs = new Map<string, Record<string, any>>();
  const visit = (p: string): void => {
    if (statSync(p).isDirectory()) {
      for (const e of readdirSync(p)) visit(join(p, e));
      return;
    }
    if (!/\.ya?ml$/.test(p)) return;
    for (const d of parseAllDocuments(readFileSync(p, 'utf8'))) {
      const v = d.toJS() as Record<string, any> | null;
      if (v?.['kind'] === 'CustomResourceDefinition') theirs.set(v['metadata']['name'], v);
    }
  };
  dirs.forEach(visit);
  let problems = 0;
  for (const crd of allCrds()) {
    const t = theirs.get(crd.metadata.name);
    if (!t) continue;
    const out: string[] = [];
    diff(stripDescriptions(crd.spec), stripDescriptions(t['spec']), 'spec', out);
    for (const line of out) console.error(`${crd.metadata.name}: ${line}`);
    problems += out.length;
    console.log(`${crd.metadata.name}: ${out.length === 0 ? 'same' : `${out.length} difference(s)`}`);
  }
  return problems;
}

if (compareDirs.length > 0) process.exit(compare(compareDirs) > 0 ? 1 : 0);

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
