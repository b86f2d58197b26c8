/** ExtractResources / ConvertResource (pkg/utils/admission/utils.go). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { convertResource, extractResources } from './resources.ts';
import type { AdmissionRequest } from './types.ts';

const gvk = { group: 'apps', version: 'v1', kind: 'Deployment' };

test('convertResource: GVK and namespace from the request; no copy when already right', () => {
  const obj = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'ns' } };
  assert.equal(convertResource(obj, gvk, 'ns'), obj);
  const other = { apiVersion: 'extensions/v1beta1', kind: 'Deployment', metadata: { name: 'd' } };
  assert.deepEqual(convertResource(other, gvk, 'ns'), { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'ns' } });
  assert.deepEqual(other.metadata, { name: 'd' }, 'the input is not modified');
  const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x', namespace: 'x' } };
  assert.deepEqual(convertResource(ns, { group: '', version: 'v1', kind: 'Namespace' }, 'x'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } });
  const badMeta = { kind: 'Deployment', metadata: 5 };
  assert.deepEqual(convertResource(badMeta, gvk, 'ns'), { apiVersion: 'apps/v1', kind: 'Deployment', metadata: 5 });
});

test('convertResource: not an object, or no kind (unstructured.UnmarshalJSON)', () => {
  assert.throws(() => convertResource(5, gvk, ''), { message: 'failed to convert raw to unstructured: json: cannot unmarshal number into Go value of type map[string]interface {}' });
  assert.throws(() => convertResource({}, gvk, ''), { message: "failed to convert raw to unstructured: Object 'Kind' is missing in '{}'" });
  assert.throws(() => convertResource({ kind: 5 }, gvk, ''), { message: `failed to convert raw to unstructured: Object 'Kind' is missing in '{"kind":5}'` });
});

test('extractResources names which object failed', () => {
  const req = { kind: gvk, namespace: '', object: { kind: 'Deployment' }, oldObject: [1] } as unknown as AdmissionRequest;
  assert.throws(() => extractResources(req), { message: 'failed to convert old raw to unstructured: failed to convert raw to unstructured: json: cannot unmarshal array into Go value of type map[string]interface {}' });
});
