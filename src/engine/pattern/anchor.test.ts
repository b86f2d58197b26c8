import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  type AnchorKind,
  anchorToString,
  containsCondition,
  getAnchorsResourcesFromMap,
  isAddIfNotPresentAnchor,
  isConditionalAnchor,
  isEqualityAnchor,
  isExistenceAnchor,
  isGlobalAnchor,
  isNegationAnchor,
  parseAnchor,
  removeAnchorsFromPath,
} from './anchor.ts';

// Kyverno anchor_test.go TestParse (plus trimming and Go-regexp `.` details).
const PARSE: [string, { kind: AnchorKind; key: string } | undefined][] = [
  ['(something)', { kind: 'condition', key: 'something' }],
  ['()', undefined],
  ['something', undefined],
  ['(something', undefined],
  ['something)', undefined],
  ['so)m(et(hin)g', undefined],
  ['', undefined],
  ['^(abc)', { kind: 'existence', key: 'abc' }],
  ['^(abc', undefined],
  ['^abc', undefined],
  ['^()', undefined],
  ['(abc)', { kind: 'condition', key: 'abc' }],
  ['=(abc)', { kind: 'equality', key: 'abc' }],
  ['=(abc', undefined],
  ['=abc', undefined],
  ['+(abc)', { kind: 'addIfNotPresent', key: 'abc' }],
  ['+(abc', undefined],
  ['+abc', undefined],
  ['X(abc)', { kind: 'negation', key: 'abc' }],
  ['X(abc', undefined],
  ['Xabc', undefined],
  ['<(abc)', { kind: 'global', key: 'abc' }],
  ['<(abc', undefined],
  ['<abc', undefined],
  ['abc', undefined],
  // the key is trimmed first; the inner key keeps its spaces and may contain parentheses
  ['  =(abc)  ', { kind: 'equality', key: 'abc' }],
  ['( a b )', { kind: 'condition', key: ' a b ' }],
  ['((a))', { kind: 'condition', key: '(a)' }],
  ['x(abc)', undefined],
  ['>(abc)', undefined],
  ['(a\rb)', { kind: 'condition', key: 'a\rb' }],
  ['(a\nb)', undefined],
  ['=(app.kubernetes.io/*)', { kind: 'equality', key: 'app.kubernetes.io/*' }],
];

test('parseAnchor', () => {
  for (const [input, want] of PARSE) assert.deepEqual(parseAnchor(input), want, JSON.stringify(input));
});

test('anchorToString (Kyverno TestString)', () => {
  const kinds: [AnchorKind, string][] = [
    ['condition', '(test)'],
    ['global', '<(test)'],
    ['negation', 'X(test)'],
    ['addIfNotPresent', '+(test)'],
    ['equality', '=(test)'],
    ['existence', '^(test)'],
  ];
  for (const [kind, want] of kinds) {
    assert.equal(anchorToString(kind, 'test'), want);
    assert.equal(anchorToString(kind, ''), '');
    assert.deepEqual(parseAnchor(want), { kind, key: 'test' });
  }
});

test('kind predicates', () => {
  const a = (s: string) => parseAnchor(s);
  assert.ok(isConditionalAnchor(a('(x)')) && !isConditionalAnchor(a('=(x)')) && !isConditionalAnchor(undefined));
  assert.ok(isGlobalAnchor(a('<(x)')) && !isGlobalAnchor(a('(x)')));
  assert.ok(isNegationAnchor(a('X(x)')) && !isNegationAnchor(a('x')));
  assert.ok(isAddIfNotPresentAnchor(a('+(x)')) && !isAddIfNotPresentAnchor(a('(x)')));
  assert.ok(isEqualityAnchor(a('=(x)')) && !isEqualityAnchor(a('^(x)')));
  assert.ok(isExistenceAnchor(a('^(x)')) && !isExistenceAnchor(a('=(x)')));
  assert.ok(containsCondition(a('(x)')) && containsCondition(a('<(x)')) && !containsCondition(a('=(x)')));
});

test('removeAnchorsFromPath (Kyverno TestRemoveAnchorsFromPath + path.Join cleaning)', () => {
  const cases: [string, string][] = [
    ['/path/(to)/X(anchors)', '/path/to/anchors'],
    ['path/(to)/X(anchors)', 'path/to/anchors'],
    ['../(to)/X(anchors)', '../to/anchors'],
    ['/spec/=(containers)/0/(image)/', '/spec/containers/0/image'],
    ['/', '/'],
    ['', ''],
    ['a/./b/../c', 'a/c'],
  ];
  for (const [input, want] of cases) assert.equal(removeAnchorsFromPath(input), want, input);
});

test('getAnchorsResourcesFromMap splits phase-one anchors from other keys', () => {
  const { anchors, resources } = getAnchorsResourcesFromMap({
    '(a)': 1,
    '=(b)': 2,
    '^(c)': [3],
    'X(d)': null,
    '<(e)': 5,
    '+(f)': 6,
    g: 7,
  });
  assert.deepEqual(anchors, { '(a)': 1, '=(b)': 2, '^(c)': [3], 'X(d)': null });
  assert.deepEqual(resources, { '<(e)': 5, '+(f)': 6, g: 7 });
});
