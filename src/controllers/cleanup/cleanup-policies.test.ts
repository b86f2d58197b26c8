import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { parseKyvernoConfig } from '../../server/config.ts';
import { ApiError } from '../../k8s/client/errors.ts';
import { MemoryKubeApi } from '../../k8s/client/memory-api.ts';
import { ClusterContextPorts } from '../../k8s/client/context-ports.ts';
import type { KubeObject } from '../../k8s/client/types.ts';
import { controllerEngine } from '../runtime/engine.ts';
import type { EventInfo } from '../events/info.ts';
import { CLEANUP_POLICIES, CleanupPolicyController, CLUSTER_CLEANUP_POLICIES } from './cleanup-policies.ts';
import { nextRun, parseCron } from '../../engine/validation/cron.ts';

const at = (s: string) => new Date(s);

describe('controllers: cleanup policies', () => {
  test('cron: steps, ranges, lists, names, descriptors; next run strictly after', () => {
    assert.equal(nextRun(parseCron('*/1 * * * *'), at('2024-01-01T10:02:30Z'))?.toISOString(), '2024-01-01T10:03:00.000Z');
    assert.equal(nextRun(parseCron('*/5 * * * *'), at('2024-01-01T10:05:00Z'))?.toISOString(), '2024-01-01T10:10:00.000Z');
    assert.equal(nextRun(parseCron('0 2 * * *'), at('2024-01-01T10:05:00Z'))?.toISOString(), '2024-01-02T02:00:00.000Z');
    assert.equal(nextRun(parseCron('30 9 * * MON-FRI'), at('2024-01-06T00:00:00Z'))?.toISOString(), '2024-01-08T09:30:00.000Z', 'Saturday -> Monday');
    assert.equal(nextRun(parseCron('0 0 1 JAN,JUL *'), at('2024-02-01T00:00:00Z'))?.toISOString(), '2024-07-01T00:00:00.000Z');
    assert.equal(nextRun(parseCron('@hourly'), at('2024-01-01T10:00:00Z'))?.toISOString(), '2024-01-01T11:00:00.000Z');
    assert.equal(nextRun(parseCron('0 0 13 * 5'), at('2024-01-01T00:00:00Z'))?.toISOString(), '2024-01-05T00:00:00.000Z', 'day of month OR day of week when both are set');
    assert.equal(nextRun(parseCron('0 0 * * 7'), at('2024-01-01T00:00:00Z'))?.toISOString(), '2024-01-07T00:00:00.000Z', '7 is Sunday');
    assert.equal(nextRun(parseCron('0 0 30 2 *'), at('2024-01-01T00:00:00Z')), undefined, 'never');
    assert.throws(() => parseCron('* * * *'), /exactly 5 fields/);
    assert.throws(() => parseCron('61 * * * *'), /beyond the range of minute/);
    assert.throws(() => parseCron('*/0 * * * *'), /invalid step/);
    assert.throws(() => parseCron('x * * * *'), /failed to parse int/);
  });

  test('a run deletes what match, exclude and conditions (with target and context) select, only in a CleanupPolicy’s namespace', async () => {
    const api = new MemoryKubeApi();
    const pods = api.res('v1', 'Pod');
    const ns = api.res('v1', 'Namespace');
    api.seed(ns, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team', labels: { env: 'dev' } } });
    api.seed(ns, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other', labels: { env: 'prod' } } });
    const pod = (name: string, namespace: string, labels: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
    for (const p of [pod('old-a', 'team', { stale: 'true' }), pod('keep', 'team', { stale: 'false' }), pod('protected', 'team', { stale: 'true', keep: 'yes' }), pod('old-b', 'other', { stale: 'true' })]) api.seed(pods, p);
    const labels: Record<string, Record<string, string>> = { team: { env: 'dev' }, other: { env: 'prod' } };
    const engine = () => controllerEngine(parseKyvernoConfig({}), new ClusterContextPorts(api, { namespaceLabels: (n) => labels[n] }).ports());
    const events: EventInfo[] = [];
    const c = new CleanupPolicyController({ api, engine, namespaceLabels: (n) => labels[n], events: { add: (...e) => events.push(...e) } });
    const spec = {
      schedule: '*/1 * * * *',
      match: { any: [{ resources: { kinds: ['Pod'] } }] },
      exclude: { any: [{ resources: { selector: { matchLabels: { keep: 'yes' } } } }] },
      context: [
        { name: 'wanted', variable: { value: 'true' } },
        // an API call is fetched from the cluster while the conditions are evaluated
        { name: 'teamNs', apiCall: { urlPath: '/api/v1/namespaces/team', jmesPath: 'metadata.name' } },
      ],
      conditions: {
        all: [
          { key: '{{ target.metadata.labels.stale }}', operator: 'Equals', value: '{{ wanted }}' },
          { key: '{{ target.metadata.namespace }}', operator: 'AnyIn', value: ['{{ teamNs }}', 'other'] },
        ],
      },
    };
    const namespaced = { apiVersion: 'kyverno.io/v2', kind: 'CleanupPolicy', metadata: { name: 'stale', namespace: 'team' }, spec } as unknown as KubeObject;
    assert.equal(await c.execute(namespaced, CLEANUP_POLICIES, spec as never), 1);
    assert.equal(await api.get(pods, 'team', 'old-a'), undefined);
    assert.ok(await api.get(pods, 'team', 'keep'), 'condition false');
    assert.ok(await api.get(pods, 'team', 'protected'), 'excluded');
    assert.ok(await api.get(pods, 'other', 'old-b'), 'another namespace');

    const clusterSpec = { ...spec, match: { any: [{ resources: { kinds: ['Pod'], namespaceSelector: { matchLabels: { env: 'prod' } } } }] } };
    const cluster = { apiVersion: 'kyverno.io/v2', kind: 'ClusterCleanupPolicy', metadata: { name: 'stale-prod' }, spec: clusterSpec } as unknown as KubeObject;
    assert.equal(await c.execute(cluster, CLUSTER_CLEANUP_POLICIES, clusterSpec as never), 1);
    assert.equal(await api.get(pods, 'other', 'old-b'), undefined);
    assert.equal(c.deleted, 2);
    // Kyverno's NewCleanupPolicyEvent: on the policy (kyverno.io/v2), related to the deleted resource
    assert.deepEqual(events, [
      {
        regarding: { apiVersion: 'kyverno.io/v2', kind: 'CleanupPolicy', name: 'stale', namespace: 'team', uid: '' },
        related: { apiVersion: 'v1', kind: 'Pod', namespace: 'team', name: 'old-a', uid: '' },
        source: 'kyverno-cleanup',
        action: 'Resource Cleaned Up',
        reason: 'PolicyApplied',
        message: 'successfully cleaned up the target resource Pod/team/old-a',
      },
      {
        regarding: { apiVersion: 'kyverno.io/v2', kind: 'ClusterCleanupPolicy', name: 'stale-prod', namespace: '', uid: '' },
        related: { apiVersion: 'v1', kind: 'Pod', namespace: 'other', name: 'old-b', uid: '' },
        source: 'kyverno-cleanup',
        action: 'Resource Cleaned Up',
        reason: 'PolicyApplied',
        message: 'successfully cleaned up the target resource Pod/other/old-b',
      },
    ]);
  });

  test('a failed deletion raises a PolicyError event on the policy', async () => {
    const api = new MemoryKubeApi();
    const cms = api.res('v1', 'ConfigMap');
    api.seed(cms, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'locked', namespace: 'a' } });
    api.failNext('delete', new ApiError(403, 'Forbidden', 'configmaps "locked" is forbidden: no delete right'));
    const engine = () => controllerEngine(parseKyvernoConfig({}), new ClusterContextPorts(api, { namespaceLabels: () => ({}) }).ports());
    const events: EventInfo[] = [];
    const c = new CleanupPolicyController({ api, engine, namespaceLabels: () => ({}), events: { add: (...e) => events.push(...e) } });
    const spec = { schedule: '* * * * *', match: { any: [{ resources: { kinds: ['ConfigMap'] } }] } };
    const policy = { apiVersion: 'kyverno.io/v2', kind: 'ClusterCleanupPolicy', metadata: { name: 'sweep', uid: 'u-1' }, spec } as unknown as KubeObject;
    assert.equal(await c.execute(policy, CLUSTER_CLEANUP_POLICIES, spec as never), 0);
    assert.equal(events.length, 1);
    assert.equal(events[0]?.reason, 'PolicyError');
    assert.equal(events[0]?.action, 'None');
    assert.deepEqual(events[0]?.regarding, { apiVersion: 'kyverno.io/v2', kind: 'ClusterCleanupPolicy', name: 'sweep', namespace: '', uid: 'u-1' });
    assert.equal(events[0]?.message, 'failed to clean up the target resource ConfigMap/a/locked: configmaps "locked" is forbidden: no delete right');
  });
});
