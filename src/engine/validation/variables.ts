/**
 * Variable checks of a policy (pkg/validation/policy/validate.go `ValidateVariables`,
 * `ValidateOnPolicyUpdate`, `hasInvalidVariables`, `ruleForbiddenSectionsHaveVariables`, and
 * background.go `containsUserVariables`).
 *
 * - No variables in match/exclude, JSON-patch paths or image references.
 * - Background policies (and mutate-existing on policy update) may not use user information
 *   (background.ts).
 * - Every variable must be an allowed one (see mock-context.ts).
 */
import { isObject, type JsonObject, type JsonValue } from '../api/json.ts';
import { findAll, REGEX_VARIABLES } from '../variables/regex.ts';
import { substituteReferences } from '../variables/substitute.ts';
import { goStructJson, goStructValue, MATCH_RESOURCES, POLICY, RULE } from './go-types.ts';
import { jsonPatchPathHasVariables } from './json-patch.ts';
import { allowedVariables, checkVariables, MockContext, type JmesPathCompiler } from './mock-context.ts';
import {
  hasValidateImageVerification,
  list,
  obj,
  objects,
  present,
  str,
  strings,
  type Obj,
} from './rule-model.ts';
import { textHasSimpleVariable } from './variable-text.ts';
import { userVariablesError } from './background.ts';

/** What the variable checks need from the policy and the caller. */
export interface VariableCheckInput {
  policy: Obj;
  /** the policy rules plus autogen rules (`autogen.ComputeRules(policy, "")`) */
  computedRules: readonly Obj[];
  compile: JmesPathCompiler;
}

/**
 * `hasVariables`: the `{{...}}` variables of the serialized policy (the last-applied-configuration
 * annotation blanked, autogen status dropped), in document order.
 */
export function policyVariables(policy: Obj): string[] {
  const copy: JsonObject = { ...policy };
  const meta = obj(policy['metadata']);
  if (meta) {
    const ann = obj(meta['annotations']);
    if (ann) copy['metadata'] = { ...meta, annotations: { ...ann, 'kubectl.kubernetes.io/last-applied-configuration': '' } };
  }
  const status = obj(policy['status']);
  if (status) {
    const autogen = obj(status['autogen']);
    if (autogen) {
      const { rules: _rules, ...rest } = autogen;
      copy['status'] = { ...status, autogen: rest };
    }
  }
  const text = goStructJson(POLICY, copy);
  const out: string[] = [];
  REGEX_VARIABLES.lastIndex = 0;
  for (let m = REGEX_VARIABLES.exec(text); m !== null; m = REGEX_VARIABLES.exec(text)) out.push(m[2] as string);
  REGEX_VARIABLES.lastIndex = 0;
  return out;
}

/** `ImageVerification.Convert().ImageReferences` */
function imageReferences(iv: Obj): string[] {
  const refs = strings(iv['imageReferences']);
  if (str(iv['image']) === '' && str(iv['key']) === '' && str(iv['issuer']) === '') return refs;
  return str(iv['image']) !== '' ? [...refs, str(iv['image'])] : refs;
}

/** `ruleForbiddenSectionsHaveVariables` */
export function forbiddenSectionVariablesError(rule: Obj): string | undefined {
  const name = str(rule['name']);
  const mutate = obj(rule['mutate']);
  if (mutate && jsonPatchPathHasVariables(str(mutate['patchesJson6902']))) {
    return `rule "${name}" should not have variables in patchesJSON6902 path section`;
  }
  if (present(rule['exclude']) && textHasSimpleVariable(goStructJson(MATCH_RESOURCES, rule['exclude']))) {
    return `rule "${name}" should not have variables in exclude section`;
  }
  if (textHasSimpleVariable(goStructJson(MATCH_RESOURCES, rule['match']))) {
    return `rule "${name}" should not have variables in match section`;
  }
  for (const iv of objects(rule['verifyImages'])) {
    for (const ref of imageReferences(iv)) {
      if (findAll(REGEX_VARIABLES, ref).length > 0) return `rule "${name}" should not have variables in image reference section`;
    }
  }
  return undefined;
}

function addContextVariables(entries: JsonValue | undefined, ctx: MockContext): void {
  for (const e of objects(entries)) {
    const name = str(e['name']);
    if (present(e['apiCall']) || present(e['globalReference']) || present(e['imageRegistry']) || present(e['variable'])) {
      ctx.addVariable(`${name}*`);
    }
    if (present(e['configMap'])) {
      ctx.addVariable(`${name}.data`);
      ctx.addVariable(`${name}.metadata`);
      ctx.addVariable(`${name}.data.*`);
      ctx.addVariable(`${name}.metadata.*`);
    }
  }
}

/** `buildContext(rule, background, target)` */
function buildContext(rule: Obj, background: boolean, target: boolean, compile: JmesPathCompiler): MockContext {
  const ctx = new MockContext(allowedVariables(background, target), compile);
  addContextVariables(rule['context'], ctx);
  if (hasValidateImageVerification(rule)) {
    for (const iv of objects(rule['verifyImages'])) for (const a of objects(iv['attestations'])) ctx.addVariable(`${str(a['name'])}*`);
  }
  const validate = obj(rule['validate']);
  if (validate) for (const fe of objects(validate['foreach'])) addContextVariables(fe['context'], ctx);
  const mutate = obj(rule['mutate']);
  if (mutate) {
    for (const fe of objects(mutate['foreach'])) addContextVariables(fe['context'], ctx);
    for (const t of objects(mutate['targets'])) addContextVariables(t['context'], ctx);
  }
  const generate = obj(rule['generate']);
  if (generate) for (const fe of objects(generate['foreach'])) addContextVariables(fe['context'], ctx);
  return ctx;
}

/** `SubstituteAllInRule` against a mock context; returns the error text or undefined. */
function substitutionError(rule: Obj, ctx: MockContext): string | undefined {
  try {
    const doc = goStructValue(RULE, rule);
    checkVariables(ctx, substituteReferences(doc));
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  return undefined;
}

/** The rule with attestation conditions dropped (they are checked at runtime). */
function withoutAttestationConditions(rule: Obj): Obj {
  const ivs = list(rule['verifyImages']);
  if (!ivs) return rule;
  return {
    ...rule,
    verifyImages: ivs.map((iv) => {
      if (!isObject(iv) || !Array.isArray(iv['attestations'])) return iv;
      return { ...iv, attestations: iv['attestations'].map((a) => (isObject(a) ? { ...a, conditions: null } : a)) };
    }),
  };
}

const RESOURCE_SPEC_KEYS = ['apiVersion', 'kind', 'namespace', 'name', 'uid'];

/** `hasInvalidVariables(policy, background)` */
export function invalidVariablesError(computedRules: readonly Obj[], background: boolean, compile: JmesPathCompiler): string | undefined {
  for (const r of computedRules) {
    const forbidden = forbiddenSectionVariablesError(r);
    if (forbidden !== undefined) return forbidden;
    const rule = withoutAttestationConditions(r);
    const mutate = obj(rule['mutate']);
    const targets = mutate ? list(mutate['targets']) : undefined;
    let mutateTarget = false;
    if (targets) {
      mutateTarget = true;
      const specs: JsonObject[] = targets.map(() => ({}));
      for (let i = 0; i < targets.length; i++) {
        const t = obj(targets[i]) ?? {};
        const spec: JsonObject = {};
        for (const k of RESOURCE_SPEC_KEYS) if (t[k] !== undefined) spec[k] = t[k] as JsonValue;
        specs[i] = spec;
        const withTargetOnly: JsonObject = { name: '', match: {}, mutate: { targets: specs.slice() } };
        if (rule['context'] !== undefined) withTargetOnly['context'] = rule['context'] as JsonValue;
        if (rule['preconditions'] !== undefined) withTargetOnly['preconditions'] = rule['preconditions'] as JsonValue;
        const err = substitutionError(withTargetOnly, buildContext(withTargetOnly, background, false, compile));
        if (err !== undefined) return `invalid variables defined at mutate.targets[${i}]: ${err}`;
      }
    }
    const err = substitutionError(rule, buildContext(rule, background, mutateTarget, compile));
    if (err !== undefined) return `variable substitution failed for rule ${str(rule['name'])}: ${err}`;
  }
  return undefined;
}

/** `ValidateVariables(policy, background)`: the error text or undefined. */
export function validateVariables(input: VariableCheckInput, background: boolean): string | undefined {
  const vars = policyVariables(input.policy);
  if (background) {
    const err = userVariablesError(input.policy, input.computedRules, vars);
    if (err !== undefined) {
      return `only select variables are allowed in background mode. Set spec.background=false to disable background mode for this policy rule: ${err} `;
    }
  }
  const err = invalidVariablesError(input.computedRules, background, input.compile);
  if (err !== undefined) return `policy contains invalid variables: ${err}`;
  return undefined;
}

/** `ValidateOnPolicyUpdate(policy, true)` (mutate existing on policy update). */
export function validateOnPolicyUpdate(input: VariableCheckInput): string | undefined {
  const vars = policyVariables(input.policy);
  if (vars.length === 0) return undefined;
  const err = invalidVariablesError(input.computedRules, true, input.compile);
  if (err !== undefined) return `update event, policy contains invalid variables: ${err}`;
  const userErr = userVariablesError(input.policy, input.computedRules, vars);
  if (userErr !== undefined) {
    return `only select variables are allowed in on policy update. Set spec.mutateExistingOnPolicyUpdate=false to disable update policy mode for this policy rule: ${userErr} `;
  }
  return undefined;
}

