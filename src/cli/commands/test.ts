/**
 * `kyverno test DIR...` (cmd/cli/kubectl-kyverno/commands/test/command.go): finds kyverno-test.yaml files,
 * runs each test, judges its result rows and prints a table per test and the `Test Summary:` line.
 */
import { toYaml } from '../../k8s/yaml.ts';
import { wildcardMatch } from '../../engine/utils/wildcard.ts';
import { CliError } from '../errors.ts';
import { colors, renderTable } from '../output/table.ts';
import { isDeprecatedTest, loadTests, parseTestCaseSelector, testDir, type TestCase } from '../test/load.ts';
import { formatRows, judgeResults, rowsTable, type Counts, type Row } from '../test/output.ts';
import { runTest } from '../test/run.ts';
import type { TestResultSpec } from '../test/schema.ts';

export interface TestOptions {
  fileName: string;
  testCaseSelector: string;
  outputFormat: string;
  failOnly: boolean;
  detailedResults: boolean;
  requireTests: boolean;
  removeColor: boolean;
  gitBranch?: string;
}

export interface TestSummary {
  pass: number;
  fail: number;
  skip: number;
  rows: Array<{ test: string; row: Row }>;
}

/** testCommandExecute; returns the summary, throws CliError on failure (exit 1). */
export function testCommand(dirs: readonly string[], opts: TestOptions, write: (s: string) => void): TestSummary {
  const out = (s = ''): void => write(s + '\n');
  if (dirs.length === 0) throw new CliError('a directory is required');
  if (opts.outputFormat && !['json', 'yaml', 'markdown', 'junit'].includes(opts.outputFormat)) {
    throw new CliError('invalid format, expected (json, yaml, markdown, junit)');
  }
  const useColor = !opts.removeColor && !opts.outputFormat && process.stdout.isTTY === true && !process.env['NO_COLOR'];
  const c = colors(useColor);
  const filter = parseTestCaseSelector(opts.testCaseSelector, wildcardMatch);
  if (filter.errors.length > 0) {
    out();
    out('Filter errors:');
    for (const e of filter.errors) out(`  Error: ${e}`);
  }
  let tests: TestCase[] = [];
  for (const dir of dirs) {
    if (/^https?:\/\//.test(dir)) {
      out();
      out(`Error loading tests: remote git sources are not reachable from this tool (${dir})`);
      throw new CliError(`remote git sources are not supported offline: ${dir}`);
    }
    try {
      tests.push(...loadTests(dir, opts.fileName));
    } catch (err) {
      out();
      out(`Error loading tests: ${(err as Error).message}`);
      throw new CliError((err as Error).message);
    }
  }
  if (tests.length === 0) {
    out();
    out('No test yamls available');
  }
  const errs = tests.filter((t) => t.error !== undefined);
  if (errs.length > 0) {
    out();
    out('Test errors:');
    for (const e of errs) {
      out(`  Path: ${e.path}`);
      out(`    Error: ${e.error}`);
    }
    throw new CliError(`found ${errs.length} errors after loading tests`);
  }
  if (tests.length === 0) {
    if (opts.requireTests) throw new CliError('no tests found');
    if (filter.errors.length > 0) throw new CliError(filter.errors[0]!);
    return { pass: 0, fail: 0, skip: 0, rows: [] };
  }
  const counts: Counts = { pass: 0, fail: 0, skip: 0 };
  const failedRows: Row[] = [];
  const allRows: TestSummary['rows'] = [];
  tests = tests.filter((t) => t.test);
  for (const tc of tests) {
    const test = tc.test!;
    if (isDeprecatedTest(test)) {
      out();
      out(`WARNING: test file (${tc.path}) uses a deprecated schema that will be removed in 1.15`);
      throw new CliError(`test file ${tc.path} uses a deprecated schema — please migrate to the latest format`);
    }
    const filtered: TestResultSpec[] = [];
    for (const r of test.results ?? []) {
      if (!filter.apply(r)) continue;
      filtered.push(filter.resourceValues.length > 0 ? { ...r, resources: filter.resourceValues } : r);
    }
    if (filtered.length === 0) continue;
    let responses;
    try {
      responses = runTest((l) => out(l), tc);
    } catch (err) {
      throw new CliError(`failed to run test (${(err as Error).message})`);
    }
    out('  Checking results ...');
    const rows = judgeResults(filtered, responses, counts, testDir(tc), c);
    for (const r of rows) {
      allRows.push({ test: tc.path, row: r });
      if (r.isFailure) failedRows.push(r);
    }
    if (!opts.failOnly) {
      if (opts.outputFormat) out(formatRows(opts.outputFormat, rows, opts.detailedResults, toYaml));
      else {
        out();
        out(rowsTable(rows, opts.detailedResults, useColor));
        out();
      }
    }
  }
  if (!opts.failOnly) out(`\nTest Summary: ${counts.pass + counts.skip} tests passed and ${counts.fail} tests failed`);
  else out(`\nTest Summary: ${counts.fail} out of ${counts.pass + counts.skip + counts.fail} tests failed`);
  out();
  if (counts.fail > 0) {
    if (opts.failOnly) {
      const renumbered = failedRows.map((r, i) => ({ ...r, id: i + 1 }));
      if (opts.outputFormat) out(formatRows(opts.outputFormat, renumbered, opts.detailedResults, toYaml));
      else {
        write('Aggregated Failed Test Cases : \n');
        out(rowsTable(renumbered, opts.detailedResults, useColor));
      }
    }
    throw new CliError(`${counts.fail} tests failed`);
  }
  void renderTable;
  return { ...counts, rows: allRows };
}
