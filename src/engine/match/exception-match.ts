/**
 * PolicyException `match` (`pkg/engine/utils/exceptions.go checkMatchesResources`), with its
 * differences from rule matching:
 * - only `any` / `all` (kyverno.io/v2 has no legacy inline form); neither -> never matches;
 * - `operations` are ignored;
 * - a filter whose resource attributes and user-info lists are all empty never matches (emptiness by
 *   length here: `roles: []` is empty);
 * - user info is always checked, also without request info (background: empty user info, so `roles`
 *   and `clusterRoles` never hold);
 * - `namespaceSelector` is ignored for `Namespace` objects and objects without `kind`;
 * - no policy-namespace check.
 * The object is the new one, else the old one (caller's choice, as in Kyverno; an absent object is
 * read as an object without metadata, never an error); in a cluster the
 * namespace labels are read live (caller's duty: fill `info.namespaceLabels`).
 */
import type { MatchResources, ResourceFilter } from '../api/policy.ts';
import type { Resource } from '../api/json.ts';
import { isObject } from '../api/json.ts';
import { MATCHED, notMatched } from './match-info.ts';
import type { MatchInfo, MatchOutcome } from './match-info.ts';
import { readObjectMeta } from './object-meta.ts';
import type { ObjectMetaView } from './object-meta.ts';
import { compileResourceDescription } from './resource-description.ts';
import { compileUserInfo } from './user-info.ts';

/** Request facts for exception matching (`operation` and `policyNamespace` are not used). */
export type ExceptionMatchInfo = Pick<MatchInfo, 'gvk' | 'subresource' | 'namespaceLabels' | 'admissionInfo'>;

type FilterCheck = (meta: ObjectMetaView, info: ExceptionMatchInfo) => string;

function compileExceptionFilter(f: ResourceFilter | undefined): FilterCheck {
  const description = compileResourceDescription(f?.resources, 'exception');
  const userInfo = compileUserInfo(f);
  if (description.empty && !userInfo.nonEmpty) return () => 'statement cannot be empty';
  return (meta, info) => description.check(meta, info) || userInfo.check(info.admissionInfo);
}

const EMPTY_OBJECT: Resource = Object.freeze({}) as Resource;

/** An exception's `match` compiled once. */
export interface ExceptionMatcher {
  /**
   * Decides whether the exception's `match` covers the object.
   * Example: match `{any: [{resources: {kinds: ['Pod'], operations: ['DELETE']}}]}` covers a Pod on CREATE.
   */
  matches(resource: Resource | null | undefined, info: ExceptionMatchInfo): MatchOutcome;
}

/** Compiles a PolicyException's `spec.match`. */
export function compileExceptionMatch(match: MatchResources | undefined): ExceptionMatcher {
  const any = match?.any && match.any.length > 0 ? match.any.map(compileExceptionFilter) : undefined;
  const all = !any && match?.all && match.all.length > 0 ? match.all.map(compileExceptionFilter) : undefined;
  return {
    matches(resource, info) {
      // an absent object reads as one without metadata (Go passes an empty Unstructured through)
      const meta = readObjectMeta(isObject(resource) ? resource : EMPTY_OBJECT);
      if (any) {
        for (const f of any) if (f(meta, info) === '') return MATCHED;
        return notMatched('no resource matched');
      }
      if (all) {
        for (const f of all) {
          const r = f(meta, info);
          if (r) return notMatched(r);
        }
        return MATCHED;
      }
      return notMatched('exception match has neither any nor all');
    },
  };
}

/**
 * One-shot form of `compileExceptionMatch(match).matches(resource, info).matched` (compiles every call).
 * Example: `matchesException(pod, {any: [{resources: {kinds: ['Pod']}}]}, info) === true`.
 */
export function matchesException(
  resource: Resource | null | undefined,
  match: MatchResources | undefined,
  info: ExceptionMatchInfo,
): boolean {
  return compileExceptionMatch(match).matches(resource, info).matched;
}
