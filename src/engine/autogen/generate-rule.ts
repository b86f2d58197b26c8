/**
 * Per-rule generation of pod controller rules (kyverno pkg/autogen/v1/rule.go: generateRule,
 * generateRuleForControllers, generateCronJobRule, getAnyAllAutogenRule).
 *
 * From a rule matching `Pod`:
 * - `autogen-<name>` for the selected controllers other than CronJob: kinds become controller GVKs and
 *   the Pod-shaped body is wrapped under `spec.template`;
 * - `autogen-cronjob-<name>`: built from the rule above (not from the original), kinds become
 *   `batch/v1/CronJob` and the body is wrapped once more, under `spec.jobTemplate`, so the CronJob
 *   pattern is `{spec: {jobTemplate: {spec: {template: <pod pattern>}}}}`.
 *
 * The functions here return rules before their final encoding (see convert-rule.ts).
 */
import { deepCopy, isObject } from '../api/json.ts';
import type { JsonObject, JsonValue } from '../api/json.ts';
import {
  ALL_CONTROLLERS_EXPANSION,
  ANNOTATION_CONTROLLERS,
  POD_CONTROLLER_CRONJOB,
  containsKind,
  convertKindsToGvk,
  splitKinds,
} from './controllers.ts';
import { isZeroCel } from './go-zero.ts';
import { AUTOGEN_CRONJOB_PREFIX, AUTOGEN_PREFIX, getAutogenRuleName, isAutogenRuleName } from './rule-name.ts';
import { findAndShiftReferences } from './shift-references.ts';

/**
 * A rule from generateRule, before its final encoding. `keepValidate` is set when `validate` was
 * rebuilt by one of the validate branches (in this pass or, when kept as is, in the pass that produced
 * the source): Kyverno then holds a Validation with a non-nil field, which survives encoding even when it
 * encodes as `{}` (an empty anyPattern list leaves a non-nil empty raw JSON).
 */
export interface GeneratedRule {
  readonly rule: JsonObject;
  readonly keepValidate: boolean;
}

/** Rewrites the kinds of `any`/`all` filters for the target controllers. */
type ResourceFiltersRewrite = (filters: readonly JsonValue[], kinds: readonly string[]) => JsonValue[];

const present = (v: JsonValue | undefined): v is JsonValue => v !== undefined && v !== null;

function nonEmptyList(v: JsonValue | undefined): v is JsonValue[] {
  return Array.isArray(v) && v.length > 0;
}

function stringList(v: JsonValue | undefined): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function str(v: JsonValue | undefined): string {
  return typeof v === 'string' ? v : '';
}

/** `ResourceFilter.ResourceDescription.Kinds`. */
function filterKinds(filter: JsonValue): string[] {
  return isObject(filter) && isObject(filter['resources']) ? stringList(filter['resources']['kinds']) : [];
}

/** A filter with `resources.kinds` replaced (other resource fields kept). */
function withKinds(filter: JsonValue, kinds: string[]): JsonObject {
  const f: JsonObject = isObject(filter) ? filter : {};
  const resources = isObject(f['resources']) ? f['resources'] : {};
  return { ...f, resources: { ...resources, kinds } };
}

/**
 * `MatchResources.GetKinds`: legacy `resources.kinds`, then each `all`, then each `any` filter's kinds.
 * Example: `{any: [{resources: {kinds: ['Pod']}}]}` -> `['Pod']`.
 */
export function getMatchKinds(match: JsonValue | undefined): string[] {
  if (!isObject(match)) return [];
  const kinds = isObject(match['resources']) ? stringList(match['resources']['kinds']) : [];
  for (const f of Array.isArray(match['all']) ? match['all'] : []) kinds.push(...filterKinds(f));
  for (const f of Array.isArray(match['any']) ? match['any'] : []) kinds.push(...filterKinds(f));
  return kinds;
}

/** `getAnyAllAutogenRule`: filters whose kinds contain `match` get `kinds` (as GVKs); others are kept. */
function getAnyAllAutogenRule(filters: readonly JsonValue[], match: string, kinds: readonly string[]): JsonValue[] {
  return filters.map((f) => (containsKind(filterKinds(f), match) ? withKinds(f, convertKindsToGvk(kinds)) : f));
}

/** The CronJob variant: every filter gets the kinds. */
function allFiltersToKinds(filters: readonly JsonValue[], kinds: readonly string[]): JsonValue[] {
  return filters.map((f) => withKinds(f, convertKindsToGvk(kinds)));
}

/** Rewrites match/exclude kinds in place on a copied rule (`any`, else `all`, else legacy). */
function rewriteKinds(rule: JsonObject, kinds: readonly string[], grf: ResourceFiltersRewrite): void {
  const match: JsonObject = isObject(rule['match']) ? { ...rule['match'] } : {};
  if (nonEmptyList(match['any'])) match['any'] = grf(match['any'], kinds);
  else if (nonEmptyList(match['all'])) match['all'] = grf(match['all'], kinds);
  else {
    const resources = isObject(match['resources']) ? match['resources'] : {};
    match['resources'] = { ...resources, kinds: convertKindsToGvk(kinds) };
  }
  rule['match'] = match;
  if (!isObject(rule['exclude'])) return;
  const exclude: JsonObject = { ...rule['exclude'] };
  if (nonEmptyList(exclude['any'])) exclude['any'] = grf(exclude['any'], kinds);
  else if (nonEmptyList(exclude['all'])) exclude['all'] = grf(exclude['all'], kinds);
  else if (isObject(exclude['resources']) && nonEmptyList(exclude['resources']['kinds'])) {
    exclude['resources'] = { ...exclude['resources'], kinds: convertKindsToGvk(kinds) };
  }
  rule['exclude'] = exclude;
}

/** `{spec: {<tplKey>: x}}` */
function wrap(tplKey: string, x: JsonValue): JsonObject {
  return { spec: { [tplKey]: x } };
}

/** A rebuilt `validate` keeping failure action settings and the shifted message, in Go field order. */
function rebuiltValidation(v: JsonObject, message: string, body: JsonObject): JsonObject {
  const out: JsonObject = {};
  if (present(v['failureAction'])) out['failureAction'] = v['failureAction'];
  if (nonEmptyList(v['failureActionOverrides'])) out['failureActionOverrides'] = v['failureActionOverrides'];
  if (present(v['allowExistingViolations'])) out['allowExistingViolations'] = v['allowExistingViolations'];
  if (message !== '') out['message'] = message;
  return Object.assign(out, body);
}

/** `generateRule`: mutate bodies. Returns the new `mutate`, or undefined to fall through. */
function generateMutation(m: JsonObject, tplKey: string): JsonObject | undefined {
  const psm = m['patchStrategicMerge'];
  if (present(psm)) return { patchStrategicMerge: wrap(tplKey, psm) };
  const foreach = m['foreach'];
  if (!nonEmptyList(foreach)) return undefined;
  return {
    foreach: foreach.map((entry) => {
      const fe: JsonObject = isObject(entry) ? entry : {};
      const out: JsonObject = {};
      if (str(fe['list']) !== '') out['list'] = fe['list'] as string;
      if (nonEmptyList(fe['context'])) out['context'] = fe['context'];
      if (present(fe['preconditions'])) out['preconditions'] = fe['preconditions'];
      out['patchStrategicMerge'] = wrap(tplKey, present(fe['patchStrategicMerge']) ? fe['patchStrategicMerge'] : null);
      return out;
    }),
  };
}

/**
 * `generateRule` validate bodies, in Kyverno's order: pattern, deny, podSecurity, anyPattern, foreach,
 * cel. Returns the new `validate`, or undefined to fall through.
 */
function generateValidation(v: JsonObject, tplKey: string, shift: string): JsonObject | undefined {
  const message = str(v['message']);
  const pattern = v['pattern'];
  if (present(pattern)) {
    return rebuiltValidation(v, findAndShiftReferences(message, shift, 'pattern'), { pattern: wrap(tplKey, pattern) });
  }
  if (present(v['deny'])) {
    return rebuiltValidation(v, findAndShiftReferences(message, shift, 'deny'), { deny: v['deny'] });
  }
  const podSecurity = v['podSecurity'];
  if (present(podSecurity)) {
    const ps: JsonObject = isObject(podSecurity) ? podSecurity : {};
    const body: JsonObject = {};
    if (str(ps['level']) !== '') body['level'] = ps['level'] as string;
    if (str(ps['version']) !== '') body['version'] = ps['version'] as string;
    if (nonEmptyList(ps['exclude'])) body['exclude'] = [...ps['exclude']];
    return rebuiltValidation(v, findAndShiftReferences(message, shift, 'podSecurity'), { podSecurity: body });
  }
  const anyPattern = v['anyPattern'];
  if (present(anyPattern)) {
    // Not an array: Kyverno logs the decoding error and continues without patterns. An empty list of
    // patterns is encoded as null and dropped as well.
    const patterns = Array.isArray(anyPattern) ? anyPattern.map((p) => wrap(tplKey, p)) : [];
    const body: JsonObject = patterns.length > 0 ? { anyPattern: patterns } : {};
    return rebuiltValidation(v, findAndShiftReferences(message, shift, 'anyPattern'), body);
  }
  const foreach = v['foreach'];
  if (nonEmptyList(foreach)) {
    return rebuiltValidation(v, findAndShiftReferences(message, shift, 'pattern'), { foreach: [...foreach] });
  }
  if (present(v['cel']) && !isZeroCel(v['cel'])) return v;
  return undefined;
}

/**
 * `generateRule`: a copy of `rule` named `name`, with kinds rewritten for `kinds` and its body wrapped
 * under `tplKey`; undefined when the rule has no body autogen supports. Mutate rules keep only their
 * patchStrategicMerge (or foreach list/context/preconditions/patchStrategicMerge); rebuilt validate
 * bodies keep message (references shifted by `shift`), failureAction, failureActionOverrides and
 * allowExistingViolations; cel and verifyImages rules are kept whole.
 */
export function generateRule(
  name: string,
  source: GeneratedRule | undefined,
  tplKey: string,
  shift: string,
  kinds: readonly string[],
  grf: ResourceFiltersRewrite,
): GeneratedRule | undefined {
  if (source === undefined) return undefined;
  const rule = deepCopy(source.rule);
  const keepValidate = source.keepValidate;
  rule['name'] = name;
  rewriteKinds(rule, kinds, grf);
  if (isObject(rule['mutate'])) {
    const mutate = generateMutation(rule['mutate'], tplKey);
    if (mutate !== undefined) {
      rule['mutate'] = mutate;
      return { rule, keepValidate };
    }
  }
  if (isObject(rule['validate'])) {
    const validate = generateValidation(rule['validate'], tplKey, shift);
    if (validate !== undefined) {
      rule['validate'] = validate;
      return { rule, keepValidate: true };
    }
  }
  if (present(rule['verifyImages'])) return { rule, keepValidate };
  return undefined;
}

/**
 * `generateRuleForControllers`: the `autogen-<name>` rule for `controllers` (a comma list, `all`, or
 * `none`). Undefined for `autogen-*` rules, empty `controllers`, rules whose match kinds lack Pod, or
 * whose exclude has kinds without Pod. Of a list, only DaemonSet, Deployment, Job, StatefulSet,
 * ReplicaSet and ReplicationController are kept, unless none of them is there: then the list is used
 * as is. Kinds are sorted.
 * Example: controllers `Job,Deployment` -> match kinds `['apps/v1/Deployment', 'batch/v1/Job']`.
 */
export function generateRuleForControllers(rule: JsonObject, controllers: string): GeneratedRule | undefined {
  const ruleName = str(rule['name']);
  if (isAutogenRuleName(ruleName) || controllers === '') return undefined;
  const matchKinds = getMatchKinds(rule['match']);
  const excludeKinds = isObject(rule['exclude']) ? getMatchKinds(rule['exclude']) : [];
  if (!containsKind(matchKinds, 'Pod') || (excludeKinds.length !== 0 && !containsKind(excludeKinds, 'Pod'))) {
    return undefined;
  }
  let selected = controllers;
  if (controllers === 'all') {
    selected = ALL_CONTROLLERS_EXPANSION;
  } else if (controllers !== 'none') {
    const validated = splitKinds(controllers).filter((c) => ANNOTATION_CONTROLLERS.has(c));
    if (validated.length > 0) selected = validated.join(',');
  }
  return generateRule(
    getAutogenRuleName(AUTOGEN_PREFIX, ruleName),
    { rule, keepValidate: false },
    'template',
    'spec/template',
    splitKinds(selected),
    (filters, kinds) => getAnyAllAutogenRule(filters, 'Pod', kinds),
  );
}

/**
 * `generateCronJobRule`: the `autogen-cronjob-<name>` rule when `controllers` contains `CronJob` or
 * `all` (substring test), derived from the controllers rule for the same `controllers`.
 */
export function generateCronJobRule(rule: JsonObject, controllers: string): GeneratedRule | undefined {
  if (!controllers.includes(POD_CONTROLLER_CRONJOB) && !controllers.includes('all')) return undefined;
  return generateRule(
    getAutogenRuleName(AUTOGEN_CRONJOB_PREFIX, str(rule['name'])),
    generateRuleForControllers(rule, controllers),
    'jobTemplate',
    'spec/jobTemplate/spec/template',
    [POD_CONTROLLER_CRONJOB],
    allFiltersToKinds,
  );
}

/**
 * `stripCronJob`: the comma list without `CronJob`, sorted; `""` when nothing is left.
 * Example: `stripCronJob('Job,CronJob,Deployment')` -> `'Deployment,Job'`.
 */
export function stripCronJob(controllers: string): string {
  const kept = splitKinds(controllers).filter((c) => c !== POD_CONTROLLER_CRONJOB);
  return kept.join(',');
}
