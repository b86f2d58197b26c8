/**
 * What rule handlers need from the engine: context loading, list evaluation, matching of the old object
 * (allowExistingViolations) and pass-through of pending fetches.
 */
import type { JsonValue, Resource } from '../api/json.ts';
import type { ContextEntry, Rule } from '../api/policy.ts';
import type { PolicyContext } from '../policy-context.ts';
import type { PatternResult } from '../pattern/validate.ts';

export interface RuleRuntime {
  /** loads context entries (and the CLI's preset rule values) into the policy context */
  loadContext(pc: PolicyContext, rule: Rule, entries: readonly ContextEntry[] | undefined): void;
  /** a foreach list: the query result, a non-array wrapped in a one-element list */
  evaluateList(pc: PolicyContext, list: string): JsonValue[];
  /** matchResource for the old object of an UPDATE (preconditions + match as a CREATE by a dummy user) */
  matchOldResource(pc: PolicyContext, rule: Rule, oldResource: Resource): boolean;
  /** SubstituteAll, remembering documents that hold no variable */
  substitute(pc: PolicyContext, doc: JsonValue): JsonValue;
  /** validate.MatchPattern with the compiled pattern cached by pattern object */
  matchPattern(resource: JsonValue, pattern: JsonValue): PatternResult;
  /** rethrows errors that must escape the engine (PendingFetch) */
  rethrowPending(err: unknown): void;
}
