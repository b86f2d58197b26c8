/**
 * Glob patterns as `github.com/gobwas/glob` compiles them without separators (ImageValidatingPolicy
 * `matchImageReferences[].glob`): `*` any run of characters (`/` included), `?` one character,
 * `[abc]` / `[a-z]` / `[!abc]` character classes, `{a,b}` alternatives (nestable), `\` escapes.
 */

/** A compiled glob, or the reason it does not compile. */
export type CompiledGlob = { ok: true; match(s: string): boolean } | { ok: false; error: string };

function escapeRegExp(c: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? `\\${c}` : c;
}

function escapeClass(c: string): string {
  return /[\\\]\[^-]/.test(c) ? `\\${c}` : c;
}

/** `compileGlob('ghcr.io/*').match('ghcr.io/kyverno/x:v1')` = true. */
export function compileGlob(pattern: string): CompiledGlob {
  const chars = Array.from(pattern);
  let i = 0;
  let depth = 0;
  let out = '';
  while (i < chars.length) {
    const c = chars[i]!;
    switch (c) {
      case '\\': {
        const next = chars[i + 1];
        if (next === undefined) return { ok: false, error: 'unexpected end of input' };
        out += escapeRegExp(next);
        i += 2;
        continue;
      }
      case '*':
        out += '[\\s\\S]*';
        break;
      case '?':
        out += '[\\s\\S]';
        break;
      case '[': {
        let j = i + 1;
        let negate = false;
        if (chars[j] === '!') {
          negate = true;
          j++;
        }
        let cls = '';
        let closed = false;
        while (j < chars.length) {
          const d = chars[j]!;
          if (d === ']') {
            closed = true;
            break;
          }
          if (chars[j + 1] === '-' && chars[j + 2] !== undefined && chars[j + 2] !== ']') {
            cls += `${escapeClass(d)}-${escapeClass(chars[j + 2]!)}`;
            j += 3;
            continue;
          }
          cls += escapeClass(d);
          j++;
        }
        if (!closed) return { ok: false, error: 'unexpected end of input' };
        if (cls === '') return { ok: false, error: 'unexpected length of lo character' };
        out += negate ? `[^${cls}]` : `[${cls}]`;
        i = j + 1;
        continue;
      }
      case '{':
        depth++;
        out += '(?:';
        break;
      case '}':
        if (depth === 0) {
          out += '\\}';
          break;
        }
        depth--;
        out += ')';
        break;
      case ',':
        out += depth > 0 ? '|' : ',';
        break;
      default:
        out += escapeRegExp(c);
    }
    i++;
  }
  if (depth > 0) return { ok: false, error: 'unexpected end of input' };
  const re = new RegExp(`^${out}$`, 'u');
  return { ok: true, match: (s) => re.test(s) };
}
