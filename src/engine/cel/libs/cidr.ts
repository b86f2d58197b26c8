/**
 * The Kubernetes CIDR library (pkg/cel/library/cidr.go): `cidr(s)` (Go `netip.ParsePrefix`,
 * IPv4-mapped IPv6 rejected), `isCIDR(s)`, `string(cidr)`, and on CIDRs `containsIP(ip|string)`,
 * `containsCIDR(cidr|string)`, `ip()`, `masked()`, `prefixLength()`, and `==`.
 */
import { goQuote } from '../../utils/goconv.ts';
import { fail } from '../errors.ts';
import type { CelLibrary } from '../library.ts';
import { IpValue, parseIpAddr } from './ip.ts';
import { NetPrefix, parsePrefix } from './netip.ts';

/** A `net.CIDR` CEL value. */
export class CidrValue {
  /** the CEL type name (cel-go's `TypeName()`) */
  static readonly celTypeName = 'net.CIDR';
  constructor(readonly prefix: NetPrefix) {}
  /** cel-go size (used by cost accounting): prefix bytes, rounded up */
  celSize(): number {
    return Math.ceil(this.prefix.bits / 8);
  }
  toJSON(): string {
    return this.prefix.toString();
  }
}

/** Kubernetes `parseCIDR` as `cidr()` reports it. */
export function parseCelCidr(raw: string): NetPrefix {
  let p: NetPrefix;
  try {
    p = parsePrefix(raw);
  } catch (e) {
    return fail(
      `network address parse error during conversion from string: network address parse error during conversion from string: ${(e as Error).message}`,
    );
  }
  if (p.addr.is4In6()) {
    fail(`network address parse error during conversion from string: IPv4-mapped IPv6 address ${goQuote(raw)} is not allowed`);
  }
  return p;
}

export function isCidr(s: string): boolean {
  try {
    parseCelCidr(s);
    return true;
  } catch {
    return false;
  }
}

function containsCidr(a: NetPrefix, b: NetPrefix): boolean {
  return a.overlaps(b) && a.bits <= b.bits;
}

const T = 'net.CIDR';
const IP = 'net.IP';

export const cidrLibrary: CelLibrary = {
  name: 'kubernetes.net.cidr',
  register(env) {
    env.registerType(T, CidrValue);
    env.registerFunction(`cidr(string): ${T}`, (s: string) => new CidrValue(parseCelCidr(s)));
    env.registerFunction('isCIDR(string): bool', (s: string) => isCidr(s));
    env.registerFunction(`string(${T}): string`, (v: CidrValue) => v.prefix.toString());
    env.registerFunction(`${T}.containsIP(string): bool`, (c: CidrValue, s: string) => {
      // an unparsable IP reaches the IP overload as an error value, which answers "no such overload"
      let ip;
      try {
        ip = parseIpAddr(s);
      } catch {
        return fail('no such overload');
      }
      return c.prefix.contains(ip);
    });
    env.registerFunction(`${T}.containsIP(${IP}): bool`, (c: CidrValue, ip: IpValue) => c.prefix.contains(ip.addr));
    env.registerFunction(`${T}.containsCIDR(string): bool`, (c: CidrValue, s: string) => containsCidr(c.prefix, parseCelCidr(s)));
    env.registerFunction(`${T}.containsCIDR(${T}): bool`, (c: CidrValue, o: CidrValue) => containsCidr(c.prefix, o.prefix));
    env.registerFunction(`${T}.ip(): ${IP}`, (c: CidrValue) => new IpValue(c.prefix.addr));
    env.registerFunction(`${T}.masked(): ${T}`, (c: CidrValue) => new CidrValue(c.prefix.masked()));
    env.registerFunction(`${T}.prefixLength(): int`, (c: CidrValue) => BigInt(c.prefix.bits));
    env.registerOperator(`${T} == ${T}`, (a: CidrValue, b: CidrValue) => a.prefix.toString() === b.prefix.toString());
  },
};
