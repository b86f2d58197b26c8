/**
 * Policy validation as the CLI runs it before evaluation (policyvalidation.Validate with no cluster):
 * invalid policies are skipped and reported.
 */
import type { KyvernoPolicy } from '../engine/api/policy.ts';
import { formatPolicyError, validatePolicy } from '../engine/validation/policy.ts';

export interface PolicyValidation {
  warnings: string[];
  errors: Array<{ path: string; message: string }>;
}

export function validateKyvernoPolicy(policy: KyvernoPolicy): PolicyValidation {
  return validatePolicy(policy);
}

export function formatPolicyValidation(v: PolicyValidation): string {
  return formatPolicyError(v.errors);
}
