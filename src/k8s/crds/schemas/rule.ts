/**
 * Policy rules (api/kyverno/v1 rule_types.go, v2beta1 rule_types.go): selection, context,
 * preconditions and exactly the rule kinds Kyverno knows. v2beta1 types its preconditions and drops
 * the deprecated inline match fields.
 */
import type { JSONSchemaProps } from '../types.ts';
import { anyJson, arr, bool, mapOf, obj, str, stringMap } from './builders.ts';
import { matchCondition } from './admission.ts';
import { anyAllConditionsV2 } from './conditions.ts';
import { contextEntries } from './context.ts';
import { generation } from './generation.ts';
import { imageVerificationV1, imageVerificationV2 } from './image-verification.ts';
import { matchResources, matchResourcesV1 } from './match-resources.ts';
import { mutation } from './mutation.ts';
import { validationV1, validationV2 } from './validation.ts';

/** kyvernov1.ImageExtractorConfigs: kind -> extractors. */
export const imageExtractorConfigs = (): JSONSchemaProps =>
  mapOf(arr(obj({ jmesPath: str(), key: str(), name: str(), path: str(), value: str() }, { required: ['path'] })));

const ruleOf = (parts: {
  match: () => JSONSchemaProps;
  preconditions: () => JSONSchemaProps;
  validate: () => JSONSchemaProps;
  verifyImages: () => JSONSchemaProps;
}): JSONSchemaProps =>
  obj(
    {
      celPreconditions: arr(matchCondition()),
      context: contextEntries(),
      exclude: parts.match(),
      generate: generation(),
      imageExtractors: imageExtractorConfigs(),
      match: parts.match(),
      mutate: mutation(),
      name: str({ maxLength: 63 }),
      preconditions: parts.preconditions(),
      reportProperties: stringMap(),
      skipBackgroundRequests: bool({ default: true }),
      validate: parts.validate(),
      verifyImages: arr(parts.verifyImages()),
    },
    { required: ['match', 'name'] },
  );

/** kyvernov1.Rule. */
export const ruleV1 = (): JSONSchemaProps =>
  ruleOf({ match: matchResourcesV1, preconditions: anyJson, validate: validationV1, verifyImages: imageVerificationV1 });

/** kyvernov2beta1.Rule. */
export const ruleV2 = (): JSONSchemaProps =>
  ruleOf({ match: matchResources, preconditions: anyAllConditionsV2, validate: validationV2, verifyImages: imageVerificationV2 });
