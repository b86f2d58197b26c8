/**
 * The in-cluster pieces of the admission server: webhook rules derived from policies (Kyverno's webhook
 * controller aggregation), the webhook configurations, their reconciliation against an API (in memory),
 * and the Secret-backed certificate store.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import type { JsonObject } from '../../src/engine/api/json.ts';
import type { KyvernoPolicy } from '../../src/engine/api/policy.ts';
import { MemoryKubeApi } from '../../src/k8s/client/memory-api.ts';
import { parseKyvernoConfig } from '../../src/server/config.ts';
import { discardLogger } from '../../src/server/logging.ts';
import { StaticDiscovery } from '../../src/server/sources/discovery.ts';
import { CertRenewer } from '../../src/server/tls/renewer.ts';
import { LABEL_CERT_MANAGED_BY, SECRETS, SecretCertStore } from '../../src/server/tls/secret-store.ts';
import { buildWebhookConfigurations, type BuildOptions } from '../../src/server/webhooks/configurations.ts';
import { ANNOTATION_SUSPENDED_RULES, MUTATING_WEBHOOK_CONFIGURATIONS, VALIDATING_WEBHOOK_CONFIGURATIONS, WebhookController, subsetEqual } from '../../src/server/webhooks/controller.ts';
import { AggregatedWebhook, collectResourceDescriptions, mergePolicy } from '../../src/server/webhooks/rules.ts';

const discovery = new StaticDiscovery();

function cpol(name: string, spec: JsonObject, kind = 'ClusterPolicy', namespace?: string): KyvernoPolicy {
  return { apiVersion: 'kyverno.io/v1', kind, metadata: { name, ...(namespace ? { namespace } : {}) }, spec } as unknown as KyvernoPolicy;
}

const validatePods = (extra: JsonObject = {}, match: JsonObject = { any: [{ resources: { kinds: ['Pod'] } }] }): JsonObject => ({
  rules: [{ name: 'check', match, validate: { message: 'm', pattern: { metadata: { labels: { app: '?*' } } } } }],
  ...extra,
});

function opts(extra: Partial<BuildOptions> = {}): BuildOptions {
  return {
    target: { serviceName: 'kyverno-svc', namespace: 'kyverno', servicePort: 443 },
    caBundle: '-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n',
    config: parseKyvernoConfig({}),
    defaultTimeoutSeconds: 10,
    admissionReports: true,
    discovery,
    ...extra,
  };
}

function byName(list: JsonObject[], name: string): JsonObject {
  const o = list.find((x) => (x['metadata'] as JsonObject)['name'] === name);
  assert.ok(o, `configuration ${name} present`);
  return o;
}

const hooksOf = (o: JsonObject): JsonObject[] => o['webhooks'] as JsonObject[];

test('webhook rules: a Pod validate policy registers pods (with ephemeralcontainers) and its autogen controllers, all four operations', () => {
  const wh = new AggregatedWebhook(10, 'Fail');
  assert.equal(mergePolicy(wh, cpol('p', validatePods()), true, discovery), true);
  const rules = wh.rulesWithOperations();
  const core = rules.find((r) => r.apiGroups[0] === '' && r.resources.includes('pods'));
  assert.deepEqual(core, { apiGroups: [''], apiVersions: ['v1'], resources: ['pods', 'pods/ephemeralcontainers', 'replicationcontrollers'], operations: ['CONNECT', 'CREATE', 'DELETE', 'UPDATE'], scope: 'Namespaced' });
  const apps = rules.find((r) => r.apiGroups[0] === 'apps');
  assert.deepEqual(apps?.resources, ['daemonsets', 'deployments', 'replicasets', 'statefulsets']);
  const batch = rules.find((r) => r.apiGroups[0] === 'batch');
  assert.deepEqual(batch?.resources, ['cronjobs', 'jobs']);
});

test('webhook rules: generate rules register what they generate and clone with CREATE, UPDATE and DELETE (downstream and clone source changes reach the validating webhook, mergeWebhook)', () => {
  const wh = new AggregatedWebhook(10, 'Fail');
  const onNamespaces = { any: [{ resources: { kinds: ['Namespace'] } }] };
  mergePolicy(
    wh,
    cpol('gen', {
      rules: [
        { name: 'data', match: onNamespaces, generate: { apiVersion: 'v1', kind: 'ConfigMap', name: 'c', namespace: '{{request.object.metadata.name}}', synchronize: true, data: {} } },
        { name: 'clone', match: onNamespaces, generate: { apiVersion: 'v1', kind: 'Secret', name: 's', namespace: '{{request.object.metadata.name}}', synchronize: true, clone: { namespace: 'default', name: 's' } } },
        { name: 'list', match: onNamespaces, generate: { namespace: '{{request.object.metadata.name}}', synchronize: true, cloneList: { namespace: 'default', kinds: ['networking.k8s.io/v1/NetworkPolicy'], selector: { matchLabels: { a: 'b' } } } } },
        { name: 'each', match: onNamespaces, generate: { synchronize: true, foreach: [{ list: 'request.object.metadata.labels', apiVersion: 'v1', kind: 'ResourceQuota', name: 'q', namespace: '{{element}}', data: {} }] } },
      ],
    }),
    true,
    discovery,
  );
  const rules = wh.rulesWithOperations();
  const core = rules.filter((r) => r.apiGroups[0] === '');
  assert.deepEqual(
    core.map((r) => [r.resources, r.operations, r.scope]),
    [
      [['namespaces'], ['CONNECT', 'CREATE', 'DELETE', 'UPDATE'], '*'],
      [['configmaps', 'resourcequotas', 'secrets'], ['CREATE', 'DELETE', 'UPDATE'], 'Namespaced'],
    ],
  );
  assert.deepEqual(
    rules.filter((r) => r.apiGroups[0] === 'networking.k8s.io').map((r) => [r.resources, r.operations]),
    [[['networkpolicies'], ['CREATE', 'DELETE', 'UPDATE']]],
  );
});

test('webhook rules: mutate policies use CREATE and UPDATE; match operations are honoured; kind-only exclude.any removes operations', () => {
  const mutate = new AggregatedWebhook(10, 'Fail');
  mergePolicy(mutate, cpol('m', { rules: [{ name: 'add', match: { any: [{ resources: { kinds: ['ConfigMap'] } }] }, mutate: { patchStrategicMerge: { metadata: { labels: { a: 'b' } } } } }] }), false, discovery);
  assert.deepEqual(mutate.rulesWithOperations(), [{ apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'], operations: ['CREATE', 'UPDATE'], scope: 'Namespaced' }]);
  const rule: JsonObject = {
    match: { any: [{ resources: { kinds: ['Service'], operations: ['CREATE', 'UPDATE'] } }] },
    exclude: { any: [{ resources: { kinds: ['Service'], operations: ['UPDATE'] } }, { resources: { kinds: ['Service'], names: ['x'] } }] },
  };
  assert.deepEqual([...(collectResourceDescriptions(rule, ['CREATE']).get('Service') ?? [])], ['CREATE']);
});

test('webhook rules: a wildcard kind covers specific ones; cluster-scoped kinds get scope *', () => {
  const wh = new AggregatedWebhook(10, 'Fail');
  mergePolicy(wh, cpol('ns', { rules: [{ name: 'r', match: { any: [{ resources: { kinds: ['Namespace'] } }] }, validate: { message: 'm', deny: {} } }] }), true, discovery);
  assert.deepEqual(wh.rulesWithOperations(), [{ apiGroups: [''], apiVersions: ['v1'], resources: ['namespaces'], operations: ['CONNECT', 'CREATE', 'DELETE', 'UPDATE'], scope: '*' }]);
  mergePolicy(wh, cpol('all', { rules: [{ name: 'r', match: { any: [{ resources: { kinds: ['*'] } }] }, validate: { message: 'm', deny: {} } }] }), true, discovery);
  const rules = wh.rulesWithOperations();
  assert.equal(rules.length, 1, JSON.stringify(rules));
  assert.deepEqual(rules[0]?.resources, ['*', 'pods/ephemeralcontainers']);
});

test('webhook configurations: failurePolicy splits fail and ignore hooks; timeouts are the maximum, capped at 30; selectors come from the ConfigMap', () => {
  const config = parseKyvernoConfig({
    webhooks: JSON.stringify({ namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', 'kyverno'] }] } }),
    webhookAnnotations: '{"admissions.enforcer/disabled":"true"}',
  });
  const policies = [
    cpol('a', validatePods({ webhookTimeoutSeconds: 15 })),
    cpol('b', validatePods({ failurePolicy: 'Ignore', webhookTimeoutSeconds: 45 })),
    cpol('c', validatePods({ webhookConfiguration: { matchConditions: [{ name: 'x', expression: 'true' }] } }), 'Policy', 'team'),
  ];
  const built = buildWebhookConfigurations(policies, opts({ config }));
  const vwc = byName(built.validating, 'kyverno-resource-validating-webhook-cfg');
  assert.deepEqual(
    hooksOf(vwc).map((h) => [h['name'], h['failurePolicy'], h['timeoutSeconds'], (h['clientConfig'] as JsonObject)['service'] ? ((h['clientConfig'] as JsonObject)['service'] as JsonObject)['path'] : undefined]),
    [
      ['validate.kyverno.svc-fail', 'Fail', 15, '/validate/fail'],
      ['validate.kyverno.svc-fail-finegrained-team-c', 'Fail', 10, '/validate/fail/finegrained/team/c'],
      ['validate.kyverno.svc-ignore', 'Ignore', 30, '/validate/ignore'],
    ],
  );
  const fine = hooksOf(vwc)[1] as JsonObject;
  assert.deepEqual(fine['matchConditions'], [{ name: 'x', expression: 'true' }]);
  assert.equal((fine['rules'] as JsonObject[])[0]?.['scope'], 'Namespaced');
  for (const h of hooksOf(vwc)) {
    assert.deepEqual(h['namespaceSelector'], { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', 'kyverno'] }] });
    assert.equal(h['sideEffects'], 'NoneOnDryRun');
  }
  assert.deepEqual((vwc['metadata'] as JsonObject)['annotations'], { 'admissions.enforcer/disabled': 'true' });
  assert.deepEqual(((vwc['metadata'] as JsonObject)['labels'] as JsonObject)['webhook.kyverno.io/managed-by'], 'kyverno');
  // no mutate policy: the resource mutating configuration exists with no webhooks
  assert.deepEqual(hooksOf(byName(built.mutating, 'kyverno-resource-mutating-webhook-cfg')), []);
  assert.deepEqual([...built.registered].sort(), ['a', 'b', 'team/c']);
  const names = [...built.validating, ...built.mutating].map((o) => (o['metadata'] as JsonObject)['name']).sort();
  assert.deepEqual(names, [
    'kyverno-cel-exception-validating-webhook-cfg',
    'kyverno-exception-validating-webhook-cfg',
    'kyverno-global-context-validating-webhook-cfg',
    'kyverno-policy-mutating-webhook-cfg',
    'kyverno-policy-validating-webhook-cfg',
    'kyverno-resource-mutating-webhook-cfg',
    'kyverno-resource-validating-webhook-cfg',
    'kyverno-verify-mutating-webhook-cfg',
  ]);
});

test('webhook configurations: --serverIP points clientConfig at a URL; admission: false policies are not registered', () => {
  const built = buildWebhookConfigurations([cpol('a', validatePods()), cpol('off', validatePods({ admission: false }))], opts({ target: { server: '127.0.0.1:9443', serviceName: 'kyverno-svc', namespace: 'kyverno', servicePort: 443 } }));
  const vwc = byName(built.validating, 'kyverno-resource-validating-webhook-cfg');
  assert.equal(hooksOf(vwc).length, 1);
  const cc = (hooksOf(vwc)[0] as JsonObject)['clientConfig'] as JsonObject;
  assert.equal(cc['url'], 'https://127.0.0.1:9443/validate/fail');
  assert.equal(cc['service'], undefined);
  assert.equal(Buffer.from(String(cc['caBundle']), 'base64').toString(), opts().caBundle);
  const verify = (hooksOf(byName(built.mutating, 'kyverno-verify-mutating-webhook-cfg'))[0] as JsonObject)['clientConfig'] as JsonObject;
  assert.equal(verify['url'], 'https://127.0.0.1:9443/verifymutate');
});

test('subsetEqual ignores fields the API server defaults', () => {
  assert.equal(subsetEqual({ a: 1, sel: {} }, { a: 1, b: 2 }), true);
  assert.equal(subsetEqual({ a: [1, 2] }, { a: [1, 2, 3] }), false);
  assert.equal(subsetEqual({ a: { b: 'x' } }, { a: { b: 'y' } }), false);
});

test('webhook controller: creates every configuration, leaves unchanged ones alone, follows policy changes, keeps a suspended configuration suspended', async () => {
  const api = new MemoryKubeApi();
  let policies = [cpol('a', validatePods())];
  const c = new WebhookController({
    api,
    policies: () => policies,
    config: () => parseKyvernoConfig({}),
    discovery,
    caBundle: async () => 'CA',
    target: { server: '127.0.0.1:1', serviceName: 'kyverno-svc', namespace: 'kyverno', servicePort: 443 },
    log: discardLogger,
  });
  await c.reconcile();
  assert.equal(api.all(VALIDATING_WEBHOOK_CONFIGURATIONS).length, 5);
  assert.equal(api.all(MUTATING_WEBHOOK_CONFIGURATIONS).length, 3);
  const writes = api.calls.length;
  await c.reconcile();
  assert.equal(api.calls.length, writes, 'no writes when nothing changed');
  policies = [...policies, cpol('m', { failurePolicy: 'Ignore', rules: [{ name: 'add', match: { any: [{ resources: { kinds: ['ConfigMap'] } }] }, mutate: { patchStrategicMerge: { metadata: { labels: { a: 'b' } } } } }] })];
  await c.reconcile();
  const mwc = (await api.get(MUTATING_WEBHOOK_CONFIGURATIONS, '', 'kyverno-resource-mutating-webhook-cfg')) as JsonObject;
  assert.deepEqual(hooksOf(mwc).map((h) => [h['name'], h['reinvocationPolicy']]), [['mutate.kyverno.svc-ignore', 'IfNeeded']]);
  // the watchdog suspended the validating configuration: it stays empty, the saved rules follow the policies
  const vwc = (await api.get(VALIDATING_WEBHOOK_CONFIGURATIONS, '', 'kyverno-resource-validating-webhook-cfg')) as JsonObject;
  const suspended = { ...vwc, metadata: { ...(vwc['metadata'] as JsonObject), annotations: { [ANNOTATION_SUSPENDED_RULES]: '{}' } }, webhooks: hooksOf(vwc).map((h) => ({ ...h, rules: [] })) };
  await api.update(VALIDATING_WEBHOOK_CONFIGURATIONS, suspended);
  policies = [...policies, cpol('ns', { rules: [{ name: 'r', match: { any: [{ resources: { kinds: ['Namespace'] } }] }, validate: { message: 'm', deny: {} } }] })];
  await c.reconcile();
  const after = (await api.get(VALIDATING_WEBHOOK_CONFIGURATIONS, '', 'kyverno-resource-validating-webhook-cfg')) as JsonObject;
  assert.deepEqual(hooksOf(after).map((h) => h['rules']), [[]]);
  const saved = JSON.parse(String(((after['metadata'] as JsonObject)['annotations'] as JsonObject)[ANNOTATION_SUSPENDED_RULES])) as Record<string, JsonObject[]>;
  assert.ok(saved['validate.kyverno.svc-fail']?.some((r) => (r['resources'] as string[]).includes('namespaces')));
});

test('webhook controller: without a CA bundle it fails clearly', async () => {
  const c = new WebhookController({ api: new MemoryKubeApi(), policies: () => [], config: () => parseKyvernoConfig({}), discovery, caBundle: async () => '', target: { serviceName: 's', namespace: 'n', servicePort: 443 }, log: discardLogger });
  await assert.rejects(c.reconcile(), /no CA bundle/);
});

test('Secret certificate store: generates CA and serving pair as labelled kubernetes.io/tls Secrets, then keeps them', async () => {
  const api = new MemoryKubeApi();
  const store = new SecretCertStore(api, 'kyverno', 'kyverno-svc');
  assert.equal(await store.managed(), true);
  const renewer = new CertRenewer({ store, alg: 'ECDSA', commonName: 'kyverno-svc', dnsNames: ['kyverno-svc', 'kyverno-svc.kyverno', 'kyverno-svc.kyverno.svc'], server: '127.0.0.1:9443' });
  await renewer.reconcile();
  const ca = await api.get(SECRETS, 'kyverno', 'kyverno-svc.kyverno.svc.kyverno-tls-ca');
  const pair = await api.get(SECRETS, 'kyverno', 'kyverno-svc.kyverno.svc.kyverno-tls-pair');
  assert.equal(ca?.['type'], 'kubernetes.io/tls');
  assert.equal(((pair?.['metadata'] as JsonObject)['labels'] as JsonObject)[LABEL_CERT_MANAGED_BY], 'kyverno');
  const tls = await store.readTLS();
  const cert = new X509Certificate(tls?.certPem ?? '');
  assert.match(cert.subjectAltName ?? '', /IP Address:127\.0\.0\.1/);
  assert.match(cert.subjectAltName ?? '', /DNS:kyverno-svc\.kyverno\.svc/);
  assert.equal(await renewer.validateCert(), true);
  const before = api.calls.length;
  await renewer.reconcile();
  assert.equal(api.calls.length, before, 'valid material is not rewritten');
  // a pair that someone else created is never rewritten
  const foreign = new MemoryKubeApi();
  foreign.seed(SECRETS, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'kyverno-svc.kyverno.svc.kyverno-tls-pair', namespace: 'kyverno' }, data: { 'tls.crt': Buffer.from('junk').toString('base64') } });
  assert.equal(await new SecretCertStore(foreign, 'kyverno', 'kyverno-svc').managed(), false);
});

test('a blocked request hands its policy responses to onBlocked (in-cluster: `fail (blocked)` events)', async () => {
  const { startTestServer, admissionReview, pod, requireTeamPolicy } = await import('./harness.ts');
  const blocked: string[] = [];
  const srv = await startTestServer({
    policies: requireTeamPolicy({ message: `"label 'team' is required"` }),
    resources: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: default\n',
    server: { onBlocked: (rs) => blocked.push(...rs.map((r) => `${r.policy.metadata.name}:${r.policyResponse.rules.map((x) => `${x.name}=${x.status}`).join(',')}`)) },
  });
  try {
    const denied = await srv.review('/validate/fail', admissionReview({ object: pod('p1') }));
    assert.equal(denied.allowed, false);
    const allowed = await srv.review('/validate/fail', admissionReview({ object: pod('p2', 'default', { metadata: { labels: { team: 'a' } } }) }));
    assert.equal(allowed.allowed, true);
    assert.deepEqual(blocked, ['require-team:check-team=fail']);
  } finally {
    await srv.close();
  }
});

test("goingDown (Kyverno's IsGoingDown): only in the cluster, when the Deployment is gone, being deleted or scaled to 0", async () => {
  const { goingDown } = await import('../../src/server/in-cluster.ts');
  const api = new MemoryKubeApi();
  const res = api.res('apps/v1', 'Deployment');
  const base = { api, kyvernoNamespace: 'kyverno', deploymentName: 'kyverno-admission-controller', log: discardLogger };
  assert.equal(await goingDown(base), true, 'gone');
  assert.equal(await goingDown({ ...base, serverIP: '127.0.0.1:9443' }), false, 'out of the cluster (debug): never');
  assert.equal(await goingDown({ ...base, deploymentName: undefined }), false, 'unknown Deployment: never');
  const d = api.seed(res, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'kyverno-admission-controller', namespace: 'kyverno' }, spec: { replicas: 3 } });
  assert.equal(await goingDown(base), false, 'running');
  await api.update(res, { ...d, spec: { replicas: 0 } });
  assert.equal(await goingDown(base), true, 'scaled to 0');
});

test('a PolicyException selecting namespaces by label applies although no policy uses a namespaceSelector (Kyverno reads the namespace in cluster mode)', async () => {
  const { startTestServer, admissionReview, pod, requireTeamPolicy } = await import('./harness.ts');
  const srv = await startTestServer({
    policies: `
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: require-team
spec:
  background: false
  rules:
  - name: check-team
    match:
      any:
      - resources:
          kinds: [Pod]
    validate:
      failureAction: Enforce
      message: "label 'team' is required"
      pattern:
        metadata:
          labels:
            team: "?*"
---
apiVersion: kyverno.io/v2
kind: PolicyException
metadata:
  name: production-exempt
  namespace: exceptions
spec:
  exceptions:
  - policyName: require-team
    ruleNames: [check-team]
  match:
    any:
    - resources:
        kinds: [Pod]
        namespaceSelector:
          matchLabels:
            env: production
`,
    resources: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: prod\n  labels:\n    env: production\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: dev\n',
    server: { exceptions: { enabled: true, namespace: '*' } },
  });
  try {
    assert.equal((await srv.review('/validate/fail', admissionReview({ object: pod('p', 'prod') }))).allowed, true, 'exempt in a production namespace');
    const denied = await srv.review('/validate/fail', admissionReview({ object: pod('p', 'dev') }));
    assert.equal(denied.allowed, false, 'enforced elsewhere');
    assert.match(denied.status?.message ?? '', /check-team: 'validation error: label ''team'' is required/);
    assert.equal((await srv.review('/validate/fail', admissionReview({ object: pod('p', 'missing') }))).allowed, false, 'an unknown namespace matches no exception');
  } finally {
    await srv.close();
  }
});
