/**
 * The Kubernetes IP library (pkg/cel/library/ip.go): `ip(s)` (Go `netip.ParseAddr`, zones and
 * IPv4-mapped IPv6 rejected), `isIP(s)`, `ip.isCanonical(s)`, `string(ip)`, and on IPs `family()`,
 * `isUnspecified()`, `isLoopback()`, `isLinkLocalMulticast()`, `isLinkLocalUnicast()`,
 * `isGlobalUnicast()`, and `==`.
 */
import { goQuote } from '../../utils/goconv.ts';
import { fail } from '../errors.ts';
import { defineNamespace, type CelLibrary } from '../library.ts';
import { NetAddr, parseAddr } from './netip.ts';

/** A `net.IP` CEL value. */
export class IpValue {
  /** the CEL type name (cel-go's `TypeName()`) */
  static readonly celTypeName = 'net.IP';
  constructor(readonly addr: NetAddr) {}
  /** cel-go size (used by cost accounting): bytes of the address */
  celSize(): number {
    return this.addr.bytes.length;
  }
  toJSON(): string {
    return this.addr.toString();
  }
}

/** Kubernetes `parseIPAddr`: throws with its messages. */
export function parseIpAddr(raw: string): NetAddr {
  let addr: NetAddr;
  try {
    addr = parseAddr(raw);
  } catch (e) {
    return fail(`IP Address ${goQuote(raw)} parse error during conversion from string: ${(e as Error).message}`);
  }
  if (addr.zone !== '') fail(`IP address ${goQuote(raw)} with zone value is not allowed`);
  if (addr.is4In6()) fail(`IPv4-mapped IPv6 address ${goQuote(raw)} is not allowed`);
  return addr;
}

export function isIp(s: string): boolean {
  try {
    parseIpAddr(s);
    return true;
  } catch {
    return false;
  }
}

const T = 'net.IP';

export const ipLibrary: CelLibrary = {
  name: 'kubernetes.net.ip',
  namespaces: ['ip'],
  register(env) {
    env.registerType(T, IpValue);
    env.registerFunction(`ip(string): ${T}`, (s: string) => new IpValue(parseIpAddr(s)));
    env.registerFunction('isIP(string): bool', (s: string) => isIp(s));
    env.registerFunction(`string(${T}): string`, (v: IpValue) => v.addr.toString());
    const ns = defineNamespace(env, 'ip');
    env.registerFunction(`${ns}.isCanonical(string): bool`, (_n: unknown, s: string) => parseIpAddr(s).toString() === s);
    env.registerFunction(`${T}.family(): int`, (v: IpValue) => (v.addr.is4() ? 4n : 6n));
    env.registerFunction(`${T}.isUnspecified(): bool`, (v: IpValue) => v.addr.isUnspecified());
    env.registerFunction(`${T}.isLoopback(): bool`, (v: IpValue) => v.addr.isLoopback());
    env.registerFunction(`${T}.isLinkLocalMulticast(): bool`, (v: IpValue) => v.addr.isLinkLocalMulticast());
    env.registerFunction(`${T}.isLinkLocalUnicast(): bool`, (v: IpValue) => v.addr.isLinkLocalUnicast());
    env.registerFunction(`${T}.isGlobalUnicast(): bool`, (v: IpValue) => v.addr.isGlobalUnicast());
    env.registerOperator(`${T} == ${T}`, (a: IpValue, b: IpValue) => a.addr.equals(b.addr));
  },
};
