/**
 * LabelSelector matching with Kyverno's wildcard replacement (pkg/utils/match/labels.go,
 * pkg/engine/wildcards, k8s metav1.LabelSelectorAsSelector); expected values from running that Go code.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LabelSelector } from '../api/policy.ts';
import { checkSelector, compileLabelSelector, matchesLabelSelector } from './label-selector.ts';
import { isLabelKey, isLabelValue, isValidLabelPair, validateRequirement } from './label-validation.ts';

export interface SelectorCase {
  name: string;
  selector: LabelSelector;
  labels: Record<string, string> | undefined;
  want: 'match' | 'no match' | 'error';
  /** exact error text where it is deterministic */
  error?: string;
}

const web = { app: 'web', tier: 'frontend' };

export const SELECTOR_CASES: SelectorCase[] = [
  { name: 'empty selector matches anything', selector: {}, labels: undefined, want: 'match' },
  { name: 'empty lists match anything', selector: { matchLabels: {}, matchExpressions: [] }, labels: web, want: 'match' },
  { name: 'matchLabels equal', selector: { matchLabels: { app: 'web' } }, labels: web, want: 'match' },
  { name: 'matchLabels differ', selector: { matchLabels: { app: 'db' } }, labels: web, want: 'no match' },
  { name: 'matchLabels absent key', selector: { matchLabels: { env: 'prod' } }, labels: web, want: 'no match' },
  { name: 'matchLabels all needed', selector: { matchLabels: { app: 'web', tier: 'backend' } }, labels: web, want: 'no match' },
  { name: 'matchLabels on no labels', selector: { matchLabels: { app: 'web' } }, labels: undefined, want: 'no match' },
  { name: 'empty value matches empty label', selector: { matchLabels: { app: '' } }, labels: { app: '' }, want: 'match' },
  { name: 'In', selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['db', 'web'] }] }, labels: web, want: 'match' },
  { name: 'In absent key', selector: { matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }] }, labels: web, want: 'no match' },
  { name: 'NotIn listed', selector: { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['web'] }] }, labels: web, want: 'no match' },
  { name: 'NotIn absent key', selector: { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }, labels: web, want: 'match' },
  { name: 'Exists', selector: { matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, labels: web, want: 'match' },
  { name: 'Exists absent', selector: { matchExpressions: [{ key: 'env', operator: 'Exists' }] }, labels: web, want: 'no match' },
  { name: 'DoesNotExist', selector: { matchExpressions: [{ key: 'env', operator: 'DoesNotExist' }] }, labels: web, want: 'match' },
  { name: 'DoesNotExist present', selector: { matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, labels: web, want: 'no match' },
  { name: 'labels and expressions ANDed', selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['backend'] }] }, labels: web, want: 'no match' },
  { name: 'prototype keys are not labels', selector: { matchExpressions: [{ key: 'constructor', operator: 'Exists' }] }, labels: web, want: 'no match' },
  // Kyverno wildcard replacement
  { name: 'wildcard key and value', selector: { matchLabels: { '*': '*' } }, labels: web, want: 'match' },
  { name: 'wildcard needs a label', selector: { matchLabels: { '*': '*' } }, labels: {}, want: 'no match' },
  { name: 'wildcard with no labels at all', selector: { matchLabels: { '*': '*' } }, labels: undefined, want: 'no match' },
  { name: 'wildcard key prefix', selector: { matchLabels: { 'app.kubernetes.io/*': 'web' } }, labels: { 'app.kubernetes.io/name': 'web' }, want: 'match' },
  { name: 'wildcard key, literal value differs', selector: { matchLabels: { 'app*': 'db' } }, labels: web, want: 'no match' },
  { name: 'wildcard value', selector: { matchLabels: { app: 'w?b' } }, labels: web, want: 'match' },
  { name: 'wildcard value mismatch', selector: { matchLabels: { app: 'x*' } }, labels: web, want: 'no match' },
  { name: 'wildcard plus literal', selector: { matchLabels: { 'ti*': 'front*', app: 'web' } }, labels: web, want: 'match' },
  { name: 'wildcard plus failing literal', selector: { matchLabels: { 'ti*': 'front*', app: 'db' } }, labels: web, want: 'no match' },
  { name: 'wildcards do not apply to expressions', selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['w*'] }] }, labels: web, want: 'error' },
  // validation (LabelSelectorAsSelector)
  { name: 'invalid operator', selector: { matchExpressions: [{ key: 'app', operator: 'Equals', values: ['web'] }] }, labels: web, want: 'error', error: '"Equals" is not a valid label selector operator' },
  {
    name: 'In without values',
    selector: { matchExpressions: [{ key: 'app', operator: 'In' }] },
    labels: web,
    want: 'error',
    error: "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty",
  },
  {
    name: 'Exists with values',
    selector: { matchExpressions: [{ key: 'app', operator: 'Exists', values: ['web'] }] },
    labels: web,
    want: 'error',
    error: 'values: Invalid value: ["web"]: values set must be empty for exists and does not exist',
  },
  { name: 'invalid key', selector: { matchLabels: { 'bad key': 'x' } }, labels: web, want: 'error' },
  { name: 'invalid key (three segments)', selector: { matchExpressions: [{ key: 'a/b/c', operator: 'Exists' }] }, labels: web, want: 'error' },
  { name: 'invalid value', selector: { matchLabels: { app: 'not valid!' } }, labels: web, want: 'error' },
  { name: 'too long value', selector: { matchLabels: { app: 'a'.repeat(64) } }, labels: web, want: 'error' },
  { name: 'uppercase prefix is invalid', selector: { matchLabels: { 'Example.com/app': 'x' } }, labels: web, want: 'error' },
  { name: 'valid prefixed key', selector: { matchExpressions: [{ key: 'example.com/app', operator: 'DoesNotExist' }] }, labels: web, want: 'match' },
  { name: 'operator names are not object properties', selector: { matchExpressions: [{ key: 'app', operator: 'constructor' }] }, labels: web, want: 'error', error: '"constructor" is not a valid label selector operator' },
  { name: 'error wins over no match', selector: { matchLabels: { app: 'db' }, matchExpressions: [{ key: 'x', operator: 'Nope' }] }, labels: web, want: 'error', error: '"Nope" is not a valid label selector operator' },
  { name: 'wildcard resolved to an invalid object label', selector: { matchLabels: { '*': '*' } }, labels: { 'Bad Key': 'v' }, want: 'error' },
  { name: 'unresolved wildcard stays valid', selector: { matchLabels: { 'team-*': '*' } }, labels: web, want: 'no match' },
  { name: 'unresolved wildcard replaced by an invalid key', selector: { matchLabels: { '*bad key': 'x' } }, labels: web, want: 'error' },
];

test('label selector cases', async (t) => {
  for (const c of SELECTOR_CASES) {
    await t.test(c.name, () => {
      const r = compileLabelSelector(c.selector).evaluate(c.labels);
      const got = r.error ? 'error' : r.matched ? 'match' : 'no match';
      assert.equal(got, c.want);
      if (c.error !== undefined) assert.equal(r.error, c.error);
      assert.deepEqual(checkSelector(c.selector, c.labels), r);
      assert.equal(matchesLabelSelector(c.selector, c.labels), c.want === 'match');
    });
  }
});

test('label key and value validation', () => {
  const keys: Array<[string, boolean]> = [
    ['app', true],
    ['app.kubernetes.io/name', true],
    ['a'.repeat(63), true],
    ['a'.repeat(64), false],
    ['-app', false],
    ['app-', false],
    ['/app', false],
    ['example.com/', false],
    ['EXAMPLE.com/app', false],
    ['a/b/c', false],
    ['', false],
    ['my_app.v1', true],
  ];
  for (const [k, valid] of keys) assert.equal(isLabelKey(k).length === 0, valid, k);
  const values: Array<[string, boolean]> = [
    ['', true],
    ['web', true],
    ['Web_1.2-x', true],
    ['-x', false],
    ['a b', false],
    ['a'.repeat(63), true],
    ['a'.repeat(64), false],
  ];
  for (const [v, valid] of values) assert.equal(isLabelValue(v).length === 0, valid, v);
});

test('fast label pair check agrees with full validation', () => {
  const keys = ['app', 'app.kubernetes.io/name', 'a'.repeat(63), 'a'.repeat(64), `${'a'.repeat(253)}/x`, `${'a'.repeat(254)}/x`, 'A.com/x', '-a', 'a/b/c', '', 'x/', '/x', 'é', 'a_b', 'a..b/c', 'a.-b/x', 'a-.b/x', '1.2/x', 'a.b./x', '.a/x', 'ab-/x', 'a-b.c-d/E_f', 'x/a'.padEnd(70, 'b')];
  const values = ['', 'v', 'a'.repeat(63), 'a'.repeat(64), '-v', 'v v', 'é', 'V_1.x'];
  for (const k of keys) {
    for (const v of values) assert.equal(isValidLabelPair(k, v), validateRequirement(k, '=', [v]) === '', `${k}=${v}`);
  }
});
