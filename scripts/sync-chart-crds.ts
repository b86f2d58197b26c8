/**
 * Copies into the Helm chart (charts/kyverno) what the chart ships but the repository generates or
 * owns elsewhere, byte for byte, so the two never drift:
 *
 *   config/crds/<file>.yaml                               -> charts/kyverno/crds/<file>.yaml
 *   policies/pod-security/<level>/<name>/<name>.yaml      -> charts/kyverno/policies/pod-security/<level>/<name>.yaml
 *   policies/best-practices/<name>/<name>.yaml            -> charts/kyverno/policies/best-practices/<name>.yaml
 *
 * Stale copies (a CRD or policy removed at the source) are deleted. The copies are committed;
 * test/packaging/chart-sync.test.ts fails when they differ from their sources.
 *
 * Usage: node --import tsx scripts/sync-chart-crds.ts [--check]
 *   --check  write nothing; list every difference and exit 1 when there is one
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The chart folder. */
export const CHART_DIR = join(repoRoot, 'charts', 'kyverno');

/** One file the chart carries: where it comes from and where it goes (absolute paths). */
export interface SyncEntry {
  source: string;
  target: string;
}

function subdirs(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((e) => !e.startsWith('.') && statSync(join(dir, e)).isDirectory())
    .sort();
}

/** Policy folders `<name>/<name>.yaml` under `dir`, copied flat into `targetDir`. */
function policyEntries(dir: string, targetDir: string): SyncEntry[] {
  return subdirs(dir)
    .filter((name) => existsSync(join(dir, name, `${name}.yaml`)))
    .map((name) => ({ source: join(dir, name, `${name}.yaml`), target: join(targetDir, `${name}.yaml`) }));
}

/** Folders of the chart that hold nothing but synced copies. */
export const SYNCED_DIRS = [join(CHART_DIR, 'crds'), join(CHART_DIR, 'policies')];

/** Every file the chart must carry, computed from the sources. */
export function syncPlan(): SyncEntry[] {
  const crdDir = join(repoRoot, 'config', 'crds');
  const crds = readdirSync(crdDir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => ({ source: join(crdDir, f), target: join(CHART_DIR, 'crds', f) }));
  const pss = join(repoRoot, 'policies', 'pod-security');
  const levels = subdirs(pss).flatMap((level) => policyEntries(join(pss, level), join(CHART_DIR, 'policies', 'pod-security', level)));
  const other = policyEntries(join(repoRoot, 'policies', 'best-practices'), join(CHART_DIR, 'policies', 'best-practices'));
  return [...crds, ...levels, ...other];
}

function filesUnder(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) filesUnder(p, out);
    else out.push(p);
  }
  return out;
}

/** Differences between the chart and its sources, one line each (`missing`, `differs`, `stale`); [] when in sync. */
export function syncDifferences(plan: readonly SyncEntry[] = syncPlan()): string[] {
  const out: string[] = [];
  const wanted = new Set(plan.map((e) => e.target));
  for (const e of plan) {
    const rel = relative(repoRoot, e.target);
    if (!existsSync(e.target)) out.push(`missing: ${rel} (from ${relative(repoRoot, e.source)})`);
    else if (!readFileSync(e.target).equals(readFileSync(e.source))) out.push(`differs: ${rel} (from ${relative(repoRoot, e.source)})`);
  }
  for (const dir of SYNCED_DIRS) {
    for (const f of filesUnder(dir)) if (!wanted.has(f)) out.push(`stale: ${relative(repoRoot, f)}`);
  }
  return out;
}

/** Brings the chart in line with its sources; returns what changed. */
export function syncChart(): string[] {
  const plan = syncPlan();
  const changes = syncDifferences(plan);
  const wanted = new Set(plan.map((e) => e.target));
  for (const dir of SYNCED_DIRS) for (const f of filesUnder(dir)) if (!wanted.has(f)) rmSync(f);
  for (const e of plan) {
    const data = readFileSync(e.source);
    if (existsSync(e.target) && readFileSync(e.target).equals(data)) continue;
    mkdirSync(dirname(e.target), { recursive: true });
    writeFileSync(e.target, data);
  }
  return changes;
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  if (process.argv.includes('--check')) {
    const diffs = syncDifferences();
    for (const d of diffs) process.stdout.write(`${d}\n`);
    if (diffs.length > 0) {
      process.stdout.write('charts/kyverno is out of date: run node --import tsx scripts/sync-chart-crds.ts\n');
      process.exitCode = 1;
    }
  } else {
    const changes = syncChart();
    process.stdout.write(changes.length === 0 ? 'charts/kyverno is up to date\n' : `${changes.join('\n')}\n${changes.length} file(s) updated\n`);
  }
}
