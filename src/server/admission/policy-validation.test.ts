import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonObject } from '../../engine/api/json.ts';
import type { Logger } from '../logging.ts';
import { validatePolicyRequest } from './policy-validation.ts';
import type { AdmissionAttributes } from './types.ts';

const log: Logger = { info: () => {}, error: () => {}, v: () => log, enabled: () => false, child: () => log, with: () => log };

function attributes(object: JsonObject, subResource = ''): AdmissionAttributes {
  const kind = { group: 'kyverno.io', version: 'v2beta1', kind: String(object['kind']) };
  const resource = { group: 'kyverno.io', version: 'v2beta1', resource: `${String(object['kind']).toLowerCase()}s` };
  return {
    request: {
      uid: 'u1',
      kind,
      resource,
      subResource,
      requestKind: kind,
      requestResource: resource,
      requestSubResource: subResource,
      name: 'p',
      namespace: object['kind'] === 'CleanupPolicy' ? 'ns' : '',
      operation: 'CREATE',
      userInfo: { username: 'admin', uid: '', groups: [], extra: {} },
      object,
      oldObject: undefined,
      dryRun: false,
      options: undefined,
    },
    roles: null,
    clusterRoles: null,
    gvk: kind,
    urlParams: '',
    startTime: 0,
    deadline: Number.POSITIVE_INFINITY,
    log,
  };
}

const deps = { findResources: () => [], clusterResources: () => new Set(['Namespace', 'v1/Namespace']) };
const cleanup = (kind: string, spec: JsonObject): JsonObject => ({
  apiVersion: 'kyverno.io/v2beta1',
  kind,
  metadata: kind === 'CleanupPolicy' ? { name: 'p', namespace: 'ns' } : { name: 'p' },
  spec,
});

// the cleanup controller's policy webhook, served on /policyvalidate: [case, object, allowed, message or warning prefix]
const table: Array<[string, JsonObject, boolean, string]> = [
  ['valid CleanupPolicy', cleanup('CleanupPolicy', { match: { any: [{ resources: { kinds: ['Pod'] } }] }, schedule: '*/5 * * * *' }), true, 'CleanupPolicy (kyverno.io) is deprecated'],
  [
    'invalid schedule',
    cleanup('CleanupPolicy', { match: { any: [{ resources: { kinds: ['Pod'] } }] }, schedule: 'sometimes' }),
    false,
    'spec.schedule: Invalid value: "sometimes": schedule spec in the cleanupPolicy is not in proper cron format',
  ],
  [
    'cluster-scoped kind in a namespaced policy (discovery)',
    cleanup('CleanupPolicy', { match: { any: [{ resources: { kinds: ['Namespace'] } }] }, schedule: '* * * * *' }),
    false,
    "spec.match.any[0].kinds[0]: Forbidden: Cluster wide resource 'Namespace' not allowed in namespaced policy",
  ],
  [
    'user info in a ClusterCleanupPolicy',
    cleanup('ClusterCleanupPolicy', { match: { any: [{ resources: { kinds: ['Pod'] }, roles: ['ns:admin'] }] }, schedule: '* * * * *' }),
    false,
    'spec.match.any[0].roles: Forbidden: Usage of user info is forbidden',
  ],
];

for (const [name, object, allowed, text] of table) {
  test(`/policyvalidate cleanup policies: ${name}`, () => {
    const r = validatePolicyRequest(deps, attributes(object));
    assert.equal(r.allowed, allowed);
    if (allowed) assert.ok(r.warnings?.[0]?.startsWith(text), JSON.stringify(r));
    else assert.equal(r.message, text);
  });
}

// generate rules in a cluster: the RBAC answers prepared for the request decide, with Kyverno's path and message
test('/policyvalidate: a generate rule the background controller may not carry out is refused', async () => {
  const { GeneratePermissions } = await import('./generate-permissions.ts');
  const bg = 'system:serviceaccount:kyverno:kyverno-background-controller';
  const policy: JsonObject = {
    apiVersion: 'kyverno.io/v1',
    kind: 'Policy',
    metadata: { name: 'p', namespace: 'ns' },
    spec: { rules: [{ name: 'r', match: { any: [{ resources: { kinds: ['ConfigMap'] } }] }, generate: { apiVersion: 'v1', kind: 'ServiceAccount', name: 'sa', namespace: 'ns', clone: { namespace: 'ns', name: 'src' } } }] },
  };
  const lookup = (g: string, v: string, k: string) => (g === '' && v === 'v1' && k === 'ServiceAccount' ? [{ group: '', version: 'v1', resource: 'serviceaccounts', subresource: '' }] : []);
  for (const [allowed, message] of [
    [false, `path: spec.rules[0].generate..: ${bg} requires permissions get,create for resource v1/ServiceAccount in namespace ns`],
    [true, undefined],
  ] as const) {
    const perms = new GeneratePermissions({ review: async () => allowed, backgroundUser: bg, admissionUser: 'system:serviceaccount:kyverno:kyverno-admission-controller' }, lookup);
    await perms.prepare(JSON.stringify({ request: { kind: { kind: 'Policy' }, object: policy } }));
    const a = attributes(policy);
    const gvk = { group: 'kyverno.io', version: 'v1', kind: 'Policy' };
    const r = validatePolicyRequest({ ...deps, findResources: () => [{ subresource: '' }], generatePermissions: perms }, { ...a, gvk, request: { ...a.request, kind: gvk, requestKind: gvk, namespace: 'ns' } });
    assert.equal(r.allowed, allowed, JSON.stringify(r));
    assert.equal(r.message, message);
  }
});
