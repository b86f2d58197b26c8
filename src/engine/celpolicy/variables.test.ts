/**
 * Typed, lazily evaluated `variables`: the declared field types follow the compiled output types
 * (Kyverno's compilers keep them exactly, the Kubernetes admission plugins keep lists, maps and
 * scalars only), a later variable sees the earlier ones, unknown names do not compile (cel-go:
 * `undefined field`), and only the variables an expression names are evaluated.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isCelCompileError } from '../cel/errors.ts';
import { celJsType } from './compile.ts';
import { CelPolicyEnvironments } from './environments.ts';
import { evaluateSync } from './evaluate.ts';
import { compileVariables, LazyVariables, variableRefs } from './variables.ts';

const envs = new CelPolicyEnvironments();

test('celJsType translates cel-go type names', () => {
  assert.equal(celJsType('map(string, list(int))'), 'map<string, list<int>>');
  assert.equal(celJsType('optional_type(string)'), 'optional<string>');
  assert.equal(celJsType('null_type'), 'null');
});

test('variableRefs finds the variables an expression names', () => {
  const names = new Set(['a', 'b', 'c']);
  assert.deepEqual(variableRefs('variables.a + variables.?b.orValue(0) + x.variables', names), ['a', 'b']);
  assert.deepEqual(variableRefs('has(variables.c) && variables.d', names), ['c']);
});

test('Kyverno variables: typed fields, order, unknown names', () => {
  const base = envs.validatingPolicy(false);
  const vars = compileVariables(
    base,
    [
      { name: 'n', expression: 'object.spec.replicas' },
      { name: 'ok', expression: 'variables.n > 1' },
    ],
    'kyverno',
    'spec.variables',
  );
  assert.deepEqual(vars.errors, []);
  assert.deepEqual(vars.fields, { n: 'dyn', ok: 'bool' });
  // a bool variable makes a bool validation
  const p = vars.env.compile('variables.ok', { outputType: 'bool' });
  assert.ok(!isCelCompileError(p));
  const bad = vars.env.compile('variables.missing');
  assert.ok(isCelCompileError(bad));
  assert.match(bad.message, /undefined field 'missing'/);
  // a variable cannot read a later one
  const later = compileVariables(base, [{ name: 'a', expression: 'variables.b' }, { name: 'b', expression: '1' }], 'kyverno', 'spec.variables');
  assert.equal(later.errors.length, 1);
  assert.match(later.errors[0]!, /^spec\.variables\[0\]\.expression: Invalid value: "variables\.b": ERROR: <input>:1:10: undefined field 'b'/);
});

test('Kubernetes variables: lists, maps and scalars keep their type, others become dyn', () => {
  const base = envs.admissionPlugin({ params: false, authorizer: false });
  const vars = compileVariables(
    base,
    [
      { name: 'l', expression: "['a']" },
      { name: 'q', expression: "quantity('1Gi')" },
      { name: 'o', expression: "optional.of('x')" },
    ],
    'kubernetes',
    'variables',
  );
  assert.deepEqual(vars.fields, { l: 'list<string>', q: 'dyn', o: 'dyn' });
});

test('LazyVariables evaluates each variable once, only when named', () => {
  const base = envs.validatingPolicy(false);
  const vars = compileVariables(
    base,
    [
      { name: 'bad', expression: 'object.spec.missing' },
      { name: 'one', expression: '1' },
    ],
    'kyverno',
    'spec.variables',
  );
  let evaluations = 0;
  const lazy = new LazyVariables(
    vars.variables,
    (v, view) => {
      evaluations++;
      return evaluateSync(v.program!, { object: { spec: {} }, variables: view });
    },
    (_v, e) => (e as Error).message,
  );
  const p = vars.env.compile('variables.one == 1');
  assert.ok(!isCelCompileError(p));
  if (isCelCompileError(p)) return;
  assert.equal(evaluateSync(p, lazy.activationFor({}, p)), true);
  assert.equal(evaluateSync(p, lazy.activationFor({}, p)), true);
  assert.equal(evaluations, 1);
  const q = vars.env.compile('variables.bad == 1');
  assert.ok(!isCelCompileError(q));
  if (isCelCompileError(q)) return;
  assert.throws(() => evaluateSync(q, lazy.activationFor({}, q)), /no such key: missing/);
});
