/** Prometheus text rendering of the registry (names and labels as Kyverno's exporter writes them). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkMetricsNamespace, KyvernoMetrics, MetricsRegistry } from './metrics.ts';

test('counters and histograms render in the text format', () => {
  const r = new MetricsRegistry();
  const c = r.counter('x_total', 'help "x"\nline', ['a', 'b']);
  c.inc(['1', 'q"\\\n']);
  c.inc(['1', 'q"\\\n'], 2);
  const h = r.histogram('d_seconds', 'dur', ['a'], [0.1, 1]);
  h.observe(['z'], 0.05);
  h.observe(['z'], 0.1);
  h.observe(['z'], 5);
  assert.equal(
    r.render(),
    [
      '# HELP x_total help "x"\\nline',
      '# TYPE x_total counter',
      'x_total{a="1",b="q\\"\\\\\\n"} 3',
      '# HELP d_seconds dur',
      '# TYPE d_seconds histogram',
      'd_seconds_bucket{a="z",le="0.1"} 2',
      'd_seconds_bucket{a="z",le="1"} 2',
      'd_seconds_bucket{a="z",le="+Inf"} 3',
      'd_seconds_sum{a="z"} 5.15',
      'd_seconds_count{a="z"} 3',
      '',
    ].join('\n'),
  );
  assert.throws(() => r.counter('x_total', '', []), /registered twice/);
});

test('Kyverno metric names, default buckets and namespace filtering', () => {
  const m = new KyvernoMetrics({ version: 'v1' });
  const text = m.registry.render();
  for (const name of ['kyverno_info', 'kyverno_admission_requests_total', 'kyverno_admission_review_duration_seconds', 'kyverno_http_requests_total', 'kyverno_http_requests_duration_seconds', 'kyverno_policy_results_total', 'kyverno_policy_execution_duration_seconds', 'kyverno_policy_changes_total', 'kyverno_policy_rule_info_total']) {
    assert.match(text, new RegExp(`# TYPE ${name} `));
  }
  m.admissionReviewDuration.observe(['Pod', 'ns', 'create', 'true', 'ValidatingWebhookConfiguration'], 0.001);
  assert.match(m.registry.render(), /le="0\.005"\} 1\n.*le="0\.01"\} 1/);
  assert.match(m.registry.render(), /le="30"\} 1/);
  assert.equal(checkMetricsNamespace({ include: [], exclude: ['kube-system'] }, 'kube-system'), false);
  assert.equal(checkMetricsNamespace({ include: ['a'], exclude: [] }, 'b'), false);
  assert.equal(checkMetricsNamespace({ include: ['a'], exclude: ['a'] }, '-'), true);
});
