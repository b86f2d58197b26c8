/**
 * Kyverno's regex and wildcard functions: regex_match, regex_replace_all, regex_replace_all_literal
 * (RE2 through re2js, Go `regexp` semantics: unanchored search, Go's `$1`/`${name}` template
 * expansion, Go's empty-match rules in ReplaceAll), pattern_match (Kyverno wildcards).
 * Number arguments are stringified with `strconv.FormatFloat(x, 'f', -1, 32)`.
 */
import { RE2JS } from 're2js';
import { goFormatFloat32 } from '../../utils/gofmt.ts';
import { wildcardMatch } from '../../utils/wildcard.ts';
import { argumentTypeError, functionError, goError } from '../errors.ts';
import { GoInt, type Value } from '../values.ts';
import { arg, type FunctionFamily } from './types.ts';

/** Kyverno's ifaceToString: string | float64 (as float32 'f') | int | bool; otherwise undefined. */
export function ifaceToString(v: Value | undefined): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return goFormatFloat32(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof GoInt) return String(v.value);
  return undefined;
}

const REGEX_CACHE_SIZE = 256;

/** Compiled-regex cache, one per JMESPath instance. */
class RegexCache {
  private readonly map = new Map<string, RE2JS>();
  /** Compiles like Go's regexp.Compile; throws the Go error text as a JmesPathError via `onError`. */
  get(pattern: string, onError: (msg: string) => Error): RE2JS {
    const hit = this.map.get(pattern);
    if (hit !== undefined) return hit;
    let re: RE2JS;
    try {
      re = RE2JS.compile(pattern);
    } catch (err) {
      throw onError(goRegexpErrorText(err as Error));
    }
    if (this.map.size >= REGEX_CACHE_SIZE) {
      const first = this.map.keys().next();
      if (first.done !== true) this.map.delete(first.value);
    }
    this.map.set(pattern, re);
    return re;
  }
}

/** re2js's messages follow Go's (`error parsing regexp: missing closing ): \`(\``). */
function goRegexpErrorText(err: Error): string {
  const msg = err.message;
  // Go appends the (empty) offending text for a trailing backslash
  if (msg === 'error parsing regexp: trailing backslash at end of expression') return `${msg}: \`\``;
  return msg;
}

/** Go's regexp template `extract`: [name, num, rest] or undefined when malformed. */
function extract(str: string): [string, number, string] | undefined {
  if (str === '') return undefined;
  let brace = false;
  if (str[0] === '{') {
    brace = true;
    str = str.slice(1);
  }
  let i = 0;
  while (i < str.length) {
    const cp = str.codePointAt(i) as number;
    const ch = String.fromCodePoint(cp);
    if (!/[\p{L}\p{Nd}_]/u.test(ch)) break;
    i += ch.length;
  }
  if (i === 0) return undefined;
  const name = str.slice(0, i);
  if (brace) {
    if (i >= str.length || str[i] !== '}') return undefined;
    i++;
  }
  let num = 0;
  for (let k = 0; k < name.length; k++) {
    const c = name.charCodeAt(k);
    if (c < 0x30 || c > 0x39 || num >= 1e8) {
      num = -1;
      break;
    }
    num = num * 10 + (c - 48);
  }
  if (name[0] === '0' && name.length > 1) num = -1;
  return [name, num, str.slice(i)];
}

/** Go's Regexp.expand of a template for one match (groups as [start, end] pairs, -1 when unset). */
function expand(template: string, src: string, groups: readonly number[], names: Record<string, number>): string {
  let out = '';
  for (;;) {
    const d = template.indexOf('$');
    if (d < 0) break;
    out += template.slice(0, d);
    template = template.slice(d + 1);
    if (template !== '' && template[0] === '$') {
      out += '$';
      template = template.slice(1);
      continue;
    }
    const ex = extract(template);
    if (ex === undefined) {
      out += '$';
      continue;
    }
    const [name, num, rest] = ex;
    template = rest;
    let idx = num;
    if (idx < 0) idx = names[name] ?? -1;
    if (idx >= 0 && 2 * idx + 1 < groups.length && (groups[2 * idx] as number) >= 0) {
      out += src.slice(groups[2 * idx], groups[2 * idx + 1]);
    }
  }
  return out + template;
}

/**
 * Go's Regexp.ReplaceAll / ReplaceAllLiteral over a string: every leftmost-first match, with Go's
 * rule that an empty match right after a previous match is not replaced.
 */
export function goReplaceAll(re: RE2JS, src: string, repl: string, literal: boolean): string {
  const m = re.matcher(src);
  const ngroups = m.groupCount();
  const names = literal ? {} : re.namedGroups();
  let out = '';
  let lastMatchEnd = 0;
  let searchPos = 0;
  const end = src.length;
  while (searchPos <= end) {
    if (!m.find(searchPos)) break;
    const a0 = m.start();
    const a1 = m.end();
    out += src.slice(lastMatchEnd, a0);
    if (a1 > lastMatchEnd || a0 === 0) {
      if (literal) out += repl;
      else {
        const groups: number[] = [];
        for (let g = 0; g <= ngroups; g++) groups.push(m.start(g), m.end(g));
        out += expand(repl, src, groups, names);
      }
    }
    lastMatchEnd = a1;
    const cp = searchPos < end ? (src.codePointAt(searchPos) as number) : -1;
    const width = cp < 0 ? 0 : cp > 0xffff ? 2 : 1;
    if (searchPos + width > a1) searchPos += width;
    else if (searchPos + 1 > a1) searchPos++;
    else searchPos = a1;
  }
  return out + src.slice(lastMatchEnd);
}

export const regexFunctions: FunctionFamily = () => {
  const cache = new RegexCache();
  const replaceAll = (fn: string, literal: boolean) => (args: Value[]) => {
    const pattern = args[0] as string;
    const src = ifaceToString(args[1]);
    if (src === undefined) throw argumentTypeError(fn, 2, 'String or Real');
    const repl = ifaceToString(args[2]);
    if (repl === undefined) throw argumentTypeError(fn, 3, 'String or Real');
    const re = cache.get(pattern, (msg) => functionError(fn, msg));
    return goReplaceAll(re, src, repl, literal);
  };
  return [
    {
      name: 'regex_replace_all',
      args: [arg.string, arg.of('string', 'number'), arg.of('string', 'number')],
      returnType: ['string'],
      note: 'converts all parameters to string',
      kyverno: true,
      handler: replaceAll('regex_replace_all', false),
    },
    {
      name: 'regex_replace_all_literal',
      args: [arg.string, arg.of('string', 'number'), arg.of('string', 'number')],
      returnType: ['string'],
      note: 'converts all parameters to string',
      kyverno: true,
      handler: replaceAll('regex_replace_all_literal', true),
    },
    {
      name: 'regex_match',
      args: [arg.string, arg.of('string', 'number')],
      returnType: ['bool'],
      note: 'first string is the regular exression which is compared with second input which can be a number or string',
      kyverno: true,
      handler: ([pattern, value]) => {
        const src = ifaceToString(value);
        if (src === undefined) throw argumentTypeError('regex_match', 2, 'String or Real');
        // regexp.Match's error is returned unwrapped
        return cache.get(pattern as string, (msg) => goError(msg)).test(src);
      },
    },
    {
      name: 'pattern_match',
      args: [arg.string, arg.of('string', 'number')],
      returnType: ['bool'],
      note: "'*' matches zero or more alphanumeric characters, '?' matches a single alphanumeric character",
      kyverno: true,
      handler: ([pattern, value]) => {
        const src = ifaceToString(value);
        if (src === undefined) throw argumentTypeError('pattern_match', 2, 'String or Real');
        return wildcardMatch(pattern as string, src);
      },
    },
  ];
};
