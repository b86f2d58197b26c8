import assert from 'node:assert/strict';
import test from 'node:test';

import type { JsonObject, JsonValue } from '../api/json.ts';
import { JsonContext } from '../context/context.ts';
import { createJmesPath } from '../jmespath/index.ts';
import { SubstitutionError, prepareSubstitution, substituteAll } from './substitute.ts';

const jp = createJmesPath({ clock: { now: () => new Date(0) } });

function context(operation = 'CREATE'): JsonContext {
  const raw: JsonObject = {
    request: {
      operation,
      object: { metadata: { name: 'web', labels: { app: 'shop' } }, spec: { replicas: 3, containers: [{ name: 'c', image: 'nginx' }] } },
      oldObject: { metadata: { name: 'old-web' } },
    },
    inner: '{{ request.object.metadata.name }}',
    braces: 'a{{b',
  };
  return new JsonContext(jp, raw);
}

const cases: Array<{ name: string; doc: JsonValue; want: JsonValue; operation?: string }> = [
  { name: 'a whole variable keeps its JSON type (number)', doc: { n: '{{ request.object.spec.replicas }}' }, want: { n: 3 } },
  { name: 'a whole variable keeps its JSON type (object)', doc: '{{request.object.metadata.labels}}', want: { app: 'shop' } },
  { name: 'a whole variable that is an array', doc: ['{{ request.object.spec.containers[].name }}'], want: [['c']] },
  { name: 'text around a variable is spliced', doc: 'name: {{ request.object.metadata.name }}!', want: 'name: web!' },
  { name: 'non-string values are Go-JSON encoded when spliced', doc: 'labels={{ request.object.metadata.labels }}', want: 'labels={"app":"shop"}' },
  { name: 'two variables', doc: '{{ request.object.metadata.name }}/{{ request.object.spec.replicas }}', want: 'web/3' },
  { name: 'a whole variable is not scanned again (its value may hold braces)', doc: '{{ inner }}', want: '{{ request.object.metadata.name }}' },
  { name: 'spliced text is scanned again until no variable is left', doc: 'x-{{ inner }}', want: 'x-web' },
  { name: 'a shallow variable is not resolved again', doc: 'x-{{- inner }}', want: 'x-{{ request.object.metadata.name }}' },
  { name: 'an escaped variable stays, unescaped', doc: 'keep \\{{ request.object.metadata.name }}', want: 'keep {{ request.object.metadata.name }}' },
  { name: 'single-brace groups (a multi-select hash) inside a variable', doc: '{{ {n: request.object.metadata.name} }}', want: { n: 'web' } },
  { name: 'keys are substituted too', doc: { '{{ request.object.metadata.name }}': 1 }, want: { web: 1 } },
  { name: 'leaves without variables are returned as they are', doc: { a: ['x', 1, true, null] }, want: { a: ['x', 1, true, null] } },
  { name: 'on DELETE request.object reads request.oldObject', doc: '{{ request.object.metadata.name }}', want: 'old-web', operation: 'DELETE' },
  {
    name: '{{@}} is the resource leaf at the path below the two first segments',
    doc: { validate: { pattern: { metadata: { name: '{{@}}' } } } },
    want: { validate: { pattern: { metadata: { name: 'web' } } } },
  },
  { name: 'references read another leaf of the document, relative to the leaf', doc: { a: 'v', b: '$(../a)', c: '$(/a)' }, want: { a: 'v', b: 'v', c: 'v' } },
  { name: 'an escaped reference stays, unescaped', doc: { a: 'v', b: '\\$(../a)' }, want: { a: 'v', b: '$(../a)' } },
  { name: 'a reference to a leaf holding a variable, resolved then', doc: { a: '{{ request.object.metadata.name }}', b: '$(../a)' }, want: { a: 'web', b: 'web' } },
  { name: 'a literal brace inside the text stays', doc: 'x-{{ braces }}', want: 'x-a{{b' },
];

for (const c of cases) {
  test(`substituteAll: ${c.name}`, () => {
    assert.deepEqual(substituteAll(context(c.operation), c.doc), c.want);
  });
  test(`prepareSubstitution gives what substituteAll gives: ${c.name}`, () => {
    const prepared = prepareSubstitution(c.doc);
    // prepared once, evaluated for several requests
    assert.deepEqual(prepared(context(c.operation)), c.want);
    assert.deepEqual(prepared(context(c.operation)), c.want);
  });
}

test('prepareSubstitution: a whole variable follows the operation of each request (DELETE reads oldObject)', () => {
  const prepared = prepareSubstitution('{{ request.object.metadata.name }}');
  assert.equal(prepared(context('CREATE')), 'web');
  assert.equal(prepared(context('DELETE')), 'old-web');
});

test('substituteAll returns the same object when nothing needs substitution', () => {
  const doc = { a: { b: ['x'] } };
  assert.equal(substituteAll(context(), doc), doc);
});

const failures: Array<{ name: string; doc: JsonValue; message: string; path: string }> = [
  {
    name: 'a missing key names the variable and the leaf path',
    doc: { spec: { list: ['ok', '{{ request.object.nope }}'] } },
    message: 'failed to resolve request.object.nope at path /spec/list/1: JMESPath query failed: Unknown key "nope" in path',
    path: '/spec/list/1',
  },
  {
    name: 'slashes in keys are escaped in the path',
    doc: { 'a/b': '{{ request.object.nope }}' },
    message: 'failed to resolve request.object.nope at path /a\\/b: JMESPath query failed: Unknown key "nope" in path',
    path: '/a\\/b',
  },
  {
    name: 'the same for a variable inside text',
    doc: { m: 'x {{ request.object.nope }}' },
    message: 'failed to resolve request.object.nope at path /m: JMESPath query failed: Unknown key "nope" in path',
    path: '/m',
  },
];

for (const c of failures) {
  test(`substituteAll error: ${c.name}`, () => {
    assert.throws(
      () => substituteAll(context(), c.doc),
      (err: unknown) => err instanceof SubstitutionError && err.message === c.message && err.path === c.path && err.notFound,
    );
  });
}

test('prepareSubstitution: a whole variable fails as substituteAll does (path of the root leaf)', () => {
  const doc = '{{ request.object.nope }}';
  const want = 'failed to resolve request.object.nope at path : JMESPath query failed: Unknown key "nope" in path';
  assert.throws(() => substituteAll(context(), doc), (err: unknown) => err instanceof SubstitutionError && err.message === want && err.path === '');
  assert.throws(() => prepareSubstitution(doc)(context()), (err: unknown) => err instanceof SubstitutionError && err.message === want && err.path === '');
});
