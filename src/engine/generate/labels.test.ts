import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Resource } from '../api/json.ts';
import { addSourceLabels, manageLabels, tagCloneSource } from './labels.ts';

// kyverno/pkg/background/common/labels_test.go (TriggerInfo, PolicyInfo, ManageLabels) re-expressed on
// the complete label set ManageLabels writes.
const labelsOf = (r: Resource): unknown => (r['metadata'] as Record<string, unknown>)['labels'];

const manageCases: Array<{
  name: string;
  resource: Resource;
  trigger: Resource;
  policy: { metadata: { name?: string; namespace?: string } };
  rule: string;
  want: Record<string, string>;
}> = [
  {
    name: 'pod trigger, cluster policy',
    resource: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'generated-secret', namespace: 'default' } },
    trigger: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'test-pod', namespace: 'default', uid: 'pod-uid-123' } },
    policy: { metadata: { name: 'generate-secrets' } },
    rule: 'copy-secret',
    want: {
      'app.kubernetes.io/managed-by': 'kyverno',
      'generate.kyverno.io/policy-name': 'generate-secrets',
      'generate.kyverno.io/policy-namespace': '',
      'generate.kyverno.io/rule-name': 'copy-secret',
      'generate.kyverno.io/trigger-version': 'v1',
      'generate.kyverno.io/trigger-group': '',
      'generate.kyverno.io/trigger-kind': 'Pod',
      'generate.kyverno.io/trigger-namespace': 'default',
      'generate.kyverno.io/trigger-uid': 'pod-uid-123',
    },
  },
  {
    name: 'deployment trigger with API group, namespaced policy, existing labels kept',
    resource: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', labels: { 'existing-label': 'should-remain', app: 'my-app' } } },
    trigger: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'my-app', namespace: 'production', uid: 'deploy-uid-456' } },
    policy: { metadata: { name: 'ns-policy', namespace: 'production' } },
    rule: 'generate-networkpolicy',
    want: {
      'existing-label': 'should-remain',
      app: 'my-app',
      'app.kubernetes.io/managed-by': 'kyverno',
      'generate.kyverno.io/policy-name': 'ns-policy',
      'generate.kyverno.io/policy-namespace': 'production',
      'generate.kyverno.io/rule-name': 'generate-networkpolicy',
      'generate.kyverno.io/trigger-version': 'v1',
      'generate.kyverno.io/trigger-group': 'apps',
      'generate.kyverno.io/trigger-kind': 'Deployment',
      'generate.kyverno.io/trigger-namespace': 'production',
      'generate.kyverno.io/trigger-uid': 'deploy-uid-456',
    },
  },
  {
    name: 'cluster-scoped trigger; a managed-by label is overwritten',
    resource: { metadata: { labels: { 'app.kubernetes.io/managed-by': 'helm' } } },
    trigger: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'new-namespace', uid: 'ns-uid-789' } },
    policy: { metadata: { name: 'p' } },
    rule: 'r',
    want: {
      'app.kubernetes.io/managed-by': 'kyverno',
      'generate.kyverno.io/policy-name': 'p',
      'generate.kyverno.io/policy-namespace': '',
      'generate.kyverno.io/rule-name': 'r',
      'generate.kyverno.io/trigger-version': 'v1',
      'generate.kyverno.io/trigger-group': '',
      'generate.kyverno.io/trigger-kind': 'Namespace',
      'generate.kyverno.io/trigger-namespace': '',
      'generate.kyverno.io/trigger-uid': 'ns-uid-789',
    },
  },
  {
    // NestedNullCoercingStringMap fails on a non-string value: GetLabels returns nil and they are dropped
    name: 'labels that are not all strings read as none',
    resource: { metadata: { labels: { keep: 'x', version: 2 } } },
    trigger: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'ns' } },
    policy: { metadata: { name: 'p' } },
    rule: 'r',
    want: {
      'app.kubernetes.io/managed-by': 'kyverno',
      'generate.kyverno.io/policy-name': 'p',
      'generate.kyverno.io/policy-namespace': '',
      'generate.kyverno.io/rule-name': 'r',
      'generate.kyverno.io/trigger-version': 'v1',
      'generate.kyverno.io/trigger-group': '',
      'generate.kyverno.io/trigger-kind': 'ConfigMap',
      'generate.kyverno.io/trigger-namespace': 'ns',
      'generate.kyverno.io/trigger-uid': '',
    },
  },
  {
    name: 'null label values read as empty strings',
    resource: { metadata: { labels: { a: null } } },
    trigger: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } },
    policy: { metadata: { name: 'p' } },
    rule: 'r',
    want: {
      a: '',
      'app.kubernetes.io/managed-by': 'kyverno',
      'generate.kyverno.io/policy-name': 'p',
      'generate.kyverno.io/policy-namespace': '',
      'generate.kyverno.io/rule-name': 'r',
      'generate.kyverno.io/trigger-version': 'v1',
      'generate.kyverno.io/trigger-group': '',
      'generate.kyverno.io/trigger-kind': 'ConfigMap',
      'generate.kyverno.io/trigger-namespace': '',
      'generate.kyverno.io/trigger-uid': '',
    },
  },
];

for (const c of manageCases) {
  test(`manageLabels: ${c.name}`, () => {
    const r = structuredClone(c.resource);
    manageLabels(r, c.trigger, c.policy, c.rule);
    assert.deepEqual(labelsOf(r), c.want);
  });
}

test('tagCloneSource adds clone-source "" and keeps the other labels', () => {
  const r: Resource = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', labels: { a: 'b' } } };
  tagCloneSource(r);
  assert.deepEqual(labelsOf(r), { a: 'b', 'generate.kyverno.io/clone-source': '' });
});

test('addSourceLabels: group, version, kind, namespace and uid of the source', () => {
  const r: Resource = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'ns', uid: 'u1' } };
  addSourceLabels(r);
  assert.deepEqual(labelsOf(r), {
    'generate.kyverno.io/source-group': 'apps',
    'generate.kyverno.io/source-version': 'v1',
    'generate.kyverno.io/source-kind': 'Deployment',
    'generate.kyverno.io/source-namespace': 'ns',
    'generate.kyverno.io/source-uid': 'u1',
  });
});
