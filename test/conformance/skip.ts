/**
 * Suites skipped by the conformance runner, each with its reason. The table only shrinks: an entry is
 * removed as soon as the feature it waits for lands. Skipped suites are still listed in the summary.
 */

/** Categories whose engine support belongs to a later issue. */
const pendingCategories: Array<{ match: (category: string) => boolean; reason: string }> = [
  {
    match: (c) => c.startsWith('cel-kinds:') && /ValidatingPolicy|ValidatingAdmissionPolicy|ImageValidatingPolicy/.test(c),
    reason: 'validating CEL policy kinds (issue 4: CEL) are not implemented yet',
  },
  { match: (c) => c.includes('validate.cel'), reason: 'validate.cel (issue 4: CEL) is not implemented yet' },
];

/** Individual suites that need something unavailable offline. */
const suites: Record<string, string> = {
  'kyverno-cli/registry': 'imageRegistry context entries read image manifests from a live OCI registry (upstream runs it with --registry); no registry is reachable offline',
};

export function skipReason(suite: string, category: string): string | undefined {
  if (suites[suite]) return suites[suite];
  for (const p of pendingCategories) if (p.match(category)) return p.reason;
  return undefined;
}
