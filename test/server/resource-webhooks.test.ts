/**
 * The resource webhooks over HTTP, in process: verdicts, messages, warnings, patches and the request
 * semantics of Kyverno's admission controller (pkg/webhooks/resource). Expected texts follow Kyverno's
 * formats (pkg/webhooks/utils/block.go, warning.go; the chainsaw suite's emit-warning check).
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { admissionReview, decodePatch, pod, startTestServer, type TestServer } from './harness.ts';

const POLICIES = `
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: require-team
spec:
  validationFailureAction: Enforce
  background: false
  rules:
  - name: check-team
    match:
      any:
      - resources:
          kinds: [Pod]
    exclude:
      any:
      - resources:
          namespaces: [exempt]
    validate:
      message: "label 'team' is required"
      pattern:
        metadata:
          labels:
            team: "?*"
---
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: check-label-app
spec:
  emitWarning: true
  background: false
  rules:
  - name: check-label-app
    match:
      any:
      - resources:
          kinds: [Pod]
    validate:
      message: The label 'app' is required.
      failureAction: Audit
      pattern:
        metadata:
          labels:
            app: "?*"
---
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: audit-owner
spec:
  background: false
  rules:
  - name: check-owner
    match:
      any:
      - resources:
          kinds: [Pod]
    validate:
      message: owner label is recommended
      pattern:
        metadata:
          labels:
            owner: "?*"
---
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: add-mutated-label
spec:
  background: false
  rules:
  - name: add-label
    match:
      any:
      - resources:
          kinds: [ConfigMap]
    mutate:
      patchStrategicMerge:
        metadata:
          labels:
            mutated: "true"
---
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: no-delete
spec:
  validationFailureAction: Enforce
  background: false
  rules:
  - name: block-delete
    match:
      any:
      - resources:
          kinds: [ConfigMap]
          operations: [DELETE]
    validate:
      message: deleting configmaps is not allowed
      deny: {}
---
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: no-exec
spec:
  validationFailureAction: Enforce
  background: false
  rules:
  - name: block-exec
    match:
      any:
      - resources:
          kinds: [Pod/exec]
    validate:
      message: exec into pods is not allowed
      deny: {}
`;

let s: TestServer;
before(async () => {
  s = await startTestServer({ policies: POLICIES });
});
after(async () => {
  await s.close();
});

const labelled = (name: string, labels: Record<string, string>, ns = 'default') => pod(name, ns, { metadata: { labels } });

test('Enforce failure denies with Kyverno\'s block message', async () => {
  const r = await s.review('/validate/fail', admissionReview({ object: labelled('p1', { app: 'a', owner: 'o' }) }));
  assert.equal(r.allowed, false);
  assert.equal(r.status?.status, 'Failure');
  assert.deepEqual(r.status?.metadata, {});
  assert.equal(
    r.status?.message,
    "\n\nresource Pod/default/p1 was blocked due to the following policies \n\nrequire-team:\n  check-team: 'validation error: label ''team'' is required. rule check-team failed at path /metadata/labels/team/'\n",
  );
  assert.equal(r.warnings, undefined, 'a denied request carries no warnings');
});

test('passing Enforce admits; Audit with emitWarning warns (chainsaw emit-warning)', async () => {
  // a pod without labels in the namespace require-team excludes: the chainsaw test's exact warning
  const r = await s.review('/validate/fail', admissionReview({ object: pod('p2', 'exempt') }));
  assert.equal(r.allowed, true);
  assert.equal(r.status, undefined);
  assert.deepEqual(r.warnings, [
    "policy check-label-app.check-label-app: validation error: The label 'app' is required. rule check-label-app failed at path /metadata/labels/",
  ]);
  const r2 = await s.review('/validate/fail', admissionReview({ object: labelled('p2b', { team: 't', owner: 'o' }) }));
  assert.deepEqual(r2.warnings, [
    "policy check-label-app.check-label-app: validation error: The label 'app' is required. rule check-label-app failed at path /metadata/labels/app/",
  ]);
});

test('Audit failures without emitWarning admit silently and are recorded for reports after the answer', async () => {
  const before = s.reports.total;
  const obj = labelled('p3', { team: 't', app: 'a' });
  (obj['metadata'] as Record<string, unknown>)['uid'] = 'pod-uid-3';
  const r = await s.review('/validate/fail', admissionReview({ object: obj }));
  assert.equal(r.allowed, true);
  assert.equal(r.warnings, undefined);
  await s.server.audit.drain();
  const audits = s.reports.records.slice(before).filter((x) => x.source === 'audit');
  assert.equal(audits.length, 1);
  assert.deepEqual(audits[0]!.resource, { apiVersion: 'v1', kind: 'Pod', namespace: 'default', name: 'p3', uid: 'pod-uid-3' });
  const owner = audits[0]!.results.find((r) => r.policy === 'audit-owner');
  assert.deepEqual(owner, { policy: 'audit-owner', rule: 'check-owner', result: 'fail', message: 'validation error: owner label is recommended. rule check-owner failed at path /metadata/labels/owner/' });
});

test('dryRun: same verdict, nothing recorded for reports', async () => {
  const before = s.reports.total;
  const obj = labelled('p4', { team: 't', app: 'a' });
  (obj['metadata'] as Record<string, unknown>)['uid'] = 'pod-uid-4';
  const r = await s.review('/validate/fail', admissionReview({ object: obj, dryRun: true }));
  assert.equal(r.allowed, true);
  await s.server.audit.drain();
  assert.equal(s.reports.total, before);
  const denied = await s.review('/validate/fail', admissionReview({ object: labelled('p4b', { app: 'a' }), dryRun: true }));
  assert.equal(denied.allowed, false);
});

test('resources without uid are not recorded (NeedsReports)', async () => {
  const before = s.reports.total;
  await s.review('/validate/fail', admissionReview({ object: labelled('p5', { team: 't', app: 'a' }) }));
  await s.server.audit.drain();
  assert.equal(s.reports.total, before);
});

test('mutation returns a base64 JSONPatch (patchType JSONPatch)', async () => {
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm1', namespace: 'default' }, data: { a: 'b' } };
  const r = await s.review('/mutate/fail', admissionReview({ object: cm }));
  assert.equal(r.allowed, true);
  assert.equal(r.patchType, 'JSONPatch');
  assert.equal(Buffer.from(r.patch!, 'base64').toString('utf8'), '[{"op":"add","path":"/metadata/labels","value":{"mutated":"true"}}]');
  const cm2 = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm2', namespace: 'default', labels: { x: 'y' } } };
  const r2 = await s.review('/mutate', admissionReview({ object: cm2 }));
  assert.deepEqual(decodePatch(r2.patch), [{ op: 'add', path: '/metadata/labels/mutated', value: 'true' }]);
  const done = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm3', namespace: 'default', labels: { mutated: 'true' } } };
  const r3 = await s.review('/mutate/fail', admissionReview({ object: done }));
  assert.equal(r3.patch, undefined, 'no patch when nothing changes');
  assert.equal(r3.patchType, undefined);
});

test('mutation is filtered for DELETE; validation of DELETE uses oldObject', async () => {
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm-del', namespace: 'default' } };
  const m = await s.review('/mutate/fail', admissionReview({ oldObject: cm, operation: 'DELETE' }));
  assert.equal(m.allowed, true);
  assert.equal(m.patch, undefined);
  const v = await s.review('/validate/fail', admissionReview({ oldObject: cm, operation: 'DELETE' }));
  assert.equal(v.allowed, false);
  assert.equal(v.status?.message, '\n\nresource ConfigMap/default/cm-del was blocked due to the following policies \n\nno-delete:\n  block-delete: deleting configmaps is not allowed\n');
  const create = await s.review('/validate/fail', admissionReview({ object: cm }));
  assert.equal(create.allowed, true, 'the DELETE-only rule does not apply to CREATE');
});

test('subresources: pods/exec is matched as Pod/exec (top-level kind from discovery)', async () => {
  const opts = { apiVersion: 'v1', kind: 'PodExecOptions', command: ['sh'], container: 'app' };
  const r = await s.review(
    '/validate/fail',
    admissionReview({
      object: opts,
      operation: 'CONNECT',
      kind: { group: '', version: 'v1', kind: 'PodExecOptions' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      subResource: 'exec',
      namespace: 'default',
      name: 'p1',
    }),
  );
  assert.equal(r.allowed, false);
  assert.match(r.status?.message ?? '', /no-exec:\n {2}block-exec: exec into pods is not allowed/);
  // the Pod rules do not apply to the subresource
  assert.doesNotMatch(r.status?.message ?? '', /require-team/);
});

test('the excluded namespace is not checked', async () => {
  const r = await s.review('/validate/fail', admissionReview({ object: labelled('p6', { app: 'a' }, 'exempt') }));
  assert.equal(r.allowed, true);
});

test('uid is echoed and v1beta1 reviews are answered as v1beta1', async () => {
  const review = admissionReview({ object: labelled('p7', { team: 't', app: 'a' }), apiVersion: 'admission.k8s.io/v1beta1' });
  (review['request'] as Record<string, unknown>)['uid'] = 'my-uid-42';
  const res = await s.post('/validate/fail', review);
  assert.equal(res.status, 200);
  assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
  const body = JSON.parse(res.body);
  assert.equal(body.apiVersion, 'admission.k8s.io/v1beta1');
  assert.equal(body.kind, 'AdmissionReview');
  assert.equal(body.response.uid, 'my-uid-42');
  assert.equal(body.request, undefined);
});

test('the API server\'s ?timeout query is ignored by routing', async () => {
  const res = await s.post('/validate/fail?timeout=10s', admissionReview({ object: labelled('p8', { team: 't', app: 'a' }) }));
  assert.equal(res.status, 200);
});

test('a rule error blocks under failurePolicy Fail and warns under Ignore', async () => {
  const policy = (name: string, fp: string) => `
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: ${name}
spec:
  validationFailureAction: Enforce
  failurePolicy: ${fp}
  background: false
  rules:
  - name: bad-variable
    match:
      any:
      - resources:
          kinds: [Pod]
    validate:
      message: never shown
      deny:
        conditions:
          any:
          - key: "{{ request.object.spec.nothere.deeper }}"
            operator: Equals
            value: x
`;
  const t = await startTestServer({ policies: policy('broken-fail', 'Fail') + '---' + policy('broken-ignore', 'Ignore') });
  try {
    const f = await t.review('/validate/fail', admissionReview({ object: pod('e1') }));
    assert.equal(f.allowed, false);
    assert.match(f.status?.message ?? '', /^\n\nresource Pod\/default\/e1 was blocked due to the following policies \n\nbroken-fail:\n {2}bad-variable: /);
    assert.doesNotMatch(f.status?.message ?? '', /broken-ignore/, 'the fail path only evaluates Fail policies');
    const i = await t.review('/validate/ignore', admissionReview({ object: pod('e2') }));
    assert.equal(i.allowed, true);
    assert.equal(i.warnings?.length, 1);
    assert.match(i.warnings?.[0] ?? '', /^policy broken-ignore\.bad-variable: /);
    // the bare path evaluates both: Fail becomes sticky and the errors block
    const all = await t.review('/validate', admissionReview({ object: pod('e3') }));
    assert.equal(all.allowed, false);
    assert.match(all.status?.message ?? '', /broken-fail:\n {2}bad-variable: .*\nbroken-ignore:\n {2}bad-variable: /s);
  } finally {
    await t.close();
  }
});

test('mutation: an errored rule blocks under Fail (Kyverno\'s message), warns with emitWarning under Ignore', async () => {
  const policy = (name: string, fp: string, emit: boolean) => `
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: ${name}
spec:
  failurePolicy: ${fp}
  emitWarning: ${emit}
  background: false
  rules:
  - name: unresolvable
    match:
      any:
      - resources:
          kinds: [Secret]
    mutate:
      patchStrategicMerge:
        metadata:
          labels:
            x: "{{ request.object.spec.nothere.deeper }}"
  - name: add-label
    match:
      any:
      - resources:
          kinds: [Secret]
    mutate:
      patchStrategicMerge:
        metadata:
          labels:
            ${name}: "yes"
`;
  const t = await startTestServer({ policies: policy('bad-fail', 'Fail', false) + '---' + policy('bad-ignore', 'Ignore', true) });
  try {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'default' } };
    const f = await t.review('/mutate/fail', admissionReview({ object: secret }));
    assert.equal(f.allowed, false);
    assert.equal(
      f.status?.message,
      'mutation policy bad-fail error: failed to apply policy bad-fail rules [unresolvable: variable substitution failed: failed to resolve request.object.spec.nothere.deeper at path /mutate/patchStrategicMerge/metadata/labels/x: JMESPath query failed: Unknown key "spec" in path]',
    );
    const i = await t.review('/mutate/ignore', admissionReview({ object: secret }));
    assert.equal(i.allowed, true);
    assert.equal(i.patch, undefined, 'an unsuccessful policy contributes no patch');
    assert.equal(i.warnings?.length, 2, JSON.stringify(i.warnings));
    assert.match(i.warnings?.[0] ?? '', /^policy bad-ignore\.unresolvable: variable substitution failed/);
    assert.match(i.warnings?.[1] ?? '', /^policy bad-ignore\.add-label: /);
  } finally {
    await t.close();
  }
});

test('changes to downstream resources and clone sources reach the background sink though no policy matches them (handleNonTrigger); not on dry-run', async () => {
  const downstream = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'gen', namespace: 'default', labels: { 'app.kubernetes.io/managed-by': 'kyverno', 'generate.kyverno.io/policy-name': 'p' } }, data: { a: 'b' } };
  const source = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'src', namespace: 'default', labels: { 'generate.kyverno.io/clone-source': '' } } };
  const plain = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'plain', namespace: 'default' }, data: { a: 'b' } };
  const before = s.background.length;
  // whatever the verdict (no-delete denies deleting ConfigMaps): Kyverno hands the request on before it
  const send = async (review: Parameters<typeof admissionReview>[0]) => void (await s.review('/validate/fail', admissionReview(review)));
  await send({ operation: 'UPDATE', object: { ...downstream, data: { a: 'changed' } }, oldObject: downstream });
  await send({ operation: 'DELETE', oldObject: downstream });
  await send({ operation: 'DELETE', oldObject: source });
  // the labels are read on the old object: a new object carrying them is not a change to a downstream
  await send({ operation: 'CREATE', object: downstream });
  await send({ operation: 'UPDATE', object: plain, oldObject: plain });
  await send({ operation: 'DELETE', oldObject: downstream, dryRun: true });
  const got = s.background.slice(before);
  assert.deepEqual(
    got.map((r) => [r.attributes.request.operation, r.attributes.request.name, r.generatePolicies.length, r.mutateExistingPolicies.length]),
    [
      ['UPDATE', 'gen', 0, 0],
      ['DELETE', 'gen', 0, 0],
      ['DELETE', 'src', 0, 0],
    ],
  );
  assert.equal(got[0]?.policyByKey('require-team')?.metadata.name, 'require-team', 'the sink gets the policy listers');
});
