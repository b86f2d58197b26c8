/**
 * The public API: compile cache, error classes, the declaration table (`kyverno jp function`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  JmesPathError,
  NotFoundError,
  createJmesPath,
  functionDeclarations,
  functionSignature,
  isJmesPathError,
} from './index.ts';
import { fixedEnv } from './rows.test.ts';

// Kyverno's GetFunctions(): name, FunctionEntry.String() without the note, and the note.
const kyvernoFunctions = [
  { name: "compare", signature: "compare(string, string) number", note: "compares two strings lexicographically" },
  { name: "equal_fold", signature: "equal_fold(string, string) bool", note: "allows comparing two strings for equivalency where the only differences are letter cases" },
  { name: "replace", signature: "replace(string, string, string, number) string", note: "replaces a specified number of instances of the source string with the replacement string in a parent " },
  { name: "replace_all", signature: "replace_all(string, string, string) string", note: "replace all instances of one string with another in an overall parent string" },
  { name: "to_upper", signature: "to_upper(string) string", note: "takes in a string and outputs the same string with all upper-case letters" },
  { name: "to_lower", signature: "to_lower(string) string", note: "takes in a string and outputs the same string with all lower-case letters" },
  { name: "trim", signature: "trim(string, string) string", note: "trims both ends of the source string by characters appearing in the second string" },
  { name: "trim_prefix", signature: "trim_prefix(string, string) string", note: "trims the second string prefix from the first string if the first string starts with the prefix" },
  { name: "split", signature: "split(string, string) array[string]", note: "splits the first string when the second string is found and converts it into an array " },
  { name: "regex_replace_all", signature: "regex_replace_all(string, string|number, string|number) string", note: "converts all parameters to string" },
  { name: "regex_replace_all_literal", signature: "regex_replace_all_literal(string, string|number, string|number) string", note: "converts all parameters to string" },
  { name: "regex_match", signature: "regex_match(string, string|number) bool", note: "first string is the regular exression which is compared with second input which can be a number or string" },
  { name: "pattern_match", signature: "pattern_match(string, string|number) bool", note: "'*' matches zero or more alphanumeric characters, '?' matches a single alphanumeric character" },
  { name: "label_match", signature: "label_match(object, object) bool", note: "object arguments must be enclosed in backticks; ex. `{{request.object.spec.template.metadata.labels}}`" },
  { name: "to_boolean", signature: "to_boolean(string) bool", note: "It returns true or false for any string, such as 'True', 'TruE', 'False', 'FAlse', 'faLSE', etc." },
  { name: "add", signature: "add(any, any) any", note: "does arithmetic addition of two specified values of numbers, quantities, and durations" },
  { name: "sum", signature: "sum(array) any", note: "does arithmetic addition of specified array of values of numbers, quantities, and durations" },
  { name: "subtract", signature: "subtract(any, any) any", note: "does arithmetic subtraction of two specified values of numbers, quantities, and durations" },
  { name: "multiply", signature: "multiply(any, any) any", note: "does arithmetic multiplication of two specified values of numbers, quantities, and durations" },
  { name: "divide", signature: "divide(any, any) any", note: "divisor must be non zero" },
  { name: "modulo", signature: "modulo(any, any) any", note: "divisor must be non-zero, arguments must be integers" },
  { name: "round", signature: "round(number, number) number", note: "does roundoff to upto the given decimal places" },
  { name: "base64_decode", signature: "base64_decode(string) string", note: "decodes a base 64 string" },
  { name: "base64_encode", signature: "base64_encode(string) string", note: "encodes a regular, plaintext and unencoded string to base64" },
  { name: "time_since", signature: "time_since(string, string, string) string", note: "calculate the difference between a start and end period of time where the end may either be a static definition or the then-current time" },
  { name: "time_now", signature: "time_now() string", note: "returns current time in RFC 3339 format" },
  { name: "time_now_utc", signature: "time_now_utc() string", note: "returns current UTC time in RFC 3339 format" },
  { name: "path_canonicalize", signature: "path_canonicalize(string) string", note: "normalizes or canonicalizes a given path by removing excess slashes" },
  { name: "truncate", signature: "truncate(string, number) string", note: "length argument must be enclosed in backticks; ex. \"{{request.object.metadata.name | truncate(@, `9`)}}\"" },
  { name: "semver_compare", signature: "semver_compare(string, string) bool", note: "compares two strings which comply with the semantic versioning schema and outputs a boolean response as to the position of the second relative to the first" },
  { name: "parse_json", signature: "parse_json(string) any", note: "decodes a valid JSON encoded string to the appropriate type. Opposite of `to_string` function" },
  { name: "parse_yaml", signature: "parse_yaml(string) any", note: "decodes a valid YAML encoded string to the appropriate type provided it can be represented as JSON" },
  { name: "lookup", signature: "lookup(object|array, string|number) any", note: "returns the value corresponding to the given key/index in the given object/array" },
  { name: "items", signature: "items(object|array, string, string) array", note: "converts a map or array to an array of objects where each key:value is an item in the array" },
  { name: "object_from_lists", signature: "object_from_lists(array, array) object", note: "converts a pair of lists containing keys and values to an object" },
  { name: "random", signature: "random(string) string", note: "Generates a random sequence of characters" },
  { name: "x509_decode", signature: "x509_decode(string) object", note: "decodes an x.509 certificate to an object. you may also use this in conjunction with `base64_decode` jmespath function to decode a base64-encoded certificate" },
  { name: "time_to_cron", signature: "time_to_cron(string) string", note: "converts a time (RFC 3339) to a cron expression (string)." },
  { name: "time_add", signature: "time_add(string, string) string", note: "adds duration (second string) to a time value (first string)" },
  { name: "time_parse", signature: "time_parse(string, string) string", note: "changes a time value of a given layout to RFC 3339" },
  { name: "time_utc", signature: "time_utc(string) string", note: "calcutes time in UTC from a given time in RFC 3339 format" },
  { name: "time_diff", signature: "time_diff(string, string) string", note: "calculate the difference between a start and end date in RFC3339 format" },
  { name: "time_before", signature: "time_before(string, string) bool", note: "checks if a time is before another time, both in RFC3339 format" },
  { name: "time_after", signature: "time_after(string, string) bool", note: "checks if a time is after another time, both in RFC3339 format" },
  { name: "time_between", signature: "time_between(string, string, string) bool", note: "checks if a time is between a start and end time, all in RFC3339 format" },
  { name: "time_truncate", signature: "time_truncate(string, string) string", note: "returns the result of rounding time down to a multiple of duration" },
  { name: "image_normalize", signature: "image_normalize(string) string", note: "normalizes an image reference" },
  { name: "is_external_url", signature: "is_external_url(string) bool", note: "determine if a URL points to an external network address" },
  { name: "sha256", signature: "sha256(string) string", note: "generate unique resources name if length exceeds the limit" },
  { name: "sha1", signature: "sha1(string) string", note: "generate a SHA-1 hash" },
  { name: "md5", signature: "md5(string) string", note: "generates an MD5 hash" },
];

test('declarations: the 51 Kyverno functions with Kyverno signatures and notes', () => {
  const ours = functionDeclarations.filter((d) => d.kyverno);
  assert.equal(ours.length, 51);
  for (const want of kyvernoFunctions) {
    const d = ours.find((x) => x.name === want.name);
    assert.ok(d, `missing ${want.name}`);
    assert.equal(functionSignature(d), want.signature);
    assert.equal(d.note, want.note);
    assert.equal(functionSignature(d, true), `${want.signature} (${want.note})`);
  }
});

test('declarations: go-jmespath built-ins are listed too (sum is Kyverno\'s)', () => {
  const builtins = functionDeclarations.filter((d) => !d.kyverno).map((d) => d.name);
  assert.deepEqual(builtins, [
    'abs', 'avg', 'ceil', 'contains', 'ends_with', 'floor', 'join', 'keys', 'length', 'map', 'max', 'max_by',
    'merge', 'min', 'min_by', 'not_null', 'reverse', 'sort', 'sort_by', 'starts_with', 'to_array', 'to_number',
    'to_string', 'type', 'values',
  ]);
  const names = functionDeclarations.map((d) => d.name);
  assert.deepEqual(names, [...names].sort());
});

test('compile: syntax errors are thrown at compile time, results are cached per instance', () => {
  const jp = createJmesPath(fixedEnv);
  assert.throws(() => jp.compile('a +'), (e: unknown) => e instanceof JmesPathError && e.code === 'JMESPATH_SYNTAX');
  const q = jp.compile('a.b');
  assert.equal(q.expression, 'a.b');
  assert.equal(jp.compile('a.b'), q);
  assert.equal(q.search({ a: { b: 1 } }), 1);
  assert.equal(jp.search('a.b', { a: { b: 2 } }), 2);
  // another instance has its own cache
  assert.notEqual(createJmesPath(fixedEnv).compile('a.b'), q);
});

test('search: NotFoundError and JmesPathError carry stable codes', () => {
  const jp = createJmesPath(fixedEnv);
  try {
    jp.search('request.object.metadata.labels.app', { request: { object: { metadata: {} } } });
    assert.fail('expected NotFoundError');
  } catch (err) {
    assert.ok(err instanceof NotFoundError);
    assert.equal(err.code, 'JMESPATH_NOT_FOUND');
    assert.equal(err.key, 'labels');
    assert.equal(err.message, 'Unknown key "labels" in path');
    assert.ok(isJmesPathError(err));
  }
  const codes: Record<string, string> = {
    'foo(`1`)': 'JMESPATH_UNKNOWN_FUNCTION',
    'length(`1`, `2`)': 'JMESPATH_ARITY',
    'length(`1`)': 'JMESPATH_TYPE',
    "to_boolean('x')": 'JMESPATH_FUNCTION',
    'a[::0]': 'JMESPATH_RUNTIME',
    'sort_by(items(`{}`, \'k\', \'v\'), &k)': 'JMESPATH_PANIC',
  };
  for (const [expr, code] of Object.entries(codes)) {
    assert.throws(() => jp.search(expr, { a: [1] }), (e: unknown) => e instanceof JmesPathError && e.code === code, expr);
  }
});

test('search: Go-only values become plain JSON at the boundary', () => {
  const jp = createJmesPath(fixedEnv);
  assert.deepEqual(jp.search("{c: compare('a', 'b'), i: items(`{\"x\": 1}`, 'k', 'v')}", {}), {
    c: -1,
    i: [{ k: 'x', v: 1 }],
  });
  assert.ok(Array.isArray(jp.search("items(`{\"x\": 1}`, 'k', 'v')", {})));
  assert.deepEqual(jp.search('&a', {}), {});
});

test('search: the compile cache is bounded', () => {
  const jp = createJmesPath(fixedEnv);
  const first = jp.compile('x0');
  for (let i = 1; i <= 5000; i++) jp.compile(`x${i}`);
  assert.notEqual(jp.compile('x0'), first);
});
