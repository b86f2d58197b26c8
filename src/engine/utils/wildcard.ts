/**
 * Kyverno's wildcard matching (ext/wildcard -> IGLOU-EU/go-wildcard v1.0.3 `Match`):
 * `*` matches any run of runes (including none), `?` exactly one rune, everything else is literal;
 * case-sensitive, whole-string, no escapes. An empty pattern matches only the empty string.
 *
 * Implemented with the linear-time greedy algorithm (same answers as the recursive original, without
 * its exponential worst case on hostile patterns).
 */
export function wildcardMatch(pattern: string, name: string): boolean {
  if (pattern === '') return name === '';
  if (pattern === '*') return true;
  if (!hasWildcard(pattern)) return pattern === name;
  const p = Array.from(pattern);
  const s = Array.from(name);
  let pi = 0;
  let si = 0;
  let starP = -1;
  let starS = 0;
  while (si < s.length) {
    if (pi < p.length && (p[pi] === '?' || (p[pi] !== '*' && p[pi] === s[si]))) {
      pi++;
      si++;
    } else if (pi < p.length && p[pi] === '*') {
      starP = pi++;
      starS = si;
    } else if (starP >= 0) {
      pi = starP + 1;
      si = ++starS;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === '*') pi++;
  return pi === p.length;
}

/** True when the string contains `*` or `?`. */
export function hasWildcard(s: string): boolean {
  return s.includes('*') || s.includes('?');
}

/** True when some pattern in the list matches the name. */
export function wildcardMatchAny(patterns: readonly string[] | undefined, name: string): boolean {
  if (!patterns) return false;
  for (const p of patterns) if (wildcardMatch(p, name)) return true;
  return false;
}
