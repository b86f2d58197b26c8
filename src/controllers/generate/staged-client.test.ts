import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import type { Resource } from '../../engine/api/json.ts';
import { ClientError } from '../../engine/generate/client.ts';
import { ApiError } from '../../k8s/client/errors.ts';
import { MemoryKubeApi } from '../../k8s/client/memory-api.ts';
import type { ApiResource } from '../../k8s/client/types.ts';
import { commitWrites, runStaged, type StagedClient } from './staged-client.ts';

const GROUP = 'example.io';
const GV = `${GROUP}/v1`;
const WIDGETS: ApiResource = { group: GROUP, version: 'v1', resource: 'widgets', kind: 'Widget', namespaced: false, verbs: ['create', 'get', 'list'], subresources: ['status'] };

/**
 * An API whose discovery cache lags behind a CRD just established: the cache does not know `Widget`
 * (`cached`), a refresh finds it or not (`refreshFinds`: a refresh is rate limited), and the
 * group-version's resource list serves it or not (`listed`).
 */
class LaggingDiscovery extends MemoryKubeApi {
  refreshes = 0;
  listReads = 0;

  constructor(
    private cached: boolean,
    private readonly refreshFinds: boolean,
    private readonly listed: boolean,
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
      this.refreshes++;
      if (this.refreshFinds) this.cached = true;
    }
    return this.resourceSync(apiVersion, kind);
  }

  override async raw(method: 'GET' | 'POST', path: string): Promise<unknown> {
    if (path !== `/apis/${GV}`) return super.raw(method, path);
    this.listReads++;
    if (!this.listed) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    return {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: GV,
      resources: [
        { name: 'widgets', singularName: 'widget', namespaced: false, kind: 'Widget', verbs: ['create', 'get', 'list'] },
        { name: 'widgets/status', singularName: '', namespaced: false, kind: 'Widget', verbs: ['get', 'update'] },
      ],
    };
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
  const rows: Array<{ name: string; cached: boolean; refreshFinds: boolean; listed: boolean; outcome: string; written: boolean; refreshes: number; listReads: number }> = [
    { name: 'kind in the cache: no lookup', cached: true, refreshFinds: true, listed: true, outcome: 'created', written: true, refreshes: 0, listReads: 0 },
    { name: 'cache stale, a discovery refresh finds the kind', cached: false, refreshFinds: true, listed: true, outcome: 'created', written: true, refreshes: 1, listReads: 0 },
    { name: 'refresh rate limited, the group-version lists the kind (CRD just established)', cached: false, refreshFinds: false, listed: true, outcome: 'created', written: true, refreshes: 1, listReads: 1 },
    { name: 'kind served nowhere: NotFound as before, looked up once in the run', cached: false, refreshFinds: false, listed: false, outcome: 'nothing', written: false, refreshes: 1, listReads: 1 },
  ];
  for (const row of rows) {
    test(row.name, async () => {
      const api = new LaggingDiscovery(row.cached, row.refreshFinds, row.listed);
      const staged = await runStaged(api, generateWidget);
      assert.equal(staged.value, row.outcome);
      assert.equal(staged.writes.length, row.written ? 1 : 0);
      await commitWrites(api, staged.writes);
      const stored = await api.get(WIDGETS, '', 'superuser');
      assert.equal(stored !== undefined, row.written);
      if (stored) assert.equal((stored['metadata'] as { namespace?: string }).namespace, undefined, 'a cluster-scoped kind is written without a namespace');
      assert.equal(api.refreshes, row.refreshes);
      assert.equal(api.listReads, row.listReads);
    });
  }
});
