/**
 * Kyverno's random(pattern): a random string matching a regular expression, like goregen's
 * `Generate(pattern)`: the pattern is parsed by Go's regexp/syntax with no flags (POSIX-style: no
 * `\d`, `(?:…)`, `(?i)`, non-greedy or `\p{…}`), unbounded repeats produce up to 4096 items,
 * `.` produces a random rune from [1, 2^31) (mostly U+FFFD, as in Go), anchors produce nothing.
 * Randomness comes from the RandomSource port. `random('[a-z0-9]{6}')` -> e.g. `k3x9qa`.
 */
import type { RandomSource } from '../../api/request.ts';
import { functionError, goError } from '../errors.ts';
import { arg, type FunctionFamily } from './types.ts';

type Re =
  | { op: 'lit'; runes: number[] }
  | { op: 'any' }
  | { op: 'class'; ranges: number[] }
  | { op: 'empty' }
  | { op: 'concat'; subs: Re[] }
  | { op: 'alt'; subs: Re[] }
  | { op: 'repeat'; sub: Re; min: number; max: number };

class SyntaxErr extends Error {
  constructor(code: string, expr: string) {
    super(`error parsing regexp: ${code}: \`${expr}\``);
  }
}

const MAX_RUNE = 0x10ffff;
const UNBOUNDED = 4096;

const POSIX_CLASSES: Record<string, number[]> = {
  '[:alnum:]': [0x30, 0x39, 0x41, 0x5a, 0x61, 0x7a],
  '[:alpha:]': [0x41, 0x5a, 0x61, 0x7a],
  '[:ascii:]': [0x0, 0x7f],
  '[:blank:]': [0x9, 0x9, 0x20, 0x20],
  '[:cntrl:]': [0x0, 0x1f, 0x7f, 0x7f],
  '[:digit:]': [0x30, 0x39],
  '[:graph:]': [0x21, 0x7e],
  '[:lower:]': [0x61, 0x7a],
  '[:print:]': [0x20, 0x7e],
  '[:punct:]': [0x21, 0x2f, 0x3a, 0x40, 0x5b, 0x60, 0x7b, 0x7e],
  '[:space:]': [0x9, 0xd, 0x20, 0x20],
  '[:upper:]': [0x41, 0x5a],
  '[:word:]': [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a],
  '[:xdigit:]': [0x30, 0x39, 0x41, 0x46, 0x61, 0x66],
};

function normalize(ranges: number[]): number[] {
  const pairs: [number, number][] = [];
  for (let i = 0; i < ranges.length; i += 2) pairs.push([ranges[i] as number, ranges[i + 1] as number]);
  pairs.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [lo, hi] of pairs) {
    const n = out.length;
    if (n > 0 && lo <= (out[n - 1] as number) + 1) out[n - 1] = Math.max(out[n - 1] as number, hi);
    else out.push(lo, hi);
  }
  return out;
}

function negate(ranges: number[]): number[] {
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < ranges.length; i += 2) {
    if ((ranges[i] as number) > next) out.push(next, (ranges[i] as number) - 1);
    next = (ranges[i + 1] as number) + 1;
  }
  if (next <= MAX_RUNE) out.push(next, MAX_RUNE);
  return out;
}

/** Go regexp/syntax.Parse(pattern, 0), reduced to what generation needs. */
class Parser {
  private i = 0;
  private readonly s: string[];
  constructor(private readonly expr: string) {
    this.s = Array.from(expr);
  }

  parse(): Re {
    const re = this.alternation(0);
    if (this.i < this.s.length) throw new SyntaxErr('unexpected )', this.expr);
    return re;
  }

  private alternation(depth: number): Re {
    const alts: Re[] = [this.concat(depth)];
    while (this.s[this.i] === '|') {
      this.i++;
      alts.push(this.concat(depth));
    }
    return alts.length === 1 ? (alts[0] as Re) : { op: 'alt', subs: alts };
  }

  private concat(depth: number): Re {
    const items: Re[] = [];
    for (;;) {
      const c = this.s[this.i];
      if (c === undefined || c === '|') break;
      if (c === ')') {
        if (depth === 0) throw new SyntaxErr('unexpected )', this.expr);
        break;
      }
      const start = this.i;
      if (c === '*' || c === '+' || c === '?') {
        this.repeatOp(items, start);
        continue;
      }
      if (c === '{') {
        const rep = this.tryRepeatCount();
        if (rep !== undefined) {
          this.applyRepeat(items, rep[0], rep[1], start);
          continue;
        }
        this.i++;
        items.push({ op: 'lit', runes: [0x7b] });
        continue;
      }
      items.push(this.atom(depth));
    }
    if (items.length === 0) return { op: 'empty' };
    return items.length === 1 ? (items[0] as Re) : { op: 'concat', subs: items };
  }

  private repeatOp(items: Re[], start: number): void {
    const c = this.s[this.i] as string;
    this.i++;
    const [min, max] = c === '*' ? [0, -1] : c === '+' ? [1, -1] : [0, 1];
    this.applyRepeat(items, min, max, start);
  }

  private applyRepeat(items: Re[], min: number, max: number, start: number): void {
    const last = items[items.length - 1];
    // without Perl flags, stacked repetitions (`a**`) are allowed
    if (last === undefined) throw new SyntaxErr('missing argument to repetition operator', this.s.slice(start, this.i).join(''));
    items[items.length - 1] = { op: 'repeat', sub: last, min, max };
  }

  /** `{n}`, `{n,}`, `{n,m}` or undefined (then `{` is a literal). */
  private tryRepeatCount(): [number, number] | undefined {
    const rest = this.s.slice(this.i).join('');
    const m = /^\{([0-9]+)(,([0-9]*))?\}/.exec(rest);
    if (!m) return undefined;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === '' ? -1 : Number(m[3]);
    if (min > 1000 || max > 1000 || (max >= 0 && min > max)) throw new SyntaxErr('invalid repeat count', m[0]);
    this.i += Array.from(m[0]).length;
    return [min, max];
  }

  private atom(depth: number): Re {
    const c = this.s[this.i] as string;
    if (c === '(') {
      this.i++;
      if (this.s[this.i] === '?') throw new SyntaxErr('missing argument to repetition operator', '?');
      const sub = this.alternation(depth + 1);
      if (this.s[this.i] !== ')') throw new SyntaxErr('missing closing )', this.expr);
      this.i++;
      return sub;
    }
    if (c === '[') return this.charClass();
    if (c === '.') {
      this.i++;
      return { op: 'any' };
    }
    if (c === '^' || c === '$') {
      this.i++;
      return { op: 'empty' };
    }
    if (c === '\\') {
      const r = this.escape();
      return { op: 'lit', runes: [r] };
    }
    this.i++;
    return { op: 'lit', runes: [c.codePointAt(0) as number] };
  }

  /** Go's parseEscape at this.i (a backslash). */
  private escape(): number {
    const start = this.i;
    this.i++;
    const c = this.s[this.i];
    if (c === undefined) throw new SyntaxErr('trailing backslash at end of expression', '');
    this.i++;
    const cp = c.codePointAt(0) as number;
    const bad = (): never => {
      throw new SyntaxErr('invalid escape sequence', this.s.slice(start, this.i).join(''));
    };
    if (cp < 0x80 && !/[A-Za-z0-9]/.test(c)) return cp;
    if (c >= '1' && c <= '7') {
      const n = this.s[this.i];
      if (n === undefined || n < '0' || n > '7') bad();
    }
    if (c >= '0' && c <= '7') {
      let r = cp - 48;
      for (let k = 1; k < 3; k++) {
        const n = this.s[this.i];
        if (n === undefined || n < '0' || n > '7') break;
        r = r * 8 + (n.charCodeAt(0) - 48);
        this.i++;
      }
      return r;
    }
    if (c === 'x') {
      if (this.s[this.i] === '{') {
        this.i++;
        let hex = '';
        while (this.s[this.i] !== undefined && this.s[this.i] !== '}') hex += this.s[this.i++];
        if (this.s[this.i] !== '}' || !/^[0-9A-Fa-f]+$/.test(hex) || parseInt(hex, 16) > MAX_RUNE) bad();
        this.i++;
        return parseInt(hex, 16);
      }
      const h = (this.s[this.i] ?? '') + (this.s[this.i + 1] ?? '');
      if (!/^[0-9A-Fa-f]{2}$/.test(h)) {
        this.i = Math.min(this.i + 2, this.s.length);
        bad();
      }
      this.i += 2;
      return parseInt(h, 16);
    }
    const simple: Record<string, number> = { a: 7, f: 12, n: 10, r: 13, t: 9, v: 11 };
    const v = simple[c];
    if (v !== undefined) return v;
    return bad();
  }

  private charClass(): Re {
    const start = this.i;
    this.i++;
    let negated = false;
    if (this.s[this.i] === '^') {
      negated = true;
      this.i++;
    }
    const ranges: number[] = [];
    let first = true;
    for (;;) {
      const c = this.s[this.i];
      if (c === undefined) throw new SyntaxErr('missing closing ]', this.s.slice(start).join(''));
      if (c === ']' && !first) break;
      first = false;
      if (c === '[' && this.s[this.i + 1] === ':') {
        const rest = this.s.slice(this.i).join('');
        const end = rest.indexOf(':]');
        if (end >= 0) {
          const name = rest.slice(0, end + 2);
          const neg = name.startsWith('[:^');
          const cls = POSIX_CLASSES[neg ? `[:${name.slice(3)}` : name];
          if (cls === undefined) throw new SyntaxErr('invalid character class range', name);
          ranges.push(...(neg ? negate(normalize(cls)) : cls));
          this.i += Array.from(name).length;
          continue;
        }
      }
      const lo = this.classChar();
      let hi = lo;
      if (this.s[this.i] === '-' && this.s[this.i + 1] !== undefined && this.s[this.i + 1] !== ']') {
        const rangeStart = this.i - 1;
        this.i++;
        hi = this.classChar();
        if (hi < lo) throw new SyntaxErr('invalid character class range', this.s.slice(rangeStart, this.i).join(''));
      }
      ranges.push(lo, hi);
    }
    this.i++;
    const norm = normalize(ranges);
    return { op: 'class', ranges: negated ? negate(norm) : norm };
  }

  private classChar(): number {
    const c = this.s[this.i] as string;
    if (c === '\\') return this.escape();
    this.i++;
    return c.codePointAt(0) as number;
  }
}

function intn(rnd: RandomSource, n: number): number {
  return Math.min(n - 1, Math.floor(rnd.next() * n));
}

function runeString(r: number): string {
  if (r < 0 || r > MAX_RUNE || (r >= 0xd800 && r <= 0xdfff)) return '\ufffd';
  return String.fromCodePoint(r);
}

function generate(re: Re, rnd: RandomSource): string {
  switch (re.op) {
    case 'lit':
      return re.runes.map(runeString).join('');
    case 'any':
      return runeString(1 + intn(rnd, 0x7fffffff - 1));
    case 'empty':
      return '';
    case 'class': {
      let total = 0;
      for (let i = 0; i < re.ranges.length; i += 2) {
        const lo = Math.max(1, re.ranges[i] as number);
        total += Math.max(0, (re.ranges[i + 1] as number) - lo + 1);
      }
      let k = intn(rnd, total);
      for (let i = 0; i < re.ranges.length; i += 2) {
        const lo = Math.max(1, re.ranges[i] as number);
        const size = Math.max(0, (re.ranges[i + 1] as number) - lo + 1);
        if (k < size) return runeString(lo + k);
        k -= size;
      }
      return '';
    }
    case 'concat':
      return re.subs.map((s) => generate(s, rnd)).join('');
    case 'alt':
      return generate(re.subs[intn(rnd, re.subs.length)] as Re, rnd);
    case 'repeat': {
      let out = '';
      if (re.max < 0) {
        // x* -> 0..4096 copies, x+ -> 1..4096, x{n,} -> n..n+4095 (goregen's unbounded limit)
        for (let i = 0; i < re.min; i++) out += generate(re.sub, rnd);
        const extra = re.min === 0 ? intn(rnd, UNBOUNDED + 1) : intn(rnd, UNBOUNDED);
        for (let i = 0; i < extra; i++) out += generate(re.sub, rnd);
        return out;
      }
      for (let i = 0; i < re.min; i++) out += generate(re.sub, rnd);
      // x{n,m} is simplified into nested optional copies: each further copy with probability 1/2
      for (let i = re.min; i < re.max; i++) {
        if (intn(rnd, 2) === 1) out += generate(re.sub, rnd);
        else break;
      }
      return out;
    }
    default:
      return '';
  }
}

/** Generates a string matching `pattern` (throws Go's regexp syntax error text). */
export function randomFromPattern(pattern: string, rnd: RandomSource): string {
  let re: Re;
  try {
    re = new Parser(pattern).parse();
  } catch (err) {
    if (err instanceof SyntaxErr) throw goError(err.message);
    throw err;
  }
  return generate(re, rnd);
}

export const randomFunctions: FunctionFamily = (env) => [
  {
    name: 'random',
    args: [arg.string],
    returnType: ['string'],
    note: 'Generates a random sequence of characters',
    kyverno: true,
    handler: ([pattern]) => {
      if (pattern === '') throw goError('no pattern provided');
      if (env.random === undefined) throw functionError('random', 'no random source configured');
      return randomFromPattern(pattern as string, env.random);
    },
  },
];
