/**
 * Autogen: rules for pod controllers generated from Pod rules (kyverno pkg/autogen, `autogen.Default`
 * = v1). Pure functions; callers compute once per policy and cache. Returned original rules are the
 * policy's own objects (not copies): do not mutate them.
 */
import type { JsonObject } from '../api/json.ts';
import type { KyvernoPolicy, Rule } from '../api/policy.ts';
import { getAutogenControllers } from './can-autogen.ts';
import { convertRule } from './convert-rule.ts';
import { generateCronJobRule, generateRuleForControllers, getMatchKinds, stripCronJob } from './generate-rule.ts';
import { isAutogenRuleName } from './rule-name.ts';

export {
  canAutoGen,
  getAutogenControllers,
  podControllerAutoGenExclusion,
  validateAutogenAnnotation,
} from './can-autogen.ts';
export type { AutoGenSupport } from './can-autogen.ts';
export {
  AUTOGEN_CONTROLLERS_ANNOTATION,
  DEFAULT_POD_CONTROLLERS,
  POD_CONTROLLER_CRONJOB,
  POD_CONTROLLER_GVKS,
} from './controllers.ts';
export { AUTOGEN_CRONJOB_PREFIX, AUTOGEN_PREFIX, getAutogenRuleName, isAutogenRuleName } from './rule-name.ts';
export { AutogenReferenceShiftError } from './shift-references.ts';

/** `generateRules`: for each rule, its controllers rule then its CronJob rule, when generated. */
function generateFor(rules: readonly Rule[], controllers: string): Rule[] {
  const out: Rule[] = [];
  const forControllers = stripCronJob(controllers);
  for (const r of rules) {
    const rule = r as unknown as JsonObject;
    const gen = generateRuleForControllers(rule, forControllers);
    if (gen !== undefined) out.push(convertRule(gen, 'Pod'));
    const cron = generateCronJobRule(rule, controllers);
    if (cron !== undefined) out.push(convertRule(cron, 'Cronjob'));
  }
  return out;
}

/**
 * `ComputeRules(policy, kind)`: the rules the engine evaluates.
 * - `kind` `""` (mutate, generate, background, CLI, reports): for all selected controllers;
 * - `kind` set (validate passes the resource kind): when it is not among the selected controllers
 *   (e.g. `Pod`) the policy's rules as they are; else generation for that controller only (a
 *   `Deployment` gives only `autogen-<rule>` with `apps/v1/Deployment`, `CronJob` only
 *   `autogen-cronjob-<rule>`).
 * With generated rules, the result is the policy's rules minus those named `autogen-*`, then the
 * generated ones (per source rule: controllers rule, CronJob rule); with none (ineligible policy,
 * annotation `none`, no Pod rule), the policy's rules unchanged.
 * Throws AutogenReferenceShiftError where Kyverno panics (see shift-references.ts).
 * Example: one validate rule `check` on Pod, no annotation, kind `""` ->
 * `[check, autogen-check (6 controller GVKs), autogen-cronjob-check (batch/v1/CronJob)]`.
 */
export function computeRules(policy: KyvernoPolicy, kind: string): Rule[] {
  const rules = policy.spec?.rules ?? [];
  const actual = getAutogenControllers(policy);
  let controllers: string;
  if (kind !== '') {
    if (!actual.includes(kind)) return rules;
    controllers = kind;
  } else {
    controllers = actual.join(',');
  }
  if (controllers === 'none') return rules;
  const generated = generateFor(rules, controllers);
  if (generated.length === 0) return rules;
  return [...rules.filter((r) => !isAutogenRuleName(typeof r.name === 'string' ? r.name : '')), ...generated];
}

/**
 * The rules published in the policy status `autogen.rules`: `computeRules(policy, '')` restricted to
 * names starting with `autogen-`.
 */
export function generateRules(policy: KyvernoPolicy): Rule[] {
  return computeRules(policy, '').filter((r) => typeof r.name === 'string' && r.name.startsWith('autogen-'));
}

/** `GetAutogenRuleNames`: names of `computeRules(policy, '')`, in order (used to expand exceptions). */
export function getAutogenRuleNames(policy: KyvernoPolicy): string[] {
  return computeRules(policy, '').map((r) => r.name);
}

/** `GetAutogenKinds`: all match kinds (legacy, all, any) of `computeRules(policy, '')`. */
export function getAutogenKinds(policy: KyvernoPolicy): string[] {
  return computeRules(policy, '').flatMap((r) => getMatchKinds((r as unknown as JsonObject)['match']));
}
