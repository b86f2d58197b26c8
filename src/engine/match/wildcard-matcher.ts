/**
 * Precompiled wildcard patterns for the match hot path. Same answers as `wildcardMatch` (Kyverno's
 * ext/wildcard): `*` any run, `?` one rune, everything else literal, `""` matches only `""`.
 * Compilation picks a shape once: `*`, literal, `prefix*`, `*suffix`, `*infix*`, or a general pattern
 * matched over UTF-16 code units without allocating. Code units give the same answers as runes for
 * `*` and literals; a pattern with `?` falls back to rune matching when the name holds a surrogate pair.
 */
import { hasWildcard, wildcardMatch } from '../utils/wildcard.ts';

/** A compiled pattern: `(name) => boolean`. */
export type WildcardMatcher = (name: string) => boolean;

const always: WildcardMatcher = () => true;
const SURROGATE = /[\uD800-\uDFFF]/;

/** Greedy `*`/`?` matching over code units (linear, no allocation). */
function matchUnits(p: string, s: string): boolean {
  let pi = 0;
  let si = 0;
  let starP = -1;
  let starS = 0;
  while (si < s.length) {
    const pc = pi < p.length ? p.charCodeAt(pi) : -1;
    if (pc === 63 /* ? */ || (pc !== 42 /* * */ && pc === s.charCodeAt(si) && pc !== -1)) {
      pi++;
      si++;
    } else if (pc === 42) {
      starP = pi++;
      starS = si;
    } else if (starP >= 0) {
      pi = starP + 1;
      si = ++starS;
    } else {
      return false;
    }
  }
  while (pi < p.length && p.charCodeAt(pi) === 42) pi++;
  return pi === p.length;
}

/**
 * Compiles a pattern once.
 * Example: `compileWildcard('kube-*')('kube-system') === true`, `compileWildcard('')('x') === false`.
 */
export function compileWildcard(pattern: string): WildcardMatcher {
  if (pattern === '*') return always;
  if (!hasWildcard(pattern)) return (name) => name === pattern;
  if (!pattern.includes('?')) {
    const first = pattern.indexOf('*');
    const last = pattern.lastIndexOf('*');
    const inner = pattern.slice(1, -1);
    if (first === last && last === pattern.length - 1) {
      const prefix = pattern.slice(0, -1);
      return (name) => name.startsWith(prefix);
    }
    if (first === last && first === 0) {
      const suffix = pattern.slice(1);
      return (name) => name.endsWith(suffix);
    }
    if (first === 0 && last === pattern.length - 1 && !inner.includes('*')) {
      return (name) => name.includes(inner);
    }
    return (name) => matchUnits(pattern, name);
  }
  return (name) => (SURROGATE.test(name) ? wildcardMatch(pattern, name) : matchUnits(pattern, name));
}

/** Compiles a list of patterns into "some pattern matches". An empty list never matches. */
export function compileWildcardAny(patterns: readonly string[]): WildcardMatcher {
  if (patterns.length === 1) return compileWildcard(patterns[0] as string);
  if (patterns.includes('*')) return always;
  const compiled = patterns.map(compileWildcard);
  return (name) => {
    for (const m of compiled) if (m(name)) return true;
    return false;
  };
}
