/**
 * cel-go sets extension.
 * Expected values are cel-go's (0.30, with the Kubernetes and Kyverno libraries, as Kyverno 1.19
 * builds its environment), obtained by evaluating each expression there.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCelEnvironment } from '../environment.ts';
import { deviation, expected, runCase, type CelCase } from '../test-kit.ts';

const env = createCelEnvironment();

const cases: CelCase[] = [
  { expr: 'sets.contains([], [])', want: true, cost: 1 },
  { expr: 'sets.contains([1], [])', want: true, cost: 1 },
  { expr: 'sets.contains([1], [1])', want: true, cost: 2 },
  { expr: 'sets.contains([1], [1, 1])', want: true, cost: 3 },
  { expr: 'sets.contains([1, 1], [1])', want: true, cost: 3 },
  { expr: 'sets.contains([2, 1], [1])', want: true, cost: 3 },
  { expr: 'sets.contains([1, 2, 3, 4], [2, 3])', want: true, cost: 9 },
  { expr: 'sets.contains([1], [1.0, 1u])', compileErr: "ERROR: <input>:1:26: expected type 'double' but found 'uint'" },
  { expr: 'sets.contains([[1], [2, 3]], [[2, 3]])', want: true, cost: 3 },
  { expr: 'sets.contains([1], [2])', want: false, cost: 2 },
  { expr: 'sets.contains([1], ["1"])', compileErr: "ERROR: <input>:1:14: found no matching overload for 'sets.contains' applied to '(list(int), list(string))'" },
  { expr: 'sets.equivalent([], [])', want: true, cost: 1 },
  { expr: 'sets.equivalent([1], [1, 1])', want: true, cost: 5 },
  { expr: 'sets.equivalent([1, 2], [2, 1, 1])', want: true, cost: 13 },
  { expr: 'sets.equivalent([1, 2, 3], [3u, 2.0, 1])', compileErr: "ERROR: <input>:1:33: expected type 'uint' but found 'double'" },
  { expr: 'sets.equivalent([1, 2], [1, 2, 3])', want: false, cost: 13 },
  { expr: 'sets.intersects([1], [1])', want: true, cost: 2 },
  { expr: 'sets.intersects([1], [1.0, 2])', compileErr: "ERROR: <input>:1:28: expected type 'double' but found 'int'" },
  { expr: 'sets.intersects([], [])', want: false, cost: 1 },
  { expr: 'sets.intersects([1], [])', want: false, cost: 1 },
  { expr: 'sets.intersects([1, 2], [3])', want: false, cost: 3 },
];

for (const c of cases) {
  test(`sets-ext: ${c.expr}`, { skip: deviation(c.expr) ?? false }, async () => assert.deepStrictEqual(await runCase(env, c), expected(c)));
}
