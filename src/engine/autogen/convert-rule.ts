/**
 * Final encoding of a generated rule (kyverno pkg/autogen/v1/rule.go: createRule, convertRule).
 * Kyverno copies the rule into a JSON-friendly struct that keeps only name, match, exclude,
 * celPreconditions, context, preconditions, mutate, validate, verifyImages, skipBackgroundRequests and
 * reportProperties (so `imageExtractors` is dropped), leaves out empty parts, JSON-encodes it, applies the
 * text rewrite (update-fields.ts) and decodes it back.
 */
import { isObject } from '../api/json.ts';
import type { JsonObject, JsonValue } from '../api/json.ts';
import type { Rule } from '../api/policy.ts';
import type { GeneratedRule } from './generate-rule.ts';
import { isZeroMatchResources, isZeroMutation, isZeroValidation } from './go-zero.ts';
import { updateFields } from './update-fields.ts';
import type { UpdateFieldsKind } from './update-fields.ts';

const present = (v: JsonValue | undefined): v is JsonValue => v !== undefined && v !== null;

/** `createRule`'s rule for preconditions: a non-empty legacy list, or an any/all object with a field set. */
function hasPreconditions(v: JsonValue | undefined): boolean {
  if (Array.isArray(v)) return v.length > 0;
  return isObject(v) && (present(v['any']) || present(v['all']));
}

/**
 * Encodes a generated rule for `kind` (`Pod` for controllers, `Cronjob` for CronJob); the result is a
 * fresh object in Go's field order. CEL mode is used when the rule has `validate.cel`.
 */
export function convertRule(generated: GeneratedRule, kind: UpdateFieldsKind): Rule {
  const { rule, keepValidate } = generated;
  const out: JsonObject = { name: typeof rule['name'] === 'string' ? rule['name'] : '' };
  const context = rule['context'];
  if (Array.isArray(context) && context.length > 0) out['context'] = context;
  const reportProperties = rule['reportProperties'];
  if (isObject(reportProperties) && Object.keys(reportProperties).length > 0) {
    out['reportProperties'] = reportProperties;
  }
  out['match'] = isZeroMatchResources(rule['match']) ? {} : (rule['match'] as JsonValue);
  if (isObject(rule['exclude']) && !isZeroMatchResources(rule['exclude'])) out['exclude'] = rule['exclude'];
  if (hasPreconditions(rule['preconditions'])) out['preconditions'] = rule['preconditions'] as JsonValue;
  const celPreconditions = rule['celPreconditions'];
  if (Array.isArray(celPreconditions) && celPreconditions.length > 0) out['celPreconditions'] = celPreconditions;
  if (isObject(rule['mutate']) && !isZeroMutation(rule['mutate'])) out['mutate'] = rule['mutate'];
  const validate = rule['validate'];
  if (isObject(validate) && (keepValidate || !isZeroValidation(validate))) out['validate'] = validate;
  if (present(rule['verifyImages'])) out['verifyImages'] = rule['verifyImages'];
  if (present(rule['skipBackgroundRequests'])) out['skipBackgroundRequests'] = rule['skipBackgroundRequests'];

  const cel = isObject(out['validate']) && present(out['validate']['cel']);
  const converted = updateFields(out, kind, cel);
  // Decoding into the existing struct merges maps: a reportProperties key changed by the rewrite is
  // added next to the original one.
  if (isObject(reportProperties) && isObject(converted['reportProperties'])) {
    converted['reportProperties'] = { ...reportProperties, ...converted['reportProperties'] };
  }
  return converted as unknown as Rule;
}
