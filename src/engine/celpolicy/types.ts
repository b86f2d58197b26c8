/**
 * The admissionregistration.k8s.io shapes the CEL policy kinds share (ValidatingAdmissionPolicy,
 * policies.kyverno.io ValidatingPolicy and friends): match constraints, match conditions, variables,
 * validations, audit annotations, params. Read from policy JSON as it was loaded (fields may be absent).
 */
import type { JsonObject } from '../api/json.ts';
import type { LabelSelector } from '../api/policy.ts';

/** `NamedRuleWithOperations`: a resource rule of `matchConstraints`. */
export interface NamedRuleWithOperations {
  apiGroups?: string[];
  apiVersions?: string[];
  /** `pods`, `pods/status`, `*`, `*\/scale` */
  resources?: string[];
  /** `CREATE`, `UPDATE`, `DELETE`, `CONNECT`, `*` */
  operations?: string[];
  /** `Cluster`, `Namespaced` or `*` (default) */
  scope?: string;
  resourceNames?: string[];
}

/** `MatchResources` (matchConstraints of a policy, matchResources of a binding). */
export interface MatchResources {
  namespaceSelector?: LabelSelector;
  objectSelector?: LabelSelector;
  resourceRules?: NamedRuleWithOperations[];
  excludeResourceRules?: NamedRuleWithOperations[];
  /** `Exact` or `Equivalent` (Kyverno's matcher compares exactly either way) */
  matchPolicy?: string;
}

export interface MatchCondition {
  name: string;
  expression: string;
}

export interface Variable {
  name: string;
  expression: string;
}

export interface Validation {
  expression: string;
  message?: string;
  messageExpression?: string;
  reason?: string;
}

export interface AuditAnnotation {
  key: string;
  valueExpression: string;
}

/** `ParamKind` of a ValidatingAdmissionPolicy (or a `validate.cel` rule). */
export interface ParamKind {
  apiVersion?: string;
  kind?: string;
}

/** `ParamRef` of a binding (or a `validate.cel` rule). */
export interface ParamRef {
  name?: string;
  namespace?: string;
  selector?: LabelSelector;
  /** `Allow` or `Deny` */
  parameterNotFoundAction?: string;
}

/** `Fail` (default) or `Ignore`. */
export type FailurePolicy = 'Fail' | 'Ignore';

/** Reads the failure policy field (anything but `Ignore` is `Fail`). */
export function failurePolicyOf(v: unknown): FailurePolicy {
  return v === 'Ignore' ? 'Ignore' : 'Fail';
}

/** Typed views of loosely-typed policy fields. */
export function asArray<T>(v: unknown): T[] {
  return Array.isArray(v) ? (v as T[]) : [];
}

export function asObject(v: unknown): JsonObject | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as JsonObject) : undefined;
}

export function asString(v: unknown): string {
  return typeof v === 'string' ? v : '';
}
