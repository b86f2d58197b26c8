/**
 * Admission webhooks wired the way the product's admission server will be: a local HTTPS process
 * on 127.0.0.1 with its own CA, registered by URL + caBundle in a Mutating- and a
 * ValidatingWebhookConfiguration, is called by the API server for a pod CREATE; its JSON patch is
 * applied and its denial (with message) reaches the client.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { AdmissionregistrationV1Api, CoreV1Api, type V1Pod } from '@kubernetes/client-node';

import { createCertificateAuthority, issueCertificate } from '../../scripts/control-plane/pki.ts';
import { freePorts } from '../../scripts/control-plane/ports.ts';
import { eventually, kubeConfig, uniqueName } from './cluster.ts';

interface AdmissionReview {
  apiVersion: string;
  kind: string;
  request: {
    uid: string;
    kind: { group: string; version: string; kind: string };
    resource: { group: string; version: string; resource: string };
    operation: string;
    namespace?: string;
    name?: string;
    dryRun?: boolean;
    userInfo: { username: string };
    object: V1Pod;
  };
}

const DENY_LABEL = 'e2e.kyverno-ts.io/deny';
const MUTATED_LABEL = 'e2e.kyverno-ts.io/mutated';
const DENY_MESSAGE = 'pods labelled e2e.kyverno-ts.io/deny=true are not allowed';

/** A minimal admission webhook: /mutate adds a label with a JSON patch, /validate denies labelled pods. */
function admissionHandler(calls: { path: string; review: AdmissionReview }[]) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => {
      const review = JSON.parse(body) as AdmissionReview;
      const path = req.url?.split('?')[0] ?? '';
      calls.push({ path, review });
      const response: Record<string, unknown> = { uid: review.request.uid, allowed: true };
      if (path === '/mutate') {
        const hasLabels = review.request.object.metadata?.labels !== undefined;
        const patch = hasLabels
          ? [{ op: 'add', path: `/metadata/labels/${MUTATED_LABEL.replace('/', '~1')}`, value: 'true' }]
          : [{ op: 'add', path: '/metadata/labels', value: { [MUTATED_LABEL]: 'true' } }];
        response.patchType = 'JSONPatch';
        response.patch = Buffer.from(JSON.stringify(patch)).toString('base64');
      } else if (path === '/validate' && review.request.object.metadata?.labels?.[DENY_LABEL] === 'true') {
        response.allowed = false;
        response.status = { code: 403, message: DENY_MESSAGE };
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response }));
    });
  };
}

describe('admission webhook', () => {
  const calls: { path: string; review: AdmissionReview }[] = [];
  const ns = uniqueName('e2e-webhook');
  const configName = `${ns}.e2e.kyverno-ts.io`;
  let dir = '';
  let server: Server | undefined;
  let url = '';
  let caBundle = '';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kyverno-ts-e2e-webhook-'));
    const ca = createCertificateAuthority(dir, 'webhook-ca');
    const tls = issueCertificate(ca, dir, { name: 'webhook', commonName: 'e2e-webhook', ipAddresses: ['127.0.0.1'], dnsNames: ['localhost'], usage: 'server' });
    caBundle = Buffer.from(ca.certPem).toString('base64');
    const [port] = await freePorts(1);
    const srv = createServer({ cert: tls.certPem, key: tls.keyPem }, admissionHandler(calls));
    server = srv;
    await new Promise<void>((resolve) => srv.listen(port, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${port}`;
  });

  after(async () => {
    const admission = kubeConfig().makeApiClient(AdmissionregistrationV1Api);
    await admission.deleteMutatingWebhookConfiguration({ name: configName }).catch(() => undefined);
    await admission.deleteValidatingWebhookConfiguration({ name: configName }).catch(() => undefined);
    await kubeConfig().makeApiClient(CoreV1Api).deleteNamespace({ name: ns }).catch(() => undefined);
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  test('the API server calls the local HTTPS webhook (own CA, by URL) for a pod CREATE', async (t) => {
    const core = kubeConfig().makeApiClient(CoreV1Api);
    const admission = kubeConfig().makeApiClient(AdmissionregistrationV1Api);
    await core.createNamespace({ body: { metadata: { name: ns, labels: { 'e2e.kyverno-ts.io/webhook': ns } } } });
    await eventually('serviceaccount default', async () => (await core.readNamespacedServiceAccount({ name: 'default', namespace: ns })).metadata?.name);

    const rules = [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'], scope: 'Namespaced' }];
    const namespaceSelector = { matchLabels: { 'e2e.kyverno-ts.io/webhook': ns } };
    const common = { admissionReviewVersions: ['v1'], sideEffects: 'None', failurePolicy: 'Fail', timeoutSeconds: 10, rules, namespaceSelector };
    await admission.createMutatingWebhookConfiguration({
      body: {
        metadata: { name: configName },
        webhooks: [{ name: `mutate.${configName}`, clientConfig: { url: `${url}/mutate`, caBundle }, reinvocationPolicy: 'Never', ...common }],
      },
    });
    await admission.createValidatingWebhookConfiguration({
      body: {
        metadata: { name: configName },
        webhooks: [{ name: `validate.${configName}`, clientConfig: { url: `${url}/validate`, caBundle }, ...common }],
      },
    });

    const pod = (name: string, labels: Record<string, string>): V1Pod => ({
      metadata: { name, labels },
      spec: { containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.10' }] },
    });

    // The API server picks the new configurations up from its informers; dry-run until it does.
    await eventually('the webhook configurations to take effect', async () => {
      const probe = await core.createNamespacedPod({ namespace: ns, body: pod('probe', { app: 'probe' }), dryRun: 'All' });
      return probe.metadata?.labels?.[MUTATED_LABEL] === 'true' ? true : undefined;
    });
    const before = calls.length;

    const made = await core.createNamespacedPod({ namespace: ns, body: pod('allowed', { app: 'web' }) });
    assert.equal(made.metadata?.labels?.[MUTATED_LABEL], 'true', 'the mutating webhook patch was applied');
    assert.equal((await core.readNamespacedPod({ name: 'allowed', namespace: ns })).metadata?.labels?.[MUTATED_LABEL], 'true', 'and persisted');

    const seen = calls.slice(before);
    assert.deepEqual(seen.map((c) => c.path), ['/mutate', '/validate'], 'mutating webhooks run before validating ones');
    for (const { review } of seen) {
      assert.equal(review.apiVersion, 'admission.k8s.io/v1');
      assert.equal(review.kind, 'AdmissionReview');
      assert.deepEqual(review.request.kind, { group: '', version: 'v1', kind: 'Pod' });
      assert.deepEqual(review.request.resource, { group: '', version: 'v1', resource: 'pods' });
      assert.equal(review.request.operation, 'CREATE');
      assert.equal(review.request.namespace, ns);
      assert.equal(review.request.name, 'allowed');
      assert.equal(review.request.dryRun, false);
      assert.equal(review.request.userInfo.username, 'kubernetes-admin');
    }
    assert.equal(seen[1]?.review.request.object.metadata?.labels?.[MUTATED_LABEL], 'true', 'the validating webhook sees the mutated object');
    t.diagnostic(`webhook at ${url} received ${calls.length} admission reviews`);

    await assert.rejects(core.createNamespacedPod({ namespace: ns, body: pod('denied', { app: 'web', [DENY_LABEL]: 'true' }) }), (e: { code?: number; body?: string }) => {
      assert.equal(e.code, 403);
      const status = JSON.parse(String(e.body)) as { message: string; reason?: string };
      assert.equal(status.message, `admission webhook "validate.${configName}" denied the request: ${DENY_MESSAGE}`);
      return true;
    });
    await assert.rejects(core.readNamespacedPod({ name: 'denied', namespace: ns }), (e: { code?: number }) => e.code === 404);
  });
});
