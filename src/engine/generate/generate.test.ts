import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Resource } from '../api/json.ts';
import type { KyvernoPolicy, Rule } from '../api/policy.ts';
import type { RuleResponse } from '../api/response.ts';
import { Engine } from '../engine.ts';
import { generateForRules } from './apply.ts';
import { generateMockCluster, type MemoryCluster } from './memory-cluster.ts';

// Generate rules end to end, the way `kyverno test` runs them (processor/generate.go handleGeneratePolicy):
// the engine's filter gives the statuses, then the generate controller runs every rule against an
// in-memory cluster holding the trigger and the clone sources. Expected objects follow the controller
// (generator.go, data.go, clone.go, common/labels.go) and the test-generate suites' expectations.

const clock = { now: () => new Date(0) };

function policy(rules: Rule[], extra: Partial<KyvernoPolicy['spec']> = {}, meta: { name?: string; namespace?: string } = {}): KyvernoPolicy {
  return {
    apiVersion: 'kyverno.io/v1',
    kind: meta.namespace ? 'Policy' : 'ClusterPolicy',
    metadata: { name: meta.name ?? 'p', ...(meta.namespace ? { namespace: meta.namespace } : {}) },
    spec: { rules, ...extra },
  };
}

const matchKinds = (...kinds: string[]): Rule['match'] => ({ any: [{ resources: { kinds } }] });

interface Run {
  rules: RuleResponse[];
  outcome: ReturnType<typeof generateForRules>;
  cluster: MemoryCluster;
}

function run(p: KyvernoPolicy, trigger: Resource, sources: Resource[] = []): Run {
  const engine = new Engine({ clock });
  const pc = engine.newPolicyContext({ policy: p, newResource: trigger });
  const resp = engine.generate(pc);
  const cloneListKinds = (p.spec.rules ?? []).flatMap((r) => r.generate?.cloneList?.kinds ?? []);
  const cluster = generateMockCluster([trigger, ...sources], cloneListKinds);
  const outcome = generateForRules(engine, pc, resp.policyResponse.rules, cluster);
  return { rules: resp.policyResponse.rules, outcome, cluster };
}

function generated(r: Run): Array<[string, string, Resource[]]> {
  assert.ok(r.outcome.ok, r.outcome.ok ? '' : `${r.outcome.error.code}: ${r.outcome.error.message}`);
  return r.outcome.rules.map((x) => [x.name, x.status, x.generatedResources ?? []]);
}

/** The labels ManageLabels writes, for a ClusterPolicy `p` and a Namespace trigger. */
function kyvernoLabels(rule: string, trigger = { version: 'v1', group: '', kind: 'Namespace', namespace: '', uid: '' }, policyName = 'p', policyNs = ''): Record<string, string> {
  return {
    'app.kubernetes.io/managed-by': 'kyverno',
    'generate.kyverno.io/policy-name': policyName,
    'generate.kyverno.io/policy-namespace': policyNs,
    'generate.kyverno.io/rule-name': rule,
    'generate.kyverno.io/trigger-version': trigger.version,
    'generate.kyverno.io/trigger-group': trigger.group,
    'generate.kyverno.io/trigger-kind': trigger.kind,
    'generate.kyverno.io/trigger-namespace': trigger.namespace,
    'generate.kyverno.io/trigger-uid': trigger.uid,
  };
}

const namespace = (name: string, extra: Record<string, unknown> = {}): Resource => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, ...extra } as Resource,
});

// --- data ---------------------------------------------------------------------------------------

test('data: add-network-policy creates the NetworkPolicy in the new namespace', () => {
  const p = policy([
    {
      name: 'default-deny',
      match: matchKinds('Namespace'),
      generate: {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        name: 'default-deny',
        namespace: '{{request.object.metadata.name}}',
        synchronize: true,
        data: { spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } },
      },
    },
  ], {}, { name: 'add-networkpolicy' });
  const r = run(p, namespace('hello-world-namespace', { uid: 'ns-uid' }));
  assert.deepEqual(generated(r), [
    [
      'default-deny',
      'pass',
      [
        {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'NetworkPolicy',
          metadata: {
            name: 'default-deny',
            namespace: 'hello-world-namespace',
            labels: kyvernoLabels('default-deny', { version: 'v1', group: '', kind: 'Namespace', namespace: '', uid: 'ns-uid' }, 'add-networkpolicy'),
          },
          spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
        },
      ],
    ],
  ]);
});

test('data: each rule of add-quota gets its own resource; data labels and kind are kept', () => {
  const p = policy([
    {
      name: 'generate-resourcequota',
      match: matchKinds('Namespace'),
      generate: {
        apiVersion: 'v1',
        kind: 'ResourceQuota',
        name: 'default-resourcequota',
        namespace: '{{request.object.metadata.name}}',
        data: { metadata: { labels: { team: '{{request.object.metadata.labels.team}}' } }, spec: { hard: { 'limits.cpu': '4' } } },
      },
    },
    {
      name: 'generate-limitrange',
      match: matchKinds('Namespace'),
      generate: {
        apiVersion: 'v1',
        kind: 'LimitRange',
        name: 'default-limitrange',
        namespace: '{{request.object.metadata.name}}',
        data: { kind: 'LimitRange', spec: { limits: [{ type: 'Container', default: { cpu: '500m' } }] } },
      },
    },
  ]);
  const r = run(p, namespace('ns1', { labels: { team: 'blue' } }));
  assert.deepEqual(generated(r), [
    [
      'generate-resourcequota',
      'pass',
      [
        {
          apiVersion: 'v1',
          kind: 'ResourceQuota',
          metadata: {
            name: 'default-resourcequota',
            namespace: 'ns1',
            labels: { team: 'blue', ...kyvernoLabels('generate-resourcequota') },
          },
          spec: { hard: { 'limits.cpu': '4' } },
        },
      ],
    ],
    [
      'generate-limitrange',
      'pass',
      [
        {
          apiVersion: 'v1',
          kind: 'LimitRange',
          metadata: { name: 'default-limitrange', namespace: 'ns1', labels: kyvernoLabels('generate-limitrange') },
          spec: { limits: [{ type: 'Container', default: { cpu: '500m' } }] },
        },
      ],
    ],
  ]);
});

test('data: a rule without data creates an object with only metadata (test-generate/multiple-resources)', () => {
  const p = policy([
    {
      name: 'rule',
      match: matchKinds('Deployment'),
      generate: { apiVersion: 'foo/v1', kind: 'Foo', name: 'foo-{{request.object.metadata.name}}', namespace: '{{request.object.metadata.namespace}}' },
    },
  ]);
  const r = run(p, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'resource-a', namespace: 'default', uid: 'd1' } });
  assert.deepEqual(generated(r), [
    [
      'rule',
      'pass',
      [
        {
          apiVersion: 'foo/v1',
          kind: 'Foo',
          metadata: {
            name: 'foo-resource-a',
            namespace: 'default',
            labels: kyvernoLabels('rule', { version: 'v1', group: 'apps', kind: 'Deployment', namespace: 'default', uid: 'd1' }),
          },
        },
      ],
    ],
  ]);
});

test('data: an existing downstream is left alone without synchronize, and updated (not reported) with it', () => {
  const existing: Resource = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'ns1', resourceVersion: '7' }, data: { a: 'old' } };
  const rule = (synchronize: boolean): Rule => ({
    name: 'gen-cm',
    match: matchKinds('Namespace'),
    generate: { apiVersion: 'v1', kind: 'ConfigMap', name: 'cm', namespace: 'ns1', synchronize, data: { data: { a: 'new' } } },
  });
  const off = run(policy([rule(false)]), namespace('ns1'), [existing]);
  assert.deepEqual(generated(off), [['gen-cm', 'pass', []]]);
  assert.deepEqual(off.cluster.getResource('v1', 'ConfigMap', 'ns1', 'cm'), existing);

  const on = run(policy([rule(true)]), namespace('ns1'), [existing]);
  assert.deepEqual(generated(on), [['gen-cm', 'pass', []]]);
  assert.deepEqual(on.cluster.getResource('v1', 'ConfigMap', 'ns1', 'cm'), {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'cm', namespace: 'ns1', resourceVersion: '7', labels: kyvernoLabels('gen-cm') },
    data: { a: 'new' },
  });
});

test('data: rule context and element-free variables are substituted in the whole pattern', () => {
  const p = policy([
    {
      name: 'r',
      match: matchKinds('Namespace'),
      context: [{ name: 'team', variable: { value: 'blue' } }],
      generate: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        name: '{{team}}-{{request.object.metadata.name}}',
        namespace: '{{request.object.metadata.name}}',
        data: { data: { operation: '{{request.operation}}', team: '{{team}}' } },
      },
    },
  ]);
  const [[, , res]] = generated(run(p, namespace('ns1'))) as [[string, string, Resource[]]];
  assert.deepEqual(res.map((x) => [x['metadata'] && (x['metadata'] as any).name, x['data']]), [['blue-ns1', { operation: 'CREATE', team: 'blue' }]]);
});

test('data: a namespaced Policy writes its namespace in the labels', () => {
  const p = policy(
    [{ name: 'r', match: matchKinds('ConfigMap'), generate: { apiVersion: 'v1', kind: 'Secret', name: 's', namespace: 'team-a', data: { type: 'Opaque' } } }],
    {},
    { name: 'pol', namespace: 'team-a' },
  );
  const trigger: Resource = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'team-a', uid: 'u1' } };
  const [[, , res]] = generated(run(p, trigger)) as [[string, string, Resource[]]];
  assert.deepEqual((res[0]!['metadata'] as any).labels, kyvernoLabels('r', { version: 'v1', group: '', kind: 'ConfigMap', namespace: 'team-a', uid: 'u1' }, 'pol', 'team-a'));
});

test('data: data that is not an object fails the whole policy', () => {
  const p = policy([{ name: 'r', match: matchKinds('Namespace'), generate: { apiVersion: 'v1', kind: 'ConfigMap', name: 'x', namespace: 'y', data: ['a'] } }]);
  const r = run(p, namespace('ns1'));
  assert.equal(r.outcome.ok, false);
  if (!r.outcome.ok) {
    assert.equal(r.outcome.error.code, 'DATA');
    assert.equal(r.outcome.error.message, 'json: cannot unmarshal array into Go value of type map[string]interface {}');
  }
});

test('data: preconditions false -> skip status and nothing generated', () => {
  const p = policy([
    {
      name: 'r',
      match: matchKinds('Namespace'),
      preconditions: { all: [{ key: '{{request.object.metadata.name}}', operator: 'Equals', value: 'other' }] },
      generate: { apiVersion: 'v1', kind: 'ConfigMap', name: 'x', namespace: 'ns1', data: {} },
    },
  ]);
  assert.deepEqual(generated(run(p, namespace('ns1'))), [['r', 'skip', []]]);
});

// The CLI clears useServerSideApply when it loads policies (policy/load.go); the controller itself writes
// through applyResource, which the fake cluster refuses for a missing object (NotFound -> nothing, no error).
test('data: useServerSideApply against the fake cluster generates nothing and reports no error', () => {
  const p = policy([{ name: 'r', match: matchKinds('Namespace'), generate: { apiVersion: 'v1', kind: 'ConfigMap', name: 'x', namespace: 'ns1', data: {} } }], {
    useServerSideApply: true,
  });
  assert.deepEqual(generated(run(p, namespace('ns1'))), [['r', 'pass', []]]);
});

// --- clone --------------------------------------------------------------------------------------

const externalSecret: Resource = {
  apiVersion: 'external-secrets.io/v1beta1',
  kind: 'ExternalSecret',
  metadata: { name: 'devops-docker-pull-image-secret', namespace: 'default' },
  spec: { refreshInterval: '10s', target: { name: 'devops-docker-pull-image-secret' } },
};

const cloneRule = (extra: Partial<NonNullable<Rule['generate']>> = {}): Rule => ({
  name: 'sync-image-pull-secret',
  match: matchKinds('Namespace'),
  generate: {
    apiVersion: 'external-secrets.io/v1beta1',
    kind: 'ExternalSecret',
    name: 'devops-docker-pull-image-secret',
    namespace: '{{request.object.metadata.name}}',
    synchronize: true,
    clone: { namespace: 'default', name: 'devops-docker-pull-image-secret' },
    ...extra,
  },
});

test('clone: copies the source with source labels into the target namespace (test-generate/custom-resource)', () => {
  const r = run(policy([cloneRule()]), namespace('test-ns'), [externalSecret]);
  assert.deepEqual(generated(r), [
    [
      'sync-image-pull-secret',
      'pass',
      [
        {
          apiVersion: 'external-secrets.io/v1beta1',
          kind: 'ExternalSecret',
          metadata: {
            name: 'devops-docker-pull-image-secret',
            namespace: 'test-ns',
            labels: {
              'generate.kyverno.io/clone-source': '',
              'generate.kyverno.io/source-group': 'external-secrets.io',
              'generate.kyverno.io/source-version': 'v1beta1',
              'generate.kyverno.io/source-kind': 'ExternalSecret',
              'generate.kyverno.io/source-namespace': 'default',
              'generate.kyverno.io/source-uid': '',
              ...kyvernoLabels('sync-image-pull-secret'),
            },
          },
          spec: { refreshInterval: '10s', target: { name: 'devops-docker-pull-image-secret' } },
        },
      ],
    ],
  ]);
  // the source is tagged as a clone source
  assert.deepEqual((r.cluster.getResource('external-secrets.io/v1beta1', 'ExternalSecret', 'default', 'devops-docker-pull-image-secret')['metadata'] as any).labels, {
    'generate.kyverno.io/clone-source': '',
  });
});

test('clone: server-managed metadata is dropped; ownerReferences only across namespaces', () => {
  const source: Resource = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: 'regcred',
      namespace: 'default',
      uid: 'src-uid',
      resourceVersion: '12',
      selfLink: '/api/v1/namespaces/default/secrets/regcred',
      creationTimestamp: '2024-01-01T00:00:00Z',
      managedFields: [{ manager: 'kubectl' }],
      ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: 'o1' }],
      annotations: { a: 'b' },
    },
    type: 'Opaque',
    data: { password: 'cGFzcw==' },
  };
  const rule = (ns: string, name: string): Rule => ({
    name: 'r',
    match: matchKinds('Namespace'),
    generate: { apiVersion: 'v1', kind: 'Secret', name, namespace: ns, clone: { namespace: 'default', name: 'regcred' } },
  });
  const sourceLabels = {
    'generate.kyverno.io/clone-source': '',
    'generate.kyverno.io/source-group': '',
    'generate.kyverno.io/source-version': 'v1',
    'generate.kyverno.io/source-kind': 'Secret',
    'generate.kyverno.io/source-namespace': 'default',
    'generate.kyverno.io/source-uid': 'src-uid',
  };
  const [[, , across]] = generated(run(policy([rule('ns1', 'regcred')]), namespace('ns1'), [source])) as [[string, string, Resource[]]];
  assert.deepEqual(across, [
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'regcred', namespace: 'ns1', annotations: { a: 'b' }, labels: { ...sourceLabels, ...kyvernoLabels('r') } },
      type: 'Opaque',
      data: { password: 'cGFzcw==' },
    },
  ]);
  const [[, , same]] = generated(run(policy([rule('default', 'regcred-copy')]), namespace('ns1'), [source])) as [[string, string, Resource[]]];
  assert.deepEqual((same[0]!['metadata'] as any).ownerReferences, [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: 'o1' }]);
  assert.equal((same[0]!['metadata'] as any).name, 'regcred-copy');
});

test('clone: a missing source fails the policy; cloning onto itself does nothing', () => {
  const missing = run(policy([cloneRule()]), namespace('test-ns'));
  assert.equal(missing.outcome.ok, false);
  if (!missing.outcome.ok) {
    assert.equal(missing.outcome.error.code, 'SOURCE_NOT_FOUND');
    // no ExternalSecret in the fake cluster: discovery does not know the kind, the lookup names no resource
    assert.equal(
      missing.outcome.error.message,
      'source resource external-secrets.io/v1beta1/ExternalSecret/test-ns/devops-docker-pull-image-secret not found:  "devops-docker-pull-image-secret" not found',
    );
  }
  const secretRule: Rule = {
    name: 'r',
    match: matchKinds('Namespace'),
    generate: { apiVersion: 'v1', kind: 'Secret', name: 'regcred', namespace: 'ns1', clone: { namespace: 'default', name: 'regcred' } },
  };
  const missingSecret = run(policy([secretRule]), namespace('ns1'));
  assert.equal(missingSecret.outcome.ok ? '' : missingSecret.outcome.error.message, 'source resource v1/Secret/ns1/regcred not found: secrets "regcred" not found');
  const self = run(policy([cloneRule({ namespace: 'default' })]), namespace('test-ns'), [externalSecret]);
  assert.deepEqual(generated(self), [['sync-image-pull-secret', 'pass', []]]);
});

test('clone: one failing rule drops the generated resources of every rule of the policy', () => {
  const ok: Rule = { name: 'data', match: matchKinds('Namespace'), generate: { apiVersion: 'v1', kind: 'ConfigMap', name: 'cm', namespace: 'ns1', data: {} } };
  const r = run(policy([ok, cloneRule()]), namespace('ns1'));
  assert.equal(r.outcome.ok, false);
  assert.deepEqual(r.rules.map((x) => [x.name, x.status, x.generatedResources]), [
    ['data', 'pass', undefined],
    ['sync-image-pull-secret', 'pass', undefined],
  ]);
});

test('clone: a source whose kind ends in "y" is not found by the CLI fake cluster', () => {
  const source: Resource = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'np', namespace: 'default' }, spec: {} };
  const p = policy([
    { name: 'r', match: matchKinds('Namespace'), generate: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', name: 'np', namespace: 'ns1', clone: { namespace: 'default', name: 'np' } } },
  ]);
  const r = run(p, namespace('ns1'), [source]);
  assert.equal(r.outcome.ok ? '' : r.outcome.error.code, 'SOURCE_NOT_FOUND');
});

// --- cloneList ----------------------------------------------------------------------------------

test('cloneList: labelled Secrets of the source namespace are cloned under their own names (test-generate/clone-list)', () => {
  const p = policy([
    {
      name: 'clone-list-labelled-secrets',
      match: matchKinds('Namespace'),
      generate: {
        namespace: '{{request.object.metadata.name}}',
        synchronize: true,
        cloneList: { namespace: 'default', kinds: ['v1/Secret', 'v1/ConfigMap'], selector: { matchLabels: { allowedToBeCloned: 'true' } } },
      },
    },
  ]);
  const sources: Resource[] = [
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'regcred', namespace: 'default', labels: { allowedToBeCloned: 'true' } }, type: 'Opaque' },
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'missing-label', namespace: 'default' }, type: 'Opaque' },
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'elsewhere', namespace: 'other', labels: { allowedToBeCloned: 'true' } } },
  ];
  const [[name, status, res]] = generated(run(p, namespace('hello-world-namespace'), sources)) as [[string, string, Resource[]]];
  assert.equal(name, 'clone-list-labelled-secrets');
  assert.equal(status, 'pass');
  assert.deepEqual(res, [
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'regcred',
        namespace: 'hello-world-namespace',
        labels: {
          allowedToBeCloned: 'true',
          'generate.kyverno.io/clone-source': '',
          'generate.kyverno.io/source-group': '',
          'generate.kyverno.io/source-version': 'v1',
          'generate.kyverno.io/source-kind': 'Secret',
          'generate.kyverno.io/source-namespace': 'default',
          'generate.kyverno.io/source-uid': '',
          ...kyvernoLabels('clone-list-labelled-secrets'),
        },
      },
      type: 'Opaque',
    },
  ]);
});

test('cloneList: sources already in the target namespace are skipped', () => {
  const p = policy([
    { name: 'r', match: matchKinds('Namespace'), generate: { namespace: 'default', cloneList: { namespace: 'default', kinds: ['v1/Secret'] } } },
  ]);
  const sources: Resource[] = [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'a', namespace: 'default' } }];
  assert.deepEqual(generated(run(p, namespace('ns1'), sources)), [['r', 'pass', []]]);
});

// --- foreach ------------------------------------------------------------------------------------

const listTrigger: Resource = { apiVersion: 'example.com/v1', kind: 'Team', metadata: { name: 'blue', namespace: 'default' }, spec: { envs: ['dev', null, 'prod'] } };

test('foreach: one downstream per element, with element and elementIndex, and per-element preconditions', () => {
  const p = policy([
    {
      name: 'per-env',
      match: matchKinds('Team'),
      generate: {
        foreach: [
          {
            list: 'request.object.spec.envs',
            preconditions: { all: [{ key: '{{element}}', operator: 'NotEquals', value: 'skipme' }] },
            apiVersion: 'v1',
            kind: 'ConfigMap',
            name: '{{request.object.metadata.name}}-{{element}}',
            namespace: 'default',
            data: { data: { env: '{{element}}', index: '{{elementIndex}}' } },
          },
        ],
      },
    },
  ]);
  const [[, , res]] = generated(run(p, listTrigger)) as [[string, string, Resource[]]];
  assert.deepEqual(
    res.map((x) => [(x['metadata'] as any).name, x['data']]),
    [
      ['blue-dev', { env: 'dev', index: 0 }],
      ['blue-prod', { env: 'prod', index: 2 }],
    ],
  );
  const skipped = structuredClone(listTrigger);
  (skipped['spec'] as any).envs = ['skipme', 'qa'];
  const [[, , res2]] = generated(run(p, skipped)) as [[string, string, Resource[]]];
  assert.deepEqual(res2.map((x) => (x['metadata'] as any).name), ['blue-qa']);
});

test('foreach: failures are collected per list and element', () => {
  const p = policy([
    {
      name: 'per-env',
      match: matchKinds('Team'),
      generate: {
        foreach: [
          { list: 'request.object.spec.envs', apiVersion: 'v1', kind: 'ConfigMap', name: 'cm-{{element}}', namespace: 'default', data: 'bad' },
        ],
      },
    },
  ]);
  const r = run(p, listTrigger);
  assert.equal(r.outcome.ok, false);
  if (!r.outcome.ok) {
    assert.equal(r.outcome.error.code, 'FOREACH');
    const e = 'json: cannot unmarshal string into Go value of type map[string]interface {}';
    assert.equal(r.outcome.error.message, `failed to process 0 foreach in rule per-env: failed to process 0 element: ${e}; failed to process 2 element: ${e}`);
  }
});

// --- context and substitution failures -------------------------------------------------------------

test('a rule context entry that cannot be loaded fails with "failed to load rule level context"', () => {
  const p = policy([
    { name: 'r', match: matchKinds('Namespace'), context: [{ name: 'broken' }], generate: { apiVersion: 'v1', kind: 'ConfigMap', name: 'x', namespace: 'ns1', data: {} } },
  ]);
  const engine = new Engine({ clock });
  const trigger = namespace('ns1');
  const pc = engine.newPolicyContext({ policy: p, newResource: trigger });
  // the CLI runs every rule response through the controller, whatever its status
  const out = generateForRules(engine, pc, [{ name: 'r', ruleType: 'Generation', status: 'pass', message: '' }], generateMockCluster([trigger]));
  assert.equal(out.ok, false);
  if (!out.ok) {
    assert.equal(out.error.code, 'RULE_CONTEXT');
    assert.match(out.error.message, /^failed to load rule level context: /);
  }
});

test('an unresolvable variable in the pattern fails the policy', () => {
  const p = policy([
    {
      name: 'r',
      match: matchKinds('Namespace'),
      generate: { apiVersion: 'v1', kind: 'ConfigMap', name: 'x', namespace: 'ns1', data: { data: { v: '{{missing.value}}' } } },
    },
  ]);
  const r = run(p, namespace('ns1'));
  assert.equal(r.outcome.ok, false);
  if (!r.outcome.ok) assert.equal(r.outcome.error.code, 'SUBSTITUTION');
});
