import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonValue } from '../api/json.ts';
import { evaluateAnyIn } from './any-in.ts';
import { evaluateOperator } from './index.ts';

// Expected values: Kyverno v1.19 variables/operator handlers run by a Go program on the same inputs
// (decoded with encoding/json, so every number is a float64, as for conditions).
const CASES: [JsonValue, JsonValue, boolean][] = [
  ["a", ["a", "b"], true],
  ["c", ["a", "b"], false],
  ["abc", ["a*"], true],
  ["a*", ["abc"], true],
  ["b", ["a*", "c"], false],
  ["a", "a", true],
  ["a", "a*", true],
  ["a", "b", false],
  [5, "1-10", true],
  [11, "1-10", false],
  ["5", "1-10", true],
  ["1Gi", "1Mi-2Gi", true],
  ["30s", "10s-1m", true],
  ["-3", "-5-5", true],
  ["5", "1!-10", false],
  [5, ">1", false],
  ["a", "[\"a\", \"b\"]", true],
  ["c", "[\"a\", \"b\"]", false],
  ["a", "[\"a\", 1]", false],
  ["a", "123", false],
  ["a", "null", false],
  ["a", "{\"a\":1}", false],
  ["a", "a,b", false],
  [1000000, ["1000000"], false],
  [1000000, ["1e+06"], true],
  [1.5, ["1.5"], true],
  [true, ["true"], true],
  ["a", 1, false],
  ["a", null, false],
  [1, 1, false],
  [null, ["a"], false],
  [{"a": 1}, ["a"], false],
  [["a", "x"], ["a", "b"], true],
  [["x", "y"], ["a", "b"], false],
  [["a*"], ["abc"], true],
  [[], ["a"], false],
  [["a"], "a", true],
  [["5", "20"], "1-10", true],
  [["20", "30"], "1-10", false],
  [["a"], "[\"a\"]", true],
  [["a"], "[\"a\", 2]", false],
  [[1, 2], [2], true],
  [[1, 2], 2, true],
  [[true], true, true],
  [["a"], null, false],
  [[{"a": 1}], ["map[a:1]"], true],
  [[null], ["<nil>"], true],
  ["2023-01-01", "2023-01-01", true],
  ["x", "2023-01-01", false],
];

test('any-in matches Kyverno', () => {
  for (const [key, value, want] of CASES) {
    assert.equal(evaluateAnyIn(key, value), want, `AnyIn(${JSON.stringify(key)}, ${JSON.stringify(value)})`);
    assert.equal(evaluateOperator('AnyIn', key, value), want);
  }
});
