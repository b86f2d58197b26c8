import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonValue } from '../api/json.ts';
import { evaluateNotEquals } from './not-equals.ts';
import { evaluateOperator } from './index.ts';

// Expected values: Kyverno v1.19 variables/operator handlers run by a Go program on the same inputs
// (decoded with encoding/json, so every number is a float64, as for conditions).
const CASES: [JsonValue, JsonValue, boolean][] = [
  [true, true, false],
  [true, false, true],
  [true, "true", true],
  [true, null, true],
  [1, 1, false],
  [1, 2, true],
  [1, "1", false],
  [1, "abc", true],
  [1, null, true],
  [1.5, 1.5, false],
  [1, [1], true],
  ["a", "a", false],
  ["abc", "a*", false],
  ["abc", "b*", true],
  ["a", 1, true],
  ["a", null, true],
  ["a", ["a"], true],
  ["1h", "60m", false],
  ["1h", "2h", true],
  ["1m", 60, false],
  ["0", "0s", true],
  ["1Gi", "1024Mi", false],
  ["1Gi", "2Gi", true],
  ["1Gi", "abc", true],
  ["1Gi", "", true],
  ["1", "1*", true],
  ["10", 10, true],
  [{"a": 1}, {"a": 1}, false],
  [{"a": 1}, {"a": 2}, true],
  [{"a": 1}, "x", true],
  [["a"], ["a"], false],
  [["a"], ["b"], true],
  [["a"], "a", true],
  [null, null, false],
  [null, "a", false],
];

test('not-equals matches Kyverno', () => {
  for (const [key, value, want] of CASES) {
    assert.equal(evaluateNotEquals(key, value), want, `NotEquals(${JSON.stringify(key)}, ${JSON.stringify(value)})`);
    assert.equal(evaluateOperator('NotEquals', key, value), want);
  }
});
