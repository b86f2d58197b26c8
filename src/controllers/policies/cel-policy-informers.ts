/**
 * The CEL policy kinds `kyverno serve` evaluates at admission (Kyverno's vpol / mpol policy providers and
 * the webhook controller's listers): informers on policies.kyverno.io/v1beta1 ValidatingPolicies,
 * NamespacedValidatingPolicies, MutatingPolicies, NamespacedMutatingPolicies and, when policy exceptions
 * are enabled, CEL PolicyExceptions (of `--exceptionNamespace`, every namespace for `*` or empty).
 *
 * Example: `const cel = new CelPolicyInformers(api, { enabled: true, namespace: '*' }); cel.start(); await cel.synced(); cel.snapshot()`.
 */
import type { JsonObject } from '../../engine/api/json.ts';
import type { CelPolicySnapshot } from '../../server/admission/cel-policies.ts';
import type { ExceptionOptions } from '../../server/admission/exceptions.ts';
import type { Logger } from '../../server/logging.ts';
import { Informer, stripManagedFields } from '../../k8s/client/informer.ts';
import type { ApiResource, KubeApi, KubeObject } from '../../k8s/client/types.ts';

function res(resource: string, kind: string, namespaced: boolean, subresources: string[] = ['status']): ApiResource {
  return { group: 'policies.kyverno.io', version: 'v1beta1', resource, kind, namespaced, verbs: [], subresources };
}

export const VALIDATING_POLICIES = res('validatingpolicies', 'ValidatingPolicy', false);
export const NAMESPACED_VALIDATING_POLICIES = res('namespacedvalidatingpolicies', 'NamespacedValidatingPolicy', true);
export const MUTATING_POLICIES = res('mutatingpolicies', 'MutatingPolicy', false);
export const NAMESPACED_MUTATING_POLICIES = res('namespacedmutatingpolicies', 'NamespacedMutatingPolicy', true);
export const CEL_POLICY_EXCEPTIONS = res('policyexceptions', 'PolicyException', true, []);

export const CEL_POLICY_RESOURCES: readonly ApiResource[] = [VALIDATING_POLICIES, NAMESPACED_VALIDATING_POLICIES, MUTATING_POLICIES, NAMESPACED_MUTATING_POLICIES];

/** The API resource of a CEL policy kind. */
export function celPolicyResource(kind: string): ApiResource | undefined {
  return CEL_POLICY_RESOURCES.find((r) => r.kind === kind);
}

/** The objects informers deliver carry no kind/apiVersion on some paths: set them from the resource. */
function withKind(r: ApiResource): (o: KubeObject) => KubeObject {
  return (o) => {
    const s = stripManagedFields(o);
    return s['kind'] === r.kind && s['apiVersion'] === `${r.group}/${r.version}` ? s : { ...s, apiVersion: `${r.group}/${r.version}`, kind: r.kind };
  };
}

export class CelPolicyInformers {
  readonly policies: Informer[];
  readonly exceptions: Informer;
  private readonly listeners: Array<(obj: KubeObject) => void> = [];
  private cached: CelPolicySnapshot | undefined;

  /** the informers started (the API serves their resource) */
  private readonly active: Informer[];

  /** `served`: whether the API serves a resource (a kind whose CRD is not installed is not watched) */
  constructor(
    api: KubeApi,
    private readonly exceptionOptions: ExceptionOptions = { enabled: false, namespace: '' },
    log?: Logger,
    served: (r: ApiResource) => boolean = () => true,
  ) {
    const onError = (err: unknown) => log?.error(err, 'CEL policy informer failed');
    this.policies = CEL_POLICY_RESOURCES.map((r) => new Informer(api, r, { transform: withKind(r), onError }));
    this.exceptions = new Informer(api, CEL_POLICY_EXCEPTIONS, { transform: withKind(CEL_POLICY_EXCEPTIONS), onError });
    const changed = (o: KubeObject): void => {
      this.cached = undefined;
      for (const l of this.listeners) l(o);
    };
    for (const inf of [...this.policies, this.exceptions]) inf.on({ add: changed, update: (_old, o) => changed(o), delete: changed });
    this.active = CEL_POLICY_RESOURCES.flatMap((r, i) => (served(r) ? [this.policies[i] as Informer] : []));
    if (exceptionOptions.enabled && served(CEL_POLICY_EXCEPTIONS)) this.active.push(this.exceptions);
  }

  /** Registers a callback run on every change (the changed object). */
  onChange(cb: (obj: KubeObject) => void): void {
    this.listeners.push(cb);
  }

  start(): void {
    for (const inf of this.active) inf.start();
  }

  async synced(): Promise<void> {
    await Promise.all(this.active.map((i) => i.synced()));
  }

  stop(): void {
    for (const inf of [...this.policies, this.exceptions]) inf.stop();
  }

  /** Every policy of the four kinds. */
  all(): JsonObject[] {
    return this.policies.flatMap((i) => i.list()) as JsonObject[];
  }

  /** A policy by kind, namespace and name. */
  get(kind: string, namespace: string, name: string): JsonObject | undefined {
    const i = CEL_POLICY_RESOURCES.findIndex((r) => r.kind === kind);
    return i < 0 ? undefined : (this.policies[i]?.get(namespace, name) as JsonObject | undefined);
  }

  /** The CEL PolicyExceptions the engines may use. */
  exceptionCandidates(): JsonObject[] {
    if (!this.exceptionOptions.enabled) return [];
    const ns = this.exceptionOptions.namespace;
    const all = this.exceptions.list() as JsonObject[];
    if (ns === '' || ns === '*') return all;
    return all.filter((e) => (e['metadata'] as { namespace?: string } | undefined)?.namespace === ns);
  }

  /** What the admission server evaluates (rebuilt after a change). */
  snapshot(): CelPolicySnapshot {
    this.cached ??= { policies: this.all(), exceptions: this.exceptionCandidates() };
    return this.cached;
  }
}
