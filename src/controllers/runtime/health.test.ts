import { test } from 'node:test';
import assert from 'node:assert/strict';

import { startHealthListener } from './health.ts';

test('controllers: the health listener answers the probe paths from its checks', async () => {
  const state = { live: true, ready: false };
  const h = await startHealthListener({ live: () => state.live, ready: () => state.ready }, { host: '127.0.0.1', port: 0 });
  try {
    const base = `http://127.0.0.1:${h.address.port}`;
    const cases: Array<{ name: string; live: boolean; ready: boolean; method?: string; path: string; status: number }> = [
      { name: 'live while starting', live: true, ready: false, path: '/health/liveness', status: 200 },
      { name: 'not ready while the caches sync', live: true, ready: false, path: '/health/readiness', status: 500 },
      { name: 'ready once started', live: true, ready: true, path: '/health/readiness', status: 200 },
      { name: 'a query string is ignored', live: true, ready: true, path: '/health/readiness?verbose', status: 200 },
      { name: 'HEAD is a probe too', live: true, ready: true, method: 'HEAD', path: '/health/liveness', status: 200 },
      { name: 'not live while stopping', live: false, ready: false, path: '/health/liveness', status: 500 },
      { name: 'other paths are 404', live: true, ready: true, path: '/healthz', status: 404 },
      { name: 'other methods are 404', live: true, ready: true, method: 'POST', path: '/health/liveness', status: 404 },
    ];
    for (const c of cases) {
      state.live = c.live;
      state.ready = c.ready;
      const r = await fetch(`${base}${c.path}`, { method: c.method ?? 'GET' });
      await r.arrayBuffer();
      assert.equal(r.status, c.status, c.name);
    }
  } finally {
    await h.close();
  }
});

test('controllers: a check that throws reads as failing', async () => {
  const h = await startHealthListener({ live: () => { throw new Error('boom'); }, ready: () => true }, { host: '127.0.0.1', port: 0 });
  try {
    const r = await fetch(`http://127.0.0.1:${h.address.port}/health/liveness`);
    await r.arrayBuffer();
    assert.equal(r.status, 500);
  } finally {
    await h.close();
  }
});
