import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KyvernoPolicy } from '../../engine/api/policy.ts';
import type { EngineResponse } from '../../engine/api/response.ts';
import { MemoryReportSink, type AdmissionReportRecord } from './reports.ts';
import type { AdmissionRequest } from './types.ts';

function record(uid: string): AdmissionReportRecord {
  const policy = { apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name: 'p' }, spec: { rules: [] } } as unknown as KyvernoPolicy;
  const response = { policyResponse: { rules: [{ name: 'r', status: 'pass', message: 'ok' }] } } as unknown as EngineResponse;
  return {
    source: 'admission',
    request: { uid } as AdmissionRequest,
    resource: { apiVersion: 'v1', kind: 'Pod', metadata: { name: `pod-${uid}`, namespace: 'ns', uid } },
    responses: [{ policy, response, emitWarning: false }],
    time: 0,
  };
}

test('MemoryReportSink keeps the most recent records, oldest first', () => {
  const cases: Array<{ capacity: number; submitted: number; kept: string[] }> = [
    { capacity: 3, submitted: 0, kept: [] },
    { capacity: 3, submitted: 2, kept: ['0', '1'] },
    { capacity: 3, submitted: 3, kept: ['0', '1', '2'] },
    { capacity: 3, submitted: 4, kept: ['1', '2', '3'] },
    { capacity: 3, submitted: 8, kept: ['5', '6', '7'] },
    { capacity: 1, submitted: 5, kept: ['4'] },
    // the standalone server's sink: counts, keeps nothing
    { capacity: 0, submitted: 5, kept: [] },
  ];
  for (const c of cases) {
    const sink = new MemoryReportSink(c.capacity);
    for (let i = 0; i < c.submitted; i++) sink.submit(record(String(i)));
    assert.deepEqual(
      sink.records.map((r) => r.uid),
      c.kept,
      `capacity ${c.capacity}, ${c.submitted} submitted`,
    );
    assert.equal(sink.total, c.submitted);
  }
  const one = new MemoryReportSink(2);
  one.submit(record('x'));
  assert.deepEqual(one.records[0]?.results, [{ policy: 'p', rule: 'r', result: 'pass', message: 'ok' }]);
  assert.deepEqual(one.records[0]?.resource, { apiVersion: 'v1', kind: 'Pod', namespace: 'ns', name: 'pod-x', uid: 'x' });
});
