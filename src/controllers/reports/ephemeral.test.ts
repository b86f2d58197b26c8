import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import type { KyvernoPolicy } from '../../engine/api/policy.ts';
import { ApiError } from '../../k8s/client/errors.ts';
import { MemoryKubeApi } from '../../k8s/client/memory-api.ts';
import { CLUSTER_EPHEMERAL_REPORTS, EPHEMERAL_REPORTS, EphemeralReportSink, parseEphemeralReport } from './ephemeral.ts';
import type { ReportResult } from './results.ts';

const policy = { apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name: 'p', resourceVersion: '7' }, spec: { rules: [] } } as unknown as KyvernoPolicy;
const result = (rule: string, r: ReportResult['result'], seconds = 100): ReportResult => ({ source: 'kyverno', policy: 'p', rule, message: '', result: r, scored: true, resources: [], timestamp: { seconds, nanos: 0 } });
const ref = (uid: string, namespace: string) => ({ uid, apiVersion: 'v1', kind: namespace === '' ? 'Namespace' : 'ConfigMap', namespace, name: `obj-${uid}` });

describe('controllers: ephemeral reports', () => {
  test('one report per resource and replica; results coalesce; cluster-scoped resources get a ClusterEphemeralReport', async () => {
    const api = new MemoryKubeApi();
    const sink = new EphemeralReportSink({ api, replicaId: 'r1', flushIntervalMs: 60_000 });
    sink.submitResults(ref('a', 'team'), policy, [result('r1', 'fail')]);
    sink.submitResults(ref('a', 'team'), policy, [result('r1', 'pass', 101), result('r2', 'pass')]);
    sink.submitResults(ref('n', ''), policy, [result('r1', 'pass')]);
    await sink.flush();
    const namespaced = (await api.list(EPHEMERAL_REPORTS, { namespace: 'team' })).items;
    assert.equal(namespaced.length, 1);
    const parsed = parseEphemeralReport(namespaced[0]!);
    assert.equal(parsed?.ref.uid, 'a');
    assert.deepEqual(parsed?.results.map((r) => `${r.rule}=${r.result}`), ['r1=pass', 'r2=pass']);
    assert.equal((await api.list(CLUSTER_EPHEMERAL_REPORTS, {})).items.length, 1);
    assert.equal(sink.written, 2);
    await sink.stop();
  });

  test('a write into a deleted namespace is dropped; other failures are kept for the next flush', async () => {
    const api = new MemoryKubeApi();
    const sink = new EphemeralReportSink({ api, replicaId: 'r1', flushIntervalMs: 60_000 });
    // every attempt (a NotFound is retried in case the report itself was consumed meanwhile)
    for (let i = 0; i < 4; i++) api.failNext('create', new ApiError(404, 'NotFound', 'namespaces "gone" not found'));
    sink.submitResults(ref('g', 'gone'), policy, [result('r1', 'fail')]);
    await sink.flush();
    assert.equal(sink.dropped, 1);
    api.failNext('create', new ApiError(500, 'InternalError', 'etcd timeout'));
    sink.submitResults(ref('k', 'kept'), policy, [result('r1', 'fail')]);
    await sink.flush();
    assert.equal((await api.list(EPHEMERAL_REPORTS, { namespace: 'kept' })).items.length, 0);
    await sink.flush();
    assert.equal((await api.list(EPHEMERAL_REPORTS, { namespace: 'kept' })).items.length, 1, 'written on the next flush');
    await sink.stop();
  });
});
