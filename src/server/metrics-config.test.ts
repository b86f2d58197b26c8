/** The `kyverno-metrics` ConfigMap, read key by key as Kyverno reads it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_BUCKET_BOUNDARIES } from './metrics.ts';
import { parseBucketBoundaries, parseMetricsConfig } from './metrics-config.ts';

test('metrics config: each key parsed on its own, a bad key keeps its default', () => {
  const cases: Array<{
    name: string;
    data: Record<string, string> | undefined;
    namespaces?: { include: string[]; exclude: string[] };
    buckets?: readonly number[];
    exposure?: Record<string, { enabled: boolean; disabledLabelDimensions: string[]; bucketBoundaries?: readonly number[] }>;
    refreshMs?: number;
    problems?: RegExp[];
  }> = [
    { name: 'no ConfigMap', data: undefined },
    { name: 'empty ConfigMap', data: {} },
    { name: 'namespaces', data: { namespaces: '{"include":["a","b"],"exclude":["kube-system"]}' }, namespaces: { include: ['a', 'b'], exclude: ['kube-system'] } },
    { name: 'namespaces: one list, unknown keys ignored', data: { namespaces: '{"exclude":["x"],"other":1}' }, namespaces: { include: [], exclude: ['x'] } },
    { name: 'namespaces: not JSON', data: { namespaces: 'kube-system' }, problems: [/failed to parse namespaces/] },
    { name: 'namespaces: wrong type', data: { namespaces: '{"include":"a"}' }, problems: [/namespaces\.include: expected a list of strings/] },
    { name: 'buckets with spaces', data: { bucketBoundaries: '0.1, 1,  2.5 ,10' }, buckets: [0.1, 1, 2.5, 10] },
    { name: 'buckets: empty value is no boundary at all', data: { bucketBoundaries: '  ' }, buckets: [] },
    { name: 'buckets: exponent notation', data: { bucketBoundaries: '5e-3,1E1' }, buckets: [0.005, 10] },
    { name: 'buckets: a bad number', data: { bucketBoundaries: '0.1,fast' }, problems: [/invalid boundary value 'fast'/] },
    {
      name: 'exposure: defaults filled in, boundaries from bucketBoundaries',
      data: {
        bucketBoundaries: '1,2',
        metricsExposure: JSON.stringify({
          kyverno_policy_results: { disabledLabelDimensions: ['resource_namespace'] },
          kyverno_controller_drop: { enabled: false },
          kyverno_policy_execution_duration_seconds: { bucketBoundaries: [0.5] },
        }),
      },
      buckets: [1, 2],
      exposure: {
        kyverno_policy_results: { enabled: true, disabledLabelDimensions: ['resource_namespace'], bucketBoundaries: [1, 2] },
        kyverno_controller_drop: { enabled: false, disabledLabelDimensions: [], bucketBoundaries: [1, 2] },
        kyverno_policy_execution_duration_seconds: { enabled: true, disabledLabelDimensions: [], bucketBoundaries: [0.5] },
      },
    },
    { name: 'exposure: wrong type', data: { metricsExposure: '{"kyverno_info":{"enabled":"no"}}' }, problems: [/metricsExposure\.kyverno_info\.enabled/] },
    { name: 'refresh interval', data: { metricsRefreshInterval: '24h' }, refreshMs: 86_400_000 },
    { name: 'refresh interval: not a Go duration', data: { metricsRefreshInterval: '1 day' }, problems: [/failed to parse metricsRefreshInterval/] },
    {
      name: 'one bad key among good ones',
      data: { namespaces: '{"exclude":["x"]}', bucketBoundaries: 'x' },
      namespaces: { include: [], exclude: ['x'] },
      problems: [/bucketBoundaries/],
    },
  ];
  for (const c of cases) {
    const cfg = parseMetricsConfig(c.data);
    assert.deepEqual(cfg.namespaces, c.namespaces ?? { include: [], exclude: [] }, c.name);
    assert.deepEqual(cfg.bucketBoundaries, c.buckets ?? DEFAULT_BUCKET_BOUNDARIES, c.name);
    assert.deepEqual(Object.fromEntries(cfg.metricsExposure), c.exposure ?? {}, c.name);
    assert.equal(cfg.metricsRefreshIntervalMs, c.refreshMs ?? 0, c.name);
    assert.equal(cfg.problems.length, (c.problems ?? []).length, `${c.name}: ${cfg.problems.map((p) => p.message).join('; ')}`);
    (c.problems ?? []).forEach((re, i) => assert.match(cfg.problems[i]?.message ?? '', re, c.name));
  }
  assert.deepEqual(parseBucketBoundaries('-1,+2'), [-1, 2]);
});
