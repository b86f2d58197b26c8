import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KyvernoPolicy } from '../api/policy.ts';
import { formatPolicyError, validatePolicy } from './policy.ts';
import type { FindResources } from './kinds.ts';

// Admission-time kind discovery (pkg/validation/policy validKinds + dclient FindResources): an unknown
// kind is accepted with a warning (and ends validation), a subresource in a background validate rule is
// refused; offline (mock) discovery is not consulted.
const discovery: FindResources = (group, version, kind, subresource) => {
  const known: Record<string, string[]> = { Pod: ['', 'status', 'exec'], Deployment: ['', 'scale', 'status'] };
  if (kind === '*') return subresource === '*' ? [{ subresource: '' }, { subresource: 'status' }] : [{ subresource: '' }];
  if (kind === 'Foo') throw new Error('resource not found');
  const subs = known[kind] ?? [''];
  void group;
  void version;
  if (subresource === '') return [{ subresource: '' }];
  return subs.filter((s) => s !== '' && (subresource === '*' || s === subresource)).map((s) => ({ subresource: s }));
};

function policy(kinds: string[], background: boolean): KyvernoPolicy {
  return {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: { name: 'p' },
    spec: {
      background,
      rules: [{ name: 'r', match: { any: [{ resources: { kinds } }] }, validate: { message: 'm', deny: {} } }],
    },
  } as unknown as KyvernoPolicy;
}

const table: Array<[string, string[], boolean, string, string[]]> = [
  ['known kind', ['Pod'], true, '', []],
  ['unknown kind: accepted with a warning', ['Foo'], true, '', ['the kind defined in the all match resource is invalid: unable to convert GVK to GVR for kinds Foo, err: resource not found']],
  ['no such subresource: accepted with a warning', ['Pod/scale'], true, '', ['the kind defined in the all match resource is invalid: unable to convert GVK to GVR for kinds Pod/scale']],
  ['subresource in background', ['Pod/*'], true, 'path: spec.rules[0].match.any[0].kinds: background scan enabled with subresource Pod/*', []],
  ['all subresources in background', ['*/*'], true, 'path: spec.rules[0].match.any[0].kinds: background scan enabled with subresource */*', []],
  ['subresource without background', ['Pod/status'], false, '', []],
];

for (const [name, kinds, background, error, warnings] of table) {
  test(`validatePolicy kinds discovery: ${name}`, () => {
    const r = validatePolicy(policy(kinds, background), { mock: false, findResources: discovery });
    assert.equal(formatPolicyError(r.errors), error);
    assert.deepEqual(r.warnings, warnings);
    const offline = validatePolicy(policy(kinds, background), { findResources: discovery });
    assert.equal(formatPolicyError(offline.errors), '');
    assert.deepEqual(offline.warnings, []);
  });
}
