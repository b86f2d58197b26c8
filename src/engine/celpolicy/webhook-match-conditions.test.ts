/**
 * `spec.webhookConfiguration.matchConditions`: compilation (policy validation) and the engine's policy
 * gate (`checkMatchConditions`), in admission (with a requester) and background scans (without one).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Resource } from '../api/json.ts';
import type { KyvernoPolicy } from '../api/policy.ts';
import type { RequestUserInfo } from '../api/request.ts';
import { Engine } from '../engine.ts';
import { validatePolicy, formatPolicyError } from '../validation/policy.ts';
import { CelPolicyEnvironments } from './environments.ts';
import { compileWebhookMatchConditions, webhookMatchConditionsOf } from './webhook-match-conditions.ts';

const envs = new CelPolicyEnvironments();

test('webhook matchConditions: compilation in the admission plugin environment (bool, no request.object, no authorizer)', () => {
  const cases: Array<{ expression: string; error?: RegExp }> = [
    { expression: 'object.metadata.namespace == "a"' },
    { expression: '(object.metadata.namespace == "a")' },
    { expression: '!("system:authenticated" in request.userInfo.groups)' },
    { expression: 'oldObject == null && request.operation == "CREATE"' },
    { expression: '!("ownerReferences" in request.object.metadata.keys(@))', error: /^compilation failed: ERROR: <input>:1:53: Syntax error: Unexpected character: @/ },
    { expression: 'request.object != null', error: /^compilation failed: ERROR: <input>:1:8: undefined field 'object'/ },
    { expression: 'authorizer.group("").resource("pods").check("get").allowed()', error: /^compilation failed: ERROR: .*undeclared reference to 'authorizer'/ },
    { expression: 'params.x == 1', error: /undeclared reference to 'params'/ },
    { expression: 'object.metadata.name', error: /^must evaluate to bool but got dyn$/ },
  ];
  for (const c of cases) {
    const errs = compileWebhookMatchConditions(envs, [{ name: 'c', expression: c.expression }]);
    if (c.error) {
      assert.equal(errs.length, 1, c.expression);
      assert.match(errs[0] as string, c.error, c.expression);
    } else assert.deepEqual(errs, [], c.expression);
  }
});

const pod = (ns: string): Resource => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: ns }, spec: { containers: [{ name: 'c', image: 'nginx:latest' }] } });

function policy(conditions: Array<{ name: string; expression: string }> | undefined): KyvernoPolicy {
  return {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: { name: 'mc' },
    spec: {
      ...(conditions ? { webhookConfiguration: { matchConditions: conditions } } : {}),
      rules: [
        {
          name: 'no-latest',
          match: { any: [{ resources: { kinds: ['Pod'] } }] },
          validate: { failureAction: 'Enforce', message: 'no latest', pattern: { spec: { containers: [{ image: '!*:latest' }] } } },
        },
      ],
    },
  } as unknown as KyvernoPolicy;
}

const admin: RequestUserInfo = { userInfo: { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] } };
const user: RequestUserInfo = { userInfo: { username: 'alice', groups: ['system:authenticated'] } };
const NS = { name: 'select-namespace', expression: 'object.metadata.namespace == "team-a"' };
const MASTERS = { name: 'select-by-groups', expression: '"system:masters" in request.userInfo.groups' };
const NOT_AUTHENTICATED = { name: 'exclude-authenticated', expression: '!("system:authenticated" in request.userInfo.groups)' };

test('webhook matchConditions: the policy gate applies the policy only when every condition is true', () => {
  const cases: Array<{ what: string; conditions?: Array<{ name: string; expression: string }>; ns: string; info?: RequestUserInfo; rules: number }> = [
    { what: 'no conditions', ns: 'other', info: admin, rules: 1 },
    { what: 'empty list', conditions: [], ns: 'other', info: admin, rules: 1 },
    { what: 'namespace selected', conditions: [NS], ns: 'team-a', info: admin, rules: 1 },
    { what: 'namespace not selected', conditions: [NS], ns: 'default', info: admin, rules: 0 },
    { what: 'background scan, namespace selected', conditions: [NS], ns: 'team-a', rules: 1 },
    { what: 'background scan, namespace not selected', conditions: [NS], ns: 'default', rules: 0 },
    { what: 'requester in system:masters', conditions: [NS, MASTERS], ns: 'team-a', info: admin, rules: 1 },
    { what: 'requester not in system:masters', conditions: [NS, MASTERS], ns: 'team-a', info: user, rules: 0 },
    { what: 'background scan has no groups', conditions: [NS, MASTERS], ns: 'team-a', rules: 0 },
    { what: 'authenticated requester excluded', conditions: [NOT_AUTHENTICATED], ns: 'team-a', info: admin, rules: 0 },
    { what: 'an evaluation error is no match', conditions: [{ name: 'err', expression: 'object.spec.nope == 1' }], ns: 'team-a', info: admin, rules: 0 },
    { what: 'a condition that does not compile is no match', conditions: [{ name: 'bad', expression: 'object.metadata.name' }], ns: 'team-a', info: admin, rules: 0 },
  ];
  const engine = new Engine({ clock: { now: () => new Date(0) } });
  for (const c of cases) {
    const pc = engine.newPolicyContext({ policy: policy(c.conditions), newResource: pod(c.ns), admissionInfo: c.info, gvk: { group: '', version: 'v1', kind: 'Pod' } });
    const rules = engine.validate(pc).policyResponse.rules;
    assert.equal(rules.length, c.rules, c.what);
    if (c.rules === 1) assert.equal(rules[0]?.status, 'fail', c.what);
  }
});

test('webhook matchConditions: policy validation rejects a policy whose conditions do not compile', () => {
  const compile = (conds: ReadonlyArray<{ name: string; expression: string }>) => compileWebhookMatchConditions(envs, conds);
  const bad = policy([{ name: 'exclude-managed-pod', expression: '!("ownerReferences" in request.object.metadata.keys(@))' }]);
  assert.match(formatPolicyError(validatePolicy(bad, { compileMatchConditions: compile }).errors), /^match conditions compilation errors: \[compilation failed: ERROR: <input>:1:53: Syntax error/);
  assert.equal(formatPolicyError(validatePolicy(policy([NS, MASTERS]), { compileMatchConditions: compile }).errors), '');
  assert.deepEqual(webhookMatchConditionsOf(policy([NS])), [NS]);
  assert.equal(webhookMatchConditionsOf(policy(undefined)), undefined);
});
