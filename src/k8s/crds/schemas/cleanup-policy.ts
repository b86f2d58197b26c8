/**
 * CleanupPolicy / ClusterCleanupPolicy (api/kyverno/v2 cleanup_policy_types.go; v2beta1 is
 * identical): a cron schedule, match/exclude, context and conditions.
 */
import type { JSONSchemaProps } from '../types.ts';
import { arr, dateTime, obj, oneOfStrings, str } from './builders.ts';
import { anyAllConditionsV2 } from './conditions.ts';
import { contextEntries } from './context.ts';
import { DELETION_PROPAGATION_POLICIES } from './deleting-policy.ts';
import { matchResources } from './match-resources.ts';
import { condition, resourceRoot } from './meta.ts';

/** kyvernov2.CleanupPolicySpec. */
export const cleanupPolicySpec = (): JSONSchemaProps =>
  obj(
    {
      conditions: anyAllConditionsV2(),
      context: contextEntries(),
      deletionPropagationPolicy: oneOfStrings(DELETION_PROPAGATION_POLICIES),
      exclude: matchResources(),
      match: matchResources(),
      schedule: str(),
    },
    { required: ['match', 'schedule'] },
  );

/** kyvernov2.CleanupPolicyStatus. */
export const cleanupPolicyStatus = (): JSONSchemaProps =>
  obj({ conditions: arr(condition()), lastExecutionTime: dateTime() });

/** CleanupPolicy and ClusterCleanupPolicy. */
export const cleanupPolicy = (): JSONSchemaProps =>
  resourceRoot({ spec: cleanupPolicySpec(), status: cleanupPolicyStatus() }, ['spec']);
