/**
 * Go `net/netip` semantics the Kubernetes ip/cidr CEL libraries rely on: strict `ParseAddr` (no
 * leading zeros in IPv4 octets, optional IPv6 zone) and `ParsePrefix` with Go's error texts,
 * RFC 5952 `String()`, the `Is*` classifications, and prefix `Masked`, `Contains`, `Overlaps`.
 */
import { goQuote } from '../../utils/goconv.ts';

/** An IP address: 4 or 16 bytes, plus an IPv6 zone. */
export class NetAddr {
  constructor(
    readonly bytes: Uint8Array,
    readonly zone = '',
  ) {}

  is4(): boolean {
    return this.bytes.length === 4;
  }

  is6(): boolean {
    return this.bytes.length === 16;
  }

  /** IPv4-mapped IPv6 (`::ffff:1.2.3.4`). */
  is4In6(): boolean {
    if (!this.is6()) return false;
    for (let i = 0; i < 10; i++) if (this.bytes[i] !== 0) return false;
    return this.bytes[10] === 0xff && this.bytes[11] === 0xff;
  }

  unmap(): NetAddr {
    return this.is4In6() ? new NetAddr(this.bytes.slice(12)) : this;
  }

  bitLen(): number {
    return this.bytes.length * 8;
  }

  isUnspecified(): boolean {
    return this.zone === '' && this.bytes.every((b) => b === 0);
  }

  isLoopback(): boolean {
    const ip = this.unmap();
    if (ip.is4()) return ip.bytes[0] === 127;
    return ip.bytes.slice(0, 15).every((b) => b === 0) && ip.bytes[15] === 1;
  }

  isMulticast(): boolean {
    const ip = this.unmap();
    if (ip.is4()) return (ip.bytes[0]! & 0xf0) === 0xe0;
    return ip.bytes[0] === 0xff;
  }

  isLinkLocalMulticast(): boolean {
    const ip = this.unmap();
    if (ip.is4()) return ip.bytes[0] === 224 && ip.bytes[1] === 0 && ip.bytes[2] === 0;
    return ip.bytes[0] === 0xff && (ip.bytes[1]! & 0x0f) === 0x02;
  }

  isLinkLocalUnicast(): boolean {
    const ip = this.unmap();
    if (ip.is4()) return ip.bytes[0] === 169 && ip.bytes[1] === 254;
    return ip.bytes[0] === 0xfe && (ip.bytes[1]! & 0xc0) === 0x80;
  }

  isGlobalUnicast(): boolean {
    const ip = this.unmap();
    if (ip.is4() && (ip.bytes.every((b) => b === 0) || ip.bytes.every((b) => b === 255))) return false;
    if (ip.is6() && ip.bytes.every((b) => b === 0)) return false;
    return !ip.isLoopback() && !ip.isMulticast() && !ip.isLinkLocalUnicast();
  }

  equals(o: NetAddr): boolean {
    return this.zone === o.zone && this.bytes.length === o.bytes.length && this.bytes.every((b, i) => b === o.bytes[i]);
  }

  /** Go `Addr.String()`: dotted IPv4, RFC 5952 IPv6 (`::ffff:1.2.3.4` for mapped addresses). */
  toString(): string {
    if (this.is4()) return [...this.bytes].join('.');
    const b = this.bytes;
    const zone = this.zone ? `%${this.zone}` : '';
    if (this.is4In6()) return `::ffff:${b[12]}.${b[13]}.${b[14]}.${b[15]}${zone}`;
    const groups: number[] = [];
    for (let i = 0; i < 16; i += 2) groups.push((b[i]! << 8) | b[i + 1]!);
    let bestStart = -1;
    let bestLen = 0;
    for (let i = 0; i < 8; ) {
      if (groups[i] !== 0) {
        i++;
        continue;
      }
      let j = i;
      while (j < 8 && groups[j] === 0) j++;
      if (j - i > bestLen && j - i >= 2) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    let out = '';
    for (let i = 0; i < 8; i++) {
      if (i === bestStart) {
        out += '::';
        i += bestLen - 1;
        continue;
      }
      if (out !== '' && !out.endsWith(':')) out += ':';
      out += groups[i]!.toString(16);
    }
    return out + zone;
  }
}

/** A parse failure with Go's message. */
export class NetParseError extends Error {}

function addrError(input: string, msg: string, at?: string): NetParseError {
  return new NetParseError(`ParseAddr(${goQuote(input)}): ${msg}${at ? ` (at ${goQuote(at)})` : ''}`);
}

function parseIPv4Fields(input: string, off: number, end: number, out: Uint8Array, outOff: number): void {
  const s = input.slice(off, end);
  let val = 0;
  let pos = 0;
  let digLen = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c >= '0' && c <= '9') {
      if (digLen === 1 && val === 0) throw addrError(input, 'IPv4 field has octet with leading zero');
      val = val * 10 + (c.charCodeAt(0) - 48);
      digLen++;
      if (val > 255) throw addrError(input, 'IPv4 field has value >255');
    } else if (c === '.') {
      if (i === 0 || i === s.length - 1 || s[i - 1] === '.') {
        throw addrError(input, 'IPv4 field must have at least one digit', s.slice(i));
      }
      if (pos === 3) throw addrError(input, 'IPv4 address too long');
      out[outOff + pos++] = val;
      val = 0;
      digLen = 0;
    } else throw addrError(input, 'unexpected character', s.slice(i));
  }
  if (pos < 3) throw addrError(input, 'IPv4 address too short');
  out[outOff + 3] = val;
}

function parseIPv6(input: string): NetAddr {
  let s = input;
  let zone = '';
  const zi = s.indexOf('%');
  if (zi !== -1) {
    zone = s.slice(zi + 1);
    s = s.slice(0, zi);
    if (zone === '') throw addrError(input, 'zone must be a non-empty string');
  }
  const ip = new Uint8Array(16);
  let ellipsis = -1;
  if (s.length >= 2 && s[0] === ':' && s[1] === ':') {
    ellipsis = 0;
    s = s.slice(2);
    if (s.length === 0) return new NetAddr(ip, zone);
  }
  let i = 0;
  while (i < 16) {
    let off = 0;
    let acc = 0;
    for (; off < s.length; off++) {
      const c = s[off]!;
      let d: number;
      if (c >= '0' && c <= '9') d = c.charCodeAt(0) - 48;
      else if (c >= 'a' && c <= 'f') d = c.charCodeAt(0) - 87;
      else if (c >= 'A' && c <= 'F') d = c.charCodeAt(0) - 55;
      else break;
      acc = acc * 16 + d;
      if (off > 3) throw addrError(input, 'each group must have 4 or less digits', s);
      if (acc > 0xffff) throw addrError(input, 'IPv6 field has value >=2^16', s);
    }
    if (off === 0) throw addrError(input, 'each colon-separated field must have at least one digit', s);
    if (off < s.length && s[off] === '.') {
      if (ellipsis < 0 && i !== 12) throw addrError(input, 'embedded IPv4 address must replace the final 2 fields of the address', s);
      if (i + 4 > 16) throw addrError(input, 'too many hex fields to fit an embedded IPv4 at the end of the address', s);
      let end = input.length;
      if (zone.length > 0) end -= zone.length + 1;
      parseIPv4Fields(input, end - s.length, end, ip, i);
      s = '';
      i += 4;
      break;
    }
    ip[i] = acc >> 8;
    ip[i + 1] = acc & 0xff;
    i += 2;
    s = s.slice(off);
    if (s.length === 0) break;
    if (s[0] !== ':') throw addrError(input, 'unexpected character, want colon', s);
    if (s.length === 1) throw addrError(input, 'colon must be followed by more characters', s);
    s = s.slice(1);
    if (s[0] === ':') {
      if (ellipsis >= 0) throw addrError(input, 'multiple :: in address', s);
      ellipsis = i;
      s = s.slice(1);
      if (s.length === 0) break;
    }
  }
  if (s.length !== 0) throw addrError(input, 'trailing garbage after address', s);
  if (i < 16) {
    if (ellipsis < 0) throw addrError(input, 'address string too short');
    const n = 16 - i;
    for (let j = i - 1; j >= ellipsis; j--) ip[j + n] = ip[j]!;
    ip.fill(0, ellipsis, ellipsis + n);
  } else if (ellipsis >= 0) throw addrError(input, 'the :: must expand to at least one field of zeros');
  return new NetAddr(ip, zone);
}

/** Go `netip.ParseAddr`; throws `NetParseError`. */
export function parseAddr(s: string): NetAddr {
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '.') {
      const b = new Uint8Array(4);
      parseIPv4Fields(s, 0, s.length, b, 0);
      return new NetAddr(b);
    }
    if (c === ':') return parseIPv6(s);
    if (c === '%') throw addrError(s, 'missing IPv6 address');
  }
  throw addrError(s, 'unable to parse IP');
}

/** A network prefix (`netip.Prefix`). */
export class NetPrefix {
  constructor(
    readonly addr: NetAddr,
    readonly bits: number,
  ) {}

  /** The prefix with host bits zeroed. */
  masked(): NetPrefix {
    const b = this.addr.bytes.slice();
    for (let i = 0; i < b.length; i++) {
      const keep = Math.max(0, Math.min(8, this.bits - i * 8));
      b[i] = b[i]! & ((0xff << (8 - keep)) & 0xff);
    }
    return new NetPrefix(new NetAddr(b), this.bits);
  }

  contains(ip: NetAddr): boolean {
    if (ip.zone !== '' || ip.bitLen() !== this.addr.bitLen()) return false;
    return new NetPrefix(ip, this.bits).masked().addr.equals(this.masked().addr);
  }

  overlaps(o: NetPrefix): boolean {
    if (this.addr.is4() !== o.addr.is4()) return false;
    const min = Math.min(this.bits, o.bits);
    if (min === 0) return true;
    return new NetPrefix(this.addr, min).masked().addr.equals(new NetPrefix(o.addr, min).masked().addr);
  }

  toString(): string {
    return `${this.addr.toString()}/${this.bits}`;
  }
}

/** Go `netip.ParsePrefix`; throws `NetParseError`. */
export function parsePrefix(s: string): NetPrefix {
  const err = (msg: string): NetParseError => new NetParseError(`netip.ParsePrefix(${goQuote(s)}): ${msg}`);
  const i = s.lastIndexOf('/');
  if (i < 0) throw err("no '/'");
  let ip: NetAddr;
  try {
    ip = parseAddr(s.slice(0, i));
  } catch (e) {
    throw err((e as Error).message);
  }
  if (ip.is6() && ip.zone !== '') throw err('IPv6 zones cannot be present in a prefix');
  const bitsStr = s.slice(i + 1);
  if (bitsStr.length > 1 && (bitsStr[0]! < '1' || bitsStr[0]! > '9')) throw err(`bad bits after slash: ${goQuote(bitsStr)}`);
  if (!/^[+-]?[0-9]+$/.test(bitsStr)) throw err(`bad bits after slash: ${goQuote(bitsStr)}`);
  const bits = Number(bitsStr);
  const max = ip.is6() ? 128 : 32;
  if (bits < 0 || bits > max) throw err('prefix length out of range');
  return new NetPrefix(ip, bits);
}
