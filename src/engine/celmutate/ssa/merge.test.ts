/**
 * Structured-merge-diff merge and validation. Expected values: sigs.k8s.io/structured-merge-diff/v6
 * typed/merge_test.go (mergeCases: null/empty handling, associative list ordering and duplicates,
 * atomic lists) and validate_test.go messages, with the schemas re-expressed as atoms.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonValue } from '../../api/json.ts';
import { mergeTyped } from './merge.ts';
import { UNTYPED_TYPE, type AtomData } from './schema.ts';
import { formatSsaErrors, validateTyped } from './typed.ts';

const stringPair: AtomData = { m: { f: { key: { s: 'string' }, value: UNTYPED_TYPE } } };
const nestedMap: AtomData = { m: { f: { inner: { m: { e: UNTYPED_TYPE } } } } };
const nestedStruct: AtomData = { m: { f: { inner: { m: { f: { value: UNTYPED_TYPE } } } } } };
const nestedList: AtomData = { m: { f: { inner: { l: { e: UNTYPED_TYPE } } } } };
const element: AtomData = {
  m: { f: { key: { s: 'string' }, id: { s: 'numeric' }, value: { m: { e: { s: 'string' } } }, bv: { s: 'boolean' }, nv: { s: 'numeric' } } },
};
const myRoot: AtomData = { m: { f: { list: { l: { e: element, r: 's', k: ['key', 'id'] } }, atomicList: { l: { e: { s: 'string' } } } } } };

const cases: Array<{ name: string; root: AtomData; triplets: Array<[string, string, string]> }> = [
  {
    name: 'simple pair',
    root: stringPair,
    triplets: [
      ['{"key":"foo","value":{}}', '{"key":"foo","value":1}', '{"key":"foo","value":1}'],
      ['{"key":"foo","value":1}', '{"key":"foo","value":{}}', '{"key":"foo","value":{}}'],
      ['{"key":"foo","value":null}', '{"key":"foo","value":{}}', '{"key":"foo","value":{}}'],
      ['{"key":"foo"}', '{"value":true}', '{"key":"foo","value":true}'],
    ],
  },
  ...[
    ['null/empty map', nestedMap],
    ['null/empty struct', nestedStruct],
  ].map(([name, root]) => ({
    name: name as string,
    root: root as AtomData,
    triplets: [
      ['{}', '{"inner":{}}', '{"inner":{}}'],
      ['{}', '{"inner":null}', '{"inner":null}'],
      ['{"inner":null}', '{"inner":{}}', '{"inner":{}}'],
      ['{"inner":{}}', '{"inner":null}', '{"inner":null}'],
      ['{"inner":{}}', '{"inner":{}}', '{"inner":{}}'],
    ] as Array<[string, string, string]>,
  })),
  {
    name: 'null/empty list',
    root: nestedList,
    triplets: [
      ['{}', '{"inner":[]}', '{"inner":[]}'],
      ['{}', '{"inner":null}', '{"inner":null}'],
      ['{"inner":null}', '{"inner":[]}', '{"inner":[]}'],
      ['{"inner":[]}', '{"inner":null}', '{"inner":null}'],
      ['{"inner":[]}', '{"inner":[]}', '{"inner":[]}'],
    ],
  },
  {
    name: 'associative list',
    root: myRoot,
    triplets: [
      ['{"list":[{"key":"a","id":1,"value":{"a":"a"}}]}', '{"list":[{"key":"a","id":1,"value":{"a":"a"}}]}', '{"list":[{"key":"a","id":1,"value":{"a":"a"}}]}'],
      [
        '{"list":[{"key":"a","id":1,"value":{"a":"a"}}]}',
        '{"list":[{"key":"a","id":2,"value":{"a":"a"}}]}',
        '{"list":[{"key":"a","id":1,"value":{"a":"a"}},{"key":"a","id":2,"value":{"a":"a"}}]}',
      ],
      ['{"list":[{"key":"a","id":1},{"key":"b","id":1}]}', '{"list":[{"key":"a","id":1},{"key":"a","id":2}]}', '{"list":[{"key":"a","id":1},{"key":"b","id":1},{"key":"a","id":2}]}'],
      ['{"list":[{"key":"b","id":2}]}', '{"list":[{"key":"a","id":1},{"key":"b","id":2},{"key":"c","id":3}]}', '{"list":[{"key":"a","id":1},{"key":"b","id":2},{"key":"c","id":3}]}'],
      [
        '{"list":[{"key":"a","id":1},{"key":"b","id":2},{"key":"c","id":3}]}',
        '{"list":[{"key":"c","id":3},{"key":"b","id":2}]}',
        '{"list":[{"key":"a","id":1},{"key":"c","id":3},{"key":"b","id":2}]}',
      ],
      [
        '{"list":[{"key":"a","id":1},{"key":"b","id":2},{"key":"c","id":3}]}',
        '{"list":[{"key":"c","id":3},{"key":"a","id":1}]}',
        '{"list":[{"key":"b","id":2},{"key":"c","id":3},{"key":"a","id":1}]}',
      ],
      ['{"atomicList":["a","a","a"]}', '{"atomicList":null}', '{"atomicList":null}'],
      ['{"atomicList":["a","b","c"]}', '{"atomicList":[]}', '{"atomicList":[]}'],
      ['{"atomicList":["a","a","a"]}', '{"atomicList":["a","a"]}', '{"atomicList":["a","a"]}'],
      [
        '{"list":[{"key":"a","id":1,"bv":true},{"key":"b","id":2},{"key":"a","id":1,"bv":false,"nv":2}]}',
        '{"list":[{"key":"a","id":1,"nv":3},{"key":"c","id":3},{"key":"b","id":2}]}',
        '{"list":[{"key":"a","id":1,"nv":3},{"key":"c","id":3},{"key":"b","id":2}]}',
      ],
      ['{"list":[{"key":"a","id":1,"nv":1},{"key":"a","id":1,"nv":2}]}', '{"list":[]}', '{"list":[{"key":"a","id":1,"nv":1},{"key":"a","id":1,"nv":2}]}'],
      ['{"list":[{"key":"a","id":1,"nv":1},{"key":"a","id":1,"nv":2}]}', '{}', '{"list":[{"key":"a","id":1,"nv":1},{"key":"a","id":1,"nv":2}]}'],
    ],
  },
];

for (const c of cases) {
  c.triplets.forEach(([lhs, rhs, out], i) => {
    test(`merge: ${c.name} #${i}`, () => {
      const l = JSON.parse(lhs) as JsonValue;
      const r = JSON.parse(rhs) as JsonValue;
      assert.deepEqual(validateTyped(l, c.root, true), []);
      assert.deepEqual(validateTyped(r, c.root, false), []);
      const m = mergeTyped(l, r, c.root);
      assert.deepEqual(m.errors, []);
      assert.deepEqual(m.value, JSON.parse(out));
    });
  });
}

const validation: Array<{ value: string; root: AtomData; allowDuplicates?: boolean; err: string }> = [
  { value: '{"key":"foo","extra":1}', root: stringPair, err: '.extra: field not declared in schema' },
  { value: '{"key":1}', root: stringPair, err: '.key: expected string, got &value.valueUnstructured{Value:1}' },
  { value: '{"list":[{"key":"a","id":"x"}]}', root: myRoot, err: '.list[id="x",key="a"].id: expected numeric (int or float), got string' },
  { value: '{"list":[{"key":"a","id":1},{"key":"a","id":1}]}', root: myRoot, err: '.list: duplicate entries for key [id=1,key="a"]' },
  { value: '{"list":[{"value":{}}]}', root: myRoot, err: `.list: element 0: associative list with keys has an element that omits all key fields ["key" "id"] (and doesn't have default values for any key fields)` },
  { value: '{"list":["a"]}', root: myRoot, err: '.list: element 0: associative list with keys may not have non-map elements' },
  { value: '{"list":{}}', root: myRoot, err: '.list: expected list, got &{map[]}' },
];

for (const v of validation) {
  test(`validate: ${v.err}`, () => {
    assert.equal(formatSsaErrors(validateTyped(JSON.parse(v.value) as JsonValue, v.root, v.allowDuplicates === true)), v.err);
  });
}

test('validate: duplicates are accepted for the live object', () => {
  assert.deepEqual(validateTyped({ list: [{ key: 'a', id: 1 }, { key: 'a', id: 1 }] }, myRoot, true), []);
});
