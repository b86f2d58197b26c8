/**
 * Kubernetes URL library: Go net/url parsing and accessors.
 * Expected values are cel-go's (0.30, with the Kubernetes and Kyverno libraries, as Kyverno 1.19
 * builds its environment), obtained by evaluating each expression there.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCelEnvironment } from '../environment.ts';
import { deviation, expected, runCase, type CelCase } from '../test-kit.ts';

const env = createCelEnvironment();

const cases: CelCase[] = [
  { expr: 'url("https://kubernetes.io/").getScheme()', want: "https", cost: 4 },
  { expr: 'url("https://kubernetes.io/").getHost()', want: "kubernetes.io", cost: 4 },
  { expr: 'url("https://user:pass@kubernetes.io:80/").getHostname()', want: "kubernetes.io", cost: 5 },
  { expr: 'url("https://user:pass@kubernetes.io:80/").getPort()', want: "80", cost: 5 },
  { expr: 'url("https://[::1]:80/").getHostname()', want: "::1", cost: 3 },
  { expr: 'url("https://[::1]:80/").getHost()', want: "[::1]:80", cost: 3 },
  { expr: 'url("https://[::1]/").getPort()', want: "", cost: 3 },
  { expr: 'url("https://kubernetes.io/a%20b/c").getEscapedPath()', want: "/a%20b/c", cost: 4 },
  { expr: 'url("https://kubernetes.io/a b").getEscapedPath()', want: "/a%20b", cost: 4 },
  { expr: 'url("https://kubernetes.io/?a=1&a=2&b=3").getQuery()', want: { a: ["1", "2"], b: ["3"] }, cost: 5 },
  { expr: 'url("https://kubernetes.io/?a=%ZZ&b=ok").getQuery()', want: { b: ["ok"] }, cost: 5 },
  { expr: 'url("https://kubernetes.io/?x=a+b").getQuery()', want: { x: ["a b"] }, cost: 4 },
  { expr: 'url("https://kubernetes.io/?semi=1;2").getQuery()', want: {  }, cost: 5 },
  { expr: 'url("/path?q=1").getQuery()', want: { q: ["1"] }, cost: 2 },
  { expr: 'url("/path").getHost()', want: "", cost: 2 },
  { expr: 'url("/path").getScheme()', want: "", cost: 2 },
  { expr: 'url("mailto:someone@example.com").getScheme()', want: "mailto", cost: 4 },
  { expr: 'url("https://example.com/#frag").getEscapedPath()', want: "/", cost: 4 },
  { expr: 'isURL("https://kubernetes.io/")', want: true, cost: 1 },
  { expr: 'isURL("relative")', want: false, cost: 1 },
  { expr: 'isURL("/absolute/path")', want: true, cost: 1 },
  { expr: 'isURL("https://[::1")', want: false, cost: 1 },
  { expr: 'isURL("")', want: false, cost: 1 },
  { expr: 'isURL("http://a:b:c/")', want: false, cost: 1 },
  { expr: 'isURL("foo://a:b:c/")', want: false, cost: 1 },
  { expr: 'isURL("https://kubernetes.io:abc/")', want: false, cost: 1 },
  { expr: 'url("relative")', err: "URL parse error during conversion from string: parse \"relative\": invalid URI for request" },
  { expr: 'url("https://kubernetes.io:abc/")', err: "URL parse error during conversion from string: parse \"https://kubernetes.io:abc/\": invalid port \":abc\" after host" },
  { expr: 'url("")', err: "URL parse error during conversion from string: parse \"\": empty url" },
  { expr: 'url("http://a b.com/")', err: "URL parse error during conversion from string: parse \"http://a b.com/\": invalid character \" \" in host name" },
  { expr: 'url("https://kubernetes.io/") == url("https://kubernetes.io/")', want: true, cost: 7 },
  { expr: 'url("https://kubernetes.io/a/b") == url("https://kubernetes.io/a/c")', want: false, cost: 7 },
  { expr: 'url("HTTPS://EXAMPLE.com/").getScheme()', want: "https", cost: 3 },
  { expr: 'url("HTTPS://EXAMPLE.com/").getHost()', want: "EXAMPLE.com", cost: 3 },
  { expr: 'url("https://example.com/%7Efoo").getEscapedPath()', want: "/%7Efoo", cost: 4 },
  { expr: 'url("https://example.com/a?").getQuery()', want: {  }, cost: 4 },
  { expr: 'url("*").getEscapedPath()', want: "*", cost: 2 },
];

for (const c of cases) {
  test(`url: ${c.expr}`, { skip: deviation(c.expr) ?? false }, async () => assert.deepStrictEqual(await runCase(env, c), expected(c)));
}
