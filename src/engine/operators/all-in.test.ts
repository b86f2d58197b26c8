import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonValue } from '../api/json.ts';
import { evaluateAllIn } from './all-in.ts';
import { evaluateOperator } from './index.ts';

// Expected values: Kyverno v1.19 variables/operator handlers run by a Go program on the same inputs
// (decoded with encoding/json, so every number is a float64, as for conditions).
const CASES: [JsonValue, JsonValue, boolean][] = [
  ["a", ["a", "b"], true],
  ["c", ["a", "b"], false],
  [5, "1-10", true],
  ["a", 1, false],
  [["a", "b"], ["a", "b", "c"], true],
  [["a", "x"], ["a", "b"], false],
  [[], ["a"], true],
  [[], [], true],
  [["a*"], ["abc", "x"], true],
  [["a"], "a", true],
  [["5", "6"], "1-10", true],
  [["5", "20"], "1-10", false],
  [["a", "b"], "[\"a\", \"b\"]", true],
  [["a"], "[\"a\", 1]", false],
  [[1], 1, false],
  [[true], true, false],
  [["a"], null, false],
  [[1, 2], [1, 2, 3], true],
];

test('all-in matches Kyverno', () => {
  for (const [key, value, want] of CASES) {
    assert.equal(evaluateAllIn(key, value), want, `AllIn(${JSON.stringify(key)}, ${JSON.stringify(value)})`);
    assert.equal(evaluateOperator('AllIn', key, value), want);
  }
});
