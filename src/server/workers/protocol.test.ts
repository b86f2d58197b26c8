import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeEval, decodeResult, encodeEval, encodeResult, type EvalRequest } from './protocol.ts';

test('evaluation messages round-trip through their string form', () => {
  const cases: Array<[string, EvalRequest]> = [
    ['json body', { id: 1, path: '/validate/fail', body: '{"kind":"AdmissionReview"}', contentType: 'application/json', urlParams: '' }],
    ['no content type', { id: 2, path: '/mutate/ignore', body: '{}', contentType: undefined, urlParams: '' }],
    ['empty content type', { id: 3, path: '/validate', body: '', contentType: '', urlParams: 'policy/ns/name' }],
    ['content type starting with a minus', { id: 4, path: '/validate', body: 'x', contentType: '-x', urlParams: '' }],
    ['body with line breaks and separators', { id: 5, path: '/validate/all', body: 'a\nb\n\n+-\r\n', contentType: 'text/plain', urlParams: 'p' }],
    ['large id, unicode body', { id: 2 ** 40, path: '/verifymutate', body: '{"n":"é✓𝄞"}', contentType: 'application/json', urlParams: '' }],
  ];
  for (const [name, r] of cases) assert.deepEqual(decodeEval(encodeEval(r)), r, name);
});

test('result messages round-trip through their string form', () => {
  const cases: Array<[string, number, { status: number; body: string }]> = [
    ['review', 7, { status: 200, body: '{"response":{"uid":"u","allowed":true}}' }],
    ['error text with line break', 8, { status: 417, body: 'invalid character\n' }],
    ['empty body', 9, { status: 415, body: '' }],
  ];
  for (const [name, id, out] of cases) assert.deepEqual(decodeResult(encodeResult(id, out)), { id, ...out }, name);
});

test('malformed messages are refused', () => {
  assert.throws(() => decodeEval('1\n/validate'), /malformed evaluation message/);
  assert.throws(() => decodeResult('1'), /malformed result message/);
});
