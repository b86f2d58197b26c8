/**
 * The failure action of a failed validate rule (kyverno/pkg/engine/api/engineresponse.go:
 * matchOverride, ruleAction, failureActionForRule, GetValidationFailureAction, HasEnforcedFailure).
 * Rule `failureActionOverrides` (first match) -> rule `failureAction` -> (rules without validate)
 * verifyImages entries, Enforce winning -> spec `validationFailureActionOverrides` -> spec
 * `validationFailureAction`.
 */
import { isObject } from './api/json.ts';
import type { KyvernoPolicy, Rule, ValidationFailureActionOverride } from './api/policy.ts';
import { matchesLabelSelector } from './match/index.ts';
import { wildcardMatch } from './utils/wildcard.ts';

/** `Enforce` and the legacy `enforce` enforce; anything else audits. */
export function isEnforce(a: string | undefined): boolean {
  return a === 'Enforce' || a === 'enforce';
}

function isValidAction(a: unknown): a is string {
  return a === 'Enforce' || a === 'enforce' || a === 'Audit' || a === 'audit';
}

function selectorPasses(selector: unknown, labels: Record<string, string> | undefined): boolean {
  try {
    return matchesLabelSelector(selector as never, labels ?? {});
  } catch {
    return false;
  }
}

export function matchOverride(
  overrides: readonly ValidationFailureActionOverride[] | undefined,
  namespace: string,
  namespaceLabels: Record<string, string> | undefined,
): string | undefined {
  for (const v of overrides ?? []) {
    if (!isValidAction(v.action)) continue;
    if (v.namespaces === undefined || v.namespaces === null) {
      if (v.namespaceSelector === undefined || v.namespaceSelector === null) return v.action;
      if (selectorPasses(v.namespaceSelector, namespaceLabels)) return v.action;
    }
    for (const ns of v.namespaces ?? []) {
      if (wildcardMatch(ns, namespace)) {
        if (v.namespaceSelector === undefined || v.namespaceSelector === null) return v.action;
        if (selectorPasses(v.namespaceSelector, namespaceLabels)) return v.action;
      }
    }
  }
  return undefined;
}

function hasValidate(r: Rule): boolean {
  return isObject(r.validate) && Object.keys(r.validate).length > 0;
}

/** The rule's own action, if it sets one. */
export function ruleAction(r: Rule, namespace: string, namespaceLabels?: Record<string, string>): string | undefined {
  if (hasValidate(r)) {
    const o = matchOverride(r.validate!.failureActionOverrides, namespace, namespaceLabels);
    if (o !== undefined) return o;
    if (r.validate!.failureAction !== undefined && r.validate!.failureAction !== null) return r.validate!.failureAction;
  } else if (Array.isArray(r.verifyImages) && r.verifyImages.length > 0) {
    let first: string | undefined;
    for (const vi of r.verifyImages) {
      if (!isObject(vi) || typeof vi['failureAction'] !== 'string') continue;
      const a = vi['failureAction'];
      if (isEnforce(a)) return a;
      first ??= a;
    }
    if (first !== undefined) return first;
  }
  return undefined;
}

/** One action for the whole policy: the first rule with an explicit action, else the spec's. */
export function policyFailureAction(policy: KyvernoPolicy, namespace: string, namespaceLabels?: Record<string, string>): string {
  for (const r of policy.spec.rules ?? []) {
    const a = ruleAction(r, namespace, namespaceLabels);
    if (a !== undefined) return a;
  }
  return matchOverride(policy.spec.validationFailureActionOverrides, namespace, namespaceLabels) ?? policy.spec.validationFailureAction ?? '';
}

/**
 * The action for the rule named `name` among the computed (autogen-expanded) rules. An unknown name falls
 * back to the policy-wide action, so that a name mismatch never degrades Enforce to Audit.
 */
export function failureActionForRule(
  policy: KyvernoPolicy,
  rules: readonly Rule[],
  name: string,
  namespace: string,
  namespaceLabels?: Record<string, string>,
): string {
  for (const r of rules) {
    if (r.name !== name) continue;
    const a = ruleAction(r, namespace, namespaceLabels);
    if (a !== undefined) return a;
    return matchOverride(policy.spec.validationFailureActionOverrides, namespace, namespaceLabels) ?? policy.spec.validationFailureAction ?? '';
  }
  return policyFailureAction(policy, namespace, namespaceLabels);
}
