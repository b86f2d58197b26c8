import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { ApiError } from '../../k8s/client/errors.ts';
import { MemoryKubeApi } from '../../k8s/client/memory-api.ts';
import type { KubeObject } from '../../k8s/client/types.ts';
import type { GenerateProcessor, ProcessOutcome } from './generate-processor.ts';
import type { MutateExistingProcessor } from './mutate-existing-processor.ts';
import { asUpdateRequest, newGenerateUR, newMutateUR, ruleContext, type UpdateRequest } from './update-request.ts';
import { UpdateRequestController } from './ur-controller.ts';
import { UpdateRequestGenerator, UPDATE_REQUESTS } from './ur-generator.ts';

const NS = 'kyverno';

async function until(what: string, probe: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const trigger = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', namespace: '', name, uid: `uid-${name}` });

/** Processors that record the URs they get and answer from a script. */
function fakes(answer: (ur: UpdateRequest, attempt: number) => string[]) {
  const calls = new Map<string, number>();
  const seen: UpdateRequest[] = [];
  const process = async (ur: UpdateRequest): Promise<string[]> => {
    const key = ur.metadata.name ?? '';
    const n = (calls.get(key) ?? 0) + 1;
    calls.set(key, n);
    seen.push(ur);
    return answer(ur, n);
  };
  const generate = { process: async (ur: UpdateRequest): Promise<ProcessOutcome> => ({ failures: await process(ur), generated: [{ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'x', name: 'gen' }] }) } as unknown as GenerateProcessor;
  const mutate = { process } as unknown as MutateExistingProcessor;
  return { generate, mutate, calls, seen };
}

async function createUR(api: MemoryKubeApi, ur: UpdateRequest, state = 'Pending'): Promise<string> {
  const created = await api.create(UPDATE_REQUESTS, ur as unknown as KubeObject);
  await api.update(UPDATE_REQUESTS, { ...created, status: { state } }, { subresource: 'status' });
  return (created['metadata'] as { name: string }).name;
}

describe('controllers: UpdateRequest state machine', () => {
  let alive: NodeJS.Timeout | undefined;
  before(() => void (alive = setInterval(() => undefined, 1000)));
  after(() => clearInterval(alive));

  test('Pending -> processed -> Completed -> deleted, including URs queued before the controller started', async () => {
    const api = new MemoryKubeApi();
    const before1 = await createUR(api, newGenerateUR(NS, 'gen-policy', [ruleContext('r', trigger('a'))]));
    const statuses: string[] = [];
    const f = fakes(() => []);
    const c = new UpdateRequestController({ api, namespace: NS, generate: f.generate, mutate: f.mutate, policyExists: () => true, workers: 2 });
    c.informer.on({ update: (_o, n) => void statuses.push(asUpdateRequest(n).status?.state ?? '') });
    const abort = new AbortController();
    await c.start(abort.signal);
    const later = await createUR(api, newGenerateUR(NS, 'gen-policy', [ruleContext('r', trigger('b'))]));
    await until('both URs deleted', async () => (await api.list(UPDATE_REQUESTS, { namespace: NS })).items.length === 0);
    assert.equal(f.calls.get(before1), 1);
    assert.equal(f.calls.get(later), 1);
    assert.equal(c.completed, 2);
    assert.equal(c.deleted, 2);
    assert.ok(statuses.includes('Completed'), 'status Completed was written before the delete');
    abort.abort();
    await c.stop();
  });

  test('failure -> Failed with the message and retryCount + 1 -> retried as Pending -> Completed', async () => {
    const api = new MemoryKubeApi();
    const f = fakes((_ur, n) => (n < 3 ? [`attempt ${n} failed`] : []));
    const failed: Array<{ message?: string; retryCount?: number }> = [];
    const c = new UpdateRequestController({ api, namespace: NS, generate: f.generate, mutate: f.mutate, policyExists: () => true, retryBaseMs: 5 });
    c.informer.on({ update: (_o, n) => void (asUpdateRequest(n).status?.state === 'Failed' && failed.push({ ...asUpdateRequest(n).status })) });
    const abort = new AbortController();
    await c.start(abort.signal);
    const name = await createUR(api, newGenerateUR(NS, 'gen-policy', [ruleContext('r', trigger('c'))]));
    await until('the UR completed and deleted', async () => (await api.get(UPDATE_REQUESTS, NS, name)) === undefined);
    assert.equal(f.calls.get(name), 3);
    assert.deepEqual(
      failed.map((s) => [s.message, s.retryCount]),
      [
        ['attempt 1 failed', 1],
        ['attempt 2 failed', 2],
      ],
    );
    assert.equal(c.failed, 2);
    assert.equal(c.completed, 1);
    abort.abort();
    await c.stop();
  });

  test('a UR that keeps failing is deleted once it exceeds maxRetries', async () => {
    const api = new MemoryKubeApi();
    const f = fakes(() => ['always']);
    const c = new UpdateRequestController({ api, namespace: NS, generate: f.generate, mutate: f.mutate, policyExists: () => true, retryBaseMs: 2, maxRetries: 2 });
    const abort = new AbortController();
    await c.start(abort.signal);
    const name = await createUR(api, newGenerateUR(NS, 'gen-policy', [ruleContext('r', trigger('d'))]));
    await until('the UR given up and deleted', async () => (await api.get(UPDATE_REQUESTS, NS, name)) === undefined);
    assert.equal(f.calls.get(name), 3, 'processed maxRetries + 1 times');
    assert.equal(c.completed, 0);
    abort.abort();
    await c.stop();
  });

  test('a UR is processed once Pending, not while its creator is still writing its status', async () => {
    const api = new MemoryKubeApi();
    const f = fakes(() => []);
    const c = new UpdateRequestController({ api, namespace: NS, generate: f.generate, mutate: f.mutate, policyExists: () => true });
    const abort = new AbortController();
    await c.start(abort.signal);
    const created = await api.create(UPDATE_REQUESTS, newGenerateUR(NS, 'gone-policy', [ruleContext('r', trigger('l'), true)]) as unknown as KubeObject);
    const name = (created['metadata'] as { name: string }).name;
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(f.calls.get(name), undefined, 'no state yet: not processed');
    const generatedResources = [{ apiVersion: 'v1', kind: 'Secret', namespace: 'x', name: 's' }];
    await api.update(UPDATE_REQUESTS, { ...created, status: { state: 'Pending', generatedResources } }, { subresource: 'status' });
    await until('the UR processed and deleted', async () => (await api.get(UPDATE_REQUESTS, NS, name)) === undefined);
    assert.deepEqual(f.seen.find((u) => u.metadata.name === name)?.status?.generatedResources, generatedResources, 'processed with the status its creator wrote');
    abort.abort();
    await c.stop();
  });

  test('mutate URs of a deleted policy are all deleted without processing', async () => {
    const api = new MemoryKubeApi();
    const f = fakes(() => []);
    const gone = [await createUR(api, newMutateUR(NS, 'gone-policy', 'r', trigger('e'))), await createUR(api, newMutateUR(NS, 'gone-policy', 'r', trigger('f')))];
    const c = new UpdateRequestController({ api, namespace: NS, generate: f.generate, mutate: f.mutate, policyExists: (k) => k !== 'gone-policy' });
    const abort = new AbortController();
    await c.start(abort.signal);
    await until('the mutate URs deleted', async () => (await api.list(UPDATE_REQUESTS, { namespace: NS })).items.length === 0);
    for (const n of gone) assert.equal(f.calls.get(n), undefined);
    abort.abort();
    await c.stop();
  });

  test('an API error while writing the status is retried, the UR is not lost', async () => {
    const api = new MemoryKubeApi();
    const f = fakes(() => []);
    const c = new UpdateRequestController({ api, namespace: NS, generate: f.generate, mutate: f.mutate, policyExists: () => true });
    const abort = new AbortController();
    await c.start(abort.signal);
    api.failNext('delete', new ApiError(500, 'InternalError', 'etcd is busy'), 'updaterequests');
    const name = await createUR(api, newGenerateUR(NS, 'gen-policy', [ruleContext('r', trigger('g'))]));
    await until('the UR deleted after the retry', async () => (await api.get(UPDATE_REQUESTS, NS, name)) === undefined);
    abort.abort();
    await c.stop();
  });
});

describe('controllers: UpdateRequest generator', () => {
  let alive: NodeJS.Timeout | undefined;
  before(() => void (alive = setInterval(() => undefined, 1000)));
  after(() => clearInterval(alive));

  test('creates the UR with state Pending; API failures are retried, not dropped', async () => {
    const api = new MemoryKubeApi();
    const g = new UpdateRequestGenerator({ api, namespace: NS });
    api.failNext('create', new ApiError(503, 'ServiceUnavailable', 'try later'));
    const created = await g.apply(newGenerateUR('elsewhere', 'gen-policy', [ruleContext('r', trigger('h'))]));
    const m = created['metadata'] as { name: string; namespace: string };
    assert.equal(m.namespace, NS, 'URs always go to Kyverno’s namespace');
    assert.match(m.name, /^ur-/);
    assert.equal(asUpdateRequest((await api.get(UPDATE_REQUESTS, NS, m.name)) as KubeObject).status?.state, 'Pending');
    assert.equal(g.retries, 1);
    assert.equal(g.created, 1);
    await g.stop();
  });

  test('above updateRequestThreshold creation waits (back-pressure) instead of dropping the request', async () => {
    const api = new MemoryKubeApi();
    let existing = 5;
    const g = new UpdateRequestGenerator({ api, namespace: NS, threshold: () => 5, count: () => existing });
    let done = false;
    const p = g.apply(newGenerateUR(NS, 'gen-policy', [ruleContext('r', trigger('i'))])).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(done, false);
    assert.equal((await api.list(UPDATE_REQUESTS, { namespace: NS })).items.length, 0);
    existing = 4;
    await p;
    assert.equal((await api.list(UPDATE_REQUESTS, { namespace: NS })).items.length, 1);
    await g.stop();
  });

  test('a generate UR without rule contexts is not written; a full queue refuses with an error', async () => {
    const api = new MemoryKubeApi();
    const g = new UpdateRequestGenerator({ api, namespace: NS, maxQueued: 1, threshold: () => 0, count: () => 1 });
    assert.deepEqual(await g.apply(newGenerateUR(NS, 'p', [])), {});
    const first = g.apply(newGenerateUR(NS, 'p', [ruleContext('r', trigger('j'))]));
    first.catch(() => undefined);
    await assert.rejects(g.apply(newGenerateUR(NS, 'p', [ruleContext('r', trigger('k'))])), /queue is full/);
    assert.equal(g.refused, 1);
    await g.stop(20);
    await assert.rejects(first, /generator stopped/);
  });
});
