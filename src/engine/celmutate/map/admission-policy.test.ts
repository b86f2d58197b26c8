/**
 * MutatingAdmissionPolicy evaluation offline. Expected values: Kyverno pkg/admissionpolicy mutate.go
 * (no bindings: the policy's constraints; bindings: their matchResources and params, evaluated in turn;
 * match conditions false -> skip "match conditions aren't met"; failures leave no result; pass "mutation
 * is successfully applied" named after the policy) and the deduced type converter (maps merge, lists are
 * replaced).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonObject } from '../../api/json.ts';
import { policyEnvironment } from '../common/program.ts';
import type { AdmissionAttributes } from '../common/admission.ts';
import { applyMutatingAdmissionPolicy, MapCompiler, type MutatingAdmissionPolicy, type MutatingAdmissionPolicyBinding } from './admission-policy.ts';

const compiler = new MapCompiler((hasParams) => policyEnvironment({ namespaced: false, ...(hasParams ? { variables: { params: 'dyn' } } : {}) }));

const deployment: JsonObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'test-deployment', namespace: 'default', labels: { app: 'test' } },
  spec: { replicas: 1, template: { spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
};
const attr: AdmissionAttributes = {
  object: deployment,
  oldObject: null,
  kind: { group: 'apps', version: 'v1', kind: 'Deployment' },
  resource: { group: 'apps', version: 'v1', resource: 'deployments' },
  subresource: '',
  namespace: 'default',
  name: 'test-deployment',
  operation: 'CREATE',
};
const deployments = { resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments'], operations: ['CREATE'] }] };

function map(name: string, spec: MutatingAdmissionPolicy['spec']): MutatingAdmissionPolicy {
  return { metadata: { name }, spec };
}
function binding(name: string, spec: MutatingAdmissionPolicyBinding['spec']): MutatingAdmissionPolicyBinding {
  return { metadata: { name }, spec };
}

test('MAP without bindings: constraints decide, maps merge, lists are replaced', () => {
  const policy = map('p', {
    matchConstraints: deployments,
    mutations: [
      {
        patchType: 'ApplyConfiguration',
        applyConfiguration: { expression: 'Object{metadata: Object.metadata{labels: {"x": "y"}}, spec: Object.spec{template: Object.spec.template{spec: Object.spec.template.spec{containers: [Object.spec.template.spec.containers{name: "d"}]}}}}' },
      },
    ],
  });
  const r = applyMutatingAdmissionPolicy(compiler, { policy, bindings: [], attr, namespaceLabels: {}, params: [] });
  assert.deepEqual(r?.rule, { name: 'p', ruleType: 'Mutation', status: 'pass', message: 'mutation is successfully applied' });
  assert.deepEqual(r?.patched, {
    ...deployment,
    metadata: { name: 'test-deployment', namespace: 'default', labels: { app: 'test', x: 'y' } },
    spec: { replicas: 1, template: { spec: { containers: [{ name: 'd' }] } } },
  });
  const pods = map('pods', { matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], operations: ['CREATE'] }] } });
  assert.equal(applyMutatingAdmissionPolicy(compiler, { policy: pods, bindings: [], attr, namespaceLabels: {}, params: [] }), undefined);
});

test('MAP match conditions: false skips; errors drop the result unless failurePolicy Ignore', () => {
  const skip = map('p', { matchConstraints: deployments, matchConditions: [{ name: 'n', expression: 'false' }] });
  assert.deepEqual(applyMutatingAdmissionPolicy(compiler, { policy: skip, bindings: [], attr, namespaceLabels: {}, params: [] })?.rule, {
    name: 'p',
    ruleType: 'Mutation',
    status: 'skip',
    message: "match conditions aren't met",
  });
  const broken = (fp?: string) => map('p', { matchConstraints: deployments, ...(fp ? { failurePolicy: fp } : {}), matchConditions: [{ name: 'n', expression: 'object.spec.nope == 1' }] });
  assert.equal(applyMutatingAdmissionPolicy(compiler, { policy: broken(), bindings: [], attr, namespaceLabels: {}, params: [] }), undefined);
  assert.equal(applyMutatingAdmissionPolicy(compiler, { policy: broken('Ignore'), bindings: [], attr, namespaceLabels: {}, params: [] })?.rule.status, 'skip');
});

test('MAP bindings: params by name, by selector (as a list); the policy constraints are not consulted offline', () => {
  const byName = map('p', {
    paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
    mutations: [{ patchType: 'ApplyConfiguration', applyConfiguration: { expression: 'Object{spec: Object.spec{replicas: int(params.data.replicas)}}' } }],
  });
  const params: JsonObject[] = [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'replica-params', namespace: 'default', labels: { type: 'param' } }, data: { replicas: '10' } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'label-params', namespace: 'default', labels: { type: 'param' } }, data: { mentorship: 'kyverno' } },
  ];
  const b = binding('b', { policyName: 'p', paramRef: { name: 'replica-params', namespace: 'default' }, matchResources: deployments });
  const r = applyMutatingAdmissionPolicy(compiler, { policy: byName, bindings: [b], attr, namespaceLabels: {}, params });
  assert.deepEqual(r?.rule, { name: 'p', ruleType: 'Mutation', status: 'pass', message: 'mutation is successfully applied', properties: { mapBinding: 'b' } });
  assert.equal((r?.patched?.['spec'] as JsonObject)['replicas'], 10);

  const bySelector = map('p', {
    mutations: [
      {
        patchType: 'ApplyConfiguration',
        applyConfiguration: { expression: 'Object{spec: Object.spec{replicas: int(params.items[0].data.replicas)}, metadata: Object.metadata{labels: {"m": params.items[1].data.mentorship}}}' },
      },
    ],
  });
  const sel = binding('s', { policyName: 'p', paramRef: { namespace: 'default', selector: { matchLabels: { type: 'param' } } } });
  const r2 = applyMutatingAdmissionPolicy(compiler, { policy: bySelector, bindings: [sel], attr, namespaceLabels: {}, params });
  assert.deepEqual(r2?.patched?.['metadata'], { name: 'test-deployment', namespace: 'default', labels: { app: 'test', m: 'kyverno' } });

  const pods = binding('x', { policyName: 'p', matchResources: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], operations: ['CREATE'] }] } });
  assert.equal(applyMutatingAdmissionPolicy(compiler, { policy: bySelector, bindings: [pods], attr, namespaceLabels: {}, params }), undefined);
});

test('MAP: a failing mutation leaves no result', () => {
  const policy = map('p', { matchConstraints: deployments, mutations: [{ patchType: 'JSONPatch', jsonPatch: { expression: '[JSONPatch{op: "remove", path: "/spec/nope"}]' } }] });
  assert.equal(applyMutatingAdmissionPolicy(compiler, { policy, bindings: [], attr, namespaceLabels: {}, params: [] }), undefined);
});
