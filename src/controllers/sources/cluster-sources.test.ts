import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import type { KyvernoPolicy } from '../../engine/api/policy.ts';
import type { PolicyInformers } from '../policies/policy-informers.ts';
import { ClusterPolicySource } from './cluster-sources.ts';

function policy(kind: 'ClusterPolicy' | 'Policy', name: string, ready: boolean | undefined, namespace?: string): KyvernoPolicy {
  const status = ready === undefined ? {} : { status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] } };
  return { apiVersion: 'kyverno.io/v1', kind, metadata: { name, ...(namespace ? { namespace } : {}) }, spec: { rules: [] }, ...status } as unknown as KyvernoPolicy;
}

/** The informer side the source reads: a fixed list of policies. */
function informers(all: KyvernoPolicy[]): PolicyInformers {
  return { all: () => all, exceptionCandidates: () => [], onChange: () => undefined, onExceptionsChange: () => undefined } as unknown as PolicyInformers;
}

describe('ClusterPolicySource: ready policies, and the ones this process registered before their status says so', () => {
  const all = [
    policy('ClusterPolicy', 'ready', true),
    policy('ClusterPolicy', 'fresh', undefined),
    policy('ClusterPolicy', 'not-ready', false),
    policy('Policy', 'fresh', undefined, 'team'),
  ];
  const rows: Array<{ name: string; registered: string[] | undefined; served: string[] }> = [
    { name: 'nothing registered locally: the Ready condition only', registered: undefined, served: ['ready'] },
    { name: 'a new cluster policy registered, status not written yet', registered: ['ready', 'fresh'], served: ['ready', 'fresh'] },
    { name: 'a namespaced policy registered by namespace/name', registered: ['team/fresh'], served: ['ready', 'team/fresh'] },
    { name: 'a registered policy whose status still says not ready', registered: ['not-ready'], served: ['ready', 'not-ready'] },
    { name: 'a key that names no policy serves nothing more', registered: ['gone'], served: ['ready'] },
    { name: 'leadership lost: back to the Ready condition', registered: undefined, served: ['ready'] },
  ];
  const source = new ClusterPolicySource(informers(all), 0);
  let rebuilt = 0;
  source.onChange(() => rebuilt++);
  for (const row of rows) {
    test(row.name, () => {
      source.serveRegistered(row.registered === undefined ? undefined : new Set(row.registered));
      const keys = source.current().policies.map((p) => (p.kind === 'Policy' ? `${p.metadata.namespace}/${p.metadata.name}` : (p.metadata.name ?? '')));
      assert.deepEqual(keys.sort(), row.served.slice().sort());
    });
  }
  test('the same registered set again does not rebuild', () => {
    source.serveRegistered(new Set(['fresh']));
    const before = rebuilt;
    source.serveRegistered(new Set(['fresh']));
    assert.equal(rebuilt, before);
    source.serveRegistered(undefined);
    assert.equal(rebuilt, before + 1);
  });
});
