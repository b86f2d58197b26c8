/** Typed errors of condition operators. */

/** An operator name Kyverno does not know (`CreateOperatorHandler` returns nil, the condition errors). */
export class UnknownOperatorError extends Error {
  readonly code = 'UNKNOWN_OPERATOR' as const;
  constructor(readonly operator: string) {
    super(`unknown condition operator: ${operator}`);
    this.name = 'UnknownOperatorError';
  }
}

/**
 * A case where Kyverno's Go code panics (e.g. the deprecated `In`/`NotIn` with a list key holding a non-string:
 * `interface conversion: interface {} is float64, not string`). Callers should treat it as a rule error.
 */
export class OperatorPanicError extends Error {
  readonly code = 'OPERATOR_PANIC' as const;
  constructor(message: string) {
    super(message);
    this.name = 'OperatorPanicError';
  }
}
