/**
 * Hostile input: every malformed, oversized, deeply nested or slow request gets a 4xx with a message or a
 * verdict of the path's failure policy; none crashes or hangs the server, none is wrongly admitted.
 * Decode messages are Go's (from a Go program unmarshalling into admissionv1.AdmissionReview).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { admissionReview, pod, requireTeamPolicy, startTestServer, type TestServer } from './harness.ts';

let s: TestServer;
before(async () => {
  s = await startTestServer({
    policies: requireTeamPolicy({ kinds: '[Pod, "example.com/v1/Widget"]' }),
    server: { requestTimeoutMs: 1500 },
  });
});
after(async () => {
  await s.close();
});

test('undecodable bodies: 417 with Go\'s message', async () => {
  const cases: Array<[string, number, string]> = [
    ['', 417, 'unexpected end of JSON input'],
    ['{"request":{"uid":"a"', 417, 'unexpected end of JSON input'],
    ['[]', 417, 'json: cannot unmarshal array into Go value of type v1.AdmissionReview'],
    ['{"request": 3}', 417, 'json: cannot unmarshal number into Go struct field AdmissionReview.request of type v1.AdmissionRequest'],
    ['{"request":{"uid":5}}', 417, 'json: cannot unmarshal number into Go struct field AdmissionRequest.request.uid of type types.UID'],
    ['{"request":{"uid":"a","kind":"Pod"}}', 417, 'json: cannot unmarshal string into Go struct field AdmissionRequest.request.kind of type v1.GroupVersionKind'],
    ['{"request":{"operation":["x"]}}', 417, 'json: cannot unmarshal array into Go struct field AdmissionRequest.request.operation of type v1.Operation'],
    ['{"request":{"dryRun":"yes"}}', 417, 'json: cannot unmarshal string into Go struct field AdmissionRequest.request.dryRun of type bool'],
    ['{"request":{"userInfo":{"groups":"a"}}}', 417, 'json: cannot unmarshal string into Go struct field UserInfo.request.userInfo.groups of type []string'],
    ['{"request":{"kind":{"group":1}}}', 417, 'json: cannot unmarshal number into Go struct field GroupVersionKind.request.kind.group of type string'],
    ['{"request":{"userInfo":{"extra":{"a":"b"}}}}', 417, 'json: cannot unmarshal string into Go struct field UserInfo.request.userInfo.extra of type v1.ExtraValue'],
    ['{"apiVersion":5}', 417, 'json: cannot unmarshal number into Go struct field AdmissionReview.TypeMeta.apiVersion of type string'],
    ['{"request":{"resource":{"resource":true}}}', 417, 'json: cannot unmarshal bool into Go struct field GroupVersionResource.request.resource.resource of type string'],
    ['{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}', 400, 'AdmissionReview request is nil'],
    ['null', 400, 'AdmissionReview request is nil'],
  ];
  for (const [body, status, message] of cases) {
    const r = await s.post('/validate/fail', body);
    assert.equal(r.status, status, body);
    assert.equal(r.body, `${message}\n`, body);
    assert.equal(r.headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
  }
  const syntax = await s.post('/validate/fail', '{"request":{"uid":"a"}} x');
  assert.equal(syntax.status, 417);
  assert.equal(syntax.body, "invalid character 'x' after top-level value\n");
});

test('wrong content type is 415; wrong envelope kinds are 400', async () => {
  const review = admissionReview({ object: pod('p') });
  const ct = await s.post('/validate/fail', review, { 'Content-Type': 'text/plain' });
  assert.equal(ct.status, 415);
  assert.equal(ct.body, 'invalid Content-Type\n');
  const wrongKind = await s.post('/validate/fail', { ...review, kind: 'Pod' });
  assert.equal(wrongKind.status, 400);
  assert.equal(wrongKind.body, 'unsupported kind "Pod" (expected AdmissionReview)\n');
  const wrongVersion = await s.post('/validate/fail', { ...review, apiVersion: 'v1' });
  assert.equal(wrongVersion.status, 400);
  const get = await s.get('/validate/fail');
  assert.equal(get.status, 405);
});

test('objects that are not Kubernetes objects are denied with Kyverno\'s message', async () => {
  const review = admissionReview({ object: pod('p') });
  (review['request'] as Record<string, unknown>)['object'] = 5;
  const r = await s.review('/validate/fail', review);
  assert.equal(r.allowed, false);
  assert.equal(
    r.status?.message,
    'failed to create policy context: failed to parse resource: failed to convert new raw to unstructured: failed to convert raw to unstructured: json: cannot unmarshal number into Go value of type map[string]interface {}',
  );
  (review['request'] as Record<string, unknown>)['object'] = { metadata: { name: 'x' } };
  const r2 = await s.review('/validate/fail', review);
  assert.equal(r2.allowed, false);
  assert.equal(
    r2.status?.message,
    `failed to create policy context: failed to parse resource: failed to convert new raw to unstructured: failed to convert raw to unstructured: Object 'Kind' is missing in '{"metadata":{"name":"x"}}'`,
  );
  // a request without any object for a CREATE is evaluated without one: nothing to match
  delete (review['request'] as Record<string, unknown>)['object'];
  assert.equal((await s.review('/validate/fail', review)).allowed, true);
});

test('a kind in the request that contradicts the object: the request kind wins (ConvertResource)', async () => {
  const r = await s.review('/validate/fail', admissionReview({ object: { ...pod('p'), kind: 'ConfigMap' }, kind: { group: '', version: 'v1', kind: 'Pod' }, resource: { group: '', version: 'v1', resource: 'pods' } }));
  assert.equal(r.allowed, false, 'evaluated as the Pod the API server says it is');
});

test('oversized bodies: 413 before reading (Content-Length) and while reading', async () => {
  const big = JSON.stringify(admissionReview({ object: pod('p', 'default', { metadata: { annotations: { blob: 'x'.repeat(10 * 1024 * 1024) } } }) }));
  const r = await s.post('/validate/fail', big);
  assert.equal(r.status, 413);
  assert.match(r.body, /^request body too large/);
  // chunked upload without Content-Length
  const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const sock = connect(s.port, '127.0.0.1', () => {
      sock.write('POST /validate/fail HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n');
      const chunk = 'y'.repeat(1024 * 1024);
      let sent = 0;
      const pump = (): void => {
        while (sent < 12) {
          sent++;
          if (!sock.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`)) {
            sock.once('drain', pump);
            return;
          }
        }
      };
      pump();
    });
    let data = '';
    sock.on('data', (d) => (data += d.toString()));
    sock.on('close', () => resolve({ status: Number(data.split(' ')[1]), body: data }));
    sock.on('error', (err) => (data ? resolve({ status: Number(data.split(' ')[1]), body: data }) : reject(err)));
  });
  assert.equal(chunked.status, 413);
});

test('a large object within the limit gets a verdict', async () => {
  const obj = pod('p', 'default', { metadata: { annotations: { blob: 'x'.repeat(5 * 1024 * 1024) } } });
  const t0 = Date.now();
  const r = await s.review('/validate/fail', admissionReview({ object: obj }));
  assert.equal(r.allowed, false);
  assert.ok(Date.now() - t0 < 10_000);
});

test('nesting beyond Go\'s limit is refused; deep but legal nesting gets a verdict', async () => {
  const deep = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
  const head = JSON.stringify(admissionReview({ object: pod('p') })).replace('"spec":{', `"deep":${deep(10_001)},"spec":{`);
  const r = await s.post('/validate/fail', head);
  assert.equal(r.status, 417);
  assert.equal(r.body, "invalid character '{' exceeded max depth\n");
  const legal = JSON.stringify(admissionReview({ object: pod('p') })).replace('"spec":{', `"deep":${deep(9_000)},"spec":{`);
  const r2 = await s.post('/validate/fail', legal);
  assert.equal(r2.status, 200);
  assert.equal(JSON.parse(r2.body).response.allowed, false, 'no wrong allow on the fail path');
  const arrays = JSON.stringify(admissionReview({ object: pod('p') })).replace('"spec":{', `"deep":${'['.repeat(9_000)}${']'.repeat(9_000)},"spec":{`);
  const r3 = await s.post('/validate/fail', arrays);
  assert.equal(r3.status, 200);
  assert.equal(JSON.parse(r3.body).response.allowed, false);
});

test('a slow client is cut off with 408; the server keeps serving', async () => {
  const result = await new Promise<string>((resolve) => {
    const sock = connect(s.port, '127.0.0.1', () => {
      sock.write('POST /validate/fail HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"req');
    });
    let data = '';
    sock.on('data', (d) => (data += d.toString()));
    sock.on('close', () => resolve(data));
    sock.on('error', () => resolve(data));
  });
  assert.match(result, /^HTTP\/1\.1 408 /);
  assert.equal((await s.get('/health/liveness')).status, 200);
});

test('a connection silent in the middle of its headers, or before any request, is closed', async () => {
  const cut = (first: string) =>
    new Promise<{ data: string; ms: number }>((resolve) => {
      const t0 = Date.now();
      const sock = connect(s.port, '127.0.0.1', () => {
        if (first !== '') sock.write(first);
      });
      let data = '';
      sock.on('data', (d) => (data += d.toString()));
      sock.on('close', () => resolve({ data, ms: Date.now() - t0 }));
      sock.on('error', () => undefined);
    });
  const [partial, silent] = await Promise.all([cut('POST /validate/fail HTTP/1.1\r\nHost: x\r\n'), cut('')]);
  for (const [name, r] of [['partial headers', partial], ['nothing sent', silent]] as const) {
    assert.equal(r.data, '', `${name}: closed without an answer, as Go's server closes a connection whose read timed out`);
    assert.ok(r.ms >= 6500 && r.ms < 9000, `${name}: closed after ${r.ms} ms (request timeout 1,500 ms + 5 s)`);
  }
  assert.equal((await s.get('/health/liveness')).status, 200);
});

test('a keep-alive connection older than the request and headers deadlines keeps being served', async () => {
  // node's own request/headers timeouts (off) answered such connections 400/408 once they were older than
  // the timeout; here one connection carries reviews for twice the deadline and more
  const body = JSON.stringify(admissionReview({ object: pod('p') }));
  const request = `POST /validate/fail HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  const statuses = await new Promise<string[]>((resolve, reject) => {
    const seen: string[] = [];
    let buf = '';
    let sent = 0;
    const sock = connect(s.port, '127.0.0.1', () => {
      sock.write(request);
      sent++;
    });
    sock.on('data', (d) => {
      buf += d.toString();
      for (;;) {
        const head = buf.indexOf('\r\n\r\n');
        if (head < 0) return;
        const length = Number(/content-length: (\d+)/i.exec(buf.slice(0, head))?.[1] ?? 0);
        if (buf.length < head + 4 + length) return;
        seen.push(buf.slice(9, 12));
        buf = buf.slice(head + 4 + length);
        if (sent === 16) {
          sock.end();
          resolve(seen);
          return;
        }
        setTimeout(() => {
          sock.write(request);
          sent++;
        }, 250);
      }
    });
    sock.on('error', reject);
    sock.on('close', () => resolve(seen));
  });
  assert.deepEqual(statuses, Array.from({ length: 16 }, () => '200'), 'every review answered 200 over ~4 s on one connection');
});

test('unknown resources are learned from the request; an unknown subresource of an unknown resource is denied', async () => {
  const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'default' } };
  const r = await s.review('/validate/fail', admissionReview({ object: widget, resource: { group: 'example.com', version: 'v1', resource: 'widgets' } }));
  assert.equal(r.allowed, false, 'the policy names example.com/v1/Widget: enforced once discovery knows widgets');
  const gadget = { apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g', namespace: 'default' } };
  const r2 = await s.review('/validate/fail', admissionReview({ object: gadget, resource: { group: 'example.com', version: 'v1', resource: 'gadgets' }, subResource: 'status' }));
  assert.equal(r2.allowed, false);
  assert.equal(r2.status?.message, 'resource gadgets not found in group example.com/v1');
});

test('the server is still healthy', async () => {
  assert.equal((await s.get('/health/readiness')).status, 200);
  const r = await s.review('/validate/fail', admissionReview({ object: pod('p', 'default', { metadata: { labels: { team: 't' } } }) }));
  assert.equal(r.allowed, true);
});
