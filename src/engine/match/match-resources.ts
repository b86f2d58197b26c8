/**
 * Rule `match` / `exclude` (`pkg/engine/utils/match.go MatchesResourceDescription`).
 *
 * - A missing object never matches (`resource is empty`). For a namespaced `Policy`
 *   (`info.policyNamespace` non-empty) the object must be in that namespace.
 * - match: `any` non-empty -> one filter must match; else `all` non-empty -> every filter must match;
 *   else the legacy inline filter (`resources` + `subjects`/`roles`/`clusterRoles`).
 * - A filter with neither resource attributes nor user info never matches (`match cannot be empty`).
 * - Without request info (background scans, CLI without user info) the user-info part of **match**
 *   filters is dropped first, so a filter holding only user info becomes empty and never matches.
 *   **exclude** filters keep it and are checked against empty request info, so `roles` /
 *   `clusterRoles` never hold there (a `User`/`Group` subject with a pattern matching `""` can).
 * - exclude is evaluated only after a successful match and only when the exclude block is not empty:
 *   `any` -> excluded when one filter matches; `all` -> excluded when every filter matches; legacy ->
 *   excluded when the inline filter matches. Empty filters never exclude.
 * - "Empty" follows Go: attribute lists/maps of length 0 are not resource attributes, but a user-info
 *   list that is given, even empty (`roles: []`), makes a filter non-empty (it then has no constraint
 *   left and matches everything); Go compares the user info with `reflect.DeepEqual`.
 *
 * Caller's duty (as `engine.matches` does): when the new object is absent (DELETE) and this returns
 * not matched, retry with the old object; Kyverno also checks the configuration's user exclusions
 * (`resource-filters.ts isExcluded`) before matching admission requests.
 */
import type { MatchResources, ResourceFilter } from '../api/policy.ts';
import type { Resource } from '../api/json.ts';
import { isObject } from '../api/json.ts';
import { MATCHED, notMatched } from './match-info.ts';
import type { MatchInfo, MatchOutcome } from './match-info.ts';
import { readObjectMeta } from './object-meta.ts';
import type { ObjectMetaView } from './object-meta.ts';
import { compileResourceDescription, isEmptyResourceDescription } from './resource-description.ts';
import type { ResourceDescriptionMatcher } from './resource-description.ts';
import { compileUserInfo, isEmptyRequestInfo, isUserInfoGiven } from './user-info.ts';
import type { UserInfoMatcher } from './user-info.ts';

/** Kyverno's reason texts for match-level failures. */
export const MATCH_REASONS = Object.freeze({
  resourceEmpty: 'resource is empty',
  namespaceMismatch: 'policy and resource namespaces mismatch',
  noneMatched: 'no resource matched',
  emptyFilter: 'match cannot be empty',
  excludedByOne: 'resource excluded since one of the criteria excluded it',
  excludedByAll: 'resource excluded since the combination of all criteria exclude it',
});

interface CompiledFilter {
  description: ResourceDescriptionMatcher;
  userInfo: UserInfoMatcher;
}

function compileFilter(f: ResourceFilter | undefined): CompiledFilter {
  return { description: compileResourceDescription(f?.resources, 'rule'), userInfo: compileUserInfo(f) };
}

/** `''` when the filter (a match filter) matches, else why not. */
function matchFilter(f: CompiledFilter, meta: ObjectMetaView, info: MatchInfo, noRequestInfo: boolean): string {
  const withUserInfo = !noRequestInfo && f.userInfo.present;
  if (f.description.empty && !withUserInfo) return MATCH_REASONS.emptyFilter;
  const r = f.description.check(meta, info);
  if (r) return r;
  return withUserInfo ? f.userInfo.check(info.admissionInfo) : '';
}

/** True when the filter (an exclude filter) covers the object. */
function excludeFilter(f: CompiledFilter, meta: ObjectMetaView, info: MatchInfo): boolean {
  if (f.description.empty && !f.userInfo.present) return false;
  if (f.description.check(meta, info)) return false;
  return f.userInfo.check(info.admissionInfo) === '';
}

type Shape = 'any' | 'all' | 'legacy';

function shapeOf(m: MatchResources | undefined): { shape: Shape; filters: CompiledFilter[] } {
  if (m?.any && m.any.length > 0) return { shape: 'any', filters: m.any.map(compileFilter) };
  if (m?.all && m.all.length > 0) return { shape: 'all', filters: m.all.map(compileFilter) };
  return { shape: 'legacy', filters: [compileFilter(m ? { resources: m.resources, roles: m.roles, clusterRoles: m.clusterRoles, subjects: m.subjects } : undefined)] };
}

/** A rule's match/exclude compiled once; evaluate it on every request. */
export interface RuleMatcher {
  /**
   * Decides whether the rule applies to the object (`undefined`/`null` = absent object).
   * Example: match `{any: [{resources: {kinds: ['Pod']}}]}` on a Pod -> `{matched: true, reason: ''}`.
   */
  matches(resource: Resource | null | undefined, info: MatchInfo): MatchOutcome;
  /** Same as `matches` for an object whose metadata was already read with `readObjectMeta`. */
  matchesMeta(meta: ObjectMetaView, info: MatchInfo): MatchOutcome;
}

/**
 * Compiles a rule's `match` and `exclude` blocks.
 * Example: `compileMatch(rule.match, rule.exclude).matches(pod, info)`.
 */
export function compileMatch(match: MatchResources | undefined, exclude: MatchResources | undefined): RuleMatcher {
  const m = shapeOf(match);
  const excludeActive = exclude !== undefined && exclude !== null && !isEmptyMatchResources(exclude);
  const x = excludeActive ? shapeOf(exclude) : undefined;

  function matchesMeta(meta: ObjectMetaView, info: MatchInfo): MatchOutcome {
    if (info.policyNamespace !== '' && info.policyNamespace !== meta.namespace) {
      return notMatched(MATCH_REASONS.namespaceMismatch);
    }
    const noRequestInfo = isEmptyRequestInfo(info.admissionInfo);
    if (m.shape === 'any') {
      let one = false;
      for (const f of m.filters) {
        if (matchFilter(f, meta, info, noRequestInfo) === '') {
          one = true;
          break;
        }
      }
      if (!one) return notMatched(MATCH_REASONS.noneMatched);
    } else {
      for (const f of m.filters) {
        const r = matchFilter(f, meta, info, noRequestInfo);
        if (r) return notMatched(r);
      }
    }
    if (x) {
      if (x.shape === 'all') {
        let all = true;
        for (const f of x.filters) {
          if (!excludeFilter(f, meta, info)) {
            all = false;
            break;
          }
        }
        if (all) return notMatched(MATCH_REASONS.excludedByAll);
      } else {
        for (const f of x.filters) {
          if (excludeFilter(f, meta, info)) return notMatched(MATCH_REASONS.excludedByOne);
        }
      }
    }
    return MATCHED;
  }

  return {
    matchesMeta,
    matches(resource, info) {
      if (!isObject(resource)) return notMatched(MATCH_REASONS.resourceEmpty);
      return matchesMeta(readObjectMeta(resource), info);
    },
  };
}

/**
 * `MatchResources.IsEmpty()`: no `any`/`all` filters, no resource attributes in the legacy block and
 * no user-info list given.
 */
export function isEmptyMatchResources(m: MatchResources | null | undefined): boolean {
  if (!m) return true;
  if ((m.any && m.any.length > 0) || (m.all && m.all.length > 0)) return false;
  return isEmptyResourceDescription(m.resources) && !isUserInfoGiven(m);
}

/**
 * One-shot form of `compileMatch(match, exclude).matches(resource, info)` (compiles every call; the
 * engine should keep a `RuleMatcher` per rule).
 */
export function matchesResources(
  resource: Resource | null | undefined,
  match: MatchResources | undefined,
  exclude: MatchResources | undefined,
  info: MatchInfo,
): MatchOutcome {
  return compileMatch(match, exclude).matches(resource, info);
}
