/**
 * PolicyException matching (pkg/engine/utils/exceptions.go). Cases re-express exceptions_test.go and
 * the differences from rule matching; expected values from running Kyverno's Go code.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonObject, Resource } from '../api/json.ts';
import type { MatchResources, ResourceFilter } from '../api/policy.ts';
import type { GroupVersionKind, RequestUserInfo } from '../api/request.ts';
import { compileExceptionMatch, matchesException } from './exception-match.ts';
import { compileMatch } from './match-resources.ts';

export interface ExceptionCase {
  name: string;
  match: MatchResources | undefined;
  resource: Resource | null;
  gvk: GroupVersionKind;
  subresource?: string;
  admissionInfo?: RequestUserInfo;
  namespaceLabels?: Record<string, string>;
  want: boolean;
}

const POD: GroupVersionKind = { group: '', version: 'v1', kind: 'Pod' };
const NS: GroupVersionKind = { group: '', version: 'v1', kind: 'Namespace' };
const any = (...filters: ResourceFilter[]): MatchResources => ({ any: filters });
const all = (...filters: ResourceFilter[]): MatchResources => ({ all: filters });
const meta = (m: JsonObject): Resource => ({ metadata: m });
const pod = (m: JsonObject): Resource => ({ apiVersion: 'v1', kind: 'Pod', metadata: m });

export const EXCEPTION_CASES: ExceptionCase[] = [
  // exceptions_test.go (objects without apiVersion/kind, the GVK comes from the request)
  { name: 'matching kind', match: any({ resources: { kinds: ['Pod'] } }), resource: null, gvk: POD, want: true },
  { name: 'other kind', match: any({ resources: { kinds: ['Deployment'] } }), resource: null, gvk: POD, want: false },
  { name: 'name wildcard', match: any({ resources: { name: 'test-*' } }), resource: meta({ name: 'test-pod' }), gvk: POD, want: true },
  { name: 'name wildcard mismatch', match: any({ resources: { name: 'test-*' } }), resource: meta({ name: 'prod-pod' }), gvk: POD, want: false },
  { name: 'namespace listed', match: any({ resources: { namespaces: ['default', 'kube-system'] } }), resource: meta({ namespace: 'default' }), gvk: POD, want: true },
  { name: 'namespace not listed', match: any({ resources: { namespaces: ['production'] } }), resource: meta({ namespace: 'default' }), gvk: POD, want: false },
  { name: 'empty filter', match: any({}), resource: null, gvk: POD, want: false },
  { name: 'empty match', match: {}, resource: null, gvk: POD, want: false },
  { name: 'no match at all', match: undefined, resource: pod({ name: 'p' }), gvk: POD, want: false },
  { name: 'all: one filter fails', match: all({ resources: { kinds: ['Deployment'] } }), resource: null, gvk: POD, want: false },
  { name: 'user: matching roles', match: any({ roles: ['admin', 'developer'] }), resource: null, gvk: POD, admissionInfo: { roles: ['admin'] }, want: true },
  { name: 'user: other role', match: any({ roles: ['admin'] }), resource: null, gvk: POD, admissionInfo: { roles: ['viewer'] }, want: false },
  { name: 'user: matching cluster role', match: any({ clusterRoles: ['cluster-admin'] }), resource: null, gvk: POD, admissionInfo: { clusterRoles: ['cluster-admin'] }, want: true },
  { name: 'user: other cluster role', match: any({ clusterRoles: ['cluster-admin'] }), resource: null, gvk: POD, admissionInfo: { clusterRoles: ['viewer'] }, want: false },
  { name: 'user: subject', match: any({ subjects: [{ kind: 'User', name: 'admin@example.com' }] }), resource: null, gvk: POD, admissionInfo: { userInfo: { username: 'admin@example.com' } }, want: true },
  // differences from rule matching
  { name: 'operations are ignored', match: any({ resources: { kinds: ['Pod'], operations: ['DELETE'] } }), resource: pod({ name: 'p' }), gvk: POD, want: true },
  { name: 'operations alone make a filter that matches everything', match: any({ resources: { operations: ['DELETE'] } }), resource: pod({ name: 'p' }), gvk: POD, want: true },
  { name: 'user info checked without request info', match: any({ resources: { kinds: ['Pod'] }, clusterRoles: ['admin'] }), resource: pod({ name: 'p' }), gvk: POD, want: false },
  { name: 'User * matches the empty username', match: any({ subjects: [{ kind: 'User', name: '*' }] }), resource: pod({ name: 'p' }), gvk: POD, want: true },
  { name: 'given-but-empty roles list is an empty filter', match: any({ roles: [] }), resource: pod({ name: 'p' }), gvk: POD, admissionInfo: { userInfo: { username: 'u' } }, want: false },
  {
    name: 'namespaceSelector ignored for a Namespace',
    match: any({ resources: { kinds: ['Namespace'], namespaceSelector: { matchLabels: { env: 'prod' } } } }),
    resource: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dev' } },
    gvk: NS,
    want: true,
  },
  {
    name: 'namespaceSelector ignored without kind',
    match: any({ resources: { kinds: ['*'], namespaceSelector: { matchLabels: { env: 'prod' } } } }),
    resource: meta({ name: 'x', namespace: 'dev' }),
    gvk: POD,
    want: true,
  },
  {
    name: 'namespaceSelector on a Pod',
    match: any({ resources: { kinds: ['Pod'], namespaceSelector: { matchLabels: { env: 'prod' } } } }),
    resource: pod({ name: 'p', namespace: 'dev' }),
    gvk: POD,
    namespaceLabels: { env: 'dev' },
    want: false,
  },
  { name: 'ephemeralcontainers through Pod', match: any({ resources: { kinds: ['Pod'] } }), resource: pod({ name: 'p' }), gvk: POD, subresource: 'ephemeralcontainers', want: true },
  { name: 'legacy inline form is not read', match: { resources: { kinds: ['Pod'] } }, resource: pod({ name: 'p' }), gvk: POD, want: false },
  { name: 'invalid selector never matches', match: any({ resources: { selector: { matchLabels: { 'bad key': 'x' } } } }), resource: pod({ name: 'p' }), gvk: POD, want: false },
  { name: 'generateName', match: any({ resources: { names: ['web-*'] } }), resource: pod({ generateName: 'web-' }), gvk: POD, want: true },
];

test('exception match cases', async (t) => {
  for (const c of EXCEPTION_CASES) {
    await t.test(c.name, () => {
      const info = { gvk: c.gvk, subresource: c.subresource ?? '', namespaceLabels: c.namespaceLabels, admissionInfo: c.admissionInfo };
      const got = compileExceptionMatch(c.match).matches(c.resource, info);
      assert.equal(got.matched, c.want);
      assert.equal(got.reason === '', c.want);
      assert.equal(matchesException(c.resource, c.match, info), c.want);
    });
  }
});

test('exception vs rule: operations are ignored only by exceptions', () => {
  const match: MatchResources = { any: [{ resources: { kinds: ['Pod'], operations: ['DELETE'] } }] };
  const p = pod({ name: 'p' });
  assert.equal(matchesException(p, match, { gvk: POD, subresource: '', namespaceLabels: undefined }), true);
  const rule = compileMatch(match, undefined).matches(p, { gvk: POD, subresource: '', operation: 'CREATE', namespaceLabels: undefined, policyNamespace: '' });
  assert.equal(rule.matched, false);
});
