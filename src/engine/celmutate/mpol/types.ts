/** policies.kyverno.io MutatingPolicy / NamespacedMutatingPolicy, as decoded JSON (the fields the engine reads). */
import type { AuditAnnotation, MatchCondition, MatchResources, Variable } from '../common/types.ts';

export interface Mutation {
  patchType?: string;
  applyConfiguration?: { expression?: string };
  jsonPatch?: { expression?: string };
}

export interface TargetMatchConstraints extends MatchResources {
  expression?: string;
}

export interface MutatingPolicySpec {
  matchConstraints?: MatchResources;
  matchConditions?: MatchCondition[];
  failurePolicy?: string;
  variables?: Variable[];
  autogen?: { podControllers?: { controllers?: string[] }; mutatingAdmissionPolicy?: { enabled?: boolean } };
  targetMatchConstraints?: TargetMatchConstraints;
  targetMatchConditions?: MatchCondition[];
  mutations?: Mutation[];
  auditAnnotations?: AuditAnnotation[];
  evaluation?: {
    mode?: string;
    admission?: { enabled?: boolean };
    background?: { enabled?: boolean };
    mutateExisting?: { enabled?: boolean };
    useServerSideApply?: boolean;
  };
}

export interface MutatingPolicy {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  spec?: MutatingPolicySpec;
}

export function mutateExistingEnabled(spec: MutatingPolicySpec | undefined): boolean {
  return spec?.evaluation?.mutateExisting?.enabled === true;
}

export function admissionEnabled(spec: MutatingPolicySpec | undefined): boolean {
  return spec?.evaluation?.admission?.enabled !== false;
}
