import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { KyvernoPolicy } from '../api/policy.ts';
import { generateUpdateCheck } from './generate-updates.ts';
import { formatPolicyError, validatePolicy } from './policy.ts';

// Updates of generate rules, as Kyverno's Test_GenerateFieldsUpdates table (pkg/validation/policy):
// which changes only warn (the generate pattern) and which are refused (match of a synchronizing rule).
interface Case {
  name: string;
  oldPolicy: KyvernoPolicy;
  newPolicy: KyvernoPolicy;
  expectError: boolean;
  expectWarning: boolean;
}
const cases = JSON.parse(readFileSync(new URL('./testdata/generate-updates.json', import.meta.url), 'utf8')) as Case[];

for (const c of cases) {
  test(`generateUpdateCheck: ${c.name}`, () => {
    const r = generateUpdateCheck(c.newPolicy.spec as never, c.oldPolicy.spec as never);
    assert.equal(r.error !== '', c.expectError);
    assert.equal(r.warning !== '', c.expectWarning);
    if (c.expectError) assert.equal(r.error, 'changes of immutable fields of a rule spec in a generate rule is disallowed');
    if (c.expectWarning) assert.equal(r.warning, 'changes in the generate rule pattern could result in stale targets');
  });
}

test('validatePolicy with oldPolicy: a pattern change only warns and ends validation', () => {
  const c = cases.find((x) => x.expectWarning) as Case;
  const r = validatePolicy(c.newPolicy, { mock: false, oldPolicy: c.oldPolicy });
  assert.equal(formatPolicyError(r.errors), '');
  assert.deepEqual(r.warnings, [
    'no synchronization will be performed to the old target resource upon policy updates: changes in the generate rule pattern could result in stale targets',
  ]);
});

test('validatePolicy with oldPolicy: changing match of a synchronizing rule is refused', () => {
  const c = cases.find((x) => x.expectError) as Case;
  const r = validatePolicy(c.newPolicy, { mock: false, oldPolicy: c.oldPolicy });
  assert.equal(formatPolicyError(r.errors), 'changes of immutable fields of a rule spec in a generate rule is disallowed');
  assert.deepEqual(r.warnings, ['no synchronization will be performed to the old target resource upon policy updates: ']);
});
