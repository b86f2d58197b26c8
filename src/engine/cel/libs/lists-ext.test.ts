/**
 * cel-go lists extension (version 3) and the optional library's first()/last().
 * Expected values are cel-go's (0.30, with the Kubernetes and Kyverno libraries, as Kyverno 1.19
 * builds its environment), obtained by evaluating each expression there.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCelEnvironment } from '../environment.ts';
import { opt, NONE, obj, deviation, expected, runCase, type CelCase } from '../test-kit.ts';

const env = createCelEnvironment();

const cases: CelCase[] = [
  { expr: '[1, 2, 3, 4].slice(0, 4)', want: [1n, 2n, 3n, 4n], cost: 15 },
  { expr: '[1, 2, 3, 4].slice(0, 0)', want: [], cost: 11 },
  { expr: '[1, 2, 3, 4].slice(1, 1)', want: [], cost: 11 },
  { expr: '[1, 2, 3, 4].slice(4, 4)', want: [], cost: 11 },
  { expr: '[1, 2, 3, 4].slice(1, 3)', want: [2n, 3n], cost: 13 },
  { expr: '[1, 2, 3, 4].slice(3, 0)', err: "cannot slice(3, 0), start index must be less than or equal to end index" },
  { expr: '[1, 2, 3, 4].slice(0, 10)', err: "cannot slice(0, 10), list is length 4" },
  { expr: '[1, 2, 3, 4].slice(-5, 10)', err: "cannot slice(-5, 10), negative indexes not supported" },
  { expr: '[1, 2, 3, 4].slice(-5, -3)', err: "cannot slice(-5, -3), negative indexes not supported" },
  { expr: '[].flatten()', want: [], cost: 11 },
  { expr: '[1, [2, [3, 4]]].flatten()', compileErr: "ERROR: <input>:1:5: expected type 'int' but found 'list(dyn)'" },
  { expr: '[1, [2, [3, 4]]].flatten(2)', compileErr: "ERROR: <input>:1:5: expected type 'int' but found 'list(dyn)'" },
  { expr: '[1, [2, [3, [4]]]].flatten(-1)', compileErr: "ERROR: <input>:1:5: expected type 'int' but found 'list(dyn)'" },
  { expr: '[[1, 2], [3]].flatten()', want: [1n, 2n, 3n], cost: 13 },
  { expr: '[].sort()', want: [], cost: 11 },
  { expr: '[1].sort()', want: [1n], cost: 13 },
  { expr: '[4, 3, 2, 1].sort()', want: [1n, 2n, 3n, 4n], cost: 43 },
  { expr: '["d", "a", "b", "c"].sort()', want: ["a", "b", "c", "d"], cost: 44 },
  { expr: '[duration("3s"), duration("1s")].sort()', want: [obj("google.protobuf.Duration", "1s"), obj("google.protobuf.Duration", "3s")], cost: 19 },
  { expr: '[true, false, true].sort()', want: [false, true, true], cost: 29 },
  { expr: '["b", 1].sort()', compileErr: "ERROR: <input>:1:7: expected type 'string' but found 'int'" },
  { expr: '[[1], [2]].sort()', compileErr: "ERROR: <input>:1:16: found no matching overload for 'sort' applied to 'list(list(int)).()'" },
  { expr: '[3, 1, 2].sortBy(e, e)', want: [1n, 2n, 3n], cost: 71 },
  { expr: '[3, 1, 2].sortBy(e, -e)', want: [3n, 2n, 1n], cost: 74 },
  { expr: '[{"n": "b"}, {"n": "a"}].sortBy(e, e.n)', want: [{ n: "a" }, { n: "b" }], cost: 50 },
  { expr: '[].sortBy(e, e)', want: [], cost: 14 },
  { expr: 'lists.range(4)', want: [0n, 1n, 2n, 3n], cost: 15 },
  { expr: 'lists.range(0)', want: [], cost: 11 },
  { expr: 'lists.range(-1)', err: "lists.range: size must be non-negative, got -1" },
  { expr: '[1, 2, 3].reverse()', want: [3n, 2n, 1n], cost: 14 },
  { expr: '[].reverse()', want: [], cost: 11 },
  { expr: '[1, 2, 2, 3, 1].distinct()', want: [1n, 2n, 3n], cost: 61 },
  { expr: '["a", "b", "a"].distinct()', want: ["a", "b"], cost: 29 },
  { expr: '[1, 1.0, 1u].distinct()', compileErr: "ERROR: <input>:1:5: expected type 'int' but found 'double'" },
  { expr: '[[1], [1], [2]].distinct()', want: [[1n], [2n]], cost: 29 },
  { expr: '[].distinct()', want: [], cost: 11 },
  { expr: '[1, 2, 3].first()', want: opt(1n), cost: 1 },
  { expr: '[].first()', want: NONE, cost: 1 },
  { expr: '[1, 2, 3].last()', want: opt(3n), cost: 1 },
  { expr: '[].last()', want: NONE, cost: 1 },
  { expr: '[1, 2].first().value()', want: 1n, cost: 2 },
];

for (const c of cases) {
  test(`lists-ext: ${c.expr}`, { skip: deviation(c.expr) ?? false }, async () => assert.deepStrictEqual(await runCase(env, c), expected(c)));
}
