import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getOperatorFromStringPattern, type PatternOperator } from './operator.ts';

// Kyverno pkg/engine/operator/operator_test.go, plus the doc's edge cases.
const CASES: [string, PatternOperator][] = [
  ['f', ''],
  ['', ''],
  ['>=', '>='],
  ['<=', '<='],
  ['>', ''],
  ['>1', '>'],
  ['<1', '<'],
  ['!x', '!'],
  ['!1-10', '!'],
  ['0-1', '-'],
  ['0Mi-1024Mi', '-'],
  ['0!-1', '!-'],
  ['0Mi!-1024Mi', '!-'],
  ['text1024Mi-2048Mi', ''],
  ['test-value', ''],
  ['value-*', ''],
  ['text1024Mi!-2048Mi', ''],
  ['test!-value', ''],
  ['value!-*', ''],
  ['-10--8', '-'],
  ['-10Mi--8Mi', '-'],
  ['-10!--8', '!-'],
  ['-10Mi!--8Mi', '!-'],
  ['-10-+8', '-'],
  ['-10Mi-+8Mi', '-'],
  ['-10!-+8', '!-'],
  ['-10Mi!-+8Mi', '!-'],
  ['+0-+1', '-'],
  ['+0Mi-+1024Mi', '-'],
  ['+0!-+1', '!-'],
  ['+0Mi!-+1024Mi', '!-'],
  ['2023-01-01', ''],
  ['foo-bar', ''],
  ['10s-60s', '-'],
  ['1.5-2.5', '-'],
  ['|1-5', '-'],
  ['1-5\n', ''],
];

test('getOperatorFromStringPattern', () => {
  for (const [pattern, want] of CASES) assert.equal(getOperatorFromStringPattern(pattern), want, JSON.stringify(pattern));
});
