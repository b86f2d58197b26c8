import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { MemoryKubeApi } from '../../k8s/client/memory-api.ts';
import type { KubeObject } from '../../k8s/client/types.ts';
import { CRD_RESOURCE, CrdWatcher } from './crd-watcher.ts';

async function until(what: string, probe: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const crd = (name: string, established = false): KubeObject => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name },
  spec: { group: 'example.io', names: { kind: 'Widget', plural: 'widgets' }, scope: 'Cluster', versions: [{ name: 'v1', served: true, storage: true }] },
  status: { conditions: established ? [{ type: 'Established', status: 'True' }] : [] },
});

type Op = 'create' | 'establish' | 'delete';

describe('CrdWatcher: discovery is invalidated on every CRD change', () => {
  const rows: Array<{ name: string; existing: number; ops: Op[]; invalidations: number; notified: number }> = [
    { name: 'the initial list invalidates but notifies nobody (startup discovery knows these)', existing: 2, ops: [], invalidations: 2, notified: 0 },
    { name: 'a CRD created then established: two invalidations, one debounced notification', existing: 0, ops: ['create', 'establish'], invalidations: 2, notified: 1 },
    { name: 'a CRD deleted', existing: 1, ops: ['delete'], invalidations: 2, notified: 1 },
  ];
  for (const row of rows) {
    test(row.name, async () => {
      const api = new MemoryKubeApi();
      for (let i = 0; i < row.existing; i++) await api.create(CRD_RESOURCE, crd(`old${i}.example.io`));
      const w = new CrdWatcher(api, { debounceMs: 20 });
      let notified = 0;
      w.onChange(() => notified++);
      w.start();
      try {
        await w.synced();
        for (const op of row.ops) {
          if (op === 'create') await api.create(CRD_RESOURCE, crd('widgets.example.io'));
          else if (op === 'establish') await api.update(CRD_RESOURCE, { ...((await api.get(CRD_RESOURCE, '', 'widgets.example.io')) as KubeObject), status: { conditions: [{ type: 'Established', status: 'True' }] } });
          else await api.delete(CRD_RESOURCE, '', 'old0.example.io');
        }
        await until('invalidations', () => api.discoveryInvalidations >= row.invalidations);
        await new Promise((r) => setTimeout(r, 60));
        assert.equal(api.discoveryInvalidations, row.invalidations);
        assert.equal(w.invalidations, row.invalidations);
        assert.equal(notified, row.notified);
      } finally {
        w.stop();
      }
    });
  }

  test('an unsubscribed listener is not called', async () => {
    const api = new MemoryKubeApi();
    const w = new CrdWatcher(api, { debounceMs: 10 });
    let calls = 0;
    const off = w.onChange(() => calls++);
    w.start();
    try {
      await w.synced();
      off();
      await api.create(CRD_RESOURCE, crd('widgets.example.io'));
      await until('invalidation', () => api.discoveryInvalidations === 1);
      await new Promise((r) => setTimeout(r, 40));
      assert.equal(calls, 0);
    } finally {
      w.stop();
    }
  });
});
