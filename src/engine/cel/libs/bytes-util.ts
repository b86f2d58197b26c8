/**
 * Byte helpers without `node:` imports: UTF-8 and standard / URL-safe base64, as Go's
 * `encoding/base64` writes and reads them (`StdEncoding`, `RawStdEncoding`).
 */

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX: Readonly<Record<string, number>> = Object.fromEntries([...B64].map((c, i) => [c, i]));

/** UTF-8 bytes of `s` (lone surrogates become U+FFFD, as Go's conversion does). */
export function utf8Encode(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

/** Decodes UTF-8; `undefined` when the bytes are not valid UTF-8. */
export function utf8Decode(b: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    return undefined;
  }
}

/** Decodes UTF-8, replacing invalid sequences with U+FFFD. */
export function utf8DecodeLossy(b: Uint8Array): string {
  return new TextDecoder('utf-8').decode(b);
}

/** Standard base64 with padding: `base64Encode(utf8Encode('abc'))` = `YWJj`. */
export function base64Encode(b: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < b.length; i += 3) {
    const n = (b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!;
    out += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]! + B64[n & 63]!;
  }
  const rest = b.length - i;
  if (rest === 1) {
    const n = b[i]! << 16;
    out += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]! + '==';
  } else if (rest === 2) {
    const n = (b[i]! << 16) | (b[i + 1]! << 8);
    out += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]! + '=';
  }
  return out;
}

/**
 * Strict standard base64 decoding (Go `StdEncoding.DecodeString`), or unpadded when `raw`
 * (`RawStdEncoding`). Newlines are ignored like Go does; `undefined` on malformed input.
 */
export function base64Decode(s: string, raw = false): Uint8Array | undefined {
  const clean = s.replace(/[\r\n]/g, '');
  if (!raw && clean.length % 4 !== 0) return undefined;
  const pad = raw ? 0 : clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0;
  const body = clean.slice(0, clean.length - pad);
  if (raw && body.length % 4 === 1) return undefined;
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const c of body) {
    const v = B64_INDEX[c];
    if (v === undefined) return undefined;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >> bits) & 0xff);
    }
  }
  // leftover bits must be zero (Go is strict about non-canonical encodings only with Strict(); accept)
  return Uint8Array.from(out);
}
