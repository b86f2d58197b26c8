/**
 * Kyverno's network functions: expected results and error texts are those of Kyverno's Go implementation
 * (pkg/engine/jmespath) for the same expressions; rows from Kyverno's own unit tests are included.
 */
import { runRows, type Row } from '../rows.test.ts';

const network: Row[] = [
  { expr: "is_external_url('http://127.0.0.1')", data: {}, want: false },
  { expr: "is_external_url('http://172.16.1.1')", data: {}, want: false },
  { expr: "is_external_url('http://10.1.1.1')", data: {}, want: false },
  { expr: "is_external_url('http://192.168.0.1')", data: {}, want: false },
  { expr: "is_external_url('http://8.8.8.8')", data: {}, want: true },
  { expr: "is_external_url('http://[fd12:3456:789a:1::1]')", data: {}, want: false },
  { expr: "is_external_url('http://[::1]')", data: {}, want: false },
  { expr: "is_external_url('http://[2001:db8::ff00:42:8329]')", data: {}, want: true },
  { expr: "is_external_url('http://www.google.com@192.168.1.3')", data: {}, want: false },
  { expr: "is_external_url('http://[::ffff:127.0.0.1]:80')", data: {}, want: false },
  { expr: "is_external_url('http://a b')", data: {}, error: "parse \"http://a b\": invalid character \" \" in host name" },
  { expr: "is_external_url('http://[::1')", data: {}, error: "parse \"http://[::1\": missing ']' in host" },
  { expr: "is_external_url('http://1.2.3.4:x')", data: {}, error: "parse \"http://1.2.3.4:x\": invalid port \":x\" after host" },
  { expr: "is_external_url('%zz')", data: {}, error: "parse \"%zz\": invalid URL escape \"%zz\"" },
  { expr: "is_external_url(':foo')", data: {}, error: "parse \":foo\": missing protocol scheme" },
  { expr: "is_external_url('http://1.2.3.4/%zz')", data: {}, error: "parse \"http://1.2.3.4/%zz\": invalid URL escape \"%zz\"" },
  { expr: "is_external_url('http://1.2.3.4/#%zz')", data: {}, error: "parse \"http://1.2.3.4/#%zz\": invalid URL escape \"%zz\"" },
  { expr: "is_external_url('http://[1.2.3.4]')", data: {}, error: "parse \"http://[1.2.3.4]\": invalid IP-literal" },
  { expr: "is_external_url('http://172.32.0.1:8080/x?y#z')", data: {}, want: true },
  { expr: "is_external_url('mailto:x@127.0.0.1')", data: {}, error: "lookup : no such host" },
  { expr: "is_external_url('http://u:p@8.8.8.8')", data: {}, want: true },
  { expr: "is_external_url('http://u^p@8.8.8.8')", data: {}, error: "parse \"http://u^p@8.8.8.8\": net/url: invalid userinfo" },
  { expr: "is_external_url('http://a\\tb')", data: {}, error: "parse \"http://a\\\\tb\": invalid character \"\\\\\" in host name" },
];

runRows("network", network);

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createJmesPath } from '../index.ts';
import { fixedEnv } from '../rows.test.ts';

// Host names go through the lookupHost port (Kyverno: net.DefaultResolver.LookupIPAddr).
const hosts: Record<string, string[]> = {
  localhost: ['127.0.0.1', '::1'],
  'google.com': ['142.250.185.78', '2a00:1450:4001:82a::200e'],
  'internal.example': ['10.0.0.5'],
  'mixed.example': ['8.8.8.8', 'fd00::1'],
};
const resolving = {
  ...fixedEnv,
  lookupHost(h: string): string[] {
    const a = hosts[h];
    if (a === undefined) throw new Error(`lookup ${h}: no such host`);
    return a;
  },
};
runRows(
  'is_external_url (names)',
  [
    { expr: "is_external_url('http://localhost')", want: false },
    { expr: "is_external_url('http://google.com')", want: true },
    { expr: "is_external_url('https://google.com:8443/path?q=1')", want: true },
    { expr: "is_external_url('http://internal.example')", want: false },
    { expr: "is_external_url('http://mixed.example')", want: false },
    { expr: "is_external_url('http://nowhere.example')", error: 'lookup nowhere.example: no such host' },
    { expr: "is_external_url('no-scheme')", error: 'lookup : no such host' },
  ],
  resolving,
);

test('is_external_url: a host name without the lookup port is an error', () => {
  const jp = createJmesPath(fixedEnv);
  assert.throws(() => jp.search("is_external_url('http://google.com')", null), /lookup google.com: no DNS resolver available/);
  assert.equal(jp.search("is_external_url('http://8.8.8.8')", null), true);
});

// URL parsing and IP classification (net/url.Parse, net.ParseIP, IsLoopback/IsPrivate); results from Go.
runRows('is_external_url (urls)', [
  { expr: "is_external_url('1a://a b@[2001:db8::1]#%zz')", error: "parse \"1a://a b@[2001:db8::1]\": first path segment in URL cannot contain colon" },
  { expr: "is_external_url('ftp://[2001:db8::1]')", want: true },
  { expr: "is_external_url('a+b://a b@[1.2.3.4]')", error: "parse \"a+b://a b@[1.2.3.4]\": invalid IP-literal" },
  { expr: "is_external_url('1a://u:p@1.2.3/%zz')", error: "parse \"1a://u:p@1.2.3/%zz\": first path segment in URL cannot contain colon" },
  { expr: "is_external_url('https://u:p@127.0.0.1')", want: false },
  { expr: "is_external_url('http://10.0.0.1:x#%zz')", error: "parse \"http://10.0.0.1:x\": invalid port \":x\" after host" },
  { expr: "is_external_url('ftp://a b@1.2.3')", error: "parse \"ftp://a b@1.2.3\": net/url: invalid userinfo" },
  { expr: "is_external_url(':user@1.2.3.4.5/a%20b')", error: "parse \":user@1.2.3.4.5/a%20b\": missing protocol scheme" },
  { expr: "is_external_url('1a://user@[::1]/%zz')", error: "parse \"1a://user@[::1]/%zz\": first path segment in URL cannot contain colon" },
  { expr: "is_external_url('ftp://a b@0.0.0.0')", error: "parse \"ftp://a b@0.0.0.0\": net/url: invalid userinfo" },
  { expr: "is_external_url('a+b://172.32.0.1?q')", want: true },
  { expr: "is_external_url('https://u:p@10.0.0.1:x#%zz')", error: "parse \"https://u:p@10.0.0.1:x\": invalid port \":x\" after host" },
  { expr: "is_external_url(':user@0.0.0.0?q')", error: "parse \":user@0.0.0.0?q\": missing protocol scheme" },
  { expr: "is_external_url('1a://a b@[::]')", error: "parse \"1a://a b@[::]\": first path segment in URL cannot contain colon" },
  { expr: "is_external_url('1a://user@1.2.3#%zz')", error: "parse \"1a://user@1.2.3\": first path segment in URL cannot contain colon" },
  { expr: "is_external_url('a+b://user@[::1]#f')", want: false },
  { expr: "is_external_url('https://a b@[::1/')", error: "parse \"https://a b@[::1/\": missing ']' in host" },
  { expr: "is_external_url('a b@[::1]/a%20b')", error: "parse \"a b@[::1]/a%20b\": first path segment in URL cannot contain colon" },
  { expr: "is_external_url('http://a b@10.0.0.1?q')", error: "parse \"http://a b@10.0.0.1?q\": net/url: invalid userinfo" },
  { expr: "is_external_url('a+b://user@172.32.0.1/%zz')", error: "parse \"a+b://user@172.32.0.1/%zz\": invalid URL escape \"%zz\"" },
  { expr: "is_external_url('http://user@[::ffff:8.8.8.8]/%zz')", error: "parse \"http://user@[::ffff:8.8.8.8]/%zz\": invalid URL escape \"%zz\"" },
  { expr: "is_external_url('a+b://u:p@10.0.0.1:8080#f')", want: false },
  { expr: "is_external_url('1a://u:p@[::1')", error: "parse \"1a://u:p@[::1\": first path segment in URL cannot contain colon" },
  { expr: "is_external_url('a+b://user@[::ffff:10.0.0.1]/%zz')", error: "parse \"a+b://user@[::ffff:10.0.0.1]/%zz\": invalid URL escape \"%zz\"" },
  { expr: "is_external_url('a+b://[2001:db8::1]#f')", want: true },
  { expr: "is_external_url(':user@[::ffff:10.0.0.1]#%zz')", error: "parse \":user@[::ffff:10.0.0.1]\": missing protocol scheme" },
  { expr: "is_external_url('1a://u:p@[fc00::]#f')", error: "parse \"1a://u:p@[fc00::]\": first path segment in URL cannot contain colon" },
  { expr: "is_external_url('1a://a b@172.16.0.1')", error: "parse \"1a://a b@172.16.0.1\": first path segment in URL cannot contain colon" },
  { expr: "is_external_url('//a b@255.255.255.255#%zz')", error: "parse \"//a b@255.255.255.255\": net/url: invalid userinfo" },
  { expr: "is_external_url(':user@[1.2.3.4]#%zz')", error: "parse \":user@[1.2.3.4]\": missing protocol scheme" },
  { expr: "is_external_url('http://user@127.0.0.1#%zz')", error: "parse \"http://user@127.0.0.1#%zz\": invalid URL escape \"%zz\"" },
  { expr: "is_external_url('1a://a b@[::ffff:8.8.8.8]/%zz')", error: "parse \"1a://a b@[::ffff:8.8.8.8]/%zz\": first path segment in URL cannot contain colon" },
  { expr: "is_external_url(':a b@192.169.1.1')", error: "parse \":a b@192.169.1.1\": missing protocol scheme" },
  { expr: "is_external_url('a+b://u:p@[::1#%zz')", error: "parse \"a+b://u:p@[::1\": missing ']' in host" },
  { expr: "is_external_url('http://u:p@172.31.255.255/%zz')", error: "parse \"http://u:p@172.31.255.255/%zz\": invalid URL escape \"%zz\"" },
  { expr: "is_external_url(':[::]/%zz')", error: "parse \":[::]/%zz\": missing protocol scheme" },
  { expr: "is_external_url('1a://user@[fd00::1]:80')", error: "parse \"1a://user@[fd00::1]:80\": first path segment in URL cannot contain colon" },
  { expr: "is_external_url('ftp://a b@[::]/%zz')", error: "parse \"ftp://a b@[::]/%zz\": net/url: invalid userinfo" },
  { expr: "is_external_url('1a://[::1#%zz')", error: "parse \"1a://[::1\": first path segment in URL cannot contain colon" },
  { expr: "is_external_url('//a b@127.0.0.1#f')", error: "parse \"//a b@127.0.0.1\": net/url: invalid userinfo" },
  { expr: "is_external_url('http://[::1%25eth0]')", want: false },
]);
