import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonObject } from '../api/json.ts';
import { validateCleanupPolicy } from './cleanup-policy.ts';

const podFilter = { resources: { kinds: ['Pod'] } };

function policy(kind: 'CleanupPolicy' | 'ClusterCleanupPolicy', spec: JsonObject, name = 'sweep'): JsonObject {
  return { apiVersion: 'kyverno.io/v2', kind, metadata: kind === 'CleanupPolicy' ? { name, namespace: 'ns' } : { name }, spec };
}

// cleanuppolicy.Validate (without the RBAC check): '' or the webhook's message
const table: Array<[string, JsonObject, string]> = [
  ['valid, every two minutes', policy('CleanupPolicy', { match: { any: [podFilter] }, schedule: '*/2 * * * *' }), ''],
  ['valid descriptor', policy('ClusterCleanupPolicy', { match: { all: [podFilter] }, schedule: '@hourly' }), ''],
  ['@every with a Go duration', policy('ClusterCleanupPolicy', { match: { all: [podFilter] }, schedule: '@every 1h30m' }), ''],
  [
    '@every without a duration',
    policy('ClusterCleanupPolicy', { match: { all: [podFilter] }, schedule: '@every often' }),
    'spec.schedule: Invalid value: "@every often": schedule spec in the cleanupPolicy is not in proper cron format',
  ],
  [
    'empty schedule',
    policy('ClusterCleanupPolicy', { match: { all: [podFilter] } }),
    'spec.schedule: Invalid value: "": schedule spec in the cleanupPolicy is not in proper cron format',
  ],
  [
    'schedule that is no cron',
    policy('CleanupPolicy', { match: { any: [podFilter] }, schedule: 'every-now-and-then' }),
    'spec.schedule: Invalid value: "every-now-and-then": schedule spec in the cleanupPolicy is not in proper cron format',
  ],
  [
    'six fields are not the standard syntax',
    policy('CleanupPolicy', { match: { any: [podFilter] }, schedule: '0 */2 * * * *' }),
    'spec.schedule: Invalid value: "0 */2 * * * *": schedule spec in the cleanupPolicy is not in proper cron format',
  ],
  [
    'subjects in match',
    policy('ClusterCleanupPolicy', { match: { any: [{ ...podFilter, subjects: [{ kind: 'User', name: 'dev' }] }] }, schedule: '* * * * *' }),
    'spec.match.any[0].subjects: Forbidden: Usage of user info is forbidden',
  ],
  [
    'roles and clusterRoles in match',
    policy('ClusterCleanupPolicy', { match: { all: [{ ...podFilter, roles: ['ns:r'], clusterRoles: ['c'] }] }, schedule: '* * * * *' }),
    '[spec.match.all[0].roles: Forbidden: Usage of user info is forbidden, spec.match.all[0].clusterRoles: Forbidden: Usage of user info is forbidden]',
  ],
  [
    'user info in exclude',
    policy('ClusterCleanupPolicy', { match: { any: [podFilter] }, exclude: { any: [{ clusterRoles: ['c'] }] }, schedule: '* * * * *' }),
    'spec.exclude.any[0].clusterRoles: Forbidden: Usage of user info is forbidden',
  ],
  [
    'imageRegistry context',
    policy('ClusterCleanupPolicy', { context: [{ name: 'img', imageRegistry: { reference: 'registry.example/app:1' } }], match: { any: [podFilter] }, schedule: '* * * * *' }),
    'spec.context: Invalid value: [{"name":"img","imageRegistry":{"reference":"registry.example/app:1"}}]: ImageRegistry is not allowed in CleanUp Policy',
  ],
  [
    'configMap context',
    policy('ClusterCleanupPolicy', { context: [{ name: 'cm', configMap: { name: 'settings', namespace: 'ns' } }], match: { any: [podFilter] }, schedule: '* * * * *' }),
    'spec.context: Invalid value: [{"name":"cm","configMap":{"name":"settings","namespace":"ns"}}]: ConfigMap is not allowed in CleanUp Policy',
  ],
  ['apiCall context is allowed', policy('ClusterCleanupPolicy', { context: [{ name: 'v', variable: { value: 1 } }], match: { any: [podFilter] }, schedule: '* * * * *' }), ''],
  [
    'namespaced policy filtering namespaces',
    policy('CleanupPolicy', { match: { any: [{ resources: { kinds: ['Pod'], namespaces: ['other'] } }] }, schedule: '* * * * *' }),
    'spec.match.any[0].namespaces: Forbidden: Filtering namespaces not allowed in namespaced policies',
  ],
  [
    'any and all together',
    policy('ClusterCleanupPolicy', { match: { any: [podFilter], all: [podFilter] }, schedule: '* * * * *' }),
    'spec.match: Invalid value: {"any":[{"resources":{"kinds":["Pod"]}}],"all":[{"resources":{"kinds":["Pod"]}}]}: Can\'t specify any and all together',
  ],
  [
    'exclude equal to match',
    policy('ClusterCleanupPolicy', { match: { any: [podFilter] }, exclude: { any: [podFilter] }, schedule: '* * * * *' }),
    'spec: Invalid value: {"match":{"any":[{"resources":{"kinds":["Pod"]}}]},"exclude":{"any":[{"resources":{"kinds":["Pod"]}}]},"schedule":"* * * * *"}: CleanupPolicy is matching an empty set',
  ],
  [
    'conditions on the target',
    policy('ClusterCleanupPolicy', { match: { any: [podFilter] }, conditions: { any: [{ key: '{{ target.metadata.name }}', operator: 'Equals', value: 'x' }] }, schedule: '* * * * *' }),
    '',
  ],
  [
    'a condition that is no JMESPath',
    policy('ClusterCleanupPolicy', { match: { any: [podFilter] }, conditions: { all: [{ key: '{{ target.metadata.[ }}', operator: 'Equals', value: 'x' }] }, schedule: '* * * * *' }),
    'variable substitution failed for policy sweep: failed to resolve target.metadata.[ at path /all/0/key: invalid JMESPath query',
  ],
];

for (const [name, p, want] of table) {
  test(`validateCleanupPolicy: ${name}`, () => {
    const got = validateCleanupPolicy(p);
    if (want.startsWith('variable substitution failed')) assert.ok(got.startsWith(want), got);
    else assert.equal(got, want);
  });
}

test('validateCleanupPolicy: cluster-scoped kinds in a namespaced policy', () => {
  const p = policy('CleanupPolicy', { match: { any: [{ resources: { kinds: ['Namespace'] } }] }, schedule: '* * * * *' });
  assert.equal(validateCleanupPolicy(p, { clusterResources: new Set(['Namespace', 'v1/Namespace']) }), "spec.match.any[0].kinds[0]: Forbidden: Cluster wide resource 'Namespace' not allowed in namespaced policy");
  assert.equal(validateCleanupPolicy({ ...p, kind: 'ClusterCleanupPolicy' }, { clusterResources: new Set(['Namespace']) }), '');
});
