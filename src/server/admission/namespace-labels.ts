/**
 * Namespace labels for namespaceSelector matching (pkg/utils/engine/labels.go
 * `GetNamespaceSelectorsFromNamespaceLister`): looked up only when some rule of the policies uses a
 * namespaceSelector (match/exclude, any/all, or a failureActionOverride), never for Namespace objects or
 * cluster-scoped requests. A namespace that does not exist is an error: the request then fails closed
 * (`failed to create policy context: namespace "x" not found`), which is the fix of CVE-2025-46342.
 */
import type { KyvernoPolicy, PolicyException } from '../../engine/api/policy.ts';
import type { NamespaceLabelsSource } from '../sources/types.ts';

const present = (v: unknown): boolean => v !== undefined && v !== null;

/** `hasNamespaceSelector(policies)` (spec rules, not autogen ones) */
export function hasNamespaceSelector(policies: readonly KyvernoPolicy[]): boolean {
  for (const p of policies) {
    for (const rule of p.spec?.rules ?? []) {
      if (present(rule.match?.resources?.namespaceSelector)) return true;
      if (present(rule.exclude?.resources?.namespaceSelector)) return true;
      for (const o of rule.validate?.failureActionOverrides ?? []) if (present(o.namespaceSelector)) return true;
      for (const f of rule.match?.all ?? []) if (present(f.resources?.namespaceSelector)) return true;
      for (const f of rule.match?.any ?? []) if (present(f.resources?.namespaceSelector)) return true;
      for (const f of rule.exclude?.all ?? []) if (present(f.resources?.namespaceSelector)) return true;
      for (const f of rule.exclude?.any ?? []) if (present(f.resources?.namespaceSelector)) return true;
    }
  }
  return false;
}

export class NamespaceNotFoundError extends Error {
  readonly code = 'NAMESPACE_NOT_FOUND';
  constructor(readonly namespace: string) {
    super(`namespace "${namespace}" not found`);
  }
}

/** Some exception matches on a namespaceSelector (match any/all). */
export function exceptionsHaveNamespaceSelector(exceptions: readonly PolicyException[]): boolean {
  for (const e of exceptions) {
    const m = e.spec?.match;
    for (const f of [...(m?.any ?? []), ...(m?.all ?? [])]) if (present(f.resources?.namespaceSelector)) return true;
  }
  return false;
}

/**
 * The labels of the request's namespace when the policies need them, else `{}`. Throws
 * NamespaceNotFoundError. In the cluster, Kyverno matches exceptions against the namespace's labels read
 * from the API (`MatchesException`, isCluster), whatever the policies use: with `exceptions` given, the
 * labels are also looked up when an exception selects on them (a missing namespace then only means no
 * labels, as Kyverno then matches no exception).
 */
export function namespaceLabelsFor(
  kind: string,
  namespace: string,
  source: NamespaceLabelsSource,
  policies: readonly KyvernoPolicy[],
  exceptions: readonly PolicyException[] = [],
): Record<string, string> {
  if (kind === 'Namespace' || namespace === '') return {};
  if (!hasNamespaceSelector(policies)) {
    if (!exceptionsHaveNamespaceSelector(exceptions)) return {};
    return source.get(namespace)?.labels ?? {};
  }
  const ns = source.get(namespace);
  if (!ns) throw new NamespaceNotFoundError(namespace);
  return ns.labels;
}
