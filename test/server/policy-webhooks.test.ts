/**
 * The policy, exception and verify webhooks, the probes and /metrics (pkg/webhooks/policy,
 * pkg/webhooks/exception, handlers/verify.go, handlers/probe.go, pkg/metrics). Policies of the chainsaw
 * suite (../shared/conformance) are sent as their admission requests, with the suite's expected texts.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { JsonObject } from '../../src/engine/api/json.ts';
import { admissionReview, decodePatch, pod, requireTeamPolicy, startTestServer, type TestServer } from './harness.ts';

const chainsaw = join(import.meta.dirname, '..', '..', '..', 'shared', 'conformance', 'kyverno-chainsaw');

const policyReview = (object: JsonObject, operation = 'CREATE', oldObject?: JsonObject) => {
  const [group, version] = String(object['apiVersion']).split('/');
  const kind = String(object['kind']);
  const resource = kind === 'ClusterPolicy' ? 'clusterpolicies' : kind === 'Policy' ? 'policies' : 'policyexceptions';
  return admissionReview({ object, oldObject, operation, kind: { group: group!, version: version!, kind }, resource: { group: group!, version: version!, resource } });
};

let s: TestServer;
before(async () => {
  s = await startTestServer({
    policies: requireTeamPolicy(),
    server: { exceptions: { enabled: true, namespace: 'kyverno' } },
  });
});
after(async () => {
  await s.close();
});

const VALID = {
  apiVersion: 'kyverno.io/v1',
  kind: 'ClusterPolicy',
  metadata: { name: 'ok-policy' },
  spec: {
    rules: [{ name: 'r', match: { any: [{ resources: { kinds: ['Pod'] } }] }, validate: { failureAction: 'Audit', message: 'm', pattern: { metadata: { name: '?*' } } } }],
  },
};

test('/policyvalidate admits a valid policy with the deprecation warning of the kind', async () => {
  const r = await s.review('/policyvalidate', policyReview(VALID));
  assert.equal(r.allowed, true);
  assert.deepEqual(r.warnings, [
    'ClusterPolicy (kyverno.io) is deprecated and will be removed in a future release; migrate to ValidatingPolicy, MutatingPolicy, GeneratingPolicy or ImageValidatingPolicy (policies.kyverno.io), see https://kyverno.io/docs/guides/migration-to-cel/',
  ]);
});

test('/policyvalidate rejects an invalid policy with Kyverno\'s message', async () => {
  const bad = structuredClone(VALID) as JsonObject;
  ((bad['spec'] as JsonObject)['rules'] as JsonObject[])[0]!['validate'] = { failureAction: 'Audit', message: 'm' };
  const r = await s.review('/policyvalidate', policyReview(bad));
  assert.equal(r.allowed, false);
  assert.match(r.status?.message ?? '', /one of pattern, anyPattern, deny, foreach, cel must be specified/);
  const ns = structuredClone(VALID) as JsonObject;
  (ns['metadata'] as JsonObject)['namespace'] = 'default';
  const r2 = await s.review('/policyvalidate', policyReview(ns));
  assert.equal(r2.status?.message, 'A clusterpolicy should not have the namespace defined');
});

test('/policyvalidate: chainsaw invalid-pod-security-rule', { skip: !existsSync(chainsaw) && 'conformance data not present' }, async () => {
  const dir = join(chainsaw, 'policy-validation', 'cluster-policy', 'invalid-pod-security-rule');
  const p1 = parse(readFileSync(join(dir, 'policy-1.yaml'), 'utf8')) as JsonObject;
  const r1 = await s.review('/policyvalidate', policyReview(p1));
  assert.equal(r1.allowed, false);
  assert.ok(r1.status?.message?.includes('spec.rules[0].podSecurity.exclude[0].values'), r1.status?.message);
  assert.ok(r1.status?.message?.includes('values is required'), r1.status?.message);
  const p2 = parse(readFileSync(join(dir, 'policy-2.yaml'), 'utf8')) as JsonObject;
  const r2 = await s.review('/policyvalidate', policyReview(p2));
  assert.equal(r2.allowed, false);
  assert.ok(r2.status?.message?.includes('spec.rules[0].podSecurity.exclude[0].restrictedField'), r2.status?.message);
  assert.ok(r2.status?.message?.includes('restrictedField is required'), r2.status?.message);
});

test('/policyvalidate: chainsaw deprecated-operations warning', { skip: !existsSync(chainsaw) && 'conformance data not present' }, async () => {
  const dir = join(chainsaw, 'policy-validation', 'cluster-policy', 'deprecated-operations');
  const p = parse(readFileSync(join(dir, 'policy-deprecated-operator.yaml'), 'utf8')) as JsonObject;
  const r = await s.review('/policyvalidate', policyReview(p));
  assert.equal(r.allowed, true);
  assert.ok(r.warnings?.some((w) => w.includes('Operator NotIn has been deprecated and will be removed soon.')), JSON.stringify(r.warnings));
});

test('/policyvalidate: a schema violation gets the API server\'s message', async () => {
  const bad = structuredClone(VALID) as JsonObject;
  (bad['spec'] as JsonObject)['validationFailureAction'] = 'Deny';
  const r = await s.review('/policyvalidate', policyReview(bad));
  assert.equal(r.allowed, false);
  assert.match(r.status?.message ?? '', /^ClusterPolicy\.kyverno\.io "ok-policy" is invalid: spec\.validationFailureAction: Unsupported value: "Deny"/);
});

test('/policyvalidate ignores subresource requests and non-object bodies are refused', async () => {
  const review = policyReview(VALID);
  (review['request'] as JsonObject)['subResource'] = 'status';
  (review['request'] as JsonObject)['object'] = 'garbage';
  assert.equal((await s.review('/policyvalidate', review)).allowed, true);
  const bad = policyReview(VALID);
  (bad['request'] as JsonObject)['object'] = [1, 2];
  const r = await s.review('/policyvalidate', bad);
  assert.equal(r.allowed, false);
  assert.equal(r.status?.message, 'json: cannot unmarshal array into Go value of type v1.ClusterPolicy');
});

test('/policymutate admits', async () => {
  const r = await s.review('/policymutate', policyReview(VALID));
  assert.deepEqual(r, { uid: r.uid, allowed: true });
});

test('/exceptionvalidate rejects invalid exceptions and warns about where they apply', async () => {
  const polex = {
    apiVersion: 'kyverno.io/v2',
    kind: 'PolicyException',
    metadata: { name: 'e', namespace: 'elsewhere' },
    spec: { exceptions: [{ policyName: '', ruleNames: ['r'] }], match: { any: [{ resources: { kinds: ['Pod'] } }] } },
  };
  const r = await s.review('/exceptionvalidate', policyReview(polex));
  assert.equal(r.allowed, false);
  assert.equal(r.status?.message, 'spec.exceptions[0].policyName: Required value: An exception requires a policy name');
  assert.deepEqual(r.warnings, [
    'PolicyException resource namespace must match the defined namespace.',
    'PolicyException (kyverno.io) is deprecated and will be removed in a future release; migrate to PolicyException (policies.kyverno.io), see https://kyverno.io/docs/guides/migration-to-cel/',
  ]);
  const ok = structuredClone(polex);
  ok.metadata.namespace = 'kyverno';
  ok.spec.exceptions[0]!.policyName = 'require-team';
  const r2 = await s.review('/exceptionvalidate', policyReview(ok));
  assert.equal(r2.allowed, true);
  assert.equal(r2.warnings?.length, 1);
});

test('/verifymutate stamps kyverno-health only', async () => {
  const lease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'kyverno-health', namespace: 'kyverno', annotations: {} } };
  const r = await s.review('/verifymutate', admissionReview({ object: lease, operation: 'UPDATE', oldObject: lease, resource: { group: 'coordination.k8s.io', version: 'v1', resource: 'leases' } }));
  assert.equal(r.allowed, true);
  const patch = decodePatch(r.patch) as Array<{ path: string; op: string; value: string }>;
  assert.equal(patch.length, 1);
  assert.equal(patch[0]!.path, '/metadata/annotations/kyverno.io~1last-request-time');
  assert.equal(patch[0]!.op, 'replace');
  assert.match(patch[0]!.value, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  const other = { ...lease, metadata: { name: 'other', namespace: 'kyverno' } };
  const r2 = await s.review('/verifymutate', admissionReview({ object: other, operation: 'UPDATE', resource: { group: 'coordination.k8s.io', version: 'v1', resource: 'leases' } }));
  assert.equal(r2.patch, undefined);
});

test('/health/liveness and /health/readiness', async () => {
  assert.equal((await s.get('/health/liveness')).status, 200);
  assert.equal((await s.get('/health/readiness')).status, 200);
  const post = await s.post('/health/liveness', '{}');
  assert.equal(post.status, 405);
  assert.equal(post.body, 'Method Not Allowed\n');
  const missing = await s.get('/nope');
  assert.equal(missing.status, 404);
  assert.equal(missing.body, '404 page not found\n');
});

test('/metrics exposes Kyverno\'s admission and policy metrics', async () => {
  await s.review('/validate/fail', admissionReview({ object: pod('metric-pod', 'metrics-ns') }));
  const r = await s.get('/metrics');
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
  const body = r.body;
  assert.ok(
    body.includes(
      'kyverno_admission_requests_total{resource_kind="Pod",resource_namespace="metrics-ns",resource_request_operation="create",request_allowed="false",request_webhook="ValidatingWebhookConfiguration"} 1',
    ),
    body,
  );
  assert.match(body, /kyverno_admission_review_duration_seconds_bucket\{resource_kind="Pod",resource_namespace="metrics-ns",resource_request_operation="create",request_allowed="false",request_webhook="ValidatingWebhookConfiguration",le="0\.005"\} \d+/);
  assert.ok(
    body.includes(
      'kyverno_policy_results_total{policy_validation_mode="enforce",policy_type="cluster",policy_background_mode="false",policy_namespace="-",policy_name="require-team",resource_kind="Pod",resource_namespace="metrics-ns",resource_request_operation="create",rule_name="check-team",rule_result="fail",rule_type="validate",rule_execution_cause="admission_request",dry_run="false"} 1',
    ),
  );
  assert.match(body, /# TYPE kyverno_policy_execution_duration_seconds histogram/);
  assert.match(body, /kyverno_info\{version="test"\} 1/);
  assert.match(body, /kyverno_http_requests_total\{http_method="POST",http_url="\/validate\/fail",request_webhook="ValidatingWebhookConfiguration"\} \d+/);
});
