/**
 * Kubernetes quantity library (cases include k8s.io/apiserver pkg/cel/library/quantity_test.go).
 * Expected values are cel-go's (0.30, with the Kubernetes and Kyverno libraries, as Kyverno 1.19
 * builds its environment), obtained by evaluating each expression there.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCelEnvironment } from '../environment.ts';
import { obj, deviation, expected, runCase, type CelCase } from '../test-kit.ts';

const env = createCelEnvironment();

const cases: CelCase[] = [
  { expr: 'quantity("12Mi")', want: obj("kubernetes.Quantity", "12Mi"), cost: 1 },
  { expr: 'quantity("10Mo")', err: "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'" },
  { expr: 'quantity("10Mm")', err: "unable to parse quantity's suffix" },
  { expr: 'isQuantity("20")', want: true, cost: 1 },
  { expr: 'isQuantity("20M")', want: true, cost: 1 },
  { expr: 'isQuantity("20Mi")', want: true, cost: 1 },
  { expr: 'isQuantity("20Mo")', want: false, cost: 1 },
  { expr: 'isQuantity("10Mm")', want: false, cost: 1 },
  { expr: 'quantity("200M") == quantity("200M")', want: true, cost: 3 },
  { expr: 'quantity("200M") == quantity("0.2G") && quantity("0.2G") == quantity("200M")', want: true, cost: 6 },
  { expr: 'quantity("2M") == quantity("0.002G") && quantity("2000k") == quantity("2M") && quantity("0.002G") == quantity("2000k")', want: true, cost: 9 },
  { expr: 'quantity("200M") == quantity("0.3G")', want: false, cost: 3 },
  { expr: 'quantity("50M").isLessThan(quantity("50Mi"))', want: true, cost: 3 },
  { expr: 'quantity("50M").isLessThan(quantity("100M"))', want: true, cost: 3 },
  { expr: 'quantity("100M").isLessThan(quantity("50M"))', want: false, cost: 3 },
  { expr: 'quantity("50Mi").isGreaterThan(quantity("50M"))', want: true, cost: 3 },
  { expr: 'quantity("150Mi").isGreaterThan(quantity("100Mi"))', want: true, cost: 3 },
  { expr: 'quantity("50M").isGreaterThan(quantity("100M"))', want: false, cost: 3 },
  { expr: 'quantity("200M").compareTo(quantity("0.2G"))', want: 0n, cost: 3 },
  { expr: 'quantity("50M").compareTo(quantity("50Mi"))', want: -1n, cost: 3 },
  { expr: 'quantity("50Mi").compareTo(quantity("50M"))', want: 1n, cost: 3 },
  { expr: 'quantity("50k").add(quantity("20")) == quantity("50.02k")', want: true, cost: 5 },
  { expr: 'quantity("50k").add(20).isLessThan(quantity("50020"))', want: false, cost: 4 },
  { expr: 'quantity("50k").sub(quantity("20")) == quantity("49.98k")', want: true, cost: 5 },
  { expr: 'quantity("50k").sub(20) == quantity("49980")', want: true, cost: 4 },
  { expr: 'quantity("50k").add(20).sub(quantity("100k")).asInteger()', want: -49980n, cost: 5 },
  { expr: 'quantity("50k").add(20).sub(quantity("100k")).sub(-50000).asInteger()', want: 20n, cost: 6 },
  { expr: 'quantity("50k").asInteger()', want: 50000n, cost: 2 },
  { expr: 'quantity("9999999999999999999999999999999999999G").asInteger()', err: "cannot convert value to integer" },
  { expr: 'quantity("9999999999999999999999999999999999999G").isInteger()', want: false, cost: 5 },
  { expr: 'quantity("50").isInteger()', want: true, cost: 2 },
  { expr: 'quantity("50.703k").asApproximateFloat()', want: 50703, cost: 2 },
  { expr: 'quantity("1.5Gi")', want: obj("kubernetes.Quantity", "1536Mi"), cost: 1 },
  { expr: 'quantity("1000m")', want: obj("kubernetes.Quantity", "1"), cost: 1 },
  { expr: 'quantity("1000m").isInteger()', want: false, cost: 2 },
  { expr: 'quantity("100m").asInteger()', err: "cannot convert value to integer" },
  { expr: 'quantity("1e3").asInteger()', want: 1000n, cost: 2 },
  { expr: 'quantity("-1").asInteger()', want: -1n, cost: 2 },
  { expr: 'sign(quantity("-1"))', want: -1n, cost: 2 },
  { expr: 'sign(quantity("0"))', want: 0n, cost: 2 },
  { expr: 'sign(quantity("5m"))', want: 1n, cost: 2 },
  { expr: 'quantity("1Ki") == quantity("1024")', want: true, cost: 3 },
  { expr: 'quantity("")', err: "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'" },
  { expr: 'quantity("1 Ki")', err: "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'" },
  { expr: 'quantity("1.5.5")', err: "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'" },
  { expr: 'quantity("0.1").add(quantity("0.2")) == quantity("0.3")', want: true, cost: 5 },
  { expr: 'quantity("1Gi").sub(quantity("512Mi"))', want: obj("kubernetes.Quantity", "512Mi"), cost: 3 },
  { expr: 'quantity("1").add(-1).isInteger()', want: true, cost: 3 },
];

for (const c of cases) {
  test(`quantity: ${c.expr}`, { skip: deviation(c.expr) ?? false }, async () => assert.deepStrictEqual(await runCase(env, c), expected(c)));
}
