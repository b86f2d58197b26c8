import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getAutogenRuleName, isAutogenRuleName } from './rule-name.ts';
import { sanitizeGoString } from './go-bytes.ts';

// Kyverno pkg/autogen/v1/autogen_test.go Test_getAutogenRuleName, plus multi-byte truncation (Go slices bytes).
const names: Array<{ name: string; prefix: string; rule: string; want: string }> = [
  { name: 'valid', prefix: 'autogen', rule: 'valid-rule-name', want: 'autogen-valid-rule-name' },
  {
    name: 'truncated',
    prefix: 'autogen',
    rule: 'too-long-this-rule-name-will-be-truncated-to-63-characters',
    want: 'autogen-too-long-this-rule-name-will-be-truncated-to-63-charact',
  },
  { name: 'valid-cronjob', prefix: 'autogen-cronjob', rule: 'valid-rule-name', want: 'autogen-cronjob-valid-rule-name' },
  {
    name: 'truncated-cronjob',
    prefix: 'autogen-cronjob',
    rule: 'too-long-this-rule-name-will-be-truncated-to-63-characters',
    want: 'autogen-cronjob-too-long-this-rule-name-will-be-truncated-to-63',
  },
  // 8 + 54 ASCII bytes, then a 2-byte char cut after its first byte -> one U+FFFD once encoded.
  { name: 'cut-rune-2', prefix: 'autogen', rule: `${'a'.repeat(54)}éz`, want: `autogen-${'a'.repeat(54)}\ufffd` },
  // A 3-byte char cut after two bytes -> two U+FFFD (one per invalid byte, as encoding/json writes them).
  { name: 'cut-rune-3', prefix: 'autogen', rule: `${'a'.repeat(53)}€z`, want: `autogen-${'a'.repeat(53)}\ufffd\ufffd` },
  { name: 'exact-63', prefix: 'autogen', rule: 'b'.repeat(55), want: `autogen-${'b'.repeat(55)}` },
  { name: 'multi-byte-fits', prefix: 'autogen', rule: 'é'.repeat(27), want: `autogen-${'é'.repeat(27)}` },
];

for (const c of names) {
  test(`getAutogenRuleName: ${c.name}`, () => {
    assert.equal(sanitizeGoString(getAutogenRuleName(c.prefix, c.rule)), c.want);
  });
}

// Kyverno Test_isAutogenRule.
const autogenNames: Array<[string, boolean]> = [
  ['valid-rule-name', false],
  ['autogen-simple', true],
  ['autogen-cronjob-simple', true],
  ['autogen-too-long-this-rule-name-will-be-truncated-to-63-charact', true],
  ['autogen-cronjob-too-long-this-rule-name-will-be-truncated-to-63', true],
  ['autogen', false],
  ['Autogen-x', false],
];

for (const [name, want] of autogenNames) {
  test(`isAutogenRuleName: ${name}`, () => {
    assert.equal(isAutogenRuleName(name), want);
  });
}
