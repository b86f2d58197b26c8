/**
 * ResourceDescription: emptiness and the rule/exception differences (pkg/engine/utils/match.go vs
 * exceptions.go).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ResourceDescription } from '../api/policy.ts';
import { compileResourceDescription, isEmptyResourceDescription } from './resource-description.ts';
import { readObjectMeta } from './object-meta.ts';

const POD = { group: '', version: 'v1', kind: 'Pod' };

test('ResourceDescription.IsEmpty', () => {
  const table: Array<[ResourceDescription | undefined, boolean]> = [
    [undefined, true],
    [{}, true],
    [{ kinds: [], names: [], namespaces: [], operations: [], annotations: {}, name: '' }, true],
    [{ selector: {} }, false],
    [{ namespaceSelector: {} }, false],
    [{ operations: ['CREATE'] }, false],
    [{ annotations: { a: 'b' } }, false],
    [{ name: 'x' }, false],
  ];
  for (const [rd, want] of table) assert.equal(isEmptyResourceDescription(rd), want, JSON.stringify(rd));
});

test('rule vs exception mode', () => {
  const ns = readObjectMeta({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod' } });
  const pod = readObjectMeta({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'prod' } });
  const rd: ResourceDescription = { namespaceSelector: { matchLabels: { env: 'prod' } }, operations: ['UPDATE'] };
  const rule = compileResourceDescription(rd, 'rule');
  const exception = compileResourceDescription(rd, 'exception');
  const info = { gvk: POD, subresource: '', namespaceLabels: { env: 'prod' }, operation: 'UPDATE' as const };
  assert.equal(rule.check(pod, info), '');
  assert.equal(rule.check(pod, { ...info, operation: 'CREATE' }), 'operation does not match');
  assert.equal(exception.check(pod, { ...info, operation: 'CREATE' }), '');
  assert.equal(rule.check(ns, info), 'namespace selector is not applicable for namespace resource');
  assert.equal(exception.check(ns, { ...info, namespaceLabels: {} }), '');
  assert.equal(rule.check(pod, { ...info, namespaceLabels: { env: 'dev' } }), 'namespace selector does not match labels');
  assert.equal(exception.check(pod, { ...info, namespaceLabels: { env: 'dev' } }), 'namespace selector does not match');
});

test('attributes are checked in Kyverno order and ANDed', () => {
  const rd: ResourceDescription = { kinds: ['Deployment'], names: ['x'], namespaces: ['y'] };
  const meta = readObjectMeta({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'n' } });
  assert.equal(compileResourceDescription(rd, 'rule').check(meta, { gvk: POD, subresource: '', namespaceLabels: undefined, operation: 'CREATE' }), 'kind does not match [Deployment]');
  const rd2: ResourceDescription = { kinds: ['Pod'], names: ['x'], namespaces: ['y'] };
  assert.equal(compileResourceDescription(rd2, 'rule').check(meta, { gvk: POD, subresource: '', namespaceLabels: undefined, operation: 'CREATE' }), 'none of the names match');
  const rd3: ResourceDescription = { kinds: ['Pod'], name: 'p', names: ['p*'], namespaces: ['y'] };
  assert.equal(compileResourceDescription(rd3, 'rule').check(meta, { gvk: POD, subresource: '', namespaceLabels: undefined, operation: 'CREATE' }), 'namespace does not match');
});
