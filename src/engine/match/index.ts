/**
 * match / exclude: deciding whether a rule (or a PolicyException) applies to an object, plus the policy
 * gate and the Kyverno configuration's filters.
 */
export type { MatchInfo, MatchOutcome } from './match-info.ts';
export { MATCHED, notMatched } from './match-info.ts';
export type { ObjectMetaView } from './object-meta.ts';
export { metaString, readObjectMeta, readStringMap } from './object-meta.ts';
export type { GroupVersion, ApiResource, ApiSubresource, SubresourceMapping } from './gvk.ts';
export {
  parseGroupVersion,
  formatGroupVersion,
  groupVersionKindOf,
  guessKindToResource,
  BUILTIN_API_RESOURCES,
  restMappingFor,
  apiResourceFor,
  resolveResourceKind,
} from './gvk.ts';
export type { KindSelector, KindMatcher } from './kind-selector.ts';
export { parseKindSelector, compileKindSelectors, matchesKind } from './kind-selector.ts';
export type { LabelSelectorResult, CompiledLabelSelector } from './label-selector.ts';
export { compileLabelSelector, checkSelector, matchesLabelSelector } from './label-selector.ts';
export { isLabelKey, isLabelValue } from './label-validation.ts';
export type { UserInfoMatcher } from './user-info.ts';
export {
  checkRoles,
  checkSubjects,
  compileSubjects,
  compileUserInfo,
  isEmptyRequestInfo,
  isUserInfoGiven,
  USER_INFO_REASONS,
} from './user-info.ts';
export type { DescriptionMode, DescriptionInfo, ResourceDescriptionMatcher } from './resource-description.ts';
export { compileResourceDescription, isEmptyResourceDescription } from './resource-description.ts';
export type { RuleMatcher } from './match-resources.ts';
export { compileMatch, matchesResources, isEmptyMatchResources, MATCH_REASONS } from './match-resources.ts';
export type { ExceptionMatchInfo, ExceptionMatcher } from './exception-match.ts';
export { compileExceptionMatch, matchesException } from './exception-match.ts';
export type {
  ConfigResourceFilter,
  ResourceFilterMatcher,
  UserExclusionConfig,
  UserExclusionMatcher,
} from './resource-filters.ts';
export {
  parseResourceFilters,
  compileResourceFilters,
  passesResourceFilters,
  parseExclusions,
  compileUserExclusions,
} from './resource-filters.ts';
export type { PolicyGateInput, PolicyGateOutcome } from './policy-gate.ts';
export { checkNamespacedPolicy, checkPolicyGate } from './policy-gate.ts';
export type { WildcardMatcher } from './wildcard-matcher.ts';
export { compileWildcard, compileWildcardAny } from './wildcard-matcher.ts';
