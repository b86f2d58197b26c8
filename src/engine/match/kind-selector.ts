/**
 * Kyverno's kind selectors (`match.resources.kinds[]`, `pkg/utils/kube/kind.go ParseKindSelector`,
 * `pkg/utils/match/kind.go CheckKind`).
 *
 * Grammar: split on `/`, then split the last segment on `.` as well.
 *   1 part   `Kind`                      -> any group, any version, no subresource (`*` = every kind)
 *   2 parts  `*` `*`                     -> everything, subresources included
 *            `*` `sub` (sub lower case)  -> any kind, that subresource
 *            `vN` `Kind` (vN a version)  -> that version, any group, no subresource
 *            `Kind` `sub`                -> `Pod/exec`, `Pod.exec`, `Deployment/scale`
 *   3 parts  `vN` `Kind` `sub`           -> when the first part is a version
 *            `group` `version` `Kind`    -> `apps/v1/Deployment`, `networking.k8s.io/v1/Ingress`
 *   4 parts  `group/version/Kind/sub`
 *   more     -> all parts `""` (matches nothing real)
 * A version is `^(v\d+((alpha|beta)\d+)?|\*)$`. Every part is wildcard-matched, case-sensitively, against
 * the request's top-level GVK and subresource; a subresource part `""` matches only requests without a
 * subresource.
 */
import type { GroupVersionKind } from '../api/request.ts';
import { compileWildcard } from './wildcard-matcher.ts';
import type { WildcardMatcher } from './wildcard-matcher.ts';

/** A parsed kind selector; each part is a wildcard pattern. */
export interface KindSelector {
  group: string;
  version: string;
  kind: string;
  subresource: string;
}

const VERSION_RE = /^(v\d+((alpha|beta)\d+)?|\*)$/;

/**
 * Parses one kind selector.
 * Examples: `'Pod'` -> `{group: '*', version: '*', kind: 'Pod', subresource: ''}`;
 * `'apps/v1/Deployment'` -> `{group: 'apps', version: 'v1', kind: 'Deployment', subresource: ''}`;
 * `'Pod.exec'` -> `{group: '*', version: '*', kind: 'Pod', subresource: 'exec'}`.
 */
export function parseKindSelector(input: string): KindSelector {
  const slash = input.split('/');
  const last = slash.pop() as string;
  const parts = slash.concat(last.split('.'));
  const p0 = parts[0] as string;
  switch (parts.length) {
    case 1:
      return { group: '*', version: '*', kind: p0, subresource: '' };
    case 2: {
      const p1 = parts[1] as string;
      if (p0 === '*' && p1 === '*') return { group: '*', version: '*', kind: '*', subresource: '*' };
      if (p0 === '*' && p1.toLowerCase() === p1) return { group: '*', version: '*', kind: p0, subresource: p1 };
      if (VERSION_RE.test(p0)) return { group: '*', version: p0, kind: p1, subresource: '' };
      return { group: '*', version: '*', kind: p0, subresource: p1 };
    }
    case 3: {
      const p1 = parts[1] as string;
      const p2 = parts[2] as string;
      if (VERSION_RE.test(p0)) return { group: '*', version: p0, kind: p1, subresource: p2 };
      return { group: p0, version: p1, kind: p2, subresource: '' };
    }
    case 4:
      return { group: p0, version: parts[1] as string, kind: parts[2] as string, subresource: parts[3] as string };
    default:
      return { group: '', version: '', kind: '', subresource: '' };
  }
}

interface CompiledKind {
  group: WildcardMatcher;
  version: WildcardMatcher;
  kind: WildcardMatcher;
  subresource: WildcardMatcher;
}

/** A compiled `kinds[]` list. */
export interface KindMatcher {
  /** the selectors as written, for messages (`kind does not match [Pod Deployment]`) */
  readonly source: readonly string[];
  /**
   * True when some selector matches the GVK and subresource. With `allowEphemeralContainers`, a
   * selector matching the v1 `Pod` GVK also matches the `ephemeralcontainers` subresource (Kyverno
   * keeps this for backward compatibility in rule matching and in the engine's exception matching).
   */
  matches(gvk: GroupVersionKind, subresource: string, allowEphemeralContainers: boolean): boolean;
}

function isV1Pod(gvk: GroupVersionKind): boolean {
  return gvk.group === '' && gvk.version === 'v1' && gvk.kind === 'Pod';
}

/**
 * Compiles a `kinds[]` list once.
 * Example: `compileKindSelectors(['Pod']).matches({group: '', version: 'v1', kind: 'Pod'}, 'ephemeralcontainers', true) === true`.
 */
export function compileKindSelectors(kinds: readonly string[]): KindMatcher {
  const compiled: CompiledKind[] = kinds.map((k) => {
    const s = parseKindSelector(k);
    return {
      group: compileWildcard(s.group),
      version: compileWildcard(s.version),
      kind: compileWildcard(s.kind),
      subresource: compileWildcard(s.subresource),
    };
  });
  return {
    source: kinds,
    matches(gvk, subresource, allowEphemeralContainers) {
      for (const c of compiled) {
        if (c.group(gvk.group) && c.version(gvk.version) && c.kind(gvk.kind)) {
          if (c.subresource(subresource)) return true;
          if (allowEphemeralContainers && subresource === 'ephemeralcontainers' && isV1Pod(gvk)) return true;
        }
      }
      return false;
    },
  };
}

/**
 * One-shot form of `compileKindSelectors(kinds).matches(...)` (compiles every call; use the compiled
 * form on hot paths).
 */
export function matchesKind(
  kinds: readonly string[],
  gvk: GroupVersionKind,
  subresource: string,
  allowEphemeralContainers = true,
): boolean {
  return compileKindSelectors(kinds).matches(gvk, subresource, allowEphemeralContainers);
}
