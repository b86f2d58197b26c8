/**
 * Engine error codes. Each thrown engine error carries a stable `code` (never branch on message text)
 * and, where it applies, a `path` (JSON pointer into the policy or resource).
 * Codes are listed in docs/errors.md and never reused for another meaning.
 */
export type EngineErrorCode =
  | 'INVALID_QUERY'
  | 'CONTEXT_SIZE_LIMIT'
  | 'CONTEXT_LOAD'
  | 'VARIABLE_SUBSTITUTION'
  | 'VARIABLE_NOT_FOUND'
  | 'REFERENCE_NOT_RESOLVED'
  | 'INVALID_VARIABLE'
  | 'CONDITION'
  | 'UNKNOWN_OPERATOR'
  | 'FOREACH'
  | 'PATCH'
  | 'PENDING_FETCH'
  | 'UNSUPPORTED'
  | 'INTERNAL';

export class EngineError extends Error {
  constructor(
    readonly code: EngineErrorCode,
    message: string,
    readonly path?: string,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

/** True for JMESPath's NotFoundError (`Unknown key "x" in path`), however it was wrapped. */
export function isNotFoundError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'JMESPATH_NOT_FOUND';
}
