/**
 * The fake Node of the e2e control plane and kwok's configuration for it. kwok (sigs.k8s.io/kwok,
 * Kubernetes WithOut Kubelet) plays the kubelet of that Node: kube-scheduler binds pods to it and
 * kwok moves them through their lifecycle by patching their status (Pending -> Running and Ready,
 * Job pods -> Succeeded, deleted pods removed). No image is pulled and no container runs.
 *
 * kwok is driven by Stage objects (its API: a selector on the object, then steps that patch its
 * status from a Go template rendered with kwok's functions, or delete it). The stages below are
 * written for this control plane: what a test observes of a kubelet (phase, conditions, container
 * statuses, addresses), nothing more.
 *
 * Example:
 *   writeFileSync(file, kwokConfig({ jobPodRunMs: 120_000 }));
 *   // POST fakeNode('kwok-node-0', 10250, 'v0.8.0') to /api/v1/nodes
 */

/** The annotation kwok is told to manage Nodes by (`--manage-nodes-with-annotation-selector`). */
export const KWOK_NODE_ANNOTATION = 'kwok.x-k8s.io/node';
export const KWOK_NODE_ANNOTATION_VALUE = 'fake';

export interface KwokConfigOptions {
  /**
   * How long a Job's pod stays Running before kwok marks it Succeeded (the tests' Job containers sleep
   * or serve; nothing runs here, so a Job pod "runs" this long).
   */
  jobPodRunMs: number;
  /**
   * Serve `kubectl exec` for the fake Node's pods: kwok runs the command on this machine (there is no
   * container), in `workDir`, as `runAsUser`/`runAsGroup` when given. Off unless set.
   */
  exec?: { workDir: string; runAsUser?: number; runAsGroup?: number };
}

type Json = Record<string, unknown>;

/**
 * A selector expression: CEL on the typed object (`self`), or, where CEL cannot see into typed lists
 * (its macros do not resolve Kubernetes' element types here), a jq query whose results must (not) be
 * among `values`.
 */
type Selector = string | { jq: string; operator: 'In' | 'NotIn'; values: string[] };

/** kwok's Stage; `delay`: how long after the object matched the steps run (kwok's StageDelay). */
function stage(name: string, kind: 'Node' | 'Pod', selectors: readonly Selector[], steps: readonly Json[], delay?: Json): Json {
  return {
    apiVersion: 'kwok.x-k8s.io/v1alpha1',
    kind: 'Stage',
    metadata: { name },
    spec: {
      resourceRef: { apiGroup: 'v1', kind },
      selector: {
        matchExpressions: selectors.map((e) => (typeof e === 'string' ? { cel: { expression: e } } : { jq: { key: e.jq, operator: e.operator, values: e.values } })),
      },
      ...(delay !== undefined ? { delay } : {}),
      steps,
    },
  };
}

/** A step patching the object's status with `template` (kwok renders it, then applies it as a strategic merge patch). */
const statusPatch = (template: string): Json => ({ patch: { subresource: 'status', root: 'status', template } });

const NOT_DELETED = '!has(self.metadata.deletionTimestamp)';

/** The Node becomes Ready: kwok renews its Lease from then on, which is the heartbeat kube-controller-manager watches. */
const NODE_READY = stage(
  'node-ready',
  'Node',
  [NOT_DELETED, { jq: '.status.conditions[]? | select(.type == "Ready") | .status', operator: 'NotIn', values: ['True'] }],
  [
    statusPatch(
      [
        '{{ $now := Now | Quote }}',
        'phase: Running',
        'conditions:',
        '- {type: Ready, status: "True", reason: KubeletReady, message: "kwok plays the kubelet (no container runs)", lastHeartbeatTime: {{ $now }}, lastTransitionTime: {{ $now }}}',
        '- {type: MemoryPressure, status: "False", reason: KubeletHasSufficientMemory, message: "", lastHeartbeatTime: {{ $now }}, lastTransitionTime: {{ $now }}}',
        '- {type: DiskPressure, status: "False", reason: KubeletHasNoDiskPressure, message: "", lastHeartbeatTime: {{ $now }}, lastTransitionTime: {{ $now }}}',
        '- {type: PIDPressure, status: "False", reason: KubeletHasSufficientPID, message: "", lastHeartbeatTime: {{ $now }}, lastTransitionTime: {{ $now }}}',
        '',
      ].join('\n'),
    ),
  ],
);

/**
 * A pod bound to the Node starts: Running, Ready, an IP from kwok's pod CIDR, each container running
 * (init containers completed, sidecars running), readiness gates met.
 */
const POD_RUNNING = stage(
  'pod-running',
  'Pod',
  [NOT_DELETED, "has(self.spec.nodeName) && self.spec.nodeName != ''", "!has(self.status.phase) || self.status.phase == 'Pending'"],
  [
    statusPatch(
      [
        '{{ $now := Now | Quote }}',
        '{{ $hostIP := NodeIPWith .spec.nodeName | Quote }}',
        '{{ $podIP := PodIPWith .spec.nodeName (or .spec.hostNetwork false) (or .metadata.uid "") .metadata.name .metadata.namespace | Quote }}',
        'phase: Running',
        'startTime: {{ $now }}',
        'hostIP: {{ $hostIP }}',
        'hostIPs: [{ip: {{ $hostIP }}}]',
        'podIP: {{ $podIP }}',
        'podIPs: [{ip: {{ $podIP }}}]',
        'conditions:',
        '- {type: Initialized, status: "True", lastTransitionTime: {{ $now }}}',
        '- {type: ContainersReady, status: "True", lastTransitionTime: {{ $now }}}',
        '- {type: Ready, status: "True", lastTransitionTime: {{ $now }}}',
        '{{- range .spec.readinessGates }}',
        '- {type: {{ .conditionType | Quote }}, status: "True", lastTransitionTime: {{ $now }}}',
        '{{- end }}',
        'containerStatuses:',
        '{{- range .spec.containers }}',
        '- {name: {{ .name | Quote }}, image: {{ .image | Quote }}, imageID: "", ready: true, started: true, restartCount: 0, state: {running: {startedAt: {{ $now }}}}}',
        '{{- end }}',
        '{{- with .spec.initContainers }}',
        'initContainerStatuses:',
        '{{- range . }}',
        '{{- if eq (or .restartPolicy "") "Always" }}',
        '- {name: {{ .name | Quote }}, image: {{ .image | Quote }}, imageID: "", ready: true, started: true, restartCount: 0, state: {running: {startedAt: {{ $now }}}}}',
        '{{- else }}',
        '- {name: {{ .name | Quote }}, image: {{ .image | Quote }}, imageID: "", ready: true, restartCount: 0, state: {terminated: {exitCode: 0, reason: Completed, startedAt: {{ $now }}, finishedAt: {{ $now }}}}}',
        '{{- end }}',
        '{{- end }}',
        '{{- end }}',
        '',
      ].join('\n'),
    ),
  ],
);

/** A Job's pod, Running for `jobPodRunMs`, completes: its containers exit 0, the pod is Succeeded. */
const podSucceeded = (jobPodRunMs: number): Json =>
  stage(
    'job-pod-succeeded',
    'Pod',
    [NOT_DELETED, "self.status.phase == 'Running'", { jq: '.metadata.ownerReferences[]?.kind', operator: 'In', values: ['Job'] }],
    [
      statusPatch(
        [
          '{{ $now := Now | Quote }}',
          'phase: Succeeded',
          'conditions:',
          '- {type: ContainersReady, status: "False", reason: PodCompleted, lastTransitionTime: {{ $now }}}',
          '- {type: Ready, status: "False", reason: PodCompleted, lastTransitionTime: {{ $now }}}',
          'containerStatuses:',
          '{{- range .spec.containers }}',
          '- {name: {{ .name | Quote }}, image: {{ .image | Quote }}, imageID: "", ready: false, started: false, restartCount: 0, state: {terminated: {exitCode: 0, reason: Completed, finishedAt: {{ $now }}}}}',
          '{{- end }}',
          '',
        ].join('\n'),
      ),
    ],
    { durationMilliseconds: jobPodRunMs },
  );

/**
 * A pod being deleted is removed once its containers would have stopped: what a kubelet does after
 * SIGTERM, the final delete with no grace period (finalizers of others still hold the object). The
 * containers are taken to stop `POD_STOP_SECONDS` after SIGTERM, or at the end of the pod's grace period
 * when that comes first; until then the pod stays as it was (Running), as with a kubelet.
 */
const POD_STOP_SECONDS = 2;
const POD_GONE = stage('pod-gone', 'Pod', ['has(self.metadata.deletionTimestamp)'], [{ delete: true }], {
  durationMilliseconds: POD_STOP_SECONDS * 1000,
  durationFrom: { jq: { expression: `[.metadata.deletionGracePeriodSeconds // 0, ${POD_STOP_SECONDS}] | min | "\\(.)s"` } },
});

/** kwok's `--config` file: the stages, and the exec rule when asked for. YAML documents (each one JSON). */
export function kwokConfig(options: KwokConfigOptions): string {
  const docs: Json[] = [NODE_READY, POD_RUNNING, podSucceeded(options.jobPodRunMs), POD_GONE];
  if (options.exec) {
    const { workDir, runAsUser, runAsGroup } = options.exec;
    const securityContext = runAsUser !== undefined ? { runAsUser, ...(runAsGroup !== undefined ? { runAsGroup } : {}) } : undefined;
    docs.push({
      apiVersion: 'kwok.x-k8s.io/v1alpha1',
      kind: 'ClusterExec',
      metadata: { name: 'exec-on-this-machine' },
      // no selector: every pod of the managed Node, every container
      spec: { execs: [{ local: { workDir, ...(securityContext ? { securityContext } : {}) } }] },
    });
  }
  return docs.map((d) => JSON.stringify(d, null, 2)).join('\n---\n') + '\n';
}

/**
 * The fake Node, as a kubelet registers its own: addresses (InternalIP 127.0.0.1, where kwok's
 * kubelet-like server listens on `port`), capacity, node info. kwok's node-ready stage adds the
 * conditions.
 */
export function fakeNode(name: string, port: number, kwokVersion: string): Json {
  const resources = { cpu: '1000', memory: '4Ti', pods: '10000', 'ephemeral-storage': '1Ti' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { [KWOK_NODE_ANNOTATION]: KWOK_NODE_ANNOTATION_VALUE },
      labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', type: 'kwok' },
    },
    spec: {},
    status: {
      addresses: [
        { type: 'InternalIP', address: '127.0.0.1' },
        { type: 'Hostname', address: name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: port } },
      capacity: resources,
      allocatable: resources,
      nodeInfo: {
        architecture: 'amd64',
        operatingSystem: 'linux',
        osImage: 'kwok',
        kernelVersion: `kwok-${kwokVersion}`,
        kubeletVersion: `kwok-${kwokVersion}`,
        kubeProxyVersion: '',
        containerRuntimeVersion: `kwok-${kwokVersion}`,
        machineID: '',
        systemUUID: '',
        bootID: '',
      },
    },
  };
}
