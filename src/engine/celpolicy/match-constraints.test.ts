/**
 * matchConstraints matching. Cases re-expressed from kyverno/pkg/cel/matching/matcher_test.go
 * (v1.19.1) and the apiserver rules matcher (scope, subresources).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Resource } from '../api/json.ts';
import { matchConstraints, matchesResourceRules, type MatchAttributes } from './match-constraints.ts';
import type { MatchResources, NamedRuleWithOperations } from './types.ts';

function attrs(over: Partial<MatchAttributes> & { gvr: [string, string, string] }): MatchAttributes {
  const [group, version, resource] = over.gvr;
  return {
    resource: { group, version, resource },
    subresource: over.subresource ?? '',
    operation: over.operation ?? 'CREATE',
    name: over.name ?? 'name',
    namespace: over.namespace ?? 'ns',
    object: over.object ?? null,
    oldObject: over.oldObject ?? null,
  };
}

const rule = (groups: string[], versions: string[], resources: string[], extra: Partial<NamedRuleWithOperations> = {}): NamedRuleWithOperations => ({
  apiGroups: groups,
  apiVersions: versions,
  resources,
  operations: ['*'],
  ...extra,
});

const deployments = attrs({ gvr: ['apps', 'v1', 'deployments'] });
const pod: Resource = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'name', labels: { app: 'web' } } };

const cases: Array<{ name: string; criteria: MatchResources | undefined; attrs: MatchAttributes; ns?: Resource | null; matches: boolean; err?: string }> = [
  { name: 'wildcard rule, match as requested', criteria: { namespaceSelector: {}, objectSelector: {}, resourceRules: [rule(['*'], ['*'], ['*'])] }, attrs: deployments, matches: true },
  {
    name: 'specific rules, prefer exact match',
    criteria: { resourceRules: [rule(['extensions'], ['v1'], ['deployments']), rule(['apps'], ['v1beta1'], ['deployments']), rule(['apps'], ['v1'], ['deployments'])] },
    attrs: deployments,
    matches: true,
  },
  {
    name: 'specific rules, match miss (no equivalence)',
    criteria: { resourceRules: [rule(['extensions'], ['v1beta1'], ['deployments']), rule(['apps'], ['v1beta1'], ['deployments'])], matchPolicy: 'Equivalent' },
    attrs: deployments,
    matches: false,
  },
  {
    name: 'subresource exact match',
    criteria: { resourceRules: [rule(['apps'], ['v1'], ['deployments/scale'])] },
    attrs: attrs({ gvr: ['apps', 'v1', 'deployments'], subresource: 'scale' }),
    matches: true,
  },
  {
    name: 'subresource miss on the main resource',
    criteria: { resourceRules: [rule(['apps'], ['v1'], ['deployments'])] },
    attrs: attrs({ gvr: ['apps', 'v1', 'deployments'], subresource: 'scale' }),
    matches: false,
  },
  {
    name: 'wildcard subresource',
    criteria: { resourceRules: [rule(['apps'], ['v1'], ['deployments/*'])] },
    attrs: attrs({ gvr: ['apps', 'v1', 'deployments'], subresource: 'status' }),
    matches: true,
  },
  {
    name: 'name match',
    criteria: { resourceRules: [rule(['apps'], ['v1'], ['deployments'], { resourceNames: ['other', 'name'] })] },
    attrs: deployments,
    matches: true,
  },
  {
    name: 'name match miss',
    criteria: { resourceRules: [rule(['apps'], ['v1'], ['deployments'], { resourceNames: ['other'] })] },
    attrs: deployments,
    matches: false,
  },
  {
    name: 'exclude resource match on miss',
    criteria: { resourceRules: [rule(['*'], ['*'], ['*'])], excludeResourceRules: [rule(['extensions'], ['v1beta1'], ['deployments'])] },
    attrs: deployments,
    matches: true,
  },
  {
    name: 'exclude resource miss on match',
    criteria: { resourceRules: [rule(['*'], ['*'], ['*'])], excludeResourceRules: [rule(['apps'], ['v1'], ['deployments'])] },
    attrs: deployments,
    matches: false,
  },
  { name: 'treat empty ResourceRules as match', criteria: { excludeResourceRules: [rule(['extensions'], ['v1beta1'], ['deployments'])] }, attrs: deployments, matches: true },
  { name: 'treat non-empty ResourceRules as no match', criteria: { resourceRules: [{}] }, attrs: deployments, matches: false },
  { name: 'absent constraints match everything', criteria: undefined, attrs: deployments, matches: true },
  {
    name: 'erroring namespace selector on otherwise non-matching rule does not error',
    criteria: { namespaceSelector: { matchExpressions: [{ key: 'key ', operator: 'In', values: ['bad value'] }] }, resourceRules: [rule(['*'], ['*'], ['deployments'])] },
    attrs: attrs({ gvr: ['example.apiserver.k8s.io', 'v1', 'pods'], object: pod }),
    matches: false,
  },
  {
    name: 'erroring namespace selector on otherwise matching rule errors',
    criteria: { namespaceSelector: { matchExpressions: [{ key: 'key', operator: 'In', values: ['bad value'] }] }, resourceRules: [rule(['*'], ['*'], ['pods'])] },
    attrs: attrs({ gvr: ['example.apiserver.k8s.io', 'v1', 'pods'], object: pod }),
    matches: false,
    err: 'bad value',
  },
  {
    name: 'erroring object selector on otherwise non-matching rule does not error',
    criteria: { objectSelector: { matchExpressions: [{ key: 'key', operator: 'In', values: ['bad value'] }] }, resourceRules: [rule(['*'], ['*'], ['deployments'])] },
    attrs: attrs({ gvr: ['example.apiserver.k8s.io', 'v1', 'pods'], object: pod }),
    matches: false,
  },
  {
    name: 'erroring object selector on otherwise matching rule errors',
    criteria: { objectSelector: { matchExpressions: [{ key: 'key', operator: 'In', values: ['bad value'] }] }, resourceRules: [rule(['*'], ['*'], ['pods'])] },
    attrs: attrs({ gvr: ['example.apiserver.k8s.io', 'v1', 'pods'], object: pod }),
    matches: false,
    err: 'bad value',
  },
  {
    name: 'object selector on the new object',
    criteria: { objectSelector: { matchLabels: { app: 'web' } }, resourceRules: [rule([''], ['v1'], ['pods'])] },
    attrs: attrs({ gvr: ['', 'v1', 'pods'], object: pod }),
    matches: true,
  },
  {
    name: 'object selector on the old object (DELETE)',
    criteria: { objectSelector: { matchLabels: { app: 'web' } }, resourceRules: [rule([''], ['v1'], ['pods'])] },
    attrs: attrs({ gvr: ['', 'v1', 'pods'], operation: 'DELETE', oldObject: pod }),
    matches: true,
  },
  {
    name: 'namespace selector without a known namespace: kubernetes.io/metadata.name only',
    criteria: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ns' } }, resourceRules: [rule(['*'], ['*'], ['*'])] },
    attrs: deployments,
    matches: true,
  },
  {
    name: 'namespace selector with the namespace object',
    criteria: { namespaceSelector: { matchLabels: { env: 'prod' } }, resourceRules: [rule(['*'], ['*'], ['*'])] },
    attrs: deployments,
    ns: { metadata: { name: 'ns', labels: { env: 'prod' } } },
    matches: true,
  },
  {
    name: 'namespace selector does not apply to cluster-scoped requests',
    criteria: { namespaceSelector: { matchLabels: { env: 'prod' } }, resourceRules: [rule(['*'], ['*'], ['*'])] },
    attrs: attrs({ gvr: ['', 'v1', 'nodes'], namespace: '' }),
    matches: true,
  },
  {
    name: 'namespaces themselves: labels of the object created',
    criteria: { namespaceSelector: { matchLabels: { env: 'prod' } }, resourceRules: [rule([''], ['v1'], ['namespaces'])] },
    attrs: attrs({ gvr: ['', 'v1', 'namespaces'], namespace: '', name: 'n1', object: { metadata: { name: 'n1', labels: { env: 'prod' } } } }),
    matches: true,
  },
  {
    name: 'operation mismatch',
    criteria: { resourceRules: [rule(['apps'], ['v1'], ['deployments'], { operations: ['UPDATE'] })] },
    attrs: deployments,
    matches: false,
  },
  {
    name: 'scope Namespaced excludes cluster-scoped requests',
    criteria: { resourceRules: [rule(['*'], ['*'], ['*'], { scope: 'Namespaced' })] },
    attrs: attrs({ gvr: ['', 'v1', 'nodes'], namespace: '' }),
    matches: false,
  },
  {
    name: 'scope Cluster includes namespaces',
    criteria: { resourceRules: [rule(['*'], ['*'], ['*'], { scope: 'Cluster' })] },
    attrs: attrs({ gvr: ['', 'v1', 'namespaces'], namespace: 'n1' }),
    matches: true,
  },
];

for (const c of cases) {
  test(`matchConstraints: ${c.name}`, () => {
    const r = matchConstraints(c.criteria, c.attrs, c.ns);
    if (c.err) {
      assert.ok(r.error?.includes(c.err), `expected error containing ${c.err}, got ${r.error}`);
      assert.equal(r.matches, false);
    } else {
      assert.equal(r.error, undefined);
      assert.equal(r.matches, c.matches);
    }
  });
}

test('matchesResourceRules: generateName prefix when the name is empty', () => {
  const rules = [rule(['*'], ['*'], ['*/*'], { operations: ['CREATE'], resourceNames: ['test-prefix'] })];
  const a = attrs({ gvr: ['apps', 'v1', 'deployments'], name: '', namespace: 'default', object: { metadata: { generateName: 'test-prefix-' } } });
  assert.equal(matchesResourceRules(rules, a), true);
  assert.equal(matchesResourceRules(rules, { ...a, object: null }), false);
});
