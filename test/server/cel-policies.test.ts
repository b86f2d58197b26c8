/**
 * The CEL policy kinds on the admission server (in process, over HTTP): ValidatingPolicy and
 * NamespacedValidatingPolicy on /vpol and /nvpol (Deny, Warn, Audit), MutatingPolicy and
 * NamespacedMutatingPolicy on /mpol and /nmpol (JSON patch), loaded from files as `serve --standalone`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonObject } from '../../src/engine/api/json.ts';
import { PolicyLoadError } from '../../src/server/sources/static-policies.ts';
import { admissionReview, decodePatch, pod, startTestServer } from './harness.ts';

const vpol = (name: string, actions: string, extra = ''): string => `
apiVersion: policies.kyverno.io/v1beta1
kind: ValidatingPolicy
metadata:
  name: ${name}
spec:
  validationActions: ${actions}
  matchConstraints:
    resourceRules:
    - apiGroups: [""]
      apiVersions: [v1]
      operations: [CREATE, UPDATE]
      resources: [configmaps]
  validations:
  - expression: "has(object.metadata.labels) && 'team' in object.metadata.labels"
    message: team label required
${extra}`;

const POLICIES = [
  vpol('deny-team', '[Deny]'),
  vpol('warn-team', '[Warn]'),
  vpol('audit-team', '[Audit]'),
  `
apiVersion: policies.kyverno.io/v1beta1
kind: NamespacedValidatingPolicy
metadata:
  name: ns-deny
  namespace: prod
spec:
  validationActions: [Deny]
  matchConstraints:
    resourceRules:
    - apiGroups: [""]
      apiVersions: [v1]
      operations: [CREATE]
      resources: [configmaps]
  validations:
  - expression: "object.data.size() < 2"
    message: too much data
`,
  `
apiVersion: policies.kyverno.io/v1beta1
kind: MutatingPolicy
metadata:
  name: add-labels
spec:
  matchConstraints:
    resourceRules:
    - apiGroups: [""]
      apiVersions: [v1]
      operations: [CREATE]
      resources: [configmaps]
  mutations:
  - patchType: ApplyConfiguration
    applyConfiguration:
      expression: >
        Object{
          metadata: Object.metadata{
            labels: Object.metadata.labels{
              foo: "bar"
            }
          }
        }
`,
  `
apiVersion: policies.kyverno.io/v1beta1
kind: NamespacedMutatingPolicy
metadata:
  name: ns-annotate
  namespace: prod
spec:
  matchConstraints:
    resourceRules:
    - apiGroups: [""]
      apiVersions: [v1]
      operations: [CREATE]
      resources: [configmaps]
  mutations:
  - patchType: JSONPatch
    jsonPatch:
      expression: >
        [JSONPatch{op: "add", path: "/data/added", value: "yes"}]
`,
].join('\n---\n');

const configMap = (name: string, namespace: string, labels: JsonObject = {}, data: JsonObject = { a: '1' }): JsonObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace, uid: `uid-${name}`, labels },
  data,
});

const cmReview = (object: JsonObject, operation = 'CREATE'): JsonObject =>
  admissionReview({ object, operation, resource: { group: '', version: 'v1', resource: 'configmaps' } });

test('serve: ValidatingPolicy on /vpol: Deny denies with Kyverno message, Warn warns, Audit admits and is recorded', async () => {
  const s = await startTestServer({ policies: POLICIES, resources: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: prod\n' });
  try {
    const cases: Array<{ name: string; path: string; object: JsonObject; allowed: boolean; message?: string; warnings?: string[] }> = [
      { name: 'deny fails', path: '/vpol/deny-team', object: configMap('a', 'default'), allowed: false, message: 'Policy deny-team failed: team label required' },
      { name: 'deny passes', path: '/vpol/deny-team', object: configMap('b', 'default', { team: 'x' }), allowed: true },
      { name: 'warn fails', path: '/vpol/warn-team', object: configMap('c', 'default'), allowed: true, warnings: ['Policy warn-team failed: team label required'] },
      { name: 'audit fails', path: '/vpol/audit-team', object: configMap('d', 'default'), allowed: true },
      {
        name: 'several policies on one path',
        path: '/vpol/audit-team/deny-team/warn-team',
        object: configMap('e', 'default'),
        allowed: false,
        message: 'Policy deny-team failed: team label required',
        warnings: ['Policy warn-team failed: team label required'],
      },
      { name: 'a path naming no loaded policy', path: '/vpol/unknown', object: configMap('f', 'default'), allowed: true },
      { name: 'namespaced policy of the namespace', path: '/nvpol/ns-deny', object: configMap('g', 'prod', {}, { a: '1', b: '2' }), allowed: false, message: 'Policy ns-deny failed: too much data' },
      { name: 'namespaced policy of another namespace', path: '/nvpol/ns-deny', object: configMap('h', 'default', {}, { a: '1', b: '2' }), allowed: true },
      { name: 'cluster path ignores namespaced policies', path: '/vpol/ns-deny', object: configMap('i', 'prod', {}, { a: '1', b: '2' }), allowed: true },
      { name: 'not matched (pods)', path: '/vpol/deny-team', object: pod('p'), allowed: true },
    ];
    for (const c of cases) {
      const review = c.object['kind'] === 'Pod' ? admissionReview({ object: c.object }) : cmReview(c.object);
      const r = await s.review(c.path, review);
      assert.equal(r.allowed, c.allowed, c.name);
      assert.equal(r.status?.message, c.message, c.name);
      assert.deepEqual(r.warnings, c.warnings, c.name);
    }
    // Audit and Warn evaluations go to reports; requests meeting a Deny policy do not (Kyverno's audit step)
    const recorded = s.reports.records.flatMap((rec) => rec.results.map((x) => `${rec.resource.name}:${x.policy}:${x.result}`));
    assert.deepEqual(recorded, ['c:warn-team:fail', 'd:audit-team:fail']);
  } finally {
    await s.close();
  }
});

test('serve: MutatingPolicy on /mpol and /nmpol answers with the JSON patch', async () => {
  const s = await startTestServer({ policies: POLICIES });
  try {
    const cases: Array<{ name: string; path: string; object: JsonObject; patch: unknown }> = [
      { name: 'apply configuration adds a label', path: '/mpol/add-labels', object: configMap('a', 'default'), patch: [{ op: 'add', path: '/metadata/labels/foo', value: 'bar' }] },
      { name: 'already labelled: no patch', path: '/mpol/add-labels', object: configMap('b', 'default', { foo: 'bar' }), patch: null },
      { name: 'namespaced policy, its namespace', path: '/nmpol/ns-annotate', object: configMap('c', 'prod'), patch: [{ op: 'add', path: '/data/added', value: 'yes' }] },
      { name: 'namespaced policy, another namespace', path: '/nmpol/ns-annotate', object: configMap('d', 'default'), patch: null },
      { name: 'no names in the path', path: '/mpol/', object: configMap('e', 'default'), patch: null },
    ];
    for (const c of cases) {
      const r = await s.review(c.path, cmReview(c.object));
      assert.equal(r.allowed, true, c.name);
      assert.deepEqual(decodePatch(r.patch), c.patch, c.name);
      if (c.patch !== null) assert.equal(r.patchType, 'JSONPatch', c.name);
    }
    const recorded = s.reports.records.filter((rec) => rec.source === 'mutation').map((rec) => `${rec.resource.name}:${rec.results.map((x) => `${x.policy}:${x.result}`).join(',')}`);
    assert.deepEqual(recorded, ['a:add-labels:pass', 'b:add-labels:pass', 'c:ns-annotate:pass']);
  } finally {
    await s.close();
  }
});

test('serve --standalone: CEL policies that do not compile, and CEL kinds not served, fail the load', async () => {
  const cases = [
    { name: 'bad expression', yaml: vpol('broken', '[Deny]').replace("has(object.metadata.labels) && 'team' in object.metadata.labels", 'object.metadata.labels ++'), want: /ValidatingPolicy\/broken: failed to compile policy broken/ },
    { name: 'generating policy', yaml: 'apiVersion: policies.kyverno.io/v1beta1\nkind: GeneratingPolicy\nmetadata:\n  name: g\nspec:\n  matchConstraints:\n    resourceRules:\n    - apiGroups: [""]\n      apiVersions: [v1]\n      operations: [CREATE]\n      resources: [namespaces]\n  generate:\n  - expression: "true"\n', want: /GeneratingPolicy is not supported by the admission server/ },
  ];
  for (const c of cases) {
    await assert.rejects(startTestServer({ policies: c.yaml }), (err: unknown) => err instanceof PolicyLoadError && c.want.test(err.message), c.name);
  }
});
