/**
 * GeneratingPolicy evaluation. Expected values: Kyverno pkg/cel/policies/gpol engine/engine.go (pass
 * "policy evaluated successfully" named after the policy with the generated resources, errors
 * "failed to evaluate policy: ...", exceptions, no constraints -> no result), compiler/policy.go
 * (templates grouped by namespace, namespaced policies confined to their namespace) and the CLI's
 * generate contexts (pkg/cel/libs fake_context.go, context.go in CLI mode).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonObject } from '../api/json.ts';
import type { AdmissionAttributes } from '../celmutate/common/admission.ts';
import { policyEnvironment } from '../celmutate/common/program.ts';
import type { CelPolicyException } from '../celmutate/common/types.ts';
import { cliClusterGenerateSink, fakeGenerateSink } from './generate-sink.ts';
import { generatorLibrary } from './generator-library.ts';
import { compileGeneratingPolicy, handleGeneratingPolicy, type GenerateSink, type GeneratingPolicy } from './generating-policy.ts';

const envFor = (namespaced: boolean) =>
  policyEnvironment({
    namespaced,
    homogeneousAggregateLiterals: false,
    libraries: [generatorLibrary],
    variables: { generator: namespaced ? 'generator.NamespacedContext' : 'generator.Context' },
  });
const env = envFor(false);
const nsEnv = envFor(true);

const namespace: JsonObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'test-ns', uid: 'u1' } };
const attr = (object: JsonObject): AdmissionAttributes => ({
  object,
  oldObject: null,
  kind: { group: '', version: 'v1', kind: String(object['kind']) },
  resource: { group: '', version: 'v1', resource: object['kind'] === 'Namespace' ? 'namespaces' : 'configmaps' },
  subresource: '',
  namespace: typeof (object['metadata'] as JsonObject)['namespace'] === 'string' ? ((object['metadata'] as JsonObject)['namespace'] as string) : '',
  name: String((object['metadata'] as JsonObject)['name']),
  operation: 'CREATE',
});
const namespaces = { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], resources: ['namespaces'], operations: ['CREATE', 'UPDATE'] }] };

function run(policy: GeneratingPolicy, object: JsonObject, opts: { sink?: GenerateSink; exceptions?: CelPolicyException[]; namespaced?: boolean } = {}) {
  const c = compileGeneratingPolicy(opts.namespaced ? nsEnv : env, policy, opts.exceptions ?? []);
  if ('errors' in c) throw new Error(c.errors.aggregate());
  return handleGeneratingPolicy(c, { attr: attr(object), ports: {}, sink: opts.sink ?? fakeGenerateSink() });
}

const cm = (name: string): string => `{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": ${name}}, "data": {"a": "b"}}`;

test('gpol: expression generation with the fake context (namespace set, the rest as given)', () => {
  const r = run({ metadata: { name: 'gen' }, spec: { matchConstraints: namespaces, generate: [{ expression: `generator.Apply(object.metadata.name, [${cm('"cfg"')}])` }] } }, namespace);
  assert.deepEqual(r, {
    name: 'gen',
    ruleType: 'Generation',
    status: 'pass',
    message: 'policy evaluated successfully',
    generatedResources: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'test-ns' }, data: { a: 'b' } }],
  });
});

test('gpol: a list object generates its items', () => {
  const r = run(
    { metadata: { name: 'gen' }, spec: { matchConstraints: namespaces, generate: [{ expression: `generator.Apply("x", [{"apiVersion": "v1", "kind": "SecretList", "items": [{"kind": "Secret", "metadata": {"name": "s1", "namespace": "default"}}]}])` }] } },
    namespace,
  );
  assert.deepEqual(r?.generatedResources, [{ kind: 'Secret', metadata: { name: 's1', namespace: 'x' } }]);
});

test('gpol: not matched, match conditions false -> no result; no constraints never match', () => {
  assert.equal(run({ spec: { matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], operations: ['CREATE'] }] }, generate: [{ expression: 'true' }] } }, namespace), undefined);
  assert.equal(run({ spec: { matchConstraints: namespaces, matchConditions: [{ name: 'n', expression: 'false' }], generate: [{ expression: 'true' }] } }, namespace), undefined);
  assert.equal(run({ spec: { generate: [{ expression: 'true' }] } }, namespace), undefined);
});

test('gpol: evaluation errors', () => {
  const r = run({ metadata: { name: 'gen' }, spec: { matchConstraints: namespaces, generate: [{ expression: 'generator.Apply("", [{"uid": object.metadata.nope}])' }] } }, namespace);
  assert.deepEqual(r, { name: 'gen', ruleType: 'Generation', status: 'error', message: 'failed to evaluate policy: no such key: nope' });
});

test('gpol: exceptions', () => {
  const ex: CelPolicyException = { metadata: { name: 'ex' }, spec: { policyRefs: [{ name: 'gen', kind: 'GeneratingPolicy' }], matchConditions: [{ name: 'm', expression: 'object.metadata.name == "test-ns"' }] } };
  const r = run({ kind: 'GeneratingPolicy', metadata: { name: 'gen' }, spec: { matchConstraints: namespaces, generate: [{ expression: 'true' }] } }, namespace, { exceptions: [ex] });
  assert.deepEqual(r, { name: 'exception', ruleType: 'Generation', status: 'skip', message: 'rule is skipped due to policy exception: ex', exceptions: ['ex'] });
});

test('gpol: templates, variables and the namespaced confinement', () => {
  const template = (ns: string): GeneratingPolicy => ({
    metadata: { name: 'tpl', namespace: 'team' },
    spec: {
      matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'], operations: ['CREATE'] }] },
      variables: [{ name: 'name', expression: 'object.metadata.name' }],
      generate: [{ template: { interpolate: 'cel', value: `apiVersion: v1\nkind: Secret\nmetadata:\n  name: (( variables.name ))-copy\n${ns}` } }],
    },
  });
  const trigger = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'team' } };
  assert.deepEqual(run(template(''), trigger, { namespaced: true })?.generatedResources, [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'cfg-copy', namespace: 'team' } }]);
  assert.deepEqual(run(template('  namespace: other\n'), trigger, { namespaced: true }), {
    name: 'tpl',
    ruleType: 'Generation',
    status: 'error',
    message: 'failed to evaluate policy: cross-namespace generation denied: a policy in namespace "team" cannot generate resources into namespace "other"',
  });
});

test('gpol: the CLI cluster context strips server fields and scopes cluster kinds', () => {
  const sink = cliClusterGenerateSink((_av, kind) => kind !== 'ClusterRole', '');
  const r = run(
    {
      metadata: { name: 'gen' },
      spec: {
        matchConstraints: namespaces,
        generate: [
          {
            expression: `generator.Apply("test-ns", [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "namespace": "src", "uid": "x", "resourceVersion": "1", "annotations": {"k": "v"}, "ownerReferences": [{"name": "o"}]}},
              {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "r"}}])`,
          },
        ],
      },
    },
    namespace,
    { sink },
  );
  assert.deepEqual(r?.generatedResources, [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'test-ns' } },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'r' } },
  ]);
});
