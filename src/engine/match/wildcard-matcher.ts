/**
 * Precompiled wildcard patterns for the match hot path. Same answers as `wildcardMatch` (Kyverno's
 * ext/wildcard): `*` any run, `?` one rune, everything else literal, `""` matches only `""`; the common
 * shapes (`*`, no wildcard at all) are decided without scanning.
 */
import { hasWildcard, wildcardMatch } from '../utils/wildcard.ts';

/** A compiled pattern: `(name) => boolean`. */
export type WildcardMatcher = (name: string) => boolean;

const always: WildcardMatcher = () => true;

/**
 * Compiles a pattern once.
 * Example: `compileWildcard('kube-*')('kube-system') === true`, `compileWildcard('')('x') === false`.
 */
export function compileWildcard(pattern: string): WildcardMatcher {
  if (pattern === '*') return always;
  if (!hasWildcard(pattern)) return (name) => name === pattern;
  return (name) => wildcardMatch(pattern, name);
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
