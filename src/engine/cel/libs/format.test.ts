/**
 * Kubernetes format library: named formats and their validation messages.
 * Expected values are cel-go's (0.30, with the Kubernetes and Kyverno libraries, as Kyverno 1.19
 * builds its environment), obtained by evaluating each expression there.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCelEnvironment } from '../environment.ts';
import { opt, NONE, deviation, expected, runCase, type CelCase } from '../test-kit.ts';

const env = createCelEnvironment();

const cases: CelCase[] = [
  { expr: 'format.dns1123Label().validate("my-name")', want: NONE, cost: 9 },
  { expr: 'format.dns1123Label().validate("My-Name")', want: opt(["a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"]), cost: 9 },
  { expr: 'format.dns1123Label().validate("a.b")', want: opt(["must not contain dots"]), cost: 9 },
  { expr: 'format.dns1123Label().validate("-a")', want: opt(["a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"]), cost: 9 },
  { expr: 'format.dns1123Label().validate("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")', want: opt(["must be no more than 63 characters"]), cost: 57 },
  { expr: 'format.dns1123Subdomain().validate("example.com")', want: NONE, cost: 31 },
  { expr: 'format.dns1123Subdomain().validate("Example.com")', want: opt(["a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"]), cost: 31 },
  { expr: 'format.dns1035Label().validate("abc-123")', want: NONE, cost: 9 },
  { expr: 'format.dns1035Label().validate("1abc")', want: opt(["a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"]), cost: 9 },
  { expr: 'format.qualifiedName().validate("example.com/my-name")', want: NONE, cost: 31 },
  { expr: 'format.qualifiedName().validate("my_name")', want: NONE, cost: 16 },
  { expr: 'format.qualifiedName().validate("-bad")', want: opt(["name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"]), cost: 16 },
  { expr: 'format.qualifiedName().validate("a/b/c")', want: opt(["a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]), cost: 16 },
  { expr: 'format.qualifiedName().validate("/name")', want: opt(["prefix part must be non-empty"]), cost: 16 },
  { expr: 'format.labelValue().validate("")', want: NONE, cost: 11 },
  { expr: 'format.labelValue().validate("valid.value-1")', want: NONE, cost: 21 },
  { expr: 'format.labelValue().validate("bad value")', want: opt(["a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"]), cost: 11 },
  { expr: 'format.dns1123LabelPrefix().validate("abc-")', want: NONE, cost: 9 },
  { expr: 'format.dns1123LabelPrefix().validate("abc--")', want: NONE, cost: 9 },
  { expr: 'format.dns1123SubdomainPrefix().validate("a.b-")', want: NONE, cost: 16 },
  { expr: 'format.dns1035LabelPrefix().validate("a-")', want: NONE, cost: 9 },
  { expr: 'format.uri().validate("https://kubernetes.io")', want: NONE, cost: 829 },
  { expr: 'format.uri().validate("not-a-uri")', want: opt(["parse \"not-a-uri\": invalid URI for request"]), cost: 277 },
  { expr: 'format.uuid().validate("123e4567-e89b-12d3-a456-426614174000")', want: NONE, cost: 73 },
  { expr: 'format.uuid().validate("123E4567E89B12D3A456426614174000")', want: NONE, cost: 73 },
  { expr: 'format.uuid().validate("not-a-uuid")', want: opt(["does not match the UUID format"]), cost: 37 },
  { expr: 'format.byte().validate("aGVsbG8=")', want: NONE, cost: 22 },
  { expr: 'format.byte().validate("aGVsbG8")', want: opt(["invalid base64"]), cost: 22 },
  { expr: 'format.byte().validate("")', want: opt(["invalid base64"]), cost: 22 },
  { expr: 'format.date().validate("2024-02-29")', want: NONE, cost: 37 },
  { expr: 'format.date().validate("2023-02-29")', want: opt(["invalid date"]), cost: 37 },
  { expr: 'format.date().validate("2024-13-01")', want: opt(["invalid date"]), cost: 37 },
  { expr: 'format.datetime().validate("2024-01-01T12:00:00Z")', want: NONE, cost: 55 },
  { expr: 'format.datetime().validate("2024-01-01t12:00:00.5+01:00")', want: NONE, cost: 55 },
  { expr: 'format.datetime().validate("2024-01-01T25:00:00Z")', want: opt(["invalid datetime"]), cost: 55 },
  { expr: 'format.datetime().validate("2024-01-01")', want: opt(["invalid datetime"]), cost: 37 },
  { expr: 'format.named("dns1123Label").value().validate("x")', want: NONE, cost: 10 },
  { expr: 'format.named("labelValue").hasValue()', want: true, cost: 2 },
  { expr: 'format.named("unknown").hasValue()', want: false, cost: 2 },
  { expr: 'format.dns1123Label() == format.dns1123Label()', want: true, cost: 3 },
  { expr: 'format.dns1123Label() == format.dns1035Label()', want: false, cost: 3 },
];

for (const c of cases) {
  test(`format: ${c.expr}`, { skip: deviation(c.expr) ?? false }, async () => assert.deepStrictEqual(await runCase(env, c), expected(c)));
}
