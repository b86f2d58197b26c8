/**
 * cel-go math extension.
 * Expected values are cel-go's (0.30, with the Kubernetes and Kyverno libraries, as Kyverno 1.19
 * builds its environment), obtained by evaluating each expression there.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCelEnvironment } from '../environment.ts';
import { u, deviation, expected, runCase, type CelCase } from '../test-kit.ts';

const env = createCelEnvironment();

const cases: CelCase[] = [
  { expr: 'math.greatest(1)', want: 1n, cost: 1 },
  { expr: 'math.greatest(1.5)', want: 1.5, cost: 1 },
  { expr: 'math.greatest(1, 2)', want: 2n, cost: 1 },
  { expr: 'math.greatest(1, 2.5)', want: 2.5, cost: 1 },
  { expr: 'math.greatest(-1, 1u)', want: u(1n), cost: 1 },
  { expr: 'math.greatest(1, 5, 3)', want: 5n, cost: 4 },
  { expr: 'math.greatest(1, 2.5, 3u)', compileErr: "ERROR: <input>:1:18: expected type 'int' but found 'double'" },
  { expr: 'math.greatest([1, 5, 3])', want: 5n, cost: 4 },
  { expr: 'math.greatest([1.5, -2.5])', want: 1.5, cost: 3 },
  { expr: 'math.greatest([])', compileErr: "ERROR: <input>:1:15: math.greatest() invalid single argument value" },
  { expr: 'math.least(1)', want: 1n, cost: 1 },
  { expr: 'math.least(3, -1)', want: -1n, cost: 1 },
  { expr: 'math.least(1, 5, -3)', want: -3n, cost: 4 },
  { expr: 'math.least([3, 1, 2])', want: 1n, cost: 4 },
  { expr: 'math.least([1u, 2u])', want: u(1n), cost: 3 },
  { expr: 'math.least([])', compileErr: "ERROR: <input>:1:12: math.least() invalid single argument value" },
  { expr: 'math.ceil(1.2)', want: 2, cost: 1 },
  { expr: 'math.ceil(-1.2)', want: -1, cost: 1 },
  { expr: 'math.floor(1.8)', want: 1, cost: 1 },
  { expr: 'math.floor(-1.2)', want: -2, cost: 1 },
  { expr: 'math.round(1.5)', want: 2, cost: 1 },
  { expr: 'math.round(-1.5)', want: -2, cost: 1 },
  { expr: 'math.round(2.5)', want: 3, cost: 1 },
  { expr: 'math.round(-2.5)', want: -3, cost: 1 },
  { expr: 'math.round(0.49999999999999994)', want: 0, cost: 1 },
  { expr: 'math.trunc(-1.7)', want: -1, cost: 1 },
  { expr: 'math.trunc(1.7)', want: 1, cost: 1 },
  { expr: 'math.abs(-5)', want: 5n, cost: 1 },
  { expr: 'math.abs(5)', want: 5n, cost: 1 },
  { expr: 'math.abs(-5.5)', want: 5.5, cost: 1 },
  { expr: 'math.abs(5u)', want: u(5n), cost: 1 },
  { expr: 'math.abs(-9223372036854775808)', err: "integer overflow" },
  { expr: 'math.sign(-5)', want: -1n, cost: 1 },
  { expr: 'math.sign(0)', want: 0n, cost: 1 },
  { expr: 'math.sign(-3.5)', want: -1, cost: 1 },
  { expr: 'math.sign(0.0)', want: 0, cost: 1 },
  { expr: 'math.sign(5u)', want: u(1n), cost: 1 },
  { expr: 'math.isInf(1.0/0.0)', want: true, cost: 2 },
  { expr: 'math.isInf(1.0)', want: false, cost: 1 },
  { expr: 'math.isNaN(0.0/0.0)', want: true, cost: 2 },
  { expr: 'math.isFinite(1.0/0.0)', want: false, cost: 2 },
  { expr: 'math.isFinite(1.0)', want: true, cost: 1 },
  { expr: 'math.sqrt(16)', want: 4, cost: 1 },
  { expr: 'math.sqrt(2.25)', want: 1.5, cost: 1 },
  { expr: 'math.sqrt(-1.0)', want: NaN, cost: 1 },
  { expr: 'math.sqrt(16u)', want: 4, cost: 1 },
  { expr: 'math.bitAnd(12, 10)', want: 8n, cost: 1 },
  { expr: 'math.bitAnd(12u, 10u)', want: u(8n), cost: 1 },
  { expr: 'math.bitOr(12, 10)', want: 14n, cost: 1 },
  { expr: 'math.bitXor(12, 10)', want: 6n, cost: 1 },
  { expr: 'math.bitNot(1)', want: -2n, cost: 1 },
  { expr: 'math.bitNot(0u)', want: u(18446744073709551615n), cost: 1 },
  { expr: 'math.bitShiftLeft(1, 3)', want: 8n, cost: 1 },
  { expr: 'math.bitShiftLeft(1, 64)', want: 0n, cost: 1 },
  { expr: 'math.bitShiftLeft(1u, 63)', want: u(9223372036854775808n), cost: 1 },
  { expr: 'math.bitShiftLeft(1, -1)', err: "math.bitShiftLeft() negative offset: -1" },
  { expr: 'math.bitShiftRight(-8, 1)', want: 9223372036854775804n, cost: 1 },
  { expr: 'math.bitShiftRight(1024, 3)', want: 128n, cost: 1 },
  { expr: 'math.bitShiftRight(1024u, 70)', want: u(0n), cost: 1 },
  { expr: 'math.bitShiftRight(1, -2)', err: "math.bitShiftRight() negative offset: -2" },
];

for (const c of cases) {
  test(`math-ext: ${c.expr}`, { skip: deviation(c.expr) ?? false }, async () => assert.deepStrictEqual(await runCase(env, c), expected(c)));
}
