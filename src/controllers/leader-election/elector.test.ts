import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { getLease } from '../../k8s/client/lease.ts';
import { MemoryKubeApi } from '../../k8s/client/memory-api.ts';
import { LeaderElector } from './elector.ts';

async function until(what: string, probe: () => boolean, timeoutMs = 5000): Promise<number> {
  const t0 = Date.now();
  while (!probe()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return Date.now() - t0;
}

function candidates(api: MemoryKubeApi, releaseOnStop: boolean, retryPeriodMs = 20, leaseDurationMs?: number) {
  const log: string[] = [];
  const make = (id: string) =>
    new LeaderElector({
      api,
      namespace: 'kyverno',
      name: 'kyverno-background-controller',
      identity: id,
      retryPeriodMs,
      ...(leaseDurationMs !== undefined ? { leaseDurationMs } : {}),
      releaseOnStop,
      onStartedLeading: () => log.push(`${id} started`),
      onStoppedLeading: () => log.push(`${id} stopped`),
    });
  return { a: make('a'), b: make('b'), log };
}

describe('controllers: leader election', () => {
  test('exactly one of two candidates leads; a released lease is taken over at once', async () => {
    const api = new MemoryKubeApi();
    // a lease far longer than the test: a takeover before it expires can only come from the release
    // (a busy machine may delay the takeover by a second; it must not look like an expiry)
    const { a, b, log } = candidates(api, true, 20, 60_000);
    a.start();
    b.start();
    await until('a leader', () => a.isLeader() || b.isLeader());
    await new Promise((r) => setTimeout(r, 100));
    assert.notEqual(a.isLeader(), b.isLeader(), 'never two leaders');
    const [leader, other] = a.isLeader() ? [a, b] : [b, a];
    const lease = await getLease(api, 'kyverno', 'kyverno-background-controller');
    assert.equal(lease?.record.holderIdentity, leader === a ? 'a' : 'b');
    await leader.stop();
    const ms = await until('the other to take over', () => other.isLeader(), 30_000);
    assert.ok(ms < leader.leaseDurationMs, `a released lease is taken before it would expire (${ms} ms)`);
    assert.equal(log.filter((l) => l.endsWith('started')).length, 2);
    await other.stop();
  });

  test('a crashed leader (lease not released) is replaced once the lease duration has passed', async () => {
    const api = new MemoryKubeApi();
    const { a, b } = candidates(api, false, 25);
    a.start();
    await until('a leads', () => a.isLeader());
    b.start();
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(b.isLeader(), false, 'b waits while a renews');
    await a.stop(); // stops renewing, keeps the holder (a crash)
    // the lease records whole seconds (at least 1 s): that is what the other candidate waits for
    const held = await getLease(api, 'kyverno', 'kyverno-background-controller');
    const durationMs = (held?.record.leaseDurationSeconds ?? 0) * 1000;
    assert.equal(durationMs, 1000);
    const ms = await until('b to take over', () => b.isLeader(), 5000);
    assert.ok(ms >= durationMs - 3 * b.retryPeriodMs, `not before the lease expired (${ms} ms, lease ${durationMs} ms)`);
    // a liveness bound, loose on purpose: a loaded machine delays timers (takeover times are measured in e2e)
    assert.ok(ms <= durationMs + 10_000, `replaced after the lease expired (${ms} ms)`);
    const lease = await getLease(api, 'kyverno', 'kyverno-background-controller');
    assert.equal(lease?.record.holderIdentity, 'b');
    assert.equal(lease?.record.leaseTransitions, 1);
    await b.stop();
  });
});
