/** Rendering options of the registry: empty metrics left out, per-metric exposure, optional labels. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KyvernoMetrics, MetricsRegistry, type MetricExposure } from './metrics.ts';

const exposure = (entries: Record<string, Partial<MetricExposure>>): Map<string, MetricExposure> =>
  new Map(Object.entries(entries).map(([k, v]) => [k, { enabled: true, disabledLabelDimensions: [], ...v }]));

/** The sample lines of a rendering (no HELP / TYPE). */
const samples = (text: string): string[] => text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));

test('registry rendering: omitEmpty, exposure by instrument name, optional labels', () => {
  const build = (): MetricsRegistry => {
    const r = new MetricsRegistry();
    const c = r.counter('x_total', 'x', ['a', 'b']);
    c.inc(['1', 'p'], 2);
    c.inc(['1', 'q'], 3);
    c.inc(['2', 'q']);
    r.counter('empty_total', 'nothing recorded', ['a']);
    const h = r.histogram('d_seconds', 'd', ['a', 'b'], [1]);
    h.observe(['1', 'p'], 0.5);
    h.observe(['1', 'q'], 2);
    const g = r.gauge('g', 'g', ['a', 'b']);
    g.set(['1', 'p'], 1);
    g.set(['1', 'q'], 1);
    const o = r.counter('o_total', 'o', ['a', 'opt'], { optionalLabels: ['opt'] });
    o.inc(['1', '']);
    o.inc(['1', 'v']);
    return r;
  };
  const cases: Array<{ name: string; opts: Parameters<MetricsRegistry['render']>[0]; want: string[]; types?: string[] }> = [
    {
      name: 'defaults: everything, empty metrics with HELP and TYPE only',
      opts: {},
      types: ['x_total', 'empty_total', 'd_seconds', 'g', 'o_total'],
      want: [
        'x_total{a="1",b="p"} 2',
        'x_total{a="1",b="q"} 3',
        'x_total{a="2",b="q"} 1',
        'd_seconds_bucket{a="1",b="p",le="1"} 1',
        'd_seconds_bucket{a="1",b="p",le="+Inf"} 1',
        'd_seconds_sum{a="1",b="p"} 0.5',
        'd_seconds_count{a="1",b="p"} 1',
        'd_seconds_bucket{a="1",b="q",le="1"} 0',
        'd_seconds_bucket{a="1",b="q",le="+Inf"} 1',
        'd_seconds_sum{a="1",b="q"} 2',
        'd_seconds_count{a="1",b="q"} 1',
        'g{a="1",b="p"} 1',
        'g{a="1",b="q"} 1',
        'o_total{a="1"} 1',
        'o_total{a="1",opt="v"} 1',
      ],
    },
    { name: 'omitEmpty', opts: { omitEmpty: true }, types: ['x_total', 'd_seconds', 'g', 'o_total'], want: [] },
    {
      name: 'a counter is keyed without _total; its dropped label sums the series',
      opts: { omitEmpty: true, exposure: exposure({ x: { disabledLabelDimensions: ['b'] }, x_total: { enabled: false } }) },
      types: ['x_total', 'd_seconds', 'g', 'o_total'],
      want: ['x_total{a="1"} 5', 'x_total{a="2"} 1'],
    },
    {
      name: 'histogram and gauge labels dropped, a metric disabled',
      opts: { omitEmpty: true, exposure: exposure({ d_seconds: { disabledLabelDimensions: ['b', 'not-a-label'] }, g: { disabledLabelDimensions: ['a', 'b'] }, o: { enabled: false } }) },
      types: ['x_total', 'd_seconds', 'g'],
      want: ['d_seconds_bucket{a="1",le="1"} 1', 'd_seconds_bucket{a="1",le="+Inf"} 2', 'd_seconds_sum{a="1"} 2.5', 'd_seconds_count{a="1"} 2', 'g 1'],
    },
  ];
  for (const c of cases) {
    const text = build().render(c.opts);
    const types = [...text.matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1]);
    assert.deepEqual(types, c.types, `${c.name}: metrics`);
    const got = samples(text);
    for (const w of c.want) assert.ok(got.includes(w), `${c.name}: ${w} in\n${got.join('\n')}`);
    if (c.name.startsWith('defaults')) assert.deepEqual(got, c.want, c.name);
  }
});

test('KyvernoMetrics: a histogram takes its own boundaries when given', () => {
  const m = new KyvernoMetrics({ version: 'v', buckets: [1, 2], bucketsFor: (n) => (n === 'kyverno_policy_execution_duration_seconds' ? [0.5] : undefined) });
  assert.deepEqual(m.policyExecutionDuration.buckets, [0.5]);
  assert.deepEqual(m.admissionReviewDuration.buckets, [1, 2]);
  assert.deepEqual(new KyvernoMetrics({ version: 'v' }).httpRequestsDuration.buckets.length, 15);
});
