/**
 * Group/version/kind helpers, and the API resources the Kyverno CLI knows about when it runs without a
 * cluster.
 *
 * How the CLI derives what match/exclude compare (cmd/cli/kubectl-kyverno/processor): the GVK is read
 * from the offline resource itself (`apiVersion` split into group/version, plus `kind`) and the
 * subresource is `""`, unless the values file declares `subresources` mappings: a resource whose GVK
 * equals a mapping's subresource GVK is matched as the mapping's parent GVK with the subresource name
 * (`deployments/scale` -> `scale`). There is no discovery in classic policy matching, so
 * `apps/v1/Deployment` style selectors are compared with the resource's own apiVersion. The resource
 * table below (the CLI's built-in discovery snapshot) is only needed where a GVR is required
 * (ValidatingAdmissionPolicy / CEL policy requests) and to name subresources.
 */
import type { GroupVersionKind, GroupVersionResource } from '../api/request.ts';
import type { JsonObject } from '../api/json.ts';

/** A group and version, as in `apps/v1` -> `{group: 'apps', version: 'v1'}`. */
export interface GroupVersion {
  group: string;
  version: string;
}

/**
 * `schema.ParseGroupVersion`: `""` and `"/"` -> empty; `v1` -> core group; `apps/v1` -> group apps;
 * more than one `/` -> `undefined` (an error in Go).
 * Example: `parseGroupVersion('networking.k8s.io/v1')` -> `{group: 'networking.k8s.io', version: 'v1'}`.
 */
export function parseGroupVersion(apiVersion: string): GroupVersion | undefined {
  if (apiVersion === '' || apiVersion === '/') return { group: '', version: '' };
  const i = apiVersion.indexOf('/');
  if (i < 0) return { group: '', version: apiVersion };
  if (apiVersion.indexOf('/', i + 1) >= 0) return undefined;
  return { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/** `GroupVersion.String()`: `version` for the core group, else `group/version`. */
export function formatGroupVersion(group: string, version: string): string {
  return group.length > 0 ? `${group}/${version}` : version;
}

/**
 * `unstructured.GroupVersionKind()`: the GVK an object declares. An unparsable apiVersion yields an
 * all-empty GVK (kind included), as in Go.
 * Example: `{apiVersion: 'apps/v1', kind: 'Deployment'}` -> `{group: 'apps', version: 'v1', kind: 'Deployment'}`.
 */
export function groupVersionKindOf(resource: JsonObject): GroupVersionKind {
  const av = resource['apiVersion'];
  const gv = parseGroupVersion(typeof av === 'string' ? av : '');
  if (!gv) return { group: '', version: '', kind: '' };
  const kind = resource['kind'];
  return { group: gv.group, version: gv.version, kind: typeof kind === 'string' ? kind : '' };
}

/**
 * `meta.UnsafeGuessKindToResource`: lower-cased kind, pluralised naively (`…s` -> `…ses`,
 * `…y` -> `…ies`, names ending in `endpoints` unchanged, else `+s`).
 * Example: `guessKindToResource('NetworkPolicy')` -> `{plural: 'networkpolicies', singular: 'networkpolicy'}`.
 */
export function guessKindToResource(kind: string): { plural: string; singular: string } {
  if (kind.length === 0) return { plural: '', singular: '' };
  const singular = kind.toLowerCase();
  if (singular.endsWith('endpoints')) return { plural: singular, singular };
  const last = singular[singular.length - 1];
  if (last === 's') return { plural: `${singular}es`, singular };
  if (last === 'y') return { plural: `${singular.slice(0, -1)}ies`, singular };
  return { plural: `${singular}s`, singular };
}

/** A subresource of a built-in resource: `name` is the part after `/`; group/version default to the parent's. */
export interface ApiSubresource {
  name: string;
  kind: string;
  group?: string;
  version?: string;
}

/** One built-in API resource (a row of the CLI's offline discovery data). */
export interface ApiResource {
  group: string;
  version: string;
  kind: string;
  /** plural resource name, e.g. `deployments` */
  resource: string;
  namespaced: boolean;
  subresources: readonly ApiSubresource[];
}

interface GroupTable {
  group: string;
  /** preferred version first */
  versions: readonly string[];
  /** [resource, kind, namespaced, subresources "name" or "name:Kind" or "name:Kind:group/version"] */
  resources: Readonly<Record<string, ReadonlyArray<readonly [string, string, boolean, string?]>>>;
}

// The CLI's embedded discovery snapshot (Kubernetes built-in APIs), group by group.
const GROUPS: readonly GroupTable[] = [
  {
    group: '',
    versions: ['v1'],
    resources: {
      v1: [
        ['bindings', 'Binding', true],
        ['componentstatuses', 'ComponentStatus', false],
        ['configmaps', 'ConfigMap', true],
        ['endpoints', 'Endpoints', true],
        ['events', 'Event', true],
        ['limitranges', 'LimitRange', true],
        ['namespaces', 'Namespace', false, 'finalize status'],
        ['nodes', 'Node', false, 'proxy:NodeProxyOptions status'],
        ['persistentvolumeclaims', 'PersistentVolumeClaim', true, 'status'],
        ['persistentvolumes', 'PersistentVolume', false, 'status'],
        [
          'pods',
          'Pod',
          true,
          'attach:PodAttachOptions binding:Binding ephemeralcontainers eviction:Eviction:policy/v1 exec:PodExecOptions ' +
            'log portforward:PodPortForwardOptions proxy:PodProxyOptions resize status',
        ],
        ['podtemplates', 'PodTemplate', true],
        ['replicationcontrollers', 'ReplicationController', true, 'scale:Scale:autoscaling/v1 status'],
        ['resourcequotas', 'ResourceQuota', true, 'status'],
        ['secrets', 'Secret', true],
        ['serviceaccounts', 'ServiceAccount', true, 'token:TokenRequest:authentication.k8s.io/v1'],
        ['services', 'Service', true, 'proxy:ServiceProxyOptions status'],
      ],
    },
  },
  {
    group: 'apiregistration.k8s.io',
    versions: ['v1'],
    resources: { v1: [['apiservices', 'APIService', false, 'status']] },
  },
  {
    group: 'apps',
    versions: ['v1'],
    resources: {
      v1: [
        ['controllerrevisions', 'ControllerRevision', true],
        ['daemonsets', 'DaemonSet', true, 'status'],
        ['deployments', 'Deployment', true, 'scale:Scale:autoscaling/v1 status'],
        ['replicasets', 'ReplicaSet', true, 'scale:Scale:autoscaling/v1 status'],
        ['statefulsets', 'StatefulSet', true, 'scale:Scale:autoscaling/v1 status'],
      ],
    },
  },
  { group: 'events.k8s.io', versions: ['v1'], resources: { v1: [['events', 'Event', true]] } },
  {
    group: 'authentication.k8s.io',
    versions: ['v1'],
    resources: {
      v1: [
        ['selfsubjectreviews', 'SelfSubjectReview', false],
        ['tokenreviews', 'TokenReview', false],
      ],
    },
  },
  {
    group: 'authorization.k8s.io',
    versions: ['v1'],
    resources: {
      v1: [
        ['localsubjectaccessreviews', 'LocalSubjectAccessReview', true],
        ['selfsubjectaccessreviews', 'SelfSubjectAccessReview', false],
        ['selfsubjectrulesreviews', 'SelfSubjectRulesReview', false],
        ['subjectaccessreviews', 'SubjectAccessReview', false],
      ],
    },
  },
  {
    group: 'autoscaling',
    versions: ['v2', 'v1'],
    resources: {
      v2: [['horizontalpodautoscalers', 'HorizontalPodAutoscaler', true, 'status']],
      v1: [['horizontalpodautoscalers', 'HorizontalPodAutoscaler', true, 'status']],
    },
  },
  {
    group: 'batch',
    versions: ['v1'],
    resources: {
      v1: [
        ['cronjobs', 'CronJob', true, 'status'],
        ['jobs', 'Job', true, 'status'],
      ],
    },
  },
  {
    group: 'certificates.k8s.io',
    versions: ['v1'],
    resources: { v1: [['certificatesigningrequests', 'CertificateSigningRequest', false, 'approval status']] },
  },
  {
    group: 'networking.k8s.io',
    versions: ['v1'],
    resources: {
      v1: [
        ['ingressclasses', 'IngressClass', false],
        ['ingresses', 'Ingress', true, 'status'],
        ['ipaddresses', 'IPAddress', false],
        ['networkpolicies', 'NetworkPolicy', true],
        ['servicecidrs', 'ServiceCIDR', false, 'status'],
      ],
    },
  },
  {
    group: 'policy',
    versions: ['v1'],
    resources: { v1: [['poddisruptionbudgets', 'PodDisruptionBudget', true, 'status']] },
  },
  {
    group: 'rbac.authorization.k8s.io',
    versions: ['v1'],
    resources: {
      v1: [
        ['clusterrolebindings', 'ClusterRoleBinding', false],
        ['clusterroles', 'ClusterRole', false],
        ['rolebindings', 'RoleBinding', true],
        ['roles', 'Role', true],
      ],
    },
  },
  {
    group: 'storage.k8s.io',
    versions: ['v1'],
    resources: {
      v1: [
        ['csidrivers', 'CSIDriver', false],
        ['csinodes', 'CSINode', false],
        ['csistoragecapacities', 'CSIStorageCapacity', true],
        ['storageclasses', 'StorageClass', false],
        ['volumeattachments', 'VolumeAttachment', false, 'status'],
        ['volumeattributesclasses', 'VolumeAttributesClass', false],
      ],
    },
  },
  {
    group: 'admissionregistration.k8s.io',
    versions: ['v1'],
    resources: {
      v1: [
        ['mutatingwebhookconfigurations', 'MutatingWebhookConfiguration', false],
        ['validatingadmissionpolicies', 'ValidatingAdmissionPolicy', false, 'status'],
        ['validatingadmissionpolicybindings', 'ValidatingAdmissionPolicyBinding', false],
        ['validatingwebhookconfigurations', 'ValidatingWebhookConfiguration', false],
      ],
    },
  },
  {
    group: 'apiextensions.k8s.io',
    versions: ['v1'],
    resources: { v1: [['customresourcedefinitions', 'CustomResourceDefinition', false, 'status']] },
  },
  { group: 'scheduling.k8s.io', versions: ['v1'], resources: { v1: [['priorityclasses', 'PriorityClass', false]] } },
  { group: 'coordination.k8s.io', versions: ['v1'], resources: { v1: [['leases', 'Lease', true]] } },
  { group: 'node.k8s.io', versions: ['v1'], resources: { v1: [['runtimeclasses', 'RuntimeClass', false]] } },
  { group: 'discovery.k8s.io', versions: ['v1'], resources: { v1: [['endpointslices', 'EndpointSlice', true]] } },
  {
    group: 'resource.k8s.io',
    versions: ['v1'],
    resources: {
      v1: [
        ['deviceclasses', 'DeviceClass', false],
        ['resourceclaims', 'ResourceClaim', true, 'status'],
        ['resourceclaimtemplates', 'ResourceClaimTemplate', true],
        ['resourceslices', 'ResourceSlice', false],
      ],
    },
  },
  {
    group: 'flowcontrol.apiserver.k8s.io',
    versions: ['v1'],
    resources: {
      v1: [
        ['flowschemas', 'FlowSchema', false, 'status'],
        ['prioritylevelconfigurations', 'PriorityLevelConfiguration', false, 'status'],
      ],
    },
  },
];

function parseSubresources(spec: string | undefined, parentKind: string): ApiSubresource[] {
  if (!spec) return [];
  return spec.split(' ').map((s) => {
    const [name = '', kind = parentKind, gv] = s.split(':');
    if (gv === undefined) return { name, kind };
    const parsed = parseGroupVersion(gv) ?? { group: '', version: '' };
    return { name, kind, group: parsed.group, version: parsed.version };
  });
}

function expand(): readonly ApiResource[] {
  const out: ApiResource[] = [];
  for (const g of GROUPS) {
    for (const version of g.versions) {
      for (const [resource, kind, namespaced, subs] of g.resources[version] ?? []) {
        out.push({ group: g.group, version, kind, resource, namespaced, subresources: parseSubresources(subs, kind) });
      }
    }
  }
  return out;
}

/**
 * Every built-in API resource the CLI knows offline, groups in discovery order and, inside a group,
 * the preferred version first.
 */
export const BUILTIN_API_RESOURCES: readonly ApiResource[] = expand();

/**
 * The discovery REST mapper's `RESTMapping(groupKind, version?)` over the built-in table: the kind
 * matches exactly or in lower case; without a version the group's preferred version wins.
 * Example: `restMappingFor('apps', 'Deployment')` -> the `apps/v1 deployments` row; an unknown kind
 * (a CRD) -> `undefined`.
 */
export function restMappingFor(group: string, kind: string, version?: string): ApiResource | undefined {
  for (const r of BUILTIN_API_RESOURCES) {
    if (r.group !== group) continue;
    if (version !== undefined && version !== '' && r.version !== version) continue;
    if (r.kind === kind || r.kind.toLowerCase() === kind) return r;
  }
  return undefined;
}

/** Reverse lookup by group/version/plural resource. */
export function apiResourceFor(gvr: GroupVersionResource): ApiResource | undefined {
  for (const r of BUILTIN_API_RESOURCES) {
    if (r.group === gvr.group && r.version === gvr.version && r.resource === gvr.resource) return r;
  }
  return undefined;
}

/** The CLI values file's `subresources[]` entry (metav1.APIResource pairs; only these fields matter). */
export interface SubresourceMapping {
  subresource: { name: string; kind: string; group?: string; version?: string };
  parentResource: { name?: string; kind: string; group?: string; version?: string };
}

/**
 * What the CLI matches an offline resource as: its own GVK and no subresource, unless a values-file
 * mapping's subresource GVK equals the resource's GVK; then the parent's GVK and the part of the
 * subresource name after `/`. As in the CLI's loop, every mapping is compared with the GVK as rewritten
 * so far (the loop does not stop at the first hit). A subresource name without `/` gives `''` (the Go
 * CLI would crash on it).
 * Example: a `autoscaling/v1 Scale` with mapping `deployments/scale` -> parent `apps/v1 Deployment`,
 * subresource `scale`.
 */
export function resolveResourceKind(
  gvk: GroupVersionKind,
  mappings: readonly SubresourceMapping[] | undefined,
): { gvk: GroupVersionKind; subresource: string } {
  let out = gvk;
  let subresource = '';
  for (const m of mappings ?? []) {
    const s = m.subresource;
    if ((s.group ?? '') === out.group && (s.version ?? '') === out.version && s.kind === out.kind) {
      const p = m.parentResource;
      out = { group: p.group ?? '', version: p.version ?? '', kind: p.kind };
      subresource = s.name.split('/')[1] ?? '';
    }
  }
  return { gvk: out, subresource };
}
