/**
 * Kubernetes IP library: netip parsing, canonical form, classifications.
 * Expected values are cel-go's (0.30, with the Kubernetes and Kyverno libraries, as Kyverno 1.19
 * builds its environment), obtained by evaluating each expression there.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCelEnvironment } from '../environment.ts';
import { obj, deviation, expected, runCase, type CelCase } from '../test-kit.ts';

const env = createCelEnvironment();

const cases: CelCase[] = [
  { expr: 'ip("192.168.0.1")', want: obj("net.IP", "192.168.0.1"), cost: 2 },
  { expr: 'ip("2001:db8::68")', want: obj("net.IP", "2001:db8::68"), cost: 2 },
  { expr: 'ip("192.168.0.1").family()', want: 4n, cost: 3 },
  { expr: 'ip("::1").family()', want: 6n, cost: 2 },
  { expr: 'ip("192.168.0.1") == ip("192.168.0.1")', want: true, cost: 5 },
  { expr: 'ip("192.168.0.1") == ip("192.168.0.2")', want: false, cost: 5 },
  { expr: 'string(ip("192.168.0.1"))', want: "192.168.0.1", cost: 3 },
  { expr: 'string(ip("2001:db8:0:0:0:0:0:68"))', want: "2001:db8::68", cost: 4 },
  { expr: 'string(ip("2001:DB8::68"))', want: "2001:db8::68", cost: 3 },
  { expr: 'string(ip("::ffff:0:0"))', err: "IPv4-mapped IPv6 address \"::ffff:0:0\" is not allowed" },
  { expr: 'string(ip("0:0:0:0:0:0:0:0"))', want: "::", cost: 3 },
  { expr: 'string(ip("1:0:0:1:0:0:0:1"))', want: "1:0:0:1::1", cost: 3 },
  { expr: 'string(ip("1:0:0:0:1:0:0:1"))', want: "1::1:0:0:1", cost: 3 },
  { expr: 'string(ip("::1:0:0:0:0:0"))', want: "0:0:1::", cost: 3 },
  { expr: 'isIP("192.168.0.1")', want: true, cost: 2 },
  { expr: 'isIP("192.168.0.1.0")', want: false, cost: 2 },
  { expr: 'isIP("2001:db8::68")', want: true, cost: 2 },
  { expr: 'isIP("2001:db8::68::")', want: false, cost: 2 },
  { expr: 'isIP("::ffff:192.168.0.1")', want: false, cost: 2 },
  { expr: 'isIP("fe80::1%eth0")', want: false, cost: 2 },
  { expr: 'isIP("01.1.1.1")', want: false, cost: 1 },
  { expr: 'ip("::ffff:192.168.0.1")', err: "IPv4-mapped IPv6 address \"::ffff:192.168.0.1\" is not allowed" },
  { expr: 'ip("fe80::1%eth0")', err: "IP address \"fe80::1%eth0\" with zone value is not allowed" },
  { expr: 'ip("192.168.0.1.0")', err: "IP Address \"192.168.0.1.0\" parse error during conversion from string: ParseAddr(\"192.168.0.1.0\"): IPv4 address too long" },
  { expr: 'ip("1.2.3")', err: "IP Address \"1.2.3\" parse error during conversion from string: ParseAddr(\"1.2.3\"): IPv4 address too short" },
  { expr: 'ip("256.1.1.1")', err: "IP Address \"256.1.1.1\" parse error during conversion from string: ParseAddr(\"256.1.1.1\"): IPv4 field has value >255" },
  { expr: 'ip("01.1.1.1")', err: "IP Address \"01.1.1.1\" parse error during conversion from string: ParseAddr(\"01.1.1.1\"): IPv4 field has octet with leading zero" },
  { expr: 'ip("1:2:3:4:5:6:7:8:9")', err: "IP Address \"1:2:3:4:5:6:7:8:9\" parse error during conversion from string: ParseAddr(\"1:2:3:4:5:6:7:8:9\"): trailing garbage after address (at \"9\")" },
  { expr: 'ip("12345::1")', err: "IP Address \"12345::1\" parse error during conversion from string: ParseAddr(\"12345::1\"): each group must have 4 or less digits (at \"12345::1\")" },
  { expr: 'ip("")', err: "IP Address \"\" parse error during conversion from string: ParseAddr(\"\"): unable to parse IP" },
  { expr: 'ip(":::1")', err: "IP Address \":::1\" parse error during conversion from string: ParseAddr(\":::1\"): each colon-separated field must have at least one digit (at \":1\")" },
  { expr: 'ip.isCanonical("127.0.0.1")', want: true, cost: 2 },
  { expr: 'ip.isCanonical("2001:db8::1")', want: true, cost: 3 },
  { expr: 'ip.isCanonical("2001:DB8::1")', want: false, cost: 3 },
  { expr: 'ip.isCanonical("2001:db8:0:0:0:0:0:1")', want: false, cost: 4 },
  { expr: 'ip.isCanonical("::ffff:1.2.3.4")', err: "IPv4-mapped IPv6 address \"::ffff:1.2.3.4\" is not allowed" },
  { expr: 'ip("127.0.0.1").isLoopback()', want: true, cost: 2 },
  { expr: 'ip("::1").isLoopback()', want: true, cost: 2 },
  { expr: 'ip("1.2.3.4").isLoopback()', want: false, cost: 2 },
  { expr: 'ip("0.0.0.0").isUnspecified()', want: true, cost: 2 },
  { expr: 'ip("::").isUnspecified()', want: true, cost: 2 },
  { expr: 'ip("127.0.0.1").isUnspecified()', want: false, cost: 2 },
  { expr: 'ip("224.0.0.1").isLinkLocalMulticast()', want: true, cost: 2 },
  { expr: 'ip("ff02::1").isLinkLocalMulticast()', want: true, cost: 2 },
  { expr: 'ip("224.0.1.1").isLinkLocalMulticast()', want: false, cost: 2 },
  { expr: 'ip("169.254.169.254").isLinkLocalUnicast()', want: true, cost: 3 },
  { expr: 'ip("fe80::1").isLinkLocalUnicast()', want: true, cost: 2 },
  { expr: 'ip("192.168.0.1").isLinkLocalUnicast()', want: false, cost: 3 },
  { expr: 'ip("192.168.0.1").isGlobalUnicast()', want: true, cost: 3 },
  { expr: 'ip("255.255.255.255").isGlobalUnicast()', want: false, cost: 3 },
  { expr: 'ip("2001:db8::1").isGlobalUnicast()', want: true, cost: 3 },
  { expr: 'ip("ff00::1").isGlobalUnicast()', want: false, cost: 2 },
  { expr: 'ip("127.0.0.1").isGlobalUnicast()', want: false, cost: 2 },
];

for (const c of cases) {
  test(`ip: ${c.expr}`, { skip: deviation(c.expr) ?? false }, async () => assert.deepStrictEqual(await runCase(env, c), expected(c)));
}
