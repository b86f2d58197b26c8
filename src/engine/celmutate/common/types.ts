/**
 * The parts of the admissionregistration.k8s.io and policies.kyverno.io APIs the CEL policy kinds share
 * (k8s.io/api/admissionregistration/v1 MatchResources, MatchCondition, Variable; Kyverno's CEL
 * PolicyException), as decoded JSON shapes.
 */
import type { LabelSelector } from '../../api/policy.ts';

export interface RuleWithOperations {
  operations?: string[];
  apiGroups?: string[];
  apiVersions?: string[];
  resources?: string[];
  /** `*` (default), `Cluster`, `Namespaced` */
  scope?: string;
}

export interface NamedRuleWithOperations extends RuleWithOperations {
  resourceNames?: string[];
}

export interface MatchResources {
  namespaceSelector?: LabelSelector | null;
  objectSelector?: LabelSelector | null;
  resourceRules?: NamedRuleWithOperations[];
  excludeResourceRules?: NamedRuleWithOperations[];
  matchPolicy?: string;
}

export interface MatchCondition {
  name?: string;
  expression?: string;
}

export interface Variable {
  name?: string;
  expression?: string;
}

export interface AuditAnnotation {
  key?: string;
  valueExpression?: string;
}

/** policies.kyverno.io PolicyException (the fields the engines read). */
export interface CelPolicyException {
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
  spec?: {
    policyRefs?: Array<{ name?: string; kind?: string }>;
    matchConditions?: MatchCondition[];
    images?: string[];
    allowedValues?: string[];
    reportResult?: string;
  };
}
