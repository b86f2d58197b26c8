/**
 * Compiled wildcards agree with go-wildcard v1.0.3 `Match` (expected values from running it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wildcardMatch } from '../utils/wildcard.ts';
import { compileWildcard, compileWildcardAny } from './wildcard-matcher.ts';

/** [pattern, name, Go's wildcard.Match] */
export const WILDCARD_CASES: Array<[string, string, boolean]> = [
  ['*', '', true],
  ['', '', true],
  ['', 'a', false],
  ['abc', 'abc', true],
  ['abc', 'abd', false],
  ['kube-*', 'kube-system', true],
  ['kube-*', 'kube-', true],
  ['kube-*', 'kub', false],
  ['*-system', 'kube-system', true],
  ['*-system', 'system', false],
  ['*ub*', 'kube', true],
  ['*ub*', 'kbe', false],
  ['**', '', true],
  ['a*b*c', 'aXbYc', true],
  ['a*b*c', 'aXbY', false],
  ['a*b', 'abab', true],
  ['?', 'a', true],
  ['?', '', false],
  ['?', 'ab', false],
  ['a?c', 'abc', true],
  ['*?', '', false],
  ['?*', 'x', true],
  ['?', '😀', true],
  ['a?b', 'a😀b', true],
  ['a??b', 'a😀b', false],
  ['*😀', 'x😀', true],
  ['😀*', '😀x', true],
  ['*é*', 'café', true],
  ['x*y*z', 'xyyzz', true],
  ['*a*a*a', 'aaaa', true],
  ['*a*a*b', 'aaaa', false],
];

test('compiled wildcards', () => {
  for (const [p, s, want] of WILDCARD_CASES) {
    assert.equal(compileWildcard(p)(s), want, `${p} ~ ${s}`);
    assert.equal(wildcardMatch(p, s), want, `reference ${p} ~ ${s}`);
  }
});

test('compiled wildcard lists', () => {
  assert.equal(compileWildcardAny(['a*', 'b*'])('bx'), true);
  assert.equal(compileWildcardAny(['a*', 'b*'])('cx'), false);
  assert.equal(compileWildcardAny([])('x'), false);
  assert.equal(compileWildcardAny(['x', '*'])('y'), true);
});
