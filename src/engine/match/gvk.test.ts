/**
 * GVK helpers and the CLI's offline API resource table; expected values from apimachinery
 * (schema.ParseGroupVersion, unstructured.GroupVersionKind, meta.UnsafeGuessKindToResource) and the
 * CLI's discovery snapshot.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonObject } from '../api/json.ts';
import {
  apiResourceFor,
  BUILTIN_API_RESOURCES,
  formatGroupVersion,
  groupVersionKindOf,
  guessKindToResource,
  parseGroupVersion,
  resolveResourceKind,
  restMappingFor,
} from './gvk.ts';

/** [apiVersion, [group, version] or null for a parse error] */
export const GROUP_VERSION_CASES: Array<[string, [string, string] | null]> = [
  ['v1', ['', 'v1']],
  ['apps/v1', ['apps', 'v1']],
  ['networking.k8s.io/v1', ['networking.k8s.io', 'v1']],
  ['', ['', '']],
  ['/', ['', '']],
  ['/v1', ['', 'v1']],
  ['apps/', ['apps', '']],
  ['a/b/c', null],
];

/** [object, [group, version, kind]] */
export const GVK_CASES: Array<[JsonObject, [string, string, string]]> = [
  [{ apiVersion: 'apps/v1', kind: 'Deployment' }, ['apps', 'v1', 'Deployment']],
  [{ apiVersion: 'v1', kind: 'Pod' }, ['', 'v1', 'Pod']],
  [{ kind: 'Pod' }, ['', '', 'Pod']],
  [{ apiVersion: 'a/b/c', kind: 'Pod' }, ['', '', '']],
  [{ apiVersion: 1, kind: 'Pod' }, ['', '', 'Pod']],
  [{ apiVersion: 'v1', kind: 5 }, ['', 'v1', '']],
];

/** [kind, [plural, singular]] */
export const GUESS_CASES: Array<[string, [string, string]]> = [
  ['Pod', ['pods', 'pod']],
  ['NetworkPolicy', ['networkpolicies', 'networkpolicy']],
  ['Ingress', ['ingresses', 'ingress']],
  ['Endpoints', ['endpoints', 'endpoints']],
  ['MyEndpoints', ['myendpoints', 'myendpoints']],
  ['Gateway', ['gatewaies', 'gateway']],
  ['', ['', '']],
];

test('parseGroupVersion', () => {
  for (const [input, want] of GROUP_VERSION_CASES) {
    assert.deepEqual(parseGroupVersion(input), want ? { group: want[0], version: want[1] } : undefined, input);
  }
  assert.equal(formatGroupVersion('', 'v1'), 'v1');
  assert.equal(formatGroupVersion('apps', 'v1'), 'apps/v1');
});

test('groupVersionKindOf', () => {
  for (const [obj, [group, version, kind]] of GVK_CASES) {
    assert.deepEqual(groupVersionKindOf(obj), { group, version, kind }, JSON.stringify(obj));
  }
});

test('guessKindToResource', () => {
  for (const [kind, [plural, singular]] of GUESS_CASES) assert.deepEqual(guessKindToResource(kind), { plural, singular }, kind);
});

test('built-in resources: rest mappings', () => {
  const deploy = restMappingFor('apps', 'Deployment');
  assert.equal(deploy?.resource, 'deployments');
  assert.equal(deploy?.namespaced, true);
  assert.deepEqual(deploy?.subresources.find((s) => s.name === 'scale'), { name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1' });
  assert.equal(restMappingFor('', 'Namespace')?.namespaced, false);
  assert.equal(restMappingFor('', 'pod')?.resource, 'pods', 'lower-case kind is accepted');
  assert.equal(restMappingFor('autoscaling', 'HorizontalPodAutoscaler')?.version, 'v2', 'preferred version');
  assert.equal(restMappingFor('autoscaling', 'HorizontalPodAutoscaler', 'v1')?.version, 'v1');
  assert.equal(restMappingFor('events.k8s.io', 'Event')?.resource, 'events');
  assert.equal(restMappingFor('apps', 'Deployment', 'v1beta1'), undefined);
  assert.equal(restMappingFor('example.com', 'Widget'), undefined);
  assert.equal(restMappingFor('', 'Deployment'), undefined, 'the group must match');
  assert.equal(apiResourceFor({ group: 'networking.k8s.io', version: 'v1', resource: 'ingresses' })?.kind, 'Ingress');
  const pods = restMappingFor('', 'Pod');
  assert.deepEqual(pods?.subresources.find((s) => s.name === 'ephemeralcontainers'), { name: 'ephemeralcontainers', kind: 'Pod' });
  assert.deepEqual(pods?.subresources.find((s) => s.name === 'eviction'), { name: 'eviction', kind: 'Eviction', group: 'policy', version: 'v1' });
  // every row is unique per group/version/kind
  const keys = BUILTIN_API_RESOURCES.map((r) => `${r.group}/${r.version}/${r.kind}`);
  assert.equal(new Set(keys).size, keys.length);
  assert.equal(BUILTIN_API_RESOURCES.length, 66);
});

test('resolveResourceKind: the CLI values-file subresource mappings', () => {
  const scale = { group: 'autoscaling', version: 'v1', kind: 'Scale' };
  const mapping = {
    subresource: { name: 'deployments/scale', kind: 'Scale', group: 'autoscaling', version: 'v1' },
    parentResource: { name: 'deployments', kind: 'Deployment', group: 'apps', version: 'v1' },
  };
  assert.deepEqual(resolveResourceKind(scale, [mapping]), { gvk: { group: 'apps', version: 'v1', kind: 'Deployment' }, subresource: 'scale' });
  assert.deepEqual(resolveResourceKind(scale, undefined), { gvk: scale, subresource: '' });
  const pod = { group: '', version: 'v1', kind: 'Pod' };
  assert.deepEqual(resolveResourceKind(pod, [mapping]), { gvk: pod, subresource: '' });
  // mappings are compared with the GVK as rewritten so far
  const chained = {
    subresource: { name: 'deployments/status', kind: 'Deployment', group: 'apps', version: 'v1' },
    parentResource: { name: 'x', kind: 'Parent', group: 'p.io', version: 'v1' },
  };
  assert.deepEqual(resolveResourceKind(scale, [mapping, chained]), { gvk: { group: 'p.io', version: 'v1', kind: 'Parent' }, subresource: 'status' });
});
