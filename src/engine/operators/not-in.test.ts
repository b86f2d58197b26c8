import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonValue } from '../api/json.ts';
import { evaluateNotIn } from './not-in.ts';
import { evaluateOperator } from './index.ts';

// Expected values: Kyverno v1.19 variables/operator handlers run by a Go program on the same inputs
// (decoded with encoding/json, so every number is a float64, as for conditions).
const CASES: [JsonValue, JsonValue, boolean][] = [
  ["apple", ["apple", "banana"], false],
  ["grape", ["apple", "banana"], true],
  ["hello-world", "hello-*", false],
  ["x", "[\"a\"]", true],
  ["a", "[\"a\"]", false],
  ["x", "abc", false],
  ["x", 1, false],
  [1, ["1"], false],
  [["a", "b"], ["a", "b", "c"], false],
  [["a", "x"], ["a", "b"], true],
  [["a"], "a", true],
  [["a"], "b", false],
  [[], ["a"], false],
  [["a"], ["a", 1], false],
  [null, ["a"], false],
];

test('not-in matches Kyverno', () => {
  for (const [key, value, want] of CASES) {
    assert.equal(evaluateNotIn(key, value), want, `NotIn(${JSON.stringify(key)}, ${JSON.stringify(value)})`);
    assert.equal(evaluateOperator('NotIn', key, value), want);
  }
});
