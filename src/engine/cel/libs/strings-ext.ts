/**
 * cel-go strings extension, version 2 (what Kubernetes and Kyverno install): `charAt`, `indexOf`,
 * `lastIndexOf`, `lowerAscii`, `upperAscii`, `replace`, `split`, `substring`, `trim`, `format`,
 * `strings.quote`, `join`. Indexes count code points (Go runes); case mapping is ASCII-only; `trim`
 * is Go's `strings.TrimSpace`; `split`/`replace` follow Go's `strings.SplitN`/`strings.Replace`.
 * Where cel-js has a same-named builtin with other semantics, it is replaced (overrides).
 */
import { fail } from '../errors.ts';
import { NOT_APPLICABLE, type CelOverride } from '../instrument.ts';
import { defineNamespace, type CelLibrary } from '../library.ts';
import { formatCelString, formatLiteralValidator } from './string-format.ts';

const runes = (s: string): string[] => Array.from(s);

function toInt(n: unknown): number {
  return Number(n as bigint);
}

/** `charAt(i)`: the rune at `i`, `""` at the end, error beyond. */
export function charAt(s: string, i: bigint): string {
  const r = runes(s);
  if (i < 0n || i > BigInt(r.length)) fail(`index out of range: ${i}`);
  return i === BigInt(r.length) ? '' : r[Number(i)]!;
}

function matchAt(r: string[], sub: string[], i: number): boolean {
  for (let j = 0; j < sub.length; j++) if (r[i + j] !== sub[j]) return false;
  return true;
}

/** `indexOf(sub[, offset])` in runes; -1 when absent. */
export function indexOf(s: string, sub: string, offset: bigint = 0n): bigint {
  if (offset < 0n) fail(`index out of range: ${offset}`);
  const r = runes(s);
  if (sub === '') return offset > BigInt(r.length) ? BigInt(r.length) : offset;
  const sr = runes(sub);
  const off = Number(offset);
  if (off >= r.length) return -1n;
  for (let i = off; i < r.length - (sr.length - 1); i++) if (matchAt(r, sr, i)) return BigInt(i);
  return -1n;
}

/** `lastIndexOf(sub[, offset])` in runes; -1 when absent. */
export function lastIndexOf(s: string, sub: string, offset?: bigint): bigint {
  const r = runes(s);
  if (offset === undefined) {
    if (sub === '') return BigInt(r.length);
    if (utf8Len(s) < utf8Len(sub)) return -1n;
    offset = BigInt(r.length - 1);
  }
  if (offset < 0n) fail(`index out of range: ${offset}`);
  if (sub === '') return offset > BigInt(r.length) ? BigInt(r.length) : offset;
  const sr = runes(sub);
  let off = Number(offset);
  if (off >= r.length) return -1n;
  if (off > r.length - sr.length) off = r.length - sr.length;
  for (let i = off; i >= 0; i--) if (matchAt(r, sr, i)) return BigInt(i);
  return -1n;
}

function utf8Len(s: string): number {
  return new TextEncoder().encode(s).length;
}

/** ASCII-only lower/upper case. */
export function lowerAscii(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

export function upperAscii(s: string): string {
  return s.replace(/[a-z]+/g, (m) => m.toUpperCase());
}

/** Go `strings.Replace(s, old, new, n)` (n < 0: all). */
export function replace(s: string, old: string, repl: string, n = -1): string {
  if (n === 0 || old === repl) return s;
  if (old === '') {
    const r = runes(s);
    let out = '';
    let count = 0;
    for (let i = 0; i <= r.length; i++) {
      if (n < 0 || count < n) {
        out += repl;
        count++;
      }
      if (i < r.length) out += r[i];
    }
    return out;
  }
  if (n < 0) return s.split(old).join(repl);
  let out = '';
  let start = 0;
  for (let k = 0; k < n; k++) {
    const i = s.indexOf(old, start);
    if (i < 0) break;
    out += s.slice(start, i) + repl;
    start = i + old.length;
  }
  return out + s.slice(start);
}

/** Go `strings.SplitN(s, sep, n)` (`strings.Split` when n < 0). */
export function splitN(s: string, sep: string, n = -1): string[] {
  if (n === 0) return [];
  if (sep === '') {
    const r = runes(s);
    if (n < 0 || n >= r.length) return r;
    return [...r.slice(0, n - 1), r.slice(n - 1).join('')];
  }
  const parts = s.split(sep);
  if (n < 0 || parts.length <= n) return parts;
  return [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
}

/** `substring(start[, end])` in runes. */
export function substring(s: string, start: bigint, end?: bigint): string {
  const r = runes(s);
  const l = BigInt(r.length);
  if (end === undefined) {
    if (start < 0n || start > l) fail(`index out of range: ${start}`);
    return r.slice(Number(start)).join('');
  }
  if (start > end) fail(`invalid substring range. start: ${start}, end: ${end}`);
  if (start < 0n || start > l) fail(`index out of range: ${start}`);
  if (end < 0n || end > l) fail(`index out of range: ${end}`);
  return r.slice(Number(start), Number(end)).join('');
}

/** Go `unicode.IsSpace`. */
function isSpace(c: number): boolean {
  switch (c) {
    case 0x09:
    case 0x0a:
    case 0x0b:
    case 0x0c:
    case 0x0d:
    case 0x20:
    case 0x85:
    case 0xa0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202f:
    case 0x205f:
    case 0x3000:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200a;
  }
}

/** Go `strings.TrimSpace`. */
export function trimSpace(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isSpace(s.charCodeAt(a))) a++;
  while (b > a && isSpace(s.charCodeAt(b - 1))) b--;
  return s.slice(a, b);
}

/** cel-go `strings.quote`: CEL escapes for `\a\b\f\n\r\t\v\\\"`, everything else kept. */
export function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    switch (ch) {
      case '\x07':
        out += '\\a';
        break;
      case '\b':
        out += '\\b';
        break;
      case '\f':
        out += '\\f';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\t':
        out += '\\t';
        break;
      case '\v':
        out += '\\v';
        break;
      case '\\':
        out += '\\\\';
        break;
      case '"':
        out += '\\"';
        break;
      default:
        out += ch.length === 1 && ch.charCodeAt(0) >= 0xd800 && ch.charCodeAt(0) <= 0xdfff ? '\ufffd' : ch;
    }
  }
  return out + '"';
}

function join(l: unknown[], sep = ''): string {
  let out = '';
  for (let i = 0; i < l.length; i++) {
    const e = l[i];
    if (typeof e !== 'string') fail(`join: invalid input: ${String(e)}`);
    if (i > 0) out += sep;
    out += e;
  }
  return out;
}

const str = (v: unknown): v is string => typeof v === 'string';

/**
 * A string method; `sig` gives the argument types (`s` string, `i` int). Arguments of other types
 * (dynamic values) fall through to cel-js's dispatch, which reports the missing overload.
 */
const member = (name: string, sig: string, apply: (args: unknown[]) => unknown): CelOverride => ({
  name,
  member: true,
  argc: sig.length,
  apply: (args) => {
    if (!str(args[0])) return NOT_APPLICABLE;
    for (let i = 0; i < sig.length; i++) {
      const a = args[i + 1];
      if (sig[i] === 's' ? typeof a !== 'string' : typeof a !== 'bigint') return NOT_APPLICABLE;
    }
    return apply(args);
  },
});

export const stringsExtLibrary: CelLibrary = {
  name: 'cel.lib.ext.strings',
  namespaces: ['strings'],
  validators: [formatLiteralValidator],
  register(env) {
    env.registerFunction('string.charAt(int): string', (s: string, i: bigint) => charAt(s, i));
    env.registerFunction('string.replace(string, string): string', (s: string, a: string, b: string) => replace(s, a, b));
    env.registerFunction('string.replace(string, string, int): string', (s: string, a: string, b: string, n: bigint) =>
      replace(s, a, b, toInt(n)),
    );
    env.registerFunction('string.format(list): string', (s: string, args: unknown[]) => formatCelString(s, args));
    const ns = defineNamespace(env, 'strings');
    env.registerFunction(`${ns}.quote(string): string`, (_ns: unknown, s: string) => quote(s));
  },
  overrides: [
    member('indexOf', 's', ([s, sub]) => indexOf(s as string, sub as string)),
    member('indexOf', 'si', ([s, sub, off]) => indexOf(s as string, sub as string, off as bigint)),
    member('lastIndexOf', 's', ([s, sub]) => lastIndexOf(s as string, sub as string)),
    member('lastIndexOf', 'si', ([s, sub, off]) => lastIndexOf(s as string, sub as string, off as bigint)),
    member('lowerAscii', '', ([s]) => lowerAscii(s as string)),
    member('upperAscii', '', ([s]) => upperAscii(s as string)),
    member('trim', '', ([s]) => trimSpace(s as string)),
    member('substring', 'i', ([s, a]) => substring(s as string, a as bigint)),
    member('substring', 'ii', ([s, a, b]) => substring(s as string, a as bigint, b as bigint)),
    member('split', 's', ([s, sep]) => splitN(s as string, sep as string)),
    member('split', 'si', ([s, sep, n]) => splitN(s as string, sep as string, toInt(n))),
    { name: 'join', member: true, argc: 0, apply: ([l]) => (Array.isArray(l) ? join(l) : NOT_APPLICABLE) },
    { name: 'join', member: true, argc: 1, apply: ([l, sep]) => (Array.isArray(l) && str(sep) ? join(l, sep) : NOT_APPLICABLE) },
  ],
};
