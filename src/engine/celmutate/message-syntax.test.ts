/**
 * Mutation message literals (`Object{...}`, `Object.<path>{...}`, `JSONPatch{...}`) and `has()` on any
 * operand. Expected values: k8s.io/apiserver pkg/cel/mutation typeresolver_test.go (values of the
 * literals, equality, JSONPatch fields) and cel-go's test-only selection (checked with cel-go 0.30:
 * `has(x[0].b)` is true/false on maps, false on null and strings, errors propagate).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isCelCompileError } from '../cel/errors.ts';
import { jsonToCel } from '../cel/values.ts';
import { policyEnvironment } from './common/program.ts';
import { rewriteMessageSyntax } from './message-syntax.ts';
import { JsonPatchVal, mutationValueToJson } from './mutation-library.ts';

const env = policyEnvironment({ namespaced: false });

function evaluate(expression: string, object: unknown = {}): unknown {
  const p = env.compile(rewriteMessageSyntax(expression));
  if (isCelCompileError(p)) throw new Error(p.message);
  return p.evaluate({ object: jsonToCel(object as never) });
}

const values: Array<{ name: string; expression: string; want: unknown }> = [
  { name: 'not an object', expression: 'string(114514)', want: '114514' },
  { name: 'empty', expression: 'Object{}', want: {} },
  { name: 'Object.spec', expression: 'Object{spec: Object.spec{replicas: 3}}', want: { spec: { replicas: 3 } } },
  {
    name: 'nested list items',
    expression: 'Object{spec: Object.spec{template: Object.spec.template{containers: [Object.spec.template.containers.item{name: "nginx", image: "nginx", args: ["-g"]}]}}}',
    want: { spec: { template: { containers: [{ name: 'nginx', image: 'nginx', args: ['-g'] }] } } },
  },
  { name: 'list of ints', expression: 'Object{intList: [1, 2, 3]}', want: { intList: [1, 2, 3] } },
  { name: 'map string-to-string', expression: 'Object{annotations: {"foo": "bar"}}', want: { annotations: { foo: 'bar' } } },
  { name: 'equality check', expression: 'Object{spec: Object.spec{replicas: 3}} == Object{spec: Object.spec{replicas: 1 + 2}}', want: true },
  { name: 'optional field set', expression: 'Object{?spec: optional.of(Object.spec{replicas: 1})}', want: { spec: { replicas: 1 } } },
  { name: 'optional field unset', expression: 'Object{?spec: optional.none(), kind: "x"}', want: { kind: 'x' } },
  { name: 'empty list field becomes null', expression: 'Object{spec: Object.spec{containers: []}}', want: { spec: { containers: null } } },
  { name: 'literals inside strings are left alone', expression: '"Object{" + \'JSONPatch{\'', want: 'Object{JSONPatch{' },
  { name: 'ternary with Object{} branch', expression: 'true ? Object{} : Object{metadata: Object.metadata{labels: {"a": "b"}}}', want: {} },
];

for (const v of values) {
  test(`literal: ${v.name}`, () => {
    assert.deepEqual(mutationValueToJson(evaluate(v.expression)), v.want);
  });
}

const patches: Array<{ name: string; expression: string; want: Partial<JsonPatchVal> }> = [
  { name: 'logic around JSONPatch', expression: 'true ? JSONPatch{op: "add", path: "/spec/replicas", value: 3} : JSONPatch{op: "remove", path: "/spec/replicas"}', want: { op: 'add', path: '/spec/replicas', from: '', value: 3n } },
  { name: 'JSONPatch remove', expression: 'JSONPatch{op: "remove", path: "/spec/replicas"}', want: { op: 'remove', path: '/spec/replicas', from: '', value: undefined } },
  { name: 'JSONPatch move', expression: 'JSONPatch{op: "move", from: "/spec/replicas", path: "/spec/replicas"}', want: { op: 'move', path: '/spec/replicas', from: '/spec/replicas', value: undefined } },
  { name: 'JSONPatch invalid op', expression: 'JSONPatch{op: "invalid", path: "/spec/replicas", value: 3}', want: { op: 'invalid', path: '/spec/replicas', from: '', value: 3n } },
  { name: 'JSONPatch missing path', expression: 'JSONPatch{op: "add", value: 3}', want: { op: 'add', path: '', from: '', value: 3n } },
];

for (const p of patches) {
  test(`JSONPatch literal: ${p.name}`, () => {
    const v = evaluate(p.expression) as JsonPatchVal;
    assert.ok(v instanceof JsonPatchVal);
    assert.deepEqual({ op: v.op, path: v.path, from: v.from, value: v.value }, p.want);
  });
}

test('literal: an unknown message type does not compile', () => {
  assert.ok(isCelCompileError(env.compile(rewriteMessageSyntax('Invalid{}'))));
});

const hasCases: Array<[string, unknown]> = [
  ['has(object.a[0].b)', true],
  ['has(object.a[3].b)', false],
  ['has(object.a[1].b)', false],
  ['has(object.a[2].b)', false],
];

for (const [expr, want] of hasCases) {
  test(`has on any operand: ${expr}`, () => {
    assert.equal(evaluate(expr, { a: [{ b: 1 }, null, 's', {}] }), want);
  });
}

test('has on any operand: operand errors propagate', () => {
  assert.throws(() => evaluate('has(object.a[5].b)', { a: [] }), /index out of bounds|out of range/);
});
