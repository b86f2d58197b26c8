/**
 * Finding and reading `kyverno-test.yaml` files (cmd/cli/kubectl-kyverno/test/load.go): folders are walked
 * recursively for files with the given name; each file may hold several Test documents, decoded strictly.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { isObject } from '../../engine/api/json.ts';
import { canonicalizeKeys, checkSchema } from '../../k8s/schema.ts';
import { parseYamlStream } from '../../k8s/yaml.ts';
import { testSchema, type TestSpec } from './schema.ts';

export interface TestCase {
  path: string;
  test?: TestSpec;
  error?: string;
}

export function testDir(tc: TestCase): string {
  return dirname(tc.path);
}

/** LoadTests: walks `dir` for files named `fileName`. Throws when `dir` cannot be read. */
export function loadTests(dir: string, fileName: string): TestCase[] {
  const out: TestCase[] = [];
  const walk = (p: string): void => {
    const entries = readdirSync(p, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const full = join(p, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name === fileName) out.push(...loadTestFile(full));
    }
  };
  const root = normalize(dir);
  const st = statSync(root);
  if (!st.isDirectory()) throw new Error(`readdirent ${root}: not a directory`);
  walk(root);
  return out;
}

export function loadTestFile(path: string): TestCase[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return [{ path, error: (err as Error).message }];
  }
  const { documents, errors } = parseYamlStream(text);
  if (errors.length > 0) {
    const e = errors[0]!;
    return [{ path, error: `${path}${e.line !== undefined ? `:${e.line}` : ''}: ${e.message}` }];
  }
  const cases: TestCase[] = [];
  for (const d of documents) {
    if (!isObject(d.value)) {
      return [...cases, { path, error: `${path}:${d.line}: error unmarshaling JSON: a test must be an object` }];
    }
    const problems = checkSchema(d.value, testSchema);
    if (problems.length > 0) {
      const p = problems[0]!;
      const line = d.lineOf(p.path) ?? d.line;
      return [...cases, { path, error: `${path}:${line}: error unmarshaling JSON: ${p.field}: ${p.message}` }];
    }
    const test = canonicalizeKeys(d.value, testSchema) as unknown as TestSpec;
    cleanTest(test);
    cases.push({ path, test });
  }
  return cases;
}

function dedupe(list: string[] | undefined): string[] | undefined {
  if (!list) return list;
  const seen = new Set<string>();
  const out: string[] = [];
  for (const s of list) {
    if (seen.has(s)) continue;
    seen.add(s);
    out.push(s);
  }
  return out;
}

function cleanTest(test: TestSpec): void {
  test.policies = dedupe(test.policies);
  test.resources = dedupe(test.resources);
  if (test.jsonPayload) {
    if (!test.jsonPayloads || test.jsonPayloads.length === 0) test.jsonPayloads = [test.jsonPayload];
    test.jsonPayload = '';
  }
  if (test.jsonPayloads) {
    test.jsonPayloads = dedupe(test.jsonPayloads.filter((p) => p.trim() !== '').map((p) => normalize(p)));
  }
}

/** The deprecated (legacy) test schema: no apiVersion/kind, or a top-level `name`. */
export function isDeprecatedTest(test: TestSpec): boolean {
  return !test.apiVersion || !test.kind || (test.name !== undefined && test.name !== '');
}

export interface TestFilter {
  apply(result: { policy?: string; rule?: string; resources?: string[] }): boolean;
  resourceValues: string[];
  errors: string[];
}

/** --test-case-selector "policy=*,rule=*,resource=*". */
export function parseTestCaseSelector(input: string, wildcard: (p: string, s: string) => boolean): TestFilter {
  const filters: Array<(r: { policy?: string; rule?: string; resources?: string[] }) => boolean> = [];
  const errors: string[] = [];
  const resourceValues: string[] = [];
  let stopResources = false;
  if (input !== '') {
    for (const t of input.split(',')) {
      const parts = t.split('=');
      if (parts.length !== 2) {
        errors.push(`Invalid test-case-selector argument (${t}). Parameter must be in the form \`<key>=<value>\`.`);
        continue;
      }
      const key = parts[0]!.trim();
      const value = parts[1]!.trim();
      if (key === 'policy') filters.push((r) => !r.policy || wildcard(value, r.policy));
      else if (key === 'rule') filters.push((r) => !r.rule || wildcard(value, r.rule));
      else if (key === 'resource') {
        filters.push((r) => !r.resources || r.resources.length === 0 || r.resources.some((x) => wildcard(value, x)));
        if (value === '*') stopResources = true;
        if (!stopResources) resourceValues.push(value);
      } else errors.push(`Invalid test-case-selector (${t}). Parameter can only be policy, rule or resource.`);
    }
  }
  return {
    apply: (r) => filters.every((f) => f(r)),
    resourceValues: errors.length > 0 ? [] : resourceValues,
    errors,
  };
}
