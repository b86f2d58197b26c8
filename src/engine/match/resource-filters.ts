/**
 * Kyverno configuration (ConfigMap `kyverno`) filters (`pkg/config/config.go`, `pkg/config/types.go`):
 *
 * `resourceFilters`: every `[...]` group in the string (regex `\[([^\[\]]*)\]`) is split on `,` with no
 * trimming: `[Kind]`, `[Kind,Namespace]`, `[Kind,Namespace,Name]`. `Kind` uses the kind-selector grammar
 * (`*`, `Pod`, `apps/v1/Deployment`, `Node/status`, all-with-subresources…); every part is a wildcard and a missing
 * namespace/name is `""` (which only matches `""`). An empty kind yields an all-empty entry (matches
 * nothing real); a group with more than 3 parts repeats the previous entry (a quirk of Go's loop
 * variable). A request is filtered when some entry matches its GVK and subresource and either its
 * namespace and name, or, for a v1 `Namespace`, its name as the namespace.
 *
 * `excludeGroups` / `excludeUsernames` / `excludeRoles` / `excludeClusterRoles`: comma-separated,
 * trimmed wildcards; `!x` makes `x` an inclusion. A request is excluded when no inclusion matches and
 * some exclusion matches (username, any group, any role, any cluster role).
 */
import type { GroupVersionKind } from '../api/request.ts';
import type { Resource } from '../api/json.ts';
import { isObject } from '../api/json.ts';
import { parseKindSelector } from './kind-selector.ts';
import { metaString } from './object-meta.ts';
import { readObjectMeta } from './object-meta.ts';
import { compileWildcard } from './wildcard-matcher.ts';
import type { WildcardMatcher } from './wildcard-matcher.ts';

/** One parsed `[Kind,Namespace,Name]` entry; every field is a wildcard pattern. */
export interface ConfigResourceFilter {
  group: string;
  version: string;
  kind: string;
  subresource: string;
  namespace: string;
  name: string;
}

const EMPTY_FILTER: ConfigResourceFilter = Object.freeze({
  group: '',
  version: '',
  kind: '',
  subresource: '',
  namespace: '',
  name: '',
});

function newFilter(kind: string, namespace: string, name: string): ConfigResourceFilter {
  if (kind === '') return EMPTY_FILTER;
  const s = parseKindSelector(kind);
  return { group: s.group, version: s.version, kind: s.kind, subresource: s.subresource, namespace, name };
}

/**
 * Parses the `resourceFilters` value.
 * Example: `parseResourceFilters('[Event,*,*][ReplicaSet,kube-system,*]')` -> two entries, the second
 * with group/version `*`, kind `ReplicaSet`, subresource `''` and namespace `kube-system`.
 */
export function parseResourceFilters(input: string): ConfigResourceFilter[] {
  const out: ConfigResourceFilter[] = [];
  let current: ConfigResourceFilter = EMPTY_FILTER;
  for (const m of input.matchAll(/\[([^[\]]*)\]/g)) {
    const elements = (m[1] as string).split(',');
    if (elements.length === 3) current = newFilter(elements[0] as string, elements[1] as string, elements[2] as string);
    else if (elements.length === 2) current = newFilter(elements[0] as string, elements[1] as string, '');
    else if (elements.length === 1) current = newFilter(elements[0] as string, '', '');
    out.push(current);
  }
  return out;
}

interface CompiledConfigFilter {
  group: WildcardMatcher;
  version: WildcardMatcher;
  kind: WildcardMatcher;
  subresource: WildcardMatcher;
  namespace: WildcardMatcher;
  name: WildcardMatcher;
}

/** Compiled resource filters. */
export interface ResourceFilterMatcher {
  readonly filters: readonly ConfigResourceFilter[];
  /**
   * `Configuration.ToFilter`: true when the request must be ignored.
   * Example: filters `[Event,*,*]` -> `toFilter({group: '', version: 'v1', kind: 'Event'}, '', 'default', 'e1') === true`.
   */
  toFilter(gvk: GroupVersionKind, subresource: string, namespace: string, name: string): boolean;
}

/** Compiles parsed filters (or the raw `resourceFilters` string). */
export function compileResourceFilters(filters: string | readonly ConfigResourceFilter[]): ResourceFilterMatcher {
  const list = typeof filters === 'string' ? parseResourceFilters(filters) : filters;
  const compiled: CompiledConfigFilter[] = list.map((f) => ({
    group: compileWildcard(f.group),
    version: compileWildcard(f.version),
    kind: compileWildcard(f.kind),
    subresource: compileWildcard(f.subresource),
    namespace: compileWildcard(f.namespace),
    name: compileWildcard(f.name),
  }));
  // the policies of one request ask the same question one after the other: the last answer is kept
  let last: { group: string; version: string; kind: string; subresource: string; namespace: string; name: string; filtered: boolean } | undefined;
  const toFilter = (gvk: GroupVersionKind, subresource: string, namespace: string, name: string): boolean => {
    const l = last;
    if (l !== undefined && l.name === name && l.namespace === namespace && l.kind === gvk.kind && l.group === gvk.group && l.version === gvk.version && l.subresource === subresource) {
      return l.filtered;
    }
    const filtered = evaluate(gvk, subresource, namespace, name);
    last = { group: gvk.group, version: gvk.version, kind: gvk.kind, subresource, namespace, name, filtered };
    return filtered;
  };
  const evaluate = (gvk: GroupVersionKind, subresource: string, namespace: string, name: string): boolean => {
    const isNamespace = gvk.group === '' && gvk.version === 'v1' && gvk.kind === 'Namespace';
    for (const f of compiled) {
      if (f.group(gvk.group) && f.version(gvk.version) && f.kind(gvk.kind) && f.subresource(subresource)) {
        if (f.namespace(namespace) && f.name(name)) return true;
        if (isNamespace && f.namespace(name)) return true;
      }
    }
    return false;
  };
  return { filters: list, toFilter };
}

/**
 * The policy gate's `checkResourceFilters`: false when some present object (new/old) is filtered by
 * its namespace and name (generateName is not considered).
 */
export function passesResourceFilters(
  filters: ResourceFilterMatcher,
  gvk: GroupVersionKind,
  subresource: string,
  ...resources: ReadonlyArray<Resource | null | undefined>
): boolean {
  for (const r of resources) {
    if (!isObject(r)) continue;
    if (filters.toFilter(gvk, subresource, metaString(r, 'namespace'), metaString(r, 'name'))) return false;
  }
  return true;
}

/** `parseExclusions`: comma-separated, trimmed; `!x` is an inclusion; empty items dropped. */
export function parseExclusions(input: string): { exclusions: string[]; inclusions: string[] } {
  const exclusions: string[] = [];
  const inclusions: string[] = [];
  for (const raw of input.split(',')) {
    let item = raw.trim();
    if (item === '') continue;
    if (item.startsWith('!')) {
      item = item.slice(1).trim();
      if (item !== '') inclusions.push(item);
    } else {
      exclusions.push(item);
    }
  }
  return { exclusions, inclusions };
}

/** The four user-exclusion settings of the Kyverno ConfigMap (raw strings, absent when unset). */
export interface UserExclusionConfig {
  excludeGroups?: string;
  excludeUsernames?: string;
  excludeRoles?: string;
  excludeClusterRoles?: string;
}

interface PatternSet {
  usernames: WildcardMatcher[];
  groups: WildcardMatcher[];
  roles: WildcardMatcher[];
  clusterRoles: WildcardMatcher[];
}

function anyOf(patterns: readonly WildcardMatcher[], candidates: readonly string[] | undefined): boolean {
  if (!candidates) return false;
  for (const p of patterns) for (const c of candidates) if (p(c)) return true;
  return false;
}

function setMatches(s: PatternSet, username: string, groups?: readonly string[], roles?: readonly string[], clusterRoles?: readonly string[]): boolean {
  for (const p of s.usernames) if (p(username)) return true;
  return anyOf(s.groups, groups) || anyOf(s.roles, roles) || anyOf(s.clusterRoles, clusterRoles);
}

/** Compiled user exclusions. */
export interface UserExclusionMatcher {
  /**
   * `Configuration.IsExcluded`: inclusions win, then exclusions.
   * Example: excludeGroups `system:nodes,!system:masters` -> a `system:nodes` member is excluded unless
   * also in `system:masters`.
   */
  isExcluded(username: string, groups?: readonly string[], roles?: readonly string[], clusterRoles?: readonly string[]): boolean;
}

/** Compiles the four exclusion settings. */
export function compileUserExclusions(config: UserExclusionConfig): UserExclusionMatcher {
  const exclusions: PatternSet = { usernames: [], groups: [], roles: [], clusterRoles: [] };
  const inclusions: PatternSet = { usernames: [], groups: [], roles: [], clusterRoles: [] };
  const load = (raw: string | undefined, key: keyof PatternSet): void => {
    if (raw === undefined) return;
    const parsed = parseExclusions(raw);
    exclusions[key] = parsed.exclusions.map(compileWildcard);
    inclusions[key] = parsed.inclusions.map(compileWildcard);
  };
  load(config.excludeGroups, 'groups');
  load(config.excludeUsernames, 'usernames');
  load(config.excludeRoles, 'roles');
  load(config.excludeClusterRoles, 'clusterRoles');
  return {
    isExcluded(username, groups, roles, clusterRoles) {
      if (setMatches(inclusions, username, groups, roles, clusterRoles)) return false;
      return setMatches(exclusions, username, groups, roles, clusterRoles);
    },
  };
}
