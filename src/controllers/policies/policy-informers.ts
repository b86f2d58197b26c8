/**
 * The classic policies and exceptions every controller reads (the ClusterPolicy, Policy and
 * PolicyException listers): informers on kyverno.io/v1 ClusterPolicies and Policies and kyverno.io/v2
 * PolicyExceptions, with the predicates Kyverno's controllers filter them by.
 *
 * - `canBackgroundProcess` (pkg/controllers/report/utils `CanBackgroundProcess`): `background` not false,
 *   no generated ValidatingAdmissionPolicy, and the variables allowed in background mode (cached per
 *   policy uid and resourceVersion).
 * - `isReportable`: not labelled `reports.kyverno.io/disabled`.
 *
 * Example: `const pols = new PolicyInformers(api); pols.start(); await pols.synced(); pols.forNamespace('default')`.
 */
import type { JsonObject } from '../../engine/api/json.ts';
import type { KyvernoPolicy, PolicyException, Rule } from '../../engine/api/policy.ts';
import { policyKey } from '../../engine/api/policy.ts';
import { computeRules } from '../../engine/autogen/index.ts';
import { parse as parseJmesPath } from '../../engine/jmespath/parser.ts';
import { validateVariables } from '../../engine/validation/variables.ts';
import { Informer, stripManagedFields } from '../../k8s/client/informer.ts';
import { resourceVersionOf, uidOf, type ApiResource, type KubeApi, type KubeObject } from '../../k8s/client/types.ts';
import type { Logger } from '../../server/logging.ts';
import { selectExceptions, type ExceptionOptions } from '../../server/admission/exceptions.ts';

function res(group: string, version: string, resource: string, kind: string, namespaced: boolean): ApiResource {
  return { group, version, resource, kind, namespaced, verbs: [], subresources: ['status'] };
}

export const CLUSTER_POLICIES = res('kyverno.io', 'v1', 'clusterpolicies', 'ClusterPolicy', false);
export const POLICIES = res('kyverno.io', 'v1', 'policies', 'Policy', true);
export const POLICY_EXCEPTIONS: ApiResource = { ...res('kyverno.io', 'v2', 'policyexceptions', 'PolicyException', true), subresources: [] };

export const LABEL_EXCLUDE_REPORTING = 'reports.kyverno.io/disabled';

export type PolicyChange = { type: 'add' | 'update' | 'delete'; policy: KyvernoPolicy; old?: KyvernoPolicy };

export function asPolicy(o: KubeObject): KyvernoPolicy {
  return o as unknown as KyvernoPolicy;
}

export function isReportable(p: KyvernoPolicy): boolean {
  const labels = p.metadata?.labels;
  return !(labels && Object.prototype.hasOwnProperty.call(labels, LABEL_EXCLUDE_REPORTING));
}

function hasRuleType(rules: readonly Rule[], f: (r: Rule) => boolean): boolean {
  return rules.some(f);
}

const nonEmpty = (v: unknown): boolean => v !== undefined && v !== null && (typeof v !== 'object' || Object.keys(v as object).length > 0);

export function ruleHasValidate(r: Rule): boolean {
  return nonEmpty(r.validate);
}
export function ruleHasGenerate(r: Rule): boolean {
  return nonEmpty(r.generate);
}
export function ruleHasMutateExisting(r: Rule): boolean {
  return nonEmpty(r.mutate) && r.mutate?.targets !== undefined && r.mutate?.targets !== null;
}
export function ruleHasVerifyImages(r: Rule): boolean {
  return Array.isArray(r.verifyImages) && r.verifyImages.length > 0;
}

export function specHasValidate(p: KyvernoPolicy): boolean {
  return hasRuleType(p.spec?.rules ?? [], ruleHasValidate);
}
export function specHasGenerate(p: KyvernoPolicy): boolean {
  return hasRuleType(p.spec?.rules ?? [], ruleHasGenerate);
}
export function specHasMutateExisting(p: KyvernoPolicy): boolean {
  return hasRuleType(p.spec?.rules ?? [], ruleHasMutateExisting);
}

export class PolicyInformers {
  readonly clusterPolicies: Informer;
  readonly policies: Informer;
  readonly exceptions: Informer;
  private readonly listeners: Array<(c: PolicyChange) => void> = [];
  private readonly exceptionListeners: Array<() => void> = [];
  private readonly backgroundCache = new Map<string, boolean>();

  constructor(
    api: KubeApi,
    private readonly exceptionOptions: ExceptionOptions = { enabled: false, namespace: '' },
    log?: Logger,
  ) {
    const onError = (err: unknown) => log?.error(err, 'policy informer failed');
    this.clusterPolicies = new Informer(api, CLUSTER_POLICIES, { transform: stripManagedFields, onError });
    this.policies = new Informer(api, POLICIES, { transform: stripManagedFields, onError });
    this.exceptions = new Informer(api, POLICY_EXCEPTIONS, { transform: stripManagedFields, onError });
    for (const inf of [this.clusterPolicies, this.policies]) {
      inf.on({
        add: (o) => this.emit({ type: 'add', policy: asPolicy(o) }),
        update: (old, o) => this.emit({ type: 'update', policy: asPolicy(o), old: asPolicy(old) }),
        delete: (o) => this.emit({ type: 'delete', policy: asPolicy(o) }),
      });
    }
    const ex = () => {
      for (const l of this.exceptionListeners) l();
    };
    this.exceptions.on({ add: ex, update: ex, delete: ex });
  }

  private emit(c: PolicyChange): void {
    for (const l of this.listeners) l(c);
  }

  onChange(cb: (c: PolicyChange) => void): void {
    this.listeners.push(cb);
  }

  onExceptionsChange(cb: () => void): void {
    this.exceptionListeners.push(cb);
  }

  /** Starts the informers (exceptions only when enabled). */
  start(): void {
    this.clusterPolicies.start();
    this.policies.start();
    if (this.exceptionOptions.enabled) this.exceptions.start();
  }

  async synced(): Promise<void> {
    await Promise.all([this.clusterPolicies.synced(), this.policies.synced(), ...(this.exceptionOptions.enabled ? [this.exceptions.synced()] : [])]);
  }

  stop(): void {
    this.clusterPolicies.stop();
    this.policies.stop();
    this.exceptions.stop();
  }

  all(): KyvernoPolicy[] {
    return [...this.clusterPolicies.list(), ...this.policies.list()].map(asPolicy);
  }

  /** ClusterPolicies plus the Policies of `namespace` (`''`: ClusterPolicies only). */
  forNamespace(namespace: string): KyvernoPolicy[] {
    const out = this.clusterPolicies.list().map(asPolicy);
    if (namespace !== '') for (const p of this.policies.list()) if ((asPolicy(p).metadata.namespace ?? '') === namespace) out.push(asPolicy(p));
    return out;
  }

  /** A policy by `name` or `namespace/name`. */
  get(key: string): KyvernoPolicy | undefined {
    const i = key.indexOf('/');
    if (i < 0) {
      const o = this.clusterPolicies.get('', key);
      return o ? asPolicy(o) : undefined;
    }
    const o = this.policies.get(key.slice(0, i), key.slice(i + 1));
    return o ? asPolicy(o) : undefined;
  }

  /** The exception candidates (`--enablePolicyException`, `--exceptionNamespace`). */
  exceptionCandidates(): PolicyException[] {
    if (!this.exceptionOptions.enabled) return [];
    return selectExceptions(this.exceptions.list() as unknown as PolicyException[], this.exceptionOptions);
  }

  /** `CanBackgroundProcess` */
  canBackgroundProcess(p: KyvernoPolicy): boolean {
    if (p.spec?.background === false) return false;
    const status = (p as unknown as { status?: { validatingadmissionpolicy?: { generated?: boolean } } }).status;
    if (status?.validatingadmissionpolicy?.generated === true) return false;
    const key = `${uidOf(p as unknown as KubeObject)}@${resourceVersionOf(p as unknown as KubeObject)}`;
    const cached = this.backgroundCache.get(key);
    if (cached !== undefined) return cached;
    let ok: boolean;
    try {
      const computed = computeRules(p, '') as unknown as JsonObject[];
      const compile = (expr: string): void => {
        parseJmesPath(expr);
      };
      ok = validateVariables({ policy: p as unknown as JsonObject, computedRules: computed, compile }, true) === undefined;
    } catch {
      ok = false;
    }
    if (this.backgroundCache.size > 10_000) this.backgroundCache.clear();
    this.backgroundCache.set(key, ok);
    return ok;
  }

  /** `policyKey`: `name` or `namespace/name`. */
  static key(p: KyvernoPolicy): string {
    return policyKey(p);
  }
}
