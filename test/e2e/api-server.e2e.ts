/**
 * The API server itself: reachable over TLS with the admin client certificate, reports the version
 * the binaries were built from, serves the admission APIs the product relies on, and enforces
 * authentication and RBAC for other users.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ApisApi, AuthenticationV1Api, CoreV1Api, KubeConfig, VersionApi } from '@kubernetes/client-node';

import { issueCertificate } from '../../scripts/control-plane/pki.ts';
import { cluster, kubeConfig } from './cluster.ts';

function rawGet(url: string, tls: { ca: string; cert?: string; key?: string }): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ...tls }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('api-server', () => {
  test('is reachable and reports the version it was built from', async (t) => {
    const info = await kubeConfig().makeApiClient(VersionApi).getCode();
    t.diagnostic(`kube-apiserver ${info.gitVersion} (major ${info.major}, minor ${info.minor}, ${info.goVersion}, ${info.platform})`);
    const built = cluster().binaries.versions.kubernetes;
    assert.equal(info.gitVersion, built);
    const [major, minor] = built.replace(/^v/, '').split('.');
    assert.equal(info.major, major);
    assert.equal(info.minor, minor);
    assert.equal(info.platform, `linux/${process.arch === 'x64' ? 'amd64' : process.arch}`);
  });

  test('is ready, including the RBAC bootstrap post-start hook', async () => {
    const ready = await cluster().get('/readyz?verbose');
    assert.equal(ready.status, 200);
    assert.match(ready.body, /\[\+\]poststarthook\/rbac\/bootstrap-roles ok/);
    assert.match(ready.body, /\[\+\]etcd ok/);
  });

  test('serves admissionregistration.k8s.io/v1 and apiextensions.k8s.io/v1', async () => {
    const groups = await kubeConfig().makeApiClient(ApisApi).getAPIVersions();
    const versions = new Map(groups.groups.map((g) => [g.name, g.versions.map((v) => v.version)]));
    assert.ok(versions.get('admissionregistration.k8s.io')?.includes('v1'), 'admissionregistration.k8s.io/v1');
    assert.ok(versions.get('apiextensions.k8s.io')?.includes('v1'), 'apiextensions.k8s.io/v1');
  });

  test('authenticates the admin kubeconfig as system:masters', async () => {
    const review = await kubeConfig().makeApiClient(AuthenticationV1Api).createSelfSubjectReview({ body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } });
    assert.equal(review.status?.userInfo?.username, 'kubernetes-admin');
    assert.ok(review.status?.userInfo?.groups?.includes('system:masters'));
  });

  test('rejects a client without a certificate and authorizes other users by RBAC', async () => {
    const cp = cluster();
    assert.equal(await rawGet(`${cp.server}/api/v1/namespaces`, { ca: cp.ca.certPem }), 403, 'anonymous user is forbidden');

    const dir = mkdtempSync(join(tmpdir(), 'kyverno-ts-e2e-user-'));
    try {
      const jane = issueCertificate(cp.ca, dir, { name: 'jane', commonName: 'jane', organizations: ['e2e-team'], usage: 'client' });
      const kc = new KubeConfig();
      kc.loadFromOptions({
        clusters: [{ name: 'e2e', server: cp.server, caFile: cp.ca.certFile }],
        users: [{ name: 'jane', certFile: jane.certFile, keyFile: jane.keyFile }],
        contexts: [{ name: 'e2e', cluster: 'e2e', user: 'jane' }],
        currentContext: 'e2e',
      });
      const review = await kc.makeApiClient(AuthenticationV1Api).createSelfSubjectReview({ body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } });
      assert.equal(review.status?.userInfo?.username, 'jane');
      await assert.rejects(kc.makeApiClient(CoreV1Api).listNamespace(), (e: { code?: number; body?: string }) => {
        assert.equal(e.code, 403);
        assert.match(String(e.body), /User \\?"jane\\?" cannot list resource \\?"namespaces\\?"/);
        return true;
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
