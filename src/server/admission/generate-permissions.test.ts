import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonObject } from '../../engine/api/json.ts';
import type { ResourceAttributes } from '../../k8s/client/access-review.ts';
import { GeneratePermissions, generateChecks, type ResourceLookup } from './generate-permissions.ts';

const BG = 'system:serviceaccount:kyverno:kyverno-background-controller';
const ADM = 'system:serviceaccount:kyverno:kyverno-admission-controller';

const RESOURCES = [
  { group: '', version: 'v1', kind: 'ServiceAccount', resource: 'serviceaccounts' },
  { group: '', version: 'v1', kind: 'Secret', resource: 'secrets' },
  { group: '', version: 'v1', kind: 'ConfigMap', resource: 'configmaps' },
  { group: '', version: 'v1', kind: 'Pod', resource: 'pods' },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRole', resource: 'clusterroles' },
  { group: 'networking.k8s.io', version: 'v1', kind: 'NetworkPolicy', resource: 'networkpolicies' },
];
const lookup: ResourceLookup = (group, version, kind) =>
  RESOURCES.filter((r) => r.group === group && (version === '*' || r.version === version) && r.kind === kind).map((r) => ({ ...r, subresource: '' }));

/** A grant: `user verb group/resource[/sub] [namespace]` (namespace `*`: any). */
type Grant = string;
function allowedBy(grants: readonly Grant[]) {
  return (user: string, a: ResourceAttributes): boolean =>
    grants.some((g) => {
      const [u, verb, res, ns = '*'] = g.split(' ') as [string, string, string, string?];
      const resource = [a.group, a.resource, ...(a.subresource ? [a.subresource] : [])].join('/');
      return u === user && verb === a.verb && res === resource && (ns === '*' || ns === a.namespace);
    });
}
const grant = (user: string, verbs: string, res: string, ns = '*'): Grant[] => verbs.split(',').map((v) => `${user} ${v} ${res} ${ns}`);

function review(policy: JsonObject): string {
  return JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 'u', kind: { group: 'kyverno.io', version: 'v1', kind: policy['kind'] }, operation: 'CREATE', object: policy } });
}
const policy = (generate: JsonObject, kind = 'Policy'): JsonObject => ({
  apiVersion: 'kyverno.io/v1',
  kind,
  metadata: { name: 'p', ...(kind === 'Policy' ? { namespace: 'ns' } : {}) },
  spec: { rules: [{ name: 'r', match: { any: [{ resources: { kinds: ['ConfigMap'] } }] }, generate }] },
});
const saClone = { apiVersion: 'v1', kind: 'ServiceAccount', name: 'sa', namespace: 'ns', synchronize: true, clone: { namespace: 'ns', name: 'regcred' } };

// [case, generate block, grants, expected [path, message] or undefined]
const table: Array<[string, JsonObject, Grant[], readonly [string, string] | undefined]> = [
  // chainsaw generate/validation/policy/permissions, before the ServiceAccount grant
  [
    'synchronized clone: the background controller lacks every verb',
    saClone,
    grant(ADM, 'list,get', '/serviceaccounts'),
    ['', `${BG} requires permissions get,create,update,delete for resource v1/ServiceAccount in namespace ns`],
  ],
  ['synchronized clone: both service accounts have their verbs', saClone, [...grant(ADM, 'list,get', '/serviceaccounts'), ...grant(BG, 'get,create,update,delete', '/serviceaccounts')], undefined],
  [
    'synchronized: the admission controller is checked first (list, get)',
    saClone,
    grant(ADM, 'get', '/serviceaccounts'),
    ['', `${ADM} requires permissions list for resource v1/ServiceAccount in namespace ns`],
  ],
  [
    'not synchronized: get and create only, no admission check',
    { apiVersion: 'v1', kind: 'ConfigMap', name: 'c', namespace: 'ns', data: { data: { a: 'b' } } },
    grant(BG, 'get,create', '/configmaps'),
    undefined,
  ],
  [
    'not synchronized: the missing verb only',
    { apiVersion: 'v1', kind: 'ConfigMap', name: 'c', namespace: 'ns', data: {} },
    grant(BG, 'get', '/configmaps'),
    ['', `${BG} requires permissions create for resource v1/ConfigMap in namespace ns`],
  ],
  [
    'a cluster-scoped kind: no namespace in the message',
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'c', data: {} },
    [],
    ['', `${BG} requires permissions get,create for resource rbac.authorization.k8s.io/v1/ClusterRole`],
  ],
  [
    'the namespace is taken literally, variables included',
    { apiVersion: 'v1', kind: 'ConfigMap', name: 'c', namespace: '{{request.object.metadata.name}}', data: {} },
    grant(BG, 'get,create', '/configmaps', 'other'),
    ['', `${BG} requires permissions get,create for resource v1/ConfigMap in namespace {{request.object.metadata.name}}`],
  ],
  ['a kind holding a variable is not checked', { apiVersion: 'v1', kind: '{{request.object.kind}}', name: 'c', namespace: 'ns', data: {} }, [], undefined],
  [
    'a subresource: its parent resource is mapped, the subresource reviewed',
    { apiVersion: 'v1', kind: 'Pod/status', name: 'c', namespace: 'ns', data: {} },
    grant(BG, 'get', '/pods/status'),
    ['', `${BG} requires permissions create for resource v1/Pod/status in namespace ns`],
  ],
  [
    'cloneList: only the first kind is checked',
    { namespace: 'ns', cloneList: { namespace: 'src', kinds: ['v1/Secret', 'v1/ConfigMap'] } },
    grant(BG, 'get,create', '/secrets'),
    undefined,
  ],
  [
    'cloneList: the first kind lacking a verb',
    { namespace: 'ns', cloneList: { namespace: 'src', kinds: ['v1/Secret', 'v1/ConfigMap'] } },
    grant(BG, 'get,create', '/configmaps'),
    ['', `${BG} requires permissions get,create for resource v1/Secret in namespace ns`],
  ],
  ['cloneList: a wildcard version maps the kind alone', { namespace: 'ns', cloneList: { namespace: 'src', kinds: ['*/Secret'] } }, grant(BG, 'get,create', '/secrets'), undefined],
  [
    'foreach: each entry, path foreach',
    { foreach: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'a', namespace: 'ns', data: {} }, { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', name: 'b', namespace: 'ns', data: {} }] },
    grant(BG, 'get,create', '/configmaps'),
    ['foreach', `${BG} requires permissions get,create for resource networking.k8s.io/v1/NetworkPolicy in namespace ns`],
  ],
  ['a kind discovery does not know', { apiVersion: 'example.com/v1', kind: 'Widget', name: 'w', namespace: 'ns', data: {} }, [], ['', 'failed to get GVR for kind example.com/v1/Widget']],
  ['no apiVersion: Kyverno cannot map `/Kind`', { kind: 'ConfigMap', name: 'c', namespace: 'ns', data: {} }, [], ['', 'failed to get GVR for kind /ConfigMap']],
];

for (const [name, generate, grants, expected] of table) {
  test(`generate permissions: ${name}`, async () => {
    const asked: string[] = [];
    const allowed = allowedBy(grants);
    const perms = new GeneratePermissions(
      {
        review: async (user, a) => {
          asked.push(`${user} ${a.verb} ${a.group}/${a.resource}/${a.subresource} ${a.namespace}`);
          return allowed(user, a);
        },
        backgroundUser: BG,
        admissionUser: ADM,
      },
      lookup,
    );
    const p = policy(generate);
    await perms.prepare(review(p));
    const rule = ((p['spec'] as JsonObject)['rules'] as JsonObject[])[0] as JsonObject;
    assert.deepEqual(perms.ruleError(rule), expected);
    assert.deepEqual(new Set(asked).size, asked.length, 'each review is made once');
  });
}

test('generate permissions: a review that fails rejects with its error', async () => {
  const perms = new GeneratePermissions(
    {
      review: async () => {
        throw new Error('subjectaccessreviews.authorization.k8s.io is forbidden: User "x" cannot create resource "subjectaccessreviews"');
      },
      backgroundUser: BG,
      admissionUser: ADM,
    },
    lookup,
  );
  const p = policy(saClone);
  await perms.prepare(review(p));
  const rule = ((p['spec'] as JsonObject)['rules'] as JsonObject[])[0] as JsonObject;
  assert.deepEqual(perms.ruleError(rule), ['', 'subjectaccessreviews.authorization.k8s.io is forbidden: User "x" cannot create resource "subjectaccessreviews"']);
});

test('generate permissions: nothing to prepare without generate rules, for other kinds or unreadable bodies; unprepared answers are not checked', async () => {
  let reviews = 0;
  const perms = new GeneratePermissions(
    {
      review: async () => {
        reviews++;
        return false;
      },
      backgroundUser: BG,
      admissionUser: ADM,
    },
    lookup,
  );
  const validate = { apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name: 'v' }, spec: { rules: [{ name: 'r', validate: { pattern: {} } }] } };
  assert.equal(perms.prepare(review(validate)), undefined);
  assert.equal(perms.prepare(review({ ...policy(saClone), kind: 'GeneratingPolicy' })), undefined);
  assert.equal(perms.prepare('{"request": "generate"'), undefined);
  assert.equal(reviews, 0);
  // no prepared answer (the review was never made): not checked
  assert.equal(perms.ruleError({ name: 'r', generate: saClone }), undefined);
});

test('generate permissions: answers expire', async () => {
  let now = 0;
  let allow = false;
  const perms = new GeneratePermissions({ review: async () => allow, backgroundUser: BG, admissionUser: ADM, answerTtlMs: 1000, now: () => now }, lookup);
  const gen = { apiVersion: 'v1', kind: 'ConfigMap', name: 'c', namespace: 'ns', data: {} };
  await perms.prepare(review(policy(gen)));
  assert.equal(perms.ruleError({ generate: gen })?.[1], `${BG} requires permissions get,create for resource v1/ConfigMap in namespace ns`);
  // a later policy is reviewed again: the new answer replaces the old one
  now = 5000;
  allow = true;
  await perms.prepare(review(policy(gen, 'ClusterPolicy')));
  assert.equal(perms.ruleError({ generate: gen }), undefined);
});

test('generate checks: Kyverno order and verbs', () => {
  const users = { background: 'bg', admission: 'adm' };
  assert.deepEqual(
    generateChecks({ generate: saClone }, users).map((c) => `${c.user}:${c.verbs.join(',')}:${c.gvk}`),
    ['adm:list,get:v1/ServiceAccount', 'bg:get,create,update,delete:v1/ServiceAccount'],
  );
  assert.deepEqual(generateChecks({ generate: { foreach: [] } }, users), []);
  assert.deepEqual(generateChecks({ validate: {} }, users), []);
});
