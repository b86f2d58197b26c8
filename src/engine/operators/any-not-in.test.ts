import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonValue } from '../api/json.ts';
import { evaluateAnyNotIn } from './any-not-in.ts';
import { evaluateOperator } from './index.ts';

// Expected values: Kyverno v1.19 variables/operator handlers run by a Go program on the same inputs
// (decoded with encoding/json, so every number is a float64, as for conditions).
const CASES: [JsonValue, JsonValue, boolean][] = [
  ["a", ["a", "b"], false],
  ["c", ["a", "b"], true],
  ["abc", ["a*"], false],
  [5, "1-10", false],
  [11, "1-10", true],
  ["a", 1, false],
  ["a", "[\"a\", 1]", false],
  [["a", "x"], ["a", "b"], true],
  [["a", "b"], ["a", "b"], false],
  [[], ["a"], false],
  [["a"], "a", false],
  [["5", "20"], "1-10", true],
  [["5", "6"], "1-10", false],
  [["-3"], "-5-5", true],
  [[1], 1, false],
  [[1], 2, true],
  [["a"], null, false],
];

test('any-not-in matches Kyverno', () => {
  for (const [key, value, want] of CASES) {
    assert.equal(evaluateAnyNotIn(key, value), want, `AnyNotIn(${JSON.stringify(key)}, ${JSON.stringify(value)})`);
    assert.equal(evaluateOperator('AnyNotIn', key, value), want);
  }
});
