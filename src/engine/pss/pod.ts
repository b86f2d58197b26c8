/**
 * The pod as the PSS checks see it: the subset of `corev1.Pod` they read, decoded from an unstructured
 * object with Go `encoding/json` semantics (Kyverno marshals the resource and unmarshals it into typed
 * structs before evaluating, `validate_pss.go#getSpec`).
 *
 * Go semantics kept here: object keys are visited in sorted order (unstructured objects marshal that way)
 * and matched to fields exactly, else case-insensitively; a later duplicate overwrites (structs and maps
 * merge); `null` leaves a value at its zero value (pointers, slices and maps become nil); unknown keys are
 * ignored; a wrongly typed value is an error reported like Go's `*json.UnmarshalTypeError` (the first in
 * key order). Only the fields modelled below are type-checked (see DESIGN NOTE at `decodePodSource`).
 *
 * Hot path: an object whose modelled fields are all well typed, non-null and spelled exactly (anything that
 * went through an API server) is used as its own view without copying; only other objects are decoded.
 */
import type { JsonValue } from '../api/json.ts';

/** `metav1.ObjectMeta`, the parts the checks and exclusions read. */
export interface PodMeta {
  name?: string;
  namespace?: string;
  annotations?: Record<string, string>;
}

export interface HostActionView {
  host?: string;
}

/** A probe or lifecycle handler (only the host fields matter). */
export interface HandlerView {
  httpGet?: HostActionView;
  tcpSocket?: HostActionView;
}

export interface SeccompProfileView {
  type?: string;
}

export interface SELinuxOptionsView {
  type?: string;
  user?: string;
  role?: string;
}

export interface WindowsOptionsView {
  hostProcess?: boolean;
}

/** `corev1.SecurityContext` (container level). */
export interface ContainerSecurityContextView {
  privileged?: boolean;
  capabilities?: { add?: string[]; drop?: string[] };
  procMount?: string;
  seccompProfile?: SeccompProfileView;
  seLinuxOptions?: SELinuxOptionsView;
  windowsOptions?: WindowsOptionsView;
  appArmorProfile?: SeccompProfileView;
  runAsNonRoot?: boolean;
  runAsUser?: number;
  allowPrivilegeEscalation?: boolean;
}

/** `corev1.Container` (and the common part of `EphemeralContainer`). */
export interface ContainerView {
  name?: string;
  image?: string;
  ports?: Array<{ hostPort?: number }>;
  securityContext?: ContainerSecurityContextView;
  livenessProbe?: HandlerView;
  readinessProbe?: HandlerView;
  startupProbe?: HandlerView;
  lifecycle?: { postStart?: HandlerView; preStop?: HandlerView };
}

/** `corev1.PodSecurityContext`. */
export interface PodSecurityContextView {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  seccompProfile?: SeccompProfileView;
  seLinuxOptions?: SELinuxOptionsView;
  sysctls?: Array<{ name?: string }>;
  windowsOptions?: WindowsOptionsView;
  appArmorProfile?: SeccompProfileView;
}

/** `corev1.Volume`: its name and which volume sources are set (non-nil), by JSON name. */
export interface VolumeView {
  name?: string;
  [source: string]: unknown;
}

/** `corev1.PodSpec`. Missing slices/pointers are Go nil; missing booleans are false. */
export interface PodSpecView {
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  hostUsers?: boolean;
  os?: { name?: string };
  securityContext?: PodSecurityContextView;
  volumes?: VolumeView[];
  initContainers?: ContainerView[];
  containers?: ContainerView[];
  ephemeralContainers?: ContainerView[];
}

/** A pod: metadata + spec. */
export interface PodView {
  metadata: PodMeta;
  spec: PodSpecView;
}

/** The JSON names of every `corev1.VolumeSource` member, with their Go type names. */
export const VOLUME_SOURCES: Readonly<Record<string, string>> = {
  hostPath: 'HostPathVolumeSource',
  emptyDir: 'EmptyDirVolumeSource',
  gcePersistentDisk: 'GCEPersistentDiskVolumeSource',
  awsElasticBlockStore: 'AWSElasticBlockStoreVolumeSource',
  gitRepo: 'GitRepoVolumeSource',
  secret: 'SecretVolumeSource',
  nfs: 'NFSVolumeSource',
  iscsi: 'ISCSIVolumeSource',
  glusterfs: 'GlusterfsVolumeSource',
  persistentVolumeClaim: 'PersistentVolumeClaimVolumeSource',
  rbd: 'RBDVolumeSource',
  flexVolume: 'FlexVolumeSource',
  cinder: 'CinderVolumeSource',
  cephfs: 'CephFSVolumeSource',
  flocker: 'FlockerVolumeSource',
  downwardAPI: 'DownwardAPIVolumeSource',
  fc: 'FCVolumeSource',
  azureFile: 'AzureFileVolumeSource',
  configMap: 'ConfigMapVolumeSource',
  vsphereVolume: 'VsphereVirtualDiskVolumeSource',
  quobyte: 'QuobyteVolumeSource',
  azureDisk: 'AzureDiskVolumeSource',
  photonPersistentDisk: 'PhotonPersistentDiskVolumeSource',
  projected: 'ProjectedVolumeSource',
  portworxVolume: 'PortworxVolumeSource',
  scaleIO: 'ScaleIOVolumeSource',
  storageos: 'StorageOSVolumeSource',
  csi: 'CSIVolumeSource',
  ephemeral: 'EphemeralVolumeSource',
  image: 'ImageVolumeSource',
};

// ---------------------------------------------------------------------------------------------------
// A tiny model of Go's encoding/json for the types above.

type Node =
  | { readonly t: 'bool' }
  | { readonly t: 'string'; readonly go: string }
  | { readonly t: 'int'; readonly go: 'int32' | 'int64'; readonly min: number; readonly max: number }
  | { readonly t: 'ptr'; readonly elem: Node }
  | { readonly t: 'slice'; readonly elem: Node; readonly go: string }
  | { readonly t: 'map'; readonly go: string }
  | StructNode;

interface StructField {
  readonly name: string;
  readonly node: Node;
  /** names of the embedded structs the field is promoted through (Go adds them to error paths) */
  readonly via: string;
}

interface StructNode {
  readonly t: 'struct';
  /** Go type name (`SecurityContext`), used as `Struct` in errors */
  readonly name: string;
  readonly fields: ReadonlyMap<string, StructField>;
  /** lower-cased name -> field, for Go's case-insensitive fallback */
  readonly folded: ReadonlyMap<string, StructField>;
  /** lengths of the field names (a key of another length cannot match, even case-insensitively) */
  readonly lengths: ReadonlySet<number>;
}

const BOOL: Node = { t: 'bool' };
const STRING: Node = { t: 'string', go: 'string' };
const str = (go: string): Node => ({ t: 'string', go });
const INT32: Node = { t: 'int', go: 'int32', min: -2147483648, max: 2147483647 };
// int64 bounds beyond 2^53 are not representable; JSON numbers past them are not exact anyway.
const INT64: Node = { t: 'int', go: 'int64', min: -9223372036854775808, max: 9223372036854775807 };
const ptr = (elem: Node): Node => ({ t: 'ptr', elem });
const slice = (elem: Node, go: string): Node => ({ t: 'slice', elem, go });
const STRING_MAP: Node = { t: 'map', go: 'map[string]string' };

function struct(name: string, fields: Record<string, Node>, embedded?: Record<string, Record<string, Node>>): StructNode {
  const map = new Map<string, StructField>();
  for (const [k, node] of Object.entries(fields)) map.set(k, { name: k, node, via: '' });
  if (embedded) {
    for (const [via, fs] of Object.entries(embedded)) {
      for (const [k, node] of Object.entries(fs)) if (!map.has(k)) map.set(k, { name: k, node, via });
    }
  }
  const folded = new Map<string, StructField>();
  const lengths = new Set<number>();
  for (const f of map.values()) {
    folded.set(f.name.toLowerCase(), f);
    lengths.add(f.name.length);
  }
  return { t: 'struct', name, fields: map, folded, lengths };
}

/** Go type string of a node as `reflect.Type.String()` prints it. */
function goType(n: Node): string {
  switch (n.t) {
    case 'bool':
      return 'bool';
    case 'string':
      return n.go;
    case 'int':
      return n.go;
    case 'ptr':
      return goType(n.elem);
    case 'slice':
      return n.go;
    case 'map':
      return n.go;
    case 'struct':
      return `v1.${n.name}`;
  }
}

const HOST_ACTION = (name: string): StructNode => struct(name, { host: STRING });
const PROBE = struct('Probe', {}, { ProbeHandler: { httpGet: ptr(HOST_ACTION('HTTPGetAction')), tcpSocket: ptr(HOST_ACTION('TCPSocketAction')) } });
const LIFECYCLE_HANDLER = struct('LifecycleHandler', {
  httpGet: ptr(HOST_ACTION('HTTPGetAction')),
  tcpSocket: ptr(HOST_ACTION('TCPSocketAction')),
});
const SECCOMP = struct('SeccompProfile', { type: str('v1.SeccompProfileType') });
const APPARMOR = struct('AppArmorProfile', { type: str('v1.AppArmorProfileType') });
const SELINUX = struct('SELinuxOptions', { user: STRING, role: STRING, type: STRING });
const WINDOWS = struct('WindowsSecurityContextOptions', { hostProcess: ptr(BOOL) });

const CONTAINER_FIELDS: Record<string, Node> = {
  name: STRING,
  image: STRING,
  ports: slice(struct('ContainerPort', { hostPort: INT32 }), '[]v1.ContainerPort'),
  securityContext: ptr(
    struct('SecurityContext', {
      capabilities: ptr(
        struct('Capabilities', {
          add: slice(str('v1.Capability'), '[]v1.Capability'),
          drop: slice(str('v1.Capability'), '[]v1.Capability'),
        }),
      ),
      privileged: ptr(BOOL),
      seLinuxOptions: ptr(SELINUX),
      windowsOptions: ptr(WINDOWS),
      runAsUser: ptr(INT64),
      runAsNonRoot: ptr(BOOL),
      allowPrivilegeEscalation: ptr(BOOL),
      procMount: ptr(str('v1.ProcMountType')),
      seccompProfile: ptr(SECCOMP),
      appArmorProfile: ptr(APPARMOR),
    }),
  ),
  livenessProbe: ptr(PROBE),
  readinessProbe: ptr(PROBE),
  startupProbe: ptr(PROBE),
  lifecycle: ptr(struct('Lifecycle', { postStart: ptr(LIFECYCLE_HANDLER), preStop: ptr(LIFECYCLE_HANDLER) })),
};

const volumeSources: Record<string, Node> = {};
for (const [k, go] of Object.entries(VOLUME_SOURCES)) {
  volumeSources[k] = ptr(k === 'hostPath' ? struct(go, { path: STRING }) : struct(go, {}));
}

const POD_SPEC = struct('PodSpec', {
  volumes: slice(struct('Volume', { name: STRING }, { VolumeSource: volumeSources }), '[]v1.Volume'),
  initContainers: slice(struct('Container', CONTAINER_FIELDS), '[]v1.Container'),
  containers: slice(struct('Container', CONTAINER_FIELDS), '[]v1.Container'),
  ephemeralContainers: slice(
    struct('EphemeralContainer', {}, { EphemeralContainerCommon: CONTAINER_FIELDS }),
    '[]v1.EphemeralContainer',
  ),
  hostNetwork: BOOL,
  hostPID: BOOL,
  hostIPC: BOOL,
  securityContext: ptr(
    struct('PodSecurityContext', {
      seLinuxOptions: ptr(SELINUX),
      windowsOptions: ptr(WINDOWS),
      runAsUser: ptr(INT64),
      runAsNonRoot: ptr(BOOL),
      sysctls: slice(struct('Sysctl', { name: STRING }), '[]v1.Sysctl'),
      seccompProfile: ptr(SECCOMP),
      appArmorProfile: ptr(APPARMOR),
    }),
  ),
  os: ptr(struct('PodOS', { name: str('v1.OSName') })),
  hostUsers: ptr(BOOL),
});

const OBJECT_META = struct('ObjectMeta', { name: STRING, namespace: STRING, labels: STRING_MAP, annotations: STRING_MAP });
const TEMPLATE = struct('PodTemplateSpec', { metadata: OBJECT_META, spec: POD_SPEC });

/** How Kyverno decodes each supported kind (Deployment-shaped kinds all go through `appsv1.Deployment`). */
const POD_SCHEMA = struct('Pod', { metadata: OBJECT_META, spec: POD_SPEC });
const DEPLOYMENT_SCHEMA = struct('Deployment', {
  metadata: OBJECT_META,
  spec: struct('DeploymentSpec', { template: TEMPLATE }),
});
const CRONJOB_SCHEMA = struct('CronJob', {
  metadata: OBJECT_META,
  spec: struct('CronJobSpec', {
    jobTemplate: struct('JobTemplateSpec', { metadata: OBJECT_META, spec: struct('JobSpec', { template: TEMPLATE }) }),
  }),
});

/** Go's `*json.UnmarshalTypeError`, rendered as Go renders it. */
export class GoJsonTypeError extends Error {
  readonly code = 'PSS_DECODE' as const;
  constructor(value: string, struct: string, field: string, type: string) {
    super(`json: cannot unmarshal ${value} into Go struct field ${struct}.${field} of type ${type}`);
    this.name = 'GoJsonTypeError';
  }
}

interface Ctx {
  struct: string;
  fields: string[];
  /** visit object keys in Go's (sorted) order; the fast pass does not and restarts when order matters */
  sorted: boolean;
}

/** Thrown by the fast pass when key order matters (a case-insensitive match); the decode restarts sorted. */
const RESTART_SORTED = new Error('restart sorted');

/** Go's `Value` description of a JSON value that could not be stored. */
function jsonKind(v: JsonValue): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'array';
  return 'object';
}

function fail(ctx: Ctx, value: string, node: Node): never {
  throw new GoJsonTypeError(value, ctx.struct, ctx.fields.join('.'), goType(node));
}

/** Decodes `v` into `node`, merging into `prev` like Go does for an existing struct/map value. */
function decode(v: JsonValue | undefined, node: Node, prev: unknown, ctx: Ctx): unknown {
  if (v === undefined) return prev;
  switch (node.t) {
    case 'ptr':
      if (v === null) return undefined;
      return decode(v, node.elem, prev, ctx);
    case 'bool':
      if (v === null) return prev;
      if (typeof v !== 'boolean') fail(ctx, jsonKind(v), node);
      return v;
    case 'string':
      if (v === null) return prev;
      if (typeof v !== 'string') fail(ctx, jsonKind(v), node);
      return v;
    case 'int':
      if (v === null) return prev;
      if (typeof v !== 'number') fail(ctx, jsonKind(v), node);
      if (!Number.isInteger(v) || v < node.min || v > node.max) fail(ctx, `number ${String(v)}`, node);
      return v;
    case 'slice': {
      if (v === null) return undefined;
      if (!Array.isArray(v)) fail(ctx, jsonKind(v), node);
      const out: unknown[] = new Array(v.length);
      for (let i = 0; i < v.length; i++) out[i] = decode(v[i], node.elem, zeroOf(node.elem), ctx);
      return out;
    }
    case 'map': {
      if (v === null) return undefined;
      if (typeof v !== 'object' || Array.isArray(v)) fail(ctx, jsonKind(v), node);
      // null prototype: annotation keys such as `__proto__` are plain keys, as in a Go map
      const out: Record<string, string> =
        prev && typeof prev === 'object' ? (prev as Record<string, string>) : (Object.create(null) as Record<string, string>);
      for (const k of ctx.sorted ? sortedKeys(v) : Object.keys(v)) {
        const e = v[k];
        if (e === null || e === undefined) out[k] = '';
        else if (typeof e !== 'string') fail(ctx, jsonKind(e), STRING);
        else out[k] = e;
      }
      return out;
    }
    case 'struct': {
      if (v === null) return prev;
      if (typeof v !== 'object' || Array.isArray(v)) fail(ctx, jsonKind(v), node);
      const out: Record<string, unknown> =
        prev && typeof prev === 'object' ? (prev as Record<string, unknown>) : {};
      const outerStruct = ctx.struct;
      if (ctx.sorted) {
        for (const k of sortedKeys(v)) decodeField(v, k, node, out, ctx);
      } else {
        for (const k in v) decodeField(v, k, node, out, ctx);
      }
      ctx.struct = outerStruct;
      return out;
    }
  }
}

/** Decodes one key of a JSON object into the struct being built (unknown keys are ignored). */
function decodeField(v: Record<string, JsonValue>, k: string, node: StructNode, out: Record<string, unknown>, ctx: Ctx): void {
  let f = node.fields.get(k);
  if (f === undefined) {
    if (!node.lengths.has(k.length)) return;
    f = node.folded.get(k.toLowerCase());
    if (f === undefined) return;
    if (!ctx.sorted) throw RESTART_SORTED;
  }
  const depth = ctx.fields.length;
  ctx.struct = node.name;
  if (f.via !== '') ctx.fields.push(f.via);
  ctx.fields.push(f.name);
  const r = decode(v[k], f.node, out[f.name], ctx);
  if (r !== undefined || out[f.name] !== undefined) out[f.name] = r;
  ctx.fields.length = depth;
}

/**
 * True when `v` can be used as its own decoded view: every modelled value has the right type, none is
 * `null` (Go would turn it into a zero value) and every key matches a field exactly or not at all.
 * Walks without allocating; anything else goes through `decode`.
 */
function isCleanView(v: JsonValue, node: Node): boolean {
  switch (node.t) {
    case 'ptr':
      return isCleanView(v, node.elem);
    case 'bool':
      return typeof v === 'boolean';
    case 'string':
      return typeof v === 'string';
    case 'int':
      return typeof v === 'number' && Number.isInteger(v) && v >= node.min && v <= node.max;
    case 'slice': {
      if (!Array.isArray(v)) return false;
      for (let i = 0; i < v.length; i++) if (!isCleanView(v[i]!, node.elem)) return false;
      return true;
    }
    case 'map': {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
      for (const k in v) if (typeof v[k] !== 'string') return false;
      return true;
    }
    case 'struct': {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
      for (const k in v) {
        const f = node.fields.get(k);
        if (f === undefined) {
          if (node.lengths.has(k.length) && node.folded.has(k.toLowerCase())) return false;
          continue;
        }
        if (!isCleanView(v[k]!, f.node)) return false;
      }
      return true;
    }
  }
}

/**
 * Decodes with a fast pass in the object's own key order, and again in sorted order when the first pass
 * met a wrongly typed value (Go reports the first one in sorted order) or a case-insensitive key match
 * (later duplicates win in sorted order).
 */
function decodeRoot(v: Record<string, JsonValue>, schema: StructNode): unknown {
  // Objects that went through the API server are almost always already clean: use them as they are.
  if (isCleanView(v, schema)) return v;
  try {
    return decode(v, schema, {}, { struct: '', fields: [], sorted: false });
  } catch (err) {
    if (err !== RESTART_SORTED && !(err instanceof GoJsonTypeError)) throw err;
    return decode(v, schema, {}, { struct: '', fields: [], sorted: true });
  }
}

/** Go's zero value of a slice element (what a `null` element decodes to). */
function zeroOf(node: Node): unknown {
  switch (node.t) {
    case 'struct':
      return {};
    case 'string':
      return '';
    case 'bool':
      return false;
    case 'int':
      return 0;
    default:
      return undefined;
  }
}

function sortedKeys(o: Record<string, unknown>): string[] {
  const keys = Object.keys(o);
  if (keys.length > 1) keys.sort(compareGoStrings);
  return keys;
}

/** Byte-wise (UTF-8) string order, as Go sorts map keys (UTF-16 units remapped to code point order). */
export function compareGoStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/** Surrogates (code points above U+FFFF) sort after U+E000..U+FFFF in code point order. */
function codePointRank(u: number): number {
  if (u >= 0xe000) return u - 0x800;
  if (u >= 0xd800) return u + 0x2000;
  return u;
}

/** The kinds Kyverno's podSecurity handler accepts, and where their pod lives. */
export type PodSourceKind = 'Pod' | 'Template' | 'CronJob';

const TEMPLATE_KINDS = new Set(['DaemonSet', 'Deployment', 'Job', 'StatefulSet', 'ReplicaSet', 'ReplicationController']);

/** Kyverno's `getSpec` error for other kinds. */
export class UnsupportedKindError extends Error {
  readonly code = 'PSS_UNSUPPORTED_KIND' as const;
  constructor() {
    super('could not find correct resource type');
    this.name = 'UnsupportedKindError';
  }
}

/**
 * Kyverno's `getSpec`: the pod metadata and spec of a Pod, of the template of a
 * Deployment/DaemonSet/StatefulSet/ReplicaSet/ReplicationController/Job, or of a CronJob's job template
 * (note: for a CronJob the metadata is the *job* template's, `spec.jobTemplate.metadata`, as in Kyverno).
 * Throws UnsupportedKindError for other kinds and GoJsonTypeError for wrongly typed fields.
 *
 * DESIGN NOTE: Go type-checks the whole typed object; only the fields the checks read (plus object
 * metadata) are modelled here, so a wrongly typed unrelated field (say `spec.replicas: "3"`) is not
 * reported as an error.
 */
export function decodePodSource(resource: Record<string, JsonValue>): PodView {
  const kind = resource['kind'];
  if (typeof kind === 'string' && TEMPLATE_KINDS.has(kind)) {
    const d = decodeRoot(resource, DEPLOYMENT_SCHEMA) as { spec?: { template?: { metadata?: PodMeta; spec?: PodSpecView } } };
    const t = d.spec?.template;
    return { metadata: t?.metadata ?? {}, spec: t?.spec ?? {} };
  }
  if (kind === 'CronJob') {
    const d = decodeRoot(resource, CRONJOB_SCHEMA) as {
      spec?: { jobTemplate?: { metadata?: PodMeta; spec?: { template?: { spec?: PodSpecView } } } };
    };
    const jt = d.spec?.jobTemplate;
    return { metadata: jt?.metadata ?? {}, spec: jt?.spec?.template?.spec ?? {} };
  }
  if (kind === 'Pod') {
    const d = decodeRoot(resource, POD_SCHEMA) as { metadata?: PodMeta; spec?: PodSpecView };
    return { metadata: d.metadata ?? {}, spec: d.spec ?? {} };
  }
  throw new UnsupportedKindError();
}

/** Decodes a bare Pod object (the fixtures); same rules as decodePodSource for kind Pod. */
export function decodePod(pod: Record<string, JsonValue>): PodView {
  const d = decodeRoot(pod, POD_SCHEMA) as { metadata?: PodMeta; spec?: PodSpecView };
  return { metadata: d.metadata ?? {}, spec: d.spec ?? {} };
}
