/**
 * Go strings are byte strings. Autogen slices some of them by byte (rule-name truncation, message
 * reference shifting), which can leave invalid UTF-8 that only becomes U+FFFD (one per invalid byte)
 * when the rule is JSON-encoded. To keep those bytes between steps, a Go string is carried in a JS string
 * with each invalid byte `b` stored as the lone surrogate U+DC00+b ("surrogateescape");
 * `sanitizeGoString` performs the final encoding/json replacement.
 *
 * "Byte strings" below are JS strings whose chars are all <= 0xFF, one char per byte.
 */

/** UTF-8 bytes of a string as a byte string; U+DC80..U+DCFF give back the raw byte they escape. */
export function toGoBytes(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      out += s[i];
      continue;
    }
    let cp = c;
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      } else {
        cp = 0xfffd;
      }
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      if (c >= 0xdc80 && c <= 0xdcff) {
        out += String.fromCharCode(c - 0xdc00);
        continue;
      }
      cp = 0xfffd;
    }
    out += encodeRune(cp);
  }
  return out;
}

/** UTF-8 encoding of one code point as a byte string. */
export function encodeRune(cp: number): string {
  if (cp < 0x80) return String.fromCharCode(cp);
  if (cp < 0x800) return String.fromCharCode(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
  if (cp < 0x10000) return String.fromCharCode(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  return String.fromCharCode(
    0xf0 | (cp >> 18),
    0x80 | ((cp >> 12) & 0x3f),
    0x80 | ((cp >> 6) & 0x3f),
    0x80 | (cp & 0x3f),
  );
}

/** Length in bytes of the valid UTF-8 sequence starting at `i` (Go's utf8.DecodeRune rules), or 0. */
function validSequenceLength(b: string, i: number): number {
  const c0 = b.charCodeAt(i);
  const cont = (k: number, lo = 0x80, hi = 0xbf): boolean => {
    const c = b.charCodeAt(i + k);
    return c >= lo && c <= hi;
  };
  if (c0 >= 0xc2 && c0 <= 0xdf) return cont(1) ? 2 : 0;
  if (c0 === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if (c0 === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (c0 >= 0xe1 && c0 <= 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (c0 === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c0 === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  if (c0 >= 0xf1 && c0 <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

/** Decodes a byte string; each invalid byte becomes the lone surrogate U+DC00+byte. */
export function fromGoBytes(b: string): string {
  let out = '';
  let i = 0;
  while (i < b.length) {
    const c0 = b.charCodeAt(i);
    if (c0 < 0x80) {
      out += b[i];
      i++;
      continue;
    }
    const n = validSequenceLength(b, i);
    if (n === 0) {
      out += String.fromCharCode(0xdc00 + c0);
      i++;
      continue;
    }
    let cp = n === 2 ? c0 & 0x1f : n === 3 ? c0 & 0x0f : c0 & 0x07;
    for (let k = 1; k < n; k++) cp = (cp << 6) | (b.charCodeAt(i + k) & 0x3f);
    out += String.fromCodePoint(cp);
    i += n;
  }
  return out;
}

/** What encoding/json writes for a Go string: every lone surrogate (invalid byte) becomes U+FFFD. */
export function sanitizeGoString(s: string): string {
  // Fast path: no surrogate code units at all.
  if (!/[\ud800-\udfff]/.test(s)) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        out += s.slice(i, i + 2);
        i++;
        continue;
      }
      out += '\ufffd';
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      out += '\ufffd';
    } else {
      out += s[i];
    }
  }
  return out;
}

/**
 * Go `s[:n]` on a string's bytes. Example: `truncateGoBytes('ab€', 3)` keeps `ab` and the first byte
 * of `€` (escaped as U+DCE2).
 */
export function truncateGoBytes(s: string, n: number): string {
  const b = toGoBytes(s);
  return b.length > n ? fromGoBytes(b.slice(0, n)) : s;
}
