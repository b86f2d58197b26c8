/**
 * The policy gate (`pkg/engine/internal/match.go MatchPolicyContext`), decided before any rule: when it
 * fails, the policy yields no rule results at all.
 * 1. A namespaced `Policy` applies only if every present object (new and old) has a non-empty
 *    namespace equal to the policy's (a `Policy` without namespace counts as `default`).
 * 2. The Kyverno configuration's `resourceFilters` must not filter any present object.
 * 3. `spec.webhookConfiguration.matchConditions` (CEL) must match: evaluated by the caller (CEL lives
 *    elsewhere); pass its result as `matchConditions`.
 */
import type { ObjectMeta } from '../api/policy.ts';
import type { Resource } from '../api/json.ts';
import type { GroupVersionKind } from '../api/request.ts';
import { isObject } from '../api/json.ts';
import { readObjectMeta } from './object-meta.ts';
import { passesResourceFilters } from './resource-filters.ts';
import type { ResourceFilterMatcher } from './resource-filters.ts';

/**
 * `checkNamespacedPolicy`: true for a ClusterPolicy; for a `Policy`, true when every present object is
 * in the policy's namespace.
 * Example: Policy in `team-a` and a Pod in `team-b` -> false; a cluster-scoped Node -> false.
 */
export function checkNamespacedPolicy(
  policy: { kind: string; metadata?: ObjectMeta },
  ...resources: ReadonlyArray<Resource | null | undefined>
): boolean {
  if (policy.kind !== 'Policy') return true;
  const policyNamespace = policy.metadata?.namespace || 'default';
  for (const r of resources) {
    if (!isObject(r)) continue;
    const ns = readObjectMeta(r).namespace;
    if (ns === '' || ns !== policyNamespace) return false;
  }
  return true;
}

/** Inputs of the policy gate. */
export interface PolicyGateInput {
  policy: { kind: string; metadata?: ObjectMeta };
  newResource: Resource | null | undefined;
  oldResource: Resource | null | undefined;
  gvk: GroupVersionKind;
  subresource: string;
  /** the configuration's compiled `resourceFilters`; the CLI has none */
  resourceFilters?: ResourceFilterMatcher;
  /** result of the policy's `webhookConfiguration.matchConditions` (true when there are none) */
  matchConditions?: boolean;
}

/** Gate outcome; `reason` is `''` when passed. */
export interface PolicyGateOutcome {
  readonly passed: boolean;
  readonly reason: string;
}

const PASSED: PolicyGateOutcome = Object.freeze({ passed: true, reason: '' });

/**
 * `MatchPolicyContext` without the CEL evaluation.
 * Example: `checkPolicyGate({policy, newResource: pod, oldResource: undefined, gvk, subresource: ''})`.
 */
export function checkPolicyGate(input: PolicyGateInput): PolicyGateOutcome {
  if (!checkNamespacedPolicy(input.policy, input.newResource, input.oldResource)) {
    return { passed: false, reason: "policy namespace doesn't match resource namespace" };
  }
  if (
    input.resourceFilters &&
    !passesResourceFilters(input.resourceFilters, input.gvk, input.subresource, input.newResource, input.oldResource)
  ) {
    return { passed: false, reason: "configuration resource filters doesn't match resource" };
  }
  if (input.matchConditions === false) {
    return { passed: false, reason: "webhookConfiguration.matchConditions doesn't match request" };
  }
  return PASSED;
}
