/**
 * go-yaml v3 quoting and key order, byte for byte. Every expected text was produced by a Go program
 * encoding `map[string]interface{}{"pol": map[string]string{"r": value}}` (and the keys below) with
 * go.yaml.in/yaml/v3 v3.0.4, `SetIndent(2)`, as Kyverno's GetBlockedMessages does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeStringMaps, goYamlKeyLess } from './go-yaml.ts';

// [value, Go's encoding of {pol: {r: value}}]
const VALUES: Array<[string, string]> = [
  ["simple", "pol:\n  r: simple\n"],
  ["", "pol:\n  r: \"\"\n"],
  ["123", "pol:\n  r: \"123\"\n"],
  ["1.5", "pol:\n  r: \"1.5\"\n"],
  ["true", "pol:\n  r: \"true\"\n"],
  ["yes", "pol:\n  r: \"yes\"\n"],
  ["no", "pol:\n  r: \"no\"\n"],
  ["null", "pol:\n  r: \"null\"\n"],
  ["~", "pol:\n  r: \"~\"\n"],
  ["0x1F", "pol:\n  r: \"0x1F\"\n"],
  ["017", "pol:\n  r: \"017\"\n"],
  ["1_000", "pol:\n  r: \"1_000\"\n"],
  ["2024-01-02", "pol:\n  r: \"2024-01-02\"\n"],
  ["1:30", "pol:\n  r: \"1:30\"\n"],
  ["validation error: The label 'app' is required. rule check-label-app failed at path /metadata/labels/", "pol:\n  r: 'validation error: The label ''app'' is required. rule check-label-app failed at path /metadata/labels/'\n"],
  ["two\nlines", "pol:\n  r: |-\n    two\n    lines\n"],
  ["trailing newline\n", "pol:\n  r: |\n    trailing newline\n"],
  ["two trailing\n\n", "pol:\n  r: |+\n    two trailing\n\n"],
  ["\nleading break", "pol:\n  r: |2-\n\n    leading break\n"],
  [" leading space", "pol:\n  r: ' leading space'\n"],
  ["trailing space ", "pol:\n  r: 'trailing space '\n"],
  ["tab\there", "pol:\n  r: \"tab\\there\"\n"],
  ["tab\tand\nnewline", "pol:\n  r: |-\n    tab\tand\n    newline\n"],
  ["it's", "pol:\n  r: it's\n"],
  ["#hash", "pol:\n  r: '#hash'\n"],
  ["a #comment", "pol:\n  r: 'a #comment'\n"],
  ["a# not", "pol:\n  r: a# not\n"],
  ["- dash", "pol:\n  r: '- dash'\n"],
  ["-dash", "pol:\n  r: -dash\n"],
  [": colon", "pol:\n  r: ': colon'\n"],
  ["a:b", "pol:\n  r: a:b\n"],
  ["a: b", "pol:\n  r: 'a: b'\n"],
  ["[bracket", "pol:\n  r: '[bracket'\n"],
  ["{brace}", "pol:\n  r: '{brace}'\n"],
  ["quote \"x\"", "pol:\n  r: quote \"x\"\n"],
  ["back\\slash", "pol:\n  r: back\\slash\n"],
  ["emoji 😀", "pol:\n  r: \"emoji \\U0001F600\"\n"],
  ["é accent", "pol:\n  r: é accent\n"],
  ["ctrl \u0001 char", "pol:\n  r: \"ctrl \\x01 char\"\n"],
  ["cr\rhere", "pol:\n  r: \"cr\\rhere\"\n"],
  ["nelx", "pol:\n  r: \"nel\\Nx\"\n"],
  ["ls x", "pol:\n  r: 'ls     x'\n"],
  ["line one\n  indented\n\nafter blank", "pol:\n  r: |-\n    line one\n      indented\n\n    after blank\n"],
  ["space before break \nx", "pol:\n  r: \"space before break \\nx\"\n"],
  ["x\n y", "pol:\n  r: |-\n    x\n     y\n"],
  ["---", "pol:\n  r: '---'\n"],
  ["...x", "pol:\n  r: '...x'\n"],
  ["@at", "pol:\n  r: '@at'\n"],
  ["`tick", "pol:\n  r: '`tick'\n"],
  ["%pct", "pol:\n  r: '%pct'\n"],
  ["!bang", "pol:\n  r: '!bang'\n"],
  ["&amp", "pol:\n  r: '&amp'\n"],
  ["*star", "pol:\n  r: '*star'\n"],
  ["|pipe", "pol:\n  r: '|pipe'\n"],
  [">gt", "pol:\n  r: '>gt'\n"],
  ["?q", "pol:\n  r: ?q\n"],
  ["? q", "pol:\n  r: '? q'\n"],
  [",comma", "pol:\n  r: ',comma'\n"],
  ["a,b", "pol:\n  r: a,b\n"],
  ["a?b", "pol:\n  r: a?b\n"],
  ["﻿bom", "pol:\n  r: \"\\uFEFF\\x62\\x6F\\x6D\"\n"],
  ["nbsp x", "pol:\n  r: nbsp x\n"],
  ["0", "pol:\n  r: \"0\"\n"],
  ["-1", "pol:\n  r: \"-1\"\n"],
  ["+1", "pol:\n  r: \"+1\"\n"],
  [".5", "pol:\n  r: \".5\"\n"],
  [".inf", "pol:\n  r: \".inf\"\n"],
  ["-.inf", "pol:\n  r: \"-.inf\"\n"],
  ["0b101", "pol:\n  r: \"0b101\"\n"],
  ["0o17", "pol:\n  r: \"0o17\"\n"],
  ["1e5", "pol:\n  r: \"1e5\"\n"],
  ["1e+5", "pol:\n  r: \"1e+5\"\n"],
  ["12:30:45", "pol:\n  r: \"12:30:45\"\n"],
  ["Off", "pol:\n  r: \"Off\"\n"],
  ["on", "pol:\n  r: \"on\"\n"],
  ["y", "pol:\n  r: \"y\"\n"],
  ["N", "pol:\n  r: \"N\"\n"],
  ["TRUE", "pol:\n  r: \"TRUE\"\n"],
  ["False", "pol:\n  r: \"False\"\n"],
  ["1.", "pol:\n  r: \"1.\"\n"],
  ["0.0.1", "pol:\n  r: 0.0.1\n"],
  ["v1.2", "pol:\n  r: v1.2\n"],
  ["1-2", "pol:\n  r: 1-2\n"],
];

// [key, Go's encoding of {key: {r: "v"}}]
const KEYS: Array<[string, string]> = [
  ["rule", "rule:\n  r: v\n"],
  ["123", "\"123\":\n  r: v\n"],
  ["", "\"\":\n  r: v\n"],
  ["a b", "a b:\n  r: v\n"],
  ["true", "\"true\":\n  r: v\n"],
  ["with: colon", "'with: colon':\n  r: v\n"],
  ["multi\nline", "? |-\n  multi\n  line\n: r: v\n"],
  ["k8s", "k8s:\n  r: v\n"],
  ["k10", "k10:\n  r: v\n"],
  ["k9", "k9:\n  r: v\n"],
  ["a1b", "a1b:\n  r: v\n"],
  ["a01b", "a01b:\n  r: v\n"],
  ["A", "A:\n  r: v\n"],
  ["b", "b:\n  r: v\n"],
  ["_x", "_x:\n  r: v\n"],
  ["z", "z:\n  r: v\n"],
];

test('go-yaml: scalar styles of values', () => {
  for (const [value, want] of VALUES) assert.equal(encodeStringMaps({ pol: { r: value } }), want, JSON.stringify(value));
});

test('go-yaml: keys', () => {
  for (const [key, want] of KEYS) assert.equal(encodeStringMaps({ [key]: { r: 'v' } }), want, JSON.stringify(key));
});

test('go-yaml: natural key order', () => {
  const order: Record<string, string> = {};
  for (const [k] of KEYS) if (k !== 'multi\nline') order[k] = 'v';
  assert.equal(encodeStringMaps({ p: order }), "p:\n  \"\": v\n  _x: v\n  \"123\": v\n  A: v\n  a b: v\n  a1b: v\n  a01b: v\n  b: v\n  k8s: v\n  k9: v\n  k10: v\n  rule: v\n  \"true\": v\n  'with: colon': v\n  z: v\n");
  assert.equal(goYamlKeyLess('k9', 'k10'), true);
  assert.equal(goYamlKeyLess('a01b', 'a1b'), false);
});

test('go-yaml: keys longer than 128 bytes are complex keys', () => {
  const long = 'k'.repeat(140);
  assert.equal(encodeStringMaps({ [long]: { r: 'v' }, p: { [long]: 'x' } }), "? kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk\n: r: v\np:\n  ? kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk\n  : x\n");
});
