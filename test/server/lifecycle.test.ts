/**
 * Time limits and lifecycle: the internal review deadline, graceful shutdown draining in-flight reviews
 * and queued Audit work, and standalone mode over real HTTPS with the CA it generates.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryLogger } from '../../src/server/logging.ts';
import { startStandalone } from '../../src/server/standalone.ts';
import { admissionReview, pod, startTestServer } from './harness.ts';

const ENFORCE = (name: string, fp = 'Fail') => `
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: ${name}
spec:
  validationFailureAction: Enforce
  failurePolicy: ${fp}
  background: false
  rules:
  - name: check-team
    match:
      any:
      - resources:
          kinds: [Pod]
    validate:
      message: team label required
      pattern:
        metadata:
          labels:
            team: "?*"
`;

test('past the internal deadline a review gets its failure policy\'s verdict', async () => {
  const t = await startTestServer({ policies: ENFORCE('strict') + '---' + ENFORCE('lenient', 'Ignore'), server: { webhookTimeoutSeconds: 1e-9 } });
  try {
    const ok = pod('p', 'default', { metadata: { labels: { team: 't' } } });
    const fail = await t.review('/validate/fail', admissionReview({ object: ok }));
    assert.equal(fail.allowed, false);
    assert.match(fail.status?.message ?? '', /^admission review did not complete within/);
    const ignore = await t.review('/validate/ignore', admissionReview({ object: ok }));
    assert.equal(ignore.allowed, true);
    assert.match(ignore.warnings?.[0] ?? '', /did not complete within .*failurePolicy Ignore/);
  } finally {
    await t.close();
  }
});

test('graceful shutdown: readiness off, the in-flight review completes, then the listener is gone', async () => {
  const t = await startTestServer({ policies: ENFORCE('strict') });
  const body = JSON.stringify(admissionReview({ object: pod('p') }));
  const half = Math.floor(body.length / 2);
  let response = '';
  const sock = connect(t.port, '127.0.0.1');
  await new Promise<void>((resolve) => sock.once('connect', () => resolve()));
  const closed = new Promise<void>((resolve) => sock.on('close', () => resolve()));
  sock.on('data', (d) => (response += d.toString()));
  sock.write(`POST /validate/fail HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, half)}`);
  await new Promise((r) => setTimeout(r, 100));
  const stopping = t.server.shutdown();
  assert.equal(t.server.isReady(), false);
  await new Promise((r) => setTimeout(r, 100));
  sock.write(body.slice(half));
  const { drained, auditDrained } = await stopping;
  await closed;
  assert.equal(drained, true);
  assert.equal(auditDrained, true);
  assert.match(response, /^HTTP\/1\.1 200 /);
  assert.match(response, /"allowed":false/);
  await assert.rejects(
    new Promise((resolve, reject) => {
      const c = connect(t.port, '127.0.0.1');
      c.on('connect', () => resolve(c));
      c.on('error', reject);
    }),
  );
});

test('graceful shutdown drains queued Audit work', async () => {
  const t = await startTestServer({
    policies: `
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: audit-only
spec:
  background: false
  rules:
  - name: r
    match:
      any:
      - resources:
          kinds: [Pod]
    validate:
      message: m
      pattern:
        metadata:
          labels:
            team: "?*"
`,
  });
  const obj = pod('p');
  (obj['metadata'] as Record<string, unknown>)['uid'] = 'u-1';
  await Promise.all(Array.from({ length: 20 }, () => t.review('/validate/fail', admissionReview({ object: obj }))));
  await t.server.shutdown();
  assert.equal(t.server.audit.pending, 0);
  assert.equal(t.reports.records.filter((r) => r.source === 'audit').length, 20);
});

function httpsPost(port: number, ca: string, path: string, body: string, servername = 'localhost'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      { host: '127.0.0.1', port, path, method: 'POST', ca, servername, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } },
      (res) => {
        let data = '';
        res.on('data', (d) => (data += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

test('standalone over HTTPS: a CA and serving certificate are generated and verify', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kyverno-serve-'));
  writeFileSync(join(dir, 'policy.yaml'), ENFORCE('strict'));
  const tlsDir = join(dir, 'tls');
  const log = new MemoryLogger(0);
  const h = await startStandalone({ policyPaths: [join(dir, 'policy.yaml')], host: '127.0.0.1', port: 0, tlsDir, log });
  try {
    for (const f of ['ca.crt', 'ca.key', 'tls.crt', 'tls.key', '.kyverno-managed']) assert.ok(existsSync(join(tlsDir, f)), f);
    const ca = readFileSync(join(tlsDir, 'ca.crt'), 'utf8');
    const caCert = new X509Certificate(ca);
    assert.equal(caCert.subject, 'CN=*.kyverno.svc');
    assert.equal(caCert.ca, true);
    const leaf = new X509Certificate(readFileSync(join(tlsDir, 'tls.crt'), 'utf8'));
    assert.equal(leaf.subject, 'CN=kyverno-svc');
    assert.equal(leaf.checkIssued(caCert), true);
    assert.equal(leaf.subjectAltName, 'DNS:kyverno-svc, DNS:kyverno-svc.kyverno, DNS:kyverno-svc.kyverno.svc, DNS:localhost, IP Address:127.0.0.1');
    const days = (new Date(leaf.validTo).getTime() - Date.now()) / 86_400_000;
    assert.ok(days > 149 && days <= 150, `serving certificate valid ${days} days`);
    const r = await httpsPost(h.address.port, ca, '/validate/fail', JSON.stringify(admissionReview({ object: pod('p') })));
    assert.equal(r.status, 200);
    assert.equal(JSON.parse(r.body).response.allowed, false);
    const byName = await httpsPost(h.address.port, ca, '/validate/fail', JSON.stringify(admissionReview({ object: pod('p') })), 'kyverno-svc.kyverno.svc');
    assert.equal(byName.status, 200);
    // TLS below 1.2 is refused
    await assert.rejects(
      new Promise((resolve, reject) => {
        const s = tlsConnect({ host: '127.0.0.1', port: h.address.port, ca, servername: 'localhost', maxVersion: 'TLSv1.1', minVersion: 'TLSv1' }, () => resolve(s));
        s.on('error', reject);
      }),
    );
    // an untrusted client (no CA) is refused by its own verification
    await assert.rejects(httpsPost(h.address.port, '', '/health/readiness', ''));
  } finally {
    await h.stop();
  }
  // a second start reuses the managed material
  const before = readFileSync(join(tlsDir, 'tls.crt'), 'utf8');
  const h2 = await startStandalone({ policyPaths: [join(dir, 'policy.yaml')], host: '127.0.0.1', port: 0, tlsDir, log });
  await h2.stop();
  assert.equal(readFileSync(join(tlsDir, 'tls.crt'), 'utf8'), before);
});

test('standalone: a TLS directory with a user pair is used as is; invalid policies refuse to start', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kyverno-serve-'));
  writeFileSync(join(dir, 'policy.yaml'), ENFORCE('strict'));
  const gen = join(dir, 'gen');
  const log = new MemoryLogger(0);
  const h = await startStandalone({ policyPaths: [join(dir, 'policy.yaml')], host: '127.0.0.1', port: 0, tlsDir: gen, log });
  await h.stop();
  const user = join(dir, 'user');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(user);
  for (const f of ['tls.crt', 'tls.key', 'ca.crt']) writeFileSync(join(user, f), readFileSync(join(gen, f)));
  const h2 = await startStandalone({ policyPaths: [join(dir, 'policy.yaml')], host: '127.0.0.1', port: 0, tlsDir: user, log });
  await h2.stop();
  assert.equal(existsSync(join(user, 'ca.key')), false, 'a user store is never written');
  assert.equal(existsSync(join(user, '.kyverno-managed')), false);
  writeFileSync(join(dir, 'bad.yaml'), ENFORCE('bad').replace('pattern:', 'patern:'));
  await assert.rejects(startStandalone({ policyPaths: [join(dir, 'bad.yaml')], host: '127.0.0.1', port: 0, tlsDir: gen, log }), /invalid policies:\n {2}.*bad\.yaml/);
  // with worker threads the workers load the policies: the same error, with its code
  await assert.rejects(startStandalone({ policyPaths: [join(dir, 'bad.yaml')], host: '127.0.0.1', port: 0, tlsDir: gen, log, workers: 1 }), (err: Error & { code?: string }) => {
    assert.match(err.message, /invalid policies:\n {2}.*bad\.yaml/);
    assert.equal(err.code, 'POLICY_LOAD');
    return true;
  });
});

test('worker threads evaluate reviews; metrics merge; a worker that dies is replaced', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kyverno-serve-'));
  writeFileSync(join(dir, 'policy.yaml'), ENFORCE('strict'));
  const log = new MemoryLogger(0);
  const h = await startStandalone({ policyPaths: [join(dir, 'policy.yaml')], host: '127.0.0.1', port: 0, log, workers: 2 });
  try {
    const { httpCall } = await import('./harness.ts');
    const post = (body: object) => httpCall(h.address.port, 'POST', '/validate/fail', JSON.stringify(body), { 'Content-Type': 'application/json' });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => post(admissionReview({ object: pod(`p${i}`, 'default', i % 2 ? { metadata: { labels: { team: 't' } } } : {}) }))));
    for (const [i, r] of results.entries()) {
      assert.equal(r.status, 200);
      assert.equal(JSON.parse(r.body).response.allowed, i % 2 === 1);
    }
    const bad = await httpCall(h.address.port, 'POST', '/validate/fail', '{', { 'Content-Type': 'application/json' });
    assert.equal(bad.status, 417);
    const metrics = await httpCall(h.address.port, 'GET', '/metrics');
    assert.match(metrics.body, /kyverno_admission_requests_total\{resource_kind="Pod",resource_namespace="default",resource_request_operation="create",request_allowed="false",request_webhook="ValidatingWebhookConfiguration"\} 10\n/);
    assert.match(metrics.body, /kyverno_http_requests_total\{http_method="POST",http_url="\/validate\/fail",request_webhook="ValidatingWebhookConfiguration"\} 21\n/);
    assert.match(metrics.body, /kyverno_info\{version="0\.1\.0"\} 1/);
    // the admission controller's policy metrics (the server thread's, with the workers' series merged)
    assert.match(metrics.body, /kyverno_policy_changes_total\{policy_validation_mode="enforce",policy_type="cluster",policy_background_mode="false",policy_namespace="-",policy_name="strict",policy_change_type="created"\} 1\n/);
    assert.match(metrics.body, /kyverno_policy_rule_info_total\{rule_name="check-team",rule_type="validate",policy_namespace="-",policy_name="strict",status_ready="true",policy_validation_mode="enforce",policy_type="cluster",policy_background_mode="false"\} 1\n/);
    // kill one worker: its replacement serves the next reviews
    const pool = (h.server as unknown as { pool: { slots: Array<{ worker: { terminate(): Promise<number> } }> } }).pool;
    await pool.slots[0]!.worker.terminate();
    await new Promise((r) => setTimeout(r, 1500));
    const after = await Promise.all(Array.from({ length: 4 }, () => post(admissionReview({ object: pod('q') }))));
    for (const r of after) assert.equal(r.status, 200);
  } finally {
    await h.stop();
  }
});

test('one worker under many concurrent reviews: every answer carries the uid and verdict of its own request (results come back in batches)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kyverno-serve-'));
  writeFileSync(join(dir, 'policy.yaml'), ENFORCE('strict'));
  const log = new MemoryLogger(0);
  const h = await startStandalone({ policyPaths: [join(dir, 'policy.yaml')], host: '127.0.0.1', port: 0, log, workers: 1 });
  try {
    const { httpCall } = await import('./harness.ts');
    const reviews = Array.from({ length: 64 }, (_, i) => admissionReview({ object: pod(`p${i}`, 'default', i % 3 === 0 ? { metadata: { labels: { team: 't' } } } : {}) }));
    const answers = await Promise.all(reviews.map((r) => httpCall(h.address.port, 'POST', '/validate/fail', JSON.stringify(r), { 'Content-Type': 'application/json' })));
    for (const [i, a] of answers.entries()) {
      assert.equal(a.status, 200);
      const response = JSON.parse(a.body).response;
      assert.equal(response.uid, (reviews[i] as { request: { uid: string } }).request.uid, `review ${i}`);
      assert.equal(response.allowed, i % 3 === 0, `review ${i}`);
    }
  } finally {
    await h.stop();
  }
});

test('with worker threads, reload reaches the workers; the policy metrics come from the first worker', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kyverno-serve-'));
  const file = join(dir, 'policy.yaml');
  writeFileSync(file, ENFORCE('strict'));
  const h = await startStandalone({ policyPaths: [file], host: '127.0.0.1', port: 0, log: new MemoryLogger(0), workers: 2 });
  try {
    assert.equal(h.policies, undefined, 'the server thread does not load the policies');
    const { httpCall } = await import('./harness.ts');
    const verdicts = async () =>
      Promise.all(Array.from({ length: 4 }, async () => JSON.parse((await httpCall(h.address.port, 'POST', '/validate/fail', JSON.stringify(admissionReview({ object: pod('p') })), { 'Content-Type': 'application/json' })).body).response.allowed));
    assert.deepEqual(await verdicts(), [false, false, false, false]);
    writeFileSync(file, ENFORCE('strict').replace('kinds: [Pod]', 'kinds: [ConfigMap]'));
    h.reload();
    assert.deepEqual(await verdicts(), [true, true, true, true]);
    const metrics = (await httpCall(h.address.port, 'GET', '/metrics')).body;
    assert.match(metrics, /kyverno_policy_changes_total\{[^}]*policy_name="strict",policy_change_type="created"\} 1\n/);
    assert.match(metrics, /kyverno_policy_changes_total\{[^}]*policy_name="strict",policy_change_type="updated"\} 1\n/);
    assert.match(metrics, /kyverno_policy_rule_info_total\{rule_name="check-team",[^}]*policy_name="strict",[^}]*\} 1\n/);
    writeFileSync(file, 'kind: ClusterPolicy\napiVersion: kyverno.io/v1\nmetadata: {name: broken}\nspec: {rules: [{name: r}]}\n');
    h.reload();
    assert.deepEqual(await verdicts(), [true, true, true, true], 'the previous (valid) set still applies');
  } finally {
    await h.stop();
  }
});

test('reload re-reads the policy files; an invalid change keeps the previous policies', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kyverno-serve-'));
  const file = join(dir, 'policy.yaml');
  writeFileSync(file, ENFORCE('strict'));
  const log = new MemoryLogger(0);
  const h = await startStandalone({ policyPaths: [file], host: '127.0.0.1', port: 0, log });
  try {
    const { httpCall } = await import('./harness.ts');
    const verdict = async () => JSON.parse((await httpCall(h.address.port, 'POST', '/validate/fail', JSON.stringify(admissionReview({ object: pod('p') })), { 'Content-Type': 'application/json' })).body).response.allowed;
    assert.equal(await verdict(), false);
    writeFileSync(file, ENFORCE('strict').replace('kinds: [Pod]', 'kinds: [ConfigMap]'));
    h.reload();
    assert.equal(await verdict(), true);
    const metrics = (await httpCall(h.address.port, 'GET', '/metrics')).body;
    assert.match(metrics, /kyverno_policy_changes_total\{[^}]*policy_name="strict",policy_change_type="created"\} 1\n/);
    assert.match(metrics, /kyverno_policy_changes_total\{[^}]*policy_name="strict",policy_change_type="updated"\} 1\n/);
    writeFileSync(file, 'kind: ClusterPolicy\napiVersion: kyverno.io/v1\nmetadata: {name: broken}\nspec: {rules: [{name: r}]}\n');
    h.reload();
    assert.ok(log.lines.some((l) => l.message === 'policy reload failed; keeping the previous policies'));
    assert.equal(await verdict(), true, 'the previous (valid) set still applies');
  } finally {
    await h.stop();
  }
});
