import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { MemoryKubeApi } from '../../k8s/client/memory-api.ts';
import type { KubeObject } from '../../k8s/client/types.ts';
import { parseTtlDuration, propagationPolicyOf, selfAccessCheck, TtlController, ttlDeadline } from './ttl.ts';

async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('controllers: TTL cleanup', () => {
  let alive: NodeJS.Timeout | undefined;
  before(() => void (alive = setInterval(() => undefined, 1000)));
  after(() => clearInterval(alive));

  test('label values: durations from the creation time, absolute times and dates, unreadable values', () => {
    assert.equal(parseTtlDuration('30s'), 30_000);
    assert.equal(parseTtlDuration('1m'), 60_000);
    assert.equal(parseTtlDuration('2h'), 7_200_000);
    assert.equal(parseTtlDuration('1d'), 86_400_000);
    assert.equal(parseTtlDuration('1w'), 604_800_000);
    assert.equal(parseTtlDuration('1h30m'), 5_400_000);
    assert.equal(parseTtlDuration('1.5h'), 5_400_000);
    assert.equal(parseTtlDuration('soon'), undefined);
    assert.equal(parseTtlDuration('10x'), undefined);
    assert.equal(parseTtlDuration('0'), 0, "Go's bare 0");
    assert.equal(parseTtlDuration('1d12h'), 129_600_000, 'days and hours add up');
    assert.equal(parseTtlDuration('2 weeks'), 1_209_600_000);
    assert.equal(parseTtlDuration('1d2x'), undefined, 'an unknown unit');
    assert.equal(ttlDeadline('1m', '2024-05-01T10:00:00Z')?.toISOString(), '2024-05-01T10:01:00.000Z');
    assert.equal(ttlDeadline('2024-05-01T103000Z', undefined)?.toISOString(), '2024-05-01T10:30:00.000Z');
    assert.equal(ttlDeadline('2024-05-01', undefined)?.toISOString(), '2024-05-01T00:00:00.000Z');
    assert.equal(ttlDeadline('2024-02-30', undefined), undefined, 'no such date');
    assert.equal(ttlDeadline('2024-05-01T10:30:00Z', undefined), undefined, 'RFC 3339 is not the label layout');
    assert.equal(ttlDeadline('1m', undefined), undefined, 'a duration needs the creation time');
  });

  test('propagation policy from the annotation', () => {
    const o = (v?: string): KubeObject => ({ metadata: { name: 'x', annotations: v === undefined ? {} : { 'cleanup.kyverno.io/propagation-policy': v } } });
    assert.equal(propagationPolicyOf(o('Foreground')), 'Foreground');
    assert.equal(propagationPolicyOf(o('Orphan')), 'Orphan');
    assert.equal(propagationPolicyOf(o('sometimes')), undefined);
    assert.equal(propagationPolicyOf(o()), undefined);
  });

  test('due objects are deleted, others wait for their time, unlabelled and unreadable ones stay', async () => {
    const api = new MemoryKubeApi();
    const cm = api.res('v1', 'ConfigMap');
    const ns = api.res('v1', 'Namespace');
    const old = new Date(Date.now() - 3_600_000).toISOString();
    api.seed(cm, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'expired', namespace: 'a', labels: { 'cleanup.kyverno.io/ttl': '1m' }, creationTimestamp: old } });
    api.seed(cm, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'past-date', namespace: 'a', labels: { 'cleanup.kyverno.io/ttl': '2020-01-01' } } });
    api.seed(cm, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'plain', namespace: 'a' } });
    api.seed(cm, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'garbled', namespace: 'a', labels: { 'cleanup.kyverno.io/ttl': 'never' }, creationTimestamp: old } });
    api.seed(ns, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'temp', labels: { 'cleanup.kyverno.io/ttl': '1s' }, creationTimestamp: old } });
    const ttl = new TtlController({ api, rediscoverMs: 60_000, canI: async () => true });
    const abort = new AbortController();
    await ttl.start(abort.signal);
    assert.ok(ttl.watched().includes('/v1/configmaps') && ttl.watched().includes('/v1/namespaces'));
    assert.ok(!ttl.watched().includes('/v1/events'), 'events are not watched');
    await until('the expired objects deleted', async () => (await api.get(cm, 'a', 'expired')) === undefined && (await api.get(cm, 'a', 'past-date')) === undefined && (await api.get(ns, '', 'temp')) === undefined);
    // a new object due shortly: deleted after its time, not before
    const t0 = Date.now();
    await api.create(cm, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'short', namespace: 'a', labels: { 'cleanup.kyverno.io/ttl': '3s' } } });
    // creationTimestamp has whole seconds: due between 2 s and 3 s from now
    await new Promise((r) => setTimeout(r, 1000));
    assert.ok(await api.get(cm, 'a', 'short'), 'not deleted before its time');
    await until('the short-lived object deleted', async () => (await api.get(cm, 'a', 'short')) === undefined);
    assert.ok(Date.now() - t0 >= 1900, 'deleted once its TTL passed');
    assert.ok(await api.get(cm, 'a', 'plain'));
    assert.ok(await api.get(cm, 'a', 'garbled'));
    assert.equal(ttl.deleted, 4);
    abort.abort();
    await ttl.stop();
  });

  test('kinds the identity may not watch, list and delete are not watched: their labelled objects stay', async () => {
    const api = new MemoryKubeApi();
    const cm = api.res('v1', 'ConfigMap');
    const secret = api.res('v1', 'Secret');
    const old = new Date(Date.now() - 3_600_000).toISOString();
    api.seed(cm, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kept', namespace: 'a', labels: { 'cleanup.kyverno.io/ttl': '1s' }, creationTimestamp: old } });
    api.seed(secret, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'gone', namespace: 'a', labels: { 'cleanup.kyverno.io/ttl': '1s' }, creationTimestamp: old } });
    const asked: string[] = [];
    // like Kyverno's chart: the cleanup controller may delete some kinds only (here: not ConfigMaps)
    const canI = async (res: { resource: string }, verbs: readonly string[]) => {
      asked.push(`${res.resource}:${verbs.join(',')}`);
      return res.resource !== 'configmaps';
    };
    const ttl = new TtlController({ api, rediscoverMs: 60_000, canI });
    const abort = new AbortController();
    await ttl.start(abort.signal);
    assert.ok(asked.includes('configmaps:watch,list,delete'));
    assert.ok(!ttl.watched().includes('/v1/configmaps') && ttl.watched().includes('/v1/secrets'));
    await until('the secret deleted', async () => (await api.get(secret, 'a', 'gone')) === undefined);
    assert.ok(await api.get(cm, 'a', 'kept'));
    abort.abort();
    await ttl.stop();
  });

  test('self access check: one SelfSubjectAccessReview per verb, all allowed', async () => {
    const reviews: Array<Record<string, unknown>> = [];
    const api = {
      create: async (_res: unknown, obj: Record<string, unknown>) => {
        const attrs = (obj['spec'] as { resourceAttributes: { verb: string; resource: string } }).resourceAttributes;
        reviews.push(attrs);
        return { ...obj, status: { allowed: attrs.verb !== 'delete' || attrs.resource === 'pods' } };
      },
    } as unknown as MemoryKubeApi;
    const check = selfAccessCheck(api);
    const res = (resource: string) => ({ group: '', version: 'v1', resource, kind: '', namespaced: true, verbs: [], subresources: [] });
    assert.equal(await check(res('pods'), ['watch', 'list', 'delete']), true);
    assert.equal(await check(res('configmaps'), ['watch', 'list', 'delete']), false);
    assert.deepEqual(reviews.slice(0, 3), [
      { group: '', version: 'v1', resource: 'pods', verb: 'watch' },
      { group: '', version: 'v1', resource: 'pods', verb: 'list' },
      { group: '', version: 'v1', resource: 'pods', verb: 'delete' },
    ]);
  });
});
