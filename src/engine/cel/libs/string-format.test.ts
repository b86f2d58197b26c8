/**
 * string.format of cel-go's strings extension v2 (en_US formatter), including its compile-time checks.
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
  { expr: '"%s %s".format(["hello", "world"])', want: "hello world", cost: 1 },
  { expr: '"%d".format([42])', want: "42", cost: 1 },
  { expr: '"%d".format([-7])', want: "-7", cost: 1 },
  { expr: '"%d".format([42u])', want: "42", cost: 1 },
  { expr: '"%s".format([42])', want: "42", cost: 1 },
  { expr: '"%s".format([1.5])', want: "1.5", cost: 1 },
  { expr: '"%s".format([1e21])', want: "1e+21", cost: 1 },
  { expr: '"%s".format([100.0])', want: "100", cost: 1 },
  { expr: '"%s".format([true])', want: "true", cost: 1 },
  { expr: '"%s".format([null])', want: "null", cost: 1 },
  { expr: '"%s".format([b"bytes"])', want: "bytes", cost: 1 },
  { expr: '"%s".format([duration("90s")])', want: "90s", cost: 1 },
  { expr: '"%s".format([timestamp("2024-01-01T00:00:00Z")])', want: "2024-01-01T00:00:00Z", cost: 1 },
  { expr: '"%s".format([[1, 2, 3]])', want: "[1, 2, 3]", cost: 1 },
  { expr: '"%s".format([[1, 2.5, "x", true, null]])', want: "[1, 2.500000, \"x\", true, null]", cost: 1 },
  { expr: '"%s".format([{"b": 2, "a": 1}])', want: "{\"a\":1, \"b\":2}", cost: 1 },
  { expr: '"%s".format([{1: "a", 2: "b"}])', want: "{1:\"a\", 2:\"b\"}", cost: 1 },
  { expr: '"%s".format([[b"x", duration("1s"), timestamp("2024-01-01T00:00:00Z")]])', want: "[b\"x\", duration(\"1s\"), timestamp(\"2024-01-01T00:00:00Z\")]", cost: 1 },
  { expr: '"%s".format([type(1)])', want: "int", cost: 1 },
  { expr: '"%s".format([[type("a")]])', want: "[string]", cost: 1 },
  { expr: '"%f".format([1.5])', want: "1.500000", cost: 1 },
  { expr: '"%.2f".format([1234.5])', want: "1,234.50", cost: 1 },
  { expr: '"%.0f".format([2.5])', want: "2", cost: 1 },
  { expr: '"%.0f".format([3.5])', want: "4", cost: 1 },
  { expr: '"%.2f".format([2.675])', want: "2.67", cost: 1 },
  { expr: '"%.3f".format([-1234567.891])', want: "-1,234,567.891", cost: 1 },
  { expr: '"%.10f".format([1.0/3.0])', want: "0.3333333333", cost: 12 },
  { expr: '"%f".format([1e21])', want: "1,000,000,000,000,000,000,000.000000", cost: 1 },
  { expr: '"%f".format(["NaN"])', want: "NaN", cost: 1 },
  { expr: '"%f".format(["Infinity"])', want: "∞", cost: 1 },
  { expr: '"%e".format([1234.5])', want: "1.234500×10⁰³", cost: 1 },
  { expr: '"%e".format([0.000123])', want: "1.230000×10⁻⁰⁴", cost: 1 },
  { expr: '"%e".format([-123456.0])', want: "-1.234560×10⁰⁵", cost: 1 },
  { expr: '"%e".format([0.0])', want: "0.000000×10⁰⁰", cost: 1 },
  { expr: '"%.2e".format([1.5])', want: "1.500000×10⁰⁰", cost: 1 },
  { expr: '"%b".format([5])', want: "101", cost: 1 },
  { expr: '"%b".format([-5])', want: "-101", cost: 1 },
  { expr: '"%b".format([true])', want: "1", cost: 1 },
  { expr: '"%o".format([8])', want: "10", cost: 1 },
  { expr: '"%o".format([-8])', want: "-10", cost: 1 },
  { expr: '"%x".format([255])', want: "ff", cost: 1 },
  { expr: '"%X".format([255])', want: "FF", cost: 1 },
  { expr: '"%x".format([-255])', want: "-ff", cost: 1 },
  { expr: '"%x".format(["hello"])', want: "68656c6c6f", cost: 1 },
  { expr: '"%X".format([b"\\x0f\\xf0"])', want: "0FF0", cost: 1 },
  { expr: '"%%".format([])', want: "%", cost: 1 },
  { expr: '"a%%b%s".format(["x"])', want: "a%bx", cost: 1 },
  { expr: '"%s %s".format(["a"])', compileErr: "ERROR: <input>:1:15: index 1 out of range" },
  { expr: '"%z".format([1])', compileErr: "ERROR: <input>:1:12: could not parse formatting clause: unrecognized formatting clause \"z\"" },
  { expr: '"%5d".format([1])', compileErr: "ERROR: <input>:1:13: could not parse formatting clause: unrecognized formatting clause \"5\"" },
  { expr: '"%s%".format([1])', compileErr: "ERROR: <input>:1:13: unexpected end of string" },
  { expr: '"%.f".format([1.5])', compileErr: "ERROR: <input>:1:13: could not parse formatting clause: error while parsing precision: error while converting precision to integer: strconv.Atoi: parsing \"\": invalid syntax" },
  { expr: '"%d".format([1.5])', compileErr: "ERROR: <input>:1:14: error during formatting: decimal clause can only be used on integers, was given double" },
  { expr: '"%f".format([1])', compileErr: "ERROR: <input>:1:14: error during formatting: fixed-point clause can only be used on doubles, was given int" },
  { expr: '"%x".format([1.5])', compileErr: "ERROR: <input>:1:14: error during formatting: only integers, byte buffers, and strings can be formatted as hex, was given double" },
  { expr: '"%b".format([1.5])', compileErr: "ERROR: <input>:1:14: error during formatting: only integers and bools can be formatted as binary, was given double" },
  { expr: '"%o".format([1.5])', compileErr: "ERROR: <input>:1:14: error during formatting: octal clause can only be used on integers, was given double" },
  { expr: '"%s".format([optional.of(1)])', compileErr: "ERROR: <input>:1:25: error during formatting: string clause can only be used on strings, bools, bytes, ints, doubles, maps, lists, types, durations, and timestamps, was given optional_type" },
  { expr: '"%s %d".format(["a", 1.5])', compileErr: "ERROR: <input>:1:22: error during formatting: decimal clause can only be used on integers, was given double" },
  { expr: '"%d %d".format([1, 2, 3])', compileErr: "ERROR: <input>:1:15: too many arguments supplied to string.format (expected 2, got 3)" },
  { expr: '"%d".format([x.s])', err: "error during formatting: decimal clause can only be used on integers, was given string" },
  { expr: '"%s".format([x.m])', want: "{\"a\":1, \"b\":\"two\"}", cost: 13 },
  { expr: '"%.2f".format([x.f])', want: "1.50", cost: 13 },
];

for (const c of cases) {
  test(`format: ${c.expr}`, { skip: deviation(c.expr) ?? false }, async () => assert.deepStrictEqual(await runCase(env, c, activation), expected(c)));
}
