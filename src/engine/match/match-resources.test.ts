/**
 * Rule match/exclude. Cases re-express Kyverno's pkg/engine/utils/{utils,match}_test.go plus edge cases
 * whose expected values were computed by running Kyverno's match code (Go) on the same inputs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonObject, Resource } from '../api/json.ts';
import type { AdmissionOperation, MatchResources } from '../api/policy.ts';
import type { GroupVersionKind, RequestUserInfo } from '../api/request.ts';
import { compileMatch, isEmptyMatchResources, matchesResources } from './match-resources.ts';
import { groupVersionKindOf } from './gvk.ts';
import type { MatchInfo } from './match-info.ts';

export interface RuleCase {
  name: string;
  match?: MatchResources;
  exclude?: MatchResources;
  resource: Resource | null;
  /** defaults to the object's apiVersion/kind */
  gvk?: GroupVersionKind;
  subresource?: string;
  operation?: AdmissionOperation;
  admissionInfo?: RequestUserInfo;
  namespaceLabels?: Record<string, string>;
  policyNamespace?: string;
  want: boolean;
  /** Kyverno's (first) reason when not matched */
  reason?: string;
}

function obj(apiVersion: string, kind: string, metadata: JsonObject): Resource {
  return { apiVersion, kind, metadata };
}
const pod = (metadata: JsonObject): Resource => obj('v1', 'Pod', metadata);
const deploy = (metadata: JsonObject): Resource => obj('apps/v1', 'Deployment', metadata);
const admin: RequestUserInfo = { clusterRoles: ['admin'] };
const node: RequestUserInfo = { clusterRoles: ['system:node'] };
const excludeHelloWorld: MatchResources = { resources: { name: 'hello-world' }, clusterRoles: ['system:node'] };
const anyDevOrProd: MatchResources = {
  any: [{ resources: { kinds: ['Pod'], names: ['dev'] } }, { resources: { kinds: ['Pod'], namespaces: ['prod'] } }],
};
const excludeDevOrDefault = (mode: 'any' | 'all', ns: string, name: string): MatchResources => ({
  [mode]: [{ resources: { kinds: ['Pod'], names: [name] } }, { resources: { kinds: ['Pod'], namespaces: [ns] } }],
});

// pkg/engine/utils/utils_test.go TestMatchesResourceDescription (each case is re-run below with
// generateName instead of name, as TestMatchesResourceDescription_GenerateName does)
const NAMED_CASES: RuleCase[] = [
  { name: 'match any matches the pod', admissionInfo: admin, resource: pod({ name: 'abc', namespace: 'prod' }), match: anyDevOrProd, want: true },
  {
    name: 'match any does not match the pod',
    admissionInfo: admin,
    resource: pod({ name: 'abc', namespace: 'default' }),
    match: anyDevOrProd,
    want: false,
    reason: 'no resource matched',
  },
  {
    name: 'match all matches the pod',
    admissionInfo: admin,
    resource: pod({ name: 'abc', namespace: 'prod' }),
    match: { all: [{ resources: { kinds: ['Pod'], names: ['abc'] } }, { resources: { kinds: ['Pod'], namespaces: ['prod'] } }] },
    want: true,
  },
  {
    name: 'match all does not match the pod',
    admissionInfo: admin,
    resource: pod({ name: 'abc', namespace: 'prod' }),
    match: { all: [{ resources: { kinds: ['Pod'], names: ['xyz'] } }, { resources: { kinds: ['Pod'], namespaces: ['prod'] } }] },
    want: false,
    reason: 'none of the names match',
  },
  {
    name: 'exclude any excludes the pod',
    admissionInfo: admin,
    resource: pod({ name: 'dev', namespace: 'prod' }),
    match: { all: [{ resources: { kinds: ['Pod'] } }] },
    exclude: excludeDevOrDefault('any', 'default', 'dev'),
    want: false,
    reason: 'resource excluded since one of the criteria excluded it',
  },
  {
    name: 'exclude any does not exclude the pod',
    admissionInfo: admin,
    resource: pod({ name: 'abc', namespace: 'prod' }),
    match: { all: [{ resources: { kinds: ['Pod'] } }] },
    exclude: excludeDevOrDefault('any', 'default', 'dev'),
    want: true,
  },
  {
    name: 'exclude all excludes the pod',
    admissionInfo: admin,
    resource: pod({ name: 'dev', namespace: 'prod' }),
    match: { all: [{ resources: { kinds: ['Pod'] } }] },
    exclude: excludeDevOrDefault('all', 'prod', 'dev'),
    want: false,
    reason: 'resource excluded since the combination of all criteria exclude it',
  },
  {
    name: 'exclude all does not exclude the pod',
    admissionInfo: admin,
    resource: pod({ name: 'abc', namespace: 'prod' }),
    match: { all: [{ resources: { kinds: ['Pod'] } }] },
    exclude: excludeDevOrDefault('all', 'default', 'abc'),
    want: true,
  },
  {
    name: 'legacy: matches the pod, exclude needs another cluster role',
    admissionInfo: admin,
    resource: pod({ name: 'hello-world', labels: { name: 'hello-world' } }),
    match: { resources: { kinds: ['Pod'] } },
    exclude: excludeHelloWorld,
    want: true,
  },
  {
    name: 'legacy: excluded by name and cluster role',
    admissionInfo: node,
    resource: pod({ name: 'hello-world', labels: { name: 'hello-world' } }),
    match: { resources: { kinds: ['Pod'] } },
    exclude: excludeHelloWorld,
    want: false,
    reason: 'resource excluded since one of the criteria excluded it',
  },
  {
    name: 'legacy: names list and cluster role match',
    admissionInfo: node,
    resource: pod({ name: 'hello-world', labels: { name: 'hello-world' } }),
    match: { resources: { kinds: ['Pod'], names: ['dev-*', 'hello-world'] }, clusterRoles: ['system:node'] },
    want: true,
  },
  {
    name: 'legacy: a Service is not a Pod',
    admissionInfo: admin,
    resource: obj('v1', 'Service', { name: 'hello-world', labels: { name: 'hello-world' } }),
    match: { resources: { kinds: ['Pod'] } },
    exclude: excludeHelloWorld,
    want: false,
    reason: 'kind does not match [Pod]',
  },
  {
    name: 'legacy: other name is not excluded',
    admissionInfo: node,
    resource: pod({ name: 'hello-world2', labels: { name: 'hello-world' } }),
    match: { resources: { kinds: ['Pod'] } },
    exclude: excludeHelloWorld,
    want: true,
  },
  {
    name: 'group/version/kind selector and label selector match',
    admissionInfo: admin,
    resource: deploy({ name: 'qos-demo', labels: { test: 'qos' } }),
    match: { resources: { kinds: ['apps/v1/Deployment'], selector: { matchLabels: { test: 'qos' } } } },
    want: true,
  },
  { name: 'version/kind selector matches', admissionInfo: admin, resource: pod({ name: 'myapp-pod2', labels: { app: 'myapp2' } }), match: { resources: { kinds: ['v1/Pod'] } }, want: true },
  {
    name: 'version mismatch (apps/v1beta1 Deployment)',
    admissionInfo: admin,
    resource: obj('apps/v1beta1', 'Deployment', { name: 'qos-demo', labels: { test: 'qos' } }),
    match: { resources: { kinds: ['apps/v1/Deployment'], selector: { matchLabels: { test: 'qos' } } } },
    want: false,
    reason: 'kind does not match [apps/v1/Deployment]',
  },
  {
    name: 'cluster role version mismatch',
    admissionInfo: admin,
    resource: obj('rbac.authorization.k8s.io/v1', 'ClusterRole', { name: 'secret-reader-demo', namespace: 'default' }),
    match: { resources: { kinds: ['rbac.authorization.k8s.io/v1beta1/ClusterRole'] } },
    want: false,
    reason: 'kind does not match [rbac.authorization.k8s.io/v1beta1/ClusterRole]',
  },
  {
    name: 'kinds are case-sensitive (pod)',
    admissionInfo: admin,
    resource: pod({ name: 'myapp-pod2', labels: { app: 'myapp2' } }),
    match: { resources: { kinds: ['pod'] } },
    want: false,
    reason: 'kind does not match [pod]',
  },
  {
    name: 'kinds are case-sensitive (apps/v1/deployment)',
    admissionInfo: admin,
    resource: deploy({ name: 'qos-demo', labels: { test: 'qos' } }),
    match: { resources: { kinds: ['apps/v1/deployment'], selector: { matchLabels: { test: 'qos' } } } },
    want: false,
    reason: 'kind does not match [apps/v1/deployment]',
  },
];

function withGenerateName(c: RuleCase): RuleCase {
  const r = c.resource as JsonObject;
  const { name, ...rest } = r['metadata'] as JsonObject;
  return { ...c, name: `${c.name} (generateName)`, resource: { ...r, metadata: { ...rest, generateName: name as string } } };
}

const nginx = deploy({ name: 'nginx-deployment', labels: { app: 'nginx' } });
const nginxGenerated = deploy({ generateName: 'nginx-deployment', labels: { app: 'nginx' } });
const ingressPod = pod({ name: 'ingress-nginx-controller-57bc6474bb-mcpt2', namespace: 'ingress-nginx' });
const replicasetController: RequestUserInfo = {
  userInfo: {
    username: 'system:serviceaccount:kube-system:replicaset-controller',
    uid: '8f36cad4-eb68-4931-bea8-8a42dd1fee4c',
    groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'],
  },
};
const testPod = pod({ name: 'test-pod', namespace: 'default' });

// the other tests of utils_test.go and match_test.go
const KYVERNO_CASES: RuleCase[] = [
  { name: 'multiple kinds, empty selector', resource: nginx, match: { resources: { kinds: ['Deployment', 'Pods'], selector: {} } }, want: true },
  {
    name: 'exclude default groups: neither the namespace nor the user matches',
    resource: ingressPod,
    admissionInfo: replicasetController,
    match: { any: [{ resources: { kinds: ['Pod'], namespaces: ['user1-restricted'] } }, { resources: { kinds: ['Pod'] }, subjects: [{ kind: 'User', name: 'user1' }] }] },
    exclude: {},
    want: false,
    reason: 'no resource matched',
  },
  {
    name: 'exclude default groups: namespace matches, empty exclude any',
    resource: ingressPod,
    admissionInfo: replicasetController,
    match: { any: [{ resources: { kinds: ['Pod'], namespaces: ['ingress-nginx'] } }] },
    exclude: { any: [] },
    want: true,
  },
  {
    name: 'exclude default groups: exclude any Pod',
    resource: ingressPod,
    admissionInfo: replicasetController,
    match: { any: [{ resources: { kinds: ['Pod'], namespaces: ['ingress-nginx'] } }] },
    exclude: { any: [{ resources: { kinds: ['Pod'] } }] },
    want: false,
    reason: 'resource excluded since one of the criteria excluded it',
  },
  { name: 'name', resource: nginx, match: { resources: { kinds: ['Deployment'], name: 'nginx-deployment', selector: {} } }, want: true },
  { name: 'generateName', resource: nginxGenerated, match: { resources: { kinds: ['Deployment'], name: 'nginx-deployment', selector: {} } }, want: true },
  { name: 'name wildcard', resource: nginx, match: { resources: { kinds: ['Deployment'], name: 'nginx-*', selector: {} } }, want: true },
  { name: 'generateName wildcard', resource: nginxGenerated, match: { resources: { kinds: ['Deployment'], name: 'nginx-*', selector: {} } }, want: true },
  {
    name: 'NotIn on an absent label matches',
    resource: nginx,
    match: { resources: { kinds: ['Deployment'], name: 'nginx-*', selector: { matchExpressions: [{ key: 'label2', operator: 'NotIn', values: ['sometest1'] }] } } },
    want: true,
  },
  {
    name: 'NotIn on another value matches',
    resource: nginx,
    match: { resources: { kinds: ['Deployment'], name: 'nginx-*', selector: { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['nginx1', 'nginx2'] }] } } },
    want: true,
  },
  {
    name: 'exclude by label selector',
    resource: deploy({ name: 'nginx-deployment', labels: { app: 'nginx', block: 'true' } }),
    match: { resources: { kinds: ['Deployment'], name: 'nginx-*', selector: { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['nginx1', 'nginx2'] }] } } },
    exclude: { resources: { selector: { matchLabels: { block: 'true' } } } },
    want: false,
    reason: 'resource excluded since one of the criteria excluded it',
  },
  { name: 'exclude with an empty names list is empty', resource: testPod, match: { resources: { kinds: ['Pod'] } }, exclude: { resources: { names: [] } }, want: true },
  { name: 'no exclude at all', resource: testPod, match: { resources: { kinds: ['Pod'] } }, want: true },
  { name: 'exclude names: other pod', resource: testPod, match: { resources: { kinds: ['Pod'] } }, exclude: { resources: { names: ['some-other-pod'] } }, want: true },
  {
    name: 'exclude names: this pod',
    resource: testPod,
    match: { resources: { kinds: ['Pod'] } },
    exclude: { resources: { names: ['test-pod'] } },
    want: false,
    reason: 'resource excluded since one of the criteria excluded it',
  },
  { name: 'empty (absent) object', resource: null, match: { resources: { kinds: ['Pod'] } }, gvk: { group: '', version: '', kind: '' }, want: false, reason: 'resource is empty' },
  {
    name: 'policy namespace differs from the object namespace',
    resource: pod({ name: 'test-pod', namespace: 'production' }),
    match: {},
    policyNamespace: 'development',
    want: false,
    reason: 'policy and resource namespaces mismatch',
  },
];

// match_test.go TestCheckNameSpace / TestCheckNameSpace_WildcardPatterns, through a namespaces filter
const nsFilter = (namespaces: string[], resource: Resource, want: boolean, name: string): RuleCase => ({
  name: `namespaces ${name}`,
  resource,
  match: { any: [{ resources: { namespaces } }] },
  want,
  ...(want ? {} : { reason: 'no resource matched' }),
});
const inNs = (ns: string): Resource => pod({ name: 'p', namespace: ns });
const NAMESPACE_CASES: RuleCase[] = [
  nsFilter(['default'], inNs('default'), true, 'exact'),
  nsFilter(['production', 'staging'], inNs('default'), false, 'not listed'),
  nsFilter(['prod-*'], inNs('prod-us-east'), true, 'wildcard'),
  nsFilter(['kube-system'], obj('v1', 'Namespace', { name: 'kube-system' }), true, 'of a Namespace is its name'),
  nsFilter(['default'], obj('v1', 'Namespace', { name: 'production' }), false, 'of a Namespace, other name'),
  nsFilter(['*'], inNs('any-namespace'), true, 'star'),
  nsFilter(['dev-*', 'test-*', 'prod-*'], inNs('test-environment'), true, 'one of several'),
  nsFilter([''], obj('rbac.authorization.k8s.io/v1', 'ClusterRole', { name: 'admin' }), true, 'empty pattern on a cluster-scoped object'),
  nsFilter(['*'], obj('v1', 'Node', { name: 'n1' }), true, 'star on a cluster-scoped object'),
  nsFilter(['default'], obj('v1', 'Node', { name: 'n1' }), false, 'named on a cluster-scoped object'),
  nsFilter(['kube-*'], inNs('kube-system'), true, 'prefix wildcard'),
  nsFilter(['*-system'], inNs('kube-system'), true, 'suffix wildcard'),
  nsFilter(['kube-*-system'], inNs('kube-test-system'), true, 'middle wildcard'),
  nsFilter(['prod-*'], inNs('staging-app'), false, 'wildcard mismatch'),
  nsFilter(['defaultx'], inNs('default'), false, 'longer literal'),
];

const sa = (ns: string, name: string): RequestUserInfo => ({ userInfo: { username: `system:serviceaccount:${ns}:${name}`, groups: ['system:serviceaccounts'] } });

// edge cases (expected values from Kyverno's Go code)
const EDGE_CASES: RuleCase[] = [
  // user info without request info (background scans)
  { name: 'background: a user-only match filter is empty', resource: testPod, match: { any: [{ subjects: [{ kind: 'User', name: 'alice' }] }] }, want: false, reason: 'no resource matched' },
  { name: 'background: legacy user-only match is empty', resource: testPod, match: { clusterRoles: ['admin'] }, want: false, reason: 'match cannot be empty' },
  { name: 'background: user info dropped from match filters', resource: testPod, match: { any: [{ resources: { kinds: ['Pod'] }, subjects: [{ kind: 'User', name: 'alice' }] }] }, want: true },
  { name: 'background: exclude by cluster role never holds', resource: testPod, match: { resources: { kinds: ['Pod'] } }, exclude: { clusterRoles: ['admin'] }, want: true },
  {
    name: 'background: exclude by User * holds for the empty username',
    resource: testPod,
    match: { resources: { kinds: ['Pod'] } },
    exclude: { any: [{ subjects: [{ kind: 'User', name: '*' }] }] },
    want: false,
    reason: 'resource excluded since one of the criteria excluded it',
  },
  { name: 'background: exclude by Group * needs a group', resource: testPod, match: { resources: { kinds: ['Pod'] } }, exclude: { any: [{ subjects: [{ kind: 'Group', name: '*' }] }] }, want: true },
  { name: 'empty request info object counts as background', resource: testPod, admissionInfo: {}, match: { any: [{ subjects: [{ kind: 'User', name: 'alice' }] }] }, want: false, reason: 'no resource matched' },
  // admission user info
  { name: 'user subject matches', resource: testPod, admissionInfo: { userInfo: { username: 'alice' } }, match: { any: [{ resources: { kinds: ['Pod'] }, subjects: [{ kind: 'User', name: 'ali*' }] }] }, want: true },
  {
    name: 'user subject does not match',
    resource: testPod,
    admissionInfo: { userInfo: { username: 'bob' } },
    match: { all: [{ resources: { kinds: ['Pod'] }, subjects: [{ kind: 'User', name: 'alice' }] }] },
    want: false,
    reason: 'user info does not match subject for the given conditionBlock',
  },
  { name: 'service account subject', resource: testPod, admissionInfo: sa('kube-system', 'replicaset-controller'), match: { all: [{ subjects: [{ kind: 'ServiceAccount', namespace: 'kube-*', name: '*-controller' }] }] }, want: true },
  { name: 'group subject', resource: testPod, admissionInfo: sa('ns', 'x'), match: { all: [{ subjects: [{ kind: 'Group', name: 'system:service*' }] }] }, want: true },
  {
    name: 'roles are exact (no wildcards)',
    resource: testPod,
    admissionInfo: { roles: ['ns:editor'], userInfo: { username: 'u' } },
    match: { all: [{ roles: ['ns:*'] }] },
    want: false,
    reason: 'user info does not match roles for the given conditionBlock',
  },
  { name: 'roles intersect', resource: testPod, admissionInfo: { roles: ['ns:viewer', 'ns:editor'], userInfo: { username: 'u' } }, match: { all: [{ roles: ['ns:editor'] }] }, want: true },
  {
    name: 'roles and cluster roles are ANDed',
    resource: testPod,
    admissionInfo: { roles: ['ns:editor'], clusterRoles: ['view'], userInfo: { username: 'u' } },
    match: { all: [{ roles: ['ns:editor'], clusterRoles: ['admin'] }] },
    want: false,
    reason: 'user info does not match clustersRoles for the given conditionBlock',
  },
  { name: 'given-but-empty roles list makes a match-everything filter', resource: testPod, admissionInfo: { userInfo: { username: 'u' } }, match: { any: [{ roles: [] }] }, gvk: { group: 'apps', version: 'v1', kind: 'Deployment' }, want: true },
  {
    name: 'given-but-empty subjects list in exclude excludes everything',
    resource: testPod,
    match: { resources: { kinds: ['Pod'] } },
    exclude: { subjects: [] },
    want: false,
    reason: 'resource excluded since one of the criteria excluded it',
  },
  // shapes
  { name: 'no match block', resource: testPod, want: false, reason: 'match cannot be empty' },
  { name: 'all with an empty filter', resource: testPod, match: { all: [{ resources: { kinds: ['Pod'] } }, {}] }, want: false, reason: 'match cannot be empty' },
  { name: 'any prefers any over all', resource: testPod, match: { any: [{ resources: { kinds: ['Pod'] } }], all: [{ resources: { kinds: ['Node'] } }] }, want: true },
  { name: 'exclude all with an empty filter never excludes', resource: testPod, match: { resources: { kinds: ['Pod'] } }, exclude: { all: [{ resources: { kinds: ['Pod'] } }, {}] }, want: true },
  { name: 'exclude any with an empty filter', resource: testPod, match: { resources: { kinds: ['Pod'] } }, exclude: { any: [{}] }, want: true },
  // operations
  { name: 'operations listed', resource: testPod, operation: 'UPDATE', match: { any: [{ resources: { kinds: ['Pod'], operations: ['CREATE', 'UPDATE'] } }] }, want: true },
  { name: 'operations not listed', resource: testPod, operation: 'DELETE', match: { all: [{ resources: { kinds: ['Pod'], operations: ['CREATE'] } }] }, want: false, reason: 'operation does not match' },
  {
    name: 'exclude by operation',
    resource: testPod,
    operation: 'DELETE',
    match: { any: [{ resources: { kinds: ['Pod'] } }] },
    exclude: { any: [{ resources: { operations: ['DELETE'] } }] },
    want: false,
    reason: 'resource excluded since one of the criteria excluded it',
  },
  // kinds and subresources
  { name: 'Pod matches pods/ephemeralcontainers', resource: testPod, subresource: 'ephemeralcontainers', match: { resources: { kinds: ['Pod'] } }, want: true },
  { name: 'Pod does not match pods/exec', resource: testPod, subresource: 'exec', match: { resources: { kinds: ['Pod'] } }, want: false, reason: 'kind does not match [Pod]' },
  { name: 'Pod/exec matches pods/exec', resource: testPod, subresource: 'exec', match: { resources: { kinds: ['Pod/exec'] } }, want: true },
  { name: 'star does not match subresources', resource: testPod, subresource: 'status', match: { resources: { kinds: ['*'] } }, want: false, reason: 'kind does not match [*]' },
  { name: 'star-slash-star matches subresources', resource: testPod, subresource: 'status', match: { resources: { kinds: ['*/*'] } }, want: true },
  {
    name: 'Deployment/scale through the parent GVK',
    resource: obj('autoscaling/v1', 'Scale', { name: 'web', namespace: 'default' }),
    gvk: { group: 'apps', version: 'v1', kind: 'Deployment' },
    subresource: 'scale',
    match: { resources: { kinds: ['Deployment/scale'] } },
    want: true,
  },
  // names, annotations, selectors
  { name: 'names: generateName used when name is empty', resource: pod({ generateName: 'web-' }), match: { resources: { names: ['web-*'] } }, want: true },
  { name: 'annotations with wildcards', resource: pod({ name: 'p', annotations: { 'team.io/owner': 'payments' } }), match: { resources: { annotations: { 'team.io/*': 'pay*' } } }, want: true },
  { name: 'annotations: every entry needed', resource: pod({ name: 'p', annotations: { a: '1' } }), match: { resources: { annotations: { a: '1', b: '*' } } }, want: false, reason: 'annotations does not match' },
  { name: 'selector wildcard needs a label', resource: pod({ name: 'p' }), match: { resources: { selector: { matchLabels: { '*': '*' } } } }, want: false, reason: 'selector does not match' },
  { name: 'selector wildcard with a label', resource: pod({ name: 'p', labels: { x: 'y' } }), match: { resources: { selector: { matchLabels: { '*': '*' } } } }, want: true },
  {
    name: 'invalid selector is a non-match',
    resource: pod({ name: 'p', labels: { x: 'y' } }),
    match: { resources: { selector: { matchExpressions: [{ key: 'x', operator: 'In', values: [] }] } } },
    want: false,
    reason: "failed to parse selector: values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty",
  },
  { name: 'labels holding a number read as no labels', resource: pod({ name: 'p', labels: { app: 'web', version: 2 } }), match: { resources: { selector: { matchExpressions: [{ key: 'app', operator: 'Exists' }] } } }, want: false, reason: 'selector does not match' },
  { name: 'null label values read as empty strings', resource: pod({ name: 'p', labels: { app: null } }), match: { resources: { selector: { matchLabels: { app: '' } } } }, want: true },
  // namespaceSelector
  { name: 'namespaceSelector matches namespace labels', resource: testPod, namespaceLabels: { env: 'prod' }, match: { resources: { kinds: ['Pod'], namespaceSelector: { matchLabels: { env: 'prod' } } } }, want: true },
  {
    name: 'namespaceSelector without namespace labels',
    resource: testPod,
    match: { resources: { kinds: ['Pod'], namespaceSelector: { matchLabels: { env: 'prod' } } } },
    want: false,
    reason: 'namespace selector does not match labels',
  },
  {
    name: 'namespaceSelector on a Namespace object',
    resource: obj('v1', 'Namespace', { name: 'prod', labels: { env: 'prod' } }),
    namespaceLabels: { env: 'prod' },
    match: { resources: { kinds: ['Namespace'], namespaceSelector: { matchLabels: { env: 'prod' } } } },
    want: false,
    reason: 'namespace selector is not applicable for namespace resource',
  },
  {
    name: 'namespaceSelector ignored on an object without kind',
    resource: { metadata: { name: 'x', namespace: 'default' } },
    gvk: { group: '', version: 'v1', kind: 'Pod' },
    match: { resources: { kinds: ['Pod'], namespaceSelector: { matchLabels: { env: 'prod' } } } },
    want: true,
  },
  {
    name: 'namespaceSelector checked on an object without kind when kinds has a star',
    resource: { metadata: { name: 'x', namespace: 'default' } },
    gvk: { group: '', version: 'v1', kind: 'Pod' },
    match: { resources: { kinds: ['*'], namespaceSelector: { matchLabels: { env: 'prod' } } } },
    want: false,
    reason: 'namespace selector does not match labels',
  },
  { name: 'empty namespaceSelector matches everything', resource: testPod, match: { resources: { kinds: ['Pod'], namespaceSelector: {} } }, want: true },
  // policy namespace
  { name: 'namespaced policy, same namespace', resource: testPod, policyNamespace: 'default', match: { resources: { kinds: ['Pod'] } }, want: true },
];

export const RULE_CASES: RuleCase[] = [
  ...NAMED_CASES,
  ...NAMED_CASES.map(withGenerateName),
  ...KYVERNO_CASES,
  ...NAMESPACE_CASES,
  ...EDGE_CASES,
];

export function ruleCaseInfo(c: RuleCase): MatchInfo {
  return {
    gvk: c.gvk ?? (c.resource ? groupVersionKindOf(c.resource) : { group: '', version: '', kind: '' }),
    subresource: c.subresource ?? '',
    operation: c.operation ?? 'CREATE',
    namespaceLabels: c.namespaceLabels,
    admissionInfo: c.admissionInfo,
    policyNamespace: c.policyNamespace ?? '',
  };
}

test('match/exclude: rule cases', async (t) => {
  for (const c of RULE_CASES) {
    await t.test(c.name, () => {
      const got = compileMatch(c.match, c.exclude).matches(c.resource, ruleCaseInfo(c));
      assert.equal(got.matched, c.want);
      if (!c.want && c.reason !== undefined) assert.equal(got.reason, c.reason);
      if (c.want) assert.equal(got.reason, '');
    });
  }
});

test('match/exclude: a compiled matcher is reusable and agrees with the one-shot form', () => {
  const m = compileMatch({ any: [{ resources: { kinds: ['Pod'], namespaces: ['prod'] } }] }, { any: [{ resources: { names: ['skip-*'] } }] });
  const info = (): MatchInfo => ({ gvk: { group: '', version: 'v1', kind: 'Pod' }, subresource: '', operation: 'CREATE', namespaceLabels: undefined, policyNamespace: '' });
  const cases: Array<[Resource, boolean]> = [
    [pod({ name: 'a', namespace: 'prod' }), true],
    [pod({ name: 'skip-a', namespace: 'prod' }), false],
    [pod({ name: 'a', namespace: 'dev' }), false],
  ];
  for (const [r, want] of cases) {
    assert.equal(m.matches(r, info()).matched, want);
    assert.equal(matchesResources(r, { any: [{ resources: { kinds: ['Pod'], namespaces: ['prod'] } }] }, { any: [{ resources: { names: ['skip-*'] } }] }, info()).matched, want);
  }
});

test('MatchResources.IsEmpty', () => {
  const table: Array<[MatchResources | undefined, boolean]> = [
    [undefined, true],
    [{}, true],
    [{ any: [] }, true],
    [{ resources: { names: [] } }, true],
    [{ resources: { annotations: {} } }, true],
    [{ any: [{}] }, false],
    [{ resources: { selector: {} } }, false],
    [{ roles: [] }, false],
    [{ resources: { name: 'x' } }, false],
  ];
  for (const [m, want] of table) assert.equal(isEmptyMatchResources(m), want, JSON.stringify(m));
});
