/**
 * validate.cel rules run through the engine the way `kyverno test` does. Expected values were produced
 * by Kyverno v1.19.1's CLI on the same ClusterPolicy (a Pod `p1` in `ns1`, a kyverno.io/v2
 * PolicyException `ns1/ex1` naming rule `r-exc`), without and with a requester (`alice`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Resource } from '../api/json.ts';
import type { KyvernoPolicy, PolicyException, Rule } from '../api/policy.ts';
import type { RequestUserInfo } from '../api/request.ts';
import { Engine } from '../engine.ts';

const clock = { now: () => new Date(0) };
const pod: Resource = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p1', namespace: 'ns1' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };

function rule(name: string, validate: NonNullable<Rule['validate']>, extra: Partial<Rule> = {}): Rule {
  return { name, match: { any: [{ resources: { kinds: ['Pod'] } }] }, validate, ...extra };
}

const rules: Array<{ rule: Rule; status: string; message: string; withUser?: { status: string; message: string } }> = [
  { rule: rule('r-msg', { cel: { expressions: [{ expression: 'false', message: 'expr message' }] } }), status: 'fail', message: 'expr message' },
  { rule: rule('r-rule-msg', { message: 'rule message', cel: { expressions: [{ expression: 'true' }, { expression: 'false' }] } }), status: 'fail', message: 'rule message' },
  { rule: rule('r-nomsg', { cel: { expressions: [{ expression: '1 == 2' }] } }), status: 'fail', message: 'failed expression: 1 == 2' },
  {
    rule: rule('r-error', { cel: { expressions: [{ expression: 'object.spec.missing == 1' }] } }),
    status: 'fail',
    message: "expression 'object.spec.missing == 1' resulted in error: no such key: missing",
  },
  {
    rule: rule('r-pre-false', { cel: { expressions: [{ expression: 'false' }] } }, { celPreconditions: [{ name: 'c', expression: 'false' }] }),
    status: 'skip',
    message: 'cel preconditions not met',
  },
  {
    rule: rule('r-pre-error', { cel: { expressions: [{ expression: 'false' }] } }, { celPreconditions: [{ name: 'c', expression: 'object.spec.missing == 1' }] }),
    status: 'fail',
    message: "expression 'object.spec.missing == 1' resulted in error: no such key: missing",
  },
  {
    rule: rule('r-vars', {
      cel: { variables: [{ name: 'nm', expression: 'object.metadata.name' }], expressions: [{ expression: "variables.nm == 'x'", messageExpression: "'name ' + variables.nm" }] },
    }),
    status: 'fail',
    message: 'name p1',
  },
  {
    rule: rule('r-ctx', {
      cel: {
        expressions: [
          {
            expression: 'false',
            messageExpression:
              "namespaceObject.metadata.name + ' ' + string(oldObject == null) + ' ' + request.operation + ' [' + request.resource.resource + '] ' + request.kind.kind + ' ' + string(has(request.userInfo.username)) + ' ' + string(has(namespaceObject.metadata.labels))",
          },
        ],
      },
    }),
    status: 'fail',
    message: 'ns1 true CREATE [] Pod false false',
    withUser: { status: 'fail', message: 'ns1 true CREATE [] Pod true false' },
  },
  // authorizer: the message expression cannot see it (falls back to the expression)
  {
    rule: rule('r-authz', { cel: { expressions: [{ expression: 'false', messageExpression: "string(authorizer.path('/x').check('get').allowed())" }] } }),
    status: 'fail',
    message: 'failed expression: false',
  },
  {
    rule: rule('r-az-error', { cel: { expressions: [{ expression: "{'a': true}[authorizer.requestResource.check('create').error()]" }] } }),
    status: 'fail',
    message: "expression '{'a': true}[authorizer.requestResource.check('create').error()]' resulted in error: no such key: no service account provided",
    // with a requester, the first SubjectAccessReview of the run succeeds (no error: an empty key)
    withUser: { status: 'fail', message: "expression '{'a': true}[authorizer.requestResource.check('create').error()]' resulted in error: no such key: " },
  },
  {
    rule: rule('r-az-again', { cel: { expressions: [{ expression: "{'a': true}[authorizer.requestResource.check('create').error()]" }] } }),
    status: 'fail',
    message: "expression '{'a': true}[authorizer.requestResource.check('create').error()]' resulted in error: no such key: no service account provided",
    withUser: {
      status: 'fail',
      message: `expression '{'a': true}[authorizer.requestResource.check('create').error()]' resulted in error: no such key: subjectaccessreviews.authorization.k8s.io "" already exists`,
    },
  },
  { rule: rule('r-pass', { cel: { expressions: [{ expression: 'true' }] } }), status: 'pass', message: "Validation rule 'r-pass' passed." },
  { rule: rule('r-exc', { cel: { expressions: [{ expression: 'false' }] } }), status: 'skip', message: 'rule is skipped due to policy exceptionsns1/ex1' },
];

const policy: KyvernoPolicy = { apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name: 'cp' }, spec: { background: false, rules: rules.map((r) => r.rule) } };
const exception: PolicyException = {
  apiVersion: 'kyverno.io/v2',
  kind: 'PolicyException',
  metadata: { name: 'ex1', namespace: 'ns1' },
  spec: { exceptions: [{ policyName: 'cp', ruleNames: ['r-exc'] }], match: { any: [{ resources: { kinds: ['Pod'] } }] } },
};

function run(userInfo: RequestUserInfo | undefined): Map<string, { status: string; message: string }> {
  const engine = new Engine({ clock });
  const pc = engine.newPolicyContext({ policy, newResource: pod, admissionInfo: userInfo, exceptions: [exception], gvk: { group: '', version: 'v1', kind: 'Pod' } });
  const out = new Map<string, { status: string; message: string }>();
  for (const r of engine.validate(pc).policyResponse.rules) out.set(r.name, { status: r.status, message: r.message });
  return out;
}

test('validate.cel: outcomes and messages without a requester', () => {
  const got = run(undefined);
  for (const r of rules) assert.deepEqual(got.get(r.rule.name), { status: r.status, message: r.message }, r.rule.name);
});

test('validate.cel: outcomes and messages with a requester', () => {
  const got = run({ userInfo: { username: 'alice' } });
  for (const r of rules) assert.deepEqual(got.get(r.rule.name), r.withUser ?? { status: r.status, message: r.message }, r.rule.name);
});

// A runaway expression (three nested loops over 120 containers) is stopped by the per-call cost limit;
// the rule fails with Kyverno v1.19's message (same output from its CLI on this policy and pod).
test('validate.cel: a runaway expression is stopped by the cost limit with a clear message', () => {
  const expression = 'object.spec.containers.all(a, object.spec.containers.all(b, object.spec.containers.all(c, a.name != "" && b.name != "" && c.name != "")))';
  const policy: KyvernoPolicy = {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: { name: 'runaway-cp' },
    spec: { rules: [rule('r', { cel: { expressions: [{ expression, message: 'm' }] } })] },
  };
  const big: Resource = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'big', namespace: 'default' },
    spec: { containers: Array.from({ length: 120 }, (_, i) => ({ name: `c${i}`, image: 'nginx' })) },
  };
  const engine = new Engine({ clock });
  const started = Date.now();
  const r = engine.validate(engine.newPolicyContext({ policy, newResource: big })).policyResponse.rules;
  assert.ok(Date.now() - started < 30_000);
  assert.deepEqual(
    r.map((x) => [x.status, x.message]),
    [['fail', `expression '${expression}' resulted in error: operation cancelled: actual cost limit exceeded`]],
  );
});
