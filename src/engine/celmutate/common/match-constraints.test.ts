/**
 * matchConstraints matching. Expected values: k8s.io/apiserver webhook predicates rules_test.go
 * (operations, resources and subresources, scopes), namespace/object matcher behaviour
 * (namespace/matcher.go, object/matcher.go) and Kyverno's pkg/cel/matching (resource names,
 * generateName prefixes, exclusions).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonObject } from '../../api/json.ts';
import type { AdmissionAttributes } from './admission.ts';
import { matchConstraints, ruleMatches } from './match-constraints.ts';
import type { NamedRuleWithOperations } from './types.ts';

function attr(group: string, version: string, resource: string, subresource: string, operation: string, namespace = 'ns', extra: Partial<AdmissionAttributes> = {}): AdmissionAttributes {
  return {
    object: null,
    oldObject: null,
    kind: { group, version, kind: `k${resource}` },
    resource: { group, version, resource },
    subresource,
    namespace,
    name: 'name',
    operation,
    ...extra,
  };
}

const all = { apiGroups: ['*'], apiVersions: ['*'], operations: ['*'] };

const ruleCases: Array<{ name: string; rule: NamedRuleWithOperations; match: AdmissionAttributes[]; noMatch: AdmissionAttributes[] }> = [
  {
    name: 'operations: create',
    rule: { ...all, operations: ['CREATE'], resources: ['*'] },
    match: [attr('g', 'v', 'r', '', 'CREATE')],
    noMatch: [attr('g', 'v', 'r', '', 'UPDATE'), attr('g', 'v', 'r', '', 'DELETE'), attr('g', 'v', 'r', '', 'CONNECT')],
  },
  {
    name: 'operations: multiple',
    rule: { ...all, operations: ['UPDATE', 'DELETE'], resources: ['*'] },
    match: [attr('g', 'v', 'r', '', 'UPDATE'), attr('g', 'v', 'r', '', 'DELETE')],
    noMatch: [attr('g', 'v', 'r', '', 'CREATE'), attr('g', 'v', 'r', '', 'CONNECT')],
  },
  {
    name: 'groups: exact',
    rule: { ...all, apiGroups: ['g1', 'g2'], resources: ['*'] },
    match: [attr('g1', 'v', 'r', '', 'CREATE'), attr('g2', 'v2', 'r3', '', 'CREATE')],
    noMatch: [attr('g3', 'v', 'r', '', 'CREATE')],
  },
  {
    name: 'versions: exact',
    rule: { ...all, apiVersions: ['v1', 'v2'], resources: ['*'] },
    match: [attr('g1', 'v1', 'r', '', 'CREATE'), attr('g2', 'v2', 'r', '', 'CREATE')],
    noMatch: [attr('g1', 'v3', 'r', '', 'CREATE')],
  },
  {
    name: 'resources: no subresources',
    rule: { ...all, resources: ['*'] },
    match: [attr('g', 'v', 'r', '', 'CREATE'), attr('2', 'v', 'r2', '', 'CREATE')],
    noMatch: [attr('g', 'v', 'r', 'exec', 'CREATE'), attr('2', 'v', 'r2', 'proxy', 'CREATE')],
  },
  {
    name: 'resources: r & subresources',
    rule: { ...all, resources: ['r/*'] },
    match: [attr('g', 'v', 'r', '', 'CREATE'), attr('g', 'v', 'r', 'exec', 'CREATE')],
    noMatch: [attr('2', 'v', 'r2', '', 'CREATE'), attr('2', 'v', 'r2', 'proxy', 'CREATE')],
  },
  {
    name: 'resources: proxy or exec',
    rule: { ...all, resources: ['*/proxy', '*/exec'] },
    match: [attr('g', 'v', 'r', 'exec', 'CREATE'), attr('2', 'v', 'r2', 'proxy', 'CREATE')],
    noMatch: [attr('g', 'v', 'r', '', 'CREATE'), attr('2', 'v', 'r4', 'scale', 'CREATE')],
  },
  {
    name: 'scope: cluster',
    rule: { ...all, resources: ['*'], scope: 'Cluster' },
    match: [attr('g', 'v', 'r', '', 'CREATE', ''), attr('', 'v1', 'namespaces', '', 'CREATE', ''), attr('', 'v1', 'namespaces', '', 'CREATE', 'ns')],
    noMatch: [attr('g', 'v', 'r', '', 'CREATE', 'ns')],
  },
  {
    name: 'scope: namespaced',
    rule: { ...all, resources: ['*'], scope: 'Namespaced' },
    match: [attr('g', 'v', 'r', '', 'CREATE', 'ns')],
    noMatch: [attr('', 'v1', 'namespaces', '', 'CREATE', ''), attr('', 'v1', 'namespaces', '', 'CREATE', 'ns'), attr('g', 'v', 'r', '', 'CREATE', '')],
  },
];

for (const c of ruleCases) {
  test(`rule: ${c.name}`, () => {
    for (const a of c.match) assert.equal(ruleMatches(c.rule, a), true, JSON.stringify(a));
    for (const a of c.noMatch) assert.equal(ruleMatches(c.rule, a), false, JSON.stringify(a));
  });
}

const pods = { apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], operations: ['CREATE'] };
const pod = (labels?: Record<string, string>, name = 'p', generateName?: string): JsonObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { ...(name ? { name } : {}), ...(generateName ? { generateName } : {}), namespace: 'default', ...(labels ? { labels } : {}) },
});
const podAttr = (object: JsonObject, extra: Partial<AdmissionAttributes> = {}): AdmissionAttributes => ({
  ...attr('', 'v1', 'pods', '', 'CREATE', 'default'),
  object,
  name: typeof (object['metadata'] as JsonObject)['name'] === 'string' ? ((object['metadata'] as JsonObject)['name'] as string) : '',
  ...extra,
});

test('matchConstraints: no rules match everything; exclusions win', () => {
  assert.deepEqual(matchConstraints({}, podAttr(pod()), undefined), { matches: true });
  assert.deepEqual(matchConstraints(undefined, podAttr(pod()), undefined), { matches: true });
  assert.deepEqual(matchConstraints({ resourceRules: [pods], excludeResourceRules: [pods] }, podAttr(pod()), undefined), { matches: false });
});

test('matchConstraints: resource names and generateName prefixes', () => {
  const named = { resourceRules: [{ ...pods, resourceNames: ['web', 'api-'] }] };
  assert.deepEqual(matchConstraints(named, podAttr(pod(undefined, 'web')), undefined), { matches: true });
  assert.deepEqual(matchConstraints(named, podAttr(pod(undefined, 'db')), undefined), { matches: false });
  assert.deepEqual(matchConstraints(named, podAttr(pod(undefined, '', 'api-x')), undefined), { matches: true });
});

test('matchConstraints: object selector on the object or the old object', () => {
  const c = { resourceRules: [{ ...pods, operations: ['*'] }], objectSelector: { matchLabels: { app: 'web' } } };
  assert.deepEqual(matchConstraints(c, podAttr(pod({ app: 'web' })), undefined), { matches: true });
  assert.deepEqual(matchConstraints(c, podAttr(pod({ app: 'db' })), undefined), { matches: false });
  assert.deepEqual(matchConstraints(c, podAttr(pod({ app: 'db' }), { oldObject: pod({ app: 'web' }), operation: 'UPDATE' }), undefined), { matches: true });
});

test('matchConstraints: namespace selector uses the resolved namespace, else its name label', () => {
  const c = { resourceRules: [pods], namespaceSelector: { matchLabels: { env: 'prod' } } };
  const prod = { metadata: { name: 'default', labels: { env: 'prod' } } };
  assert.deepEqual(matchConstraints(c, podAttr(pod()), prod), { matches: true });
  assert.deepEqual(matchConstraints(c, podAttr(pod()), undefined), { matches: false });
  const byName = { resourceRules: [pods], namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'default' } } };
  assert.deepEqual(matchConstraints(byName, podAttr(pod()), undefined), { matches: true });
  // cluster-scoped requests (no namespace) always pass the namespace selector
  const nodes = { resourceRules: [{ ...all, resources: ['nodes'] }], namespaceSelector: { matchLabels: { env: 'prod' } } };
  assert.deepEqual(matchConstraints(nodes, attr('', 'v1', 'nodes', '', 'CREATE', ''), undefined), { matches: true });
});

test('matchConstraints: a Namespace being created is matched on its own labels', () => {
  const c = { resourceRules: [{ ...all, resources: ['namespaces'] }], namespaceSelector: { matchLabels: { team: 'a' } } };
  const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x', labels: { team: 'a' } } };
  assert.deepEqual(matchConstraints(c, { ...attr('', 'v1', 'namespaces', '', 'CREATE', ''), object: ns, name: 'x' }, undefined), { matches: true });
});

test('matchConstraints: selector errors surface only when the rules match', () => {
  const bad = { matchExpressions: [{ key: 'a', operator: 'In', values: [] }] };
  const c = { resourceRules: [pods], objectSelector: bad };
  const r = matchConstraints(c, podAttr(pod({ a: 'b' })), undefined);
  assert.equal(r.matches, false);
  assert.ok(r.error !== undefined);
  assert.deepEqual(matchConstraints({ resourceRules: [{ ...pods, resources: ['services'] }], objectSelector: bad }, podAttr(pod()), undefined), { matches: false });
});
