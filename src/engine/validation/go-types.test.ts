import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonValue } from '../api/json.ts';
import { goDeepEqual, goStructJson, IMAGE_VERIFICATION, isGoZero, LABEL_SELECTOR, MATCH_RESOURCES, RESOURCE_DESCRIPTION, RULE, type GoType } from './go-types.ts';

// Expected texts are what Kyverno v1.19.0 prints for these values in field errors (json.Marshal of the
// typed structs), as seen in its validation messages.
const json: Array<[string, GoType, JsonValue, string]> = [
  ['rule: match always written, empty resources kept', RULE, { name: 'r', match: { any: [{ resources: { kinds: ['Pod'] } }] } }, '{"name":"r","match":{"any":[{"resources":{"kinds":["Pod"]}}],"resources":{}}}'],
  ['rule: struct field order, not input order', RULE, { validate: { deny: {} }, match: { any: [{ resources: { kinds: ['Pod'] } }] }, name: 'r' }, '{"name":"r","match":{"any":[{"resources":{"kinds":["Pod"]}}],"resources":{}},"validate":{"deny":{}}}'],
  ['rule: user info inlined before resources', RULE, { name: 'x', match: { resources: { kinds: ['Pod'] }, subjects: [{ name: 's', kind: 'User' }], roles: ['a:b'] } }, '{"name":"x","match":{"roles":["a:b"],"subjects":[{"kind":"User","name":"s"}],"resources":{"kinds":["Pod"]}}}'],
  ['image verification: non-omitempty booleans and validate struct', IMAGE_VERIFICATION, { attestors: [{ entries: [{ keys: { publicKeys: 'k' } }] }] }, '{"attestors":[{"entries":[{"keys":{"publicKeys":"k"}}]}],"mutateDigest":false,"verifyDigest":false,"validate":{},"required":false,"useCache":false}'],
  ['resource description', RESOURCE_DESCRIPTION, { names: ['b'], name: 'a', kinds: ['Pod'] }, '{"kinds":["Pod"],"name":"a","names":["b"]}'],
  ['label selector without values', LABEL_SELECTOR, { matchExpressions: [{ operator: 'Foo', key: 'a' }] }, '{"matchExpressions":[{"key":"a","operator":"Foo"}]}'],
  ['match resources any+all', MATCH_RESOURCES, { all: [{ resources: { kinds: ['Pod'] } }], any: [{ resources: { kinds: ['Pod'] } }] }, '{"any":[{"resources":{"kinds":["Pod"]}}],"all":[{"resources":{"kinds":["Pod"]}}],"resources":{}}'],
  ['free-form values: sorted keys, HTML escaped', RULE, { name: 'r', match: {}, validate: { pattern: { b: '<x>', a: 1 } } }, '{"name":"r","match":{"resources":{}},"validate":{"pattern":{"a":1,"b":"\\u003cx\\u003e"}}}'],
  ['unknown fields dropped, null pointers omitted', RULE, { name: 'r', match: {}, bogus: 1, validate: null, exclude: null }, '{"name":"r","match":{"resources":{}}}'],
];
for (const [name, type, value, want] of json) {
  test(`goStructJson: ${name}`, () => assert.equal(goStructJson(type, value), want));
}

test('isGoZero: nil vs empty', () => {
  assert.equal(isGoZero(RESOURCE_DESCRIPTION, {}), true);
  assert.equal(isGoZero(RESOURCE_DESCRIPTION, undefined), true);
  assert.equal(isGoZero(RESOURCE_DESCRIPTION, { kinds: [] }), false);
  assert.equal(isGoZero(RESOURCE_DESCRIPTION, { annotations: {} }), false);
  assert.equal(isGoZero(RESOURCE_DESCRIPTION, { name: '' }), true);
  assert.equal(isGoZero(RESOURCE_DESCRIPTION, { selector: null }), true);
});

test('goDeepEqual: nil and empty lists differ, key order does not matter', () => {
  assert.equal(goDeepEqual(RESOURCE_DESCRIPTION, { kinds: ['Pod'], names: ['a'] }, { names: ['a'], kinds: ['Pod'] }), true);
  assert.equal(goDeepEqual(RESOURCE_DESCRIPTION, { kinds: [] }, {}), false);
  assert.equal(goDeepEqual(RESOURCE_DESCRIPTION, { name: '' }, {}), true);
  assert.equal(goDeepEqual(RESOURCE_DESCRIPTION, { kinds: ['Pod'] }, { kinds: ['Service'] }), false);
});
