import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonValue } from '../api/json.ts';
import { evaluateIn } from './in.ts';
import { evaluateOperator } from './index.ts';

// Expected values: Kyverno v1.19 variables/operator handlers run by a Go program on the same inputs
// (decoded with encoding/json, so every number is a float64, as for conditions).
const CASES: [JsonValue, JsonValue, boolean][] = [
  ["apple", ["apple", "banana", "cherry"], true],
  ["grape", ["apple", "banana", "cherry"], false],
  ["apple", [], false],
  ["hello", "hello", true],
  ["hello-world", "hello-*", true],
  ["goodbye-world", "hello-*", false],
  ["apple", "[\"apple\", \"banana\", \"cherry\"]", true],
  ["grape", "[\"apple\", \"banana\", \"cherry\"]", false],
  [42, ["42", "43", "44"], true],
  [99, ["42", "43", "44"], false],
  [3.14, ["3.14", "2.71"], true],
  [true, ["true", "false"], true],
  [1000000, ["1000000"], false],
  [1000000, ["1e+06"], true],
  ["a*", ["abc"], true],
  ["abc", ["a*"], true],
  ["apple", "apple,banana", false],
  ["apple", "\"apple\"", false],
  ["apple", "null", false],
  ["", "[\"a\", null]", true],
  [["apple", "banana"], ["apple", "banana", "cherry"], true],
  [["apple", "grape"], ["apple", "banana", "cherry"], false],
  [["apple", "banana"], "[\"apple\", \"banana\", \"cherry\"]", true],
  [["a*"], ["abc"], false],
  [[], ["a"], true],
  [["a"], "a", true],
  [["a"], "b", false],
  [["a"], ["a", 1], false],
  [["a"], 1, false],
  [{"foo": "bar"}, ["a", "b"], false],
  ["apple", 12345, false],
  [null, ["a"], false],
  ["5", "1-10", false],
];

test('in matches Kyverno', () => {
  for (const [key, value, want] of CASES) {
    assert.equal(evaluateIn(key, value), want, `In(${JSON.stringify(key)}, ${JSON.stringify(value)})`);
    assert.equal(evaluateOperator('In', key, value), want);
  }
});
