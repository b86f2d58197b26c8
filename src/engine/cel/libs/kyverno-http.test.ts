/**
 * Kyverno's http library: Get/Post/Client through a port, Kyverno's CLI mocks (`"GET:<url>"` before
 * `"<url>"`, pkg/cel/libs/http_mock.go), JSON numbers as doubles, and `request failed: ...` errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonValue } from '../../api/json.ts';
import { createCelEnvironment } from '../environment.ts';
import { CelEvalError, isCelCompileError } from '../errors.ts';
import { HttpContextValue, mockAwareHttp, offlineHttp, type HttpPort } from './kyverno-http.ts';

const seen: string[] = [];
const real: HttpPort = {
  get(url, headers) {
    seen.push(`GET ${url} ${JSON.stringify(headers)}`);
    return { ok: true, count: 2 };
  },
  post(url, body, headers) {
    seen.push(`POST ${url} ${JSON.stringify(body)} ${JSON.stringify(headers)}`);
    return { echoed: body } as JsonValue;
  },
  client(ca) {
    seen.push(`CLIENT ${ca}`);
    return real;
  },
};

const env = createCelEnvironment({ variables: { http: 'http.Context' } });

async function run(expr: string, port: HttpPort): Promise<unknown> {
  const c = env.compile(expr);
  if (isCelCompileError(c)) throw new Error(c.message);
  return c.evaluateAsync({ http: new HttpContextValue(port) });
}

test('Get with and without headers; numbers come back as doubles', async () => {
  seen.length = 0;
  assert.equal(await run('http.Get("https://svc/api").count', real), 2);
  assert.equal(await run('http.get("https://svc/api", {"Authorization": "x"}).ok', real), true);
  assert.deepStrictEqual(seen, ['GET https://svc/api {}', 'GET https://svc/api {"Authorization":"x"}']);
});

test('Post sends the body as JSON', async () => {
  seen.length = 0;
  assert.deepStrictEqual(await run('http.Post("https://svc/api", {"n": dyn(1), "s": dyn(["a"])}).echoed', real), { n: 1, s: ['a'] });
  assert.deepStrictEqual(seen, ['POST https://svc/api {"n":1,"s":["a"]} {}']);
});

test('Client(caBundle) returns a context for further calls', async () => {
  seen.length = 0;
  assert.equal(await run('http.Client("PEM").Get("https://svc/x").ok', real), true);
  assert.deepStrictEqual(seen, ['CLIENT PEM', 'GET https://svc/x {}']);
});

test('CLI mocks: method-qualified key first, then the bare URL; others reach the real port', async () => {
  const mocked = mockAwareHttp(offlineHttp, { 'GET:https://a/x': { v: 'get' }, 'https://a/x': { v: 'any' }, 'https://a/y': { v: 'y' } });
  assert.equal(await run('http.Get("https://a/x").v', mocked), 'get');
  assert.equal(await run('http.Post("https://a/x", {}).v', mocked), 'any');
  assert.equal(await run('http.Get("https://a/y").v', mocked), 'y');
  await assert.rejects(run('http.Get("https://a/z")', mocked), (e: unknown) =>
    e instanceof CelEvalError && e.message === 'request failed: Get "https://a/z": network access is disabled',
  );
});
