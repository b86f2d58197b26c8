import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldForbidden, fieldInvalid, fieldRequired, fieldTooLong, formatPolicyError, plainError } from './errors.ts';

// Texts of k8s.io/apimachinery field errors (v0.36) and of ErrorList.ToAggregate().Error().
const table: Array<[string, ReturnType<typeof fieldInvalid>, string]> = [
  ['invalid string (Go %q)', fieldInvalid('spec.x', 'a"b', 'bad'), 'spec.x: Invalid value: "a\\"b": bad'],
  ['invalid number', fieldInvalid('spec.webhookTimeoutSeconds', 31, 'the timeout value must be between 1 and 30 seconds'), 'spec.webhookTimeoutSeconds: Invalid value: 31: the timeout value must be between 1 and 30 seconds'],
  ['invalid bool', fieldInvalid('m', true, 'd'), 'm: Invalid value: true: d'],
  ['invalid struct as JSON', fieldInvalid('s', { json: '{}' }, 'd'), 's: Invalid value: {}: d'],
  ['forbidden', fieldForbidden('spec.a', 'no'), 'spec.a: Forbidden: no'],
  ['required without detail', fieldRequired('spec.k', ''), 'spec.k: Required value'],
  ['required with detail', fieldRequired('spec.k', 'need it'), 'spec.k: Required value: need it'],
  ['too long', fieldTooLong('name', 63), 'name: Too long: may not be more than 63 bytes'],
  ['too long (1 byte)', fieldTooLong('name', 1), 'name: Too long: may not be more than 1 byte'],
];

for (const [name, err, want] of table) {
  test(`field error: ${name}`, () => assert.equal(err.message, want));
}

test('formatPolicyError: none, one, several, duplicates', () => {
  assert.equal(formatPolicyError([]), '');
  assert.equal(formatPolicyError([plainError('', 'a')]), 'a');
  assert.equal(formatPolicyError([plainError('', 'a'), plainError('', 'b')]), '[a, b]');
  assert.equal(formatPolicyError([plainError('', 'a'), plainError('x', 'a')]), 'a');
  assert.equal(formatPolicyError([plainError('', 'a'), plainError('', 'b'), plainError('', 'a')]), '[a, b]');
});
