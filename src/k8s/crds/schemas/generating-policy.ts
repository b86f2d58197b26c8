/**
 * GeneratingPolicy / NamespacedGeneratingPolicy (policies.kyverno.io): each `generate` entry sets
 * exactly one of `expression` or `template` (a CEL validation rule on the item).
 */
import type { JSONSchemaProps } from '../types.ts';
import { arr, bool, mapList, obj, oneOfStrings, str } from './builders.ts';
import { admissionMatchResources, auditAnnotation, matchCondition, variable } from './admission.ts';
import { celWebhookConfiguration, conditionStatus, enabledSwitch } from './cel-common.ts';
import { resourceRoot } from './meta.ts';

/** A generation: a CEL expression or a template. */
export const generationEntry = (): JSONSchemaProps =>
  obj(
    {
      expression: str(),
      template: obj(
        { interpolate: oneOfStrings(['none', 'cel'], { default: 'none' }), value: str({ minLength: 1 }) },
        { required: ['value'] },
      ),
    },
    {
      'x-kubernetes-validations': [
        {
          message: 'exactly one of expression or template must be set',
          rule: '(has(self.expression) && !has(self.template)) || (!has(self.expression) && has(self.template))',
        },
      ],
    },
  );

/** GeneratingPolicySpec. */
export const generatingPolicySpec = (): JSONSchemaProps =>
  obj(
    {
      auditAnnotations: arr(auditAnnotation()),
      evaluation: obj({
        admission: enabledSwitch(true),
        generateExisting: enabledSwitch(false),
        orphanDownstreamOnPolicyDelete: enabledSwitch(false),
        skipBackgroundRequests: bool({ default: true }),
        synchronize: enabledSwitch(false),
      }),
      generate: arr(generationEntry(), { minItems: 1 }),
      matchConditions: mapList(matchCondition(), ['name']),
      matchConstraints: admissionMatchResources(),
      useServerSideApply: bool(),
      variables: mapList(variable(), ['name']),
      webhookConfiguration: celWebhookConfiguration(),
    },
    { required: ['generate'] },
  );

/** GeneratingPolicy and NamespacedGeneratingPolicy. */
export const generatingPolicy = (): JSONSchemaProps =>
  resourceRoot({ spec: generatingPolicySpec(), status: obj({ conditionStatus: conditionStatus() }) }, ['spec']);

