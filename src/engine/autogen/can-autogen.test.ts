import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canAutoGen, podControllerAutoGenExclusion, validateAutogenAnnotation } from './can-autogen.ts';
import type { KyvernoPolicy } from '../api/policy.ts';

const DEFAULTS = ['CronJob', 'DaemonSet', 'Deployment', 'Job', 'ReplicaSet', 'ReplicationController', 'StatefulSet'];

/** Kyverno's test turns a false result into {none}; we check both the flag and that view. */
function controllersView(json: string): string[] {
  const policy = JSON.parse(json) as KyvernoPolicy;
  const { applyAutoGen, controllers } = canAutoGen(policy.spec);
  return applyAutoGen ? [...controllers].sort() : ['none'];
}

// Kyverno pkg/autogen/v1/autogen_test.go Test_CanAutoGen (policies verbatim as JSON).
const kyvernoCases: Array<{ name: string; policy: string; want: string[] }> = [
  {
    name: 'rule-with-match-name',
    policy: `{"apiVersion":"kyverno.io/v1","kind":"ClusterPolicy","metadata":{"name":"test"},"spec":{"rules":[{"name":"test","match":{"resources":{"kinds":["Namespace"],"name":"*"}}}]}}`,
    want: ['none'],
  },
  {
    name: 'rule-with-match-selector',
    policy: `{"apiVersion":"kyverno.io/v1","kind":"ClusterPolicy","metadata":{"name":"test-getcontrollers"},"spec":{"background":false,"rules":[{"name":"test-getcontrollers","match":{"resources":{"kinds":["Pod"],"selector":{"matchLabels":{"foo":"bar"}}}}}]}}`,
    want: ['none'],
  },
  {
    name: 'rule-with-exclude-name',
    policy: `{"apiVersion":"kyverno.io/v1","kind":"ClusterPolicy","metadata":{"name":"test-getcontrollers"},"spec":{"background":false,"rules":[{"name":"test-getcontrollers","match":{"resources":{"kinds":["Pod"]}},"exclude":{"resources":{"name":"test"}}}]}}`,
    want: ['none'],
  },
  {
    name: 'rule-with-exclude-names',
    policy: `{"apiVersion":"kyverno.io/v1","kind":"ClusterPolicy","metadata":{"name":"test-getcontrollers"},"spec":{"background":false,"rules":[{"name":"test-getcontrollers","match":{"resources":{"kinds":["Pod"]}},"exclude":{"resources":{"names":["test"]}}}]}}`,
    want: ['none'],
  },
  {
    name: 'rule-with-exclude-selector',
    policy: `{"apiVersion":"kyverno.io/v1","kind":"ClusterPolicy","metadata":{"name":"test-getcontrollers"},"spec":{"background":false,"rules":[{"name":"test-getcontrollers","match":{"resources":{"kinds":["Pod"]}},"exclude":{"resources":{"selector":{"matchLabels":{"foo":"bar"}}}}}]}}`,
    want: ['none'],
  },
  {
    name: 'rule-with-deny',
    policy: `{"apiVersion":"kyverno.io/v1","kind":"ClusterPolicy","metadata":{"name":"test"},"spec":{"rules":[{"name":"require-network-policy","match":{"resources":{"kinds":["Pod"]}},"validate":{"message":"testpolicy","deny":{"conditions":[{"key":"{{request.object.metadata.labels.foo}}","operator":"Equals","value":"bar"}]}}}]}}`,
    want: DEFAULTS,
  },
  {
    name: 'rule-with-match-mixed-kinds-pod-podcontrollers',
    policy: `{"apiVersion":"kyverno.io/v1","kind":"ClusterPolicy","metadata":{"name":"set-service-labels-env"},"spec":{"background":false,"rules":[{"name":"set-service-label","match":{"resources":{"kinds":["Pod","Deployment"]}},"preconditions":{"any":[{"key":"{{request.operation}}","operator":"Equals","value":"CREATE"}]},"mutate":{"patchStrategicMerge":{"metadata":{"labels":{"+(service)":"{{request.object.spec.template.metadata.labels.app}}"}}}}}]}}`,
    want: ['none'],
  },
  {
    name: 'rule-with-exclude-mixed-kinds-pod-podcontrollers',
    policy: `{"apiVersion":"kyverno.io/v1","kind":"ClusterPolicy","metadata":{"name":"set-service-labels-env"},"spec":{"background":false,"rules":[{"name":"set-service-label","match":{"resources":{"kinds":["Pod"]}},"exclude":{"resources":{"kinds":["Pod","Deployment"]}},"mutate":{"patchStrategicMerge":{"metadata":{"labels":{"+(service)":"{{request.object.spec.template.metadata.labels.app}}"}}}}}]}}`,
    want: ['none'],
  },
  {
    name: 'rule-with-match-kinds-pod-only',
    policy: `{"apiVersion":"kyverno.io/v1","kind":"ClusterPolicy","metadata":{"name":"test"},"spec":{"rules":[{"name":"require-network-policy","match":{"resources":{"kinds":["Pod"]}},"validate":{"message":"testpolicy","pattern":{"metadata":{"labels":{"foo":"bar"}}}}}]}}`,
    want: DEFAULTS,
  },
  {
    name: 'rule-with-exclude-kinds-pod-only',
    policy: `{"apiVersion":"kyverno.io/v1","kind":"ClusterPolicy","metadata":{"name":"test"},"spec":{"rules":[{"name":"require-network-policy","match":{"resources":{"kinds":["Pod"]}},"exclude":{"resources":{"kinds":["Pod"],"namespaces":["test"]}},"validate":{"message":"testpolicy","pattern":{"metadata":{"labels":{"foo":"bar"}}}}}]}}`,
    want: DEFAULTS,
  },
  {
    name: 'rule-with-mutate-patches',
    policy: `{"apiVersion":"kyverno.io/v1","kind":"ClusterPolicy","metadata":{"name":"test"},"spec":{"rules":[{"name":"test","match":{"resources":{"kinds":["Pod"]}},"mutate":{"patchesJson6902":"-op:add\\npath:/spec/containers/0/env/-1\\nvalue:{\\"name\\":\\"SERVICE\\",\\"value\\":{{request.object.spec.template.metadata.labels.app}}}"}}]}}`,
    want: ['none'],
  },
  {
    name: 'rule-with-generate',
    policy: `{"apiVersion":"kyverno.io/v1","kind":"ClusterPolicy","metadata":{"name":"add-networkpolicy"},"spec":{"rules":[{"name":"default-deny-ingress","match":{"resources":{"kinds":["Namespace"],"name":"*"}},"exclude":{"resources":{"namespaces":["kube-system","default","kube-public","kyverno"]}},"generate":{"kind":"NetworkPolicy","name":"default-deny-ingress","namespace":"{{request.object.metadata.name}}","synchronize":true,"data":{"spec":{"podSelector":{},"policyTypes":["Ingress"]}}}}]}}`,
    want: ['none'],
  },
  {
    name: 'rule-with-predefined-invalid-controllers',
    policy: `{"apiVersion":"kyverno.io/v1","kind":"ClusterPolicy","metadata":{"name":"set-service-labels-env"},"annotations":null,"pod-policies.kyverno.io/autogen-controllers":"DaemonSet,Deployment,StatefulSet","spec":{"background":false,"rules":[{"name":"set-service-label","match":{"resources":{"kinds":["Pod","Deployment"]}},"mutate":{"patchStrategicMerge":{"metadata":{"labels":{"+(service)":"{{request.object.spec.template.metadata.labels.app}}"}}}}}]}}`,
    want: ['none'],
  },
  {
    name: 'rule-with-predefined-valid-controllers',
    policy: `{"apiVersion":"kyverno.io/v1","kind":"ClusterPolicy","metadata":{"name":"set-service-labels-env"},"annotations":null,"pod-policies.kyverno.io/autogen-controllers":"none","spec":{"background":false,"rules":[{"name":"set-service-label","match":{"resources":{"kinds":["Pod","Deployment"]}},"mutate":{"patchStrategicMerge":{"metadata":{"labels":{"+(service)":"{{request.object.spec.template.metadata.labels.app}}"}}}}}]}}`,
    want: ['none'],
  },
  {
    name: 'rule-with-only-predefined-valid-controllers',
    policy: `{"apiVersion":"kyverno.io/v1","kind":"ClusterPolicy","metadata":{"name":"set-service-labels-env"},"annotations":null,"pod-policies.kyverno.io/autogen-controllers":"none","spec":{"background":false,"rules":[{"name":"set-service-label","match":{"resources":{"kinds":["Namespace"]}},"mutate":{"patchStrategicMerge":{"metadata":{"labels":{"+(service)":"{{request.object.spec.template.metadata.labels.app}}"}}}}}]}}`,
    want: ['none'],
  },
  {
    name: 'rule-with-match-kinds-pod-only-validate-exclude',
    policy: `{"apiVersion":"kyverno.io/v1","kind":"ClusterPolicy","metadata":{"name":"test"},"spec":{"rules":[{"name":"require-network-policy","match":{"resources":{"kinds":["Pod"]}},"validate":{"message":"testpolicy","podSecurity": {"level": "baseline","version":"v1.24","exclude":[{"controlName":"SELinux","restrictedField":"spec.containers[*].securityContext.seLinuxOptions.role","images":["nginx"],"values":["baz"]}, {"controlName":"SELinux","restrictedField":"spec.initContainers[*].securityContext.seLinuxOptions.role","images":["nodejs"],"values":["init-baz"]}]}}}]}}`,
    want: DEFAULTS,
  },
];

for (const c of kyvernoCases) {
  test(`canAutoGen (Kyverno): ${c.name}`, () => assert.deepEqual(controllersView(c.policy), c.want));
}

function spec(rules: unknown[]): string {
  return JSON.stringify({ apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name: 'p' }, spec: { rules } });
}
const pod = { resources: { kinds: ['Pod'] } };
const validate = { pattern: { spec: {} } };

// Further cases following CanAutoGen/checkAutogenSupport (pkg/autogen/v1/autogen.go).
const moreCases: Array<{ name: string; policy: string; apply: boolean; none: boolean }> = [
  { name: 'any filter on Pod', policy: spec([{ name: 'r', match: { any: [pod] }, validate }]), apply: true, none: false },
  { name: 'all filter on Pod', policy: spec([{ name: 'r', match: { all: [pod] }, validate }]), apply: true, none: false },
  {
    name: 'any filter with annotations',
    policy: spec([{ name: 'r', match: { any: [{ resources: { kinds: ['Pod'], annotations: {} } }] }, validate }]),
    apply: false,
    none: false,
  },
  {
    name: 'all filter with names',
    policy: spec([{ name: 'r', match: { all: [{ resources: { kinds: ['Pod'], names: ['a'] } }] }, validate }]),
    apply: false,
    none: false,
  },
  {
    name: 'empty names list is fine',
    policy: spec([{ name: 'r', match: { any: [{ resources: { kinds: ['Pod'], names: [], name: '' } }] }, validate }]),
    apply: true,
    none: false,
  },
  {
    name: 'exclude any with selector',
    policy: spec([{ name: 'r', match: { any: [pod] }, exclude: { any: [{ resources: { selector: {} } }] }, validate }]),
    apply: false,
    none: false,
  },
  {
    name: 'Pod listed twice counts as mixed kinds',
    policy: spec([{ name: 'r', match: { any: [{ resources: { kinds: ['Pod', 'Pod'] } }] }, validate }]),
    apply: false,
    none: false,
  },
  {
    name: 'v1/Pod alone does not make autogen needed (exact kind strings)',
    policy: spec([{ name: 'r', match: { any: [{ resources: { kinds: ['v1/Pod'] } }] }, validate }]),
    apply: false,
    none: false,
  },
  {
    name: 'a controller kind makes autogen needed',
    policy: spec([{ name: 'r', match: { any: [{ resources: { kinds: ['Deployment'] } }] }, validate }]),
    apply: true,
    none: false,
  },
  {
    name: 'only a Namespace rule',
    policy: spec([{ name: 'r', match: { any: [{ resources: { kinds: ['Namespace'] } }] }, validate }]),
    apply: false,
    none: false,
  },
  {
    name: 'foreach patchesJson6902',
    policy: spec([{ name: 'r', match: { any: [pod] }, mutate: { foreach: [{ list: 'x', patchesJson6902: '[]' }] } }]),
    apply: false,
    none: true,
  },
  {
    name: 'empty generate is no generate rule',
    policy: spec([{ name: 'r', match: { any: [pod] }, generate: {}, validate }]),
    apply: true,
    none: false,
  },
  {
    name: 'generate anywhere in the policy',
    policy: spec([
      { name: 'r', match: { any: [pod] }, validate },
      { name: 'g', match: { any: [{ resources: { kinds: ['Namespace'] } }] }, generate: { kind: 'ConfigMap', name: 'x' } },
    ]),
    apply: false,
    none: true,
  },
  {
    name: 'one ineligible rule disables the whole policy',
    policy: spec([
      { name: 'r', match: { any: [pod] }, validate },
      { name: 's', match: { any: [{ resources: { kinds: ['Pod'], selector: { matchLabels: { a: 'b' } } } }] }, validate },
    ]),
    apply: false,
    none: false,
  },
  { name: 'no rules', policy: spec([]), apply: false, none: false },
];

for (const c of moreCases) {
  test(`canAutoGen: ${c.name}`, () => {
    const policy = JSON.parse(c.policy) as KyvernoPolicy;
    const { applyAutoGen, controllers } = canAutoGen(policy.spec);
    assert.equal(applyAutoGen, c.apply);
    if (c.apply) assert.deepEqual([...controllers].sort(), DEFAULTS);
    else assert.deepEqual([...controllers], c.none ? ['none'] : []);
  });
}

// api/kyverno/v1/utils.go ValidateAutogenAnnotation (field.Forbidden error text).
test('validateAutogenAnnotation rejects all', () => {
  assert.deepEqual(validateAutogenAnnotation({ 'pod-policies.kyverno.io/autogen-controllers': 'all' }), [
    "metadata.annotations: Forbidden: Autogen annotation does not support 'all' anymore, remove the annotation or set it to a valid value",
  ]);
});
for (const value of ['none', 'Deployment,CronJob', 'All', 'all,Deployment', '']) {
  test(`validateAutogenAnnotation accepts ${JSON.stringify(value)}`, () => {
    assert.deepEqual(validateAutogenAnnotation({ 'pod-policies.kyverno.io/autogen-controllers': value }), []);
  });
}
test('validateAutogenAnnotation without annotations', () => {
  assert.deepEqual(validateAutogenAnnotation(undefined), []);
  assert.deepEqual(validateAutogenAnnotation({}), []);
});

// pkg/validation/policy/validate.go podControllerAutoGenExclusion.
const exclusion: Array<[string | undefined, boolean]> = [
  [undefined, false],
  ['none', false],
  ['CronJob,DaemonSet,Deployment,Job,StatefulSet', false],
  ['statefulset,job,deployment,daemonset,cronjob', false],
  ['Deployment', true],
  ['CronJob,DaemonSet,Deployment,Job,StatefulSet,ReplicaSet', true],
  ['', true],
];
for (const [value, want] of exclusion) {
  test(`podControllerAutoGenExclusion ${JSON.stringify(value)}`, () => {
    const annotations: Record<string, string> = value === undefined ? {} : { 'pod-policies.kyverno.io/autogen-controllers': value };
    assert.equal(podControllerAutoGenExclusion({ metadata: { name: 'p', annotations } }), want);
  });
}
