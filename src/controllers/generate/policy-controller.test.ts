import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import type { Generation, KyvernoPolicy, Rule } from '../../engine/api/policy.ts';
import { ruleChange } from './policy-controller.ts';

function policy(rules: Array<[string, Generation | undefined]>): KyvernoPolicy {
  const r: Rule[] = rules.map(([name, generate]) => ({ name, match: { any: [{ resources: { kinds: ['Namespace'] } }] }, ...(generate ? { generate } : {}) }));
  return { apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name: 'p' }, spec: { rules: r } } as KyvernoPolicy;
}

const cm = (name: string): Generation => ({ apiVersion: 'v1', kind: 'ConfigMap', name, namespace: '{{request.object.metadata.name}}', synchronize: true, data: { data: { a: 'b' } } });
const clone = (name: string): Generation => ({ apiVersion: 'v1', kind: 'Secret', name: 'regcred', namespace: 'x', synchronize: true, clone: { namespace: 'default', name } });
const cloneList = (kinds: string[]): Generation => ({ namespace: 'x', synchronize: true, cloneList: { namespace: 'default', kinds, selector: { matchLabels: { a: 'b' } } } });
const foreach = (name: string): Generation => ({ synchronize: true, foreach: [{ list: 'request.object.data.ns', apiVersion: 'v1', kind: 'ConfigMap', name, namespace: '{{element}}', data: {} }] });

describe('generate policy controller: ruleChange (deleted rules, rules whose old downstream is orphaned)', () => {
  const rows: Array<{ name: string; old: KyvernoPolicy; updated: KyvernoPolicy; deleted: string[]; changed: Array<[string, Array<[string, string]>]> }> = [
    { name: 'unchanged rule', old: policy([['a', cm('x')]]), updated: policy([['a', cm('x')]]), deleted: [], changed: [['a', []]] },
    { name: 'data changed, same target', old: policy([['a', cm('x')]]), updated: policy([['a', { ...cm('x'), data: { data: { c: 'd' } } }]]), deleted: [], changed: [['a', []]] },
    { name: 'target renamed', old: policy([['a', cm('x')]]), updated: policy([['a', cm('y')]]), deleted: [], changed: [['a', [['v1', 'ConfigMap']]]] },
    { name: 'clone source changed', old: policy([['a', clone('s1')]]), updated: policy([['a', clone('s2')]]), deleted: [], changed: [['a', [['v1', 'Secret']]]] },
    { name: 'cloneList kinds changed', old: policy([['a', cloneList(['v1/Secret', 'v1/ConfigMap'])]]), updated: policy([['a', cloneList(['v1/Secret'])]]), deleted: [], changed: [['a', [['v1', 'Secret'], ['v1', 'ConfigMap']]]] },
    { name: 'foreach target renamed: the rule-level kind (none)', old: policy([['a', foreach('x')]]), updated: policy([['a', foreach('y')]]), deleted: [], changed: [['a', []]] },
    { name: 'rule deleted', old: policy([['a', cm('x')], ['b', cm('y')]]), updated: policy([['b', cm('y')]]), deleted: ['a'], changed: [['b', []]] },
    { name: 'non-generate rule kept', old: policy([['a', undefined]]), updated: policy([['a', undefined]]), deleted: [], changed: [] },
  ];
  for (const row of rows) {
    test(row.name, () => {
      const { deleted, changed } = ruleChange(row.old, row.updated);
      assert.deepEqual(deleted.map((r) => r.name), row.deleted);
      assert.deepEqual(changed.map((c) => [c.rule, c.kinds]), row.changed);
    });
  }
});
