/**
 * Bad input to `kyverno apply` and `kyverno test`: malformed YAML, wrong types, unknown fields, deeply nested and
 * very large documents, YAML alias bombs. Every case must end with exit 1 and a clear error naming the file
 * (and the line or field where there is one) — never a crash, a stack trace or a hang.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.ts';

const dir = mkdtempSync(join(tmpdir(), 'kyverno-bad-input-'));

function file(name: string, text: string): string {
  const p = join(dir, name);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, text);
  return p;
}

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(['node', 'kyverno', ...args], { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s) });
  return { code, stdout, stderr };
}

const goodPolicy = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: require-team
spec:
  rules:
    - name: team
      match:
        any:
          - resources:
              kinds: [Pod]
      validate:
        message: team label required
        pattern:
          metadata:
            labels:
              team: "?*"
`;
const goodPod = `apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    team: a
spec:
  containers:
    - name: c
      image: nginx:1.25
`;

function assertCleanFailure(r: { code: number; stdout: string; stderr: string }, ...mustMention: string[]): void {
  assert.equal(r.code, 1, `exit code (stderr: ${r.stderr.slice(0, 300)})`);
  const all = r.stdout + r.stderr;
  assert.doesNotMatch(all, /\n\s+at .*\(.*:\d+:\d+\)/, 'no stack trace');
  for (const m of mustMention) assert.ok(all.includes(m), `output mentions ${JSON.stringify(m)}:\n${all.slice(0, 800)}`);
}

const pods = file('resources/pods.yaml', goodPod);
const policy = file('policies/good.yaml', goodPolicy);

const cases: Array<{ name: string; policy?: string; resource?: string; mention: string[] }> = [
  {
    name: 'malformed YAML policy',
    policy: file('policies/malformed.yaml', 'apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: x\nspec:\n  rules: [\n    - name: a\n'),
    mention: ['malformed.yaml'],
  },
  {
    name: 'malformed YAML resource',
    resource: file('resources/malformed.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: "unterminated\n'),
    mention: ['malformed.yaml'],
  },
  {
    name: 'wrong type in a policy (rules is a string)',
    policy: file('policies/wrong-type.yaml', 'apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: wrong-type\nspec:\n  rules: "not a list"\n'),
    mention: ['wrong-type.yaml', 'spec.rules'],
  },
  {
    name: 'wrong enum value in a policy',
    policy: file('policies/bad-enum.yaml', goodPolicy.replace('spec:\n', 'spec:\n  validationFailureAction: deny\n').replace('require-team', 'bad-enum')),
    mention: ['bad-enum.yaml', 'validationFailureAction'],
  },
  {
    name: 'unknown field in a policy',
    policy: file('policies/unknown.yaml', goodPolicy.replace('      validate:\n', '      validate:\n        patern: {}\n').replace('require-team', 'unknown-field')),
    mention: ['unknown.yaml', 'patern'],
  },
  {
    name: 'a document that is not an object',
    resource: file('resources/scalar.yaml', '- just\n- a list\n'),
    mention: ['scalar.yaml'],
  },
  {
    name: 'deeply nested resource',
    resource: file('resources/deep.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\ndata:\n  x: ' + '['.repeat(50_000) + ']'.repeat(50_000) + '\n'),
    mention: ['deep.yaml', 'nest'],
  },
  {
    name: 'YAML alias bomb',
    resource: file(
      'resources/bomb.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\ndata:\n' +
        '  a: &a ["x","x","x","x","x","x","x","x","x"]\n' +
        Array.from({ length: 9 }, (_, i) => `  ${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]\n`).join(''),
    ),
    mention: ['bomb.yaml', 'alias'],
  },
  {
    name: 'oversized resource file',
    resource: file('resources/huge.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: huge\ndata:\n  x: "' + 'a'.repeat(65 * 1024 * 1024) + '"\n'),
    mention: ['huge.yaml', 'larger than'],
  },
  {
    name: 'resource without kind',
    resource: file('resources/nokind.yaml', 'apiVersion: v1\nmetadata:\n  name: x\n'),
    mention: ['nokind.yaml', 'kind'],
  },
  {
    name: 'missing policy file',
    policy: join(dir, 'policies', 'does-not-exist.yaml'),
    mention: ['does-not-exist.yaml'],
  },
];

for (const c of cases) {
  test(`bad input, apply: ${c.name}`, { timeout: 60_000 }, async () => {
    const r = await run('apply', c.policy ?? policy, '--resource', c.resource ?? pods);
    assertCleanFailure(r, ...c.mention);
  });
}

test('bad input, apply: the good inputs pass (control)', async () => {
  const r = await run('apply', policy, '--resource', pods);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /pass: 1, fail: 0, warn: 0, error: 0, skip: 0/);
});

const testCases: Array<{ name: string; files: Record<string, string>; mention: string[] }> = [
  {
    name: 'malformed kyverno-test.yaml',
    files: { 'kyverno-test.yaml': 'apiVersion: cli.kyverno.io/v1alpha1\nkind: Test\nresults: [\n' },
    mention: ['kyverno-test.yaml'],
  },
  {
    name: 'unknown field in kyverno-test.yaml',
    files: {
      'kyverno-test.yaml': 'apiVersion: cli.kyverno.io/v1alpha1\nkind: Test\nmetadata:\n  name: t\npolicies: [policy.yaml]\nresources: [pods.yaml]\nresults:\n  - policy: require-team\n    rule: team\n    resources: [web]\n    kind: Pod\n    reslt: pass\n',
      'policy.yaml': goodPolicy,
      'pods.yaml': goodPod,
    },
    mention: ['kyverno-test.yaml', 'reslt'],
  },
  {
    name: 'wrong type in kyverno-test.yaml',
    files: { 'kyverno-test.yaml': 'apiVersion: cli.kyverno.io/v1alpha1\nkind: Test\nmetadata:\n  name: t\npolicies: policy.yaml\n' },
    mention: ['kyverno-test.yaml', 'policies'],
  },
  {
    name: 'malformed policy referenced by a test',
    files: {
      'kyverno-test.yaml': 'apiVersion: cli.kyverno.io/v1alpha1\nkind: Test\nmetadata:\n  name: t\npolicies: [policy.yaml]\nresources: [pods.yaml]\nresults:\n  - policy: require-team\n    rule: team\n    resources: [web]\n    kind: Pod\n    result: pass\n',
      'policy.yaml': 'apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: x\n',
      'pods.yaml': goodPod,
    },
    mention: ['policy.yaml'],
  },
  {
    name: 'alias bomb in a test resource',
    files: {
      'kyverno-test.yaml': 'apiVersion: cli.kyverno.io/v1alpha1\nkind: Test\nmetadata:\n  name: t\npolicies: [policy.yaml]\nresources: [bomb.yaml]\nresults:\n  - policy: require-team\n    rule: team\n    resources: [web]\n    kind: Pod\n    result: pass\n',
      'policy.yaml': goodPolicy,
      'bomb.yaml':
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\ndata:\n  a: &a ["x","x","x","x","x","x","x","x","x"]\n' +
        Array.from({ length: 9 }, (_, i) => `  ${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]\n`).join(''),
    },
    mention: ['bomb.yaml', 'alias'],
  },
];

testCases.forEach((c, i) => {
  test(`bad input, test: ${c.name}`, { timeout: 60_000 }, async () => {
    const d = join(dir, `suite-${i}`);
    for (const [name, text] of Object.entries(c.files)) file(join(`suite-${i}`, name), text);
    const r = await run('test', d);
    assertCleanFailure(r, ...c.mention);
  });
});
