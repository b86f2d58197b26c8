import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goJsonMarshal, goJsonString } from './gojson.ts';

test('goJsonString writes strings as Go encoding/json does (HTML-safe, U+FFFD for lone surrogates)', () => {
  const cases: Array<[string, string]> = [
    ['plain', '"plain"'],
    ['', '""'],
    ['a"b\\c', '"a\\"b\\\\c"'],
    ['\n\r\t\b\f', '"\\n\\r\\t\\b\\f"'],
    ['\u0000\u0001\u001f', '"\\u0000\\u0001\\u001f"'],
    ['\u007f', '"\u007f"'],
    ['<a href="x">&</a>', '"\\u003ca href=\\"x\\"\\u003e\\u0026\\u003c/a\\u003e"'],
    ['\u2028\u2029', '"\\u2028\\u2029"'],
    ['é漢字😀', '"é漢字😀"'],
    ['\ud800x', '"\\ufffdx"'],
    ['x\udc00', '"x\\ufffd"'],
    ['validation error: the field spec.containers[*].image must not use the latest tag', '"validation error: the field spec.containers[*].image must not use the latest tag"'],
  ];
  for (const [input, want] of cases) assert.equal(goJsonString(input), want, JSON.stringify(input));
});

test('goJsonMarshal sorts keys and escapes strings the Go way', () => {
  assert.equal(goJsonMarshal({ b: '<', a: [1, 'x&y', null, true] }), '{"a":[1,"x\\u0026y",null,true],"b":"\\u003c"}');
});
