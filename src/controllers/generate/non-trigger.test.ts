/**
 * The generation handler's non-trigger requests (non-trigger.ts, Kyverno's `processRequest`): which
 * changes to downstream resources and clone sources give which generate UR specs, which give none, and
 * which stop with an error.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import type { Resource } from '../../engine/api/json.ts';
import type { AdmissionOperation, KyvernoPolicy, Rule } from '../../engine/api/policy.ts';
import { isNonTrigger, processNonTriggerRequest, type NonTriggerRequest } from './non-trigger.ts';
import type { RuleContext } from './update-request.ts';

const matchNamespaces = { any: [{ resources: { kinds: ['Namespace'] } }] };

function cpol(name: string, rules: Rule[]): KyvernoPolicy {
  return { apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name }, spec: { rules } } as KyvernoPolicy;
}

function pol(namespace: string, name: string, rules: Rule[]): KyvernoPolicy {
  return { apiVersion: 'kyverno.io/v1', kind: 'Policy', metadata: { name, namespace }, spec: { rules } } as KyvernoPolicy;
}

const dataRule = (name: string, synchronize: boolean): Rule => ({
  name,
  match: matchNamespaces,
  generate: { apiVersion: 'v1', kind: 'ConfigMap', name: 'zk-kafka-address', namespace: '{{request.object.metadata.name}}', synchronize, data: { data: { a: 'b' } } },
});

const cloneRule = (name: string, match: Rule['match'] = matchNamespaces): Rule => ({
  name,
  match,
  generate: { apiVersion: 'v1', kind: 'Secret', name: 'regcred', namespace: '{{request.object.metadata.name}}', synchronize: true, clone: { namespace: 'default', name: 'regcred' } },
});

const POLICIES = new Map<string, KyvernoPolicy>([
  ['sync-cm', cpol('sync-cm', [dataRule('other', true), dataRule('gen-cm', true)])],
  ['nosync-cm', cpol('nosync-cm', [dataRule('gen-cm', false)])],
  ['clone-secret', cpol('clone-secret', [cloneRule('clone')])],
  ['team/ns-secret', pol('team', 'ns-secret', [cloneRule('clone')])],
  // a rule matching Secrets: a Secret it cloned from is also its trigger
  ['self-trigger', cpol('self-trigger', [cloneRule('clone', { any: [{ resources: { kinds: ['Secret'] } }] })])],
]);

/** The labels `ManageLabels` writes for a policy, rule and Namespace trigger (uid `u-<trigger>`). */
function downstreamLabels(policy: string, rule: string, trigger: string, policyNamespace = ''): Record<string, string> {
  return {
    'app.kubernetes.io/managed-by': 'kyverno',
    'generate.kyverno.io/policy-name': policy,
    'generate.kyverno.io/policy-namespace': policyNamespace,
    'generate.kyverno.io/rule-name': rule,
    'generate.kyverno.io/trigger-group': '',
    'generate.kyverno.io/trigger-version': 'v1',
    'generate.kyverno.io/trigger-kind': 'Namespace',
    'generate.kyverno.io/trigger-namespace': '',
    'generate.kyverno.io/trigger-uid': `u-${trigger}`,
  };
}

/** The labels of a copy of Secret default/regcred (uid u-src), cloned for `trigger`. */
function copyLabels(policy: string, trigger: string, policyNamespace = ''): Record<string, string> {
  return {
    ...downstreamLabels(policy, 'clone', trigger, policyNamespace),
    'generate.kyverno.io/clone-source': '',
    'generate.kyverno.io/source-group': '',
    'generate.kyverno.io/source-version': 'v1',
    'generate.kyverno.io/source-kind': 'Secret',
    'generate.kyverno.io/source-namespace': 'default',
    'generate.kyverno.io/source-uid': 'u-src',
  };
}

function obj(kind: string, namespace: string, name: string, labels: Record<string, string>, uid = `u-${name}`): Resource {
  return { apiVersion: 'v1', kind, metadata: { name, namespace, uid, labels } };
}

const source = (labels: Record<string, string> = { 'generate.kyverno.io/clone-source': '' }): Resource => obj('Secret', 'default', 'regcred', labels, 'u-src');

const trigger = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', namespace: '', name: '', uid: `u-${name}` });
const rc = (rule: string, t: string, deleteDownstream = false): RuleContext => ({ rule, deleteDownstream, trigger: trigger(t) });

interface Row {
  name: string;
  operation: AdmissionOperation;
  old: Resource;
  /** what the cluster holds (FindDownstream lists from it) */
  cluster?: Resource[];
  /** policy key -> rule contexts of each UR applied, in order */
  urs: Array<[string, RuleContext[]]>;
  error?: string;
  listError?: string;
  /** an UPDATE that changes nothing (by default an UPDATE changes the object's data) */
  noop?: boolean;
}

/** The object after an UPDATE that changed its content. */
function modified(o: Resource): Resource {
  return { ...o, data: { ...((o['data'] as Record<string, string> | undefined) ?? {}), changed: 'yes' } };
}

function request(row: Row): NonTriggerRequest {
  const kind = String(row.old['kind']);
  return {
    newResource: row.operation === 'DELETE' ? null : row.operation === 'UPDATE' && !row.noop ? modified(row.old) : row.old,
    oldResource: row.old,
    admissionInfo: { userInfo: { username: 'alice' } },
    namespaceLabels: {},
    gvk: { group: '', version: 'v1', kind },
    subresource: '',
    operation: row.operation,
  };
}

const rows: Row[] = [
  {
    name: 'an UPDATE that changes nothing (the clone step re-writing its source, a restored downstream written again): no UR',
    operation: 'UPDATE',
    old: obj('ConfigMap', 'ns1', 'zk-kafka-address', downstreamLabels('sync-cm', 'gen-cm', 'ns1')),
    noop: true,
    urs: [],
  },
  { name: 'a modified downstream ConfigMap: a UR for its trigger', operation: 'UPDATE', old: obj('ConfigMap', 'ns1', 'zk-kafka-address', downstreamLabels('sync-cm', 'gen-cm', 'ns1')), urs: [['sync-cm', [rc('gen-cm', 'ns1')]]] },
  { name: 'a deleted downstream ConfigMap: a UR re-creating it (not deleteDownstream)', operation: 'DELETE', old: obj('ConfigMap', 'ns1', 'zk-kafka-address', downstreamLabels('sync-cm', 'gen-cm', 'ns1')), urs: [['sync-cm', [rc('gen-cm', 'ns1')]]] },
  { name: 'a downstream of a rule without synchronize: a UR without rule contexts (the generator drops it)', operation: 'DELETE', old: obj('ConfigMap', 'ns1', 'zk-kafka-address', downstreamLabels('nosync-cm', 'gen-cm', 'ns1')), urs: [['nosync-cm', []]] },
  { name: 'a downstream of a rule the policy no longer has: no rule context', operation: 'UPDATE', old: obj('ConfigMap', 'ns1', 'zk-kafka-address', downstreamLabels('sync-cm', 'removed', 'ns1')), urs: [['sync-cm', []]] },
  { name: 'a downstream of a deleted ClusterPolicy: the lister error, no UR', operation: 'DELETE', old: obj('ConfigMap', 'ns1', 'zk-kafka-address', downstreamLabels('gone', 'gen-cm', 'ns1')), urs: [], error: 'clusterpolicy.kyverno.io "gone" not found' },
  { name: 'a downstream of a namespaced Policy: the policy key is namespace/name', operation: 'UPDATE', old: obj('Secret', 'team', 'regcred', copyLabels('ns-secret', 'team', 'team')), urs: [['team/ns-secret', [rc('clone', 'team')]]] },
  { name: 'a downstream of a deleted Policy: the lister error', operation: 'UPDATE', old: obj('Secret', 'team', 'regcred', copyLabels('other', 'team', 'team')), urs: [], error: 'policy.kyverno.io "other" not found' },
  { name: 'a copy is a downstream (managed by Kyverno), not a source: its own trigger only', operation: 'DELETE', old: obj('Secret', 'ns1', 'regcred', copyLabels('clone-secret', 'ns1')), cluster: [obj('Secret', 'ns2', 'regcred', copyLabels('clone-secret', 'ns2'))], urs: [['clone-secret', [rc('clone', 'ns1')]]] },
  {
    name: 'a modified clone source: one UR per copy (found by source UID)',
    operation: 'UPDATE',
    old: source(),
    cluster: [obj('Secret', 'ns1', 'regcred', copyLabels('clone-secret', 'ns1')), obj('Secret', 'ns2', 'regcred', copyLabels('clone-secret', 'ns2')), obj('Secret', 'ns3', 'other', { a: 'b' })],
    urs: [
      ['clone-secret', [rc('clone', 'ns1')]],
      ['clone-secret', [rc('clone', 'ns2')]],
    ],
  },
  {
    name: 'a deleted clone source: its copies are deleted (deleteDownstream)',
    operation: 'DELETE',
    old: source(),
    cluster: [obj('Secret', 'ns1', 'regcred', copyLabels('clone-secret', 'ns1'))],
    urs: [['clone-secret', [rc('clone', 'ns1', true)]]],
  },
  {
    name: 'a copy labelled with the source name (older Kyverno) and UID is listed by both selectors',
    operation: 'UPDATE',
    old: source(),
    cluster: [obj('Secret', 'ns1', 'regcred', { ...copyLabels('clone-secret', 'ns1'), 'generate.kyverno.io/source-name': 'regcred' })],
    urs: [
      ['clone-secret', [rc('clone', 'ns1')]],
      ['clone-secret', [rc('clone', 'ns1')]],
    ],
  },
  { name: 'a clone source without copies: nothing', operation: 'UPDATE', old: source(), cluster: [obj('Secret', 'ns1', 'regcred', { a: 'b' })], urs: [] },
  { name: 'copies of another source UID are not this source’s', operation: 'UPDATE', old: obj('Secret', 'default', 'regcred', { 'generate.kyverno.io/clone-source': '' }, 'u-other'), cluster: [obj('Secret', 'ns1', 'regcred', copyLabels('clone-secret', 'ns1'))], urs: [] },
  {
    name: 'a copy whose policy is gone stops the processing (URs before it stay applied)',
    operation: 'UPDATE',
    old: source(),
    cluster: [obj('Secret', 'ns1', 'regcred', copyLabels('clone-secret', 'ns1')), obj('Secret', 'ns2', 'regcred', copyLabels('gone', 'ns2')), obj('Secret', 'ns3', 'regcred', copyLabels('clone-secret', 'ns3'))],
    urs: [['clone-secret', [rc('clone', 'ns1')]]],
    error: 'clusterpolicy.kyverno.io "gone" not found',
  },
  {
    name: 'the source is also a trigger of the rule (its match covers the source): skipped',
    operation: 'UPDATE',
    old: source(),
    cluster: [obj('Secret', 'ns1', 'regcred', copyLabels('self-trigger', 'ns1'))],
    urs: [['self-trigger', []]],
  },
  { name: 'listing the copies fails: the error, no UR', operation: 'UPDATE', old: source(), cluster: [], urs: [], listError: 'forbidden', error: 'failed to list targets resources: forbidden' },
];

describe('generate: non-trigger admission requests (processRequest)', () => {
  for (const row of rows) {
    test(row.name, async () => {
      const applied: Array<[string, RuleContext[]]> = [];
      const selectors: Array<Record<string, string>> = [];
      const run = processNonTriggerRequest(
        {
          policy: (key) => POLICIES.get(key),
          findDownstream: async (apiVersion, kind, selector) => {
            selectors.push(selector);
            if (row.listError) throw new Error(row.listError);
            return (row.cluster ?? []).filter((o) => {
              const labels = ((o['metadata'] as { labels?: Record<string, string> }).labels ?? {}) as Record<string, string>;
              return o['apiVersion'] === apiVersion && o['kind'] === kind && Object.entries(selector).every(([k, v]) => labels[k] === v);
            });
          },
          apply: (spec, policy) => {
            assert.equal(spec.requestType, 'generate');
            assert.deepEqual(spec.context, {}, 'non-trigger URs carry no admission context');
            assert.equal(spec.policy, policy.kind === 'Policy' ? `${policy.metadata.namespace}/${policy.metadata.name}` : policy.metadata.name);
            applied.push([spec.policy, spec.ruleContext ?? []]);
          },
        },
        request(row),
      );
      if (row.error) await assert.rejects(run, { message: row.error });
      else await run;
      assert.deepEqual(applied, row.urs);
      const managed = ((row.old['metadata'] as { labels: Record<string, string> }).labels['app.kubernetes.io/managed-by'] ?? '') === 'kyverno';
      if (!managed) {
        // FindDownstream by source name, then by source UID
        const src = { 'generate.kyverno.io/source-group': '', 'generate.kyverno.io/source-version': 'v1', 'generate.kyverno.io/source-kind': 'Secret', 'generate.kyverno.io/source-namespace': 'default' };
        const uid = (row.old['metadata'] as { uid: string }).uid;
        const expected = row.listError ? [{ ...src, 'generate.kyverno.io/source-name': 'regcred' }] : [{ ...src, 'generate.kyverno.io/source-name': 'regcred' }, { ...src, 'generate.kyverno.io/source-uid': uid }];
        assert.deepEqual(selectors, expected);
      } else {
        assert.deepEqual(selectors, [], 'a downstream resource lists nothing');
      }
    });
  }
});

describe('generate: which requests are non-trigger ones (handleNonTrigger)', () => {
  const cases: Array<[string, Resource | null, boolean]> = [
    ['no old object (CREATE)', null, false],
    ['no labels', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } }, false],
    ['clone-source label, empty value', obj('Secret', 'default', 'regcred', { 'generate.kyverno.io/clone-source': '' }), true],
    ['policy-name label', obj('ConfigMap', 'ns1', 'a', { 'generate.kyverno.io/policy-name': 'p' }), true],
    ['policy-name label, empty value', obj('ConfigMap', 'ns1', 'a', { 'generate.kyverno.io/policy-name': '' }), false],
    ['managed-by kyverno only', obj('ConfigMap', 'ns1', 'a', { 'app.kubernetes.io/managed-by': 'kyverno' }), false],
  ];
  for (const [name, old, want] of cases) test(name, () => assert.equal(isNonTrigger(old), want));
});
