import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonValue } from '../api/json.ts';
import { evaluateDuration } from './duration.ts';
import { evaluateOperator } from './index.ts';

// Expected values: Kyverno v1.19 variables/operator handlers run by a Go program on the same inputs
// (decoded with encoding/json, so every number is a float64, as for conditions).
const CASES: [string, JsonValue, JsonValue, boolean][] = [
  ["DurationGreaterThan", "2h", "1h", true],
  ["DurationGreaterThan", "1h", "2h", false],
  ["DurationGreaterThanOrEquals", "1h", "60m", true],
  ["DurationLessThan", "30m", "1h", true],
  ["DurationLessThanOrEquals", "1h", "1h", true],
  ["DurationGreaterThan", "2h", 3600, true],
  ["DurationGreaterThan", 7200, "1h", true],
  ["DurationGreaterThan", 7200, 3600, true],
  ["DurationLessThan", 1.9, 2, true],
  ["DurationLessThan", 1.9, 1.2, false],
  ["DurationGreaterThan", "0", "1s", false],
  ["DurationLessThan", "0", "1s", true],
  ["DurationGreaterThan", "1h", "0", true],
  ["DurationGreaterThan", "abc", "1h", false],
  ["DurationGreaterThan", "1h", "abc", false],
  ["DurationGreaterThan", "1h", null, false],
  ["DurationGreaterThan", null, "1h", false],
  ["DurationGreaterThan", true, 1, false],
  ["DurationGreaterThan", "1h", true, false],
  ["DurationGreaterThan", "10", "1s", false],
  ["durationgreaterthan", "2h", "1h", false],
];

test('duration matches Kyverno', () => {
  for (const [op, key, value, want] of CASES) {
    assert.equal(evaluateDuration(op, key, value), want, `${op}(${JSON.stringify(key)}, ${JSON.stringify(value)})`);
    assert.equal(evaluateOperator(op, key, value), want);
  }
});
