/**
 * Kubernetes lists library.
 * Expected values are cel-go's (0.30, with the Kubernetes and Kyverno libraries, as Kyverno 1.19
 * builds its environment), obtained by evaluating each expression there.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCelEnvironment } from '../environment.ts';
import { u, obj, deviation, expected, runCase, type CelCase } from '../test-kit.ts';

const env = createCelEnvironment();

const cases: CelCase[] = [
  { expr: '[].isSorted()', want: true, cost: 0 },
  { expr: '[1].isSorted()', want: true, cost: 1 },
  { expr: '[1, 2, 3].isSorted()', want: true, cost: 3 },
  { expr: '[1, 3, 2].isSorted()', want: false, cost: 3 },
  { expr: '["a", "b", "c"].isSorted()', want: true, cost: 0 },
  { expr: '["b", "a"].isSorted()', want: false, cost: 0 },
  { expr: '[1.0, 1.5].isSorted()', want: true, cost: 2 },
  { expr: '[false, true].isSorted()', want: true, cost: 2 },
  { expr: '[duration("1s"), duration("2s")].isSorted()', want: true, cost: 2 },
  { expr: '[b"a", b"b"].isSorted()', want: true, cost: 0 },
  { expr: '[].sum()', want: 0n, cost: 0 },
  { expr: '[1, 2, 3].sum()', want: 6n, cost: 3 },
  { expr: '[1.5, 2.5].sum()', want: 4, cost: 2 },
  { expr: '[1u, 2u].sum()', want: u(3n), cost: 2 },
  { expr: '[duration("1s"), duration("2s")].sum()', want: obj("google.protobuf.Duration", "3s"), cost: 2 },
  { expr: '[9223372036854775807, 1].sum()', err: "integer overflow" },
  { expr: '[1, 2, 3].min()', want: 1n, cost: 3 },
  { expr: '[1, 2, 3].max()', want: 3n, cost: 3 },
  { expr: '["b", "a", "c"].min()', want: "a", cost: 0 },
  { expr: '["b", "a", "c"].max()', want: "c", cost: 0 },
  { expr: '[1.5, -2.5].min()', want: -2.5, cost: 2 },
  { expr: '[true, false].min()', want: false, cost: 2 },
  { expr: '[].min()', err: "min called on empty list" },
  { expr: '[].max()', err: "max called on empty list" },
  { expr: '[1, 2, 3, 2].indexOf(2)', want: 1n, cost: 4 },
  { expr: '[1, 2, 3, 2].lastIndexOf(2)', want: 3n, cost: 4 },
  { expr: '[1, 2, 3].indexOf(4)', want: -1n, cost: 3 },
  { expr: '["a", "b"].indexOf("b")', want: 1n, cost: 0 },
  { expr: '[1.0, 2.0].indexOf(2.0)', want: 1n, cost: 2 },
  { expr: '[[1], [2]].indexOf([2])', want: 1n, cost: 2 },
  { expr: '[].indexOf(1)', want: -1n, cost: 0 },
];

for (const c of cases) {
  test(`lists: ${c.expr}`, { skip: deviation(c.expr) ?? false }, async () => assert.deepStrictEqual(await runCase(env, c), expected(c)));
}
