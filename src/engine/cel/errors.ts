/**
 * CEL errors. Compile problems are returned as data (`CelCompileError`, carrying the expression's path
 * in the policy); evaluation failures are thrown as `CelEvalError` with a stable `code` and a message
 * worded like cel-go's (the text Kyverno puts into rule results), e.g. `no such key: annotations`.
 */

/** Stable codes for CEL failures; never branch on message text. */
export type CelErrorCode =
  /** the expression does not parse */
  | 'CEL_SYNTAX'
  /** the expression does not type-check (undeclared reference, no matching overload, ...) */
  | 'CEL_TYPE'
  /** the expression type-checks but its output type is not the one required (e.g. bool) */
  | 'CEL_OUTPUT_TYPE'
  /** a runtime error (no such key, overflow, division by zero, library function failure, ...) */
  | 'CEL_EVAL'
  /** the runtime cost limit was exceeded (`operation cancelled: actual cost limit exceeded`) */
  | 'CEL_COST_LIMIT'
  /** a synchronous evaluation was asked for an expression that needs an asynchronous port */
  | 'CEL_ASYNC';

/**
 * A compile-time problem with one expression, reported at policy load.
 * `message` is cel-go's wording, e.g.
 * `ERROR: <input>:1:1: undeclared reference to 'foo' (in container '')\n | foo\n | ^`.
 */
export class CelCompileError {
  readonly kind = 'CelCompileError';
  constructor(
    readonly code: 'CEL_SYNTAX' | 'CEL_TYPE' | 'CEL_OUTPUT_TYPE',
    /** field path of the expression in the policy, e.g. `spec.validations[0].expression` */
    readonly path: string,
    readonly expression: string,
    readonly message: string,
  ) {}

  /** Kubernetes field-error rendering: `<path>: Invalid value: "<expr>": <message>`. */
  toString(): string {
    return `${this.path}: Invalid value: ${JSON.stringify(this.expression)}: ${this.message}`;
  }
}

/** True for a compile result that failed. */
export function isCelCompileError(v: unknown): v is CelCompileError {
  return v instanceof CelCompileError;
}

/**
 * A runtime failure of a compiled expression. `message` follows cel-go (`no such key: x`,
 * `integer overflow`, `division by zero`, `operation cancelled: actual cost limit exceeded`).
 */
export class CelEvalError extends Error {
  constructor(
    readonly code: 'CEL_EVAL' | 'CEL_COST_LIMIT' | 'CEL_ASYNC',
    message: string,
    /** the expression's field path when known */
    readonly path?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CelEvalError';
  }
}

/**
 * An error raised by a library function, worded as the cel-go/Kubernetes/Kyverno function words it.
 * Library code throws this; the evaluator converts it into a `CelEvalError` with the same message.
 */
export class CelFunctionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CelFunctionError';
  }
}

/** Throws a `CelFunctionError`; handy in expression position. */
export function fail(message: string): never {
  throw new CelFunctionError(message);
}
