/**
 * The parser: what go-jmespath's 2015-grammar parser accepts and rejects, with Go's error texts
 * (lexer `SyntaxError: …`, JSON literal errors from encoding/json, index errors from strconv.Atoi),
 * and how literals, raw strings and quoted identifiers are read. Expected values come from Go.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JmesPathError, createJmesPath, formatAst } from './index.ts';
import { parse } from './parser.ts';
import { NodeType } from './ast.ts';
import { runRows, fixedEnv, type Row } from './rows.test.ts';

interface SyntaxRow {
  expr: string;
  /** Go's compile error; absent when Go compiles the expression */
  error?: string;
}

const syntax: SyntaxRow[] = [
  { expr: "foo[0", error: "SyntaxError: Expected tRbracket, received: tEOF" },
  { expr: "`foo`", error: "invalid character 'o' in literal false (expecting 'a')" },
  { expr: "`\"foo\"`" },
  { expr: "'a\\nb'" },
  { expr: "'a\\\\b'" },
  { expr: "'a\\'b'" },
  { expr: "'a\\\\'", error: "SyntaxError: Unclosed delimiter: '" },
  { expr: "'foo", error: "SyntaxError: Unclosed delimiter: '" },
  { expr: "\"\\u00e9\"" },
  { expr: "\"\\x\"", error: "invalid character 'x' in string escape code" },
  { expr: "\"a\\`b\"", error: "invalid character '`' in string escape code" },
  { expr: "\"a", error: "SyntaxError: Unclosed delimiter: \"" },
  { expr: "-1", error: "SyntaxError: Invalid token: tNumber" },
  { expr: "foo[1.5]", error: "SyntaxError: Expected tRbracket, received: tDot" },
  { expr: "{a: b,}", error: "SyntaxError: Expected tQuotedIdentifier or tUnquotedIdentifier" },
  { expr: "[a, b,]", error: "SyntaxError: Invalid token: tRbracket" },
  { expr: "length(,a)", error: "SyntaxError: Invalid token: tComma" },
  { expr: "\"foo\"(a)", error: "SyntaxError: Can't have quoted identifier as function Name." },
  { expr: "foo.`1`", error: "SyntaxError: Expected identifier, lbracket, or lbrace" },
  { expr: "$", error: "SyntaxError: Unknown char: '$'" },
  { expr: "a ? b : c", error: "SyntaxError: Unknown char: '?'" },
  { expr: "a + b", error: "SyntaxError: Unknown char: '+'" },
  { expr: "a - b", error: "SyntaxError: Unexpected token at the end of the expression: tNumber" },
  { expr: "a * b", error: "SyntaxError: Unexpected token: tStar" },
  { expr: "let $x = 1 in $x", error: "SyntaxError: Unknown char: '$'" },
  { expr: "`  `", error: "unexpected end of JSON input" },
  { expr: "é", error: "SyntaxError: Unknown char: '\\u00e9'" },
  { expr: "[1:2:3:4]", error: "SyntaxError: Unexpected token at the end of the expression: tNumber" },
  { expr: "`1e400`", error: "json: cannot unmarshal number 1e400 into Go value of type float64" },
  { expr: "`[1,2`", error: "unexpected end of JSON input" },
  { expr: "foo[]]", error: "SyntaxError: Unexpected token at the end of the expression: tRbracket" },
  { expr: "foo.'bar'", error: "SyntaxError: Expected identifier, lbracket, or lbrace" },
  { expr: "a[`1`]", error: "SyntaxError: Expected tStar, received: tJSONLiteral" },
  { expr: "a['b']", error: "SyntaxError: Expected tStar, received: tStringLiteral" },
  { expr: "a[b]", error: "SyntaxError: Expected tStar, received: tUnquotedIdentifier" },
  { expr: "a.b c", error: "SyntaxError: Unexpected token at the end of the expression: tUnquotedIdentifier" },
  { expr: "a b", error: "SyntaxError: Unexpected token at the end of the expression: tUnquotedIdentifier" },
  { expr: "()", error: "SyntaxError: Invalid token: tRparen" },
  { expr: "abs(-1)", error: "SyntaxError: Invalid token: tNumber" },
  { expr: "a = b", error: "SyntaxError: Unexpected token at the end of the expression: tUnknown" },
  { expr: "a *", error: "SyntaxError: Unexpected token: tStar" },
  { expr: "a{b:c}", error: "SyntaxError: Unexpected token: tLbrace" },
  { expr: "a !b", error: "SyntaxError: Unexpected token: tNot" },
  { expr: "foo[*]*", error: "SyntaxError: Error" },
  { expr: "foo.[", error: "SyntaxError: Incomplete expression" },
  { expr: "{}", error: "SyntaxError: Expected tQuotedIdentifier or tUnquotedIdentifier" },
  { expr: "{a}", error: "SyntaxError: Expected tColon, received: tRbrace" },
  { expr: "{a:}", error: "SyntaxError: Invalid token: tRbrace" },
  { expr: "[]]", error: "SyntaxError: Unexpected token at the end of the expression: tRbracket" },
  { expr: "&", error: "SyntaxError: Incomplete expression" },
  { expr: "!", error: "SyntaxError: Incomplete expression" },
  { expr: "a |", error: "SyntaxError: Incomplete expression" },
  { expr: "a ||", error: "SyntaxError: Incomplete expression" },
  { expr: "a &&", error: "SyntaxError: Incomplete expression" },
  { expr: "a ==", error: "SyntaxError: Incomplete expression" },
  { expr: "foo[99999999999999999999]", error: "strconv.Atoi: parsing \"99999999999999999999\": value out of range" },
  { expr: "foo[:99999999999999999999]", error: "strconv.Atoi: parsing \"99999999999999999999\": value out of range" },
  { expr: "foo[1:a]", error: "SyntaxError: Expected tColon or tNumber, received: tUnquotedIdentifier" },
  { expr: "`[1, 2`", error: "unexpected end of JSON input" },
  { expr: "`{\"a\":}`", error: "invalid character '}' looking for beginning of value" },
  { expr: "`tru`", error: "invalid character ' ' in literal true (expecting 'e')" },
  { expr: "`\"\\ud800\"`" },
  { expr: "a.b(c)" },
  { expr: "foo[?a", error: "SyntaxError: Expected tRbracket, received: tEOF" },
  { expr: "foo[?]", error: "SyntaxError: Invalid token: tRbracket" },
  { expr: "@.@", error: "SyntaxError: Expected identifier, lbracket, or lbrace" },
  { expr: ".foo", error: "SyntaxError: Invalid token: tDot" },
  { expr: "foo..bar", error: "SyntaxError: Expected identifier, lbracket, or lbrace" },
  { expr: "foo.1", error: "SyntaxError: Expected identifier, lbracket, or lbrace" },
  { expr: "foo.-11", error: "SyntaxError: Expected identifier, lbracket, or lbrace" },
  { expr: "[a b]", error: "SyntaxError: Expected tComma, received: tUnquotedIdentifier" },
  { expr: "[a,,b]", error: "SyntaxError: Invalid token: tComma" },
  { expr: "{\"a\": b}" },
  { expr: "{'a': b}", error: "SyntaxError: Expected tQuotedIdentifier or tUnquotedIdentifier" },
  { expr: "foo[-]", error: "strconv.Atoi: parsing \"-\": invalid syntax" },
  { expr: "foo[--1]", error: "strconv.Atoi: parsing \"-\": invalid syntax" },
  { expr: "a\tb", error: "SyntaxError: Unexpected token at the end of the expression: tUnquotedIdentifier" },
  { expr: "a\tb", error: "SyntaxError: Unexpected token at the end of the expression: tUnquotedIdentifier" },
];

const jp = createJmesPath(fixedEnv);
for (const [i, row] of syntax.entries()) {
  test(`syntax #${i}: ${row.expr}`, () => {
    if (row.error === undefined) {
      assert.doesNotThrow(() => jp.compile(row.expr));
      return;
    }
    assert.throws(
      () => jp.compile(row.expr),
      (err: unknown) => err instanceof JmesPathError && err.code === 'JMESPATH_SYNTAX' && err.message === row.error,
    );
  });
}

const literals: Row[] = [
  { expr: "'a\\nb'", want: "a\\nb" },
  { expr: "'a\\\\b'", want: "a\\\\b" },
  { expr: "'a\\'b'", want: "a'b" },
  { expr: "'a\\\\\\'b'", want: "a\\\\'b" },
  { expr: "'\\u00e9'", want: "\\u00e9" },
  { expr: "''", want: "" },
  { expr: "'\"'", want: "\"" },
  { expr: "`\"a\\`b\"`", want: "a`b" },
  { expr: "`\"\\u00e9\"`", want: "é" },
  { expr: "`\"\\ud800\"`", want: "�" },
  { expr: "`\"\\ud83d\\ude00\"`", want: "😀" },
  { expr: "`[1, {\"a\": null}]`", want: [1, {"a": null}] },
  { expr: "`  true `", want: true },
  { expr: "`1.5e3`", want: 1500 },
  { expr: "`-0`", want: -0 },
  { expr: "\"\\u00e9\"", data: {"é": 1}, want: 1 },
  { expr: "\"a b\"", data: {"a b": 1}, want: 1 },
  { expr: "\"\\\"\"", data: {"\"": 1}, want: 1 },
  { expr: "\"\"", data: {"": 1}, want: 1 },
  { expr: "a", data: {"a": 7}, want: 7 },
  { expr: "_a1", data: {"_a1": 2}, want: 2 },

  { expr: "a\u0080", data: { "a\u0080": 7 }, want: 7 },
];
runRows('literals', literals);

test('parser: AST mirrors go-jmespath (function name from the node before the parenthesis)', () => {
  const n = parse("'length'(@)");
  assert.equal(n.type, NodeType.FunctionExpression);
  assert.equal(n.value, 'length');
  const sub = parse('a.b(c)');
  assert.equal(sub.type, NodeType.Subexpression);
  assert.equal(sub.children[1]?.type, NodeType.FunctionExpression);
});

test('parser: syntax errors carry the expression and an offset', () => {
  try {
    parse('foo[1.5]');
    assert.fail('expected an error');
  } catch (err) {
    assert.ok(err instanceof JmesPathError);
    assert.equal(err.expression, 'foo[1.5]');
    assert.equal(err.offset, 5);
  }
});

// `kyverno jp parse`: go-jmespath's ASTNode.String() and SyntaxError.HighlightLocation() (from Go).
const printed: { expr: string; ast?: string; error?: string; highlight?: string }[] = [
  { expr: "a.b", ast: "ASTSubexpression {\n  children: {\n    ASTField {\n      value: \"a\"\n    }\n    ASTField {\n      value: \"b\"\n    }\n}\n" },
  { expr: "foo[?a == `1.5`].b", ast: "ASTFilterProjection {\n  children: {\n    ASTField {\n      value: \"foo\"\n    }\n    ASTField {\n      value: \"b\"\n    }\n    ASTComparator {\n      value: tEQ\n      children: {\n        ASTField {\n          value: \"a\"\n        }\n        ASTLiteral {\n          value: 1.5\n        }\n    }\n}\n" },
  { expr: "`[1, \"a\", {\"b\": null}, 1e21, 123456789, true]`", ast: "ASTLiteral {\n  value: []interface {}{1, \"a\", map[string]interface {}{\"b\":interface {}(nil)}, 1e+21, 1.23456789e+08, true}\n}\n" },
  { expr: "`null`", ast: "ASTLiteral {\n}\n" },
  { expr: "sort_by(@, &a)[-1] || !b && c | d", ast: "ASTPipe {\n  children: {\n    ASTOrExpression {\n      children: {\n        ASTIndexExpression {\n          children: {\n            ASTFunctionExpression {\n              value: \"sort_by\"\n              children: {\n                ASTCurrentNode {\n                }\n                ASTExpRef {\n                  children: {\n                    ASTField {\n                      value: \"a\"\n                    }\n                }\n            }\n            ASTIndex {\n              value: -1\n            }\n        }\n        ASTAndExpression {\n          children: {\n            ASTNotExpression {\n              children: {\n                ASTField {\n                  value: \"b\"\n                }\n            }\n            ASTField {\n              value: \"c\"\n            }\n        }\n    }\n    ASTField {\n      value: \"d\"\n    }\n}\n" },
  { expr: "*.c", ast: "ASTValueProjection {\n  children: {\n    ASTIdentity {\n    }\n    ASTField {\n      value: \"c\"\n    }\n}\n" },
  { expr: "é", error: "SyntaxError: Unknown char: '\\u00e9'", highlight: "é\n ^" },
  { expr: "aé + b", error: "SyntaxError: Unknown char: '\\u00e9'", highlight: "aé + b\n  ^" },
  { expr: "foo[1.5]", error: "SyntaxError: Expected tRbracket, received: tDot", highlight: "foo[1.5]\n     ^" },
  { expr: "'abc", error: "SyntaxError: Unclosed delimiter: '", highlight: "'abc\n    ^" },
  { expr: "`1e400`", error: "json: cannot unmarshal number 1e400 into Go value of type float64" },
];
for (const [i, row] of printed.entries()) {
  test(`formatAst #${i}: ${row.expr}`, () => {
    if (row.ast !== undefined) {
      assert.equal(formatAst(row.expr), row.ast);
      return;
    }
    try {
      formatAst(row.expr);
      assert.fail('expected an error');
    } catch (err) {
      assert.ok(err instanceof JmesPathError);
      assert.equal(err.message, row.error);
      assert.equal(err.highlight, row.highlight);
    }
  });
}
