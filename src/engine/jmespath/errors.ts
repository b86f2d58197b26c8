/**
 * Errors raised by the JMESPath dialect. Messages are the texts Kyverno (go-jmespath fork + Kyverno's
 * functions) produces, so they can be shown verbatim in rule messages; branch on `code`, never on text.
 */

/**
 * A field was read from a map that does not have it (go-jmespath fork's NotFoundError).
 * Only escapes a search when no enclosing construct swallowed it (see interpreter.ts).
 * Example message: `Unknown key "labels" in path`.
 */
export class NotFoundError extends Error {
  readonly code = 'JMESPATH_NOT_FOUND' as const;
  constructor(readonly key: string) {
    super(`Unknown key "${key}" in path`);
    this.name = 'NotFoundError';
  }
}

/**
 * - `JMESPATH_SYNTAX`: the expression does not parse (lexer/parser/literal JSON errors), e.g.
 *   `SyntaxError: Unknown char: '$'`, `invalid character 'o' in literal false (expecting 'a')`.
 * - `JMESPATH_UNKNOWN_FUNCTION`: `unknown function: foo`.
 * - `JMESPATH_ARITY`: `incorrect number of args` / `Invalid arity.`.
 * - `JMESPATH_TYPE`: a built-in argument check failed: `Invalid type for: 1, expected: []jmespath.JpType{"string"}`.
 * - `JMESPATH_FUNCTION`: a function failed (Kyverno's `JMESPath function 'x': …`, Go library errors).
 * - `JMESPATH_RUNTIME`: evaluation error of the interpreter itself (`Invalid slice, step cannot be 0`).
 * - `JMESPATH_PANIC`: a situation where Go panics (e.g. `sort_by` over the result of `items()`); the
 *   message is the Go panic text. Never swallowed by the interpreter.
 */
export type JmesPathErrorCode =
  | 'JMESPATH_SYNTAX'
  | 'JMESPATH_UNKNOWN_FUNCTION'
  | 'JMESPATH_ARITY'
  | 'JMESPATH_TYPE'
  | 'JMESPATH_FUNCTION'
  | 'JMESPATH_RUNTIME'
  | 'JMESPATH_PANIC';

export class JmesPathError extends Error {
  constructor(
    readonly code: JmesPathErrorCode,
    message: string,
    /** for syntax errors: the expression and the offset (UTF-8 byte offset, as Go reports it) */
    readonly expression?: string,
    readonly offset?: number,
  ) {
    super(message);
    this.name = 'JmesPathError';
  }

  /**
   * Go's `SyntaxError.HighlightLocation()` for lexer/parser errors (`kyverno jp` prints it under the
   * message): the expression, then a caret under the error offset. Undefined for other errors (JSON
   * literal and index errors are not go-jmespath SyntaxErrors).
   */
  get highlight(): string | undefined {
    if (this.code !== 'JMESPATH_SYNTAX' || !this.message.startsWith('SyntaxError: ') || this.expression === undefined) return undefined;
    return `${this.expression}\n${' '.repeat(this.offset ?? 0)}^`;
  }
}

/** Kyverno's function error helpers (pkg/engine/jmespath/error.go). */
export function functionError(fn: string, detail: string): JmesPathError {
  return new JmesPathError('JMESPATH_FUNCTION', `JMESPath function '${fn}': ${detail}`);
}

/** `JMESPath function '<fn>': argument #<n> is not of type <type>` */
export function argumentTypeError(fn: string, n: number, type: string): JmesPathError {
  return functionError(fn, `argument #${n} is not of type ${type}`);
}

/** A Go library error returned unchanged by a function (e.g. time.Parse, base64). */
export function goError(message: string): JmesPathError {
  return new JmesPathError('JMESPATH_FUNCTION', message);
}

/** A Go runtime panic (type assertion failure, uncomparable values...). */
export function goPanic(message: string): JmesPathError {
  return new JmesPathError('JMESPATH_PANIC', message);
}
