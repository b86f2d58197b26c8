/**
 * Kubernetes CIDR library: prefixes, containment, masking.
 * Expected values are cel-go's (0.30, with the Kubernetes and Kyverno libraries, as Kyverno 1.19
 * builds its environment), obtained by evaluating each expression there.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCelEnvironment } from '../environment.ts';
import { obj, deviation, expected, runCase, type CelCase } from '../test-kit.ts';

const env = createCelEnvironment();

const cases: CelCase[] = [
  { expr: 'cidr("192.168.0.0/24")', want: obj("net.CIDR", "192.168.0.0/24"), cost: 2 },
  { expr: 'cidr("2001:db8::/32")', want: obj("net.CIDR", "2001:db8::/32"), cost: 2 },
  { expr: 'string(cidr("192.168.0.0/24"))', want: "192.168.0.0/24", cost: 3 },
  { expr: 'string(cidr("2001:DB8::/32"))', want: "2001:db8::/32", cost: 3 },
  { expr: 'cidr("192.168.0.0/24") == cidr("192.168.0.0/24")', want: true, cost: 5 },
  { expr: 'cidr("192.168.0.0/24") == cidr("192.168.0.0/25")', want: false, cost: 5 },
  { expr: 'cidr("192.168.0.1/24").ip()', want: obj("net.IP", "192.168.0.1"), cost: 3 },
  { expr: 'string(cidr("192.168.0.1/24").ip())', want: "192.168.0.1", cost: 4 },
  { expr: 'cidr("192.168.0.1/24").masked()', want: obj("net.CIDR", "192.168.0.0/24"), cost: 3 },
  { expr: 'cidr("2001:db8::1/32").masked()', want: obj("net.CIDR", "2001:db8::/32"), cost: 3 },
  { expr: 'cidr("192.168.0.0/24").prefixLength()', want: 24n, cost: 3 },
  { expr: 'cidr("::/0").prefixLength()', want: 0n, cost: 2 },
  { expr: 'cidr("192.168.0.0/24").containsIP(ip("192.168.0.1"))', want: true, cost: 5 },
  { expr: 'cidr("192.168.0.0/24").containsIP(ip("192.168.1.1"))', want: false, cost: 5 },
  { expr: 'cidr("192.168.0.0/24").containsIP("192.168.0.1")', want: true, cost: 5 },
  { expr: 'cidr("192.168.0.0/24").containsIP("2001:db8::1")', want: false, cost: 5 },
  { expr: 'cidr("::/0").containsIP("192.168.0.1")', want: false, cost: 3 },
  { expr: 'cidr("0.0.0.0/0").containsIP("8.8.8.8")', want: true, cost: 2 },
  { expr: 'cidr("192.168.0.0/24").containsCIDR(cidr("192.168.0.0/25"))', want: true, cost: 7 },
  { expr: 'cidr("192.168.0.0/24").containsCIDR(cidr("192.168.0.0/23"))', want: false, cost: 7 },
  { expr: 'cidr("192.168.0.0/24").containsCIDR("192.168.0.128/25")', want: true, cost: 7 },
  { expr: 'cidr("192.168.0.0/24").containsCIDR("192.168.1.0/25")', want: false, cost: 7 },
  { expr: 'cidr("192.168.0.0/24").containsCIDR("192.168.0.0/24")', want: true, cost: 7 },
  { expr: 'isCIDR("192.168.0.0/24")', want: true, cost: 2 },
  { expr: 'isCIDR("192.168.0.0/33")', want: false, cost: 2 },
  { expr: 'isCIDR("192.168.0.0")', want: false, cost: 2 },
  { expr: 'isCIDR("::ffff:192.168.0.0/120")', want: false, cost: 3 },
  { expr: 'isCIDR("fe80::1%eth0/64")', want: false, cost: 2 },
  { expr: 'cidr("192.168.0.0/33")', err: "network address parse error during conversion from string: network address parse error during conversion from string: netip.ParsePrefix(\"192.168.0.0/33\"): prefix length out of range" },
  { expr: 'cidr("192.168.0.0")', err: "network address parse error during conversion from string: network address parse error during conversion from string: netip.ParsePrefix(\"192.168.0.0\"): no '/'" },
  { expr: 'cidr("::ffff:192.168.0.0/120")', err: "network address parse error during conversion from string: IPv4-mapped IPv6 address \"::ffff:192.168.0.0/120\" is not allowed" },
  { expr: 'cidr("192.168.0.0/024")', err: "network address parse error during conversion from string: network address parse error during conversion from string: netip.ParsePrefix(\"192.168.0.0/024\"): bad bits after slash: \"024\"" },
  { expr: 'cidr("192.168.0.0/-1")', err: "network address parse error during conversion from string: network address parse error during conversion from string: netip.ParsePrefix(\"192.168.0.0/-1\"): bad bits after slash: \"-1\"" },
  { expr: 'cidr("x/24")', err: "network address parse error during conversion from string: network address parse error during conversion from string: netip.ParsePrefix(\"x/24\"): ParseAddr(\"x\"): unable to parse IP" },
  { expr: 'cidr("192.168.0.0/24").containsIP("x")', err: "no such overload" },
];

for (const c of cases) {
  test(`cidr: ${c.expr}`, { skip: deviation(c.expr) ?? false }, async () => assert.deepStrictEqual(await runCase(env, c), expected(c)));
}
