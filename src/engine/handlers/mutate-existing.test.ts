import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Resource } from '../api/json.ts';
import type { KyvernoPolicy, PolicyException, Rule, TargetResourceSpec } from '../api/policy.ts';
import type { EngineResponse } from '../api/response.ts';
import { Engine } from '../engine.ts';
import { testCluster } from '../generate/memory-cluster.ts';
import type { TargetResolver } from './targets.ts';

// mutate.targets outside admission (kyverno/pkg/engine/handlers/mutation/mutate_existing.go,
// load_targets.go), run through the engine the way `kyverno test` does: the trigger matches, every target
// is loaded from the fake cluster and patched separately. Expected values follow the handler and the
// test-mutate suites (mutate-existing, same-name-mutate-existing, mutate-existing-fail).

const clock = { now: () => new Date(0) };

const trigger: Resource = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dictionary-1', namespace: 'staging' }, data: { foo: 'bar', target: 'secret-1' } };
const secret = (namespace: string, name: string, labels?: Record<string, string>): Resource => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: labels ? { name, namespace, labels } : { name, namespace },
});

function rule(targets: TargetResourceSpec[], mutate: Partial<NonNullable<Rule['mutate']>> = {}, extra: Partial<Rule> = {}): Rule {
  return {
    name: 'mutate-secret-on-configmap-create',
    match: { any: [{ resources: { kinds: ['ConfigMap'], names: ['dictionary-1'], namespaces: ['staging'] } }] },
    mutate: { patchStrategicMerge: { metadata: { labels: { foo: 'bar' } } }, ...mutate, targets },
    ...extra,
  };
}

function policy(r: Rule, namespace?: string): KyvernoPolicy {
  return {
    apiVersion: 'kyverno.io/v1',
    kind: namespace ? 'Policy' : 'ClusterPolicy',
    metadata: namespace ? { name: 'mutate-existing-secret', namespace } : { name: 'mutate-existing-secret' },
    spec: { rules: [r] },
  };
}

function mutate(p: KyvernoPolicy, targets: TargetResolver, exceptions: PolicyException[] = []): EngineResponse {
  const engine = new Engine({ clock, targets });
  const pc = engine.newPolicyContext({ policy: p, newResource: trigger, exceptions });
  return engine.mutate(pc);
}

const summary = (resp: EngineResponse): Array<[string, string, Resource | undefined]> =>
  resp.policyResponse.rules.map((r) => [r.status, r.message, r.patchedTarget]);

test('a named target is patched; the trigger is not (test-mutate/mutate-existing)', () => {
  const resp = mutate(policy(rule([{ apiVersion: 'v1', kind: 'Secret', name: 'secret-1', namespace: 'staging' }])), testCluster([trigger, secret('staging', 'secret-1')]));
  assert.deepEqual(summary(resp), [['pass', 'mutated Secret/secret-1 in namespace staging', secret('staging', 'secret-1', { foo: 'bar' })]]);
  assert.deepEqual(resp.patchedResource, trigger);
});

test('a name without namespace selects it in every namespace, sorted by namespace (same-name-mutate-existing)', () => {
  const resp = mutate(policy(rule([{ apiVersion: 'v1', kind: 'Secret', name: 'secret-1' }])), testCluster([trigger, secret('staging', 'secret-1'), secret('prod', 'secret-1')]));
  assert.deepEqual(summary(resp), [
    ['pass', 'mutated Secret/secret-1 in namespace prod', secret('prod', 'secret-1', { foo: 'bar' })],
    ['pass', 'mutated Secret/secret-1 in namespace staging', secret('staging', 'secret-1', { foo: 'bar' })],
  ]);
});

test('wildcard names and label selectors list the targets', () => {
  const cluster = testCluster([trigger, secret('staging', 'secret-1', { pick: 'yes' }), secret('staging', 'secret-2'), secret('prod', 'other', { pick: 'yes' })]);
  const byName = mutate(policy(rule([{ apiVersion: 'v1', kind: 'Secret', namespace: 'staging', name: 'secret-*' }])), cluster);
  assert.deepEqual(summary(byName).map((s) => s[1]), ['mutated Secret/secret-1 in namespace staging', 'mutated Secret/secret-2 in namespace staging']);
  const bySelector = mutate(policy(rule([{ apiVersion: 'v1', kind: 'Secret', selector: { matchLabels: { pick: 'yes' } } }])), cluster);
  assert.deepEqual(summary(bySelector).map((s) => s[1]), ['mutated Secret/other in namespace prod', 'mutated Secret/secret-1 in namespace staging']);
});

test('target fields are substituted from the trigger', () => {
  const resp = mutate(
    policy(rule([{ apiVersion: 'v1', kind: 'Secret', name: '{{request.object.data.target}}', namespace: '{{request.object.metadata.namespace}}' }])),
    testCluster([trigger, secret('staging', 'secret-1')]),
  );
  assert.deepEqual(summary(resp).map((s) => s[1]), ['mutated Secret/secret-1 in namespace staging']);
});

test('a namespaced Policy only looks in its own namespace', () => {
  const resp = mutate(policy(rule([{ apiVersion: 'v1', kind: 'Secret', name: 'secret-1', namespace: 'prod' }]), 'staging'), testCluster([trigger, secret('staging', 'secret-1'), secret('prod', 'secret-1')]));
  assert.deepEqual(summary(resp).map((s) => s[1]), ['mutated Secret/secret-1 in namespace staging']);
});

test('lookup failures of all entries are one error response; found targets are still patched', () => {
  const resp = mutate(
    policy(
      rule([
        { apiVersion: 'v1', kind: 'Secret', name: 'missing', namespace: 'staging' },
        { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', name: 'np', namespace: 'staging' },
        { apiVersion: 'v1', kind: 'Secret', name: 'secret-1', namespace: 'staging' },
      ]),
    ),
    testCluster([trigger, secret('staging', 'secret-1')]),
  );
  assert.deepEqual(summary(resp).map((s) => [s[0], s[1]]), [
    ['error', ': secrets "missing" not found; not found'],
    ['pass', 'mutated Secret/secret-1 in namespace staging'],
  ]);
});

test('a target spec whose variables cannot be resolved is an error', () => {
  const resp = mutate(policy(rule([{ apiVersion: 'v1', kind: 'Secret', name: '{{request.object.data.nope.x}}', namespace: 'staging' }])), testCluster([trigger]));
  const [r] = resp.policyResponse.rules;
  assert.equal(r?.status, 'error');
  assert.match(r?.message ?? '', /^: failed to substitute variables in target\[0\]: /);
});

test('per-target context and preconditions: false -> skip "preconditions not met; <message>"', () => {
  const targets: TargetResourceSpec[] = [
    {
      apiVersion: 'v1',
      kind: 'Secret',
      namespace: 'staging',
      context: [{ name: 'tname', variable: { jmesPath: 'target.metadata.name' } }],
      preconditions: { all: [{ key: '{{tname}}', operator: 'NotEquals', value: 'secret-2', message: 'not secret-2' }] },
    },
  ];
  const resp = mutate(
    policy(rule(targets, { patchStrategicMerge: { metadata: { labels: { seen: '{{tname}}' } } } })),
    testCluster([trigger, secret('staging', 'secret-1'), secret('staging', 'secret-2')]),
  );
  assert.deepEqual(summary(resp), [
    ['pass', 'mutated Secret/secret-1 in namespace staging', secret('staging', 'secret-1', { seen: 'secret-1' })],
    ['skip', 'preconditions not met; not secret-2', undefined],
  ]);
});

test('a target the patch does not change is skipped with "no patches applied"', () => {
  const resp = mutate(policy(rule([{ apiVersion: 'v1', kind: 'Secret', name: 'secret-1', namespace: 'staging' }])), testCluster([trigger, secret('staging', 'secret-1', { foo: 'bar' })]));
  assert.deepEqual(summary(resp), [['skip', 'no patches applied', undefined]]);
});

test('foreach over a target list patches each target', () => {
  const r = rule([{ apiVersion: 'v1', kind: 'Secret', name: 'secret-1', namespace: 'staging' }], {
    patchStrategicMerge: undefined,
    foreach: [{ list: "split('a,b', ',')", patchStrategicMerge: { metadata: { labels: { '{{element}}': 'yes' } } } }],
  });
  const resp = mutate(policy(r), testCluster([trigger, secret('staging', 'secret-1')]));
  assert.deepEqual(summary(resp), [['pass', 'mutated Secret/secret-1 in namespace staging', secret('staging', 'secret-1', { a: 'yes', b: 'yes' })]]);
});

test('a matching exception skips the rule once, before any target is loaded', () => {
  const ex: PolicyException = {
    apiVersion: 'kyverno.io/v2',
    kind: 'PolicyException',
    metadata: { name: 'ex1', namespace: 'default' },
    spec: { exceptions: [{ policyName: 'mutate-existing-secret', ruleNames: ['*'] }], match: { any: [{ resources: { kinds: ['ConfigMap'] } }] } },
  };
  const resp = mutate(policy(rule([{ apiVersion: 'v1', kind: 'Secret', name: 'missing', namespace: 'staging' }])), testCluster([trigger]), [ex]);
  assert.deepEqual(summary(resp), [['skip', 'rule is skipped due to policy exceptionsdefault/ex1', undefined]]);
  assert.deepEqual(resp.policyResponse.rules[0]?.exceptions, ['default/ex1']);
});

test('with a plain TargetResolver, a missing named target reads as a NotFound error', () => {
  const plain: TargetResolver = { list: () => [], get: () => undefined };
  const resp = mutate(policy(rule([{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'staging' }])), plain);
  assert.deepEqual(summary(resp), [['error', ': deployments.apps "web" not found', undefined]]);
});
