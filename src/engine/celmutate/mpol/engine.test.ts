/**
 * The MutatingPolicy engine. Expected values: Kyverno pkg/cel/policies/mpol/engine engine.go
 * (`handlePolicy` responses: pass "success" with rule name '', skip "skip", `evaluation` error "failed to
 * evaluate policy: ...", `match` error, `exception` responses with the priority label) and
 * compiler/policy.go (evaluation order, `object` rebound after each mutation, audit annotations), as
 * exercised by its engine_test.go / policy_test.go.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonObject } from '../../api/json.ts';
import { policyEnvironment } from '../common/program.ts';
import type { AdmissionAttributes } from '../common/admission.ts';
import type { CelPolicyException } from '../common/types.ts';
import { builtinTypeConverter } from '../ssa/schema.ts';
import { evaluateMutatingPoliciesOnTarget, handleMutatingPolicies } from './engine.ts';
import { compileMutatingPolicy, evaluateTargetExpression, type CompiledMutatingPolicy } from './policy.ts';
import type { MutatingPolicy } from './types.ts';

const env = policyEnvironment({ namespaced: false });

function compile(p: MutatingPolicy, exceptions: CelPolicyException[] = []): CompiledMutatingPolicy {
  const c = compileMutatingPolicy(env, p, exceptions);
  if ('errors' in c) throw new Error(c.errors.aggregate());
  return c;
}

const deployment: JsonObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'dev', labels: { app: 'web' } },
  spec: { replicas: 1, template: { spec: { containers: [{ name: 'nginx', image: 'nginx' }] } } },
};

const attr = (object: JsonObject, operation = 'CREATE'): AdmissionAttributes => ({
  object,
  oldObject: null,
  kind: { group: 'apps', version: 'v1', kind: 'Deployment' },
  resource: { group: 'apps', version: 'v1', resource: 'deployments' },
  subresource: '',
  namespace: 'dev',
  name: 'web',
  operation,
});

const deployments = { resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments'], operations: ['CREATE', 'UPDATE'] }] };

function policy(name: string, spec: MutatingPolicy['spec']): MutatingPolicy {
  return { apiVersion: 'policies.kyverno.io/v1beta1', kind: 'MutatingPolicy', metadata: { name }, spec };
}

const input = (a: AdmissionAttributes) => ({ attr: a, ports: {}, typeConverter: () => builtinTypeConverter({ group: 'apps', version: 'v1' }) });

test('mpol engine: pass "success" and the patched object; later policies see it', () => {
  const p1 = compile(policy('labels', { matchConstraints: deployments, mutations: [{ patchType: 'ApplyConfiguration', applyConfiguration: { expression: 'Object{metadata: Object.metadata{labels: {"team": "a"}}}' } }] }));
  const p2 = compile(
    policy('replicas', {
      matchConstraints: deployments,
      matchConditions: [{ name: 'labelled', expression: 'object.metadata.labels.team == "a"' }],
      mutations: [{ patchType: 'JSONPatch', jsonPatch: { expression: '[JSONPatch{op: "replace", path: "/spec/replicas", value: 3}]' } }],
    }),
  );
  const r = handleMutatingPolicies([p1, p2], input(attr(deployment)), undefined);
  assert.deepEqual(
    r.policies.map((p) => p.rules),
    [[{ name: '', ruleType: 'Mutation', status: 'pass', message: 'success' }], [{ name: '', ruleType: 'Mutation', status: 'pass', message: 'success' }]],
  );
  assert.deepEqual(r.patchedResource, {
    ...deployment,
    metadata: { name: 'web', namespace: 'dev', labels: { app: 'web', team: 'a' } },
    spec: { replicas: 3, template: { spec: { containers: [{ name: 'nginx', image: 'nginx' }] } } },
  });
  assert.equal(r.resource, deployment);
});

test('mpol engine: not matched -> no rules; match conditions false -> skip', () => {
  const other = compile(policy('pods', { matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], operations: ['CREATE'] }] } }));
  const cond = compile(policy('cond', { matchConstraints: deployments, matchConditions: [{ name: 'no', expression: 'false' }] }));
  const r = handleMutatingPolicies([other, cond], input(attr(deployment)), undefined);
  assert.deepEqual(r.policies.map((p) => p.rules), [[], [{ name: '', ruleType: 'Mutation', status: 'skip', message: 'skip' }]]);
  assert.equal(r.patchedResource, undefined);
});

test('mpol engine: evaluation errors', () => {
  const p = compile(policy('broken', { matchConstraints: deployments, mutations: [{ patchType: 'JSONPatch', jsonPatch: { expression: '[JSONPatch{op: "remove", path: "/spec/missing"}]' } }] }));
  const r = handleMutatingPolicies([p], input(attr(deployment)), undefined);
  assert.deepEqual(r.policies[0]!.rules, [
    { name: 'evaluation', ruleType: 'Mutation', status: 'error', message: "failed to evaluate policy: JSON Patch: error in remove for path: '/spec/missing': Unable to remove nonexistent key: missing: missing value" },
  ]);
  const c = compile(policy('cond-error', { matchConstraints: deployments, matchConditions: [{ name: 'a', expression: 'object.spec.x == 1' }, { name: 'b', expression: 'object.spec.y == 1' }] }));
  assert.deepEqual(handleMutatingPolicies([c], input(attr(deployment)), undefined).policies[0]!.rules, [
    { name: 'evaluation', ruleType: 'Mutation', status: 'error', message: 'failed to evaluate policy: no such key: x; no such key: y' },
  ]);
});

test('mpol engine: exceptions (skip by default, pass when the highest priority asks for it)', () => {
  const ex = (name: string, reportResult?: string, priority?: string): CelPolicyException => ({
    metadata: { name, namespace: 'dev', ...(priority ? { labels: { 'polex.kyverno.io/priority': priority } } : {}) },
    spec: { policyRefs: [{ name: 'p', kind: 'MutatingPolicy' }], matchConditions: [{ name: 'dev', expression: 'object.metadata.namespace == "dev"' }], ...(reportResult ? { reportResult } : {}) },
  });
  const spec = { matchConstraints: deployments, mutations: [{ patchType: 'JSONPatch', jsonPatch: { expression: '[JSONPatch{op: "add", path: "/spec/paused", value: true}]' } }] };
  let r = handleMutatingPolicies([compile(policy('p', spec), [ex('a')])], input(attr(deployment)), undefined);
  assert.deepEqual(r.policies[0]!.rules, [{ name: 'exception', ruleType: 'Mutation', status: 'skip', message: 'rule is skipped due to policy exception: dev/a', exceptions: ['dev/a'] }]);
  r = handleMutatingPolicies([compile(policy('p', spec), [ex('a', 'skip', '1'), ex('b', 'pass', '5')])], input(attr(deployment)), undefined);
  assert.deepEqual(r.policies[0]!.rules, [
    { name: 'exception', ruleType: 'Mutation', status: 'pass', message: 'rule is passed due to policy exception: dev/a, dev/b', exceptions: ['dev/a', 'dev/b'] },
  ]);
});

test('mpol engine: audit annotations become properties; empty values are dropped', () => {
  const p = compile(
    policy('audit', {
      matchConstraints: deployments,
      auditAnnotations: [
        { key: 'replicas', valueExpression: 'string(object.spec.replicas)' },
        { key: 'empty', valueExpression: '""' },
      ],
      mutations: [{ patchType: 'JSONPatch', jsonPatch: { expression: '[JSONPatch{op: "replace", path: "/spec/replicas", value: 2}]' } }],
    }),
  );
  const r = handleMutatingPolicies([p], input(attr(deployment)), undefined);
  assert.deepEqual(r.policies[0]!.rules, [{ name: '', ruleType: 'Mutation', status: 'pass', message: 'success', properties: { replicas: '2' } }]);
});

test('mpol engine: request.object keeps the admitted object, object follows the mutations; oldObject is {} on CREATE', () => {
  const p = compile(
    policy('chain', {
      matchConstraints: deployments,
      mutations: [
        { patchType: 'JSONPatch', jsonPatch: { expression: '[JSONPatch{op: "replace", path: "/spec/replicas", value: 5}]' } },
        {
          patchType: 'JSONPatch',
          jsonPatch: {
            expression:
              '[JSONPatch{op: "add", path: "/metadata/annotations", value: {"now": string(object.spec.replicas), "was": string(request.object.spec.replicas), "old": string(oldObject == {})}}]',
          },
        },
      ],
    }),
  );
  const r = handleMutatingPolicies([p], input(attr(deployment)), undefined);
  assert.deepEqual((r.patchedResource!['metadata'] as JsonObject)['annotations'], { now: '5', was: '1', old: 'true' });
});

test('mpol targets: target match conditions and the target expression', () => {
  const p = compile(
    policy('existing', {
      matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'], operations: ['CREATE'] }] },
      targetMatchConstraints: { expression: 'resource.List("apps/v1", "deployments", "dev")' },
      targetMatchConditions: [{ name: 'web', expression: 'object.metadata.name == "web"' }],
      evaluation: { mutateExisting: { enabled: true } },
      mutations: [{ patchType: 'ApplyConfiguration', applyConfiguration: { expression: 'Object{metadata: Object.metadata{labels: {"touched": request.object.metadata.name}}}' } }],
    }),
  );
  const trigger = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'dev' } };
  const list = { items: [deployment, { ...deployment, metadata: { name: 'api', namespace: 'dev' } }] };
  const keys = evaluateTargetExpression(p, trigger, { resource: { get: () => ({}), list: () => list, post: () => ({}), toGvr: () => ({ group: '', version: '', resource: '' }) } });
  assert.deepEqual(keys, new Set(['dev/web', 'dev/api']));
  const triggerAttr: AdmissionAttributes = { ...attr(trigger), kind: { group: '', version: 'v1', kind: 'ConfigMap' }, resource: { group: '', version: 'v1', resource: 'configmaps' }, name: 'cm' };
  const targetAttr = { ...attr(deployment, ''), oldObject: null };
  const r = evaluateMutatingPoliciesOnTarget([p], input(targetAttr), triggerAttr, () => true);
  assert.deepEqual(r.policies[0]!.rules, [{ name: '', ruleType: 'Mutation', status: 'pass', message: 'success' }]);
  assert.deepEqual((r.patchedResource!['metadata'] as JsonObject)['labels'], { app: 'web', touched: 'cm' });
  const other = evaluateMutatingPoliciesOnTarget([p], input({ ...targetAttr, object: { ...deployment, metadata: { name: 'api', namespace: 'dev' } } }), triggerAttr, () => true);
  assert.deepEqual(other.policies[0]!.rules, [{ name: '', ruleType: 'Mutation', status: 'skip', message: 'skip' }]);
});

test('mpol compile: field errors', () => {
  const c = compileMutatingPolicy(env, policy('bad', { mutations: [{ patchType: 'ApplyConfiguration', applyConfiguration: { expression: '[JSONPatch{op: "add"}]' } }] }), []);
  assert.ok('errors' in c);
  assert.equal(c.errors.aggregate(), 'spec.mutations[0].applyConfiguration.expression: Invalid value: "[JSONPatch{op: \\"add\\"}]": output is expected to be of type Object');
  const t = compileMutatingPolicy(env, policy('bad', { targetMatchConstraints: { expression: '"x"' } }), []);
  assert.ok('errors' in t);
  assert.equal(t.errors.aggregate(), 'spec.targetMatchConstraints.expression: Invalid value: "\\"x\\"": output type must be a map');
});
