/**
 * Glue between the engine and src/engine/match: the policy gate and the Kyverno configuration's request
 * filters (resourceFilters, excluded users/groups/roles).
 */
import type { RequestUserInfo } from './api/request.ts';
import { checkPolicyGate, type ResourceFilterMatcher, type UserExclusionMatcher } from './match/index.ts';
import { policyContextMatchesWebhookConditions } from './celpolicy/webhook-match-conditions.ts';
import type { PolicyContext } from './policy-context.ts';
import { resourceKind } from './policy-context.ts';

export interface RequestFilterConfig {
  /** compiled `resourceFilters` (admission and the webhook only; background scans skip them) */
  resourceFilters?: ResourceFilterMatcher;
  /** excludeGroups / excludeUsernames / excludeRoles / excludeClusterRoles */
  userExclusions?: UserExclusionMatcher;
}

/**
 * MatchPolicyContext: namespaced Policy gate, resource filters, then the policy's
 * `webhookConfiguration.matchConditions` (CEL; `rt` holds the CEL environments).
 */
export function policyGate(pc: PolicyContext, filters: RequestFilterConfig | undefined, rt: object): boolean {
  const { gvk, subresource } = resourceKind(pc);
  const gate = checkPolicyGate({
    policy: pc.policy,
    newResource: pc.newResource,
    oldResource: pc.oldResource,
    gvk,
    subresource,
    resourceFilters: filters?.resourceFilters,
  });
  return gate.passed && policyContextMatchesWebhookConditions(rt, pc) !== false;
}

/** Configuration.IsExcluded for the requester. */
export function isExcludedUser(filters: RequestFilterConfig | undefined, info: RequestUserInfo | undefined): boolean {
  if (!filters?.userExclusions || !info) return false;
  return filters.userExclusions.isExcluded(info.userInfo?.username ?? '', info.userInfo?.groups, info.roles, info.clusterRoles);
}
