/**
 * `matchConstraints` matching as Kyverno's CEL matcher does it (kyverno/pkg/cel/matching/matcher.go
 * over the apiserver webhook predicates): namespaceSelector, objectSelector, excludeResourceRules,
 * resourceRules (scope, operations, groups, versions, resources with subresources, resourceNames with
 * the generateName fallback). Rules compare the request's resource exactly (`matchPolicy` is not used).
 * Selector errors only count when the rules match.
 */
import { isObject, type JsonObject, type Resource } from '../api/json.ts';
import { compileK8sLabelSelector } from './label-selector.ts';
import type { MatchResources, NamedRuleWithOperations } from './types.ts';

/** The request fields matching looks at (`admission.Attributes`). */
export interface MatchAttributes {
  /** the request's resource (`pods`), group and version */
  readonly resource: { readonly group: string; readonly version: string; readonly resource: string };
  readonly subresource: string;
  /** `CREATE`, `UPDATE`, `DELETE`, `CONNECT` */
  readonly operation: string;
  readonly name: string;
  readonly namespace: string;
  readonly object: Resource | null;
  readonly oldObject: Resource | null;
}

export interface MatchOutcome {
  readonly matches: boolean;
  /** an error (namespace lookup, invalid selector), reported instead of a match */
  readonly error?: string;
}

const NO: MatchOutcome = { matches: false };
const YES: MatchOutcome = { matches: true };

function labelsOf(obj: Resource | null | undefined): Record<string, string> | undefined {
  if (!obj) return undefined;
  const meta = obj['metadata'];
  if (!isObject(meta) || !isObject(meta['labels'])) return undefined;
  return meta['labels'] as Record<string, string>;
}

function nameOf(obj: JsonObject | null | undefined): string {
  const meta = obj?.['metadata'];
  return isObject(meta) && typeof meta['name'] === 'string' ? meta['name'] : '';
}

/**
 * namespaceSelector: requests without a namespace (except namespaces themselves) always match; the
 * labels come from the namespace object being created/updated, else from `namespace` (absent: a
 * namespace carrying only `kubernetes.io/metadata.name`), whose name must be the request's.
 */
function matchNamespaceSelector(constraints: MatchResources, attrs: MatchAttributes, namespace: JsonObject | null | undefined): MatchOutcome {
  const nsName = attrs.namespace;
  if (nsName === '' && attrs.resource.resource !== 'namespaces') return YES;
  const selector = compileK8sLabelSelector(constraints.namespaceSelector);
  if (selector.error) return { matches: false, error: `Internal error occurred: ${selector.error}` };
  if (selector.empty) return YES;
  let labels: Record<string, string> | undefined;
  if (
    attrs.resource.resource === 'namespaces' &&
    attrs.subresource === '' &&
    (attrs.operation === 'CREATE' || attrs.operation === 'UPDATE')
  ) {
    labels = labelsOf(attrs.object);
  } else if (!namespace) {
    labels = { 'kubernetes.io/metadata.name': nsName };
  } else {
    if (nameOf(namespace) !== nsName) return { matches: false, error: `namespaces.v1 "${nsName}" not found` };
    labels = labelsOf(namespace);
  }
  return { matches: selector.matches(labels) };
}

/** objectSelector: the new object's or the old object's labels. */
function matchObjectSelector(constraints: MatchResources, attrs: MatchAttributes): MatchOutcome {
  const selector = compileK8sLabelSelector(constraints.objectSelector);
  if (selector.error) return { matches: false, error: `Internal error occurred: ${selector.error}` };
  if (selector.empty) return YES;
  const m = (o: Resource | null): boolean => o !== null && selector.matches(labelsOf(o));
  return { matches: m(attrs.object) || m(attrs.oldObject) };
}

function exactOrWildcard(items: readonly string[] | undefined, requested: string): boolean {
  for (const item of items ?? []) if (item === '*' || item === requested) return true;
  return false;
}

/** rules.Matcher: scope, operation, group, version, resource[/subresource]. */
export function ruleMatches(rule: NamedRuleWithOperations, attrs: MatchAttributes): boolean {
  const isNamespaceResource = attrs.resource.group === '' && attrs.resource.version === 'v1' && attrs.resource.resource === 'namespaces';
  switch (rule.scope ?? '*') {
    case '*':
      break;
    case 'Namespaced':
      if (isNamespaceResource || attrs.namespace === '') return false;
      break;
    case 'Cluster':
      if (!(isNamespaceResource || attrs.namespace === '')) return false;
      break;
    default:
      return false;
  }
  if (!(rule.operations ?? []).some((op) => op === '*' || op === attrs.operation)) return false;
  if (!exactOrWildcard(rule.apiGroups, attrs.resource.group)) return false;
  if (!exactOrWildcard(rule.apiVersions, attrs.resource.version)) return false;
  for (const r of rule.resources ?? []) {
    const slash = r.indexOf('/');
    const res = slash < 0 ? r : r.slice(0, slash);
    const sub = slash < 0 ? '' : r.slice(slash + 1);
    if ((res === '*' || res === attrs.resource.resource) && (sub === '*' || sub === attrs.subresource)) return true;
  }
  return false;
}

function generateNameOf(obj: Resource | null): string {
  const meta = obj?.['metadata'];
  return isObject(meta) && typeof meta['generateName'] === 'string' ? meta['generateName'] : '';
}

/** matchesResourceRules: a rule matches and (no resourceNames, or the name / generateName prefix is listed). */
export function matchesResourceRules(rules: readonly NamedRuleWithOperations[] | undefined, attrs: MatchAttributes): boolean {
  for (const rule of rules ?? []) {
    if (!ruleMatches(rule, attrs)) continue;
    const names = rule.resourceNames ?? [];
    if (names.length === 0) return true;
    if (attrs.name === '') {
      const gen = generateNameOf(attrs.object);
      if (attrs.object && names.some((n) => gen.startsWith(n))) return true;
      continue;
    }
    if (names.includes(attrs.name)) return true;
  }
  return false;
}

/**
 * Whether a request matches `constraints` (absent constraints match everything, as an empty
 * `MatchResources` does). `namespace` is the request namespace's object when known.
 *
 * `matchConstraints({resourceRules: [{apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], operations: ['CREATE']}]}, attrs)`
 */
export function matchConstraints(
  constraints: MatchResources | null | undefined,
  attrs: MatchAttributes,
  namespace?: JsonObject | null,
): MatchOutcome {
  const c: MatchResources = constraints ?? {};
  const ns = matchNamespaceSelector(c, attrs, namespace);
  if (!ns.matches && ns.error === undefined) return NO;
  const obj = matchObjectSelector(c, attrs);
  if (!obj.matches && obj.error === undefined) return NO;
  if (matchesResourceRules(c.excludeResourceRules, attrs)) return NO;
  const rules = c.resourceRules ?? [];
  if (rules.length > 0 && !matchesResourceRules(rules, attrs)) return NO;
  if (ns.error !== undefined) return { matches: false, error: ns.error };
  if (obj.error !== undefined) return { matches: false, error: obj.error };
  return YES;
}
