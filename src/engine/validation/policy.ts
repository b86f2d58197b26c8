/**
 * Validation of a ClusterPolicy / Policy (kyverno.io/v1) as Kyverno's `policyvalidation.Validate`
 * (pkg/validation/policy/validate.go) runs it: the admission webhook rejects a policy with an error,
 * `kyverno apply` / `kyverno test` skip it. Checks run in Kyverno's order and stop at the first failing
 * step, so the reported error is the one Kyverno reports; a step that validates a list of fields (the
 * API-level checks, image verification) reports all its field errors, joined by `formatPolicyError`.
 *
 * Input: the policy as Kyverno sees it after decoding, i.e. with the CRD defaults applied (the API
 * server and the CLI's loader both apply them; see `applyPolicyCrdDefaults` in crd-defaults.ts).
 *
 * Offline by default (`kyverno apply/test`: no cluster, `mock`). Admission-time checks that need
 * cluster data take it from the options (`clusterResources`, `findResources`, `oldPolicy`,
 * `compileMatchConditions`, `generatePermissions`: the RBAC check of a generate rule, answered by the
 * caller beforehand since it needs SubjectAccessReviews); not performed at all: the other RBAC checks of
 * Kyverno's service accounts (mutate targets, the reports controller's warnings), the Kubernetes version check for `webhookConfiguration.matchConditions`
 * (offline Kyverno crashes on it) and CEL type checking of `validate.cel` against the cluster's schemas
 * (warnings only).
 *
 * Example: `formatPolicyError(validatePolicy(p).errors)` is `''` for a valid policy, else Kyverno's text,
 * e.g. `path: spec.rules[0].validate..: one of pattern, anyPattern, deny, foreach, cel must be specified`.
 */
import type { JsonValue } from '../api/json.ts';
import type { KyvernoPolicy, Rule } from '../api/policy.ts';
import { computeRules as autogenComputeRules, validateAutogenAnnotation } from '../autogen/index.ts';
import { parse as parseJmesPath } from '../jmespath/parser.ts';
import { ruleContextError } from './context-entries.ts';
import { formatPolicyError, plainError, type PolicyValidationError } from './errors.ts';
import { failureActionOverridesError } from './failure-action-overrides.ts';
import { elementOutsideForEachError } from './foreach-element.ts';
import { generateUpdateCheck } from './generate-updates.ts';
import { generateKindError, validateGenerateRule } from './generate-rule.ts';
import { validateJsonPatch } from './json-patch.ts';
import { missingKindsError, ruleKindLists, validateKinds, type FindResources } from './kinds.ts';
import { labelsAndAnnotationsAreStrings } from './labels.ts';
import type { ClusterResources } from './match-resources.ts';
import type { JmesPathCompiler } from './mock-context.ts';
import { validateMutateRule } from './mutate-rule.ts';
import { validatePolicyName, validateSpec } from './policy-spec.ts';
import { validateResources } from './resources.ts';
import { hasGenerate, hasMutate, hasValidate, hasVerifyImages, obj, objects, present, str, type Obj } from './rule-model.ts';
import { validateValidateRule } from './validate-rule.ts';
import { validateOnPolicyUpdate, validateVariables } from './variables.ts';
import { imageExtractorsError, validateImageVerification } from './verify-images.ts';
import {
  autogenExclusionWarning,
  deprecatedOperatorsInRule,
  failureActionWarnings,
  jsonPatchOnPodWarning,
  mutateSubresourceWarnings,
  ruleKinds,
  validateSubresourceWarnings,
  verifyImagesWarnings,
} from './warnings.ts';

export { formatPolicyError, type PolicyValidationError } from './errors.ts';
export type { FindResources } from './kinds.ts';
export type { ClusterResources } from './match-resources.ts';

/** One `webhookConfiguration.matchConditions` entry. */
export interface MatchConditionInput {
  name: string;
  expression: string;
}

export interface PolicyValidationOptions {
  /**
   * `mock` mode of Kyverno (default true, as `kyverno apply/test`): the offline checker is used for
   * generate rules. Set false for admission.
   */
  mock?: boolean;
  /** Admission: cluster-scoped kinds, as `Kind` and `group/version/Kind` (from discovery); offline none. */
  clusterResources?: ClusterResources;
  /** Admission, on update: the stored version of the policy (generate rules are checked against it). */
  oldPolicy?: KyvernoPolicy;
  /**
   * JMESPath syntax check (Kyverno compiles = parses variables and context jmesPaths); default the
   * engine's parser. Throws an Error with go-jmespath's message.
   */
  compileJmesPath?: JmesPathCompiler;
  /**
   * CEL compilation of `webhookConfiguration.matchConditions`: returns the compilation error texts
   * (empty when all compile). Not checked when absent.
   */
  compileMatchConditions?: (conditions: readonly MatchConditionInput[]) => string[];
  /**
   * Admission: API discovery for the matched kinds (`mock: false` only). Unknown kinds make Kyverno
   * accept the policy with a warning (and skip the remaining checks); subresources with background
   * validation are refused.
   */
  findResources?: FindResources;
  /** Rules plus autogen rules (`autogen.ComputeRules(policy, "")`); default the engine's autogen. */
  computeRules?: (policy: KyvernoPolicy) => readonly Rule[];
  /**
   * Admission in a cluster (`mock: false` only): whether Kyverno's service accounts may manage what a
   * generate rule generates (pkg/policy/generate `canIGenerate`, SubjectAccessReviews). Returns
   * `[path, message]` (path relative to `generate.`) for a missing permission. Not checked when absent
   * (standalone: Kyverno has no client to ask).
   */
  generatePermissions?: (rule: Obj) => readonly [string, string] | undefined;
}

export interface PolicyValidationResult {
  warnings: string[];
  /** empty when the policy is valid */
  errors: PolicyValidationError[];
}

const defaultCompile: JmesPathCompiler = (expr) => {
  parseJmesPath(expr);
};

function isEnforce(action: JsonValue | undefined): boolean {
  return action === 'Enforce' || action === 'enforce';
}

/** Validates a ClusterPolicy or Policy. See the module comment. */
export function validatePolicy(policy: KyvernoPolicy, opts: PolicyValidationOptions = {}): PolicyValidationResult {
  const warnings: string[] = [];
  const fail = (errors: PolicyValidationError[]): PolicyValidationResult => ({ warnings, errors });
  const failWith = (message: string, path = ''): PolicyValidationResult => fail([plainError(path, message)]);

  const p = policy as unknown as Obj;
  const metadata = obj(p['metadata']) ?? {};
  const spec = obj(p['spec']) ?? {};
  const kind = str(p['kind']);
  const namespaced = kind === 'Policy';
  const mock = opts.mock ?? true;
  const compile = opts.compileJmesPath ?? defaultCompile;
  const clusterResources: ClusterResources = opts.clusterResources ?? new Set();

  if (!namespaced && str(metadata['namespace']) !== '') {
    warnings.push('A clusterpolicy should not have the namespace defined');
    return failWith('A clusterpolicy should not have the namespace defined', 'metadata.namespace');
  }
  const background = spec['background'] !== false;
  const specRules = objects(spec['rules']);

  warnings.push(...failureActionWarnings(str(spec['validationFailureAction']), objects(spec['validationFailureActionOverrides'])));
  for (const rule of specRules) {
    const v = obj(rule['validate']);
    if (hasValidate(rule) && v && present(v['failureAction'])) {
      warnings.push(...failureActionWarnings(str(v['failureAction']), objects(v['failureActionOverrides'])));
    }
  }

  const matchConditions = obj(spec['webhookConfiguration'])?.['matchConditions'];
  if (Array.isArray(matchConditions) && opts.compileMatchConditions) {
    const conds = objects(matchConditions).map((c) => ({ name: str(c['name']), expression: str(c['expression']) }));
    const errs = opts.compileMatchConditions(conds);
    if (errs.length > 0) return failWith(`match conditions compilation errors: [${errs.join(' ')}]`, 'spec.webhookConfiguration.matchConditions');
  }

  let computed: Obj[];
  try {
    const rules = opts.computeRules ? opts.computeRules(policy) : autogenComputeRules(policy, '');
    computed = rules.map((r) => (obj(r as unknown as JsonValue) ?? {}) as Obj);
  } catch (err) {
    return failWith(err instanceof Error ? err.message : String(err));
  }

  const varErr = validateVariables({ policy: p, computedRules: computed, compile }, background);
  if (varErr !== undefined) return failWith(varErr);

  // API-level validation (policy.Validate(clusterResources))
  const apiErrors: PolicyValidationError[] = [];
  for (const m of validateAutogenAnnotation(policy.metadata?.annotations)) apiErrors.push(plainError('metadata.annotations', m));
  apiErrors.push(...validatePolicyName(str(metadata['name']), 'name'));
  apiErrors.push(...validateSpec(spec, 'spec', namespaced, str(metadata['namespace']), clusterResources, warnings));
  if (apiErrors.length > 0) return fail(apiErrors);

  if (!namespaced) {
    for (const [i, rule] of specRules.entries()) {
      if (!hasValidate(rule)) continue;
      const err = failureActionOverridesError(
        obj(rule['validate'])?.['failureActionOverrides'],
        `spec.rules[${i}].validate.validationFailureActionOverrides`,
      );
      if (err !== undefined) return failWith(err, `spec.rules[${i}].validate.failureActionOverrides`);
    }
    const err = failureActionOverridesError(spec['validationFailureActionOverrides'], 'spec.validationFailureActionOverrides');
    if (err !== undefined) return failWith(err, 'spec.validationFailureActionOverrides');
  }

  const admission = spec['admission'] !== false;
  if (!admission && !background) return failWith('disabling both admission and background processing is not allowed', 'spec.admission');
  if (!admission && specRules.some((r) => hasMutate(r) || hasGenerate(r) || hasVerifyImages(r))) {
    return failWith('disabling admission processing is only allowed with validation policies', 'spec.admission');
  }

  if (opts.oldPolicy) {
    const { warning, error } = generateUpdateCheck(spec, obj(opts.oldPolicy.spec as unknown as JsonValue) ?? {});
    if (warning !== '' || error !== '') {
      warnings.push(`no synchronization will be performed to the old target resource upon policy updates: ${warning}`);
      return error !== '' ? failWith(error, 'spec.rules') : { warnings, errors: [] };
    }
  }

  for (const [i, rule] of computed.entries()) {
    for (const { where, kinds } of ruleKindLists(rule)) {
      const r = validateKinds(kinds, rule, background, mock ? undefined : opts.findResources);
      if (r.warning !== undefined) {
        warnings.push(r.warning);
        return { warnings, errors: [] };
      }
      if (r.error !== undefined) return failWith(`path: spec.rules[${i}].${where}: ${r.error}`, `spec.rules[${i}].${where}`);
    }
  }

  for (const [i, rule] of computed.entries()) {
    const rulePath = `spec.rules[${i}]`;
    const mutate = obj(rule['mutate']);
    if (present(rule['mutate'])) {
      const err = validateJsonPatch(str(mutate?.['patchesJson6902']), i);
      if (err !== undefined) return failWith(err, `${rulePath}.mutate.patchesJson6902`);
    }
    const podPatch = jsonPatchOnPodWarning(rule);
    if (podPatch !== undefined) warnings.push(podPatch);

    const resErr = validateResources(rulePath, rule);
    if (resErr) return failWith(`path: ${rulePath}.${resErr[0]}: ${resErr[1]}`, `${rulePath}.${resErr[0]}`);

    const elementErr = elementOutsideForEachError(rule);
    if (elementErr !== undefined) return failWith(elementErr, rulePath);

    const ctxErr = ruleContextError(rule, compile);
    if (ctxErr !== undefined) return failWith(`path: ${rulePath}: ${ctxErr}`, `${rulePath}.context`);

    const extractorErr = imageExtractorsError(rule);
    if (extractorErr !== undefined) return failWith(`path: ${rulePath}: ${extractorErr}`, `${rulePath}.imageExtractors`);

    const kindErr = missingKindsError(rule);
    if (kindErr !== undefined) return failWith(kindErr, `${rulePath}.match`);

    // validateActions
    if (hasMutate(rule)) {
      const e = validateMutateRule(rule);
      if (e) return failWith(`path: ${rulePath}.mutate.${e[0]}.: ${e[1]}`, `${rulePath}.mutate`);
    }
    if (hasValidate(rule)) {
      const e = validateValidateRule(rule);
      if (e) return failWith(`path: ${rulePath}.validate.${e[0]}.: ${e[1]}`, `${rulePath}.validate`);
    }
    if (hasGenerate(rule)) {
      const e = validateGenerateRule(rule, mock) ?? (mock ? undefined : opts.generatePermissions?.(rule));
      if (e) return failWith(`path: ${rulePath}.generate.${e[0]}.: ${e[1]}`, `${rulePath}.generate`);
      const k = generateKindError(rule);
      if (k !== undefined) return failWith(k, `${rulePath}.generate.kind`);
    }

    if (hasVerifyImages(rule)) {
      let isAudit = !isEnforce(spec['validationFailureAction']);
      const errs: PolicyValidationError[] = [];
      objects(rule['verifyImages']).forEach((iv, index) => {
        if (present(iv['failureAction'])) isAudit = !isEnforce(iv['failureAction']);
        errs.push(...validateImageVerification(iv, isAudit, `${rulePath}.verifyImages[${index}]`));
      });
      if (errs.length > 0) return fail(errs);
    }

    const autogenWarning = autogenExclusionWarning(policy, rule);
    if (autogenWarning !== undefined) warnings.push(autogenWarning);

    if (!labelsAndAnnotationsAreStrings(rule)) {
      return failWith('labels and annotations supports only string values, "use double quotes around the non string values"', rulePath);
    }

    const kinds = ruleKinds(rule);
    validateSubresourceWarnings(rule, kinds, warnings);
    if (hasMutate(rule)) {
      mutateSubresourceWarnings(rule, kinds, warnings);
      const mutateExisting = mutate?.['mutateExistingOnPolicyUpdate'];
      const onUpdate = typeof mutateExisting === 'boolean' ? mutateExisting : spec['mutateExistingOnPolicyUpdate'] === true;
      if (onUpdate) {
        const err = validateOnPolicyUpdate({ policy: p, computedRules: computed, compile });
        if (err !== undefined) return failWith(err);
      }
    }
    verifyImagesWarnings(rule, kinds, warnings);
    deprecatedOperatorsInRule(rule, warnings);
  }
  return { warnings, errors: [] };
}

/** The error text Kyverno reports for a policy (`''` when valid). */
export function policyValidationMessage(policy: KyvernoPolicy, opts?: PolicyValidationOptions): string {
  return formatPolicyError(validatePolicy(policy, opts).errors);
}

