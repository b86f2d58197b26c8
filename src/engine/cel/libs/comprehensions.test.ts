/**
 * cel-go two-variable comprehensions.
 * Expected values are cel-go's (0.30, with the Kubernetes and Kyverno libraries, as Kyverno 1.19
 * builds its environment), obtained by evaluating each expression there.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCelEnvironment } from '../environment.ts';
import { jsonToCel } from '../values.ts';
import { mapOf, deviation, expected, runCase, type CelCase } from '../test-kit.ts';

const env = createCelEnvironment({ variables: { x: 'dyn' } });
const activation = { x: jsonToCel({ a: { b: 1 }, f: 1.5, s: "abc", l: [1, 2, 3], m: { a: 1, b: "two" } }) };

const cases: CelCase[] = [
  { expr: '[1, 2, 3].all(i, v, v > i)', want: true, cost: 19 },
  { expr: '[1, 2, 3].all(i, v, v > 1)', want: false, cost: 8 },
  { expr: '[1, 2, 3].exists(i, v, v == 2)', want: true, cost: 16 },
  { expr: '[1, 2, 3].exists(i, v, v == 5)', want: false, cost: 19 },
  { expr: '[1, 2, 3].existsOne(i, v, v > 1)', want: false, cost: 12 },
  { expr: '[1, 2, 3].existsOne(i, v, v == 1)', want: true, cost: 10 },
  { expr: '[1, 2, 3].exists_one(i, v, v == 1)', want: true, cost: 10 },
  { expr: '[1, 2, 3].transformList(i, v, v * i)', want: [0n, 2n, 6n], cost: 46 },
  { expr: '[1, 2, 3].transformList(i, v, v > 1, v)', want: [2n, 3n], cost: 33 },
  { expr: '["a", "b"].transformMap(i, v, v + "!")', want: mapOf([[0n, "a!"], [1n, "b!"]]), cost: 11 },
  { expr: '{"a": 1, "b": 2}.transformMap(k, v, v + 1)', want: { a: 2n, b: 3n }, cost: 11 },
  { expr: '{"a": 1, "b": 2}.transformMap(k, v, v > 1, v)', want: { b: 2n }, cost: 9 },
  { expr: '{"a": 1}.transformMapEntry(k, v, {k + "x": v})', want: { ax: 1n }, cost: 36 },
  { expr: '{"a": 1, "b": 2}.transformMapEntry(k, v, v > 1, {v: k})', want: mapOf([[2n, "b"]]), cost: 39 },
  { expr: '{"a": 1, "b": 2}.transformMapEntry(k, v, {"same": v})', err: "insert failed: key same already exists" },
  { expr: '{"a": 1, "b": 2}.all(k, v, v > 0)', want: true, cost: 11 },
  { expr: '{"a": 1}.exists(k, v, k == "a" && v == 1)', want: true, cost: 9 },
  { expr: '[1, 2, 3].exists(i, v, i == 0 && v == 1)', want: true, cost: 12 },
  { expr: '{"a": 1}.transformList(k, v, k + string(v))', want: ["a1"], cost: 17 },
  { expr: '[1, 2].all(i, i, i > 0)', compileErr: "ERROR: <input>:1:15: duplicate variable name: i" },
  { expr: '[0, 1].all(i, v, 1 / v > 0)', err: "division by zero" },
  { expr: '[0, 1].exists(i, v, 1 / v > 0)', want: true, cost: 14 },
  { expr: '[].all(i, v, v > 0)', want: true, cost: 1 },
  { expr: 'x.l.transformList(i, v, i + v)', want: [1n, 3n, 5n], cost: 48 },
  { expr: 'x.m.transformMap(k, v, string(v))', want: { a: "1", b: "two" }, cost: 13 },
];

for (const c of cases) {
  test(`comprehensions: ${c.expr}`, { skip: deviation(c.expr) ?? false }, async () => assert.deepStrictEqual(await runCase(env, c, activation), expected(c)));
}
