/**
 * The AST of go-jmespath (kept node for node: the same node kinds, values and children, so that
 * expression references compare and print the way Go's `reflect.DeepEqual` / `fmt` do).
 */
import type { JsonValue } from '../api/json.ts';

/** ASTNodeType, same ordinal values as Go. */
export const NodeType = {
  Empty: 0,
  Comparator: 1,
  CurrentNode: 2,
  ExpRef: 3,
  FunctionExpression: 4,
  Field: 5,
  FilterProjection: 6,
  Flatten: 7,
  Identity: 8,
  Index: 9,
  IndexExpression: 10,
  KeyValPair: 11,
  Literal: 12,
  MultiSelectHash: 13,
  MultiSelectList: 14,
  OrExpression: 15,
  AndExpression: 16,
  NotExpression: 17,
  Pipe: 18,
  Projection: 19,
  Subexpression: 20,
  Slice: 21,
  ValueProjection: 22,
} as const;
export type NodeType = (typeof NodeType)[keyof typeof NodeType];

/** Lexer token types, same ordinal values and names as Go (used in syntax error messages). */
export const TokType = {
  Unknown: 0,
  Star: 1,
  Dot: 2,
  Filter: 3,
  Flatten: 4,
  Lparen: 5,
  Rparen: 6,
  Lbracket: 7,
  Rbracket: 8,
  Lbrace: 9,
  Rbrace: 10,
  Or: 11,
  Pipe: 12,
  Number: 13,
  UnquotedIdentifier: 14,
  QuotedIdentifier: 15,
  Comma: 16,
  Colon: 17,
  LT: 18,
  LTE: 19,
  GT: 20,
  GTE: 21,
  EQ: 22,
  NE: 23,
  JSONLiteral: 24,
  StringLiteral: 25,
  Current: 26,
  Expref: 27,
  And: 28,
  Not: 29,
  EOF: 30,
} as const;
export type TokType = (typeof TokType)[keyof typeof TokType];

const tokNames = [
  'tUnknown', 'tStar', 'tDot', 'tFilter', 'tFlatten', 'tLparen', 'tRparen', 'tLbracket', 'tRbracket',
  'tLbrace', 'tRbrace', 'tOr', 'tPipe', 'tNumber', 'tUnquotedIdentifier', 'tQuotedIdentifier', 'tComma',
  'tColon', 'tLT', 'tLTE', 'tGT', 'tGTE', 'tEQ', 'tNE', 'tJSONLiteral', 'tStringLiteral', 'tCurrent',
  'tExpref', 'tAnd', 'tNot', 'tEOF',
] as const;

/** Go's tokType.String(), e.g. `tRbracket`. */
export function tokName(t: TokType): string {
  return tokNames[t] ?? `tokType(${t})`;
}

/**
 * Node value per kind: Field/KeyValPair/FunctionExpression -> string (a function node built on a
 * non-identifier has `undefined`), Literal -> JSON value, Index -> number, Comparator -> TokType,
 * Slice -> [start, stop, step] with null for unspecified parts.
 */
export type NodeValue = string | number | JsonValue | ReadonlyArray<number | null> | undefined;

export interface Node {
  readonly type: NodeType;
  readonly value: NodeValue;
  readonly children: readonly Node[];
}

export function node(type: NodeType, value?: NodeValue, children: readonly Node[] = []): Node {
  return { type, value, children };
}
