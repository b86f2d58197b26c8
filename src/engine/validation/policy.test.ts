import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import type { KyvernoPolicy } from '../api/policy.ts';
import { CONDITION_OPERATORS } from '../operators/index.ts';
import { formatPolicyError, validatePolicy } from './policy.ts';

interface Case {
  name: string;
  source?: string;
  policy: KyvernoPolicy;
  error?: string;
  errorPrefix?: string;
  warnings?: string[];
}

const cases = YAML.parse(readFileSync(new URL('./testdata/policy-cases.yaml', import.meta.url), 'utf8')) as Case[];

test('validatePolicy: fixture has cases', () => {
  assert.ok(cases.length > 250);
});

for (const c of cases) {
  test(`validatePolicy: ${c.name}`, () => {
    const r = validatePolicy(c.policy);
    const got = formatPolicyError(r.errors);
    if (c.errorPrefix !== undefined) {
      assert.ok(got.startsWith(c.errorPrefix), got);
      // the operators list (random order in Kyverno) names every known operator
      for (const op of CONDITION_OPERATORS) assert.ok(got.includes(`"${op}"`), op);
    } else {
      assert.equal(got, c.error ?? '');
    }
    assert.deepEqual(r.warnings, c.warnings ?? []);
  });
}

test('validatePolicy: errors carry a field path', () => {
  const policy = {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: { name: 'p' },
    spec: { rules: [{ name: 'r', match: { any: [{ resources: { kinds: ['Pod'] } }] }, validate: { message: 'm' } }] },
  } as unknown as KyvernoPolicy;
  const r = validatePolicy(policy);
  assert.equal(r.errors.length, 1);
  assert.equal(r.errors[0]?.path, 'spec.rules[0].validate');
  assert.equal(r.errors[0]?.message, 'path: spec.rules[0].validate..: one of pattern, anyPattern, deny, foreach, cel must be specified');
});
