/**
 * RE2 regular expressions (re2js), as cel-go and the Kubernetes regex library use Go's `regexp`:
 * linear time, Go syntax, Go's error messages (`error parsing regexp: missing closing ]: `[``).
 */
import { RE2JS } from 're2js';
import { CelFunctionError } from '../errors.ts';

/** Compiles `pattern` with Go `regexp` syntax; throws `CelFunctionError` with Go's message. */
export function compileRe2(pattern: string): RE2JS {
  try {
    return RE2JS.compile(pattern);
  } catch (e) {
    throw new CelFunctionError(e instanceof Error ? e.message : String(e));
  }
}

/** Leftmost match of `re` in `s` as Go's `FindString` (empty string when none). */
export function findString(re: RE2JS, s: string): string {
  const m = re.matcher(s);
  return m.find() ? (m.group() ?? '') : '';
}

/** Go `FindAllString(s, n)`: all non-overlapping matches, at most `n` when `n >= 0`. */
export function findAllString(re: RE2JS, s: string, n = -1): string[] {
  const out: string[] = [];
  if (n === 0) return out;
  const m = re.matcher(s);
  let prevEnd = -1;
  while (m.find()) {
    const start = m.start();
    const end = m.end();
    // Go skips an empty match immediately after the previous match
    if (start === end && start === prevEnd) continue;
    out.push(m.group() ?? '');
    prevEnd = end;
    if (n > 0 && out.length >= n) break;
  }
  return out;
}
