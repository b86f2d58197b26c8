/**
 * go-jmespath's `ASTNode.String()` (PrettyPrint), which `kyverno jp parse` prints, quirks included (a
 * `children: {` block is never closed). Node values use Go's `%#v` (`"foo"`, `[]interface {}{1, "a"}`);
 * slice bounds are Go pointers, whose addresses cannot be reproduced.
 */
import { goQuote, goStringCompare } from '../utils/goconv.ts';
import { goSprintFloat } from '../utils/gofmt.ts';
import type { JsonValue } from '../api/json.ts';
import { NodeType, tokName, type Node, type TokType } from './ast.ts';

const NODE_NAMES = [
  'ASTEmpty', 'ASTComparator', 'ASTCurrentNode', 'ASTExpRef', 'ASTFunctionExpression', 'ASTField',
  'ASTFilterProjection', 'ASTFlatten', 'ASTIdentity', 'ASTIndex', 'ASTIndexExpression', 'ASTKeyValPair',
  'ASTLiteral', 'ASTMultiSelectHash', 'ASTMultiSelectList', 'ASTOrExpression', 'ASTAndExpression',
  'ASTNotExpression', 'ASTPipe', 'ASTProjection', 'ASTSubexpression', 'ASTSlice', 'ASTValueProjection',
];

/** Go's `%#v` of a decoded JSON value held in an `interface{}`. */
function goSharpV(v: JsonValue, nested: boolean): string {
  if (v === null) return nested ? 'interface {}(nil)' : '<nil>';
  switch (typeof v) {
    case 'string':
      return goQuote(v);
    case 'number':
      return goSprintFloat(v);
    case 'boolean':
      return v ? 'true' : 'false';
    default:
      break;
  }
  if (Array.isArray(v)) return `[]interface {}{${v.map((x) => goSharpV(x, true)).join(', ')}}`;
  const keys = Object.keys(v).sort(goStringCompare);
  return `map[string]interface {}{${keys.map((k) => `${goQuote(k)}:${goSharpV(v[k] as JsonValue, true)}`).join(', ')}}`;
}

function valueText(n: Node): string | undefined {
  const v = n.value;
  if (v === undefined || v === null) return undefined;
  if (n.type === NodeType.Comparator) return tokName(v as TokType);
  if (n.type === NodeType.Slice) {
    return `[]*int{${(v as (number | null)[]).map((p) => (p === null ? '(*int)(nil)' : '(*int)(0xc000000000)')).join(', ')}}`;
  }
  return goSharpV(v as JsonValue, false);
}

function print(n: Node, indent: number): string {
  const spaces = ' '.repeat(indent);
  const next = ' '.repeat(indent + 2);
  let out = `${spaces}${NODE_NAMES[n.type] ?? `ASTNodeType(${n.type})`} {\n`;
  const value = valueText(n);
  if (value !== undefined) out += `${next}value: ${value}\n`;
  if (n.children.length > 0) {
    out += `${next}children: {\n`;
    for (const c of n.children) out += print(c, indent + 4);
  }
  return `${out}${spaces}}\n`;
}

/** `node.String()` of go-jmespath. */
export function prettyPrintAst(n: Node): string {
  return print(n, 0);
}
