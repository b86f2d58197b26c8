/**
 * Policy updates of generate rules (pkg/validation/policy/generate.go `immutableGenerateFields`):
 * compared with the previous version of the policy, a generate rule may not change its immutable
 * fields (an error), and changing its generate pattern gives a warning (stale targets).
 * Admission-time only (needs the stored policy).
 */
import type { JsonValue } from '../api/json.ts';
import { goStructJson, GENERATION, RULE } from './go-types.ts';
import { hasGenerate, obj, objects, type Obj } from './rule-model.ts';

function hasSynchronizingRule(rules: readonly Obj[]): boolean {
  return rules.some((r) => hasGenerate(r) && obj(r['generate'])?.['synchronize'] === true);
}

/** The rule without its generate block and the generate block without its mutable fields. */
function resetMutableFields(rule: Obj, oldHasSynchronizingRule: boolean): [string, string] {
  const r: Obj = { ...rule };
  const generation: Obj = { ...(obj(rule['generate']) ?? {}) };
  delete r['generate'];
  if (!oldHasSynchronizingRule) r['match'] = {};
  generation['synchronize'] = true;
  delete generation['data'];
  delete generation['foreach'];
  generation['orphanDownstreamOnPolicyDelete'] = true;
  delete generation['generateExisting'];
  return [goStructJson(RULE, r), goStructJson(GENERATION, generation)];
}

function buildHashes(rules: readonly Obj[], oldHasSynchronizingRule: boolean): [Set<string>, Set<string>] {
  const ruleHashes = new Set<string>();
  const generationHashes = new Set<string>();
  for (const rule of rules) {
    if (!hasGenerate(rule)) continue;
    const [r, g] = resetMutableFields(rule, oldHasSynchronizingRule);
    ruleHashes.add(r);
    generationHashes.add(g);
  }
  return [ruleHashes, generationHashes];
}

function isSuperset(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  for (const x of b) if (!a.has(x)) return false;
  return true;
}

/** `{warning, error}` as Kyverno computes them ('' when none). */
export function generateUpdateCheck(newSpec: Obj, oldSpec: Obj): { warning: string; error: string } {
  const newRules = objects(newSpec['rules'] as JsonValue | undefined);
  const oldRules = objects(oldSpec['rules'] as JsonValue | undefined);
  const oldSync = hasSynchronizingRule(oldRules);
  const [oldRuleHashes, oldGenHashes] = buildHashes(oldRules, oldSync);
  const [newRuleHashes, newGenHashes] = buildHashes(newRules, oldSync);
  if (!isSuperset(newGenHashes, oldGenHashes)) return { warning: 'changes in the generate rule pattern could result in stale targets', error: '' };
  if (!isSuperset(newRuleHashes, oldRuleHashes)) return { warning: '', error: 'changes of immutable fields of a rule spec in a generate rule is disallowed' };
  return { warning: '', error: '' };
}
