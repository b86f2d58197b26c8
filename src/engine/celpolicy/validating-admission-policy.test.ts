/**
 * ValidatingAdmissionPolicy evaluation: messages, match conditions, variables, params. Expected values
 * were produced by Kyverno v1.19.1's CLI on the same policies (a Pod `p1` in `ns1`, namespace labels
 * `env: prod`, no requester, ConfigMaps `cm1`/`cm2` labelled `team: a` as parameter resources).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonObject, Resource } from '../api/json.ts';
import { resolveBackgroundUser, type AdmissionAttributes } from './admission.ts';
import { CelPolicyEnvironments } from './environments.ts';
import { compileAdmissionPolicy, validateAdmissionPolicy } from './validating-admission-policy.ts';

const envs = new CelPolicyEnvironments();
const pod: Resource = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p1', namespace: 'ns1' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
const attributes: AdmissionAttributes = {
  kind: { group: '', version: 'v1', kind: 'Pod' },
  resource: { group: '', version: 'v1', resource: 'pods' },
  subresource: '',
  name: 'p1',
  namespace: 'ns1',
  operation: 'CREATE',
  userInfo: resolveBackgroundUser(undefined),
  object: pod,
  oldObject: null,
  dryRun: false,
};
const params: Resource[] = [
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm1', namespace: 'default', labels: { team: 'a' } }, data: { x: '1' } },
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm2', namespace: 'default', labels: { team: 'a' } }, data: { x: '2' } },
];

function vap(name: string, spec: JsonObject): JsonObject {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name },
    spec: { matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] }] }, ...spec },
  };
}

const cases: Array<{ name: string; spec: JsonObject; binding?: JsonObject; status: string; message: string }> = [
  { name: 'vap-msgexpr', spec: { validations: [{ expression: 'false', messageExpression: "'name is ' + object.metadata.name" }] }, status: 'fail', message: 'name is p1' },
  { name: 'vap-msg', spec: { validations: [{ expression: 'false', message: '  padded message  ' }] }, status: 'fail', message: 'padded message' },
  { name: 'vap-default', spec: { validations: [{ expression: 'true' }, { expression: ' 1 == 2 ' }] }, status: 'fail', message: 'failed expression: 1 == 2' },
  {
    name: 'vap-error',
    spec: { validations: [{ expression: "object.spec.missing == 'x'" }] },
    status: 'error',
    message: "expression 'object.spec.missing == 'x'' resulted in error: no such key: missing",
  },
  { name: 'vap-mc-false', spec: { matchConditions: [{ name: 'c', expression: 'false' }], validations: [{ expression: 'false' }] }, status: 'skip', message: "match conditions aren't met" },
  {
    name: 'vap-mc-error',
    spec: {
      matchConditions: [
        { name: 'c', expression: 'object.spec.missing == 1' },
        { name: 'd', expression: 'object.spec.other == 1' },
      ],
      validations: [{ expression: 'false' }],
    },
    status: 'error',
    message:
      "[expression 'object.spec.missing == 1' resulted in error: no such key: missing, expression 'object.spec.other == 1' resulted in error: no such key: other]",
  },
  {
    name: 'vap-mc-error-ignore',
    spec: { failurePolicy: 'Ignore', matchConditions: [{ name: 'c', expression: 'object.spec.missing == 1' }], validations: [{ expression: 'false' }] },
    status: 'skip',
    message: "match conditions aren't met",
  },
  {
    name: 'vap-var-error',
    spec: { variables: [{ name: 'v', expression: 'object.spec.missing' }], validations: [{ expression: 'variables.v == 1' }] },
    status: 'error',
    message: `expression 'variables.v == 1' resulted in error: composited variable "v" fails to evaluate: no such key: missing`,
  },
  { name: 'vap-type', spec: { validations: [{ expression: 'object.metadata.name' }] }, status: 'error', message: 'compilation error: must evaluate to bool but got dyn' },
  { name: 'vap-msg-newline', spec: { validations: [{ expression: 'false', message: 'fallback', messageExpression: "'a\\nb'" }] }, status: 'fail', message: 'fallback' },
  {
    name: 'vap-ns',
    spec: {
      validations: [
        {
          expression: 'false',
          messageExpression:
            "namespaceObject.metadata.name + ' ' + string(has(namespaceObject.metadata.labels)) + ' ' + string(has(namespaceObject.spec)) + ' ' + string(has(namespaceObject.metadata.creationTimestamp))",
        },
      ],
    },
    status: 'fail',
    message: 'ns1 true true false',
  },
  {
    name: 'vap-user',
    spec: {
      validations: [
        {
          expression: 'false',
          messageExpression:
            "request.userInfo.username + ' ' + request.userInfo.uid + ' ' + request.userInfo.groups.join(',') + ' ' + request.operation + ' ' + string(oldObject == null) + ' ' + request.resource.resource + ' ' + string(has(request.dryRun))",
        },
      ],
    },
    status: 'fail',
    message: 'system:kyverno:background-scan system:kyverno:background-scan system:kyverno:background-scan CREATE true pods true',
  },
  {
    name: 'vap-unused-var-error',
    spec: {
      variables: [
        { name: 'bad', expression: 'object.spec.missing' },
        { name: 'ok', expression: '1' },
      ],
      validations: [{ expression: 'variables.ok == 2' }],
    },
    status: 'fail',
    message: 'failed expression: variables.ok == 2',
  },
  {
    name: 'vap-failpol-ignore-error',
    spec: { failurePolicy: 'Ignore', validations: [{ expression: "object.spec.missing == 'x'" }, { expression: 'false' }] },
    status: 'error',
    message: "expression 'object.spec.missing == 'x'' resulted in error: no such key: missing",
  },
  {
    name: 'vap-params',
    spec: { paramKind: { apiVersion: 'v1', kind: 'ConfigMap' }, validations: [{ expression: 'false', messageExpression: "string(size(params.items)) + ' ' + params.items[0].metadata.name" }] },
    binding: { spec: { policyName: 'vap-params', paramRef: { selector: { matchLabels: { team: 'a' } } } } },
    status: 'fail',
    message: '2 cm1',
  },
  {
    name: 'vap-params-none',
    spec: { paramKind: { apiVersion: 'v1', kind: 'ConfigMap' }, validations: [{ expression: 'params == null' }, { expression: 'false', message: 'nullparams' }] },
    binding: { spec: { policyName: 'vap-params-none', paramRef: { name: 'nope' } } },
    status: 'fail',
    message: 'nullparams',
  },
];

for (const c of cases) {
  test(`ValidatingAdmissionPolicy: ${c.name}`, () => {
    const policy = compileAdmissionPolicy(envs, vap(c.name, c.spec));
    const bindings = c.binding ? [{ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding', metadata: { name: 'b' }, ...c.binding }] : [];
    const rules = validateAdmissionPolicy(policy, bindings, {
      attributes,
      namespace: { metadata: { name: 'ns1', labels: { env: 'prod' } } },
      params,
    });
    assert.equal(rules.length, 1);
    assert.equal(rules[0]!.name, c.name);
    assert.equal(rules[0]!.status, c.status);
    assert.equal(rules[0]!.message, c.message);
    if (c.binding) assert.deepEqual(rules[0]!.properties, { binding: 'b' });
  });
}

test('ValidatingAdmissionPolicy: no binding matching gives no rule', () => {
  const policy = compileAdmissionPolicy(envs, vap('x', { validations: [{ expression: 'false' }] }));
  const binding = { kind: 'ValidatingAdmissionPolicyBinding', metadata: { name: 'b' }, spec: { policyName: 'x', matchResources: { namespaceSelector: { matchLabels: { env: 'dev' } } } } };
  assert.deepEqual(validateAdmissionPolicy(policy, [binding], { attributes, namespace: { metadata: { name: 'ns1', labels: { env: 'prod' } } }, params: [] }), []);
});
