/**
 * RE2 regular expressions: Kubernetes find/findAll, cel-go regex extension, matches.
 * Expected values are cel-go's (0.30, with the Kubernetes and Kyverno libraries, as Kyverno 1.19
 * builds its environment), obtained by evaluating each expression there.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCelEnvironment } from '../environment.ts';
import { jsonToCel } from '../values.ts';
import { opt, NONE, deviation, expected, runCase, type CelCase } from '../test-kit.ts';

const env = createCelEnvironment({ variables: { x: 'dyn' } });
const activation = { x: jsonToCel({ a: { b: 1 }, f: 1.5, s: "abc", l: [1, 2, 3], m: { a: 1, b: "two" } }) };

const cases: CelCase[] = [
  { expr: '"abc 123".find("[0-9]+")', want: "123", cost: 2 },
  { expr: '"abc 123".find("xyz")', want: "", cost: 1 },
  { expr: '"abc 123 456".findAll("[0-9]+")', want: ["123", "456"], cost: 4 },
  { expr: '"abc 123 456".findAll("[0-9]+", 1)', want: ["123"], cost: 4 },
  { expr: '"abc 123 456".findAll("[0-9]+", 0)', want: [], cost: 4 },
  { expr: '"abc 123 456".findAll("[0-9]+", -1)', want: ["123", "456"], cost: 4 },
  { expr: '"baaa".findAll("a*")', want: ["", "aaa"], cost: 1 },
  { expr: '"".findAll("a*")', want: [""], cost: 1 },
  { expr: '"abc".find("(")', compileErr: "error parsing regexp: missing closing ): `(`" },
  { expr: '"abc".findAll("(")', compileErr: "error parsing regexp: missing closing ): `(`" },
  { expr: '"x".find(x.s)', want: "", cost: 3 },
  { expr: '"abc".matches("^a.c$")', want: true, cost: 2 },
  { expr: '"ABC".matches("(?i)abc")', want: true, cost: 2 },
  { expr: 'matches("abc", "b")', want: true, cost: 1 },
  { expr: '"abc".matches("[")', compileErr: "ERROR: <input>:1:15: invalid matches argument" },
  { expr: '"x".matches(x.s)', want: false, cost: 3 },
  { expr: '"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!".matches("^(a+)+$")', want: false, cost: 14 },
  { expr: 'regex.replace("abc", "b", "x")', want: "axc", cost: 4 },
  { expr: 'regex.replace("banana", "a", "o")', want: "bonono", cost: 7 },
  { expr: 'regex.replace("banana", "a", "o", 2)', want: "bonona", cost: 7 },
  { expr: 'regex.replace("banana", "a", "o", 0)', want: "banana", cost: 7 },
  { expr: 'regex.replace("banana", "a", "o", -1)', want: "bonono", cost: 7 },
  { expr: 'regex.replace("abcabc", "(b)(c)", "\\\\2\\\\1")', want: "acbacb", cost: 8 },
  { expr: 'regex.replace("abc", "(b)", "\\\\\\\\")', want: "a\\c", cost: 4 },
  { expr: 'regex.replace("abc", "(b)", "\\\\3")', err: "replacement string references group 3 but regex has only 1 group(s)" },
  { expr: 'regex.replace("abc", "(b)", "\\\\x")', err: "invalid replacement string: '\\x' \\ must be followed by a digit or \\" },
  { expr: 'regex.replace("abc", "(b)", "\\\\")', err: "invalid replacement string: '\\' \\ not allowed at end" },
  { expr: 'regex.replace("abc", "(", "x")', err: "error parsing regexp: missing closing ): `(`" },
  { expr: 'regex.replace("abc", "", "-")', want: "-a-b-c-", cost: 8 },
  { expr: 'regex.extract("abc123def456", "[0-9]+")', want: opt("123"), cost: 5 },
  { expr: 'regex.extract("abc123def456", "([0-9]+)")', want: opt("123"), cost: 5 },
  { expr: 'regex.extract("abcdef", "[0-9]+")', want: NONE, cost: 4 },
  { expr: 'regex.extract("abc", "(x)?abc")', want: NONE, cost: 3 },
  { expr: 'regex.extract("abc", "(a)(b)")', err: "regular expression has more than one capturing group: \"(a)(b)\"" },
  { expr: 'regex.extractAll("a1b22c333", "[0-9]+")', want: ["1", "22", "333"], cost: 16 },
  { expr: 'regex.extractAll("a1b22c333", "([0-9])[0-9]*")', want: ["1", "2", "3"], cost: 18 },
  { expr: 'regex.extractAll("abc", "[0-9]+")', want: [], cost: 12 },
  { expr: 'regex.extractAll("abc", "(x)?b")', want: [], cost: 12 },
  { expr: 'regex.extractAll("abc", "(a)(b)")', err: "regular expression has more than one capturing group: \"(a)(b)\"" },
];

for (const c of cases) {
  test(`regex: ${c.expr}`, { skip: deviation(c.expr) ?? false }, async () => assert.deepStrictEqual(await runCase(env, c, activation), expected(c)));
}
