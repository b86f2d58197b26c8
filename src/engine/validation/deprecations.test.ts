import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kindDeprecationWarning } from './deprecations.ts';

// pkg/deprecations Warning(kind): the text for each deprecated kind, '' otherwise.
const table: Array<[string, string]> = [
  [
    'ClusterPolicy',
    'ClusterPolicy (kyverno.io) is deprecated and will be removed in a future release; migrate to ValidatingPolicy, MutatingPolicy, GeneratingPolicy or ImageValidatingPolicy (policies.kyverno.io), see https://kyverno.io/docs/guides/migration-to-cel/',
  ],
  [
    'Policy',
    'Policy (kyverno.io) is deprecated and will be removed in a future release; migrate to NamespacedValidatingPolicy, NamespacedMutatingPolicy, NamespacedGeneratingPolicy or NamespacedImageValidatingPolicy (policies.kyverno.io), see https://kyverno.io/docs/guides/migration-to-cel/',
  ],
  [
    'PolicyException',
    'PolicyException (kyverno.io) is deprecated and will be removed in a future release; migrate to PolicyException (policies.kyverno.io), see https://kyverno.io/docs/guides/migration-to-cel/',
  ],
  [
    'ClusterCleanupPolicy',
    'ClusterCleanupPolicy (kyverno.io) is deprecated and will be removed in a future release; migrate to DeletingPolicy (policies.kyverno.io), see https://kyverno.io/docs/guides/migration-to-cel/',
  ],
  ['ValidatingPolicy', ''],
  ['toString', ''],
];
for (const [kind, want] of table) {
  test(`kindDeprecationWarning: ${kind}`, () => assert.equal(kindDeprecationWarning(kind), want));
}
