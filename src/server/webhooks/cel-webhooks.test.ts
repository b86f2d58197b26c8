import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonObject } from '../../engine/api/json.ts';
import { parseKyvernoConfig } from '../config.ts';
import { autogenMatchConditions, celPolicyKey, celWebhooks, registeredCelPolicies } from './cel-webhooks.ts';

const rule = (resources: string[], operations = ['CREATE']): JsonObject => ({ apiGroups: [''], apiVersions: ['v1'], operations, resources });

const policy = (kind: string, name: string, spec: JsonObject, namespace?: string, status?: JsonObject): JsonObject => ({
  apiVersion: 'policies.kyverno.io/v1beta1',
  kind,
  metadata: namespace ? { name, namespace } : { name },
  spec: { matchConstraints: { resourceRules: [rule(['configmaps'])] }, ...spec },
  ...(status ? { status } : {}),
});

const opts = { config: parseKyvernoConfig({}), clientConfig: (path: string): JsonObject => ({ path }) };

const summary = (hooks: JsonObject[]): string[] =>
  hooks.map((h) => `${String(h['name'])} ${String((h['clientConfig'] as JsonObject)['path'])} ${String(h['failurePolicy'])} ${JSON.stringify((h['rules'] as JsonObject[]).map((r) => r['resources']))}`);

test('CEL webhooks: names, paths, failure policies and rules as Kyverno builds them', () => {
  const cases: Array<{ name: string; policies: JsonObject[]; mutating: boolean; want: string[] }> = [
    {
      name: 'basic validating policies share one webhook per failure policy, names sorted in the path',
      policies: [policy('ValidatingPolicy', 'b', {}), policy('ValidatingPolicy', 'a', {}), policy('ValidatingPolicy', 'c', { failurePolicy: 'Ignore' })],
      mutating: false,
      want: ['vpol.validate.kyverno.svc-fail /vpol/a/b/c Fail [["configmaps"]]', 'vpol.validate.kyverno.svc-ignore /vpol/a/b/c Ignore [["configmaps"]]'],
    },
    {
      name: 'pods bring the autogen controllers',
      policies: [policy('ValidatingPolicy', 'p', { matchConstraints: { resourceRules: [rule(['pods'])] } })],
      mutating: false,
      want: ['vpol.validate.kyverno.svc-fail /vpol/p Fail [["pods"],["daemonsets","deployments","replicasets","statefulsets"],["cronjobs"],["jobs"]]'],
    },
    {
      name: 'match conditions make a fine-grained webhook',
      policies: [policy('ValidatingPolicy', 'fg', { matchConditions: [{ name: 'c', expression: 'true' }] })],
      mutating: false,
      want: ['vpol.validate.kyverno.svc-fail-finegrained-fg /vpol/fg Fail [["configmaps"]]'],
    },
    {
      name: 'mutating policies go to the mutating configuration only',
      policies: [policy('MutatingPolicy', 'm', {}), policy('ValidatingPolicy', 'v', {})],
      mutating: true,
      want: ['mpol.validate.kyverno.svc-fail /mpol/m Fail [["configmaps"]]'],
    },
    {
      name: 'namespaced policies on their own path',
      policies: [policy('NamespacedMutatingPolicy', 'n', {}, 'prod')],
      mutating: true,
      want: ['nmpol.validate.kyverno.svc-fail /nmpol/n Fail [["configmaps"]]'],
    },
    {
      name: 'admission disabled and generated policies are not registered',
      policies: [policy('ValidatingPolicy', 'off', { admission: { enabled: false } }), policy('ValidatingPolicy', 'gen', {}, undefined, { generated: true })],
      mutating: false,
      want: [],
    },
  ];
  for (const c of cases) assert.deepEqual(summary(celWebhooks(c.policies, c.mutating, opts)), c.want, c.name);
});

test('CEL webhooks: a namespaced policy selects its namespace; different selectors get their own webhooks', () => {
  const [nsHook] = celWebhooks([policy('NamespacedValidatingPolicy', 'n', {}, 'prod')], false, opts);
  assert.deepEqual(nsHook?.['namespaceSelector'], { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['prod'] }] });
  const hooks = celWebhooks(
    [policy('ValidatingPolicy', 'a', {}), policy('ValidatingPolicy', 'b', { matchConstraints: { resourceRules: [rule(['secrets'])], objectSelector: { matchLabels: { x: 'y' } } } })],
    false,
    opts,
  );
  assert.equal(hooks.length, 2);
  for (const h of hooks) assert.match(String(h['name']), /^vpol\.validate\.kyverno\.svc-fail-[0-9a-f]{8}$/);
  assert.deepEqual(hooks.map((h) => (h['clientConfig'] as JsonObject)['path']).sort(), ['/vpol/a', '/vpol/b']);
});

test('CEL webhooks: autogen match conditions and policy keys', () => {
  assert.deepEqual(autogenMatchConditions('', [{ group: '', version: 'v1', kind: 'Pod' }], [{ name: 'c', expression: 'x' }]), [
    { name: 'autogen-c', expression: "!((object.apiVersion == 'v1' && object.kind =='Pod')) || (x)" },
  ]);
  assert.deepEqual(autogenMatchConditions('defaults', [], [{ name: 'c', expression: 'x' }]), []);
  assert.equal(celPolicyKey(policy('NamespacedValidatingPolicy', 'n', {}, 'prod')), 'NamespacedValidatingPolicy/prod/n');
  assert.deepEqual(registeredCelPolicies([policy('MutatingPolicy', 'm', {})]).map(celPolicyKey), ['MutatingPolicy/m']);
});
