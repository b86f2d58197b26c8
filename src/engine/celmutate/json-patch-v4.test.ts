/**
 * JSON Patch with gopkg.in/evanphx/json-patch.v4 semantics. Expected values: its patch_test.go Cases and
 * BadCases, with the error texts as v4.13.0 `Patch.Apply` prints them (checked with a Go program).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonObject, JsonValue } from '../api/json.ts';
import { applyJsonPatchV4, JsonPatchError, type JsonPatchOp } from './json-patch-v4.ts';

const ok: Array<[string, JsonPatchOp[], JsonValue]> = [
  ['{"foo":"bar"}', [{ op: 'add', path: '/baz', value: 'qux' }], { baz: 'qux', foo: 'bar' }],
  ['{"foo":["bar","baz"]}', [{ op: 'add', path: '/foo/1', value: 'qux' }], { foo: ['bar', 'qux', 'baz'] }],
  ['{"foo":["bar","baz"]}', [{ op: 'add', path: '/foo/-1', value: 'qux' }], { foo: ['bar', 'baz', 'qux'] }],
  ['{"baz":"qux","foo":"bar"}', [{ op: 'remove', path: '/baz' }], { foo: 'bar' }],
  ['{"foo":["bar","qux","baz"]}', [{ op: 'remove', path: '/foo/1' }], { foo: ['bar', 'baz'] }],
  ['{"baz":"qux","foo":"bar"}', [{ op: 'replace', path: '/baz', value: 'boo' }], { baz: 'boo', foo: 'bar' }],
  ['{"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}}', [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }], { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } }],
  ['{"foo":["all","grass","cows","eat"]}', [{ op: 'move', from: '/foo/1', path: '/foo/3' }], { foo: ['all', 'cows', 'eat', 'grass'] }],
  ['{"foo":["all","grass","cows","eat"]}', [{ op: 'move', from: '/foo/1', path: '/foo/2' }], { foo: ['all', 'cows', 'grass', 'eat'] }],
  ['{"foo":["bar"]}', [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }], { foo: ['bar', ['abc', 'def']] }],
  ['{"foo":"bar","qux":{"baz":1,"bar":null}}', [{ op: 'remove', path: '/qux/bar' }], { foo: 'bar', qux: { baz: 1 } }],
  ['{"foo":"bar"}', [{ op: 'add', path: '/baz', value: null }], { baz: null, foo: 'bar' }],
  ['{"foo":["bar","qux","baz"]}', [{ op: 'replace', path: '/foo/1', value: 'bum' }], { foo: ['bar', 'bum', 'baz'] }],
  ['{"foo":["bar","qux","baz"],"bar":["qux","baz"]}', [{ op: 'copy', from: '/foo/0', path: '/bar/0' }], { foo: ['bar', 'qux', 'baz'], bar: ['bar', 'qux', 'baz'] }],
  ['{"foo":["bar"]}', [{ op: 'copy', path: '/foo/0', from: '/foo' }], { foo: [['bar'], 'bar'] }],
  ['{"foo":"bar"}', [{ op: 'replace', path: '/baz', value: 1 }], { baz: 1, foo: 'bar' }],
  ['{"a":{"b":"c"}}', [{ op: 'add', path: '/a/x~1y~0z', value: 1 }], { a: { b: 'c', 'x/y~z': 1 } }],
  ['{"a":{"b":[1,{"c":2}]}}', [{ op: 'test', path: '/a/b', value: [1, { c: 2 }] }, { op: 'add', path: '/ok', value: true }], { a: { b: [1, { c: 2 }] }, ok: true }],
  ['{"a":1}', [{ op: 'test', path: '/missing' }], { a: 1 }],
];

for (const [doc, ops, want] of ok) {
  test(`json-patch v4: ${JSON.stringify(ops)}`, () => {
    assert.deepEqual(applyJsonPatchV4(JSON.parse(doc) as JsonObject, ops), want);
  });
}

const bad: Array<[string, JsonPatchOp[], string]> = [
  ['{"foo":"bar"}', [{ op: 'add', path: '/baz/bat', value: 'qux' }], 'add operation does not apply: doc is missing path: "/baz/bat": missing value'],
  ['{"a":{"b":{"d":1}}}', [{ op: 'remove', path: '/a/b/c' }], "error in remove for path: '/a/b/c': Unable to remove nonexistent key: c: missing value"],
  ['{"a":{"b":{"d":1}}}', [{ op: 'move', from: '/a/b/c', path: '/a/b/e' }], "error in move for path: 'c': Unable to remove nonexistent key: c: missing value"],
  ['{"a":{"b":[1]}}', [{ op: 'remove', path: '/a/b/1' }], "error in remove for path: '/a/b/1': Unable to access invalid index: 1: invalid index referenced"],
  ['{"foo":"bar"}', [{ op: 'add', path: '', value: 'qux' }], 'add operation does not apply: doc is missing path: "": missing value'],
  ['{"foo":["bar","baz"]}', [{ op: 'replace', path: '/foo/2', value: 'bum' }], 'replace operation does not apply: doc is missing key: /foo/2: missing value'],
  ['{"foo":["bar","baz"]}', [{ op: 'add', path: '/foo/-4', value: 'bum' }], "error in add for path: '/foo/-4': Unable to access invalid index: -4: invalid index referenced"],
  ['{"name":{"foo":"bat","qux":"bum"}}', [{ op: 'replace', path: '/foo/bar', value: 'baz' }], 'replace operation does not apply: doc is missing path: /foo/bar: missing value'],
  ['{"foo":["bar"]}', [{ op: 'add', path: '/foo/2', value: 'bum' }], "error in add for path: '/foo/2': Unable to access invalid index: 2: invalid index referenced"],
  ['{"foo":[]}', [{ op: 'remove', path: '/foo/-' }], "error in remove for path: '/foo/-': strconv.Atoi: parsing \"-\": invalid syntax"],
  ['{"foo":[]}', [{ op: 'remove', path: '/foo/-1' }], "error in remove for path: '/foo/-1': Unable to access invalid index: -1: invalid index referenced"],
  ['{"foo":["bar"]}', [{ op: 'remove', path: '/foo/-2' }], "error in remove for path: '/foo/-2': Unable to access invalid index: -2: invalid index referenced"],
  ['{"foo":["bar"]}', [{ op: 'copy', path: '/foo/2', from: '/foo/0' }], 'error while adding value during copy: Unable to access invalid index: 2: invalid index referenced'],
  ['{"foo":1}', [{ op: 'bogus', path: '/foo' }], 'Unexpected kind: bogus'],
  ['{"foo":[1,2]}', [{ op: 'add', path: '/foo/x', value: 3 }], "error in add for path: '/foo/x': value was not a proper array index: 'x': strconv.Atoi: parsing \"x\": invalid syntax"],
  ['{"a":1}', [{ op: 'move', from: '/missing', path: '/b' }], "error in move for path: 'missing': Unable to remove nonexistent key: missing: missing value"],
];

for (const [doc, ops, message] of bad) {
  test(`json-patch v4 error: ${message}`, () => {
    assert.throws(() => applyJsonPatchV4(JSON.parse(doc) as JsonObject, ops), (e: unknown) => e instanceof JsonPatchError && e.code === 'APPLY' && e.message === message);
  });
}

test('json-patch v4: a failed test is TEST_FAILED (a null value given explicitly does not match a missing member)', () => {
  for (const op of [
    { op: 'test', path: '/foo', value: 'baz' },
    { op: 'test', path: '/baz', value: null },
  ]) {
    assert.throws(() => applyJsonPatchV4({ foo: 'bar' }, [op]), (e: unknown) => e instanceof JsonPatchError && e.code === 'TEST_FAILED' && e.message === `testing value ${op.path} failed: test failed`);
  }
});

test('json-patch v4: the input is not modified', () => {
  const doc = { a: [1, 2], b: { c: 1 } };
  applyJsonPatchV4(doc, [
    { op: 'remove', path: '/a/0' },
    { op: 'add', path: '/b/d', value: 2 },
  ]);
  assert.deepEqual(doc, { a: [1, 2], b: { c: 1 } });
});
