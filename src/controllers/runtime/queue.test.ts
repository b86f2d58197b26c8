import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { WorkQueue } from './queue.ts';

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

describe('controllers: work queue', () => {
  // the queue's delay timers are unref'd (a controller's watches keep the process alive); so does this
  let alive: NodeJS.Timeout | undefined;
  before(() => void (alive = setInterval(() => undefined, 1000)));
  after(() => clearInterval(alive));

  test('a key queued several times before it is picked is processed once', async () => {
    const q = new WorkQueue<string>({ name: 't' });
    const seen: string[] = [];
    q.add('a');
    q.add('b');
    q.add('a');
    q.add('a');
    assert.equal(q.length, 2);
    const run = q.run(1, async (k) => void seen.push(k));
    await q.idle();
    q.shutdown();
    await run;
    assert.deepEqual(seen, ['a', 'b']);
    assert.equal(q.reconciled, 2);
  });

  test('a key added while in flight is processed again afterwards, never concurrently', async () => {
    const q = new WorkQueue<string>({ name: 't' });
    let inFlight = 0;
    let maxInFlight = 0;
    let calls = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const run = q.run(4, async () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      calls++;
      if (calls === 1) await gate;
      inFlight--;
    });
    q.add('k');
    await tick();
    q.add('k'); // while the first run is blocked
    q.add('k');
    await tick(5);
    assert.equal(calls, 1, 'the second run waits for the first');
    release();
    await q.idle();
    q.shutdown();
    await run;
    assert.equal(calls, 2);
    assert.equal(maxInFlight, 1);
  });

  test('a failing key is retried with backoff, then dropped after maxRetries', async () => {
    const errors: number[] = [];
    const dropped: string[] = [];
    const q = new WorkQueue<string>({ name: 't', baseDelayMs: 1, maxDelayMs: 4, maxRetries: 3, onError: (_k, _e, n) => errors.push(n), onDrop: (k) => dropped.push(k) });
    let calls = 0;
    const run = q.run(2, async () => {
      calls++;
      throw new Error('boom');
    });
    q.add('x');
    await q.idle();
    q.shutdown();
    await run;
    assert.equal(calls, 4, 'first attempt and three retries');
    assert.deepEqual(errors, [0, 1, 2]);
    assert.deepEqual(dropped, ['x']);
    assert.equal(q.dropped, 1);
    assert.equal(q.requeued, 3);
  });

  test('success after failures resets the backoff', async () => {
    const q = new WorkQueue<string>({ name: 't', baseDelayMs: 1, maxRetries: 5 });
    let calls = 0;
    const run = q.run(1, async () => {
      if (++calls < 3) throw new Error('not yet');
    });
    q.add('y');
    await q.idle();
    assert.equal(calls, 3);
    assert.equal(q.numRequeues('y'), 0);
    q.shutdown();
    await run;
  });

  test('addAfter: an earlier pending delay wins; pending counts delayed keys', async () => {
    const q = new WorkQueue<string>({ name: 't' });
    const seen: Array<[string, number]> = [];
    const t0 = Date.now();
    const run = q.run(1, async (k) => void seen.push([k, Date.now() - t0]));
    q.addAfter('d', 40);
    q.addAfter('d', 10);
    q.addAfter('d', 200);
    assert.equal(q.pending, 1);
    await q.idle();
    q.shutdown();
    await run;
    assert.equal(seen.length, 1);
    assert.ok((seen[0] as [string, number])[1] < 150, 'processed after the shortest delay');
  });

  test('shutdown stops the workers and refuses new keys', async () => {
    const q = new WorkQueue<string>({ name: 't' });
    const run = q.run(3, async () => undefined);
    q.shutdown();
    await run;
    q.add('late');
    assert.equal(q.length, 0);
  });
});
