/**
 * The ValidatingPolicy engine end to end: outcomes and messages. Expected values were produced by
 * Kyverno v1.19.1's CLI (`kyverno test`) on the same policies and pod (a Pod `p1` in `ns1`, namespace
 * labels `env: prod` from the values, requester `alice`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonObject, Resource } from '../api/json.ts';
import type { AdmissionAttributes } from './admission.ts';
import { CelPolicyEnvironments } from './environments.ts';
import { handleValidatingPolicy, prepareValidatingPolicies, PolicyCompileError } from './validating-policy-engine.ts';

const envs = new CelPolicyEnvironments();
const pod: Resource = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p1', namespace: 'ns1' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };

function attributes(operation: string): AdmissionAttributes {
  return {
    kind: { group: '', version: 'v1', kind: 'Pod' },
    resource: { group: '', version: 'v1', resource: 'pods' },
    subresource: '',
    name: 'p1',
    namespace: 'ns1',
    operation,
    userInfo: { username: 'alice' },
    object: operation === 'DELETE' ? null : pod,
    oldObject: operation === 'CREATE' ? null : pod,
    dryRun: false,
  };
}

function vpol(name: string, spec: JsonObject): JsonObject {
  return {
    apiVersion: 'policies.kyverno.io/v1beta1',
    kind: 'ValidatingPolicy',
    metadata: { name },
    spec: {
      matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE', 'DELETE'], resources: ['pods'] }] },
      ...spec,
    },
  };
}

const exceptions: JsonObject[] = [
  { apiVersion: 'policies.kyverno.io/v1beta1', kind: 'PolicyException', metadata: { name: 'e-partial' }, spec: { policyRefs: [{ name: 'p-exc-partial', kind: 'ValidatingPolicy' }], allowedValues: ['web', 'db'], matchConditions: [{ name: 'x', expression: 'true' }] } },
  { apiVersion: 'policies.kyverno.io/v1beta1', kind: 'PolicyException', metadata: { name: 'e-full', namespace: 'ns1' }, spec: { policyRefs: [{ name: 'p-exc-full', kind: 'ValidatingPolicy' }] } },
  { apiVersion: 'policies.kyverno.io/v1beta1', kind: 'PolicyException', metadata: { name: 'e-full2' }, spec: { policyRefs: [{ name: 'p-exc-full', kind: 'ValidatingPolicy' }] } },
  { apiVersion: 'policies.kyverno.io/v1beta1', kind: 'PolicyException', metadata: { name: 'e-pass', labels: { 'kyverno.io/exception-priority': '5' } }, spec: { policyRefs: [{ name: 'p-exc-pass', kind: 'ValidatingPolicy' }], reportResult: 'pass' } },
  { apiVersion: 'policies.kyverno.io/v1beta1', kind: 'PolicyException', metadata: { name: 'e-pass-low' }, spec: { policyRefs: [{ name: 'p-exc-pass', kind: 'ValidatingPolicy' }] } },
];

const cases: Array<{ name: string; spec: JsonObject; status: string; message: string; rule?: string; operation?: string }> = [
  { name: 'p-msgexpr', spec: { validations: [{ expression: 'false', messageExpression: "'name is ' + object.metadata.name" }] }, status: 'fail', message: 'name is p1' },
  { name: 'p-default', spec: { validations: [{ expression: 'true' }, { expression: 'false' }] }, status: 'fail', message: 'CEL expression validation failed at index 1' },
  { name: 'p-error', spec: { validations: [{ expression: "object.spec.missing == 'x'" }] }, status: 'error', message: 'error: no such key: missing' },
  {
    name: 'p-var-error',
    spec: { variables: [{ name: 'v', expression: 'object.spec.missing' }], validations: [{ expression: 'variables.v == 1' }] },
    status: 'error',
    message: 'error: no such key: missing',
  },
  { name: 'p-mc-false', spec: { matchConditions: [{ name: 'c', expression: 'false' }], validations: [{ expression: 'false' }] }, status: 'skip', message: 'skip' },
  {
    name: 'p-mc-error',
    spec: {
      matchConditions: [
        { name: 'c', expression: 'object.spec.missing == 1' },
        { name: 'd', expression: 'object.spec.other == 1' },
      ],
      validations: [{ expression: 'false' }],
    },
    status: 'error',
    rule: 'evaluation',
    message: 'failed to load context: no such key: missing; no such key: other',
  },
  {
    name: 'p-mc-error-ignore',
    spec: { failurePolicy: 'Ignore', matchConditions: [{ name: 'c', expression: 'object.spec.missing == 1' }], validations: [{ expression: 'false' }] },
    status: 'skip',
    message: 'skip',
  },
  {
    name: 'p-msgexpr-error',
    spec: { validations: [{ expression: 'false', message: 'static', messageExpression: 'string(object.spec.x)' }] },
    status: 'fail',
    message: 'failed to evaluate message expression: no such key: x',
  },
  {
    name: 'p-exc-partial',
    spec: { validations: [{ expression: "'web' in exceptions.allowedValues", messageExpression: 'exceptions.allowedValues.join(",")' }] },
    status: 'pass',
    message: 'success',
  },
  { name: 'p-exc-full', spec: { validations: [{ expression: 'false' }] }, status: 'skip', rule: 'exception', message: 'rule is skipped due to policy exception: ns1/e-full, e-full2' },
  { name: 'p-exc-pass', spec: { validations: [{ expression: 'false' }] }, status: 'pass', rule: 'exception', message: 'rule is passed due to policy exception: e-pass, e-pass-low' },
  {
    name: 'p-unused-var-error',
    spec: {
      variables: [
        { name: 'bad', expression: 'object.spec.missing' },
        { name: 'ok', expression: '1' },
      ],
      validations: [{ expression: 'variables.ok == 2' }],
    },
    status: 'fail',
    message: 'CEL expression validation failed at index 0',
  },
  {
    name: 'p-ns',
    spec: {
      validations: [
        { expression: 'false', messageExpression: "namespaceObject.metadata.name + ' ' + string(has(namespaceObject.metadata.labels)) + ' ' + namespaceObject.metadata.labels.env" },
      ],
    },
    status: 'fail',
    message: 'ns1 true prod',
  },
  { name: 'p-user', spec: { validations: [{ expression: 'false', messageExpression: 'string(has(request.userInfo.username))' }] }, status: 'fail', message: 'true' },
  {
    name: 'p-shape-create',
    spec: {
      validations: [
        {
          expression: 'false',
          messageExpression:
            "string(request.?oldObject.hasValue()) + ' ' + string(has(request.options)) + ' ' + string(has(request.subResource)) + ' ' + string(has(request.name)) + ' ' + request.resource.resource + ' ' + request.requestKind.kind + ' ' + string(object == oldObject)",
        },
      ],
    },
    status: 'fail',
    message: 'true true false true pods Pod false',
  },
  ...(['CREATE', 'UPDATE', 'DELETE'] as const).map((op, i) => ({
    name: `p-op-${op}`,
    operation: op,
    spec: {
      validations: [
        {
          expression: 'false',
          messageExpression:
            "request.operation + ' ' + string(object == null) + ' ' + string(oldObject == null) + ' ' + string(request.object == null) + ' ' + string(request.oldObject == null) + ' ' + string(size(object)) + ' ' + string(size(oldObject)) + ' ' + string(object == oldObject)",
        },
      ],
    },
    status: 'fail',
    message: ['CREATE false false false true 4 0 false', 'UPDATE false false false false 4 4 true', 'DELETE false false true false 0 4 false'][i]!,
  })),
];

for (const c of cases) {
  test(`ValidatingPolicy: ${c.name}`, () => {
    const [p] = prepareValidatingPolicies(envs, [vpol(c.name, c.spec)], exceptions);
    const rules = handleValidatingPolicy(p!, {
      attributes: attributes(c.operation ?? 'CREATE'),
      namespace: { metadata: { name: 'ns1', labels: { env: 'prod' } } },
      context: {},
      match: true,
    });
    assert.equal(rules.length, 1);
    assert.equal(rules[0]!.status, c.status);
    assert.equal(rules[0]!.message, c.message);
    assert.equal(rules[0]!.name, c.rule ?? '');
  });
}

test('ValidatingPolicy: a failing validation reports its index', () => {
  const [p] = prepareValidatingPolicies(envs, [vpol('idx', { validations: [{ expression: 'true' }, { expression: 'false', message: 'm' }] })], []);
  const r = handleValidatingPolicy(p!, { attributes: attributes('CREATE'), context: {}, match: true });
  assert.deepEqual(r[0]!.properties, { 'cel.validationIndex': '1' });
});

test('ValidatingPolicy: compile errors are reported like Kyverno (placeholder first)', () => {
  assert.throws(
    () => prepareValidatingPolicies(envs, [vpol('bad', { validations: [{ expression: 'false', messageExpression: 'object.spec.x' }] })], []),
    (e: unknown) =>
      e instanceof PolicyCompileError &&
      e.message ===
        'failed to compile policy bad ([<nil>: Internal error: validating policy compiler 1.0 error: failed to compile policy, spec.validations[0].messageExpression: Invalid value: "object.spec.x": output is expected to be of type string])',
  );
});

test('ValidatingPolicy: no matchConstraints never matches; JSON mode skips matching', () => {
  const [k8s] = prepareValidatingPolicies(envs, [{ apiVersion: 'policies.kyverno.io/v1', kind: 'ValidatingPolicy', metadata: { name: 'n' }, spec: { validations: [{ expression: 'false' }] } }], []);
  assert.deepEqual(handleValidatingPolicy(k8s!, { attributes: attributes('CREATE'), context: {}, match: true }), []);
  const [json] = prepareValidatingPolicies(
    envs,
    [{ apiVersion: 'policies.kyverno.io/v1', kind: 'ValidatingPolicy', metadata: { name: 'j' }, spec: { evaluation: { mode: 'JSON' }, validations: [{ expression: 'object.a == 1.0', message: 'not one' }] } }],
    [],
  );
  assert.equal(handleValidatingPolicy(json!, { payload: { a: 1 }, payloadFromJson: true, context: {}, match: false })[0]!.status, 'pass');
  assert.equal(handleValidatingPolicy(json!, { payload: { a: 2 }, payloadFromJson: true, context: {}, match: false })[0]!.message, 'not one');
});

test('ValidatingPolicy: autogen variants for pod controllers', () => {
  const prepared = prepareValidatingPolicies(envs, [vpol('auto', { validations: [{ expression: 'object.spec.containers.size() > 0' }] })], []);
  assert.deepEqual(
    prepared.map((p) => p.autogen ?? 'original'),
    ['original', 'cronjobs', 'defaults'],
  );
});

// The same runaway in a ValidatingPolicy: an error result, as Kyverno v1.19's CLI reports it.
test('ValidatingPolicy: a runaway expression is stopped by the cost limit with a clear message', () => {
  const expression = 'object.spec.containers.all(a, object.spec.containers.all(b, object.spec.containers.all(c, a.name != "" && b.name != "" && c.name != "")))';
  const big: Resource = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p1', namespace: 'ns1' },
    spec: { containers: Array.from({ length: 120 }, (_, i) => ({ name: `c${i}`, image: 'nginx' })) },
  };
  const [p] = prepareValidatingPolicies(envs, [vpol('runaway', { validations: [{ expression, message: 'm' }] })], []);
  const rules = handleValidatingPolicy(p!, { attributes: { ...attributes('CREATE'), object: big }, context: {}, match: true });
  assert.deepEqual(
    rules.map((r) => [r.status, r.message]),
    [['error', 'error: operation cancelled: actual cost limit exceeded']],
  );
});
