/**
 * cel-go encoders extension (json.encode always exceeds the cost limit, as in Kubernetes).
 * Expected values are cel-go's (0.30, with the Kubernetes and Kyverno libraries, as Kyverno 1.19
 * builds its environment), obtained by evaluating each expression there.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCelEnvironment } from '../environment.ts';
import { bytes, deviation, expected, runCase, type CelCase } from '../test-kit.ts';

const env = createCelEnvironment();

const cases: CelCase[] = [
  { expr: 'base64.encode(b"hello")', want: "aGVsbG8=", cost: 2 },
  { expr: 'base64.encode(b"")', want: "", cost: 1 },
  { expr: 'base64.encode(b"\\xff\\xfe")', want: "//4=", cost: 2 },
  { expr: 'base64.decode("aGVsbG8=")', want: bytes("aGVsbG8="), cost: 2 },
  { expr: 'base64.decode("aGVsbG8")', want: bytes("aGVsbG8="), cost: 2 },
  { expr: 'base64.decode("")', want: bytes(""), cost: 1 },
  { expr: 'base64.decode("!!")', err: "illegal base64 data at input byte 0" },
  { expr: 'string(base64.decode("aGk="))', want: "hi", cost: 3 },
  { expr: 'json.encode({"a": 1})', err: "operation cancelled: actual cost limit exceeded" },
  { expr: 'json.encode([1, 2])', err: "operation cancelled: actual cost limit exceeded" },
];

for (const c of cases) {
  test(`encoders: ${c.expr}`, { skip: deviation(c.expr) ?? false }, async () => assert.deepStrictEqual(await runCase(env, c), expected(c)));
}
