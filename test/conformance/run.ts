/**
 * Conformance runner: runs every `kyverno test` suite under ../shared/conformance/kyverno-* in one process
 * and writes a summary per group (suites green, rows Ok, rows Excluded, rows failed) plus a JSON file.
 *
 *   npm run conformance [-- --filter <substring>] [--json out/conformance.json] [--verbose]
 *
 * A suite is green when every row of it passes. A row is a real pass only with reason `Ok`; `Excluded` rows
 * (no matching rule response, counted as pass by Kyverno) are reported separately. Suites that need a feature
 * of a later issue are listed in skip.ts with the reason; they are still counted, never hidden.
 */
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTestFile, testDir } from '../../src/cli/test/load.ts';
import { judgeResults, type Counts } from '../../src/cli/test/output.ts';
import { runTest } from '../../src/cli/test/run.ts';
import { classifyPolicies, parseDocuments, readSources } from '../../src/k8s/load.ts';
import { stripAnsi } from '../../src/cli/output/table.ts';
import { skipReason } from './skip.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const sharedConformance = join(root, '..', 'shared', 'conformance');

export interface SuiteResult {
  suite: string;
  group: string;
  category: string;
  status: 'green' | 'red' | 'error' | 'skipped';
  rowsOk: number;
  rowsExcluded: number;
  rowsSkippedInvalid: number;
  rowsFailed: number;
  reason?: string;
  failures?: string[];
}

function findSuites(dir: string, out: string[] = []): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) findSuites(p, out);
    else if (e === 'kyverno-test.yaml') out.push(p);
  }
  return out;
}

/** What a suite exercises, from its policies: used to report the classic-validate rate separately. */
export function categorize(testFile: string, policies: string[]): string {
  const dir = dirname(testFile);
  const src = readSources(policies.map((p) => join(dir, p)));
  const docs = parseDocuments(src.files);
  const loaded = classifyPolicies(docs.docs);
  const kinds = new Set<string>();
  for (const p of loaded.celPolicies) kinds.add(String(p['kind']).replace(/^Namespaced/, '').replace(/Binding$/, ''));
  if (kinds.size > 0) return `cel-kinds:${[...kinds].sort().join('+')}`;
  const features = new Set<string>();
  for (const p of loaded.policies) {
    for (const r of p.spec?.rules ?? []) {
      if (r.mutate) features.add('mutate');
      if (r.generate) features.add('generate');
      if (r.verifyImages && r.verifyImages.length > 0) features.add('verifyImages');
      const v = r.validate;
      if (v) {
        if (v.podSecurity) features.add('podSecurity');
        else if (v.cel) features.add('validate.cel');
        else if (v.manifests) features.add('manifests');
        else features.add('validate');
      }
    }
  }
  if (features.size === 0) return 'other';
  const order = ['generate', 'mutate', 'verifyImages', 'manifests', 'validate.cel', 'podSecurity', 'validate'];
  return order.filter((f) => features.has(f)).join('+');
}

/**
 * Suites under kyverno-cli/test-fail must make `kyverno test` exit non-zero: they are green when they fail
 * (rows failed or a load/run error) and red when every row passes.
 */
function expectFailure(r: SuiteResult): SuiteResult {
  if (!r.suite.includes('test-fail/')) return r;
  if (r.status === 'red' || r.status === 'error') {
    return { ...r, status: 'green', reason: `fails as expected: ${r.reason ?? (r.failures ?? []).join('; ')}`.slice(0, 300), failures: undefined };
  }
  if (r.status === 'green') return { ...r, status: 'red', reason: 'expected `kyverno test` to exit non-zero, but every row passed' };
  return r;
}

export function runSuite(testFile: string): SuiteResult {
  const rel = relative(sharedConformance, testFile);
  const group = rel.split('/').slice(0, 2).join('/');
  const suite = dirname(rel);
  const cases = loadTestFile(testFile);
  let category = 'other';
  try {
    category = categorize(testFile, cases.flatMap((c) => c.test?.policies ?? []));
  } catch {
    category = 'unknown';
  }
  const result: SuiteResult = { suite, group, category, status: 'green', rowsOk: 0, rowsExcluded: 0, rowsSkippedInvalid: 0, rowsFailed: 0 };
  const skip = skipReason(suite, category);
  if (skip) {
    result.status = 'skipped';
    result.reason = skip;
    return result;
  }
  const failures: string[] = [];
  for (const tc of cases) {
    if (tc.error) {
      result.status = 'error';
      result.reason = tc.error;
      return expectFailure(result);
    }
    try {
      const responses = runTest(() => undefined, tc);
      const counts: Counts = { pass: 0, fail: 0, skip: 0 };
      const rows = judgeResults(tc.test!.results ?? [], responses, counts, testDir(tc));
      for (const r of rows) {
        const reason = stripAnsi(r.reason);
        if (r.isFailure) {
          result.rowsFailed++;
          failures.push(`${stripAnsi(r.policy)}/${stripAnsi(r.rule)} ${stripAnsi(r.resource)}: ${reason}${r.message ? ` (${stripAnsi(r.message).slice(0, 300)})` : ''}`);
        } else if (reason === 'Ok') result.rowsOk++;
        else if (reason === 'Excluded') result.rowsExcluded++;
        else result.rowsSkippedInvalid++;
      }
    } catch (err) {
      result.status = 'error';
      result.reason = (err as Error).message;
      return expectFailure(result);
    }
  }
  if (result.rowsFailed > 0) {
    result.status = 'red';
    result.failures = failures;
  }
  return expectFailure(result);
}

interface GroupSummary {
  suites: number;
  green: number;
  red: number;
  error: number;
  skipped: number;
  rowsOk: number;
  rowsExcluded: number;
  rowsFailed: number;
}

function summarize(results: SuiteResult[], key: (r: SuiteResult) => string): Map<string, GroupSummary> {
  const m = new Map<string, GroupSummary>();
  for (const r of results) {
    const k = key(r);
    let g = m.get(k);
    if (!g) m.set(k, (g = { suites: 0, green: 0, red: 0, error: 0, skipped: 0, rowsOk: 0, rowsExcluded: 0, rowsFailed: 0 }));
    g.suites++;
    g[r.status === 'green' ? 'green' : r.status === 'red' ? 'red' : r.status === 'error' ? 'error' : 'skipped']++;
    g.rowsOk += r.rowsOk;
    g.rowsExcluded += r.rowsExcluded;
    g.rowsFailed += r.rowsFailed;
  }
  return m;
}

function printTable(title: string, m: Map<string, GroupSummary>): void {
  console.log(`\n${title}`);
  console.log('group'.padEnd(44) + 'suites  green  red  error  skipped   rows-ok  excluded  failed');
  for (const [k, g] of [...m.entries()].sort()) {
    console.log(
      k.padEnd(44) +
        String(g.suites).padStart(6) +
        String(g.green).padStart(7) +
        String(g.red).padStart(5) +
        String(g.error).padStart(7) +
        String(g.skipped).padStart(9) +
        String(g.rowsOk).padStart(10) +
        String(g.rowsExcluded).padStart(10) +
        String(g.rowsFailed).padStart(8),
    );
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const filter = args.includes('--filter') ? args[args.indexOf('--filter') + 1] : undefined;
  const jsonOut = args.includes('--json') ? args[args.indexOf('--json') + 1]! : join(root, 'out', 'conformance.json');
  const verbose = args.includes('--verbose');
  const groups = readdirSync(sharedConformance).filter((d) => d.startsWith('kyverno-') && d !== 'kyverno-chainsaw');
  const files = groups.flatMap((g) => findSuites(join(sharedConformance, g))).filter((f) => !filter || f.includes(filter));
  const results: SuiteResult[] = [];
  const started = Date.now();
  const tty = process.stderr.isTTY === true;
  for (let i = 0; i < files.length; i++) {
    if (tty) process.stderr.write(`\r[${i + 1}/${files.length}] ${relative(sharedConformance, files[i]!).slice(0, 70).padEnd(70)}`);
    results.push(runSuite(files[i]!));
  }
  if (tty) process.stderr.write('\n');
  printTable('Conformance by group', summarize(results, (r) => r.group));
  printTable('Conformance by category', summarize(results, (r) => r.category));
  const notGreen = results.filter((r) => r.status === 'red' || r.status === 'error');
  if (verbose || notGreen.length <= 60) {
    console.log('\nSuites not green:');
    for (const r of notGreen) {
      console.log(`  ${r.status.toUpperCase()} ${r.suite} [${r.category}]${r.reason ? `: ${r.reason.slice(0, 300)}` : ''}`);
      for (const f of (r.failures ?? []).slice(0, verbose ? 100 : 3)) console.log(`      ${f}`);
    }
  }
  const total = summarize(results, () => 'all').get('all')!;
  console.log(
    `\nTotal: ${total.suites} suites, ${total.green} green, ${total.red} red, ${total.error} error, ${total.skipped} skipped; rows ok ${total.rowsOk}, excluded ${total.rowsExcluded}, failed ${total.rowsFailed} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  mkdirSync(dirname(jsonOut), { recursive: true });
  writeFileSync(jsonOut, JSON.stringify({ generatedAt: new Date().toISOString(), total, results }, null, 2));
  console.log(`JSON written to ${relative(process.cwd(), jsonOut)}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
}
