/**
 * AdmissionReview decoding and encoding. Expected texts come from a Go program unmarshalling into and
 * marshalling admissionv1 types (k8s.io/api v0.36).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeAdmissionReview, encodeAdmissionReview, jsonNestingExceeds } from './decode.ts';
import { requestToContext } from './types.ts';

test('decode: Go-compatible field matching and zero values', () => {
  const r = decodeAdmissionReview('{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"UID":"u","Kind":{"Kind":"Pod","version":"v1"},"namespace":null,"operation":"CREATE","unknown":1,"object":{"kind":"Pod"}}}');
  assert.ok(r.ok);
  assert.equal(r.review.request.uid, 'u');
  assert.deepEqual(r.review.request.kind, { group: '', version: 'v1', kind: 'Pod' });
  assert.equal(r.review.request.namespace, '');
  assert.equal(r.review.request.dryRun, null);
  assert.equal(r.review.request.requestKind, null);
  assert.deepEqual(r.review.request.object, { kind: 'Pod' });
  assert.equal(r.review.request.oldObject, undefined);
});

test('decode: raw extensions accept any JSON; null is absent', () => {
  for (const raw of ['5', '"s"', '[1]', 'true']) {
    const r = decodeAdmissionReview(`{"request":{"object":${raw}}}`);
    assert.ok(r.ok, raw);
    assert.deepEqual(r.review.request.object, JSON.parse(raw));
  }
  const n = decodeAdmissionReview('{"request":{"object":null,"oldObject":null,"options":null}}');
  assert.ok(n.ok);
  assert.equal(n.review.request.object, undefined);
});

test('decode: the first type error in document order is reported', () => {
  const r = decodeAdmissionReview('{"request":{"name":1,"uid":2}}');
  assert.deepEqual(r, { ok: false, status: 417, message: 'json: cannot unmarshal number into Go struct field AdmissionRequest.request.name of type string' });
});

test('nesting depth scan skips strings', () => {
  assert.deepEqual(jsonNestingExceeds('{"a":"[[[[[[["}', 3), { exceeded: false, char: '' });
  assert.deepEqual(jsonNestingExceeds('[[[[', 3), { exceeded: true, char: '[' });
  assert.deepEqual(jsonNestingExceeds('{"a\\"[[[[":1}', 1), { exceeded: false, char: '' });
});

test('encode: Go field order, omitempty, metav1.Status, base64 patch', () => {
  assert.equal(
    encodeAdmissionReview('admission.k8s.io/v1', 'AdmissionReview', { uid: 'u1', allowed: false, message: 'boom' }),
    '{"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","response":{"uid":"u1","allowed":false,"status":{"metadata":{},"status":"Failure","message":"boom"}}}',
  );
  assert.equal(
    encodeAdmissionReview('', '', { uid: 'u1', allowed: true, patch: 'W3sib3AiOiJhZGQifV0=', warnings: ['w'] }),
    '{"response":{"uid":"u1","allowed":true,"patch":"W3sib3AiOiJhZGQifV0=","patchType":"JSONPatch","warnings":["w"]}}',
  );
  assert.equal(encodeAdmissionReview('v', 'k', { uid: '<&>', allowed: false, message: '' }), '{"kind":"k","apiVersion":"v","response":{"uid":"\\u003c\\u0026\\u003e","allowed":false,"status":{"metadata":{},"status":"Failure"}}}');
});

test('requestToContext: as Go re-marshals the request (omitempty, null raw extensions)', () => {
  const r = decodeAdmissionReview('{"request":{"uid":"u","kind":{"group":"","version":"v1","kind":"Pod"},"resource":{"group":"","version":"v1","resource":"pods"},"operation":"DELETE","userInfo":{"username":"a"},"oldObject":{"kind":"Pod"},"dryRun":false}}');
  assert.ok(r.ok);
  assert.deepEqual(requestToContext(r.review.request), {
    uid: 'u',
    kind: { group: '', version: 'v1', kind: 'Pod' },
    resource: { group: '', version: 'v1', resource: 'pods' },
    operation: 'DELETE',
    userInfo: { username: 'a' },
    object: null,
    oldObject: { kind: 'Pod' },
    dryRun: false,
    options: null,
  });
});
