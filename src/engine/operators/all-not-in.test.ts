import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonValue } from '../api/json.ts';
import { evaluateAllNotIn } from './all-not-in.ts';
import { evaluateOperator } from './index.ts';

// Expected values: Kyverno v1.19 variables/operator handlers run by a Go program on the same inputs
// (decoded with encoding/json, so every number is a float64, as for conditions).
const CASES: [JsonValue, JsonValue, boolean][] = [
  ["a", ["a", "b"], false],
  ["c", ["a", "b"], true],
  [11, "1-10", true],
  ["a", 1, false],
  [["x", "y"], ["a", "b"], true],
  [["a", "y"], ["a", "b"], false],
  [[], ["a"], true],
  [["a"], "a", false],
  [["20", "30"], "1-10", true],
  [["5", "20"], "1-10", false],
  [[1], 1, false],
  [["x*"], ["xyz"], false],
];

test('all-not-in matches Kyverno', () => {
  for (const [key, value, want] of CASES) {
    assert.equal(evaluateAllNotIn(key, value), want, `AllNotIn(${JSON.stringify(key)}, ${JSON.stringify(value)})`);
    assert.equal(evaluateOperator('AllNotIn', key, value), want);
  }
});
