/**
 * Port of go-jmespath's lexer (lexer.go), quirks included:
 * - raw strings `'...'` only unescape `\'` (`'a\\b'` keeps both backslashes, `'a\nb'` keeps `\n`);
 * - JSON literals `` `...` `` only unescape `` \` `` and are decoded as JSON by the parser
 *   (legacy `` `foo` `` is a JSON error);
 * - identifiers are `[A-Za-z_][A-Za-z0-9_]*` (U+0080 right after an identifier is swallowed into it);
 * - `-` and digits form number tokens (`-` alone is a number token that fails later).
 * Positions are UTF-16 indices (Go uses bytes; only used for error offsets).
 */
import { TokType } from './ast.ts';
import { JmesPathError } from './errors.ts';
import { goJsonUnmarshal } from './go-json.ts';

export interface Token {
  readonly type: TokType;
  readonly value: string;
  readonly position: number;
}

const EOF = -1;

const basicTokens: Record<number, TokType> = {
  0x2e: TokType.Dot, // .
  0x2a: TokType.Star, // *
  0x2c: TokType.Comma,
  0x3a: TokType.Colon,
  0x7b: TokType.Lbrace,
  0x7d: TokType.Rbrace,
  0x5d: TokType.Rbracket,
  0x28: TokType.Lparen,
  0x29: TokType.Rparen,
  0x40: TokType.Current, // @
};

function isIdentStart(r: number): boolean {
  return (r >= 0x41 && r <= 0x5a) || (r >= 0x61 && r <= 0x7a) || r === 0x5f;
}

function isIdentTrailing(r: number): boolean {
  return isIdentStart(r) || (r >= 0x30 && r <= 0x39);
}

/** UTF-8 length of the first `utf16Index` code units of `s` (Go offsets are byte offsets). */
export function byteOffset(s: string, utf16Index: number): number {
  let n = 0;
  for (let i = 0; i < utf16Index && i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** A syntax error as go-jmespath reports it: `SyntaxError: <msg>`, with Go's byte offset. */
export function syntaxError(msg: string, expression: string, utf16Offset: number): JmesPathError {
  return new JmesPathError('JMESPATH_SYNTAX', `SyntaxError: ${msg}`, expression, byteOffset(expression, utf16Offset));
}

/** Go's strconv.QuoteRuneToASCII. */
export function quoteRuneToASCII(r: number): string {
  switch (r) {
    case 0x07:
      return `'\\a'`;
    case 0x08:
      return `'\\b'`;
    case 0x0c:
      return `'\\f'`;
    case 0x0a:
      return `'\\n'`;
    case 0x0d:
      return `'\\r'`;
    case 0x09:
      return `'\\t'`;
    case 0x0b:
      return `'\\v'`;
    case 0x5c:
      return `'\\\\'`;
    case 0x27:
      return `'\\''`;
    default:
      break;
  }
  if (r >= 0x20 && r < 0x7f) return `'${String.fromCharCode(r)}'`;
  if (r < 0x20 || r === 0x7f) return `'\\x${r.toString(16).padStart(2, '0')}'`;
  if (r >= 0xd800 && r <= 0xdfff) return `'\\ufffd'`;
  if (r < 0x10000) return `'\\u${r.toString(16).padStart(4, '0')}'`;
  return `'\\U${r.toString(16).padStart(8, '0')}'`;
}

class Lexer {
  private pos = 0;
  private lastWidth = 0;
  constructor(private readonly expr: string) {}

  private next(): number {
    if (this.pos >= this.expr.length) {
      this.lastWidth = 0;
      return EOF;
    }
    const r = this.expr.codePointAt(this.pos) as number;
    const w = r > 0xffff ? 2 : 1;
    this.lastWidth = w;
    this.pos += w;
    return r;
  }

  private back(): void {
    this.pos -= this.lastWidth;
  }

  private peek(): number {
    const r = this.next();
    this.back();
    return r;
  }

  tokenize(): Token[] {
    const tokens: Token[] = [];
    for (;;) {
      const r = this.next();
      if (isIdentStart(r)) {
        tokens.push(this.consumeUnquotedIdentifier());
      } else if (basicTokens[r] !== undefined) {
        tokens.push({ type: basicTokens[r] as TokType, value: String.fromCodePoint(r), position: this.pos - this.lastWidth });
      } else if (r === 0x2d || (r >= 0x30 && r <= 0x39)) {
        tokens.push(this.consumeNumber());
      } else if (r === 0x5b) {
        tokens.push(this.consumeLBracket());
      } else if (r === 0x22) {
        tokens.push(this.consumeQuotedIdentifier());
      } else if (r === 0x27) {
        tokens.push(this.consumeRawStringLiteral());
      } else if (r === 0x60) {
        tokens.push(this.consumeLiteral());
      } else if (r === 0x7c) {
        tokens.push(this.matchOrElse(r, 0x7c, TokType.Or, TokType.Pipe));
      } else if (r === 0x3c) {
        tokens.push(this.matchOrElse(r, 0x3d, TokType.LTE, TokType.LT));
      } else if (r === 0x3e) {
        tokens.push(this.matchOrElse(r, 0x3d, TokType.GTE, TokType.GT));
      } else if (r === 0x21) {
        tokens.push(this.matchOrElse(r, 0x3d, TokType.NE, TokType.Not));
      } else if (r === 0x3d) {
        tokens.push(this.matchOrElse(r, 0x3d, TokType.EQ, TokType.Unknown));
      } else if (r === 0x26) {
        tokens.push(this.matchOrElse(r, 0x26, TokType.And, TokType.Expref));
      } else if (r === EOF) {
        break;
      } else if (r === 0x20 || r === 0x09 || r === 0x0a || r === 0x0d) {
        // whitespace
      } else {
        // Go reports the byte before the end of the offending rune
        throw new JmesPathError(
          'JMESPATH_SYNTAX',
          `SyntaxError: Unknown char: ${quoteRuneToASCII(r)}`,
          this.expr,
          byteOffset(this.expr, this.pos) - 1,
        );
      }
    }
    tokens.push({ type: TokType.EOF, value: '', position: this.expr.length });
    return tokens;
  }

  private consumeUntil(end: number): string {
    const start = this.pos;
    let current = this.next();
    while (current !== end && current !== EOF) {
      if (current === 0x5c && this.peek() !== EOF) this.next();
      current = this.next();
    }
    if (this.lastWidth === 0) {
      throw syntaxError(`Unclosed delimiter: ${String.fromCodePoint(end)}`, this.expr, this.expr.length);
    }
    return this.expr.slice(start, this.pos - this.lastWidth);
  }

  private consumeLiteral(): Token {
    const start = this.pos;
    const value = this.consumeUntil(0x60).replaceAll('\\`', '`');
    return { type: TokType.JSONLiteral, value, position: start };
  }

  private consumeRawStringLiteral(): Token {
    const start = this.pos;
    let buf = '';
    let currentIndex = start;
    let current = this.next();
    while (current !== 0x27 && this.peek() !== EOF) {
      if (current === 0x5c && this.peek() === 0x27) {
        buf += this.expr.slice(currentIndex, this.pos - 1) + "'";
        this.next();
        currentIndex = this.pos;
      }
      current = this.next();
    }
    if (this.lastWidth === 0) {
      throw syntaxError(`Unclosed delimiter: '`, this.expr, this.expr.length);
    }
    if (currentIndex < this.pos) buf += this.expr.slice(currentIndex, this.pos - 1);
    return { type: TokType.StringLiteral, value: buf, position: start };
  }

  private matchOrElse(first: number, second: number, matched: TokType, single: TokType): Token {
    const start = this.pos - this.lastWidth;
    const nextRune = this.next();
    if (nextRune === second) {
      return { type: matched, value: String.fromCodePoint(first, second), position: start };
    }
    this.back();
    return { type: single, value: String.fromCodePoint(first), position: start };
  }

  private consumeLBracket(): Token {
    const start = this.pos - this.lastWidth;
    const nextRune = this.next();
    if (nextRune === 0x3f) return { type: TokType.Filter, value: '[?', position: start };
    if (nextRune === 0x5d) return { type: TokType.Flatten, value: '[]', position: start };
    this.back();
    return { type: TokType.Lbracket, value: '[', position: start };
  }

  private consumeQuotedIdentifier(): Token {
    const start = this.pos;
    const raw = this.consumeUntil(0x22);
    let value: string;
    try {
      value = goJsonUnmarshal(`"${raw}"`) as string;
    } catch (err) {
      throw new JmesPathError('JMESPATH_SYNTAX', (err as Error).message, this.expr, byteOffset(this.expr, start - 1));
    }
    return { type: TokType.QuotedIdentifier, value, position: start - 1 };
  }

  private consumeUnquotedIdentifier(): Token {
    const start = this.pos - this.lastWidth;
    for (;;) {
      const r = this.next();
      if (r < 0 || r > 128) {
        this.back();
        break;
      }
      if (r === 128) break; // Go's bit-table bounds check exits without backing up
      if (!isIdentTrailing(r)) {
        this.back();
        break;
      }
    }
    return { type: TokType.UnquotedIdentifier, value: this.expr.slice(start, this.pos), position: start };
  }

  private consumeNumber(): Token {
    const start = this.pos - this.lastWidth;
    for (;;) {
      const r = this.next();
      if (r < 0x30 || r > 0x39) {
        this.back();
        break;
      }
    }
    return { type: TokType.Number, value: this.expr.slice(start, this.pos), position: start };
  }
}

/** Tokenizes an expression (throws JmesPathError JMESPATH_SYNTAX). */
export function tokenize(expression: string): Token[] {
  return new Lexer(expression).tokenize();
}
