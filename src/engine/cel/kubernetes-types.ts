/**
 * The typed variables Kubernetes and Kyverno declare for admission CEL (k8s.io/apiserver
 * pkg/admission/plugin/cel `BuildRequestType`, `BuildNamespaceType`; Kyverno adds `object` and
 * `oldObject` to the request as `dyn`). Field access is checked at compile time (`request.foo` ->
 * `undefined field 'foo'`); at run time the values are the plain JSON maps, as in Kubernetes, so an
 * absent field reads `no such key: dryRun`. Timestamp fields are declared `dyn`: Kubernetes types
 * them as timestamps but hands CEL the JSON string.
 *
 * ```ts
 * const env = createCelEnvironment({ objectTypes: KUBERNETES_OBJECT_TYPES, variables: VALIDATING_POLICY_VARIABLES });
 * ```
 */
import type { CelObjectType } from './environment.ts';

const GVK = 'kubernetes.GroupVersionKind';
const GVR = 'kubernetes.GroupVersionResource';
const USER = 'kubernetes.UserInfo';

/** Object types of `request` and `namespaceObject`, leaves first. */
export const KUBERNETES_OBJECT_TYPES: readonly CelObjectType[] = [
  { name: GVK, fields: { group: 'string', version: 'string', kind: 'string' } },
  { name: GVR, fields: { group: 'string', version: 'string', resource: 'string' } },
  {
    name: USER,
    fields: { username: 'string', uid: 'string', groups: 'list<string>', extra: 'map<string, list<string>>' },
  },
  {
    name: 'kubernetes.AdmissionRequest',
    fields: {
      kind: GVK,
      resource: GVR,
      subResource: 'string',
      requestKind: GVK,
      requestResource: GVR,
      requestSubResource: 'string',
      name: 'string',
      namespace: 'string',
      operation: 'string',
      userInfo: USER,
      dryRun: 'bool',
      options: 'dyn',
      object: 'dyn',
      oldObject: 'dyn',
    },
  },
  { name: 'kubernetes.NamespaceSpec', fields: { finalizers: 'list<string>' } },
  {
    name: 'kubernetes.NamespaceCondition',
    fields: { status: 'string', type: 'string', lastTransitionTime: 'dyn', message: 'string', reason: 'string' },
  },
  { name: 'kubernetes.NamespaceStatus', fields: { conditions: 'list<kubernetes.NamespaceCondition>', phase: 'string' } },
  {
    name: 'kubernetes.NamespaceMetadata',
    fields: {
      name: 'string',
      generateName: 'string',
      namespace: 'string',
      labels: 'map<string, string>',
      annotations: 'map<string, string>',
      UID: 'string',
      creationTimestamp: 'dyn',
      deletionGracePeriodSeconds: 'int',
      deletionTimestamp: 'dyn',
      generation: 'int',
      resourceVersion: 'string',
      finalizers: 'list<string>',
    },
  },
  {
    name: 'kubernetes.Namespace',
    fields: { metadata: 'kubernetes.NamespaceMetadata', spec: 'kubernetes.NamespaceSpec', status: 'kubernetes.NamespaceStatus' },
  },
];

/**
 * Variables of a Kyverno ValidatingPolicy expression (pkg/cel/policies/vpol/compiler):
 * `object`, `oldObject` (dyn), `request`, `namespaceObject` (typed), plus the context libraries'
 * variables. `variables` is added per policy (see `CelEnvironment.extend`).
 */
export const VALIDATING_POLICY_VARIABLES: Readonly<Record<string, string>> = {
  object: 'dyn',
  oldObject: 'dyn',
  request: 'kubernetes.AdmissionRequest',
  namespaceObject: 'kubernetes.Namespace',
  resource: 'resource.Context',
  http: 'http.Context',
  globalContext: 'globalcontext.Context',
  image: 'imagedata.Context',
};
