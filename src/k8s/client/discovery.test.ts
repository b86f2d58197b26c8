import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { DiscoveryCache, type DiscoveryReader } from './discovery.ts';
import type { ApiResource } from './types.ts';

const res = (group: string, version: string, kind: string, resource: string): ApiResource => ({ group, version, kind, resource, namespaced: true, verbs: ['list', 'watch'], subresources: [] });
const CONFIGMAP = res('', 'v1', 'ConfigMap', 'configmaps');
const WIDGET = res('example.io', 'v1', 'Widget', 'widgets');

/**
 * A fake API server's discovery: `served` is what a full read returns, `listed` what the group-version
 * documents list (a CRD just established shows there first); reads are counted.
 */
class FakeServer implements DiscoveryReader {
  served: ApiResource[] = [CONFIGMAP];
  listed: ApiResource[] = [CONFIGMAP];
  readAlls = 0;
  gvReads = 0;

  async readAll(): Promise<{ all: ApiResource[]; preferred: Map<string, string> }> {
    this.readAlls++;
    return { all: [...this.served], preferred: new Map([['', 'v1']]) };
  }

  async readGroupVersion(group: string, version: string): Promise<ApiResource[] | undefined> {
    this.gvReads++;
    const out = this.listed.filter((r) => r.group === group && r.version === version);
    return out.length > 0 ? out : undefined;
  }
}

type Step =
  | { at: number; do: 'find'; apiVersion: string; kind: string; want: string | undefined }
  | { at: number; do: 'invalidate' }
  | { at: number; do: 'serve'; what: 'all' | 'listed' | 'none' }
  | { at: number; do: 'sync'; apiVersion: string; kind: string; want: string | undefined };

describe('DiscoveryCache: invalidation and rate-limited re-reads on a miss', () => {
  const rows: Array<{ name: string; steps: Step[]; readAlls: number; gvReads: number }> = [
    {
      name: 'a hit reads discovery once',
      steps: [
        { at: 0, do: 'find', apiVersion: 'v1', kind: 'ConfigMap', want: 'configmaps' },
        { at: 5000, do: 'find', apiVersion: 'v1', kind: 'ConfigMap', want: 'configmaps' },
      ],
      readAlls: 1,
      gvReads: 0,
    },
    {
      name: 'a CRD served after the first read: found once the miss window has passed',
      steps: [
        { at: 0, do: 'find', apiVersion: 'v1', kind: 'ConfigMap', want: 'configmaps' },
        { at: 10, do: 'serve', what: 'all' },
        { at: 2000, do: 'find', apiVersion: 'example.io/v1', kind: 'Widget', want: 'widgets' },
        { at: 2001, do: 'sync', apiVersion: 'example.io/v1', kind: 'Widget', want: 'widgets' },
      ],
      readAlls: 2,
      gvReads: 0,
    },
    {
      name: 'a miss right after a read is not re-read in full: the group-version document lists the new kind',
      steps: [
        { at: 0, do: 'find', apiVersion: 'v1', kind: 'ConfigMap', want: 'configmaps' },
        { at: 10, do: 'serve', what: 'listed' },
        { at: 200, do: 'find', apiVersion: 'example.io/v1', kind: 'Widget', want: 'widgets' },
        { at: 201, do: 'sync', apiVersion: 'example.io/v1', kind: 'Widget', want: 'widgets' },
      ],
      readAlls: 1,
      gvReads: 1,
    },
    {
      name: 'an invalidation (CRD change) re-reads at the next lookup, however recent the last read',
      steps: [
        { at: 0, do: 'find', apiVersion: 'v1', kind: 'ConfigMap', want: 'configmaps' },
        { at: 10, do: 'serve', what: 'all' },
        { at: 20, do: 'sync', apiVersion: 'example.io/v1', kind: 'Widget', want: undefined },
        { at: 20, do: 'invalidate' },
        { at: 30, do: 'find', apiVersion: 'example.io/v1', kind: 'Widget', want: 'widgets' },
      ],
      readAlls: 2,
      gvReads: 0,
    },
    {
      name: 'a burst of invalidations costs one read',
      steps: [
        { at: 0, do: 'invalidate' },
        { at: 0, do: 'invalidate' },
        { at: 0, do: 'invalidate' },
        { at: 10, do: 'find', apiVersion: 'v1', kind: 'ConfigMap', want: 'configmaps' },
        { at: 20, do: 'find', apiVersion: 'v1', kind: 'ConfigMap', want: 'configmaps' },
      ],
      readAlls: 1,
      gvReads: 0,
    },
    {
      name: 'a kind served nowhere: at most one full read and one group-version read per window',
      steps: [
        { at: 0, do: 'find', apiVersion: 'example.io/v1', kind: 'Gadget', want: undefined },
        { at: 100, do: 'find', apiVersion: 'example.io/v1', kind: 'Gadget', want: undefined },
        { at: 500, do: 'find', apiVersion: 'example.io/v1', kind: 'Gadget', want: undefined },
        { at: 999, do: 'find', apiVersion: 'example.io/v1', kind: 'Gadget', want: undefined },
        { at: 1500, do: 'find', apiVersion: 'example.io/v1', kind: 'Gadget', want: undefined },
        { at: 1600, do: 'find', apiVersion: 'example.io/v1', kind: 'Gadget', want: undefined },
      ],
      // 0: first read, group-version read; 1500: re-read (1.5 s old), group-version read (window passed)
      readAlls: 2,
      gvReads: 2,
    },
    {
      name: 'no group-version read for a kind without an explicit version or with wildcards',
      steps: [
        { at: 0, do: 'find', apiVersion: '', kind: 'Gadget', want: undefined },
        { at: 10, do: 'find', apiVersion: 'example.io/', kind: 'Gadget', want: undefined },
        { at: 20, do: 'find', apiVersion: 'example.io/v1', kind: 'Gad*', want: undefined },
      ],
      readAlls: 1,
      gvReads: 0,
    },
    {
      name: 'a deleted CRD: after the invalidation its kind is gone',
      steps: [
        { at: 0, do: 'serve', what: 'all' },
        { at: 0, do: 'find', apiVersion: 'example.io/v1', kind: 'Widget', want: 'widgets' },
        { at: 10, do: 'serve', what: 'none' },
        { at: 20, do: 'invalidate' },
        { at: 30, do: 'find', apiVersion: 'example.io/v1', kind: 'Widget', want: undefined },
        { at: 40, do: 'sync', apiVersion: 'example.io/v1', kind: 'Widget', want: undefined },
      ],
      readAlls: 2,
      gvReads: 1,
    },
  ];
  for (const row of rows) {
    test(row.name, async () => {
      const server = new FakeServer();
      let now = 0;
      const cache = new DiscoveryCache(server, { missRefreshMs: 1000, now: () => now });
      for (const [i, s] of row.steps.entries()) {
        now = s.at;
        if (s.do === 'invalidate') cache.invalidate();
        else if (s.do === 'serve') {
          server.served = s.what === 'all' ? [CONFIGMAP, WIDGET] : [CONFIGMAP];
          server.listed = s.what === 'none' ? [CONFIGMAP] : [CONFIGMAP, WIDGET];
        } else if (s.do === 'find') assert.equal((await cache.find(s.apiVersion, s.kind))?.resource, s.want, `step ${i}`);
        else assert.equal(cache.current()?.find(s.apiVersion, s.kind)?.resource, s.want, `step ${i}`);
      }
      assert.equal(server.readAlls, row.readAlls, 'full reads');
      assert.equal(server.gvReads, row.gvReads, 'group-version reads');
    });
  }

  test('an invalidation during a read makes the next lookup read again (the running read may predate the CRD)', async () => {
    const server = new FakeServer();
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const slow: DiscoveryReader = {
      readAll: async () => {
        const first = server.readAlls === 0;
        const out = await server.readAll();
        if (first) await gate;
        return out;
      },
    };
    const cache = new DiscoveryCache(slow, { now: () => 0 });
    const first = cache.get();
    server.served = [CONFIGMAP, WIDGET];
    cache.invalidate();
    const second = cache.get();
    release();
    await first;
    assert.equal((await second).find('example.io/v1', 'Widget')?.resource, 'widgets');
    assert.equal(cache.stale, false);
    assert.equal(cache.current()?.find('example.io/v1', 'Widget')?.resource, 'widgets');
    assert.equal(server.readAlls, 2);
  });

  test('concurrent lookups share one read', async () => {
    const server = new FakeServer();
    const cache = new DiscoveryCache(server, { now: () => 0 });
    const found = await Promise.all([cache.find('v1', 'ConfigMap'), cache.find('v1', 'ConfigMap'), cache.get()]);
    assert.equal(found[0]?.resource, 'configmaps');
    assert.equal(server.readAlls, 1);
  });
});
