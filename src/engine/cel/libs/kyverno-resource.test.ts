/**
 * Kyverno's resource library over a fake port: Get/List/Post/ToGVR in PascalCase and camelCase, the
 * cluster-wide and namespaced forms, `null` for a missing object, and Kyverno's error wording
 * (kyverno/sdk extensions/cel/libs/resource/impl.go).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonObject } from '../../api/json.ts';
import { createCelEnvironment } from '../environment.ts';
import { CelCompileError, CelEvalError, isCelCompileError } from '../errors.ts';
import { NamespacedResourceContextValue, ResourceContextValue, ResourcePortError, type ResourcePort } from './kyverno-resource.ts';

const cm: JsonObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' }, data: { replicas: '3' } };
const calls: string[] = [];
const port: ResourcePort = {
  get(apiVersion, resource, namespace, name) {
    calls.push(`get ${apiVersion} ${resource} ${namespace} ${name}`);
    if (name === 'cfg') return cm;
    if (name === 'secret') throw new ResourcePortError('secrets "secret" is forbidden', 'Forbidden');
    if (name === 'boom') throw new Error('connection refused');
    throw new ResourcePortError(`${resource} "${name}" not found`, 'NotFound');
  },
  async list(apiVersion, resource, namespace, labels) {
    calls.push(`list ${apiVersion} ${resource} ${namespace} ${JSON.stringify(labels ?? null)}`);
    return { apiVersion: 'v1', kind: 'List', items: [cm, { ...cm, metadata: { name: 'cfg2', namespace } }] };
  },
  post(apiVersion, resource, namespace, data) {
    calls.push(`post ${apiVersion} ${resource} ${namespace}`);
    return { ...data, metadata: { name: 'created', namespace } };
  },
  toGvr(apiVersion, kind) {
    if (kind === 'Deployment') return { group: 'apps', version: 'v1', resource: 'deployments' };
    throw new Error(`no matches for kind "${kind}" in version "${apiVersion}"`);
  },
};

const env = createCelEnvironment({ variables: { resource: 'resource.Context' } });
const nsEnv = createCelEnvironment({ variables: { resource: 'resource.NamespacedContext' } });
const act = { resource: new ResourceContextValue(port) };
const nsAct = { resource: new NamespacedResourceContextValue(port, 'team-a') };

async function run(expr: string, e = env, a: Record<string, unknown> = act): Promise<unknown> {
  const c = e.compile(expr);
  if (isCelCompileError(c)) throw new Error(c.message);
  return c.evaluateAsync(a);
}

test('Get returns the object (ints as int64) and camelCase get is the same function', async () => {
  assert.equal(await run('resource.Get("v1", "configmaps", "default", "cfg").data.replicas'), '3');
  assert.equal(await run('resource.get("v1", "configmaps", "default", "cfg").metadata.name'), 'cfg');
});

test('Get of a missing object is null', async () => {
  assert.equal(await run('dyn(resource.Get("v1", "configmaps", "default", "nope")) == null'), true);
  // the null flows into cel.bind and presence tests as in cel-go (Kyverno v1.19's CLI: a DeletingPolicy
  // condition `cel.bind(cc, resource.get(...), cc.?spec.orValue({}) ...)` and `has(variables.cm.data)`
  // evaluate without error on a missing object)
  assert.equal(await run('cel.bind(cm, resource.Get("v1", "configmaps", "default", "nope"), !has(cm.data) && cm.?data.orValue({"a": "b"}).a == "b")'), true);
  // Known deviation: Kyverno declares Get as map(string, any), so `Get(...) == null` is a compile error
  // there; it is declared dyn here (cel-js checks runtime values against declared types) and compiles.
  assert.ok(!isCelCompileError(env.compile('resource.Get("v1", "configmaps", "default", "nope") == null')));
});

test('Get failures: permission denied and other errors', async () => {
  await assert.rejects(run('resource.Get("v1", "secrets", "default", "secret")'), (e: unknown) =>
    e instanceof CelEvalError && e.message === 'failed to get resource: permission denied: secrets "secret" is forbidden',
  );
  await assert.rejects(run('resource.Get("v1", "configmaps", "default", "boom")'), (e: unknown) =>
    e instanceof CelEvalError && e.message === 'failed to get resource: connection refused',
  );
});

test('List with and without a label selector', async () => {
  calls.length = 0;
  assert.equal(await run('resource.List("v1", "configmaps", "default").items.size()'), 2n);
  assert.equal(await run('resource.list("v1", "configmaps", "default", {"app": "x"}).items[1].metadata.name'), 'cfg2');
  assert.deepStrictEqual(calls, ['list v1 configmaps default null', 'list v1 configmaps default {"app":"x"}']);
});

test('ToGVR and the GVR overloads', async () => {
  calls.length = 0;
  assert.equal(await run('resource.List(resource.ToGVR("apps/v1", "Deployment"), "prod").items.size()'), 2n);
  assert.deepStrictEqual(calls, ['list apps/v1 deployments prod null']);
  await assert.rejects(run('resource.toGVR("v1", "Nope")'), (e: unknown) =>
    e instanceof CelEvalError && e.message === 'failed to map kind to resource: no matches for kind "Nope" in version "v1"',
  );
});

test('Post sends the data and returns the created object', async () => {
  calls.length = 0;
  assert.equal(await run('resource.Post("v1", "configmaps", "default", {"data": {"a": "b"}}).metadata.name'), 'created');
  assert.deepStrictEqual(calls, ['post v1 configmaps default']);
});

test('namespaced policies: no namespace argument, the policy namespace is used', async () => {
  calls.length = 0;
  assert.equal(await run('resource.Get("v1", "configmaps", "cfg").metadata.name', nsEnv, nsAct), 'cfg');
  assert.equal(await run('resource.List("v1", "configmaps").items.size()', nsEnv, nsAct), 2n);
  assert.deepStrictEqual(calls, ['get v1 configmaps team-a cfg', 'list v1 configmaps team-a null']);
  assert.ok(nsEnv.compile('resource.Get("v1", "configmaps", "default", "cfg")') instanceof CelCompileError);
});
