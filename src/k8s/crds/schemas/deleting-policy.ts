/**
 * DeletingPolicy / NamespacedDeletingPolicy (policies.kyverno.io): scheduled deletion of the resources
 * that match and pass the CEL conditions.
 */
import type { JSONSchemaProps } from '../types.ts';
import { dateTime, mapList, obj, oneOfStrings, str } from './builders.ts';
import { admissionMatchResources, matchCondition, variable } from './admission.ts';
import { conditionStatus } from './cel-common.ts';
import { resourceRoot } from './meta.ts';

/** metav1.DeletionPropagation values. */
export const DELETION_PROPAGATION_POLICIES = ['Foreground', 'Background', 'Orphan'] as const;

/** DeletingPolicySpec. */
export const deletingPolicySpec = (): JSONSchemaProps =>
  obj(
    {
      conditions: mapList(matchCondition(), ['name']),
      deletionPropagationPolicy: oneOfStrings(DELETION_PROPAGATION_POLICIES),
      matchConstraints: admissionMatchResources(),
      schedule: str(),
      variables: mapList(variable(), ['name']),
    },
    { required: ['schedule'] },
  );

/** DeletingPolicy and NamespacedDeletingPolicy. */
export const deletingPolicy = (): JSONSchemaProps =>
  resourceRoot(
    { spec: deletingPolicySpec(), status: obj({ conditionStatus: conditionStatus(), lastExecutionTime: dateTime() }) },
    ['spec'],
  );
