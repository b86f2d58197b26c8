import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import type { Resource } from '../../engine/api/json.ts';
import { ClientError } from '../../engine/generate/client.ts';
import { MemoryKubeApi } from '../../k8s/client/memory-api.ts';
import type { ApiResource } from '../../k8s/client/types.ts';
import { commitWrites, runStaged, type StagedClient } from './staged-client.ts';

const GROUP = 'example.io';
const GV = `${GROUP}/v1`;
const WIDGETS: ApiResource = { group: GROUP, version: 'v1', resource: 'widgets', kind: 'Widget', namespaced: false, verbs: ['create', 'get', 'list'], subresources: ['status'] };

/**
 * An API whose discovery cache lags behind a CRD just established: the cache does not know `Widget`
 * (`cached`), and the client's lookup of a missed kind (`resource`: a rate-limited discovery re-read, then
 * the group-version document, see DiscoveryCache) finds it or not (`lookupFinds`).
 */
class LaggingDiscovery extends MemoryKubeApi {
  lookups = 0;

  constructor(
    private cached: boolean,
    private readonly lookupFinds: boolean,
  ) {
    super([WIDGETS]);
  }

  private isWidget(apiVersion: string, kind: string): boolean {
    return kind === 'Widget' && (apiVersion === GV || apiVersion === '');
  }

  override resourceSync(apiVersion: string, kind: string): ApiResource | undefined {
    if (this.isWidget(apiVersion, kind) && !this.cached) return undefined;
    return super.resourceSync(apiVersion, kind);
  }

  override async resource(apiVersion: string, kind: string): Promise<ApiResource | undefined> {
    if (this.isWidget(apiVersion, kind) && !this.cached) {
      this.lookups++;
      if (this.lookupFinds) this.cached = true;
    }
    return this.resourceSync(apiVersion, kind);
  }
}

/** What a generate rule does with its target: get it, create it when NotFound; an unknown kind yields nothing. */
function generateWidget(client: StagedClient): 'created' | 'exists' | 'nothing' {
  try {
    client.getResource(GV, 'Widget', '', 'superuser');
    return 'exists';
  } catch (err) {
    if (!(err instanceof ClientError) || err.reason !== 'NotFound') throw err;
  }
  try {
    client.createResource(GV, 'Widget', 'ns-2', { apiVersion: GV, kind: 'Widget', metadata: { name: 'superuser' } } as Resource);
    return 'created';
  } catch (err) {
    if (err instanceof ClientError && err.reason === 'NotFound') return 'nothing';
    throw err;
  }
}

describe('runStaged: a kind the discovery cache does not know is looked up before the rule yields nothing', () => {
  const rows: Array<{ name: string; cached: boolean; lookupFinds: boolean; outcome: string; written: boolean; lookups: number }> = [
    { name: 'kind in the cache: no lookup', cached: true, lookupFinds: true, outcome: 'created', written: true, lookups: 0 },
    { name: 'cache stale, the lookup of the missed kind finds it (CRD just established)', cached: false, lookupFinds: true, outcome: 'created', written: true, lookups: 1 },
    { name: 'kind served nowhere: NotFound as before, looked up once in the run', cached: false, lookupFinds: false, outcome: 'nothing', written: false, lookups: 1 },
  ];
  for (const row of rows) {
    test(row.name, async () => {
      const api = new LaggingDiscovery(row.cached, row.lookupFinds);
      const staged = await runStaged(api, generateWidget);
      assert.equal(staged.value, row.outcome);
      assert.equal(staged.writes.length, row.written ? 1 : 0);
      await commitWrites(api, staged.writes);
      const stored = await api.get(WIDGETS, '', 'superuser');
      assert.equal(stored !== undefined, row.written);
      if (stored) assert.equal((stored['metadata'] as { namespace?: string }).namespace, undefined, 'a cluster-scoped kind is written without a namespace');
      assert.equal(api.lookups, row.lookups);
    });
  }
});
