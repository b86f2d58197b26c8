/**
 * `mutate` rules (api/kyverno/v1 common_types.go `Mutation`, `ForEachMutation`; resource_spec_types.go
 * `TargetResourceSpec`). Patches are arbitrary JSON; a nested `foreach` is arbitrary JSON too.
 */
import type { JSONSchemaProps } from '../types.ts';
import { anyJson, arr, bool, obj, oneOfStrings, str } from './builders.ts';
import { foreachPreconditions } from './conditions.ts';
import { contextEntries } from './context.ts';
import { labelSelector } from './meta.ts';

/** kyvernov1.ResourceSpec fields. */
export const resourceSpecFields = (): Record<string, JSONSchemaProps> => ({
  apiVersion: str(),
  kind: str(),
  name: str(),
  namespace: str(),
  uid: str(),
});

/** kyvernov1.TargetResourceSpec: a mutate-existing target. */
export const targetResourceSpec = (): JSONSchemaProps =>
  obj({ ...resourceSpecFields(), context: contextEntries(), preconditions: anyJson(), selector: labelSelector() });

/** kyvernov1.ForEachMutation. */
export const foreachMutation = (): JSONSchemaProps =>
  obj({
    context: contextEntries(),
    foreach: anyJson(),
    list: str(),
    order: oneOfStrings(['Ascending', 'Descending']),
    patchStrategicMerge: anyJson(),
    patchesJson6902: str(),
    preconditions: foreachPreconditions(),
  });

/** kyvernov1.Mutation. */
export const mutation = (): JSONSchemaProps =>
  obj({
    foreach: arr(foreachMutation()),
    mutateExistingOnPolicyUpdate: bool(),
    patchStrategicMerge: anyJson(),
    patchesJson6902: str(),
    targets: arr(targetResourceSpec()),
  });
