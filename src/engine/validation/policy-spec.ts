/**
 * The API-level validation of a ClusterPolicy / Policy (api/kyverno/v1 `ClusterPolicy.Validate`,
 * `Policy.Validate`, `Spec.Validate`): autogen annotation, name length, removed/duplicated deprecated
 * fields, mutate-existing targets, webhook timeouts, rule names and rules, namespaced restrictions.
 * Returns every error found (Kyverno aggregates them into one message). The autogen annotation check is
 * autogen's `validateAutogenAnnotation`.
 */
import type { JsonValue } from '../api/json.ts';
import { childPath, fieldForbidden, fieldInvalid, fieldTooLong, indexPath, type PolicyValidationError } from './errors.ts';
import type { ClusterResources } from './match-resources.ts';
import { validateRuleSpec, ruleJson } from './rule-spec.ts';
import { hasMutate, obj, objects, present, str, type Obj } from './rule-model.ts';

/** `ValidatePolicyName`: at most 63 bytes (the name is stored in report labels). */
export function validatePolicyName(name: string, path: string): PolicyValidationError[] {
  return new TextEncoder().encode(name).length > 63 ? [fieldTooLong(path, 63)] : [];
}

function validateDeprecatedFields(spec: Obj, path: string): PolicyValidationError[] {
  const errs: PolicyValidationError[] = [];
  const wc = obj(spec['webhookConfiguration']);
  if (present(spec['webhookTimeoutSeconds']) && wc && present(wc['timeoutSeconds'])) {
    errs.push(fieldForbidden(childPath(path, 'webhookTimeoutSeconds'), 'remove the deprecated field and use spec.webhookConfiguration.timeoutSeconds instead'));
  }
  if (present(spec['failurePolicy']) && wc && present(wc['failurePolicy'])) {
    errs.push(fieldForbidden(childPath(path, 'failurePolicy'), 'remove the deprecated field and use spec.webhookConfiguration.failurePolicy instead'));
  }
  if (present(spec['generateExistingOnPolicyUpdate'])) {
    errs.push(fieldForbidden(childPath(path, 'generateExistingOnPolicyUpdate'), 'remove the deprecated field and use spec.generate[*].generateExisting instead'));
  }
  return errs;
}

function validateMutateTargets(spec: Obj, path: string): PolicyValidationError[] {
  const errs: PolicyValidationError[] = [];
  objects(spec['rules']).forEach((rule, i) => {
    if (!hasMutate(rule)) return;
    const mutate = obj(rule['mutate']) ?? {};
    if (spec['mutateExistingOnPolicyUpdate'] === true || mutate['mutateExistingOnPolicyUpdate'] === true) {
      if (objects(mutate['targets']).length === 0) {
        errs.push(
          fieldForbidden(
            childPath(path, 'mutateExistingOnPolicyUpdate'),
            `rules[${i}].mutate.targets has to be specified when mutateExistingOnPolicyUpdate is set`,
          ),
        );
      }
    }
  });
  return errs;
}

function timeoutOutOfRange(v: JsonValue | undefined): v is number {
  return typeof v === 'number' && (v < 1 || v > 30);
}

/** `Spec.ValidateRuleNames`: rule names are unique. */
function validateRuleNames(rules: Obj[], path: string): PolicyValidationError[] {
  const errs: PolicyValidationError[] = [];
  const names = new Set<string>();
  rules.forEach((rule, i) => {
    const name = str(rule['name']);
    if (names.has(name)) errs.push(fieldInvalid(childPath(indexPath(path, i), 'name'), ruleJson(rule), `Duplicate rule name: '${name}'`));
    names.add(name);
  });
  return errs;
}

/** `Spec.Validate(path, namespaced, policyNamespace, clusterResources)` */
export function validateSpec(
  spec: Obj,
  path: string,
  namespaced: boolean,
  policyNamespace: string,
  clusterResources: ClusterResources,
  warnings: string[],
): PolicyValidationError[] {
  const errs: PolicyValidationError[] = [];
  errs.push(...validateDeprecatedFields(spec, path));
  errs.push(...validateMutateTargets(spec, path));
  if (timeoutOutOfRange(spec['webhookTimeoutSeconds'])) {
    errs.push(fieldInvalid(childPath(path, 'webhookTimeoutSeconds'), spec['webhookTimeoutSeconds'], 'the timeout value must be between 1 and 30 seconds'));
  }
  const wc = obj(spec['webhookConfiguration']);
  if (wc && timeoutOutOfRange(wc['timeoutSeconds'])) {
    errs.push(
      fieldInvalid(childPath(path, 'webhookConfiguration.timeoutSeconds'), wc['timeoutSeconds'], 'the timeout value must be between 1 and 30 seconds'),
    );
  }
  const rulesPath = childPath(path, 'rules');
  const rules = objects(spec['rules']);
  errs.push(...validateRuleNames(rules, rulesPath));
  rules.forEach((rule, i) => {
    errs.push(...validateRuleSpec(rule, indexPath(rulesPath, i), namespaced, policyNamespace, clusterResources, warnings));
  });
  if (namespaced && objects(spec['validationFailureActionOverrides']).length > 0) {
    errs.push(fieldForbidden(childPath(path, 'validationFailureActionOverrides'), 'Use of validationFailureActionOverrides is supported only with ClusterPolicy'));
  }
  return errs;
}
