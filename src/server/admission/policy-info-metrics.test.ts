/** kyverno_policy_changes_total and kyverno_policy_rule_info_total (pkg/controllers/metrics/policy). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KyvernoPolicy } from '../../engine/api/policy.ts';
import { KyvernoMetrics } from '../metrics.ts';
import { observePolicyRuleInfo, recordPolicyChange, ruleTypeLabel, snapshotChanges, type PolicyChangeEvent } from './policy-info-metrics.ts';

const podRule = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  match: { any: [{ resources: { kinds: ['Pod'] } }] },
  validate: { message: 'm', pattern: { metadata: { labels: { app: '?*' } } } },
  ...extra,
});

function cpol(name: string, spec: Record<string, unknown>, status?: unknown): KyvernoPolicy {
  return { apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name }, spec, ...(status ? { status } : {}) } as unknown as KyvernoPolicy;
}

function pol(namespace: string, name: string, spec: Record<string, unknown>): KyvernoPolicy {
  return { apiVersion: 'kyverno.io/v1', kind: 'Policy', metadata: { name, namespace }, spec } as unknown as KyvernoPolicy;
}

/** The series of a metric in the rendered text, label sets sorted. */
function series(m: KyvernoMetrics, name: string): string[] {
  return m.registry
    .render()
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`))
    .sort();
}

const audit = cpol('require-labels', { rules: [podRule('check')] });
const enforce = cpol('require-labels', { validationFailureAction: 'Enforce', rules: [podRule('check')] });
const auditChangedMessage = cpol('require-labels', { rules: [podRule('check', { validate: { message: 'other', pattern: { metadata: { labels: { app: '?*' } } } } })] });

const CHANGES: Array<{ name: string; events: PolicyChangeEvent[]; exclude?: string[]; want: string[] }> = [
  {
    name: 'an added ClusterPolicy counts as created under its labels (namespace -)',
    events: [{ type: 'add', policy: audit }],
    want: ['kyverno_policy_changes_total{policy_validation_mode="audit",policy_type="cluster",policy_background_mode="true",policy_namespace="-",policy_name="require-labels",policy_change_type="created"} 1'],
  },
  {
    name: 'an update that leaves the spec as it was counts nothing',
    events: [{ type: 'update', policy: cpol('require-labels', { rules: [podRule('check')] }, { conditions: [{ type: 'Ready', status: 'True' }] }), old: audit }],
    want: [],
  },
  {
    name: 'a spec change counts once, under the old labels',
    events: [{ type: 'update', policy: auditChangedMessage, old: audit }],
    want: ['kyverno_policy_changes_total{policy_validation_mode="audit",policy_type="cluster",policy_background_mode="true",policy_namespace="-",policy_name="require-labels",policy_change_type="updated"} 1'],
  },
  {
    name: 'a change of the failure action counts under the old and the new labels',
    events: [{ type: 'update', policy: enforce, old: audit }],
    want: [
      'kyverno_policy_changes_total{policy_validation_mode="audit",policy_type="cluster",policy_background_mode="true",policy_namespace="-",policy_name="require-labels",policy_change_type="updated"} 1',
      'kyverno_policy_changes_total{policy_validation_mode="enforce",policy_type="cluster",policy_background_mode="true",policy_namespace="-",policy_name="require-labels",policy_change_type="updated"} 1',
    ],
  },
  {
    name: 'a deleted Policy counts as deleted in its namespace (background false)',
    events: [{ type: 'delete', policy: pol('team-a', 'p', { background: false, rules: [podRule('check')] }) }],
    want: ['kyverno_policy_changes_total{policy_validation_mode="audit",policy_type="namespaced",policy_background_mode="false",policy_namespace="team-a",policy_name="p",policy_change_type="deleted"} 1'],
  },
  {
    name: 'a namespace the metrics configuration excludes is not counted',
    events: [{ type: 'add', policy: pol('team-a', 'p', { rules: [podRule('check')] }) }],
    exclude: ['team-a'],
    want: [],
  },
];

for (const c of CHANGES) {
  test(`policy changes: ${c.name}`, () => {
    const m = new KyvernoMetrics({ version: 'v1', namespaces: { include: [], exclude: c.exclude ?? [] } });
    for (const e of c.events) recordPolicyChange(m, e);
    assert.deepEqual(series(m, 'kyverno_policy_changes_total'), [...c.want].sort());
  });
}

test('policy rule info: one series per rule, autogen rules included, readiness from the Ready condition', () => {
  const m = new KyvernoMetrics({ version: 'v1' });
  const ready = cpol('require-labels', { validationFailureAction: 'Enforce', rules: [podRule('check')] }, { conditions: [{ type: 'Ready', status: 'True' }] });
  const gen = pol('team-a', 'default-deny', {
    rules: [{ name: 'netpol', match: { any: [{ resources: { kinds: ['Namespace'] } }] }, generate: { apiVersion: 'v1', kind: 'ConfigMap', name: 'x', namespace: 'y', data: {} } }],
  });
  m.addCollector(() => observePolicyRuleInfo(m, [ready, gen]));
  m.collect();
  const common = 'policy_namespace="-",policy_name="require-labels",status_ready="true",policy_validation_mode="enforce",policy_type="cluster",policy_background_mode="true"';
  assert.deepEqual(series(m, 'kyverno_policy_rule_info_total'), [
    `kyverno_policy_rule_info_total{rule_name="autogen-check",rule_type="validate",${common}} 1`,
    `kyverno_policy_rule_info_total{rule_name="autogen-cronjob-check",rule_type="validate",${common}} 1`,
    `kyverno_policy_rule_info_total{rule_name="check",rule_type="validate",${common}} 1`,
    'kyverno_policy_rule_info_total{rule_name="netpol",rule_type="generate",policy_namespace="team-a",policy_name="default-deny",status_ready="false",policy_validation_mode="audit",policy_type="namespaced",policy_background_mode="true"} 1',
  ]);
  // a deleted policy's rules are gone at the next scrape
  const only = new KyvernoMetrics({ version: 'v1' });
  observePolicyRuleInfo(only, [gen]);
  observePolicyRuleInfo(only, []);
  assert.deepEqual(series(only, 'kyverno_policy_rule_info_total'), []);
});

test('ParseRuleType: validate, mutate, generate, imageVerify, or -', () => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ validate: { message: 'x' } }, 'validate'],
    [{ validate: {}, mutate: { patchStrategicMerge: {} } }, 'mutate'],
    [{ generate: { kind: 'ConfigMap' } }, 'generate'],
    [{ verifyImages: [{ imageReferences: ['*'] }] }, 'imageVerify'],
    [{ verifyImages: [] }, '-'],
  ];
  for (const [rule, want] of cases) assert.equal(ruleTypeLabel({ name: 'r', ...rule } as never), want, JSON.stringify(rule));
});

test('standalone reloads become the changes an informer would report', () => {
  const a = cpol('a', { rules: [podRule('check')] });
  const b = cpol('b', { rules: [podRule('check')] });
  const b2 = cpol('b', { rules: [podRule('check2')] });
  const kinds = (events: PolicyChangeEvent[]) => events.map((e) => `${e.type} ${e.policy.metadata.name}`);
  assert.deepEqual(kinds(snapshotChanges(undefined, [a, b])), ['add a', 'add b']);
  assert.deepEqual(kinds(snapshotChanges([a, b], [cpol('a', { rules: [podRule('check')] }), b2])), ['update b']);
  assert.deepEqual(kinds(snapshotChanges([a, b], [b])), ['delete a']);
});
