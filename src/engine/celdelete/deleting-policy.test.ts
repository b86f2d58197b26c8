/**
 * DeletingPolicy evaluation. Expected values: Kyverno's dpol engine/engine_test.go (valid policy, nil
 * constraints, namespace selector on Namespace objects, object selector, mapping errors) and
 * compiler/policy_test.go (conditions, exceptions, errors).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonObject } from '../api/json.ts';
import { policyEnvironment } from '../celmutate/common/program.ts';
import type { CelPolicyException } from '../celmutate/common/types.ts';
import { compileDeletingPolicy, handleDeletingPolicy, type DeletingPolicy, type DeletingResult } from './deleting-policy.ts';

const env = policyEnvironment({ namespaced: false });

function handle(policy: DeletingPolicy, object: JsonObject, opts: { exceptions?: CelPolicyException[]; resource?: string; namespaces?: Record<string, JsonObject> } = {}): DeletingResult {
  const c = compileDeletingPolicy(env, policy, opts.exceptions ?? []);
  if ('errors' in c) throw new Error(c.errors.aggregate());
  return handleDeletingPolicy(c, {
    object,
    mapping: opts.resource ? { resource: opts.resource } : { error: 'no matches for kind' },
    namespace: (n) => opts.namespaces?.[n],
    ports: {},
  });
}

const deployments = { resourceRules: [{ operations: ['*'], apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments'] }] };
const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'nginx', namespace: 'default' } };

test('dpol: matching policy with a true condition', () => {
  assert.deepEqual(handle({ metadata: { name: 'p' }, spec: { matchConstraints: deployments, conditions: [{ name: 'always-true', expression: 'true' }] } }, deployment, { resource: 'deployments' }), {
    matched: true,
    policyMatched: true,
  });
});

test('dpol: operations in the rules do not matter', () => {
  const rules = { resourceRules: [{ operations: ['DELETE'], apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments'] }] };
  assert.deepEqual(handle({ spec: { matchConstraints: rules, conditions: [{ name: 'c', expression: 'object.metadata.name == "nginx"' }] } }, deployment, { resource: 'deployments' }), {
    matched: true,
    policyMatched: true,
  });
});

test('dpol: nil constraints never match', () => {
  assert.deepEqual(handle({ spec: {} }, deployment, { resource: 'deployments' }), { matched: false, policyMatched: false });
});

test('dpol: a REST mapping error is the outcome', () => {
  assert.deepEqual(handle({ spec: { matchConstraints: deployments } }, deployment), { error: 'no matches for kind' });
});

test('dpol: conditions false -> selected but not matched; errors are the outcome', () => {
  const p = (expr: string): DeletingPolicy => ({ spec: { matchConstraints: deployments, conditions: [{ name: 'c', expression: expr }] } });
  assert.deepEqual(handle(p('false'), deployment, { resource: 'deployments' }), { matched: false, policyMatched: true });
  assert.deepEqual(handle(p('object.spec.replicas > 1'), deployment, { resource: 'deployments' }), { error: 'no such key: spec' });
});

test('dpol: Namespace objects match the namespace selector on their own labels', () => {
  const policy: DeletingPolicy = {
    spec: {
      matchConstraints: {
        resourceRules: [{ operations: ['*'], apiGroups: [''], apiVersions: ['v1'], resources: ['namespaces'] }],
        namespaceSelector: { matchExpressions: [{ key: 'project-name', operator: 'Exists' }] },
      },
      conditions: [{ name: 'always-true', expression: 'true' }],
    },
  };
  const ns = (name: string, labels?: Record<string, string>): JsonObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, ...(labels ? { labels } : {}) } });
  assert.deepEqual(handle(policy, ns('my-ns', { 'project-name': 'p' }), { resource: 'namespaces' }), { matched: true, policyMatched: true });
  assert.deepEqual(handle(policy, ns('kube-system'), { resource: 'namespaces' }), { matched: false, policyMatched: false });
});

test('dpol: object selector', () => {
  const policy: DeletingPolicy = {
    spec: {
      matchConstraints: { ...deployments, objectSelector: { matchLabels: { app: 'x' } } },
      conditions: [{ name: 'always-true', expression: 'true' }],
    },
  };
  assert.deepEqual(handle(policy, deployment, { resource: 'deployments' }), { matched: false, policyMatched: false });
  assert.deepEqual(handle(policy, { ...deployment, metadata: { ...deployment.metadata, labels: { app: 'x' } } }, { resource: 'deployments' }), { matched: true, policyMatched: true });
});

test('dpol: namespaceObject comes from the resolver', () => {
  const policy: DeletingPolicy = { spec: { matchConstraints: deployments, conditions: [{ name: 'c', expression: 'namespaceObject.metadata.labels.env == "dev"' }] } };
  const namespaces = { default: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default', labels: { env: 'dev' } } } };
  assert.deepEqual(handle(policy, deployment, { resource: 'deployments', namespaces }), { matched: true, policyMatched: true });
});

test('dpol: exceptions whose conditions hold exempt the object; their errors are the outcome', () => {
  const policy: DeletingPolicy = { metadata: { name: 'p' }, spec: { matchConstraints: deployments, conditions: [{ name: 'c', expression: 'true' }] } };
  const ex = (expr: string): CelPolicyException => ({ metadata: { name: 'ex' }, spec: { policyRefs: [{ name: 'p', kind: 'DeletingPolicy' }], matchConditions: [{ name: 'm', expression: expr }] } });
  assert.deepEqual(handle(policy, deployment, { resource: 'deployments', exceptions: [ex('true')] }), { matched: false, policyMatched: true });
  assert.deepEqual(handle(policy, deployment, { resource: 'deployments', exceptions: [ex('false')] }), { matched: true, policyMatched: true });
  assert.deepEqual(handle(policy, deployment, { resource: 'deployments', exceptions: [ex('object.spec.x == 1')] }), { error: 'no such key: spec' });
});

test('dpol: variables are lazy and shared by conditions', () => {
  const policy: DeletingPolicy = {
    spec: {
      matchConstraints: deployments,
      variables: [
        { name: 'name', expression: 'object.metadata.name' },
        { name: 'broken', expression: 'object.spec.x' },
      ],
      conditions: [{ name: 'c', expression: 'variables.name == "nginx"' }],
    },
  };
  assert.deepEqual(handle(policy, deployment, { resource: 'deployments' }), { matched: true, policyMatched: true });
});

test('dpol: compile errors carry the placeholder and the field error', () => {
  const c = compileDeletingPolicy(env, { spec: { conditions: [{ name: 'c', expression: '1 + ' }] } }, []);
  assert.ok('errors' in c);
  const agg = c.errors.aggregate();
  assert.ok(agg.startsWith('[<nil>: Internal error: deleting policy compiler 1.18 error: failed to compile policy, spec.conditions[0].expression: Invalid value: "1 + ": '), agg);
});
