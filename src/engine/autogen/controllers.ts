/**
 * Pod controller vocabulary of autogen (kyverno pkg/autogen/v1/autogen.go, pkg/autogen/v1/internal/gvk.go,
 * pkg/utils/kube/kind.go): the default controller list, the annotation that overrides it, the
 * kind -> GVK table used in generated match blocks, and the kind comparisons autogen relies on.
 */

/** Annotation selecting the controllers to generate rules for: a comma list, or `none`. */
export const AUTOGEN_CONTROLLERS_ANNOTATION = 'pod-policies.kyverno.io/autogen-controllers';

/** The CronJob controller, which gets its own `autogen-cronjob-` rule. */
export const POD_CONTROLLER_CRONJOB = 'CronJob';

/**
 * Default pod controllers, in Kyverno's declaration order (`PodControllers`):
 * DaemonSet, Deployment, Job, StatefulSet, ReplicaSet, ReplicationController, CronJob.
 */
export const DEFAULT_POD_CONTROLLERS: readonly string[] = Object.freeze([
  'DaemonSet',
  'Deployment',
  'Job',
  'StatefulSet',
  'ReplicaSet',
  'ReplicationController',
  POD_CONTROLLER_CRONJOB,
]);

/** `podControllersKindsSet`: the default controllers plus `Pod` (exact kind strings, no GVK parsing). */
export const POD_CONTROLLER_KINDS: ReadonlySet<string> = new Set([...DEFAULT_POD_CONTROLLERS, 'Pod']);

/**
 * Controllers accepted when the annotation lists controllers for the non-CronJob rule (`controllersList`
 * in generateRuleForControllers).
 */
export const ANNOTATION_CONTROLLERS: ReadonlySet<string> = new Set([
  'DaemonSet',
  'Deployment',
  'Job',
  'StatefulSet',
  'ReplicaSet',
  'ReplicationController',
]);

/** What `all` expands to for the non-CronJob rule (before sorting). */
export const ALL_CONTROLLERS_EXPANSION = 'DaemonSet,Deployment,Job,StatefulSet,ReplicaSet,ReplicationController';

/** `PodControllerGVKMap`: simple kind -> fully-qualified GVK written into generated match blocks. */
export const POD_CONTROLLER_GVKS: Readonly<Record<string, string>> = Object.freeze({
  DaemonSet: 'apps/v1/DaemonSet',
  Deployment: 'apps/v1/Deployment',
  Job: 'batch/v1/Job',
  StatefulSet: 'apps/v1/StatefulSet',
  ReplicaSet: 'apps/v1/ReplicaSet',
  ReplicationController: 'v1/ReplicationController',
  CronJob: 'batch/v1/CronJob',
  Pod: 'v1/Pod',
});

/**
 * `ConvertKindsToGVK`: known kinds become GVKs, others are kept.
 * Example: `convertKindsToGvk(['Job', 'Foo'])` -> `['batch/v1/Job', 'Foo']`.
 */
export function convertKindsToGvk(kinds: readonly string[]): string[] {
  return kinds.map((k) => (Object.prototype.hasOwnProperty.call(POD_CONTROLLER_GVKS, k) ? (POD_CONTROLLER_GVKS[k] as string) : k));
}

/** Go string order (byte-wise UTF-8 = code point order), as `sort.Strings`. */
export function compareGoStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.codePointAt(i) as number;
    const cb = b.codePointAt(i) as number;
    if (ca !== cb) return ca < cb ? -1 : 1;
    if (ca > 0xffff) i++;
  }
  return a.length - b.length;
}

/**
 * `splitKinds`: `strings.Split` then `sort.Strings` (so `""` gives `[""]`).
 * Example: `splitKinds('Job,DaemonSet')` -> `['DaemonSet', 'Job']`.
 */
export function splitKinds(controllers: string, separator = ','): string[] {
  return controllers.split(separator).sort(compareGoStrings);
}

const VERSION_RE = /^(v\d+((alpha|beta)\d+)?|\*)$/;

function formatSubresource(s: string): string {
  return s.replace('.', '/');
}

/**
 * `kubeutils.GetKindFromGVK`, kind part only: `apps/v1/Deployment` -> `Deployment`,
 * `Pod.status` -> `Pod/status`, `v1/Pod/status` -> `Pod/status`.
 */
export function kindFromGvk(str: string): string {
  const parts = str.split('/');
  switch (parts.length) {
    case 1:
      return formatSubresource(str);
    case 2: {
      const [p0, p1] = parts as [string, string];
      if (p0 === '*' && p1 === '*') return '*/*';
      if (VERSION_RE.test(p0)) return formatSubresource(p1);
      return `${p0}/${p1}`;
    }
    case 3: {
      const [p0, p1, p2] = parts as [string, string, string];
      if (VERSION_RE.test(p0)) return `${p1}/${p2}`;
      return formatSubresource(p2);
    }
    case 4:
      return `${parts[2] as string}/${parts[3] as string}`;
    default:
      return '';
  }
}

/** `kubeutils.SplitSubresource`, kind part: `Pod/status` -> `Pod`; anything but exactly one `/` is kept. */
function kindWithoutSubresource(s: string): string {
  const parts = s.split('/');
  return parts.length === 2 ? (parts[0] as string) : s;
}

/**
 * `kubeutils.ContainsKind`: some entry, reduced to its kind without subresource, equals `kind`.
 * Example: `containsKind(['v1/Pod'], 'Pod')` -> true; `containsKind(['Pods'], 'Pod')` -> false.
 */
export function containsKind(list: readonly string[], kind: string): boolean {
  for (const e of list) {
    if (kindWithoutSubresource(kindFromGvk(e)) === kind) return true;
  }
  return false;
}
