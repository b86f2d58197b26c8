/**
 * Paths inside policy documents (kyverno/pkg/utils/jsonpointer): the traversal paths `/a/b\/c/0`,
 * their JMESPath rendering, and anchor-free comparison of paths.
 */

/** Parses a traversal path (`\` escapes, `"..."` quoting) into components. */
export function parseJsonPath(raw: string): string[] {
  const out: string[] = [];
  let cur = '';
  let escaped = false;
  let quoted = false;
  let quoteStart = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] as string;
    if (escaped) {
      cur += c;
      escaped = false;
    } else if (c === '\\') {
      escaped = true;
    } else if (c === '"') {
      if (quoted) {
        try {
          cur += JSON.parse(raw.slice(quoteStart, i + 1)) as string;
        } catch {
          // Go's strconv.Unquote failure yields ""
        }
      } else {
        quoteStart = i;
      }
      quoted = !quoted;
    } else if (c === '/' && !quoted) {
      if (cur !== '') out.push(cur);
      cur = '';
    } else if (!quoted) {
      cur += c;
    }
  }
  if (cur !== '') out.push(cur);
  return out;
}

// first rune in [(A-Z_a-z] and every rune in [)0-9A-Z_a-z]; so a leading `(` always ends up quoted
const unquoted = /^[A-Z_a-z][)0-9A-Z_a-z]*$/;

/** Renders path components as a JMESPath expression: indices as `[i]`, odd keys quoted. */
export function pointerToJmesPath(components: readonly string[]): string {
  let out = '';
  for (const c of components) {
    if (/^[0-9]+$/.test(c)) {
      out += `[${c}]`;
      continue;
    }
    if (out.length > 0) out += '.';
    if (unquoted.test(c)) {
      out += c;
      continue;
    }
    out += JSON.stringify(c).replace(/\//g, '\\/');
  }
  return out;
}

const anchorRe = /^([+<=X^])?\((.+)\)$/;

/** Strips anchors from every component of a `/`-path and cleans it (Go path.Join semantics). */
export function removeAnchorsFromPath(p: string): string {
  let parts = p.split('/');
  if (parts[0] === '') parts = parts.slice(1);
  const cleaned = parts.map((part) => {
    const m = anchorRe.exec(part);
    return m ? (m[2] as string) : part;
  });
  const joined = joinClean(cleaned);
  return p.startsWith('/') ? '/' + joined.replace(/^\//, '') : joined;
}

function joinClean(parts: string[]): string {
  const out: string[] = [];
  for (const part of parts) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else out.push('..');
      continue;
    }
    out.push(part);
  }
  return out.join('/');
}
