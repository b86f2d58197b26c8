/**
 * mutate.targets (mutate existing resources): each target is loaded, set as `target` in the context and
 * patched separately, one rule response per target (kyverno/pkg/engine/handlers/mutation/mutate_existing.go).
 */
import type { PolicyException, Rule } from '../api/policy.ts';
import type { RuleResponse } from '../api/response.ts';
import type { PolicyContext } from '../policy-context.ts';
import type { TargetResolver } from './targets.ts';
import type { RuleRuntime } from './runtime.ts';

export function mutateExisting(
  rt: RuleRuntime,
  pc: PolicyContext,
  rule: Rule,
  exceptions: PolicyException[],
  targets: TargetResolver,
): RuleResponse[] {
  // Lands with the mutate/generate issue (issue 3).
  void rt;
  void pc;
  void rule;
  void exceptions;
  void targets;
  return [];
}
