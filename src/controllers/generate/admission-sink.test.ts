/**
 * The admission server's background sink on non-trigger requests (Kyverno's generation handler
 * `Handle` -> `handleNonTrigger`): URs written through the UpdateRequestGenerator for changes to
 * downstream resources and clone sources, none for the background controller's own requests.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import type { JsonObject } from '../../engine/api/json.ts';
import type { KyvernoPolicy } from '../../engine/api/policy.ts';
import { MemoryKubeApi } from '../../k8s/client/memory-api.ts';
import type { ApiResource, KubeObject } from '../../k8s/client/types.ts';
import type { Logger } from '../../server/logging.ts';
import type { BackgroundRequest } from '../../server/admission/resource-handlers.ts';
import { AdmissionBackgroundSink } from './admission-sink.ts';
import { asUpdateRequest, type UpdateRequest } from './update-request.ts';
import { UpdateRequestGenerator, UPDATE_REQUESTS } from './ur-generator.ts';

const NS = 'kyverno';
const SECRETS: ApiResource = { group: '', version: 'v1', resource: 'secrets', kind: 'Secret', namespaced: true, verbs: [], subresources: [] };
const BACKGROUND_SA = 'system:serviceaccount:kyverno:kyverno-background-controller';

const errors: string[] = [];
const log: Logger = { info: () => {}, error: (err: unknown) => void errors.push(String(err instanceof Error ? err.message : err)), v: () => log, enabled: () => false, child: () => log, with: () => log };

const POLICY = {
  apiVersion: 'kyverno.io/v1',
  kind: 'ClusterPolicy',
  metadata: { name: 'sync-secrets' },
  spec: {
    rules: [
      {
        name: 'clone',
        match: { any: [{ resources: { kinds: ['Namespace'] } }] },
        generate: { apiVersion: 'v1', kind: 'Secret', name: 'regcred', namespace: '{{request.object.metadata.name}}', synchronize: true, clone: { namespace: 'default', name: 'regcred' } },
      },
    ],
  },
} as unknown as KyvernoPolicy;

function copyLabels(trigger: string): Record<string, string> {
  return {
    'app.kubernetes.io/managed-by': 'kyverno',
    'generate.kyverno.io/policy-name': 'sync-secrets',
    'generate.kyverno.io/policy-namespace': '',
    'generate.kyverno.io/rule-name': 'clone',
    'generate.kyverno.io/trigger-group': '',
    'generate.kyverno.io/trigger-version': 'v1',
    'generate.kyverno.io/trigger-kind': 'Namespace',
    'generate.kyverno.io/trigger-namespace': '',
    'generate.kyverno.io/trigger-uid': `u-${trigger}`,
    'generate.kyverno.io/clone-source': '',
    'generate.kyverno.io/source-group': '',
    'generate.kyverno.io/source-version': 'v1',
    'generate.kyverno.io/source-kind': 'Secret',
    'generate.kyverno.io/source-namespace': 'default',
    'generate.kyverno.io/source-uid': 'u-src',
  };
}

const secret = (namespace: string, labels: Record<string, string>, uid: string): KubeObject => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'regcred', namespace, uid, labels }, data: { k: 'dg==' } });

function request(operation: 'UPDATE' | 'DELETE', old: KubeObject, username: string, generatePolicies: KyvernoPolicy[] = []): BackgroundRequest {
  const kind = { group: '', version: 'v1', kind: 'Secret' };
  const meta = old['metadata'] as { name: string; namespace: string };
  return {
    attributes: {
      request: {
        uid: 'r1',
        kind,
        resource: { group: '', version: 'v1', resource: 'secrets' },
        subResource: '',
        requestKind: kind,
        requestResource: { group: '', version: 'v1', resource: 'secrets' },
        requestSubResource: '',
        name: meta.name,
        namespace: meta.namespace,
        operation,
        userInfo: { username, uid: '', groups: [], extra: {} },
        // an UPDATE changes the object (one that changes nothing gives no UR)
        object: operation === 'DELETE' ? undefined : operation === 'UPDATE' ? ({ ...old, data: { changed: 'eWVz' } } as JsonObject) : (old as JsonObject),
        oldObject: old as JsonObject,
        dryRun: false,
        options: undefined,
      },
      roles: null,
      clusterRoles: null,
      gvk: kind,
      urlParams: '',
      startTime: 0,
      deadline: Number.POSITIVE_INFINITY,
      log,
    },
    generatePolicies,
    mutateExistingPolicies: [],
    policyByKey: (key) => (key === 'sync-secrets' ? POLICY : undefined),
  };
}

describe('generate: the admission sink on changes to downstream resources and clone sources', () => {
  let api: MemoryKubeApi;
  let generator: UpdateRequestGenerator;
  let sink: AdmissionBackgroundSink;
  const namespaces = new Map<string, Record<string, string>>([['ns1', {}], ['ns2', {}], ['default', {}]]);

  before(() => {
    api = new MemoryKubeApi();
    generator = new UpdateRequestGenerator({ api, namespace: NS, log });
    sink = new AdmissionBackgroundSink({
      engine: () => {
        throw new Error('no policy matches these requests: the engine is not needed');
      },
      exceptions: () => [],
      namespaces: { get: (name) => (namespaces.has(name) ? { name, labels: namespaces.get(name) ?? {} } : undefined) },
      generator,
      kyvernoNamespace: NS,
      log,
    });
  });
  after(() => generator.stop(100));

  async function urs(): Promise<UpdateRequest[]> {
    await generator.idle();
    const list = (await api.list(UPDATE_REQUESTS, { namespace: NS })).items.map(asUpdateRequest);
    for (const ur of list) await api.delete(UPDATE_REQUESTS, NS, ur.metadata.name ?? '');
    return list;
  }

  test('a deleted copy: a Pending generate UR for its trigger, labelled with the policy', async () => {
    await sink.handle(request('DELETE', secret('ns1', copyLabels('ns1'), 'u-c1'), 'alice'));
    const got = await urs();
    assert.equal(got.length, 1);
    const ur = got[0] as UpdateRequest;
    assert.equal(ur.status?.state, 'Pending');
    assert.equal(ur.metadata.labels?.['generate.kyverno.io/policy-name'], 'sync-secrets');
    assert.deepEqual(ur.spec.ruleContext, [{ rule: 'clone', deleteDownstream: false, trigger: { apiVersion: 'v1', kind: 'Namespace', namespace: '', name: '', uid: 'u-ns1' } }]);
    assert.deepEqual(ur.spec.context, {});
  });

  test('the same change made by the background controller itself: no UR', async () => {
    await sink.handle(request('DELETE', secret('ns1', copyLabels('ns1'), 'u-c1'), BACKGROUND_SA));
    assert.deepEqual(await urs(), []);
  });

  test('a modified clone source: one UR per copy, listed across namespaces from the API; its deletion deletes them', async () => {
    await api.create(SECRETS, secret('ns1', copyLabels('ns1'), 'u-c1'));
    await api.create(SECRETS, secret('ns2', copyLabels('ns2'), 'u-c2'));
    const src = secret('default', { 'generate.kyverno.io/clone-source': '' }, 'u-src');
    await sink.handle(request('UPDATE', src, 'alice'));
    const updated = await urs();
    assert.deepEqual(updated.map((u) => u.spec.ruleContext?.map((r) => [r.trigger.uid, r.deleteDownstream])).sort(), [[['u-ns1', false]], [['u-ns2', false]]]);
    await sink.handle(request('DELETE', src, 'alice'));
    const deleted = await urs();
    assert.deepEqual(deleted.map((u) => u.spec.ruleContext?.map((r) => [r.trigger.uid, r.deleteDownstream])).sort(), [[['u-ns1', true]], [['u-ns2', true]]]);
  });

  test('a copy whose policy is gone: no UR, the error is logged', async () => {
    errors.length = 0;
    const labels = { ...copyLabels('ns1'), 'generate.kyverno.io/policy-name': 'gone' };
    await sink.handle(request('UPDATE', secret('ns1', labels, 'u-c1'), 'alice'));
    assert.deepEqual(await urs(), []);
    assert.ok(errors.includes('clusterpolicy.kyverno.io "gone" not found'), errors.join('; '));
  });

  test('generate policies of the request using a namespaceSelector, namespace unknown: no UR (the policy context cannot be built)', async () => {
    errors.length = 0;
    const withSelector = { ...POLICY, spec: { rules: [{ ...POLICY.spec.rules?.[0], match: { resources: { kinds: ['Secret'], namespaceSelector: { matchLabels: { a: 'b' } } } } }] } } as unknown as KyvernoPolicy;
    const req = request('DELETE', secret('missing', copyLabels('ns1'), 'u-c9'), 'alice', [withSelector]);
    // the trigger part is not under test here: only the non-trigger one runs
    await (sink as unknown as { handleNonTrigger(r: BackgroundRequest): Promise<void> }).handleNonTrigger(req);
    assert.deepEqual(await urs(), []);
    assert.ok(errors.includes('namespace "missing" not found'), errors.join('; '));
  });
});
