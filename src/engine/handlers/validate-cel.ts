/**
 * validate.cel in a ClusterPolicy/Policy rule (kyverno/pkg/engine/handlers/validation/validate_cel.go):
 * the Kubernetes ValidatingAdmissionPolicy validator over the rule's expressions, variables, params and
 * celPreconditions. (Filled in with the CEL issue.)
 */
import type { PolicyException, Rule } from '../api/policy.ts';
import { ruleError, type RuleResponse } from '../api/response.ts';
import type { PolicyContext } from '../policy-context.ts';
import type { RuleRuntime } from './runtime.ts';

export function validateCel(rt: RuleRuntime, pc: PolicyContext, rule: Rule, exceptions: PolicyException[]): RuleResponse | undefined {
  void rt;
  void pc;
  void exceptions;
  return ruleError(rule.name, 'Validation', 'validate.cel is not supported yet');
}
