/**
 * What the server reads around a request: roles from RoleBindings/ClusterRoleBindings, namespace labels
 * for namespaceSelector (failing closed on a missing namespace), the `kyverno` ConfigMap's filters and
 * exclusions, failurePolicy paths, fine-grained paths, PolicyExceptions and managed-resource protection.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { admissionReview, pod, startTestServer } from './harness.ts';

const DENY_POD = (name: string, match: string, extra = '') => `
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: ${name}
spec:
  validationFailureAction: Enforce
  background: false
  ${extra}
  rules:
  - name: deny
    match:
      any:
      - ${match}
    validate:
      message: denied by ${name}
      deny: {}
`;

test('roles and clusterRoles come from the bindings (userInfo matching)', async () => {
  const t = await startTestServer({
    policies: DENY_POD('devs-only', `clusterRoles: [developer]\n        resources:\n          kinds: [Pod]`) + '---' + DENY_POD('ns-role', `roles: ["team-a:editor"]\n        resources:\n          kinds: [Pod]`),
    resources: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: devs
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: developer}
subjects:
- {kind: Group, name: devs}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: editors
  namespace: team-a
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: editor}
subjects:
- {kind: ServiceAccount, name: deployer}
`,
  });
  try {
    const dev = await t.review('/validate/fail', admissionReview({ object: pod('p'), userInfo: { username: 'bob', groups: ['devs'] } }));
    assert.equal(dev.allowed, false);
    assert.match(dev.status?.message ?? '', /devs-only:\n {2}deny: denied by devs-only/);
    const other = await t.review('/validate/fail', admissionReview({ object: pod('p'), userInfo: { username: 'carol', groups: ['ops'] } }));
    assert.equal(other.allowed, true);
    // a ServiceAccount subject without namespace takes the binding's
    const sa = await t.review(
      '/validate/fail',
      admissionReview({ object: pod('p', 'team-a'), userInfo: { username: 'system:serviceaccount:team-a:deployer', groups: ['system:serviceaccounts'] } }),
    );
    assert.equal(sa.allowed, false);
    assert.match(sa.status?.message ?? '', /ns-role:/);
  } finally {
    await t.close();
  }
});

test('namespaceSelector reads the namespace labels; a missing namespace fails closed', async () => {
  const t = await startTestServer({
    policies: DENY_POD('prod-only', `resources:\n          kinds: [Pod]\n          namespaceSelector:\n            matchLabels:\n              env: prod`),
    resources: `
apiVersion: v1
kind: Namespace
metadata:
  name: prod
  labels: {env: prod}
---
apiVersion: v1
kind: Namespace
metadata:
  name: dev
`,
  });
  try {
    const prod = await t.review('/validate/fail', admissionReview({ object: pod('p', 'prod') }));
    assert.equal(prod.allowed, false);
    const dev = await t.review('/validate/fail', admissionReview({ object: pod('p', 'dev') }));
    assert.equal(dev.allowed, true);
    const unknown = await t.review('/validate/fail', admissionReview({ object: pod('p', 'nowhere') }));
    assert.equal(unknown.allowed, false);
    assert.equal(unknown.status?.message, 'failed to create policy context: namespace "nowhere" not found');
  } finally {
    await t.close();
  }
});

test('the kyverno ConfigMap: resourceFilters and excluded groups skip requests; changes apply at once', async () => {
  const t = await startTestServer({ policies: DENY_POD('all-pods', 'resources:\n          kinds: [Pod]') });
  try {
    assert.equal((await t.review('/validate/fail', admissionReview({ object: pod('p', 'kube-system') }))).allowed, false);
    t.setConfig({ resourceFilters: '[Event,*,*][Pod,kube-system,*]', excludeGroups: 'system:nodes' });
    assert.equal((await t.review('/validate/fail', admissionReview({ object: pod('p', 'kube-system') }))).allowed, true);
    assert.equal((await t.review('/validate/fail', admissionReview({ object: pod('p', 'default') }))).allowed, false);
    const node = await t.review('/validate/fail', admissionReview({ object: pod('p'), userInfo: { username: 'system:node:n1', groups: ['system:nodes'] } }));
    assert.equal(node.allowed, true);
    t.setConfig({ excludeGroups: 'system:nodes,!system:masters' });
    const admin = await t.review('/validate/fail', admissionReview({ object: pod('p'), userInfo: { username: 'admin', groups: ['system:nodes', 'system:masters'] } }));
    assert.equal(admin.allowed, false, 'an inclusion wins over an exclusion');
  } finally {
    await t.close();
  }
});

test('failurePolicy paths and fine-grained paths select policies', async () => {
  const t = await startTestServer({
    policies: DENY_POD('strict', 'resources:\n          kinds: [Pod]') + '---' + DENY_POD('lenient', 'resources:\n          kinds: [Pod]', 'failurePolicy: Ignore'),
  });
  try {
    const fail = await t.review('/validate/fail', admissionReview({ object: pod('p') }));
    assert.match(fail.status?.message ?? '', /strict:/);
    assert.doesNotMatch(fail.status?.message ?? '', /lenient:/);
    const ignore = await t.review('/validate/ignore', admissionReview({ object: pod('p') }));
    assert.match(ignore.status?.message ?? '', /lenient:/);
    assert.doesNotMatch(ignore.status?.message ?? '', /strict:/);
    const fine = await t.review('/validate/ignore/finegrained/lenient', admissionReview({ object: pod('p') }));
    assert.match(fine.status?.message ?? '', /lenient:/);
    const wrongPath = await t.review('/validate/fail/finegrained/lenient', admissionReview({ object: pod('p') }));
    assert.equal(wrongPath.allowed, true, 'a fine-grained path only serves policies of its failure policy');
    const missing = await t.review('/validate/fail/finegrained/nope', admissionReview({ object: pod('p') }));
    assert.equal(missing.allowed, false);
    assert.equal(missing.status?.message, 'failed to fetch policy with key: key /nope: clusterpolicy.kyverno.io "nope" not found');
  } finally {
    await t.close();
  }
});

test('policies with webhookConfiguration.matchConditions only run on their fine-grained path', async () => {
  const t = await startTestServer({
    policies: DENY_POD('conditional', 'resources:\n          kinds: [Pod]', 'webhookConfiguration:\n    matchConditions:\n    - name: always\n      expression: "true"'),
  });
  try {
    assert.equal((await t.review('/validate/fail', admissionReview({ object: pod('p') }))).allowed, true);
    assert.equal((await t.review('/validate/fail/finegrained/conditional', admissionReview({ object: pod('p') }))).allowed, false);
  } finally {
    await t.close();
  }
});

const EXCEPTION = `
apiVersion: kyverno.io/v2
kind: PolicyException
metadata:
  name: allow-special
  namespace: policies
spec:
  exceptions:
  - policyName: all-pods
    ruleNames: [deny]
  match:
    any:
    - resources:
        kinds: [Pod]
        names: [special-*]
`;

test('PolicyExceptions apply only when enabled, from the configured namespace', async () => {
  for (const [exceptions, allowed] of [
    [undefined, false],
    [{ enabled: true, namespace: '*' }, true],
    [{ enabled: true, namespace: 'policies' }, true],
    [{ enabled: true, namespace: 'other' }, false],
    [{ enabled: true, namespace: '' }, false],
  ] as const) {
    const t = await startTestServer({ policies: DENY_POD('all-pods', 'resources:\n          kinds: [Pod]') + '---' + EXCEPTION, server: { exceptions } });
    try {
      const r = await t.review('/validate/fail', admissionReview({ object: pod('special-1') }));
      assert.equal(r.allowed, allowed, JSON.stringify(exceptions));
      assert.equal((await t.review('/validate/fail', admissionReview({ object: pod('ordinary') }))).allowed, false);
    } finally {
      await t.close();
    }
  }
});

test('protectManagedResources: only Kyverno service accounts change kyverno-managed objects', async () => {
  const t = await startTestServer({ policies: DENY_POD('unrelated', 'resources:\n          kinds: [Secret]'), server: { protectManagedResources: true } });
  try {
    const managed = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'm', namespace: 'default', labels: { 'app.kubernetes.io/managed-by': 'kyverno' } } };
    const user = await t.review('/validate/fail', admissionReview({ object: managed, operation: 'UPDATE', oldObject: managed }));
    assert.equal(user.allowed, false);
    assert.equal(user.status?.message, 'A kyverno managed resource can only be modified by kyverno');
    const kyverno = await t.review(
      '/validate/fail',
      admissionReview({ object: managed, operation: 'UPDATE', oldObject: managed, userInfo: { username: 'system:serviceaccount:kyverno:kyverno-admission-controller' } }),
    );
    assert.equal(kyverno.allowed, true);
    const nsController = await t.review(
      '/validate/fail',
      admissionReview({ oldObject: managed, operation: 'DELETE', userInfo: { username: 'system:serviceaccount:kube-system:namespace-controller' } }),
    );
    assert.equal(nsController.allowed, true);
  } finally {
    await t.close();
  }
});

test('Kyverno\'s own report and update-request kinds are filtered', async () => {
  const t = await startTestServer({ policies: DENY_POD('all', 'resources:\n          kinds: ["*"]') });
  try {
    const ur = { apiVersion: 'kyverno.io/v2', kind: 'UpdateRequest', metadata: { name: 'ur-1', namespace: 'kyverno' } };
    assert.equal((await t.review('/validate/fail', admissionReview({ object: ur, resource: { group: 'kyverno.io', version: 'v2', resource: 'updaterequests' } }))).allowed, true);
    assert.equal((await t.review('/validate/fail', admissionReview({ object: pod('p') }))).allowed, false);
  } finally {
    await t.close();
  }
});
