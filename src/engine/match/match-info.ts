/**
 * What the match step knows about a request besides the object itself.
 */
import type { AdmissionOperation } from '../api/policy.ts';
import type { GroupVersionKind, RequestUserInfo } from '../api/request.ts';

/**
 * Request facts for match/exclude (and exception matching).
 * - `gvk` / `subresource`: the top-level kind of `request.resource` and `request.subResource` (`''` when
 *   none). Offline (CLI) they come from the object's apiVersion/kind, see `gvk.ts resolveResourceKind`.
 * - `operation`: the admission operation; background scans use `CREATE`.
 * - `namespaceLabels`: labels of the object's namespace, for `namespaceSelector` (`undefined` = none).
 * - `admissionInfo`: the requester's roles, cluster roles and user info; `undefined` in background
 *   scans (then user-info constraints are dropped from match filters, see `match-resources.ts`).
 * - `policyNamespace`: the namespace of a namespaced `Policy`, `''` for a `ClusterPolicy`.
 */
export interface MatchInfo {
  gvk: GroupVersionKind;
  subresource: string;
  operation: AdmissionOperation;
  namespaceLabels: Readonly<Record<string, string>> | undefined;
  admissionInfo?: RequestUserInfo | undefined;
  policyNamespace: string;
}

/**
 * A match outcome. `reason` explains a non-match in Kyverno's words (`''` when matched), e.g.
 * `kind does not match [Deployment]` or `resource excluded since one of the criteria excluded it`.
 */
export interface MatchOutcome {
  readonly matched: boolean;
  readonly reason: string;
}

/** The shared "matched" outcome. */
export const MATCHED: MatchOutcome = Object.freeze({ matched: true, reason: '' });

/** Builds a non-match outcome. */
export function notMatched(reason: string): MatchOutcome {
  return { matched: false, reason };
}
