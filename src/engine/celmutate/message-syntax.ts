/**
 * CEL message construction for the mutation types (`Object{...}`, `Object.spec.template{...}`,
 * `JSONPatch{op: "add", ...}`, Kubernetes' DynamicTypeResolver): the CEL parser this project uses has no
 * message literals, so expressions are rewritten before compilation into calls of the mutation library
 * (mutation-library.ts), field by field:
 *
 *   `Object{spec: Object.spec{replicas: 3}}`
 *   -> `__mpol_object("Object").__mpol_set("spec", (__mpol_object_field("Object.spec").__mpol_set("replicas", (3))))`
 *   `JSONPatch{op: "add"}` -> `__mpol_patch_set(__mpol_jsonpatch(), "op", ("add"))`
 *
 * `?field: value` (an optional field initializer) becomes `__mpol_set_optional`. Only the type names the
 * resolver knows (`Object`, `Object.<path>`, `JSONPatch`) are rewritten; anything else is left for the
 * parser to reject. String literals (all quote and prefix forms) and `//` comments are skipped.
 */

type TokenKind = 'ident' | 'punct' | 'string' | 'other';

interface Token {
  kind: TokenKind;
  text: string;
  start: number;
  end: number;
}

const KEYWORDS = new Set(['true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while']);

function isIdentStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
}

function isIdentPart(c: string): boolean {
  return isIdentStart(c) || (c >= '0' && c <= '9');
}

/** Splits an expression into the tokens the rewrite needs (strings and comments kept whole). */
function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f') {
      i++;
      continue;
    }
    if (c === '/' && src[i + 1] === '/') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    // string literal, with optional r/b prefixes
    const m = /^([rRbB]{0,2})("""|'''|"|')/.exec(src.slice(i, i + 5));
    if (m && (m[1] === '' || /^(r|b|rb|br)$/i.test(m[1]!))) {
      const start = i;
      const raw = /r/i.test(m[1]!);
      const quote = m[2]!;
      i += m[0].length;
      while (i < src.length) {
        if (!raw && src[i] === '\\') {
          i += 2;
          continue;
        }
        if (src.startsWith(quote, i)) {
          i += quote.length;
          break;
        }
        if (quote.length === 1 && src[i] === '\n') break;
        i++;
      }
      out.push({ kind: 'string', text: src.slice(start, i), start, end: i });
      continue;
    }
    if (isIdentStart(c)) {
      const start = i;
      while (i < src.length && isIdentPart(src[i]!)) i++;
      out.push({ kind: 'ident', text: src.slice(start, i), start, end: i });
      continue;
    }
    if (c >= '0' && c <= '9') {
      const start = i;
      while (i < src.length && (isIdentPart(src[i]!) || src[i] === '.')) {
        // `1.5`, `0x1F`, `1e3`, `2u`; stop before a member access on a number like `1.foo` (invalid anyway)
        i++;
      }
      out.push({ kind: 'other', text: src.slice(start, i), start, end: i });
      continue;
    }
    out.push({ kind: 'punct', text: c, start: i, end: i + 1 });
    i++;
  }
  return out;
}

/** Whether a qualified type name is one the Kubernetes mutation resolver knows. */
function isMutationType(name: string): boolean {
  return name === 'JSONPatch' || name === 'Object' || name.startsWith('Object.');
}

function constructorCall(name: string): string {
  if (name === 'JSONPatch') return '__mpol_jsonpatch()';
  if (name === 'Object') return '__mpol_object("Object")';
  return `__mpol_object_field(${JSON.stringify(name)})`;
}

/** Index of the token closing the bracket opened at `open`, or -1. */
function matching(tokens: readonly Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== 'punct') continue;
    if (t.text === '(' || t.text === '[' || t.text === '{') depth++;
    else if (t.text === ')' || t.text === ']' || t.text === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

class Rewriter {
  constructor(
    private readonly src: string,
    private readonly tokens: readonly Token[],
  ) {}

  /** Rewrites tokens [from, to) and returns the text spanning them (with the original spacing). */
  range(from: number, to: number): string {
    if (from >= to) return '';
    let out = '';
    let pos = this.tokens[from]!.start;
    let i = from;
    while (i < to) {
      const t = this.tokens[i]!;
      const msg = this.messageAt(i, to) ?? this.hasAt(i, to);
      if (msg) {
        out += this.src.slice(pos, t.start) + msg.text;
        pos = this.tokens[msg.end - 1]!.end;
        i = msg.end;
        continue;
      }
      i++;
    }
    return out + this.src.slice(pos, this.tokens[to - 1]!.end);
  }

  /** A message construction starting at token `i`: its rewritten text and the index after its `}`. */
  private messageAt(i: number, limit: number): { text: string; end: number } | undefined {
    const t = this.tokens[i]!;
    if (t.kind !== 'ident' || KEYWORDS.has(t.text)) return undefined;
    // a field selection (`x.Object`, `x.?Object`) is not a type name
    const prev = this.tokens[i - 1];
    const prev2 = this.tokens[i - 2];
    if (prev && prev.kind === 'punct' && prev.text === '.') return undefined;
    if (prev && prev.text === '?' && prev2 && prev2.text === '.') return undefined;
    let name = t.text;
    let j = i + 1;
    while (j + 1 < limit && this.tokens[j]!.text === '.' && this.tokens[j + 1]!.kind === 'ident') {
      name += '.' + this.tokens[j + 1]!.text;
      j += 2;
    }
    if (j >= limit || this.tokens[j]!.kind !== 'punct' || this.tokens[j]!.text !== '{') return undefined;
    if (!isMutationType(name)) return undefined;
    const close = matching(this.tokens, j);
    if (close < 0 || close >= limit) return undefined;
    const fields = this.fields(j + 1, close);
    if (!fields) return undefined;
    let text = constructorCall(name);
    for (const f of fields) {
      const value = `(${this.range(f.from, f.to)})`;
      if (name === 'JSONPatch') text = `${f.optional ? '__mpol_patch_set_optional' : '__mpol_patch_set'}(${text}, ${JSON.stringify(f.name)}, ${value})`;
      else text += `.${f.optional ? '__mpol_set_optional' : '__mpol_set'}(${JSON.stringify(f.name)}, ${value})`;
    }
    return { text, end: close + 1 };
  }

  /**
   * `has(e.f)` where `e` is not a plain identifier path (`has(x[0].f)`, `has(f(x).g)`): cel-go accepts
   * any operand, the parser used here only identifier paths, so it becomes `__mpol_has((e), "f")`.
   */
  private hasAt(i: number, limit: number): { text: string; end: number } | undefined {
    const t = this.tokens[i]!;
    if (t.kind !== 'ident' || t.text !== 'has') return undefined;
    const prev = this.tokens[i - 1];
    if (prev && prev.kind === 'punct' && prev.text === '.') return undefined;
    const open = this.tokens[i + 1];
    if (!open || open.text !== '(') return undefined;
    const close = matching(this.tokens, i + 1);
    if (close < 0 || close >= limit) return undefined;
    const last = this.tokens[close - 1];
    const dot = this.tokens[close - 2];
    if (!last || last.kind !== 'ident' || !dot || dot.text !== '.' || close - 2 <= i + 2) return undefined;
    // a plain path: ident ('.' ident | '.' '?' ident)*
    let plain = this.tokens[i + 2]!.kind === 'ident';
    for (let k = i + 3; plain && k < close - 2; ) {
      if (this.tokens[k]!.text !== '.') plain = false;
      else if (this.tokens[k + 1]?.text === '?' && this.tokens[k + 2]?.kind === 'ident') k += 3;
      else if (this.tokens[k + 1]?.kind === 'ident') k += 2;
      else plain = false;
    }
    if (plain) return undefined;
    return { text: `__mpol_has((${this.range(i + 2, close - 2)}), ${JSON.stringify(last.text)})`, end: close + 1 };
  }

  /** Field initializers between the braces: `[?]name: expr` separated by commas (trailing comma allowed). */
  private fields(from: number, to: number): Array<{ name: string; optional: boolean; from: number; to: number }> | undefined {
    const out: Array<{ name: string; optional: boolean; from: number; to: number }> = [];
    let i = from;
    while (i < to) {
      let optional = false;
      if (this.tokens[i]!.text === '?') {
        optional = true;
        i++;
      }
      const name = this.tokens[i];
      const colon = this.tokens[i + 1];
      if (!name || name.kind !== 'ident' || !colon || colon.text !== ':') return undefined;
      const start = i + 2;
      let k = start;
      while (k < to) {
        const tk = this.tokens[k]!;
        if (tk.kind === 'punct' && (tk.text === '(' || tk.text === '[' || tk.text === '{')) {
          const m = matching(this.tokens, k);
          if (m < 0 || m >= to) return undefined;
          k = m + 1;
          continue;
        }
        if (tk.kind === 'punct' && tk.text === ',') break;
        k++;
      }
      if (k === start) return undefined;
      out.push({ name: name.text, optional, from: start, to: k });
      i = k + 1;
    }
    return out;
  }
}

/**
 * Rewrites the mutation message constructions of a CEL expression into library calls; an expression
 * without any is returned unchanged.
 */
export function rewriteMessageSyntax(expression: string): string {
  if (!/(Object|JSONPatch)\s*(\.\s*[A-Za-z_][A-Za-z0-9_]*\s*)*\{|\bhas\s*\(/.test(expression)) return expression;
  const tokens = tokenize(expression);
  if (tokens.length === 0) return expression;
  return new Rewriter(expression, tokens).range(0, tokens.length);
}
