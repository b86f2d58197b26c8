/**
 * Outcomes are data: the engine's rule and policy responses, mirroring
 * kyverno/pkg/engine/api/{rulestatus,ruleresponse,policyresponse,engineresponse}.go.
 */
import type { JsonObject, JsonValue, Resource } from './json.ts';

/**
 * pass: the resource satisfies the rule. fail: it does not. warn: reported as a warning (CLI only).
 * error: the rule could not be evaluated. skip: the rule did not apply (preconditions, anchors, exceptions).
 */
export type RuleStatus = 'pass' | 'fail' | 'warn' | 'error' | 'skip';

export type RuleType = 'Validation' | 'Mutation' | 'Generation' | 'ImageVerify' | 'Deletion';

export interface ExceptionRef {
  /** `namespace/name` of the PolicyException */
  key: string;
}

export interface PodSecurityCheckResult {
  id: string;
  allowed: boolean;
  forbiddenReason: string;
  forbiddenDetail: string;
  /** field errors: `{path, value}`; paths carry real indices (`spec.containers[0]...`); exclusions compare
   * them after turning index digits into `*` */
  errors?: Array<{ path: string; value: JsonValue }>;
  /** container images named in the failure (report `controlsJSON`) */
  images?: string[];
}

export interface RuleResponse {
  name: string;
  ruleType: RuleType;
  status: RuleStatus;
  message: string;
  /** generated / patched target objects (mutate existing, generate) */
  generatedResources?: Resource[];
  patchedTarget?: Resource;
  patchedTargetSubresourceName?: string;
  exceptions?: string[];
  podSecurityChecks?: { level: string; version: string; checks: PodSecurityCheckResult[] };
  /** report properties (reportProperties substituted) */
  properties?: Record<string, string>;
  /** emitted in Kyverno as part of the result for CEL policies */
  auditAnnotations?: Record<string, string>;
}

export function ruleResponse(
  name: string,
  ruleType: RuleType,
  status: RuleStatus,
  message: string,
): RuleResponse {
  return { name, ruleType, status, message };
}

export const rulePass = (name: string, t: RuleType, msg: string): RuleResponse => ruleResponse(name, t, 'pass', msg);
export const ruleFail = (name: string, t: RuleType, msg: string): RuleResponse => ruleResponse(name, t, 'fail', msg);
export const ruleSkip = (name: string, t: RuleType, msg: string): RuleResponse => ruleResponse(name, t, 'skip', msg);
export const ruleError = (name: string, t: RuleType, msg: string, err?: unknown): RuleResponse =>
  ruleResponse(name, t, 'error', err === undefined ? msg : `${msg}: ${errorMessage(err)}`);

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

export interface PolicyResponse {
  rules: RuleResponse[];
}

/** The response of one policy applied to one resource. */
export interface EngineResponse {
  /** the resource as it was given (or the patched resource for mutation) */
  resource: Resource;
  patchedResource: Resource;
  /** the policy object (any kind) */
  policy: { kind: string; apiVersion: string; metadata: { name?: string; namespace?: string; annotations?: Record<string, string> } } & JsonObject;
  namespaceLabels?: Record<string, string>;
  policyResponse: PolicyResponse;
  stats?: { processingTimeMs: number };
}
