/**
 * Generate rules: the downstream resources Kyverno's generate controller creates for a trigger
 * (kyverno/pkg/background/generate), plus the in-memory cluster the CLI evaluates them against.
 */
export { applyGeneratePolicy, generateForRules, generateResources, getUnstrResources, hasGenerate } from './apply.ts';
export type { GenerateRulesOutcome } from './apply.ts';
export { ClientError, isAlreadyExists, isNotFound } from './client.ts';
export type { ClientErrorReason, FoundResource, ResourceClient } from './client.ts';
export { GenerateError } from './errors.ts';
export type { GenerateErrorCode } from './errors.ts';
export { getKindFromGvk } from './kinds.ts';
export * from './labels.ts';
export {
  MemoryCluster,
  PREREGISTERED_RESOURCES,
  generateMockCluster,
  matchNamespaceName,
  testCluster,
} from './memory-cluster.ts';
export type { GroupVersionResource, MemoryClusterOptions } from './memory-cluster.ts';
export type { ResourceSpec } from './unstructured.ts';
