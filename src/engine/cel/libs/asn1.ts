/**
 * A minimal DER reader for X.509 structures: tag/length/value elements, OIDs, integers (bigint),
 * bit strings, times and string types, as Go's `encoding/asn1` / `cryptobyte` read them.
 */
import { fail } from '../errors.ts';
import { utf8DecodeLossy } from './bytes-util.ts';

/** One DER element. */
export interface Der {
  /** class + constructed + tag number, as the first identifier octet (e.g. 0x30 SEQUENCE, 0xa0 [0]) */
  readonly tag: number;
  /** content octets */
  readonly value: Uint8Array;
  /** the whole encoding (identifier, length and content) */
  readonly full: Uint8Array;
}

export const SEQUENCE = 0x30;
export const SET = 0x31;
export const INTEGER = 0x02;
export const BIT_STRING = 0x03;
export const OCTET_STRING = 0x04;
export const OID = 0x06;
export const BOOLEAN = 0x01;
export const UTC_TIME = 0x17;
export const GENERALIZED_TIME = 0x18;

const malformed = (): never => fail('x509: malformed certificate');

/** Reads the element at `offset`; returns it and the next offset. */
export function readDer(buf: Uint8Array, offset = 0): { el: Der; next: number } {
  if (offset + 2 > buf.length) malformed();
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) malformed(); // high tag numbers do not occur in X.509
  let len = buf[offset + 1]!;
  let p = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || p + n > buf.length) malformed();
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p + i]!;
    p += n;
  }
  if (p + len > buf.length) malformed();
  return { el: { tag, value: buf.subarray(p, p + len), full: buf.subarray(offset, p + len) }, next: p + len };
}

/** The elements inside a constructed element. */
export function children(el: Der): Der[] {
  const out: Der[] = [];
  let p = 0;
  while (p < el.value.length) {
    const r = readDer(el.value, p);
    out.push(r.el);
    p = r.next;
  }
  return out;
}

/** Parses a single element that must fill `buf`. */
export function parseDer(buf: Uint8Array): Der {
  const r = readDer(buf, 0);
  if (r.next !== buf.length) malformed();
  return r.el;
}

/** An OBJECT IDENTIFIER as its arcs. */
export function oid(el: Der): number[] {
  const b = el.value;
  if (b.length === 0) malformed();
  const arcs: number[] = [];
  let v = 0;
  for (let i = 0; i < b.length; i++) {
    v = v * 128 + (b[i]! & 0x7f);
    if ((b[i]! & 0x80) === 0) {
      if (arcs.length === 0) {
        const first = v < 40 ? 0 : v < 80 ? 1 : 2;
        arcs.push(first, v - first * 40);
      } else arcs.push(v);
      v = 0;
    }
  }
  return arcs;
}

export const oidString = (arcs: readonly number[]): string => arcs.join('.');

/** A two's-complement INTEGER. */
export function integer(el: Der): bigint {
  const b = el.value;
  if (b.length === 0) malformed();
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  if (b[0]! & 0x80) v -= 1n << BigInt(b.length * 8);
  return v;
}

/** A BIT STRING's bytes (the unused-bits count dropped) and its bit length. */
export function bitString(el: Der): { bytes: Uint8Array; bitLength: number } {
  const b = el.value;
  if (b.length === 0) malformed();
  const unused = b[0]!;
  return { bytes: b.subarray(1), bitLength: (b.length - 1) * 8 - unused };
}

/** Bit `i` of a BIT STRING (most significant bit first). */
export function bitAt(bs: { bytes: Uint8Array; bitLength: number }, i: number): boolean {
  if (i >= bs.bitLength) return false;
  return ((bs.bytes[i >> 3]! >> (7 - (i & 7))) & 1) === 1;
}

export function boolean(el: Der): boolean {
  return el.value.length > 0 && el.value[0] !== 0;
}

/** UTCTime / GeneralizedTime (Z form) as a Date. */
export function time(el: Der): Date {
  const s = latin1(el.value);
  let m: RegExpExecArray | null;
  if (el.tag === UTC_TIME) {
    m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s);
    if (!m) malformed();
    const yy = Number(m![1]);
    return new Date(Date.UTC(yy < 50 ? 2000 + yy : 1900 + yy, Number(m![2]) - 1, Number(m![3]), Number(m![4]), Number(m![5]), Number(m![6])));
  }
  m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.\d+)?Z$/.exec(s);
  if (!m) malformed();
  const d = new Date(0);
  d.setUTCFullYear(Number(m![1]), Number(m![2]) - 1, Number(m![3]));
  d.setUTCHours(Number(m![4]), Number(m![5]), Number(m![6]), 0);
  return d;
}

function latin1(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += String.fromCharCode(x);
  return s;
}

/** A directory string (PrintableString, UTF8String, IA5String, T61String, BMPString...) or undefined. */
export function directoryString(el: Der): string | undefined {
  switch (el.tag) {
    case 0x0c: // UTF8String
      return utf8DecodeLossy(el.value);
    case 0x13: // PrintableString
    case 0x16: // IA5String
    case 0x12: // NumericString
    case 0x1a: // VisibleString
      return latin1(el.value);
    case 0x14: // T61String (Go decodes it as ISO-8859-1)
      return latin1(el.value);
    case 0x1e: {
      // BMPString: UTF-16BE
      let s = '';
      for (let i = 0; i + 1 < el.value.length; i += 2) s += String.fromCharCode((el.value[i]! << 8) | el.value[i + 1]!);
      return s;
    }
    default:
      return undefined;
  }
}
