/**
 * random(): goregen over Go's regexp/syntax parsed without flags. Outputs are random, so the tests
 * check that they match the pattern (with RE2) for several random sources, and the error texts
 * (from Kyverno's Go code).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RE2JS } from 're2js';
import { createJmesPath } from '../index.ts';
import { runRows, fixedEnv } from '../rows.test.ts';

function seeded(seed: number): { next(): number } {
  let s = seed >>> 0;
  return {
    next(): number {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s / 2 ** 32;
    },
  };
}

const patterns = [
  '[a-z0-9]{6}',
  '[0-9a-f]{8}-[0-9a-f]{4}',
  'abc',
  'x|y|z',
  '(ab|cd){2,4}',
  '[^a-z]{3}',
  '[[:alpha:]]{5}',
  'a?b+c*',
  'pre-[A-Z]{1,3}\\.suf',
  '^[a-c]{0,2}$',
  '\\x41\\101[\\-.]',
];

for (const p of patterns) {
  test(`random('${p}') matches its pattern`, () => {
    const re = RE2JS.compile(`^(?:${p})$`, RE2JS.DOTALL);
    for (let seed = 1; seed <= 20; seed++) {
      const jp = createJmesPath({ ...fixedEnv, random: seeded(seed) });
      // raw strings keep backslashes as they are
      const out = jp.search(`random('${p}')`, null);
      assert.equal(typeof out, 'string');
      assert.ok(re.matches(out as string), `${JSON.stringify(out)} does not match ${p}`);
    }
  });
}

runRows('random errors', [
  { expr: "random('')", error: 'no pattern provided' },
  { expr: "random('\\d')", error: 'error parsing regexp: invalid escape sequence: `\\d`' },
  { expr: "random('[\\d]')", error: 'error parsing regexp: invalid escape sequence: `\\d`' },
  { expr: "random('\\pL')", error: 'error parsing regexp: invalid escape sequence: `\\p`' },
  { expr: "random('\\8')", error: 'error parsing regexp: invalid escape sequence: `\\8`' },
  { expr: "random('a{2,1}')", error: 'error parsing regexp: invalid repeat count: `{2,1}`' },
  { expr: "random('x{1001}')", error: 'error parsing regexp: invalid repeat count: `{1001}`' },
  { expr: "random('[z-a]')", error: 'error parsing regexp: invalid character class range: `z-a`' },
  { expr: "random('[[:foo:]]')", error: 'error parsing regexp: invalid character class range: `[:foo:]`' },
  { expr: "random(')')", error: 'error parsing regexp: unexpected ): `)`' },
  { expr: "random('*')", error: 'error parsing regexp: missing argument to repetition operator: `*`' },
  { expr: "random('[a')", error: 'error parsing regexp: missing closing ]: `[a`' },
  { expr: "random('\\x{41}\\12')", want: 'A\n' },
  { expr: "random('\\\\d')", want: '\\d' },
  { expr: "random('(?i)a')", error: 'error parsing regexp: missing argument to repetition operator: `?`' },
  { expr: "random('(')", error: 'error parsing regexp: missing closing ): `(`' },
  { expr: "random(`1`)", error: 'Invalid type for: 1, expected: []jmespath.JpType{"string"}' },
]);

test('random without a RandomSource is an error', () => {
  const jp = createJmesPath({ clock: fixedEnv.clock });
  assert.throws(() => jp.search("random('a')", null), /no random source configured/);
});
