/**
 * The project's own policy library (policies/**): every policy follows the library's conventions, and every
 * `.kyverno-test/kyverno-test.yaml` suite passes through the CLI's test code (the code behind `kyverno test`),
 * row by row.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTestFile, testDir } from '../src/cli/test/load.ts';
import { judgeResults, type Counts } from '../src/cli/test/output.ts';
import { runTest } from '../src/cli/test/run.ts';
import { stripAnsi } from '../src/cli/output/table.ts';
import { formatPolicyValidation, validateKyvernoPolicy } from '../src/cli/policy-check.ts';
import { classifyPolicies, parseDocuments, readSources } from '../src/k8s/load.ts';
import type { KyvernoPolicy } from '../src/engine/api/policy.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const library = join(root, 'policies');

/** Folders holding one policy each: `<name>/<name>.yaml`. */
function policyDirs(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir).sort()) {
    if (e.startsWith('.')) continue;
    const p = join(dir, e);
    if (!statSync(p).isDirectory()) continue;
    if (existsSync(join(p, `${e}.yaml`))) out.push(p);
    else policyDirs(p, out);
  }
  return out;
}

function loadPolicy(file: string): KyvernoPolicy {
  const src = readSources([file]);
  assert.deepEqual(src.problems, []);
  const docs = parseDocuments(src.files);
  assert.deepEqual(docs.problems, []);
  const loaded = classifyPolicies(docs.docs);
  assert.deepEqual(loaded.problems, []);
  assert.equal(loaded.policies.length, 1, `${file}: one policy per file`);
  return loaded.policies[0]!;
}

const dirs = policyDirs(library);

test('policy library: the expected policies are present', () => {
  const names = dirs.map((d) => relative(library, d));
  const baseline = [
    'disallow-add-capabilities',
    'disallow-host-namespaces',
    'disallow-host-path',
    'disallow-host-ports',
    'disallow-host-process',
    'disallow-privileged-containers',
    'disallow-probe-lifecycle-hosts',
    'disallow-selinux',
    'require-default-proc-mount',
    'restrict-apparmor-profiles',
    'restrict-seccomp',
    'restrict-sysctls',
  ];
  const restricted = [
    'deny-privilege-escalation',
    'require-default-proc-mount-strict',
    'require-drop-all-capabilities',
    'require-non-root-groups',
    'require-run-as-non-root',
    'require-run-as-non-root-user',
    'restrict-seccomp-strict',
    'restrict-volume-types',
  ];
  for (const n of baseline) assert.ok(names.includes(`pod-security/baseline/${n}`), `missing baseline policy ${n}`);
  for (const n of restricted) assert.ok(names.includes(`pod-security/restricted/${n}`), `missing restricted policy ${n}`);
  const bp = names.filter((n) => n.startsWith('best-practices/'));
  assert.ok(bp.length >= 6 && bp.length <= 10, `best-practices holds ${bp.length} policies`);
});

const required = ['title', 'category', 'severity', 'subject', 'description'].map((k) => `policies.kyverno.io/${k}`);

for (const dir of dirs) {
  const name = basename(dir);
  const rel = relative(library, dir);

  test(`policy library: ${rel} follows the conventions`, () => {
    const policy = loadPolicy(join(dir, `${name}.yaml`));
    assert.equal(policy.kind, 'ClusterPolicy');
    assert.equal(policy.metadata.name, name, 'the file and folder carry the policy name');
    const annotations = policy.metadata.annotations ?? {};
    for (const k of required) assert.ok((annotations[k] ?? '').trim() !== '', `annotation ${k} is set`);
    assert.ok(['low', 'medium', 'high', 'critical'].includes(annotations['policies.kyverno.io/severity'] ?? ''));
    if (rel.startsWith('pod-security/')) {
      const level = rel.split('/')[1] === 'baseline' ? 'Baseline' : 'Restricted';
      assert.equal(annotations['policies.kyverno.io/category'], `Pod Security Standards (${level})`);
    }
    assert.equal(policy.spec.validationFailureAction, 'Audit');
    assert.equal(policy.spec.background, true);
    const v = validateKyvernoPolicy(policy);
    assert.deepEqual(v.errors, [], formatPolicyValidation(v));
    for (const rule of policy.spec.rules ?? []) assert.ok(rule.validate, `rule ${rule.name} validates`);
  });

  test(`policy library: ${rel} passes its kyverno-test suite`, () => {
    const file = join(dir, '.kyverno-test', 'kyverno-test.yaml');
    assert.ok(existsSync(file), `${rel} has .kyverno-test/kyverno-test.yaml`);
    const cases = loadTestFile(file);
    assert.equal(cases.length, 1);
    const tc = cases[0]!;
    assert.equal(tc.error, undefined, tc.error);
    const spec = tc.test!;
    assert.deepEqual(spec.policies, [`../${name}.yaml`], 'the suite tests the policy beside it');
    const results = spec.results ?? [];
    const policy = loadPolicy(join(dir, `${name}.yaml`));
    // every rule has rows, and Pod rules are exercised through their autogen rules too
    for (const rule of policy.spec.rules ?? []) {
      const kinds = new Set(results.filter((r) => r.rule === rule.name).map((r) => r.kind));
      assert.ok(kinds.size > 0, `rule ${rule.name} has result rows`);
      // a Pod rule is also tested through the rules autogen derives from it: on a Deployment-like
      // controller and on a CronJob, or on the controllers the policy's annotation selects
      const podRule = JSON.stringify(rule.match ?? {}).includes('"Pod"');
      const autogen = policy.metadata.annotations?.['pod-policies.kyverno.io/autogen-controllers'];
      if (podRule && autogen !== 'none') {
        const controllers = autogen === undefined ? ['Deployment', 'CronJob'] : autogen.split(',').map((k) => k.trim());
        assert.ok(kinds.has('Pod'), `rule ${rule.name} has Pod rows`);
        if (controllers.includes('CronJob')) assert.ok(kinds.has('CronJob'), `rule ${rule.name} has CronJob rows`);
        const others = controllers.filter((k) => k !== 'CronJob');
        if (others.length > 0) assert.ok(others.some((k) => kinds.has(k)), `rule ${rule.name} has rows for one of ${others.join(', ')}`);
      }
      const statuses = new Set(results.filter((r) => r.rule === rule.name).map((r) => r.result));
      assert.ok(statuses.has('pass') && statuses.has('fail'), `rule ${rule.name} has good and bad resources`);
    }
    const responses = runTest(() => {}, tc);
    const counts: Counts = { pass: 0, fail: 0, skip: 0 };
    const rows = judgeResults(results, responses, counts, testDir(tc));
    // a row passes for real only with reason Ok (Excluded would mean no rule response at all)
    const failed = rows.filter((r) => r.isFailure || stripAnsi(r.reason) !== 'Ok').map((r) => stripAnsi(`${r.rule} ${r.resource}: ${r.reason} ${r.message}`));
    assert.deepEqual(failed, []);
    assert.equal(counts.fail, 0);
    const expected = results.reduce((n, r) => n + (r.resources?.length ?? 0), 0);
    assert.equal(rows.length, expected, 'one row per resource of every result');
    assert.ok(rows.length > 0);
  });
}
