/**
 * Kyverno's CEL libraries that need no port: hash, math, json, yaml, image, user, transform, time (truncate/toCron).
 * Expected values are cel-go's (0.30, with the Kubernetes and Kyverno libraries, as Kyverno 1.19
 * builds its environment), obtained by evaluating each expression there.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCelEnvironment } from '../environment.ts';
import { jsonToCel } from '../values.ts';
import { obj, deviation, expected, runCase, type CelCase } from '../test-kit.ts';

const env = createCelEnvironment({ variables: { x: 'dyn' } });
const activation = { x: jsonToCel({ a: { b: 1 }, f: 1.5, s: "abc", l: [1, 2, 3], m: { a: 1, b: "two" } }) };

const cases: CelCase[] = [
  { expr: 'sha256("abc")', want: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", cost: 1 },
  { expr: 'sha1("abc")', want: "a9993e364706816aba3e25717850c26c9cd0d89d", cost: 1 },
  { expr: 'md5("abc")', want: "900150983cd24fb0d6963f7d28e17f72", cost: 1 },
  { expr: 'hash.sha256("")', want: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", cost: 1 },
  { expr: 'hash.sha1("héllo")', want: "35b5ea45c5e41f78b46a937cc74d41dfea920890", cost: 1 },
  { expr: 'hash.md5("The quick brown fox jumps over the lazy dog")', want: "9e107d9d372bb6826bd81d3542a419d6", cost: 1 },
  { expr: 'math.round(1.2345, 2)', want: 1.23, cost: 1 },
  { expr: 'math.round(2.5, 0)', want: 3, cost: 1 },
  { expr: 'math.round(-1.005, 2)', want: -1, cost: 1 },
  { expr: 'math.round(1234.5, -2)', want: 1200, cost: 1 },
  { expr: 'json.unmarshal("{\\"a\\": [1, 2.5]}").a', want: [1, 2.5], cost: 4 },
  { expr: 'json.unmarshal("[1, 2]")', want: [1, 2], cost: 2 },
  { expr: 'json.unmarshal("\\"s\\"")', want: "s", cost: 2 },
  { expr: 'json.unmarshal("{bad")', err: "invalid character 'b' looking for beginning of object key string" },
  { expr: 'json.unmarshal("")', err: "unexpected end of JSON input" },
  { expr: 'json.marshal({"b": 1, "a": [true]})', compileErr: "ERROR: <input>:1:28: expected type 'int' but found 'list(bool)'" },
  { expr: 'json.marshal(["<&>"])', want: "[\"\\u003c\\u0026\\u003e\"]", cost: 2 },
  { expr: 'json.marshal(1.5)', want: "1.5", cost: 2 },
  { expr: 'json.marshal(x.m)', want: "{\"a\":1,\"b\":\"two\"}", cost: 4 },
  { expr: 'yaml.parse("a:\\n  - 1\\n  - b").a', want: [1, "b"], cost: 4 },
  { expr: 'yaml.parse("a: 1").a', want: 1, cost: 4 },
  { expr: 'yaml.parse("- x\\n- y")', want: ["x", true], cost: 2 },
  { expr: 'yaml.parse("a: [")', err: "error converting YAML to JSON: yaml: line 1: did not find expected node content" },
  { expr: 'parseImageReference("nginx").registry()', want: "index.docker.io", cost: 2 },
  { expr: 'parseImageReference("nginx").repository()', want: "library/nginx", cost: 2 },
  { expr: 'parseImageReference("nginx").tag()', want: "latest", cost: 2 },
  { expr: 'parseImageReference("nginx").identifier()', want: "latest", cost: 2 },
  { expr: 'parseImageReference("nginx:1.19").tag()', want: "1.19", cost: 2 },
  { expr: 'parseImageReference("docker.io/nginx").registry()', want: "index.docker.io", cost: 2 },
  { expr: 'parseImageReference("ghcr.io/kyverno/kyverno:v1.19.0").repository()', want: "kyverno/kyverno", cost: 2 },
  { expr: 'parseImageReference("localhost:5000/app").registry()', want: "localhost:5000", cost: 2 },
  { expr: 'parseImageReference("localhost/app").registry()', want: "localhost", cost: 2 },
  { expr: 'parseImageReference("gcr.io/a/b@sha256:0000000000000000000000000000000000000000000000000000000000000000").digest()', want: "sha256:0000000000000000000000000000000000000000000000000000000000000000", cost: 2 },
  { expr: 'parseImageReference("gcr.io/a/b@sha256:0000000000000000000000000000000000000000000000000000000000000000").containsDigest()', want: true, cost: 2 },
  { expr: 'parseImageReference("gcr.io/a/b@sha256:0000000000000000000000000000000000000000000000000000000000000000").identifier()', want: "sha256:0000000000000000000000000000000000000000000000000000000000000000", cost: 2 },
  { expr: 'parseImageReference("gcr.io/a/b:v1@sha256:0000000000000000000000000000000000000000000000000000000000000000").identifier()', want: "sha256:0000000000000000000000000000000000000000000000000000000000000000", cost: 2 },
  { expr: 'parseImageReference("gcr.io/a/b:v1@sha256:0000000000000000000000000000000000000000000000000000000000000000").tag()', want: "", cost: 2 },
  { expr: 'parseImageReference("gcr.io/a/b@sha256:0000000000000000000000000000000000000000000000000000000000000000").identifierWithSeparator()', compileErr: "ERROR: <input>:1:130: undeclared reference to 'identifierWithSeparator' (in container '')" },
  { expr: 'parseImageReference("gcr.io/a/b:v1").identifierWithSeparator()', compileErr: "ERROR: <input>:1:61: undeclared reference to 'identifierWithSeparator' (in container '')" },
  { expr: 'parseImageReference("nginx").containsDigest()', want: false, cost: 2 },
  { expr: 'parseImageReference("UPPER/case")', err: "could not parse reference: UPPER/case" },
  { expr: 'parseImageReference("nginx:")', err: "could not parse reference: nginx:" },
  { expr: 'parseImageReference("a@sha256:abc")', err: "could not parse reference: a@sha256:abc" },
  { expr: 'isImage("nginx")', want: true, cost: 1 },
  { expr: 'isImage("UPPER/case")', want: false, cost: 1 },
  { expr: 'isImage("")', want: false, cost: 1 },
  { expr: 'image("nginx:latest").tag()', want: "latest", cost: 2 },
  { expr: 'image("nginx") == image("nginx")', want: true, cost: 3 },
  { expr: 'parseServiceAccount("system:serviceaccount:default:sa").Namespace', want: "default", cost: 3 },
  { expr: 'parseServiceAccount("system:serviceaccount:default:sa").Name', want: "sa", cost: 3 },
  { expr: 'user.parseServiceAccount("system:serviceaccount:ns:name").Name', want: "name", cost: 3 },
  { expr: 'parseServiceAccount("alice").Name', want: "", cost: 3 },
  { expr: 'parseServiceAccount("system:serviceaccount:nocolon").Namespace', want: "", cost: 3 },
  { expr: 'listObjToMap([{"k": "a"}, {"k": "b"}], [{"v": 1}, {"v": 2}], "k", "v")', want: { a: 1n, b: 2n }, cost: 1 },
  { expr: 'transform.listObjToMap([{"k": "a"}], [{"v": "x"}], "k", "v")', want: { a: "x" }, cost: 1 },
  { expr: 'listObjToMap([{"k": "a"}], [], "k", "v")', err: "listObjToMap must take lists of equal length. list1: 1, list2: 0" },
  { expr: 'listObjToMap([{"k": 1}], [{"v": 1}], "k", "v")', err: "the passed key name cannot be handled as a string in the key object list" },
  { expr: 'time.truncate(timestamp("2024-01-01T10:37:45Z"), duration("1h"))', want: obj("google.protobuf.Timestamp", "2024-01-01 10:00:00 +0000 UTC"), cost: 1 },
  { expr: 'time.truncate(timestamp("2024-01-01T10:37:45Z"), duration("24h"))', want: obj("google.protobuf.Timestamp", "2024-01-01 00:00:00 +0000 UTC"), cost: 1 },
  { expr: 'time.truncate(timestamp("2024-01-01T10:37:45Z"), duration("7m"))', want: obj("google.protobuf.Timestamp", "2024-01-01 10:37:00 +0000 UTC"), cost: 1 },
  { expr: 'time.toCron(timestamp("2024-03-05T10:37:45Z"))', want: "37 10 5 3 2", cost: 1 },
  { expr: 'time.toCron(timestamp("2024-12-31T23:59:00Z"))', want: "59 23 31 12 2", cost: 1 },
];

for (const c of cases) {
  test(`kyverno: ${c.expr}`, { skip: deviation(c.expr) ?? false }, async () => assert.deepStrictEqual(await runCase(env, c, activation), expected(c)));
}
