/**
 * Pod controller autogen of CEL policies. Expected values re-expressed from
 * kyverno/pkg/cel/autogen/replacement_test.go, support_test.go and
 * pkg/cel/policies/vpol/autogen/autogen_test.go (v1.19.1).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonObject } from '../api/json.ts';
import { autogenVariants, canAutogen, createMatchConstraints } from './autogen.ts';
import type { MatchResources } from './types.ts';

const podRule = { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] };

function rewrite(expr: string, controller: 'deployments' | 'cronjobs'): string {
  const spec: JsonObject = { matchConstraints: { resourceRules: [podRule] }, autogen: { podControllers: { controllers: [controller] } }, validations: [{ expression: expr }] };
  const v = autogenVariants(spec);
  assert.equal(v.length, 1);
  return String(((v[0]!.spec['validations'] as JsonObject[])[0] as JsonObject)['expression']);
}

const rewrites: Array<[string, 'deployments' | 'cronjobs', string]> = [
  ['object.spec', 'deployments', 'object.spec.template.spec'],
  ['oldObject.spec', 'deployments', 'oldObject.spec.template.spec'],
  ['object.spec', 'cronjobs', 'object.spec.jobTemplate.spec.template.spec'],
  ['oldObject.spec', 'cronjobs', 'oldObject.spec.jobTemplate.spec.template.spec'],
  ['object.metadata', 'deployments', 'object.spec.template.metadata'],
  ["object.metadata.labels['app']", 'deployments', "object.spec.template.metadata.labels['app']"],
  ['object.metadata.namespace', 'deployments', 'object.metadata.namespace'],
  ['oldObject.metadata.namespace', 'deployments', 'oldObject.metadata.namespace'],
  ['object.metadata.namespace', 'cronjobs', 'object.metadata.namespace'],
  ["!(object.metadata.namespace in ['opencost', 'kube-system'])", 'deployments', "!(object.metadata.namespace in ['opencost', 'kube-system'])"],
  [
    "object.metadata.namespace == 'foo' && object.metadata.labels['team'] == 'platform'",
    'deployments',
    "object.metadata.namespace == 'foo' && object.spec.template.metadata.labels['team'] == 'platform'",
  ],
  ['object.metadata.namespaceFoo', 'deployments', 'object.spec.template.metadata.namespaceFoo'],
  [
    'object.spec.containers.all(container, has(container.securityContext))',
    'cronjobs',
    'object.spec.jobTemplate.spec.template.spec.containers.all(container, has(container.securityContext))',
  ],
];

for (const [expr, controller, want] of rewrites) {
  test(`autogen rewrites ${expr} (${controller})`, () => assert.equal(rewrite(expr, controller), want));
}

const canCases: Array<[string, MatchResources | undefined, boolean]> = [
  ['nil match', undefined, false],
  ['pods only', { resourceRules: [podRule] }, true],
  ['object selector', { resourceRules: [podRule], objectSelector: { matchLabels: { a: 'b' } } }, false],
  ['empty object selector', { resourceRules: [podRule], objectSelector: {} }, true],
  ['exclusions', { resourceRules: [podRule], excludeResourceRules: [podRule] }, false],
  ['two rules', { resourceRules: [podRule, podRule] }, false],
  ['resource names', { resourceRules: [{ ...podRule, resourceNames: ['x'] }] }, false],
  ['other group', { resourceRules: [{ ...podRule, apiGroups: ['apps'] }] }, false],
  ['other version', { resourceRules: [{ ...podRule, apiVersions: ['v2'] }] }, false],
  ['two resources', { resourceRules: [{ ...podRule, resources: ['pods', 'services'] }] }, false],
  ['namespace selector is fine', { resourceRules: [podRule], namespaceSelector: { matchLabels: { a: 'b' } } }, true],
];

for (const [name, m, want] of canCases) {
  test(`canAutogen: ${name}`, () => assert.equal(canAutogen(m), want));
}

test('autogen: default controllers give cronjobs then defaults, with sorted targets and rules per group/version', () => {
  const spec: JsonObject = {
    matchConstraints: { resourceRules: [podRule], namespaceSelector: { matchLabels: { env: 'prod' } } },
    matchConditions: [{ name: 'prod', expression: "object.metadata.labels.prod == 'true'" }],
    validations: [{ expression: 'object.spec.hostNetwork == false', message: 'see object.spec' }],
  };
  const v = autogenVariants(spec);
  assert.deepEqual(
    v.map((x) => x.config),
    ['cronjobs', 'defaults'],
  );
  assert.deepEqual(v[0]!.spec['matchConstraints'], {
    resourceRules: [{ apiGroups: ['batch'], apiVersions: ['v1'], resources: ['cronjobs'], operations: ['CREATE', 'UPDATE'] }],
    namespaceSelector: { matchLabels: { env: 'prod' } },
  });
  assert.deepEqual(v[1]!.spec['matchConstraints'], {
    resourceRules: [
      { apiGroups: ['apps'], apiVersions: ['v1'], resources: ['daemonsets', 'deployments', 'replicasets', 'statefulsets'], operations: ['CREATE', 'UPDATE'] },
      { apiGroups: ['batch'], apiVersions: ['v1'], resources: ['jobs'], operations: ['CREATE', 'UPDATE'] },
    ],
    namespaceSelector: { matchLabels: { env: 'prod' } },
  });
  assert.deepEqual(
    v[1]!.targets.map((t) => t.kind),
    ['DaemonSet', 'Deployment', 'ReplicaSet', 'StatefulSet', 'Job'],
  );
  // every string of the spec is rewritten, messages and match conditions included
  assert.equal(((v[1]!.spec['matchConditions'] as JsonObject[])[0] as JsonObject)['expression'], "object.spec.template.metadata.labels.prod == 'true'");
  assert.equal(((v[1]!.spec['validations'] as JsonObject[])[0] as JsonObject)['message'], 'see object.spec.template.spec');
});

test('autogen: an explicit empty controller list disables it', () => {
  assert.deepEqual(autogenVariants({ matchConstraints: { resourceRules: [podRule] }, autogen: { podControllers: { controllers: [] } } }), []);
});

test('createMatchConstraints: no targets or no operations give none', () => {
  assert.equal(createMatchConstraints([], ['CREATE'], undefined), undefined);
  assert.equal(createMatchConstraints([{ group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment' }], [], undefined), undefined);
});
