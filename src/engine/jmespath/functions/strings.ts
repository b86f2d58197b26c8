/**
 * Kyverno's string functions: compare, equal_fold, replace, replace_all, to_upper, to_lower, trim,
 * trim_prefix, split, truncate, to_boolean. Go `strings` semantics: byte order (= code point order),
 * simple per-rune case mapping (`to_upper('ß')` stays `ß`), rune-wise splitting on an empty separator.
 */
import { goFloat64ToInt64, goStringCompare } from '../../utils/goconv.ts';
import { functionError } from '../errors.ts';
import { GoInt } from '../values.ts';
import { runeCount } from './builtins.ts';
import { goEqualFold, goToLower, goToUpper } from './go-unicode.ts';
import { arg, type FunctionFamily } from './types.ts';

/** Go's strings.Count (an empty separator counts rune boundaries). */
function count(s: string, sep: string): number {
  if (sep === '') return runeCount(s) + 1;
  let n = 0;
  let i = s.indexOf(sep);
  while (i >= 0) {
    n++;
    i = s.indexOf(sep, i + sep.length);
  }
  return n;
}

/**
 * Go's strings.Replace: the first n non-overlapping instances (all when n < 0); an empty `old`
 * matches at the start and after each rune.
 */
export function goReplace(s: string, old: string, repl: string, n: number): string {
  if (old === repl || n === 0) return s;
  const m = count(s, old);
  if (m === 0) return s;
  if (n < 0 || m < n) n = m;
  let out = '';
  let start = 0;
  for (let i = 0; i < n; i++) {
    let j = start;
    if (old.length === 0) {
      if (i > 0) {
        const c = s.codePointAt(start) as number;
        j += c > 0xffff ? 2 : 1;
      }
    } else {
      j = s.indexOf(old, start);
    }
    out += s.slice(start, j) + repl;
    start = j + old.length;
  }
  return out + s.slice(start);
}

/** Go's strings.Split. */
export function goSplit(s: string, sep: string): string[] {
  if (sep === '') return Array.from(s);
  return s.split(sep);
}

/** Go's strings.Trim (cutset of runes). */
function goTrim(s: string, cutset: string): string {
  if (s === '' || cutset === '') return s;
  const cut = new Set(Array.from(cutset));
  const runes = Array.from(s);
  let a = 0;
  let b = runes.length;
  while (a < b && cut.has(runes[a] as string)) a++;
  while (b > a && cut.has(runes[b - 1] as string)) b--;
  return runes.slice(a, b).join('');
}

export const stringFunctions: FunctionFamily = () => [
  {
    name: 'compare',
    args: [arg.string, arg.string],
    returnType: ['number'],
    note: 'compares two strings lexicographically',
    kyverno: true,
    // Go returns an int (not a JMESPath number)
    handler: ([a, b]) => new GoInt(goStringCompare(a as string, b as string)),
  },
  {
    name: 'equal_fold',
    args: [arg.string, arg.string],
    returnType: ['bool'],
    note: 'allows comparing two strings for equivalency where the only differences are letter cases',
    kyverno: true,
    handler: ([a, b]) => goEqualFold(a as string, b as string),
  },
  {
    name: 'replace',
    args: [arg.string, arg.string, arg.string, arg.number],
    returnType: ['string'],
    note: 'replaces a specified number of instances of the source string with the replacement string in a parent ',
    kyverno: true,
    handler: ([s, old, repl, n]) => {
      const k = goFloat64ToInt64(n as number);
      return goReplace(s as string, old as string, repl as string, k < 0n ? -1 : Number(k));
    },
  },
  {
    name: 'replace_all',
    args: [arg.string, arg.string, arg.string],
    returnType: ['string'],
    note: 'replace all instances of one string with another in an overall parent string',
    kyverno: true,
    handler: ([s, old, repl]) => goReplace(s as string, old as string, repl as string, -1),
  },
  {
    name: 'to_upper',
    args: [arg.string],
    returnType: ['string'],
    note: 'takes in a string and outputs the same string with all upper-case letters',
    kyverno: true,
    handler: ([s]) => goToUpper(s as string),
  },
  {
    name: 'to_lower',
    args: [arg.string],
    returnType: ['string'],
    note: 'takes in a string and outputs the same string with all lower-case letters',
    kyverno: true,
    handler: ([s]) => goToLower(s as string),
  },
  {
    name: 'trim',
    args: [arg.string, arg.string],
    returnType: ['string'],
    note: 'trims both ends of the source string by characters appearing in the second string',
    kyverno: true,
    handler: ([s, cutset]) => goTrim(s as string, cutset as string),
  },
  {
    name: 'trim_prefix',
    args: [arg.string, arg.string],
    returnType: ['string'],
    note: 'trims the second string prefix from the first string if the first string starts with the prefix',
    kyverno: true,
    handler: ([s, prefix]) => {
      const str = s as string;
      return str.startsWith(prefix as string) ? str.slice((prefix as string).length) : str;
    },
  },
  {
    name: 'split',
    args: [arg.string, arg.string],
    returnType: ['array[string]'],
    note: 'splits the first string when the second string is found and converts it into an array ',
    kyverno: true,
    handler: ([s, sep]) => goSplit(s as string, sep as string),
  },
  {
    name: 'truncate',
    args: [arg.string, arg.number],
    returnType: ['string'],
    note: 'length argument must be enclosed in backticks; ex. "{{request.object.metadata.name | truncate(@, `9`)}}"',
    kyverno: true,
    handler: ([s, n]) => {
      const len = Number(goFloat64ToInt64((n as number) < 0 ? 0 : (n as number)));
      if (len < 1) return '';
      const runes = Array.from(s as string);
      if (len >= runes.length) return s as string;
      return runes.slice(0, len).join('');
    },
  },
  {
    name: 'to_boolean',
    args: [arg.string],
    returnType: ['bool'],
    note: "It returns true or false for any string, such as 'True', 'TruE', 'False', 'FAlse', 'faLSE', etc.",
    kyverno: true,
    handler: ([s]) => {
      const lower = goToLower(s as string);
      if (lower === 'true') return true;
      if (lower === 'false') return false;
      throw functionError('to_boolean', `lowercase argument must be 'true' or 'false' (provided: '${s as string}')`);
    },
  },
];
