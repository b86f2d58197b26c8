/**
 * cel-go strings extension (version 2): code-point indexes, ASCII case mapping, Go split/replace/trim.
 * Expected values are cel-go's (0.30, with the Kubernetes and Kyverno libraries, as Kyverno 1.19
 * builds its environment), obtained by evaluating each expression there.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCelEnvironment } from '../environment.ts';
import { jsonToCel } from '../values.ts';
import { deviation, expected, runCase, type CelCase } from '../test-kit.ts';

const env = createCelEnvironment({ variables: { x: 'dyn' } });
const activation = { x: jsonToCel({ a: { b: 1 }, f: 1.5, s: "abc", l: [1, 2, 3], m: { a: 1, b: "two" } }) };

const cases: CelCase[] = [
  { expr: '"hello".charAt(1)', want: "e", cost: 1 },
  { expr: '"hello".charAt(5)', want: "", cost: 1 },
  { expr: '"hello".charAt(6)', err: "index out of range: 6" },
  { expr: '"héllo".charAt(1)', want: "é", cost: 1 },
  { expr: '"a😀b".charAt(1)', want: "😀", cost: 1 },
  { expr: '"a😀b".charAt(2)', want: "b", cost: 1 },
  { expr: '"hello mellow".indexOf("")', want: 0n, cost: 1 },
  { expr: '"hello mellow".indexOf("ello")', want: 1n, cost: 1 },
  { expr: '"hello mellow".indexOf("jello")', want: -1n, cost: 1 },
  { expr: '"hello mellow".indexOf("", 2)', want: 2n, cost: 1 },
  { expr: '"hello mellow".indexOf("ello", 2)', want: 7n, cost: 1 },
  { expr: '"hello mellow".indexOf("ello", 20)', want: -1n, cost: 1 },
  { expr: '"hello mellow".indexOf("ello", -1)', err: "index out of range: -1" },
  { expr: '"a😀b😀c".indexOf("😀")', want: 1n, cost: 1 },
  { expr: '"a😀b😀c".indexOf("😀", 2)', want: 3n, cost: 1 },
  { expr: '"hello mellow".lastIndexOf("")', want: 12n, cost: 1 },
  { expr: '"hello mellow".lastIndexOf("ello")', want: 7n, cost: 1 },
  { expr: '"hello mellow".lastIndexOf("jello")', want: -1n, cost: 1 },
  { expr: '"hello mellow".lastIndexOf("ello", 6)', want: 1n, cost: 1 },
  { expr: '"hello mellow".lastIndexOf("ello", 20)', want: -1n, cost: 1 },
  { expr: '"hello mellow".lastIndexOf("ello", -1)', err: "index out of range: -1" },
  { expr: '"a😀b😀c".lastIndexOf("😀")', want: 3n, cost: 1 },
  { expr: '"TacoCat".lowerAscii()', want: "tacocat", cost: 1 },
  { expr: '"TacoCÆt Xii".lowerAscii()', want: "tacocÆt xii", cost: 2 },
  { expr: '"tacoCat".upperAscii()', want: "TACOCAT", cost: 1 },
  { expr: '"tacoCαt".upperAscii()', want: "TACOCαT", cost: 1 },
  { expr: '"12 days 12 hours".replace("{0}", "2")', want: "12 days 12 hours", cost: 4 },
  { expr: '"{0} days {0} hours".replace("{0}", "2")', want: "2 days 2 hours", cost: 4 },
  { expr: '"{0} days {0} hours".replace("{0}", "2", 1)', want: "2 days {0} hours", cost: 4 },
  { expr: '"{0} days {0} hours".replace("{0}", "2", -1)', want: "2 days 2 hours", cost: 4 },
  { expr: '"{0} days {0} hours".replace("{0}", "2", 0)', want: "{0} days {0} hours", cost: 4 },
  { expr: '"abc".replace("", "_")', want: "_a_b_c_", cost: 1 },
  { expr: '"abc".replace("", "_", 2)', want: "_a_bc", cost: 1 },
  { expr: '"hello world".split(" ")', want: ["hello", "world"], cost: 3 },
  { expr: '"hello world events!".split(" ", 0)', want: [], cost: 4 },
  { expr: '"hello world events!".split(" ", 1)', want: ["hello world events!"], cost: 4 },
  { expr: '"hello world events!".split(" ", 2)', want: ["hello", "world events!"], cost: 4 },
  { expr: '"hello world events!".split(" ", -1)', want: ["hello", "world", "events!"], cost: 4 },
  { expr: '"abc".split("")', want: ["a", "b", "c"], cost: 1 },
  { expr: '"a😀b".split("")', want: ["a", "😀", "b"], cost: 1 },
  { expr: '"".split("")', want: [], cost: 0 },
  { expr: '"".split(",")', want: [""], cost: 0 },
  { expr: '"tacocat".substring(4)', want: "cat", cost: 1 },
  { expr: '"tacocat".substring(7)', want: "", cost: 1 },
  { expr: '"tacocat".substring(8)', err: "index out of range: 8" },
  { expr: '"tacocat".substring(0, 4)', want: "taco", cost: 1 },
  { expr: '"tacocat".substring(4, 4)', want: "", cost: 1 },
  { expr: '"tacocat".substring(4, 3)', err: "invalid substring range. start: 4, end: 3" },
  { expr: '"tacocat".substring(-1)', err: "index out of range: -1" },
  { expr: '"tacocat".substring(0, 8)', err: "index out of range: 8" },
  { expr: '"a😀b".substring(1, 2)', want: "😀", cost: 1 },
  { expr: '"  \\ttrim\\n    ".trim()', want: "trim", cost: 2 },
  { expr: '"\\u00a0x\\u00a0".trim()', want: "x", cost: 1 },
  { expr: '"\\u0085x".trim()', want: "x", cost: 1 },
  { expr: '"\\ufeffx".trim()', want: "﻿x", cost: 1 },
  { expr: '["x", "y"].join()', want: "xy", cost: 1 },
  { expr: '["x", "y"].join("-")', want: "x-y", cost: 1 },
  { expr: '[].join()', want: "", cost: 0 },
  { expr: '[].join("-")', want: "", cost: 0 },
  { expr: 'strings.quote("first\\nsecond")', want: "\"first\\nsecond\"", cost: 2 },
  { expr: 'strings.quote("bell\\a")', want: "\"bell\\a\"", cost: 1 },
  { expr: 'strings.quote("\\\\")', want: "\"\\\\\"", cost: 1 },
  { expr: 'strings.quote("ten ✓")', want: "\"ten ✓\"", cost: 1 },
  { expr: 'strings.quote("\\"quoted\\"")', want: "\"\\\"quoted\\\"\"", cost: 1 },
  { expr: '"hello".size()', want: 5n, cost: 1 },
  { expr: 'size("héllo")', want: 5n, cost: 1 },
  { expr: '"hello".contains("ell")', want: true, cost: 1 },
  { expr: '"hello".startsWith("he")', want: true, cost: 1 },
  { expr: '"hello".endsWith("lo")', want: true, cost: 1 },
  { expr: '"x".startsWith("")', want: true, cost: 0 },
];

for (const c of cases) {
  test(`strings-ext: ${c.expr}`, { skip: deviation(c.expr) ?? false }, async () => assert.deepStrictEqual(await runCase(env, c, activation), expected(c)));
}
