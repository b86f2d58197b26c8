/**
 * MutatingPolicy pod-controller autogen. Expected values: Kyverno's mpol/autogen autogen_test.go
 * (TestConvertPodToTemplateExpression, compared without whitespace as upstream does) and the
 * pkg/cel/autogen rules (CanAutoGen, CreateMatchConstraints).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { autogenPolicies, canAutoGen, convertPodToTemplateExpression } from './autogen.ts';
import type { MutatingPolicy } from './types.ts';

const normalize = (s: string): string => s.replace(/\s+/g, '');

const conversions: Array<{ name: string; config: string; input: string; expected: string }> = [
  {
    name: 'deployment containers conversion',
    config: 'deployments',
    input: `Object{ spec: Object.spec{ containers: object.spec.containers.map(container, Object.spec.containers{ name: container.name,
      securityContext: Object.spec.containers.securityContext{ allowPrivilegeEscalation: false } }) } }`,
    expected: `Object{spec: Object.spec{ template: Object.spec.template{ spec: Object.spec.template.spec{
      containers: object.spec.template.spec.containers.map(container, Object.spec.template.spec.containers{ name: container.name,
      securityContext: Object.spec.template.spec.containers.securityContext{ allowPrivilegeEscalation: false } }) } }}}`,
  },
  {
    name: 'cronjob containers conversion',
    config: 'cronjobs',
    input: `Object{ spec: Object.spec{ containers: object.spec.containers.map(container, Object.spec.containers{ name: container.name }) } }`,
    expected: `Object{spec: Object.spec{jobTemplate: Object.spec.jobTemplate{spec: Object.spec.jobTemplate.spec{template: Object.spec.jobTemplate.spec.template{
      spec: Object.spec.jobTemplate.spec.template.spec{ containers: object.spec.jobTemplate.spec.template.spec.containers.map(container,
      Object.spec.jobTemplate.spec.template.spec.containers{ name: container.name }) } }}}}}`,
  },
  { name: 'namespaceObject labels not modified', config: 'deployments', input: `'istio.io/dataplane-mode' in namespaceObject.metadata.labels`, expected: `'istio.io/dataplane-mode' in namespaceObject.metadata.labels` },
  { name: 'namespaceObject spec not modified', config: 'cronjobs', input: 'namespaceObject.spec.containers', expected: 'namespaceObject.spec.containers' },
  { name: 'oldObject spec still modified', config: 'deployments', input: 'oldObject.spec.containers', expected: 'oldObject.spec.template.spec.containers' },
  {
    name: 'no containers in expression',
    config: 'deployments',
    input: `Object{ metadata: Object.metadata{ labels: Object.metadata.labels{ foo: "bar" } } }`,
    expected: `Object{spec: Object.spec{template: Object.spec.template{ metadata: Object.metadata{ labels: Object.spec.template.metadata.labels{ foo: "bar" } } }}}`,
  },
];

for (const c of conversions) {
  test(`convertPodToTemplateExpression: ${c.name}`, () => {
    assert.equal(normalize(convertPodToTemplateExpression(c.input, c.config)), normalize(c.expected));
  });
}

const podRule = { apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], operations: ['CREATE', 'UPDATE'] };

test('canAutoGen: only a single plain core/v1 pods rule', () => {
  assert.equal(canAutoGen({ resourceRules: [podRule] }), true);
  assert.equal(canAutoGen({ resourceRules: [podRule], namespaceSelector: { matchLabels: { a: 'b' } } }), true);
  assert.equal(canAutoGen({ resourceRules: [podRule], objectSelector: { matchLabels: { a: 'b' } } }), false);
  assert.equal(canAutoGen({ resourceRules: [{ ...podRule, resourceNames: ['x'] }] }), false);
  assert.equal(canAutoGen({ resourceRules: [{ ...podRule, resources: ['pods', 'services'] }] }), false);
  assert.equal(canAutoGen({ resourceRules: [podRule, podRule] }), false);
  assert.equal(canAutoGen({ resourceRules: [podRule], excludeResourceRules: [podRule] }), false);
  assert.equal(canAutoGen(undefined), false);
});

test('autogenPolicies: cronjobs then defaults, rules per group/version with the original operations', () => {
  const policy: MutatingPolicy = {
    apiVersion: 'policies.kyverno.io/v1beta1',
    kind: 'MutatingPolicy',
    metadata: { name: 'p' },
    spec: {
      matchConstraints: { resourceRules: [podRule], namespaceSelector: { matchLabels: { env: 'x' } } },
      matchConditions: [{ name: 'c', expression: 'object.spec.hostNetwork == false' }],
      mutations: [
        { patchType: 'ApplyConfiguration', applyConfiguration: { expression: 'Object{spec: Object.spec{hostNetwork: false}}' } },
        { patchType: 'JSONPatch', jsonPatch: { expression: '[JSONPatch{op: "remove", path: "/spec/x"}]' } },
      ],
    },
  };
  const out = autogenPolicies(policy);
  assert.equal(out.length, 2);
  assert.deepEqual(out[0]!.spec?.matchConstraints, {
    namespaceSelector: { matchLabels: { env: 'x' } },
    resourceRules: [{ apiGroups: ['batch'], apiVersions: ['v1'], resources: ['cronjobs'], operations: ['CREATE', 'UPDATE'] }],
  });
  assert.deepEqual(out[1]!.spec?.matchConstraints?.resourceRules, [
    { apiGroups: ['apps'], apiVersions: ['v1'], resources: ['daemonsets', 'deployments', 'replicasets', 'statefulsets'], operations: ['CREATE', 'UPDATE'] },
    { apiGroups: ['batch'], apiVersions: ['v1'], resources: ['jobs'], operations: ['CREATE', 'UPDATE'] },
  ]);
  assert.equal(out[1]!.spec?.matchConditions?.[0]?.expression, 'object.spec.template.spec.hostNetwork == false');
  assert.equal(out[1]!.spec?.mutations?.[0]?.applyConfiguration?.expression, 'Object{spec: Object.spec{template: Object.spec.template{spec: Object.spec.template.spec{hostNetwork: false}}}}');
  // JSONPatch expressions are not rewritten
  assert.equal(out[1]!.spec?.mutations?.[1]?.jsonPatch?.expression, '[JSONPatch{op: "remove", path: "/spec/x"}]');
  // the original is untouched
  assert.equal(policy.spec?.matchConditions?.[0]?.expression, 'object.spec.hostNetwork == false');
});

test('autogenPolicies: podControllers selects the controllers', () => {
  const out = autogenPolicies({
    metadata: { name: 'p' },
    spec: { matchConstraints: { resourceRules: [podRule] }, autogen: { podControllers: { controllers: ['deployments'] } } },
  });
  assert.equal(out.length, 1);
  assert.deepEqual(out[0]!.spec?.matchConstraints?.resourceRules, [{ apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments'], operations: ['CREATE', 'UPDATE'] }]);
  assert.deepEqual(autogenPolicies({ metadata: { name: 'p' }, spec: { matchConstraints: { resourceRules: [podRule] }, autogen: { podControllers: { controllers: [] } } } }), []);
});
