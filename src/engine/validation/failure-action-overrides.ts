/**
 * `validateNamespaces` (pkg/validation/policy/validate.go): failure action overrides must have a valid
 * action and must not give one namespace both Enforce and Audit, directly or through wildcards.
 */
import { wildcardMatch } from '../utils/wildcard.ts';
import { hasWildcard } from '../utils/wildcard.ts';
import { compareGoStrings } from '../utils/gojson.ts';
import { objects, str, strings, type Obj } from './rule-model.ts';
import type { JsonValue } from '../api/json.ts';

const VALID_ACTIONS = ['enforce', 'audit', 'Enforce', 'Audit'];

/** `wildcard.MatchPatterns`: the first (pattern, name) that matches. */
function matchPatterns(patterns: readonly string[], names: readonly string[]): [string, string] | undefined {
  for (const name of names) for (const p of patterns) if (wildcardMatch(p, name)) return [p, name];
  return undefined;
}

function sorted(s: ReadonlySet<string>): string[] {
  return [...s].sort(compareGoStrings);
}

function wildcardConflict(enforce: string[], audit: string[], enforceW: string[], auditW: string[]): string | undefined {
  let m = matchPatterns(auditW, enforce);
  if (m) return `wildcard pattern '${m[0]}' matches with namespace '${m[1]}'`;
  m = matchPatterns(enforceW, audit);
  if (m) return `wildcard pattern '${m[0]}' matches with namespace '${m[1]}'`;
  m = matchPatterns(auditW, enforceW);
  if (m) return `wildcard pattern '${m[0]}' conflicts with the pattern '${m[1]}'`;
  m = matchPatterns(enforceW, auditW);
  if (m) return `wildcard pattern '${m[0]}' conflicts with the pattern '${m[1]}'`;
  return undefined;
}

/** The error text for the overrides at `path` (e.g. `spec.validationFailureActionOverrides`), or undefined. */
export function failureActionOverridesError(overrides: JsonValue | undefined, path: string): string | undefined {
  const sets: Record<string, Set<string>> = { enforce: new Set(), audit: new Set(), enforceW: new Set(), auditW: new Set() };
  const list: Obj[] = objects(overrides);
  for (let i = 0; i < list.length; i++) {
    const vfa = list[i] as Obj;
    const action = str(vfa['action']);
    if (!VALID_ACTIONS.includes(action)) return 'invalid action';
    const namespaces = strings(vfa['namespaces']);
    const patterns = namespaces.filter((n) => hasWildcard(n));
    const names = namespaces.filter((n) => !hasWildcard(n));
    const nsPath = `${path}[${i}].namespaces`;
    const isEnforce = action === 'Enforce' || action === 'enforce';
    if (!isEnforce) {
      const conflict = names.filter((n) => sets['enforce']!.has(n));
      if (conflict.length > 0) return `conflicting namespaces found in path: ${nsPath}: ${[...new Set(conflict)].sort(compareGoStrings).join(', ')}`;
      for (const p of patterns) sets['auditW']!.add(p);
    } else {
      const conflict = names.filter((n) => sets['audit']!.has(n));
      if (conflict.length > 0) return `conflicting namespaces found in path: ${nsPath}: ${[...new Set(conflict)].sort(compareGoStrings).join(', ')}`;
      for (const p of patterns) sets['enforceW']!.add(p);
    }
    const bucket = sets[action.toLowerCase()] as Set<string>;
    for (const n of names) bucket.add(n);
    const err = wildcardConflict(sorted(sets['enforce']!), sorted(sets['audit']!), sorted(sets['enforceW']!), sorted(sets['auditW']!));
    if (err !== undefined) return `path: ${nsPath}: ${err}`;
  }
  return undefined;
}
