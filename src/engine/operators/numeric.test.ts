import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonValue } from '../api/json.ts';
import { evaluateNumeric } from './numeric.ts';
import { evaluateOperator } from './index.ts';

// Expected values: Kyverno v1.19 variables/operator handlers run by a Go program on the same inputs
// (decoded with encoding/json, so every number is a float64, as for conditions).
const CASES: [string, JsonValue, JsonValue, boolean][] = [
  ["GreaterThan", 2, 1, true],
  ["GreaterThan", 1, 2, false],
  ["GreaterThan", 1, 1, false],
  ["GreaterThanOrEquals", 1, 1, true],
  ["LessThan", 1, 2, true],
  ["LessThanOrEquals", 2, 2, true],
  ["GreaterThan", 2, "1", true],
  ["GreaterThan", 2, "1.5", true],
  ["GreaterThan", 2, "abc", false],
  ["GreaterThan", 2, null, false],
  ["GreaterThan", 2, true, false],
  ["GreaterThan", 2, [1], false],
  ["GreaterThan", 120, "1m", true],
  ["LessThan", 59, "1m", true],
  ["GreaterThan", 60.9, "1m", false],
  ["GreaterThanOrEquals", 60.9, "1m", true],
  ["GreaterThan", "2", 1, true],
  ["GreaterThan", "2", "1", true],
  ["LessThan", "1.5", 2, true],
  ["GreaterThan", "abc", 1, false],
  ["GreaterThan", "2h", "1h", true],
  ["LessThan", "30m", "1h", true],
  ["GreaterThan", "2h", 3600, true],
  ["LessThan", "1h", 7200, true],
  ["GreaterThan", "0", "1s", false],
  ["LessThan", "0", "1s", true],
  ["GreaterThan", "2Gi", "1500Mi", true],
  ["LessThan", "100m", "1", true],
  ["GreaterThanOrEquals", "1Gi", "1024Mi", true],
  ["GreaterThan", "1Gi", 1, false],
  ["GreaterThan", "2Gi", "abc", false],
  ["LessThan", "500m", "0.6", true],
  ["GreaterThan", "1.10.0", "1.9.0", true],
  ["LessThan", "1.9.0", "1.10.0", true],
  ["GreaterThanOrEquals", "1.2.3", "1.2.3", true],
  ["GreaterThan", "1.2.3", "v1.2.2", false],
  ["GreaterThan", "v1.2.3", "1.2.2", false],
  ["LessThan", "1.2.3-rc.1", "1.2.3", true],
  ["GreaterThan", "1.2.3", 1, false],
  ["GreaterThan", "1.2", "1.1", true],
  ["GreaterThan", null, 1, false],
  ["GreaterThan", true, 1, false],
  ["GreaterThan", [2], 1, false],
  ["GreaterThan", {"a": 1}, 1, false],
  ["greaterthan", 2, 1, false],
  ["GREATERTHAN", 2, 1, false],
  ["lessThan", 1, 2, false],
];

test('numeric matches Kyverno', () => {
  for (const [op, key, value, want] of CASES) {
    assert.equal(evaluateNumeric(op, key, value), want, `${op}(${JSON.stringify(key)}, ${JSON.stringify(value)})`);
    assert.equal(evaluateOperator(op, key, value), want);
  }
});
