/**
 * JSONPatch and ApplyConfiguration mutations end to end (expression -> patched object). Expected values:
 * k8s.io/apiserver pkg/admission/plugin/policy/mutating/patch json_patch_test.go (TestJSONPatch) and
 * smd_test.go (TestApplyConfiguration), re-expressed on the objects' JSON form; Kyverno's guard-free
 * server-side apply variant (mpol compiler smd.go).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonObject } from '../api/json.ts';
import { isCelCompileError } from '../cel/errors.ts';
import { jsonToCel } from '../cel/values.ts';
import { policyEnvironment } from './common/program.ts';
import { rewriteMessageSyntax } from './message-syntax.ts';
import { applyConfigurationPatch, jsonPatchPatch, type PatchResult } from './patchers.ts';
import { builtinTypeConverter } from './ssa/schema.ts';

const env = policyEnvironment({ namespaced: false });
const apps = builtinTypeConverter({ group: 'apps', version: 'v1' });

function run(kind: 'json' | 'apply', expression: string, object: JsonObject, oldObject: JsonObject | null = null, allowAtomics = false): PatchResult {
  const p = env.compile(rewriteMessageSyntax(expression));
  if (isCelCompileError(p)) throw new Error(p.message);
  const value = p.evaluate({ object: jsonToCel(object), oldObject: jsonToCel(oldObject) });
  return kind === 'json' ? jsonPatchPatch(value, object) : applyConfigurationPatch(value, object, apps, allowAtomics);
}

const deploy = (spec: JsonObject, metadata: JsonObject = {}): JsonObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata, spec });
const containers = (...names: string[]): JsonObject => ({ template: { spec: { containers: names.map((name) => ({ name })) } } });

const jsonCases: Array<{ name: string; expression: string; object: JsonObject; want?: JsonObject; err?: string }> = [
  {
    name: 'false test operation leaves the object',
    expression: '[JSONPatch{op: "test", path: "/spec/replicas", value: 100}, JSONPatch{op: "replace", path: "/spec/replicas", value: 3}]',
    object: deploy({ replicas: 1 }),
    want: deploy({ replicas: 1 }),
  },
  {
    name: 'true test operation',
    expression: '[JSONPatch{op: "test", path: "/spec/replicas", value: 1}, JSONPatch{op: "replace", path: "/spec/replicas", value: 3}]',
    object: deploy({ replicas: 1 }),
    want: deploy({ replicas: 3 }),
  },
  { name: 'remove to unset field', expression: '[JSONPatch{op: "remove", path: "/spec/replicas"}]', object: deploy({ replicas: 1 }), want: deploy({}) },
  {
    name: 'remove map entry by key',
    expression: '[JSONPatch{op: "remove", path: "/metadata/labels/y"}]',
    object: deploy({}, { labels: { x: '1', y: '1' } }),
    want: deploy({}, { labels: { x: '1' } }),
  },
  { name: 'remove element in list', expression: '[JSONPatch{op: "remove", path: "/spec/template/spec/containers/1"}]', object: deploy(containers('a', 'b', 'c')), want: deploy(containers('a', 'c')) },
  {
    name: 'copy map entry by key',
    expression: '[JSONPatch{op: "copy", from: "/metadata/labels/x", path: "/metadata/labels/y"}]',
    object: deploy({}, { labels: { x: '1' } }),
    want: deploy({}, { labels: { x: '1', y: '1' } }),
  },
  {
    name: 'copy first element to end of list',
    expression: '[JSONPatch{op: "copy", from: "/spec/template/spec/containers/0", path: "/spec/template/spec/containers/-"}]',
    object: deploy(containers('a', 'b', 'c')),
    want: deploy(containers('a', 'b', 'c', 'a')),
  },
  {
    name: 'move map entry by key',
    expression: '[JSONPatch{op: "move", from: "/metadata/labels/x", path: "/metadata/labels/y"}]',
    object: deploy({}, { labels: { x: '1' } }),
    want: deploy({}, { labels: { y: '1' } }),
  },
  {
    name: 'move first element to end of list',
    expression: '[JSONPatch{op: "move", from: "/spec/template/spec/containers/0", path: "/spec/template/spec/containers/-"}]',
    object: deploy(containers('a', 'b', 'c')),
    want: deploy(containers('b', 'c', 'a')),
  },
  { name: 'add map entry', expression: '[JSONPatch{op: "add", path: "/metadata/labels/x", value: "2"}]', object: deploy({}, { labels: { y: '1' } }), want: deploy({}, { labels: { y: '1', x: '2' } }) },
  { name: 'add map value to field', expression: '[JSONPatch{op: "add", path: "/metadata/labels", value: {"y": "2"}}]', object: deploy({}), want: deploy({}, { labels: { y: '2' } }) },
  { name: 'add map to existing map replaces it', expression: '[JSONPatch{op: "add", path: "/metadata/labels", value: {"y": "2"}}]', object: deploy({}, { labels: { x: '1' } }), want: deploy({}, { labels: { y: '2' } }) },
  { name: 'add to start of list', expression: '[JSONPatch{op: "add", path: "/spec/template/spec/containers/0", value: {"name": "x"}}]', object: deploy(containers('a')), want: deploy(containers('x', 'a')) },
  { name: 'add to end of list', expression: '[JSONPatch{op: "add", path: "/spec/template/spec/containers/-", value: {"name": "x"}}]', object: deploy(containers('a')), want: deploy(containers('a', 'x')) },
  { name: 'replace key in map', expression: '[JSONPatch{op: "replace", path: "/metadata/labels/x", value: "2"}]', object: deploy({}, { labels: { y: '1' } }), want: deploy({}, { labels: { y: '1', x: '2' } }) },
  { name: 'replace map value of unset field', expression: '[JSONPatch{op: "replace", path: "/metadata/labels", value: {"y": "2"}}]', object: deploy({}), want: deploy({}, { labels: { y: '2' } }) },
  { name: 'replace first element in list', expression: '[JSONPatch{op: "replace", path: "/spec/template/spec/containers/0", value: {"name": "x"}}]', object: deploy(containers('a')), want: deploy(containers('x')) },
  {
    name: 'Object initializer as a value',
    expression: '[JSONPatch{op: "add", path: "/spec", value: Object.spec{selector: Object.spec.selector{}, replicas: 10}}]',
    object: deploy({}),
    want: deploy({ selector: {}, replicas: 10 }),
  },
  {
    name: 'has() on JSONPatch fields',
    expression: `[JSONPatch{op: "add", path: "/metadata/labels", value: {"op": string(has(JSONPatch{op: "opValue"}.op)), "value": string(has(JSONPatch{value: "v"}.value)),
      "op-unset": string(has(JSONPatch{}.op)), "value-unset": string(has(JSONPatch{}.value))}}]`,
    object: deploy({}, { labels: {} }),
    want: deploy({}, { labels: { op: 'true', value: 'true', 'op-unset': 'false', 'value-unset': 'false' } }),
  },
  {
    name: 'JSONPatch equality',
    expression: `[JSONPatch{op: "add", path: "/metadata/labels", value: {"empty": string(JSONPatch{} == JSONPatch{}), "partial": string(JSONPatch{op: "add"} == JSONPatch{op: "add"}),
      "same-all": string(JSONPatch{op: "add", path: "path", from: "from", value: 1} == JSONPatch{op: "add", path: "path", from: "from", value: 1}),
      "different-op": string(JSONPatch{op: "add"} == JSONPatch{op: "remove"}),
      "different-value": string(JSONPatch{op: "add", path: "path", from: "from", value: "1"} == JSONPatch{op: "add", path: "path", from: "from", value: 1})}}]`,
    object: deploy({}, { labels: {} }),
    want: deploy({}, { labels: { empty: 'true', partial: 'true', 'same-all': 'true', 'different-op': 'false', 'different-value': 'false' } }),
  },
  {
    name: 'key escaping',
    expression: '[JSONPatch{op: "add", path: "/metadata/labels", value: {}}, JSONPatch{op: "add", path: "/metadata/labels/" + jsonpatch.escapeKey("k8s.io/x~y"), value: "true"}]',
    object: deploy({}, { labels: {} }),
    want: deploy({}, { labels: { 'k8s.io/x~y': 'true' } }),
  },
  {
    name: 'CEL initializer appended',
    expression: '[JSONPatch{op: "add", path: "/spec/template/spec/containers/-", value: Object.spec.template.spec.containers{name: "x", ports: [Object.spec.template.spec.containers.ports{containerPort: 8080}]}}]',
    object: deploy(containers('a')),
    want: deploy({ template: { spec: { containers: [{ name: 'a' }, { name: 'x', ports: [{ containerPort: 8080 }] }] } } }),
  },
  {
    name: 'initializer type name mismatch',
    expression: '[JSONPatch{op: "add", path: "/spec/template/spec/containers/-", value: Object.spec.template.spec.containers{name: "x", ports: [Object.spec.template.spec.containers.portsZ{containerPort: 8080}]}}]',
    object: deploy(containers('a')),
    err: 'type mismatch: unexpected type name "Object.spec.template.spec.containers.portsZ", expected "Object.spec.template.spec.containers.ports", which matches field name path from root Object type',
  },
  {
    name: 'replace end of list with - not allowed',
    expression: '[JSONPatch{op: "replace", path: "/spec/template/spec/containers/-", value: {"name": "x"}}]',
    object: deploy(containers('a')),
    err: 'JSON Patch: replace operation does not apply: doc is missing key: /spec/template/spec/containers/-: missing value',
  },
  {
    name: 'ternary with null branches (cel-go types them as JSONPatch)',
    expression: '[true ? JSONPatch{op: "add", path: "/metadata/labels", value: {"a": "b"}} : null, false ? JSONPatch{op: "remove", path: "/spec"} : null].filter(p, p != null)',
    object: deploy({}),
    want: deploy({}, { labels: { a: 'b' } }),
  },
];

for (const c of jsonCases) {
  test(`JSONPatch: ${c.name}`, () => {
    const r = run('json', c.expression, c.object);
    if (c.err !== undefined) assert.deepEqual(r, { error: c.err });
    else assert.deepEqual(r, { object: c.want });
  });
}

const volumes = (...v: JsonObject[]): JsonObject => ({ template: { spec: { volumes: v } } });
const wrap = (inner: string): string => `Object{spec: Object.spec{template: Object.spec.template{spec: Object.spec.template.spec{${inner}}}}}`;

const applyCases: Array<{ name: string; expression: string; object: JsonObject; oldObject?: JsonObject; want?: JsonObject; err?: string; allowAtomics?: boolean }> = [
  {
    name: 'add to listType=map',
    expression: wrap('volumes: [Object.spec.template.spec.volumes{name: "y"}]'),
    object: deploy(volumes({ name: 'x' })),
    want: deploy(volumes({ name: 'x' }, { name: 'y' })),
  },
  {
    name: 'update listType=map entry',
    expression: wrap('volumes: [Object.spec.template.spec.volumes{name: "y", hostPath: Object.spec.template.spec.volumes.hostPath{path: "a"}}]'),
    object: deploy(volumes({ name: 'x' }, { name: 'y' })),
    want: deploy(volumes({ name: 'x' }, { name: 'y', hostPath: { path: 'a' } })),
  },
  {
    name: 'conditionals',
    expression: 'Object{spec: Object.spec{replicas: object.spec.replicas % 2 == 0 ? object.spec.replicas + 1 : object.spec.replicas}}',
    object: deploy({ replicas: 2 }),
    want: deploy({ replicas: 3 }),
  },
  {
    name: 'old object',
    expression: 'Object{spec: Object.spec{replicas: oldObject.spec.replicas % 2 == 0 ? oldObject.spec.replicas + 1 : oldObject.spec.replicas}}',
    object: deploy({ replicas: 1 }),
    oldObject: deploy({ replicas: 2 }),
    want: deploy({ replicas: 3 }),
  },
  {
    name: 'complex initialization',
    expression: `Object{spec: Object.spec{replicas: 1, template: Object.spec.template{metadata: Object.spec.template.metadata{labels: {"app": "nginx"}},
      spec: Object.spec.template.spec{containers: [Object.spec.template.spec.containers{name: "nginx", image: "nginx:1.14.2",
      ports: [Object.spec.template.spec.containers.ports{containerPort: 80}], resources: Object.spec.template.spec.containers.resources{limits: {"cpu": "128M"}}}]}}}}`,
    object: deploy({}),
    want: deploy({
      replicas: 1,
      template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.14.2', ports: [{ containerPort: 80 }], resources: { limits: { cpu: '128M' } } }] } },
    }),
  },
  {
    name: 'change to atomic',
    expression: 'Object{spec: Object.spec{selector: Object.spec.selector{matchLabels: {"l": "v"}}}}',
    object: deploy({ replicas: 1 }),
    err: 'error applying patch: invalid ApplyConfiguration: may not mutate atomic arrays, maps or structs: .spec.selector',
  },
  {
    name: 'change to atomic with server-side apply',
    expression: 'Object{spec: Object.spec{selector: Object.spec.selector{matchLabels: {"l": "v"}}}}',
    object: deploy({ replicas: 1, selector: { matchLabels: { a: 'b' }, matchExpressions: [] } }),
    allowAtomics: true,
    want: deploy({ replicas: 1, selector: { matchLabels: { l: 'v' } } }),
  },
  {
    name: 'invalid type name',
    expression: 'Object{spec: Object.specx{replicas: 1}}',
    object: deploy({ replicas: 1 }),
    err: 'type mismatch: unexpected type name "Object.specx", expected "Object.spec", which matches field name path from root Object type',
  },
  {
    name: 'invalid field name',
    expression: 'Object{spec: Object.spec{replicasx: 1}}',
    object: deploy({ replicas: 1 }),
    err: 'error applying patch: failed to convert patch object to typed object: .spec.replicasx: field not declared in schema',
  },
  {
    name: 'duplicate env vars in the original object are kept',
    expression: 'Object{spec: Object.spec{replicas: 3}}',
    object: deploy({ replicas: 1, template: { spec: { containers: [{ name: 'nginx', env: [{ name: 'test', value: 'a' }, { name: 'test', value: 'b' }] }] } } }),
    want: deploy({ replicas: 3, template: { spec: { containers: [{ name: 'nginx', env: [{ name: 'test', value: 'a' }, { name: 'test', value: 'b' }] }] } } }),
  },
  {
    name: 'modifying a duplicated env var consolidates it',
    expression: wrap('containers: [Object.spec.template.spec.containers{name: "nginx", env: [Object.spec.template.spec.containers.env{name: "test", value: "c"}]}]'),
    object: deploy({
      replicas: 1,
      template: { spec: { containers: [{ name: 'nginx', env: [{ name: 'test', value: 'a' }, { name: 'test', value: 'b' }, { name: 'foo', value: 'bar' }] }] } },
    }),
    want: deploy({ replicas: 1, template: { spec: { containers: [{ name: 'nginx', env: [{ name: 'test', value: 'c' }, { name: 'foo', value: 'bar' }] }] } } }),
  },
];

for (const c of applyCases) {
  test(`ApplyConfiguration: ${c.name}`, () => {
    const r = run('apply', c.expression, c.object, c.oldObject ?? null, c.allowAtomics === true);
    if (c.err !== undefined) assert.deepEqual(r, { error: c.err });
    else assert.deepEqual(r, { object: c.want });
  });
}

test('ApplyConfiguration: the value must be a root Object', () => {
  assert.deepEqual(run('apply', '"teapot"', deploy({})), { error: 'unsupported return type from ApplyConfiguration expression: string' });
  assert.deepEqual(run('apply', 'Object.spec.metadata{}', deploy({})), { error: 'unsupported return type from ApplyConfiguration expression: Object.spec.metadata' });
});

test('ApplyConfiguration: no type converter for the group-version', () => {
  const p = env.compile(rewriteMessageSyntax('Object{metadata: Object.metadata{labels: {"a": "b"}}}'));
  if (isCelCompileError(p)) throw new Error(p.message);
  const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } };
  assert.deepEqual(applyConfigurationPatch(p.evaluate({ object: jsonToCel(widget) }), widget, builtinTypeConverter({ group: 'example.com', version: 'v1' }), false), {
    error: 'error applying patch: type converter must not be nil',
  });
});
