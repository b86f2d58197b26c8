/**
 * What the admission server reads from its environment, as interfaces: in-cluster they are backed by
 * informers and the API (the controllers work), standalone by files (sources/static-*.ts).
 *
 * All reads on the admission path are synchronous (informer caches are in memory); changes are pushed
 * through `onChange` callbacks.
 */
import type { JsonObject } from '../../engine/api/json.ts';
import type { KyvernoPolicy, PolicyException } from '../../engine/api/policy.ts';
import type { CelPolicySnapshot } from '../admission/cel-policies.ts';
import type { NamespaceInfo } from '../admission/policy-cache.ts';
import type { KyvernoConfiguration } from '../config.ts';

/** The classic policies and exceptions currently known (ClusterPolicy/Policy, kyverno.io PolicyException). */
export interface PolicySnapshot {
  /** valid, ready policies (the policy cache controller only caches ready ones) */
  policies: readonly KyvernoPolicy[];
  exceptions: readonly PolicyException[];
  /** the CEL policy kinds served at admission (ValidatingPolicy, MutatingPolicy and their namespaced kinds) */
  cel?: CelPolicySnapshot;
}

export interface PolicySource {
  current(): PolicySnapshot;
  /** called after each change with the new snapshot */
  onChange(cb: (s: PolicySnapshot) => void): void;
}

/** Namespaces by name (the namespace lister); `undefined` when the namespace does not exist. */
export interface NamespaceLabelsSource {
  get(name: string): NamespaceInfo | undefined;
}

/** The `kyverno` ConfigMap, parsed. */
export interface ConfigSource {
  current(): KyvernoConfiguration;
  onChange(cb: (c: KyvernoConfiguration) => void): void;
}

/** rbac.authorization.k8s.io/v1 subjects and role references (the fields GetRoleRef reads). */
export interface RbacSubject {
  kind: string;
  name: string;
  namespace?: string;
}

export interface RoleBindingLike {
  /** `''` for a ClusterRoleBinding */
  namespace: string;
  roleRef: { kind: string; name: string };
  subjects: readonly RbacSubject[];
}

/** RoleBindings and ClusterRoleBindings (the rbac listers of WithRoles). */
export interface RoleBindingSource {
  roleBindings(): readonly RoleBindingLike[];
  clusterRoleBindings(): readonly RoleBindingLike[];
  /** called after each change */
  onChange(cb: () => void): void;
}

/** The webhook configurations the server wants registered. */
export interface WebhookConfigurations {
  validating: JsonObject[];
  mutating: JsonObject[];
}

/**
 * Writes Validating/MutatingWebhookConfigurations (the webhook controller). In-cluster: create/update the
 * objects labelled `webhook.kyverno.io/managed-by=kyverno`; `cleanup` deletes them on shutdown.
 */
export interface WebhookConfigWriter {
  sync(configs: WebhookConfigurations): Promise<void>;
  cleanup(): Promise<void>;
}
