/**
 * The Kubernetes authorization library over an injected authorizer: the attributes each builder
 * produces (k8s.io/apiserver pkg/cel/library/authz.go), decision accessors, validation errors, and
 * the offline answer of Kyverno's CLI (`kyvernoCliAuthorizer`: deny, or an error for kinds its fake
 * discovery does not know, as pkg/engine/internal/auth.go + the fake dclient give).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCelEnvironment } from '../environment.ts';
import { CelEvalError, isCelCompileError } from '../errors.ts';
import {
  createAuthorizerValue,
  KYVERNO_FAKE_DISCOVERY_RESOURCES,
  kyvernoCliAuthorizer,
  type AuthorizationAttributes,
  type AuthorizerPort,
} from './authz.ts';

const env = createCelEnvironment({ variables: { authorizer: 'kubernetes.authorization.Authorizer' } });
const seen: AuthorizationAttributes[] = [];
const port: AuthorizerPort = {
  authorize(a) {
    seen.push(a);
    if (a.resource === 'secrets') return { decision: 'deny', reason: 'no secrets for you' };
    if (a.resource === 'broken') return { decision: 'deny', reason: '', error: 'webhook unavailable' };
    return { decision: 'allow', reason: 'RBAC: allowed' };
  },
};
const user = { username: 'alice', groups: ['dev'] };

async function run(expr: string, p: AuthorizerPort = port, request?: Parameters<typeof createAuthorizerValue>[2]): Promise<unknown> {
  const c = env.compile(expr);
  if (isCelCompileError(c)) throw new Error(c.message);
  assert.equal(c.async, /check\(/.test(expr));
  return c.evaluateAsync({ authorizer: createAuthorizerValue(p, user, request) });
}

test('resource checks carry group, resource, subresource, namespace, name, selectors and user', async () => {
  seen.length = 0;
  assert.equal(
    await run('authorizer.group("apps").resource("deployments").subresource("scale").namespace("prod").name("web").fieldSelector("a=b").labelSelector("x=y").check("update").allowed()'),
    true,
  );
  assert.deepStrictEqual(seen[0], {
    user,
    verb: 'update',
    resourceRequest: true,
    path: '',
    apiGroup: 'apps',
    apiVersion: '*',
    resource: 'deployments',
    subresource: 'scale',
    namespace: 'prod',
    name: 'web',
    fieldSelector: 'a=b',
    labelSelector: 'x=y',
  });
});

test('path checks are non-resource requests', async () => {
  seen.length = 0;
  assert.equal(await run('authorizer.path("/healthz").check("get").reason()'), 'RBAC: allowed');
  assert.equal(seen[0]!.resourceRequest, false);
  assert.equal(seen[0]!.path, '/healthz');
});

test('decision accessors: allowed, reason, errored, error', async () => {
  assert.equal(await run('authorizer.group("").resource("secrets").check("get").allowed()'), false);
  assert.equal(await run('authorizer.group("").resource("secrets").check("get").reason()'), 'no secrets for you');
  assert.equal(await run('authorizer.group("").resource("secrets").check("get").errored()'), false);
  assert.equal(await run('authorizer.group("").resource("broken").check("get").errored()'), true);
  assert.equal(await run('authorizer.group("").resource("broken").check("get").error()'), 'webhook unavailable');
  assert.equal(await run('authorizer.group("").resource("pods").check("get").error()'), '');
});

test('serviceAccount() checks as the service account', async () => {
  seen.length = 0;
  await run('authorizer.serviceAccount("default", "builder").group("").resource("pods").check("list").allowed()');
  assert.deepStrictEqual(seen[0]!.user, {
    username: 'system:serviceaccount:default:builder',
    groups: ['system:serviceaccounts', 'system:serviceaccounts:default'],
  });
});

test('argument validation errors are worded like Kubernetes', async () => {
  await assert.rejects(run('authorizer.path(" ")'), (e: unknown) => e instanceof CelEvalError && e.message === 'path must not be empty');
  await assert.rejects(run('authorizer.group("").resource("")'), (e: unknown) => e instanceof CelEvalError && e.message === 'resource must not be empty');
  await assert.rejects(run('authorizer.serviceAccount("default", "Bad_Name")'), (e: unknown) => e instanceof CelEvalError && e.message === 'Invalid service account name');
  await assert.rejects(run('authorizer.serviceAccount("Bad.NS", "sa")'), (e: unknown) => e instanceof CelEvalError && e.message === 'Invalid service account namespace');
});

test('authorizer.requestResource checks the request own resource', async () => {
  seen.length = 0;
  const r = await run('authorizer.requestResource.check("create").allowed()', port, { group: '', resource: 'pods', namespace: 'default', name: 'p' });
  assert.equal(r, true);
  assert.equal(seen[0]!.resource, 'pods');
  assert.equal(seen[0]!.namespace, 'default');
  assert.equal(seen[0]!.name, 'p');
});

test('the Kyverno CLI offline authorizer denies with an empty reason for known kinds', async () => {
  const cli = kyvernoCliAuthorizer({ resourceKind: 'Deployment', knownResources: new Set(KYVERNO_FAKE_DISCOVERY_RESOURCES) });
  assert.equal(await run('authorizer.group("apps").resource("deployments").check("create").allowed()', cli), false);
  assert.equal(await run('authorizer.group("apps").resource("deployments").check("create").reason()', cli), '');
  assert.equal(await run('authorizer.group("apps").resource("deployments").check("create").errored()', cli), false);
});

test('the Kyverno CLI offline authorizer errors for kinds its fake discovery does not know', async () => {
  const cli = kyvernoCliAuthorizer({ resourceKind: 'Pod', knownResources: new Set(KYVERNO_FAKE_DISCOVERY_RESOURCES) });
  assert.equal(await run('authorizer.group("").resource("pods").check("get").error()', cli), 'failed to get GVR for kind Pod');
  assert.equal(await run('authorizer.group("").resource("pods").check("get").allowed()', cli), false);
  const withPods = kyvernoCliAuthorizer({ resourceKind: 'Pod', knownResources: new Set([...KYVERNO_FAKE_DISCOVERY_RESOURCES, 'pods']) });
  assert.equal(await run('authorizer.group("").resource("pods").check("get").errored()', withPods), false);
});

test('check() costs what Kubernetes charges (350000)', async () => {
  const c = env.compile('authorizer.group("").resource("pods").check("get").allowed()');
  if (isCelCompileError(c)) throw new Error(c.message);
  const r = await c.evaluateWithCost({ authorizer: createAuthorizerValue(port, user) });
  assert.ok(r.cost >= 350000 && r.cost < 350010);
});
