/**
 * Regular expressions with RE2 semantics (re2js): the Kubernetes regex library (`find`, `findAll`)
 * and cel-go's regex extension, version 1 (`regex.replace`, `regex.extract`, `regex.extractAll`).
 * `matches` itself is in `builtins.ts`.
 */
import { Optional } from '@marcbachmann/cel-js';
import type { RE2JS } from 're2js';
import { extActualSize as actualSize, LIST_CREATE_BASE_COST, REGEX_STRING_LENGTH_COST_FACTOR, STRING_TRAVERSAL_COST_FACTOR } from '../cost.ts';
import { CelFunctionError, fail } from '../errors.ts';
import { CelLiteralError, NOT_APPLICABLE, type CelOverride } from '../instrument.ts';
import { defineNamespace, type CelLibrary } from '../library.ts';
import { compileRe2, findAllString, findString } from './re2.ts';
import { goQuote } from '../../utils/goconv.ts';

function illegal(pattern: string): RE2JS {
  try {
    return compileRe2(pattern);
  } catch (e) {
    throw new CelFunctionError(`Illegal regex: ${(e as Error).message}`);
  }
}

/** Submatch index pairs of every non-overlapping match (Go `FindAllStringSubmatchIndex`). */
function allSubmatches(re: RE2JS, s: string): number[][] {
  const out: number[][] = [];
  const m = re.matcher(s);
  const groups = re.groupCount();
  let prevEnd = -1;
  while (m.find()) {
    if (m.start() === m.end() && m.start() === prevEnd) continue;
    const idx: number[] = [];
    for (let g = 0; g <= groups; g++) {
      const st = m.start(g);
      idx.push(st, st < 0 ? -1 : m.end(g));
    }
    out.push(idx);
    prevEnd = m.end();
  }
  return out;
}

function expandReplacement(target: string, groups: number, match: number[], repl: string): string {
  const r = Array.from(repl);
  let out = '';
  for (let i = 0; i < r.length; i++) {
    const c = r[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    if (i + 1 >= r.length) fail(`invalid replacement string: '${repl}' \\ not allowed at end`);
    const next = r[++i]!;
    if (next === '\\') {
      out += '\\';
      continue;
    }
    if (!/^[0-9]$/.test(next)) fail(`invalid replacement string: '${repl}' \\ must be followed by a digit or \\`);
    const g = Number(next);
    if (g > groups) fail(`replacement string references group ${g} but regex has only ${groups} group(s)`);
    if (match[2 * g]! !== -1) out += target.slice(match[2 * g]!, match[2 * g + 1]!);
  }
  return out;
}

/** cel-go `regex.replace(target, re, replacement[, count])`; `\1` refers to groups, `\\` is a backslash. */
export function regexReplace(target: string, pattern: string, repl: string, count = -1n): string {
  if (count === 0n) return target;
  const re = compileRe2(pattern);
  const groups = re.groupCount();
  let out = '';
  let last = 0;
  let n = 0n;
  for (const m of allSubmatches(re, target)) {
    if (count > 0n && n >= count) break;
    const r = expandReplacement(target, groups, m, repl);
    out += target.slice(last, m[0]) + r;
    last = m[1]!;
    n++;
  }
  return out + target.slice(last);
}

function checkGroups(re: RE2JS, pattern: string): number {
  const g = re.groupCount();
  if (g > 1) fail(`regular expression has more than one capturing group: ${goQuote(pattern)}`);
  return g;
}

/** cel-go `regex.extract`: the first match (or its single group), `optional.none()` when absent. */
export function regexExtract(target: string, pattern: string): Optional {
  const re = compileRe2(pattern);
  const g = checkGroups(re, pattern);
  const m = re.matcher(target);
  if (!m.find()) return Optional.none();
  if (g === 1) {
    const grp = m.group(1);
    return grp === null || grp === '' ? Optional.none() : Optional.of(grp);
  }
  return Optional.of(m.group() ?? '');
}

/** cel-go `regex.extractAll`: all matches (or their non-empty single group). */
export function regexExtractAll(target: string, pattern: string): string[] {
  const re = compileRe2(pattern);
  const g = checkGroups(re, pattern);
  const out: string[] = [];
  for (const m of allSubmatches(re, target)) {
    if (g !== 1) out.push(target.slice(m[0], m[1]));
    else if (m[2]! >= 0 && m[3]! > m[2]!) out.push(target.slice(m[2], m[3]));
  }
  return out;
}

const searchCost = (a: readonly unknown[]): number =>
  (actualSize(a[0]) + 1) * STRING_TRAVERSAL_COST_FACTOR * (actualSize(a[1]) + 1) * REGEX_STRING_LENGTH_COST_FACTOR;

export const regexLibrary: CelLibrary = {
  name: 'kubernetes.regex',
  register(env) {
    env.registerFunction('string.find(string): string', (s: string, p: string) => findString(illegal(p), s));
    env.registerFunction('string.findAll(string): list<string>', (s: string, p: string) => findAllString(illegal(p), s));
    env.registerFunction('string.findAll(string, int): list<string>', (s: string, p: string, n: bigint) =>
      findAllString(illegal(p), s, Number(n)),
    );
  },
  overrides: [
    findAllLiteral(1),
    findAllLiteral(2),
    {
      // precompile literal patterns (Kubernetes' FindRegexOptimization): a bad literal fails when the
      // program is built, i.e. at policy load, with Go's regexp error
      name: 'find',
      member: true,
      argc: 1,
      apply: () => NOT_APPLICABLE,
      prepare(consts) {
        const p = consts[1];
        if (typeof p !== 'string') return undefined;
        let re: RE2JS;
        try {
          re = compileRe2(p);
        } catch (e) {
          throw new CelLiteralError((e as Error).message, 1, true);
        }
        return (args) => (typeof args[0] === 'string' ? findString(re, args[0]) : NOT_APPLICABLE);
      },
    },
  ],
};

/** `findAll` with a literal pattern: precompiled, a bad pattern fails at policy load like `find`. */
function findAllLiteral(argc: 1 | 2): CelOverride {
  return {
    name: 'findAll',
    member: true,
    argc,
    apply: () => NOT_APPLICABLE,
    prepare(consts) {
      const p = consts[1];
      if (typeof p !== 'string') return undefined;
      let re: RE2JS;
      try {
        re = compileRe2(p);
      } catch (e) {
        throw new CelLiteralError((e as Error).message, 1, true);
      }
      return (args) => (typeof args[0] === 'string' ? findAllString(re, args[0], argc === 2 ? Number(args[2] as bigint) : -1) : NOT_APPLICABLE);
    },
  };
}

export const regexExtLibrary: CelLibrary = {
  name: 'cel.lib.ext.regex',
  namespaces: ['regex'],
  register(env) {
    const ns = defineNamespace(env, 'regex');
    env.registerFunction(`${ns}.replace(string, string, string): string`, (_n: unknown, t: string, p: string, r: string) =>
      regexReplace(t, p, r),
    );
    env.registerFunction(`${ns}.replace(string, string, string, int): string`, (_n: unknown, t: string, p: string, r: string, c: bigint) =>
      regexReplace(t, p, r, c),
    );
    env.registerFunction(`${ns}.extract(string, string): optional<string>`, (_n: unknown, t: string, p: string) => regexExtract(t, p));
    env.registerFunction(`${ns}.extractAll(string, string): list<string>`, (_n: unknown, t: string, p: string) =>
      regexExtractAll(t, p),
    );
  },
  costs: {
    'regex.extract': (a, r) => Math.ceil(1 + searchCost(a) + actualSize(r)),
    'regex.extractAll': (a, r) => Math.ceil(1 + searchCost(a) + actualSize(r) + LIST_CREATE_BASE_COST),
    'regex.replace': (a, r) => Math.floor(1 + searchCost(a) + actualSize(r)),
  },
};
