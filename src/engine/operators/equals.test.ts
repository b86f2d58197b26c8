import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonValue } from '../api/json.ts';
import { evaluateEquals } from './equals.ts';
import { evaluateOperator } from './index.ts';

// Expected values: Kyverno v1.19 variables/operator handlers run by a Go program on the same inputs
// (decoded with encoding/json, so every number is a float64, as for conditions).
const CASES: [JsonValue, JsonValue, boolean][] = [
  [true, true, true],
  [true, false, false],
  [true, "true", false],
  [false, null, false],
  [1, 1, true],
  [1, 1.0, true],
  [1, 2, false],
  [1, "1", true],
  [1.5, "1.5", true],
  [1000000, "1e6", true],
  [1, "1.0", true],
  [1, "abc", false],
  [1, true, false],
  [1, null, false],
  [0, null, false],
  ["1", 1, false],
  ["1", "1", true],
  ["a", "a", true],
  ["abc", "a*", true],
  ["abc", "?bc", true],
  ["a*", "abc", false],
  ["abc", "*", true],
  ["", "", true],
  ["", "*", true],
  ["a", null, false],
  ["a", ["a"], false],
  ["1h", "60m", true],
  ["1h", "3600s", true],
  ["1m", 60, true],
  ["1m", 61, false],
  ["90s", 90.9, true],
  ["0", "0s", false],
  ["0s", "0", false],
  ["0s", 0, true],
  ["1h", "1h1ns", false],
  ["1.5h", "90m", true],
  ["1Gi", "1024Mi", true],
  ["1Gi", "1G", false],
  ["1Gi", "abc", false],
  ["100m", "0.1", true],
  ["10", "1e1", true],
  ["1", "1*", false],
  ["1", 1, false],
  ["1Gi", 1073741824, false],
  [{"a": 1}, {"a": 1}, true],
  [{"a": 1}, {"a": 2}, false],
  [{"a": [1, 2]}, {"a": [1, 2]}, true],
  [{}, {}, true],
  [{"a": 1}, ["a"], false],
  [["a", "b"], ["a", "b"], true],
  [["a", "b"], ["b", "a"], false],
  [[], [], true],
  [["a"], "a", false],
  [null, null, false],
  [null, "a", false],
  ["hello", "hello-*", false],
  ["hello-world", "hello-*", true],
  ["v1.2.3", "v1.2.*", true],
];

test('equals matches Kyverno', () => {
  for (const [key, value, want] of CASES) {
    assert.equal(evaluateEquals(key, value), want, `Equals(${JSON.stringify(key)}, ${JSON.stringify(value)})`);
    assert.equal(evaluateOperator('Equals', key, value), want);
  }
});
