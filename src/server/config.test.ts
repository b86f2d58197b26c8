/** The `kyverno` ConfigMap as pkg/config/config.go `load` parses it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_MAX_CONTEXT_SIZE } from '../engine/context/context.ts';
import { parseKyvernoConfig } from './config.ts';

test('defaults without a ConfigMap', () => {
  const c = parseKyvernoConfig();
  assert.equal(c.defaultRegistry, 'docker.io');
  assert.equal(c.enableDefaultRegistryMutation, true);
  assert.equal(c.generateSuccessEvents, false);
  assert.equal(c.updateRequestThreshold, 1000);
  assert.equal(c.maxContextSize, DEFAULT_MAX_CONTEXT_SIZE);
  assert.deepEqual(c.webhook, {});
  assert.equal(c.toFilter({ group: '', version: 'v1', kind: 'Event' }, '', 'default', 'e'), false);
  assert.equal(c.isExcluded('x', ['system:nodes'], null, null), false);
  assert.deepEqual(c.problems, []);
});

test('filters, exclusions and values', () => {
  const c = parseKyvernoConfig({
    resourceFilters: '[Event,*,*][*/*,kube-system,*][Namespace,*,kyverno]',
    excludeGroups: 'system:nodes, !system:masters',
    excludeUsernames: 'bot-*',
    defaultRegistry: 'ghcr.io/org',
    enableDefaultRegistryMutation: 'false',
    generateSuccessEvents: 'T',
    successEventActions: ' Passed, Mutated ,',
    webhooks: '{"namespaceSelector":{"matchLabels":{"a":"b"}}}',
    webhookAnnotations: '{"admissions.enforcer/disabled":"true"}',
    matchConditions: '[{"name":"n","expression":"true"}]',
    updateRequestThreshold: '50',
    maxContextSize: '1Mi',
  });
  assert.equal(c.toFilter({ group: '', version: 'v1', kind: 'Event' }, '', 'default', 'e'), true);
  assert.equal(c.toFilter({ group: 'apps', version: 'v1', kind: 'Deployment' }, '', 'kube-system', 'd'), true);
  assert.equal(c.toFilter({ group: '', version: 'v1', kind: 'Namespace' }, '', '', 'kyverno'), true, 'a Namespace is also matched on its name');
  assert.equal(c.toFilter({ group: '', version: 'v1', kind: 'Pod' }, '', 'default', 'p'), false);
  assert.equal(c.isExcluded('kubelet', ['system:nodes'], null, null), true);
  assert.equal(c.isExcluded('admin', ['system:nodes', 'system:masters'], null, null), false);
  assert.equal(c.isExcluded('bot-1', null, null, null), true);
  assert.equal(c.defaultRegistry, 'ghcr.io/org');
  assert.equal(c.enableDefaultRegistryMutation, false);
  assert.equal(c.generateSuccessEvents, true);
  assert.deepEqual(c.successEventActions, ['Passed', 'Mutated']);
  assert.deepEqual(c.webhook, { namespaceSelector: { matchLabels: { a: 'b' } } });
  assert.deepEqual(c.webhookAnnotations, { 'admissions.enforcer/disabled': 'true' });
  assert.deepEqual(c.matchConditions, [{ name: 'n', expression: 'true' }]);
  assert.equal(c.updateRequestThreshold, 50);
  assert.equal(c.maxContextSize, 1024 * 1024);
});

test('invalid values keep the defaults and are reported', () => {
  const c = parseKyvernoConfig({ defaultRegistry: 'not a host!', enableDefaultRegistryMutation: 'yes', webhooks: '{', maxContextSize: 'lots', updateRequestThreshold: '1.5' });
  assert.equal(c.defaultRegistry, 'docker.io');
  assert.equal(c.enableDefaultRegistryMutation, true);
  assert.deepEqual(c.webhook, {});
  assert.equal(c.maxContextSize, DEFAULT_MAX_CONTEXT_SIZE);
  assert.equal(c.updateRequestThreshold, 1000);
  assert.equal(c.problems.length, 5);
});
