/**
 * Port of go-jmespath's Pratt parser (parser.go): the 2015 JMESPath grammar exactly as Kyverno's
 * fork accepts it, with Go's error texts. No arithmetic, `$`, `let`, ternary or root — those are
 * lexer errors (`SyntaxError: Unknown char: '+'`).
 *
 * Quirks kept on purpose (they change what Kyverno accepts):
 * - function names come from the node on the left of `(`: `'length'(@)` calls length, `@(1)` builds a
 *   function node without a name (runtime error `invalid node value type`);
 * - function arguments need no commas (`f(a b)`), and a trailing comma is fine (`f(a,)`);
 * - multi-select hashes need no commas (`{a: b c: d}`);
 * - an invalid index at the start of an expression (`[0`, `[-]`) is not a syntax error: the node
 *   becomes an empty node, which fails at evaluation with `Unknown AST node: ASTEmpty`.
 */
import type { JsonValue } from '../api/json.ts';
import { NodeType, TokType, node, tokName, type Node } from './ast.ts';
import { JmesPathError } from './errors.ts';
import { GoJsonError, goJsonUnmarshal } from './go-json.ts';
import { byteOffset, syntaxError, tokenize, type Token } from './lexer.ts';

const bindingPowers: Partial<Record<TokType, number>> = {
  [TokType.EOF]: 0,
  [TokType.UnquotedIdentifier]: 0,
  [TokType.QuotedIdentifier]: 0,
  [TokType.Rbracket]: 0,
  [TokType.Rparen]: 0,
  [TokType.Comma]: 0,
  [TokType.Rbrace]: 0,
  [TokType.Number]: 0,
  [TokType.Current]: 0,
  [TokType.Expref]: 0,
  [TokType.Colon]: 0,
  [TokType.Pipe]: 1,
  [TokType.Or]: 2,
  [TokType.And]: 3,
  [TokType.EQ]: 5,
  [TokType.LT]: 5,
  [TokType.LTE]: 5,
  [TokType.GT]: 5,
  [TokType.GTE]: 5,
  [TokType.NE]: 5,
  [TokType.Flatten]: 9,
  [TokType.Star]: 20,
  [TokType.Filter]: 21,
  [TokType.Dot]: 40,
  [TokType.Not]: 45,
  [TokType.Lbrace]: 50,
  [TokType.Lbracket]: 55,
  [TokType.Lparen]: 60,
};

function bp(t: TokType): number {
  return bindingPowers[t] ?? 0;
}

const IDENTITY = node(NodeType.Identity);
const MAX_INT64 = 9223372036854775807n;
const MIN_INT64 = -9223372036854775808n;

/** Go's strconv.Atoi on a number token (`-?[0-9]*`). */
function atoi(s: string): number {
  if (!/^[+-]?[0-9]+$/.test(s)) {
    throw new JmesPathError('JMESPATH_SYNTAX', `strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`);
  }
  const big = BigInt(s);
  if (big > MAX_INT64 || big < MIN_INT64) {
    throw new JmesPathError('JMESPATH_SYNTAX', `strconv.Atoi: parsing ${JSON.stringify(s)}: value out of range`);
  }
  return Number(big);
}

class Parser {
  private tokens: Token[] = [];
  private index = 0;
  constructor(private readonly expression: string) {}

  parse(): Node {
    this.tokens = tokenize(this.expression);
    const parsed = this.parseExpression(0);
    if (this.current() !== TokType.EOF) {
      throw this.syntaxError(`Unexpected token at the end of the expression: ${tokName(this.current())}`);
    }
    return parsed;
  }

  private lookaheadToken(n: number): Token {
    const t = this.tokens[this.index + n];
    if (t === undefined) {
      throw new JmesPathError('JMESPATH_PANIC', `runtime error: index out of range [${this.index + n}] with length ${this.tokens.length}`);
    }
    return t;
  }

  private lookahead(n: number): TokType {
    return this.lookaheadToken(n).type;
  }

  private current(): TokType {
    return this.lookahead(0);
  }

  private advance(): void {
    this.index++;
  }

  private syntaxError(msg: string): JmesPathError {
    return syntaxError(msg, this.expression, this.lookaheadToken(0).position);
  }

  private match(t: TokType): void {
    if (this.current() === t) {
      this.advance();
      return;
    }
    throw this.syntaxError(`Expected ${tokName(t)}, received: ${tokName(this.current())}`);
  }

  private parseExpression(bindingPower: number): Node {
    const leftToken = this.lookaheadToken(0);
    this.advance();
    let left = this.nud(leftToken);
    let current = this.current();
    while (bindingPower < bp(current)) {
      this.advance();
      left = this.led(current, left);
      current = this.current();
    }
    return left;
  }

  private parseIndexExpression(): Node {
    if (this.lookahead(0) === TokType.Colon || this.lookahead(1) === TokType.Colon) {
      return this.parseSliceExpression();
    }
    const idx = atoi(this.lookaheadToken(0).value);
    const indexNode = node(NodeType.Index, idx);
    this.advance();
    this.match(TokType.Rbracket);
    return indexNode;
  }

  private parseSliceExpression(): Node {
    const parts: (number | null)[] = [null, null, null];
    let index = 0;
    let current = this.current();
    while (current !== TokType.Rbracket && index < 3) {
      if (current === TokType.Colon) {
        index++;
        this.advance();
      } else if (current === TokType.Number) {
        parts[index] = atoi(this.lookaheadToken(0).value);
        this.advance();
      } else {
        throw this.syntaxError(`Expected tColon or tNumber, received: ${tokName(this.current())}`);
      }
      current = this.current();
    }
    this.match(TokType.Rbracket);
    return node(NodeType.Slice, parts);
  }

  private led(tokenType: TokType, left: Node): Node {
    switch (tokenType) {
      case TokType.Dot: {
        if (this.current() !== TokType.Star) {
          const right = this.parseDotRHS(bp(TokType.Dot));
          return node(NodeType.Subexpression, undefined, [left, right]);
        }
        this.advance();
        const right = this.parseProjectionRHS(bp(TokType.Dot));
        return node(NodeType.ValueProjection, undefined, [left, right]);
      }
      case TokType.Pipe:
        return node(NodeType.Pipe, undefined, [left, this.parseExpression(bp(TokType.Pipe))]);
      case TokType.Or:
        return node(NodeType.OrExpression, undefined, [left, this.parseExpression(bp(TokType.Or))]);
      case TokType.And:
        return node(NodeType.AndExpression, undefined, [left, this.parseExpression(bp(TokType.And))]);
      case TokType.Lparen: {
        const name = left.value;
        const args: Node[] = [];
        while (this.current() !== TokType.Rparen) {
          const expression = this.parseExpression(0);
          if (this.current() === TokType.Comma) this.match(TokType.Comma);
          args.push(expression);
        }
        this.match(TokType.Rparen);
        return node(NodeType.FunctionExpression, name, args);
      }
      case TokType.Filter:
        return this.parseFilter(left);
      case TokType.Flatten: {
        const flat = node(NodeType.Flatten, undefined, [left]);
        const right = this.parseProjectionRHS(bp(TokType.Flatten));
        return node(NodeType.Projection, undefined, [flat, right]);
      }
      case TokType.EQ:
      case TokType.NE:
      case TokType.GT:
      case TokType.GTE:
      case TokType.LT:
      case TokType.LTE: {
        const right = this.parseExpression(bp(tokenType));
        return node(NodeType.Comparator, tokenType, [left, right]);
      }
      case TokType.Lbracket: {
        const t = this.current();
        if (t === TokType.Number || t === TokType.Colon) {
          const right = this.parseIndexExpression();
          return this.projectIfSlice(left, right);
        }
        this.match(TokType.Star);
        this.match(TokType.Rbracket);
        const right = this.parseProjectionRHS(bp(TokType.Star));
        return node(NodeType.Projection, undefined, [left, right]);
      }
      default:
        throw this.syntaxError(`Unexpected token: ${tokName(tokenType)}`);
    }
  }

  private nud(token: Token): Node {
    switch (token.type) {
      case TokType.JSONLiteral: {
        let parsed: JsonValue;
        try {
          parsed = goJsonUnmarshal(token.value);
        } catch (err) {
          if (err instanceof GoJsonError) {
            throw new JmesPathError('JMESPATH_SYNTAX', err.message, this.expression, byteOffset(this.expression, token.position));
          }
          throw err;
        }
        return node(NodeType.Literal, parsed);
      }
      case TokType.StringLiteral:
        return node(NodeType.Literal, token.value);
      case TokType.UnquotedIdentifier:
        return node(NodeType.Field, token.value);
      case TokType.QuotedIdentifier:
        if (this.current() === TokType.Lparen) {
          throw syntaxError(`Can't have quoted identifier as function Name.`, this.expression, token.position);
        }
        return node(NodeType.Field, token.value);
      case TokType.Star: {
        const right = this.current() === TokType.Rbracket ? IDENTITY : this.parseProjectionRHS(bp(TokType.Star));
        return node(NodeType.ValueProjection, undefined, [IDENTITY, right]);
      }
      case TokType.Filter:
        return this.parseFilter(IDENTITY);
      case TokType.Lbrace:
        return this.parseMultiSelectHash();
      case TokType.Flatten: {
        const flat = node(NodeType.Flatten, undefined, [IDENTITY]);
        const right = this.parseProjectionRHS(bp(TokType.Flatten));
        return node(NodeType.Projection, undefined, [flat, right]);
      }
      case TokType.Lbracket: {
        const t = this.current();
        if (t === TokType.Number || t === TokType.Colon) {
          let right: Node;
          try {
            right = this.parseIndexExpression();
          } catch (err) {
            // go-jmespath drops this error and returns an empty node
            if (err instanceof JmesPathError && err.code === 'JMESPATH_SYNTAX') return node(NodeType.Empty);
            throw err;
          }
          return this.projectIfSlice(IDENTITY, right);
        }
        if (t === TokType.Star && this.lookahead(1) === TokType.Rbracket) {
          this.advance();
          this.advance();
          const right = this.parseProjectionRHS(bp(TokType.Star));
          return node(NodeType.Projection, undefined, [IDENTITY, right]);
        }
        return this.parseMultiSelectList();
      }
      case TokType.Current:
        return node(NodeType.CurrentNode);
      case TokType.Expref:
        return node(NodeType.ExpRef, undefined, [this.parseExpression(bp(TokType.Expref))]);
      case TokType.Not:
        return node(NodeType.NotExpression, undefined, [this.parseExpression(bp(TokType.Not))]);
      case TokType.Lparen: {
        const expression = this.parseExpression(0);
        this.match(TokType.Rparen);
        return expression;
      }
      case TokType.EOF:
        throw syntaxError('Incomplete expression', this.expression, token.position);
      default:
        throw syntaxError(`Invalid token: ${tokName(token.type)}`, this.expression, token.position);
    }
  }

  private parseMultiSelectList(): Node {
    const expressions: Node[] = [];
    for (;;) {
      expressions.push(this.parseExpression(0));
      if (this.current() === TokType.Rbracket) break;
      this.match(TokType.Comma);
    }
    this.match(TokType.Rbracket);
    return node(NodeType.MultiSelectList, undefined, expressions);
  }

  private parseMultiSelectHash(): Node {
    const children: Node[] = [];
    for (;;) {
      const keyToken = this.lookaheadToken(0);
      if (this.current() === TokType.UnquotedIdentifier || this.current() === TokType.QuotedIdentifier) {
        this.advance();
      } else {
        throw this.syntaxError('Expected tQuotedIdentifier or tUnquotedIdentifier');
      }
      this.match(TokType.Colon);
      const value = this.parseExpression(0);
      children.push(node(NodeType.KeyValPair, keyToken.value, [value]));
      if (this.current() === TokType.Comma) {
        this.match(TokType.Comma);
      } else if (this.current() === TokType.Rbrace) {
        this.match(TokType.Rbrace);
        break;
      }
    }
    return node(NodeType.MultiSelectHash, undefined, children);
  }

  private projectIfSlice(left: Node, right: Node): Node {
    const indexExpr = node(NodeType.IndexExpression, undefined, [left, right]);
    if (right.type === NodeType.Slice) {
      const rhs = this.parseProjectionRHS(bp(TokType.Star));
      return node(NodeType.Projection, undefined, [indexExpr, rhs]);
    }
    return indexExpr;
  }

  private parseFilter(left: Node): Node {
    const condition = this.parseExpression(0);
    this.match(TokType.Rbracket);
    const right = this.current() === TokType.Flatten ? IDENTITY : this.parseProjectionRHS(bp(TokType.Filter));
    return node(NodeType.FilterProjection, undefined, [left, right, condition]);
  }

  private parseDotRHS(bindingPower: number): Node {
    const t = this.current();
    if (t === TokType.QuotedIdentifier || t === TokType.UnquotedIdentifier || t === TokType.Star) {
      return this.parseExpression(bindingPower);
    }
    if (t === TokType.Lbracket) {
      this.match(TokType.Lbracket);
      return this.parseMultiSelectList();
    }
    if (t === TokType.Lbrace) {
      this.match(TokType.Lbrace);
      return this.parseMultiSelectHash();
    }
    throw this.syntaxError('Expected identifier, lbracket, or lbrace');
  }

  private parseProjectionRHS(bindingPower: number): Node {
    const t = this.current();
    if (bp(t) < 10) return IDENTITY;
    if (t === TokType.Lbracket || t === TokType.Filter) return this.parseExpression(bindingPower);
    if (t === TokType.Dot) {
      this.match(TokType.Dot);
      return this.parseDotRHS(bindingPower);
    }
    throw this.syntaxError('Error');
  }
}

/**
 * Parses an expression into go-jmespath's AST. Throws JmesPathError with code JMESPATH_SYNTAX and
 * Go's message (`SyntaxError: …`, or the JSON/strconv error for literals and indices).
 */
export function parse(expression: string): Node {
  return new Parser(expression).parse();
}
