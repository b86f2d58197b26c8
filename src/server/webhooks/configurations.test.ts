/**
 * Fine-grained webhooks of policies with `spec.webhookConfiguration.matchConditions` in the resource
 * configurations (`newWebhookPerPolicy`): one webhook per policy and failure policy, named and routed
 * `<base>-<fail|ignore>-finegrained-<[ns-]name>` / `<path>/<fail|ignore>/finegrained/<[ns/]name>`, carrying the
 * policy's conditions instead of the ConfigMap's, ordered after the kind-level ones (ignore before fail).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonObject } from '../../engine/api/json.ts';
import type { KyvernoPolicy } from '../../engine/api/policy.ts';
import { parseKyvernoConfig } from '../config.ts';
import { StaticDiscovery } from '../sources/discovery.ts';
import { buildWebhookConfigurations, RESOURCE_MUTATING_CONFIG, RESOURCE_VALIDATING_CONFIG, type BuildOptions } from './configurations.ts';

const NS_CONDITION = { name: 'select-namespace', expression: '(object.metadata.namespace == "team-a")' };
const GROUP_CONDITION = { name: 'exclude-requests-by-groups', expression: '!("system:authenticated" in request.userInfo.groups)' };
const GLOBAL_CONDITION = { name: 'global', expression: 'true' };

const validate = { name: 'v', match: { any: [{ resources: { kinds: ['Pod'] } }] }, validate: { message: 'm', pattern: { spec: { containers: [{ image: '*:*' }] } } } };
const mutate = { name: 'm', match: { any: [{ resources: { kinds: ['ConfigMap'] } }] }, mutate: { patchStrategicMerge: { metadata: { labels: { a: 'b' } } } } };

function policy(name: string, spec: JsonObject, namespace?: string): KyvernoPolicy {
  return {
    apiVersion: 'kyverno.io/v1',
    kind: namespace ? 'Policy' : 'ClusterPolicy',
    metadata: { name, ...(namespace ? { namespace } : {}), annotations: { 'pod-policies.kyverno.io/autogen-controllers': 'none' } },
    spec,
  } as unknown as KyvernoPolicy;
}

function build(policies: KyvernoPolicy[], config: Record<string, string> = {}): { validating: JsonObject[]; mutating: JsonObject[] } {
  const opts: BuildOptions = {
    target: { serviceName: 'kyverno-svc', namespace: 'kyverno', servicePort: 443 },
    caBundle: '-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n',
    config: parseKyvernoConfig(config),
    defaultTimeoutSeconds: 10,
    admissionReports: true,
    discovery: new StaticDiscovery(),
  };
  const built = buildWebhookConfigurations(policies, opts);
  const hooks = (list: JsonObject[], name: string) => (list.find((c) => (c['metadata'] as JsonObject)['name'] === name)?.['webhooks'] ?? []) as JsonObject[];
  return { validating: hooks(built.validating, RESOURCE_VALIDATING_CONFIG), mutating: hooks(built.mutating, RESOURCE_MUTATING_CONFIG) };
}

const summary = (hooks: JsonObject[]) =>
  hooks.map((h) => ({
    name: h['name'],
    path: (h['clientConfig'] as { service: { path: string } }).service.path,
    failurePolicy: h['failurePolicy'],
    matchConditions: h['matchConditions'],
    resources: (h['rules'] as Array<{ resources: string[] }>).flatMap((r) => r.resources),
  }));

test('webhook configurations: policies with matchConditions get their own fine-grained webhooks', () => {
  const cases: Array<{ what: string; policies: KyvernoPolicy[]; config?: Record<string, string>; validating: unknown[]; mutating: unknown[] }> = [
    {
      what: 'a ClusterPolicy with matchConditions (Fail by default)',
      policies: [policy('cpol-fine', { webhookConfiguration: { matchConditions: [NS_CONDITION, GROUP_CONDITION] }, rules: [validate] })],
      validating: [
        { name: 'validate.kyverno.svc-fail-finegrained-cpol-fine', path: '/validate/fail/finegrained/cpol-fine', failurePolicy: 'Fail', matchConditions: [NS_CONDITION, GROUP_CONDITION], resources: ['pods', 'pods/ephemeralcontainers'] },
      ],
      mutating: [],
    },
    {
      what: 'spec.failurePolicy Ignore, a namespaced Policy, and a policy without conditions sharing the kind-level hook',
      policies: [
        policy('plain', { rules: [validate] }),
        policy('pol', { failurePolicy: 'Ignore', webhookConfiguration: { matchConditions: [NS_CONDITION] }, rules: [validate] }, 'team-a'),
      ],
      validating: [
        { name: 'validate.kyverno.svc-fail', path: '/validate/fail', failurePolicy: 'Fail', matchConditions: undefined, resources: ['pods', 'pods/ephemeralcontainers'] },
        { name: 'validate.kyverno.svc-ignore-finegrained-team-a-pol', path: '/validate/ignore/finegrained/team-a/pol', failurePolicy: 'Ignore', matchConditions: [NS_CONDITION], resources: ['pods', 'pods/ephemeralcontainers'] },
      ],
      mutating: [],
    },
    {
      what: 'webhookConfiguration.failurePolicy wins over spec.failurePolicy; the ConfigMap conditions stay on the kind-level hooks only',
      policies: [
        policy('wc-ignore', { failurePolicy: 'Fail', webhookConfiguration: { failurePolicy: 'Ignore', matchConditions: [NS_CONDITION] }, rules: [validate] }),
        policy('plain', { failurePolicy: 'Ignore', rules: [validate] }),
      ],
      config: { matchConditions: JSON.stringify([GLOBAL_CONDITION]) },
      validating: [
        { name: 'validate.kyverno.svc-ignore', path: '/validate/ignore', failurePolicy: 'Ignore', matchConditions: [GLOBAL_CONDITION], resources: ['pods', 'pods/ephemeralcontainers'] },
        { name: 'validate.kyverno.svc-ignore-finegrained-wc-ignore', path: '/validate/ignore/finegrained/wc-ignore', failurePolicy: 'Ignore', matchConditions: [NS_CONDITION], resources: ['pods', 'pods/ephemeralcontainers'] },
      ],
      mutating: [],
    },
    {
      what: 'a mutate policy with matchConditions gets a fine-grained mutating webhook',
      policies: [policy('mut', { webhookConfiguration: { matchConditions: [NS_CONDITION] }, rules: [mutate] })],
      validating: [],
      mutating: [{ name: 'mutate.kyverno.svc-fail-finegrained-mut', path: '/mutate/fail/finegrained/mut', failurePolicy: 'Fail', matchConditions: [NS_CONDITION], resources: ['configmaps'] }],
    },
    {
      what: 'admission: false registers nothing',
      policies: [policy('off', { admission: false, webhookConfiguration: { matchConditions: [NS_CONDITION] }, rules: [validate] })],
      validating: [],
      mutating: [],
    },
  ];
  for (const c of cases) {
    const built = build(c.policies, c.config);
    assert.deepEqual(summary(built.validating), c.validating, c.what);
    assert.deepEqual(summary(built.mutating), c.mutating, c.what);
  }
});
