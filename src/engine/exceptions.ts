/**
 * PolicyException selection and matching (kyverno/pkg/exceptions/selector.go,
 * pkg/engine/utils/exceptions.go): an exception applies to a rule when it names the policy (`name` for a
 * ClusterPolicy, `namespace/name` for a Policy) and the rule (wildcards), its `match` matches the resource
 * (new object, else old) and its conditions hold.
 */
import type { PolicyException } from './api/policy.ts';
import { checkAnyAllConditions } from './conditions/evaluate.ts';
import { matchesException } from './match/index.ts';
import { resourceKind, type PolicyContext } from './policy-context.ts';
import { wildcardMatch } from './utils/wildcard.ts';

/** Exceptions that name the policy and rule. */
export function findExceptions(
  exceptions: readonly PolicyException[],
  policyKey: string,
  ruleName: string,
): PolicyException[] {
  const out: PolicyException[] = [];
  for (const polex of exceptions) {
    for (const e of polex.spec?.exceptions ?? []) {
      if (e.policyName === policyKey && (e.ruleNames ?? []).some((r) => wildcardMatch(r, ruleName))) {
        out.push(polex);
        break;
      }
    }
  }
  return out;
}

/** Exceptions (among candidates) whose match and conditions apply to the request. */
export function matchingExceptions(candidates: readonly PolicyException[], pc: PolicyContext): PolicyException[] {
  if (candidates.length === 0) return [];
  const { gvk, subresource } = resourceKind(pc);
  const resource = pc.newResource ?? pc.oldResource;
  if (!resource) return [];
  const out: PolicyException[] = [];
  for (const polex of candidates) {
    if (!matchesException(resource, polex.spec?.match ?? {}, {
      gvk,
      subresource,
      namespaceLabels: pc.namespaceLabels,
      admissionInfo: pc.admissionInfo,
    })) continue;
    if (polex.spec?.conditions) {
      try {
        if (!checkAnyAllConditions(pc.jsonContext, polex.spec.conditions)) continue;
      } catch {
        continue;
      }
    }
    out.push(polex);
  }
  return out;
}

/** `namespace/name` of an exception (MetaNamespaceKeyFunc). */
export function exceptionKey(polex: PolicyException): string {
  const ns = polex.metadata?.namespace;
  return ns ? `${ns}/${polex.metadata.name ?? ''}` : (polex.metadata?.name ?? '');
}
