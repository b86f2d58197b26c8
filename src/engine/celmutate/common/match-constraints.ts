/**
 * `matchConstraints` matching of the CEL policy kinds (Kyverno pkg/cel/matching matcher.go over
 * k8s.io/apiserver's webhook predicates: namespace selector, object selector, rules):
 *
 * 1. namespace selector: requests without a namespace (other than for namespaces) match; an empty
 *    selector matches; a Namespace being created/updated is matched on its own labels; otherwise the
 *    resolved namespace's labels, or — when no namespace is known — a minimal namespace labelled
 *    `kubernetes.io/metadata.name: <name>`.
 * 2. object selector: an empty selector matches; else the object's or the old object's labels.
 * 3. exclude rules, then resource rules (none = everything): scope, operation (`*`), group, version,
 *    resource and subresource (`res/sub`, wildcards on either side), then `resourceNames` (a nameless object
 *    matches by `generateName` prefix).
 * Selector errors only surface when the rules match (they are then the outcome).
 *
 * ```ts
 * matchConstraints({ resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], operations: ['CREATE'] }] }, attr, ns)
 * // { matches: true }
 * ```
 */
import { isObject, type JsonObject } from '../../api/json.ts';
import type { LabelSelector } from '../../api/policy.ts';
import { checkSelector } from '../../match/index.ts';
import { labelsOf, metaString, type AdmissionAttributes } from './admission.ts';
import type { MatchResources, NamedRuleWithOperations } from './types.ts';

export type MatchResult = { matches: boolean; error?: undefined } | { matches: false; error: string };

function selectorEmpty(sel: LabelSelector | null | undefined): boolean {
  if (!sel) return true;
  return Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0;
}

function isNamespacesResource(attr: AdmissionAttributes): boolean {
  return attr.resource.resource === 'namespaces';
}

function namespaceSelector(c: MatchResources | undefined, attr: AdmissionAttributes, ns: JsonObject | null | undefined): MatchResult {
  if (attr.namespace === '' && !isNamespacesResource(attr)) return { matches: true };
  const sel = c?.namespaceSelector;
  if (selectorEmpty(sel)) return { matches: true };
  let labels: Record<string, string> | undefined;
  if (isNamespacesResource(attr) && attr.subresource === '' && (attr.operation === 'CREATE' || attr.operation === 'UPDATE')) {
    labels = labelsOf(attr.object);
  } else if (!ns) {
    labels = { 'kubernetes.io/metadata.name': attr.namespace };
  } else {
    if (metaString(ns, 'name') !== attr.namespace) return { matches: false, error: `namespaces "${attr.namespace}" not found` };
    labels = labelsOf(ns);
  }
  const r = checkSelector(sel!, labels);
  if (r.error) return { matches: false, error: `Internal error occurred: ${r.error}` };
  return { matches: r.matched };
}

function objectSelector(c: MatchResources | undefined, attr: AdmissionAttributes): MatchResult {
  const sel = c?.objectSelector;
  if (selectorEmpty(sel)) return { matches: true };
  const check = (o: JsonObject | null): MatchResult => {
    if (!o) return { matches: false };
    const r = checkSelector(sel!, labelsOf(o));
    if (r.error) return { matches: false, error: `Internal error occurred: ${r.error}` };
    return { matches: r.matched };
  };
  const a = check(attr.object);
  if (a.error) return a;
  if (a.matches) return a;
  return check(attr.oldObject);
}

function exactOrWildcard(items: readonly string[] | undefined, requested: string): boolean {
  return (items ?? []).some((i) => i === '*' || i === requested);
}

/** `rules.Matcher.Matches` for one rule. */
export function ruleMatches(rule: NamedRuleWithOperations, attr: AdmissionAttributes): boolean {
  const scope = rule.scope;
  if (scope !== undefined && scope !== '*') {
    const nsRes = attr.resource.group === '' && attr.resource.version === 'v1' && attr.resource.resource === 'namespaces';
    if (scope === 'Namespaced') {
      if (nsRes || attr.namespace === '') return false;
    } else if (scope === 'Cluster') {
      if (!(nsRes || attr.namespace === '')) return false;
    } else return false;
  }
  if (!(rule.operations ?? []).some((op) => op === '*' || op === attr.operation)) return false;
  if (!exactOrWildcard(rule.apiGroups, attr.resource.group)) return false;
  if (!exactOrWildcard(rule.apiVersions, attr.resource.version)) return false;
  const opRes = attr.resource.resource;
  const opSub = attr.subresource;
  return (rule.resources ?? []).some((r) => {
    const slash = r.indexOf('/');
    const res = slash < 0 ? r : r.slice(0, slash);
    const sub = slash < 0 ? '' : r.slice(slash + 1);
    return (res === '*' || res === opRes) && (sub === '*' || sub === opSub);
  });
}

function generateName(o: JsonObject | null): string {
  return o && isObject(o['metadata']) && typeof o['metadata']['generateName'] === 'string' ? o['metadata']['generateName'] : '';
}

function matchesResourceRules(rules: readonly NamedRuleWithOperations[] | undefined, attr: AdmissionAttributes): boolean {
  for (const rule of rules ?? []) {
    if (!ruleMatches(rule, attr)) continue;
    const names = rule.resourceNames ?? [];
    if (names.length === 0) return true;
    if (attr.name === '') {
      const gen = generateName(attr.object);
      if (attr.object && names.some((n) => gen.startsWith(n))) return true;
      continue;
    }
    if (names.includes(attr.name)) return true;
  }
  return false;
}

/** `matching.Matcher.Match(criteria, attr, namespace)`. */
export function matchConstraints(c: MatchResources | undefined | null, attr: AdmissionAttributes, ns: JsonObject | null | undefined): MatchResult {
  const constraints = c ?? undefined;
  const nsMatch = namespaceSelector(constraints, attr, ns);
  if (!nsMatch.matches && !nsMatch.error) return { matches: false };
  const objMatch = objectSelector(constraints, attr);
  if (!objMatch.matches && !objMatch.error) return { matches: false };
  if (matchesResourceRules(constraints?.excludeResourceRules, attr)) return { matches: false };
  const rules = constraints?.resourceRules ?? [];
  if (rules.length > 0 && !matchesResourceRules(rules, attr)) return { matches: false };
  if (nsMatch.error) return nsMatch;
  if (objMatch.error) return objMatch;
  return { matches: true };
}

/** The constraints with every resource rule's operations set to `*` (background matching of targets). */
export function withAllOperations(c: MatchResources): MatchResources {
  return { ...c, resourceRules: (c.resourceRules ?? []).map((r) => ({ ...r, operations: ['*'] })) };
}
