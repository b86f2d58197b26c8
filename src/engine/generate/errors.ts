/**
 * Failures of the generate controller (kyverno/pkg/background/generate). Messages are Kyverno's; `code`
 * is stable. `notFound` is true when Go's `apierrors.IsNotFound` would hold for the error (only API errors
 * returned as they are, or wrapped with `%w`): ApplyGeneratePolicy then yields no resources and no error.
 */
import { isNotFound } from './client.ts';

export type GenerateErrorCode =
  /** `failed to load rule level context: …` (ApplyGeneratePolicy) */
  | 'RULE_CONTEXT'
  /** `failed to load context: …` (generator) */
  | 'CONTEXT'
  /** `failed to parse preconditions: …` / `failed to evaluate preconditions: …` */
  | 'PRECONDITIONS'
  /** variable substitution in the generate pattern failed */
  | 'SUBSTITUTION'
  /** the substituted pattern does not decode (e.g. a name that is not a string) */
  | 'PATTERN'
  /** `data` is not an object */
  | 'DATA'
  /** `source resource <target> not found: …` (clone) */
  | 'SOURCE_NOT_FOUND'
  /** `failed to get target resource <target>: …`, or an unexpected error reading the target */
  | 'TARGET'
  /** `failed to list source resource for cloneList …` */
  | 'LIST'
  /** creating, updating or applying a downstream resource failed */
  | 'WRITE'
  /** `failed to evaluate N foreach list: …`, `failed to process N foreach in rule R: …` */
  | 'FOREACH'
  /** reading back a generated resource failed (GetUnstrResources) */
  | 'FETCH';

export class GenerateError extends Error {
  readonly notFound: boolean;
  constructor(
    readonly code: GenerateErrorCode,
    message: string,
    /** the API error when it is kept as is / wrapped with %w */
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'GenerateError';
    this.notFound = isNotFound(cause);
  }
}

/** The text of any thrown value (Go's `err.Error()`). */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Lets a pending fetch escape even when it is wrapped (variable substitution wraps the error a lazily
 * loaded context entry throws): `rethrowPending` is tried on the error and each of its causes.
 */
export function rethrowPendingCause(rt: { rethrowPending(err: unknown): void }, err: unknown): void {
  for (let e = err, depth = 0; e !== undefined && e !== null && depth < 10; e = (e as { cause?: unknown }).cause, depth++) rt.rethrowPending(e);
}
