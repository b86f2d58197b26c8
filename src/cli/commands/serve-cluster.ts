/**
 * `kyverno serve` in-cluster mode: composes the admission server (src/server/in-cluster.ts) with the
 * cluster-backed sources of src/controllers (policy, namespace, ConfigMap and RBAC informers), the
 * admission report and UpdateRequest sinks, and the policy status controller (Kyverno's admission
 * controller sets the `Ready` condition once a policy is registered in the webhooks).
 */
import { hostname } from 'node:os';
import { admissionEvents } from '../../controllers/events/events.ts';
import { EventRecorder } from '../../controllers/events/recorder.ts';
import { AdmissionBackgroundSink } from '../../controllers/generate/admission-sink.ts';
import { UpdateRequestGenerator } from '../../controllers/generate/ur-generator.ts';
import { LeaderElector } from '../../controllers/leader-election/elector.ts';
import { PolicyInformers, type PolicyChange } from '../../controllers/policies/policy-informers.ts';
import { CelPolicyInformers } from '../../controllers/policies/cel-policy-informers.ts';
import { CelPolicyStatusController } from '../../controllers/policy-status/cel-status.ts';
import { PolicyStatusController } from '../../controllers/policy-status/controller.ts';
import { AdmissionReportSink } from '../../controllers/reports/admission-sink.ts';
import { EphemeralReportSink } from '../../controllers/reports/ephemeral.ts';
import { ClusterState } from '../../controllers/runtime/cluster-state.ts';
import { controllerEngine } from '../../controllers/runtime/engine.ts';
import { ClusterConfigSource, ClusterNamespaces, ClusterPolicySource, ClusterRoleBindings } from '../../controllers/sources/cluster-sources.ts';
import { policyKey } from '../../engine/api/policy.ts';
import { ClusterContextPorts } from '../../k8s/client/context-ports.ts';
import { RestKubeApi } from '../../k8s/client/rest.ts';
import { startInCluster, type InClusterOptions } from '../../server/in-cluster.ts';
import { WithCelPolicies } from '../../server/sources/with-cel.ts';
import type { Logger } from '../../server/logging.ts';

export interface ServeClusterOptions extends Omit<InClusterOptions, 'api' | 'onBlocked' | 'policies' | 'allPolicies' | 'onPoliciesChange' | 'onPolicyChanges' | 'namespaces' | 'roleBindings' | 'config' | 'reports' | 'background' | 'log' | 'refreshResources' | 'onRegistered'> {
  kubeconfig?: string;
  context?: string;
  qps: number;
  burst: number;
  /** run the policy status controller (default true) */
  policyStatus: boolean;
  identity?: string;
  /** name of the `kyverno` ConfigMap (Kyverno: env INIT_CONFIG) */
  configMapName?: string;
  /**
   * `--backgroundServiceAccountName`: the background controller's user
   * (`system:serviceaccount:<ns>:<name>`); its own requests trigger no generate or mutate-existing work.
   * Default `system:serviceaccount:<kyvernoNamespace>:kyverno-background-controller`.
   */
  backgroundServiceAccountName?: string;
  /** run the webhook and policy status controllers only while holding the Lease `kyverno` (default true) */
  leaderElection?: boolean;
  leaderElectionRetryPeriodMs?: number;
  log: Logger;
}

export interface ServeClusterHandle {
  port: number;
  stop(): Promise<void>;
}

export async function serveInCluster(o: ServeClusterOptions): Promise<ServeClusterHandle> {
  const log = o.log;
  const inCluster = o.kubeconfig === undefined && process.env['KUBERNETES_SERVICE_HOST'] !== undefined && process.env['KUBECONFIG'] === undefined;
  const api = await RestKubeApi.fromKubeconfig({
    ...(o.kubeconfig !== undefined ? { file: o.kubeconfig } : {}),
    ...(inCluster ? { inCluster: true } : {}),
    ...(o.context !== undefined ? { context: o.context } : {}),
    qps: o.qps,
    burst: o.burst,
    userAgent: 'kyverno-ts-admission',
  });
  try {
    await api.resources();
  } catch (err) {
    api.close();
    throw new Error(`failed to reach the API server: ${(err as Error).message}`);
  }
  const ns = o.kyvernoNamespace;
  const identity = o.identity ?? `${hostname()}-${process.pid}`;
  const policies = new PolicyInformers(api, o.exceptions ?? { enabled: false, namespace: '' }, log);
  // ValidatingPolicies, MutatingPolicies and their namespaced kinds (with CEL PolicyExceptions)
  const served = new Set((await api.resources()).map((r) => `${r.group}/${r.version}/${r.resource}`));
  const celPolicies = new CelPolicyInformers(api, o.exceptions ?? { enabled: false, namespace: '' }, log, (r) => served.has(`${r.group}/${r.version}/${r.resource}`));
  const state = new ClusterState(api, ns, o.configMapName ?? 'kyverno', log);
  const roleBindings = new ClusterRoleBindings(api);
  // policy changes from the first informer event on (kyverno_policy_changes_total counts the initial
  // adds as `created`, as Kyverno's informer handlers do), held until the server's metrics exist
  const heldChanges: PolicyChange[] = [];
  let onPolicyChange = (c: PolicyChange): void => void heldChanges.push(c);
  policies.onChange((c) => onPolicyChange(c));
  policies.start();
  celPolicies.start();
  state.start();
  roleBindings.start();
  const stopInformers = (): void => {
    policies.stop();
    celPolicies.stop();
    state.stop();
    roleBindings.stop();
  };
  try {
    await Promise.race([
      Promise.all([policies.synced(), celPolicies.synced(), state.synced(), roleBindings.synced()]),
      new Promise((_, reject) => setTimeout(() => reject(new Error('informers did not sync within 60 s (are Kyverno CRDs installed?)')), 60_000).unref()),
    ]);
  } catch (err) {
    stopInformers();
    api.close();
    throw err;
  }
  // policy changes reach the server's cache at once (a deleted policy must stop blocking requests quickly)
  const classicSource = new ClusterPolicySource(policies, 5);
  classicSource.refresh();
  const source = new WithCelPolicies(classicSource, celPolicies, 5);
  const events = new EventRecorder({ api, settings: () => state.current(), log, hostname: identity });
  events.start();
  const ephemeral = o.admissionReports === false ? undefined : new EphemeralReportSink({ api, replicaId: identity, log });
  const urs = new UpdateRequestGenerator({ api, namespace: ns, log });
  const ports = new ClusterContextPorts(api, { namespaceLabels: (n) => state.namespaceLabels(n) });
  const namespaces = new ClusterNamespaces(state);
  let registered: ReadonlySet<string> | undefined;
  let celRegistered: ReadonlySet<string> | undefined;
  /** the policy status controllers of the current leadership term */
  let status: PolicyStatusController | undefined;
  let celStatus: CelPolicyStatusController | undefined;
  let handle;
  try {
    handle = await startInCluster({
      ...o,
      api,
      // a re-read always reaches the API server (the callers limit it: every 30 s, and policy validation
      // naming an unknown kind at most once a second), as Kyverno's FindResources invalidates on a miss
      refreshResources: async () => {
        api.invalidateDiscovery();
        return (await api.discovery()).all;
      },
      policies: source,
      allPolicies: () => policies.all(),
      onPolicyChanges: (cb) => {
        for (const c of heldChanges.splice(0)) cb(c);
        onPolicyChange = cb;
      },
      onPoliciesChange: (cb) => {
        policies.onChange(cb);
        celPolicies.onChange(() => cb());
      },
      celPolicies: () => celPolicies.all(),
      onCelRegistered: (keys) => {
        const changed = celRegistered === undefined || celRegistered.size !== keys.size || [...keys].some((k) => !celRegistered?.has(k));
        celRegistered = keys;
        if (changed) celStatus?.requeueAll();
      },
      namespaces,
      roleBindings,
      config: new ClusterConfigSource(state),
      reports: new AdmissionReportSink(ephemeral, events),
      background: new AdmissionBackgroundSink({
        engine: () => controllerEngine(state.current(), ports.ports()),
        exceptions: () => policies.exceptionCandidates(),
        namespaces,
        generator: urs,
        api,
        kyvernoNamespace: ns,
        ...(o.backgroundServiceAccountName ? { backgroundServiceAccountName: o.backgroundServiceAccountName } : {}),
        events,
        log,
      }),
      onRegistered: (keys) => {
        const changed = registered === undefined || registered.size !== keys.size || [...keys].some((k) => !registered?.has(k));
        registered = keys;
        // the policies about to be marked Ready are served from now on, not once the status comes back
        if (status) classicSource.serveRegistered(keys);
        if (changed) status?.requeueAll();
      },
      onBlocked: (responses) => events.add(...admissionEvents(responses, true)),
      deferWebhookController: true,
      log,
    });
  } catch (err) {
    stopInformers();
    await events.stop();
    api.close();
    throw err;
  }
  const webhooks = handle.webhooks;
  // Kyverno's leader-only controllers: the webhook controller and policy status
  const lead = (signal: AbortSignal): void => {
    registered = undefined;
    celRegistered = undefined;
    webhooks.start();
    if (o.policyStatus) {
      const st = new PolicyStatusController({ api, policies, log, registered: (p) => registered === undefined || registered.has(policyKey(p)) });
      status = st;
      void st.start(signal);
      const cst = new CelPolicyStatusController({ api, policies: celPolicies, log, registered: () => celRegistered });
      celStatus = cst;
      void cst.start(signal);
    }
    signal.addEventListener(
      'abort',
      () => {
        void webhooks.stop();
        void status?.stop();
        void celStatus?.stop();
        status = undefined;
        celStatus = undefined;
        classicSource.serveRegistered(undefined);
      },
      { once: true },
    );
  };
  const abort = new AbortController();
  const elector =
    o.leaderElection === false
      ? undefined
      : new LeaderElector({ api, namespace: ns, name: 'kyverno', identity, retryPeriodMs: o.leaderElectionRetryPeriodMs, log, onStartedLeading: lead });
  if (elector) elector.start();
  else lead(abort.signal);
  const h = handle;
  return {
    port: h.address.port,
    async stop() {
      abort.abort();
      await elector?.stop();
      await status?.stop();
      await celStatus?.stop();
      await h.stop();
      await urs.stop();
      await ephemeral?.stop();
      await events.flush();
      await events.stop();
      stopInformers();
      api.close();
    },
  };
}
