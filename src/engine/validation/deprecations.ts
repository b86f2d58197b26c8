/**
 * Deprecation warnings of the classic kinds (pkg/deprecations): the policy and exception validating
 * webhooks add this warning for ClusterPolicy, Policy, ClusterCleanupPolicy, CleanupPolicy and
 * PolicyException (kyverno.io), which have CEL-based successors in policies.kyverno.io.
 */

const MIGRATION_GUIDE_URL = 'https://kyverno.io/docs/guides/migration-to-cel/';

const REPLACEMENTS: Readonly<Record<string, string>> = {
  ClusterPolicy: 'ValidatingPolicy, MutatingPolicy, GeneratingPolicy or ImageValidatingPolicy',
  Policy: 'NamespacedValidatingPolicy, NamespacedMutatingPolicy, NamespacedGeneratingPolicy or NamespacedImageValidatingPolicy',
  ClusterCleanupPolicy: 'DeletingPolicy',
  CleanupPolicy: 'NamespacedDeletingPolicy',
  PolicyException: 'PolicyException',
};

/**
 * The admission warning for a deprecated kyverno.io kind, `''` for other kinds.
 * Example: `kindDeprecationWarning('CleanupPolicy')` = `CleanupPolicy (kyverno.io) is deprecated and will
 * be removed in a future release; migrate to NamespacedDeletingPolicy (policies.kyverno.io), see …`.
 */
export function kindDeprecationWarning(kind: string): string {
  const replacement = Object.prototype.hasOwnProperty.call(REPLACEMENTS, kind) ? REPLACEMENTS[kind] : undefined;
  if (replacement === undefined) return '';
  return `${kind} (kyverno.io) is deprecated and will be removed in a future release; migrate to ${replacement} (policies.kyverno.io), see ${MIGRATION_GUIDE_URL}`;
}
