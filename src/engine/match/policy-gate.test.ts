/**
 * The policy gate (pkg/engine/internal/match.go): namespaced Policy and configuration filters.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Resource } from '../api/json.ts';
import { checkNamespacedPolicy, checkPolicyGate } from './policy-gate.ts';
import { compileResourceFilters } from './resource-filters.ts';

const inNs = (ns: string | undefined): Resource => ({ apiVersion: 'v1', kind: 'Pod', metadata: ns === undefined ? { name: 'p' } : { name: 'p', namespace: ns } });
const policy = (ns?: string) => ({ kind: 'Policy', metadata: ns === undefined ? { name: 'p' } : { name: 'p', namespace: ns } });
const clusterPolicy = { kind: 'ClusterPolicy', metadata: { name: 'c' } };

test('namespaced policy gate', () => {
  const table: Array<[string, { kind: string; metadata: { name: string; namespace?: string } }, Array<Resource | null | undefined>, boolean]> = [
    ['cluster policy applies everywhere', clusterPolicy, [inNs('a'), inNs(undefined)], true],
    ['same namespace', policy('team-a'), [inNs('team-a')], true],
    ['other namespace', policy('team-a'), [inNs('team-b')], false],
    ['cluster-scoped object', policy('team-a'), [inNs(undefined)], false],
    ['empty namespace is never equal', policy('team-a'), [inNs('')], false],
    ['policy without namespace means default', policy(undefined), [inNs('default')], true],
    ['policy without namespace, other namespace', policy(undefined), [inNs('team-a')], false],
    ['absent objects are skipped', policy('team-a'), [null, inNs('team-a')], true],
    ['old object in another namespace', policy('team-a'), [inNs('team-a'), inNs('team-b')], false],
    ['no objects at all', policy('team-a'), [undefined, undefined], true],
  ];
  for (const [name, p, resources, want] of table) assert.equal(checkNamespacedPolicy(p, ...resources), want, name);
});

test('policy gate: namespace, filters, match conditions', () => {
  const gvk = { group: '', version: 'v1', kind: 'Pod' };
  const base = { policy: clusterPolicy, newResource: inNs('kube-system'), oldResource: undefined, gvk, subresource: '' };
  assert.deepEqual(checkPolicyGate(base), { passed: true, reason: '' });
  assert.equal(checkPolicyGate({ ...base, resourceFilters: compileResourceFilters('[*/*,kube-system,*]') }).passed, false);
  assert.equal(checkPolicyGate({ ...base, resourceFilters: compileResourceFilters('[*/*,kyverno,*]') }).passed, true);
  assert.equal(checkPolicyGate({ ...base, matchConditions: false }).passed, false);
  assert.equal(checkPolicyGate({ ...base, policy: policy('team-a') }).reason, "policy namespace doesn't match resource namespace");
});
