/**
 * The user-info part of a match/exclude filter (`roles`, `clusterRoles`, `subjects`) checked against the
 * requester (`pkg/utils/match/subjects.go`, `pkg/engine/utils/match.go`):
 * - `roles` (`namespace:name`) / `clusterRoles`: some listed role is exactly one of the requester's
 *   bound roles (no wildcards);
 * - `subjects`: some subject matches: `User` -> name wildcard vs username; `Group` -> name wildcard vs
 *   any group; `ServiceAccount` -> `system:serviceaccount:<namespace>:<name>` wildcard vs username;
 *   other kinds never match.
 * Each given attribute must hold (AND); an empty list is not checked.
 */
import type { Subject, UserInfoFilter } from '../api/policy.ts';
import type { RequestUserInfo } from '../api/request.ts';
import { compileWildcard } from './wildcard-matcher.ts';
import type { WildcardMatcher } from './wildcard-matcher.ts';

/** Why a user-info check failed (Kyverno's reason texts). */
export const USER_INFO_REASONS = Object.freeze({
  roles: 'user info does not match roles for the given conditionBlock',
  clusterRoles: 'user info does not match clustersRoles for the given conditionBlock',
  subjects: 'user info does not match subject for the given conditionBlock',
});

/**
 * `sets.New(required...).HasAny(actual...)`: true when some actual role is listed.
 * Example: `checkRoles(['ns:admin'], ['ns:admin', 'ns:view'])` -> true; `checkRoles(['a'], [])` -> false.
 */
export function checkRoles(required: readonly string[], actual: readonly string[] | undefined): boolean {
  if (!actual) return false;
  for (const a of actual) if (required.includes(a)) return true;
  return false;
}

type SubjectMatcher = (username: string, groups: readonly string[]) => boolean;

function compileSubject(s: Subject): SubjectMatcher | undefined {
  switch (s.kind) {
    case 'ServiceAccount': {
      const m = compileWildcard(`system:serviceaccount:${s.namespace ?? ''}:${s.name ?? ''}`);
      return (username) => m(username);
    }
    case 'Group': {
      const m = compileWildcard(s.name ?? '');
      return (_u, groups) => {
        for (const g of groups) if (m(g)) return true;
        return false;
      };
    }
    case 'User': {
      const m: WildcardMatcher = compileWildcard(s.name ?? '');
      return (username) => m(username);
    }
    default:
      return undefined;
  }
}

/** Compiled `subjects[]`: true when one subject matches the requester. */
export function compileSubjects(subjects: readonly Subject[]): (userInfo: RequestUserInfo['userInfo']) => boolean {
  const compiled = subjects.map(compileSubject).filter((m): m is SubjectMatcher => m !== undefined);
  return (userInfo) => {
    const username = userInfo?.username ?? '';
    const groups = userInfo?.groups ?? [];
    for (const m of compiled) if (m(username, groups)) return true;
    return false;
  };
}

/**
 * One-shot `CheckSubjects`.
 * Example: `checkSubjects([{kind: 'ServiceAccount', namespace: 'kube-*', name: '*'}], {username: 'system:serviceaccount:kube-system:x'})` -> true.
 */
export function checkSubjects(subjects: readonly Subject[], userInfo: RequestUserInfo['userInfo']): boolean {
  return compileSubjects(subjects)(userInfo);
}

/** A compiled user-info filter. */
export interface UserInfoMatcher {
  /** Kyverno's `DeepEqual(userInfo, UserInfo{})` is false: some list is given, even empty (`roles: []`). */
  readonly present: boolean;
  /** Some list is non-empty (`UserInfo.IsEmpty()` is false). */
  readonly nonEmpty: boolean;
  /** `''` when every non-empty attribute holds for the requester, else the first failing reason. */
  check(info: RequestUserInfo | undefined): string;
}

function given(v: readonly unknown[] | null | undefined): v is readonly unknown[] {
  return v !== undefined && v !== null;
}

/**
 * Go's `!reflect.DeepEqual(userInfo, UserInfo{})`: some user-info list is given, even an empty one.
 * Example: `isUserInfoGiven({roles: []})` -> true; `isUserInfoGiven({})` -> false.
 */
export function isUserInfoGiven(filter: UserInfoFilter | null | undefined): boolean {
  return !!filter && (given(filter.roles) || given(filter.clusterRoles) || given(filter.subjects));
}

/**
 * Compiles the user-info part of a filter.
 * Example: `compileUserInfo({clusterRoles: ['admin']}).check({clusterRoles: ['admin']})` -> `''`.
 */
export function compileUserInfo(filter: UserInfoFilter | undefined): UserInfoMatcher {
  const roles = filter?.roles ?? null;
  const clusterRoles = filter?.clusterRoles ?? null;
  const subjects = filter?.subjects ?? null;
  const present = isUserInfoGiven(filter);
  const hasRoles = roles !== null && roles.length > 0;
  const hasClusterRoles = clusterRoles !== null && clusterRoles.length > 0;
  const subjectMatcher = subjects !== null && subjects.length > 0 ? compileSubjects(subjects) : undefined;
  const nonEmpty = hasRoles || hasClusterRoles || subjectMatcher !== undefined;
  if (!nonEmpty) return { present, nonEmpty, check: () => '' };
  return {
    present,
    nonEmpty,
    check(info) {
      if (hasRoles && !checkRoles(roles, info?.roles)) return USER_INFO_REASONS.roles;
      if (hasClusterRoles && !checkRoles(clusterRoles, info?.clusterRoles)) return USER_INFO_REASONS.clusterRoles;
      if (subjectMatcher && !subjectMatcher(info?.userInfo)) return USER_INFO_REASONS.subjects;
      return '';
    },
  };
}

/**
 * Go's `DeepEqual(requestInfo, RequestInfo{})`: no request info at all (background scans, the CLI
 * without a user-info file). `undefined` counts as empty; so does an object whose lists are absent and
 * whose strings are empty (an empty list `[]` is not "absent", as in Go where it is a non-nil slice).
 */
export function isEmptyRequestInfo(info: RequestUserInfo | undefined): boolean {
  if (info === undefined) return true;
  if (given(info.roles) || given(info.clusterRoles)) return false;
  const u = info.userInfo;
  if (u === undefined || u === null) return true;
  if ((u.username ?? '') !== '' || (u.uid ?? '') !== '') return false;
  if (given(u.groups)) return false;
  if (u.extra !== undefined && u.extra !== null) return false;
  return true;
}
