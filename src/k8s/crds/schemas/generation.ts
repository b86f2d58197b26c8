/**
 * `generate` rules (api/kyverno/v1 common_types.go `Generation`, `GeneratePattern`,
 * `ForEachGeneration`, `CloneFrom`, `CloneList`).
 */
import type { JSONSchemaProps } from '../types.ts';
import { anyJson, arr, bool, obj, str, strings } from './builders.ts';
import { foreachPreconditions } from './conditions.ts';
import { contextEntries } from './context.ts';
import { labelSelector } from './meta.ts';
import { resourceSpecFields } from './mutation.ts';

/** kyvernov1.GeneratePattern fields: the target plus `data`, `clone` or `cloneList`. */
const generatePatternFields = (): Record<string, JSONSchemaProps> => ({
  ...resourceSpecFields(),
  clone: obj({ name: str(), namespace: str() }),
  cloneList: obj({ kinds: strings(), namespace: str(), selector: labelSelector() }),
  data: anyJson(),
});

/** kyvernov1.ForEachGeneration. */
export const foreachGeneration = (): JSONSchemaProps =>
  obj({ ...generatePatternFields(), context: contextEntries(), list: str(), preconditions: foreachPreconditions() });

/** kyvernov1.Generation. */
export const generation = (): JSONSchemaProps =>
  obj({
    ...generatePatternFields(),
    foreach: arr(foreachGeneration()),
    generateExisting: bool(),
    orphanDownstreamOnPolicyDelete: bool(),
    synchronize: bool(),
  });
