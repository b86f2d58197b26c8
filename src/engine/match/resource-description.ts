/**
 * The resource part of a match/exclude filter (`ResourceDescription`): every attribute given must
 * hold (AND), inside a list one entry is enough (OR). Sources: `pkg/engine/utils/match.go
 * doesResourceMatchConditionBlock` (rules) and `pkg/engine/utils/exceptions.go checkResourceDescription`
 * (PolicyExceptions).
 *
 * - `operations`: the request operation is listed (rules only; exceptions ignore it).
 * - `kinds`: see `kind-selector.ts`; a v1 Pod selector also matches `pods/ephemeralcontainers`.
 * - `name` (deprecated) and `names[]`: wildcard vs `metadata.name`, or `metadata.generateName` when the
 *   name is empty.
 * - `namespaces[]`: wildcard vs `metadata.namespace`; for a `Namespace` object its name; cluster-scoped
 *   objects have namespace `""` (only the pattern `""` or `*` matches it).
 * - `annotations{}`: every entry is wildcard-matched (key and value) by some object annotation.
 * - `selector`: LabelSelector (with Kyverno's wildcard replacement) on the object's labels.
 * - `namespaceSelector`: LabelSelector on the namespace's labels. Rules: on a `Namespace` object it is
 *   a non-match; on an object without `kind` it is checked only if `kinds` lists `*` (else ignored).
 *   Exceptions: ignored for `Namespace` objects and objects without `kind`.
 * An invalid selector is a non-match (with the parse error as reason).
 */
import type { AdmissionOperation, ResourceDescription } from '../api/policy.ts';
import { compileKindSelectors } from './kind-selector.ts';
import type { KindMatcher } from './kind-selector.ts';
import { compileLabelSelector } from './label-selector.ts';
import type { CompiledLabelSelector } from './label-selector.ts';
import type { MatchInfo } from './match-info.ts';
import type { ObjectMetaView } from './object-meta.ts';
import { compileWildcard, compileWildcardAny } from './wildcard-matcher.ts';
import type { WildcardMatcher } from './wildcard-matcher.ts';

/** The request facts a ResourceDescription reads (`operation` only in rule mode). */
export type DescriptionInfo = Pick<MatchInfo, 'gvk' | 'subresource' | 'namespaceLabels'> & {
  operation?: MatchInfo['operation'];
};

/** `rule` = policy rule match/exclude; `exception` = PolicyException match. */
export type DescriptionMode = 'rule' | 'exception';

/** A compiled ResourceDescription. */
export interface ResourceDescriptionMatcher {
  /** `ResourceDescription.IsEmpty()`: no attribute given (empty lists/maps count as not given). */
  readonly empty: boolean;
  /**
   * `''` when the object satisfies every given attribute, else the first failing reason.
   * Example: kinds `['Pod']` on a Deployment -> `'kind does not match [Pod]'`.
   */
  check(meta: ObjectMetaView, info: DescriptionInfo): string;
}

function nonEmpty<T>(v: readonly T[] | null | undefined): v is readonly T[] {
  return Array.isArray(v) && v.length > 0;
}

function hasEntries(v: object | null | undefined): v is object {
  return v !== null && v !== undefined && Object.keys(v).length > 0;
}

/** `ResourceDescription.IsEmpty()`. */
export function isEmptyResourceDescription(rd: ResourceDescription | null | undefined): boolean {
  if (!rd) return true;
  return (
    !nonEmpty(rd.kinds) &&
    !rd.name &&
    !nonEmpty(rd.names) &&
    !nonEmpty(rd.namespaces) &&
    !hasEntries(rd.annotations) &&
    (rd.selector === undefined || rd.selector === null) &&
    (rd.namespaceSelector === undefined || rd.namespaceSelector === null) &&
    !nonEmpty(rd.operations)
  );
}

type Check = (meta: ObjectMetaView, info: DescriptionInfo) => string;

function compileAnnotations(expected: Readonly<Record<string, string>>): (actual: Record<string, string> | undefined) => boolean {
  const pairs = Object.keys(expected).map((k) => [compileWildcard(k), compileWildcard(String(expected[k]))] as const);
  return (actual) => {
    for (const [km, vm] of pairs) {
      let found = false;
      if (actual) {
        for (const k1 in actual) {
          if (Object.hasOwn(actual, k1) && km(k1) && vm(actual[k1] as string)) {
            found = true;
            break;
          }
        }
      }
      if (!found) return false;
    }
    return true;
  };
}

function selectorCheck(sel: CompiledLabelSelector, labels: Readonly<Record<string, string>> | undefined, what: 'selector' | 'namespace selector', failure: string): string {
  const r = sel.evaluate(labels);
  if (r.error) return `failed to parse ${what}: ${r.error}`;
  return r.matched ? '' : failure;
}

/**
 * Compiles a ResourceDescription for rule or exception matching.
 * Example: `compileResourceDescription({kinds: ['Pod'], namespaces: ['prod-*']}, 'rule')`.
 */
export function compileResourceDescription(
  rd: ResourceDescription | null | undefined,
  mode: DescriptionMode,
): ResourceDescriptionMatcher {
  const empty = isEmptyResourceDescription(rd);
  if (!rd || empty) return { empty, check: () => '' };
  const checks: Check[] = [];

  if (mode === 'rule' && nonEmpty(rd.operations)) {
    const ops: readonly AdmissionOperation[] = rd.operations;
    checks.push((_m, info) => (info.operation !== undefined && ops.includes(info.operation) ? '' : 'operation does not match'));
  }
  const kinds = nonEmpty(rd.kinds) ? rd.kinds : undefined;
  if (kinds) {
    const km: KindMatcher = compileKindSelectors(kinds);
    const reason = `kind does not match [${kinds.join(' ')}]`;
    checks.push((_m, info) => (km.matches(info.gvk, info.subresource, true) ? '' : reason));
  }
  if (rd.name) {
    const nm = compileWildcard(rd.name);
    checks.push((m) => (nm(m.name || m.generateName) ? '' : 'name does not match'));
  }
  if (nonEmpty(rd.names)) {
    const nm = compileWildcardAny(rd.names);
    checks.push((m) => (nm(m.name || m.generateName) ? '' : 'none of the names match'));
  }
  if (nonEmpty(rd.namespaces)) {
    const nsm: WildcardMatcher = compileWildcardAny(rd.namespaces);
    checks.push((m) => (nsm(m.kind === 'Namespace' ? m.name : m.namespace) ? '' : 'namespace does not match'));
  }
  if (hasEntries(rd.annotations)) {
    const am = compileAnnotations(rd.annotations as Record<string, string>);
    checks.push((m) => (am(m.annotations) ? '' : 'annotations does not match'));
  }
  if (rd.selector) {
    const sel = compileLabelSelector(rd.selector);
    checks.push((m) => selectorCheck(sel, m.labels, 'selector', 'selector does not match'));
  }
  if (rd.namespaceSelector) {
    const sel = compileLabelSelector(rd.namespaceSelector);
    if (mode === 'rule') {
      const kindsHasStar = kinds?.includes('*') ?? false;
      checks.push((m, info) => {
        if (m.kind === 'Namespace') return 'namespace selector is not applicable for namespace resource';
        if (m.kind === '' && !kindsHasStar) return '';
        return selectorCheck(sel, info.namespaceLabels, 'namespace selector', 'namespace selector does not match labels');
      });
    } else {
      checks.push((m, info) => {
        if (m.kind === 'Namespace' || m.kind === '') return '';
        return selectorCheck(sel, info.namespaceLabels, 'namespace selector', 'namespace selector does not match');
      });
    }
  }

  return {
    empty,
    check(meta, info) {
      for (const c of checks) {
        const r = c(meta, info);
        if (r) return r;
      }
      return '';
    },
  };
}
