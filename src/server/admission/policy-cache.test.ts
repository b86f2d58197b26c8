/**
 * The policy cache, with the cases of Kyverno's pkg/policycache/{cache,audit_warning}_test.go re-expressed
 * (policy type per resource, failure-action overrides by namespace name and labels, first matching
 * override wins, mixed Enforce/Audit rules, namespaced policies, audit warnings of mixed policies).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KyvernoPolicy } from '../../engine/api/policy.ts';
import { StaticDiscovery } from '../sources/discovery.ts';
import { PolicyCache, reducePolicyToAction, type NamespaceInfo } from './policy-cache.ts';

const pods = { group: '', version: 'v1', resource: 'pods' };
const configmaps = { group: '', version: 'v1', resource: 'configmaps' };
const namespaces = { group: '', version: 'v1', resource: 'namespaces' };
const ns = (name: string, labels: Record<string, string> = {}): NamespaceInfo => ({ name, labels });

const rule = (name: string, validate: Record<string, unknown>, kinds = ['Pod']) => ({ name, match: { resources: { kinds } }, validate: { message: 'm', pattern: { metadata: { labels: { app: '?*' } } }, ...validate } });
const cpol = (name: string, spec: Record<string, unknown>): KyvernoPolicy => ({ apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name }, spec: { background: false, ...spec } }) as unknown as KyvernoPolicy;

function cache(...policies: KyvernoPolicy[]): PolicyCache {
  const c = new PolicyCache(new StaticDiscovery());
  c.replaceAll(policies);
  return c;
}

test('policy types per resource (Test_Get_Policies)', () => {
  const p = cpol('all-kinds', {
    validationFailureAction: 'Enforce',
    rules: [
      rule('v', {}, ['Namespace']),
      { name: 'm', match: { resources: { kinds: ['Pod'] } }, mutate: { patchStrategicMerge: { metadata: { labels: { a: 'b' } } } } },
      { name: 'g', match: { resources: { kinds: ['Pod'] } }, generate: { kind: 'ConfigMap', name: 'x', namespace: 'y', data: {} } },
    ],
  });
  const c = cache(p);
  assert.equal(c.get('ValidateAudit', namespaces, '', undefined).length, 0);
  assert.equal(c.get('ValidateAudit', pods, '', ns('test')).length, 0);
  assert.equal(c.get('ValidateEnforce', namespaces, '', undefined).length, 1);
  assert.equal(c.get('Mutate', pods, '', undefined).length, 1);
  assert.equal(c.get('Generate', pods, '', undefined).length, 1);
  assert.equal(c.get('Mutate', pods, 'ephemeralcontainers', undefined).length, 1, 'pods bring pods/ephemeralcontainers');
  assert.equal(c.get('Mutate', configmaps, '', undefined).length, 0);
});

const overrides = [
  { action: 'enforce', namespaces: ['default'] },
  { action: 'audit', namespaces: ['test'] },
];

test('validationFailureActionOverrides by namespace name (Test_Get_Policies_Validate_Failure_Action_Overrides)', () => {
  const c = cache(
    cpol('check-label-app-audit', { validationFailureAction: 'audit', validationFailureActionOverrides: overrides, rules: [rule('check-label-app', {})] }),
    cpol('check-label-app-enforce', { validationFailureAction: 'enforce', validationFailureActionOverrides: overrides, rules: [rule('check-label-app', {})] }),
  );
  const cases: Array<[string, 'ValidateAudit' | 'ValidateEnforce', NamespaceInfo | undefined, number]> = [
    ['audit, no namespace', 'ValidateAudit', undefined, 1],
    ['enforce, no namespace', 'ValidateEnforce', undefined, 1],
    ['audit, test', 'ValidateAudit', ns('test'), 2],
    ['enforce, test', 'ValidateEnforce', ns('test'), 0],
    ['audit, default', 'ValidateAudit', ns('default'), 0],
    ['enforce, default', 'ValidateEnforce', ns('default'), 2],
    ['enforce, unmatched', 'ValidateEnforce', ns('nonexistent'), 1],
    ['audit, unmatched', 'ValidateAudit', ns('nonexistent'), 1],
  ];
  for (const [name, type, namespace, want] of cases) assert.equal(c.get(type, pods, '', namespace).length, want, name);
});

test('rule overrides by namespace labels (Test_Get_Policies_Labeled_Failure_Action_Overrides)', () => {
  const c = cache(
    cpol('check-label-app-override-enforce', {
      rules: [
        rule('check-label-app', {
          failureAction: 'Audit',
          failureActionOverrides: [
            { action: 'Enforce', namespaceSelector: { matchExpressions: [{ key: 'enforce-policy', operator: 'In', values: ['true'] }] } },
            { action: 'Audit', namespaceSelector: { matchExpressions: [{ key: 'enforce-policy', operator: 'In', values: ['false'] }] } },
          ],
        }),
      ],
    }),
  );
  assert.equal(c.get('ValidateEnforce', pods, '', ns('labeled-namespace', { 'enforce-policy': 'true' })).length, 1);
  assert.equal(c.get('ValidateAudit', pods, '', ns('labeled-namespace', { 'enforce-policy': 'false' })).length, 1);
  assert.equal(c.get('ValidateEnforce', pods, '', ns('nonexistent')).length, 0);
  assert.equal(c.get('ValidateAudit', pods, '', ns('nonexistent')).length, 1);
});

test('the first matching override wins (Test_Get_Policies_Overlapping_NamespaceSelector_Overrides)', () => {
  const c = cache(
    cpol('overlapping-ns-selectors', {
      rules: [
        rule('check-label', {
          failureAction: 'Enforce',
          failureActionOverrides: [
            { action: 'Audit', namespaceSelector: { matchLabels: { env: 'production' } } },
            { action: 'Enforce', namespaceSelector: { matchLabels: { team: 'security' } } },
          ],
        }),
      ],
    }),
  );
  const both = ns('overlapping-ns', { env: 'production', team: 'security' });
  assert.equal(c.get('ValidateEnforce', pods, '', both).length, 0);
  assert.equal(c.get('ValidateAudit', pods, '', both).length, 1);
});

test('a namespaced policy with mixed rules is split by action (Test_NamespacedPolicy_MixedEnforceAudit_Rules)', () => {
  const p = {
    apiVersion: 'kyverno.io/v1',
    kind: 'Policy',
    metadata: { name: 'mixed-policy', namespace: 'production' },
    spec: {
      validationFailureAction: 'Enforce',
      rules: [rule('enforce-no-root', { failureAction: 'Enforce' }), rule('audit-missing-labels', { failureAction: 'Audit' })],
    },
  } as unknown as KyvernoPolicy;
  const c = cache(p);
  const enforce = c.get('ValidateEnforce', pods, '', ns('production'));
  assert.deepEqual(enforce.map((x) => x.spec.rules?.map((r) => r.name)), [['enforce-no-root']]);
  const audit = c.get('ValidateAudit', pods, '', ns('production'));
  assert.deepEqual(audit.map((x) => x.spec.rules?.map((r) => r.name)), [['audit-missing-labels']]);
  assert.equal(c.get('ValidateEnforce', pods, '', ns('staging')).length, 0);
  assert.equal(c.get('ValidateAudit', pods, '', ns('staging')).length, 0);
  assert.equal(c.get('ValidateEnforce', pods, '', undefined).length, 0, 'no namespace: only cluster policies');
});

test('audit warnings reach the audit rules of mixed emitWarning policies (audit_warning_test.go)', () => {
  const p = cpol('debug-warn-on-missing-label', {
    emitWarning: true,
    rules: [rule('require-debug-label-audit', { failureAction: 'Audit' }, ['ConfigMap']), rule('require-debug-label-enforce', { failureAction: 'Enforce' }, ['ConfigMap'])],
  });
  const c = cache(p);
  const warn = c.get('ValidateAuditWarn', configmaps, '', ns('default'));
  assert.deepEqual(warn.flatMap((x) => x.spec.rules?.map((r) => r.name) ?? []), ['require-debug-label-audit']);
});

test('reduced policies are memoised and identical when nothing is dropped', () => {
  const p = cpol('e', { validationFailureAction: 'Enforce', rules: [rule('a', {}), rule('b', {})] });
  assert.equal(reducePolicyToAction(p, true, undefined), p);
  const c = cache(p);
  assert.equal(c.get('ValidateEnforce', pods, '', ns('x'))[0], p);
  const mixed = cpol('m', { rules: [rule('a', { failureAction: 'Enforce' }), rule('b', { failureAction: 'Audit' })] });
  const c2 = cache(mixed);
  const first = c2.get('ValidateEnforce', pods, '', ns('x'))[0];
  assert.equal(c2.get('ValidateEnforce', pods, '', ns('y'))[0], first);
});

test('kinds discovery does not know are reported, not indexed', () => {
  const c = cache(cpol('crd', { validationFailureAction: 'Enforce', rules: [rule('r', {}, ['example.com/v1/Widget'])] }));
  assert.deepEqual(c.indexErrors.get('crd'), ['failed to fetch resource group versions for example.com/v1/Widget: resource not found']);
});

test('set / unset', () => {
  const p = cpol('x', { validationFailureAction: 'Enforce', rules: [rule('r', {})] });
  const c = cache();
  c.set(p);
  assert.equal(c.get('ValidateEnforce', pods, '', undefined).length, 1);
  c.unset('x');
  assert.equal(c.get('ValidateEnforce', pods, '', undefined).length, 0);
});
