/**
 * The errors the pattern walk passes around (Kyverno `validateAnchorError`, `fmt.Errorf` errors, `*PatternError`
 * and `multierr` combinations) and Kyverno's classification of them. Messages are built lazily: most failures
 * only need their kind and path; the text is computed when a message is shown or when Kyverno would classify
 * the error by searching its text.
 */

/** Error kinds: a plain error, the three typed anchor errors, and a `*PatternError` (skip bubble). */
export const ErrKind = {
  Plain: 0,
  Conditional: 1,
  Global: 2,
  Negation: 3,
  Pattern: 4,
} as const;
export type ErrKind = (typeof ErrKind)[keyof typeof ErrKind];

export const NEGATION_ANCHOR_ERR_MSG = 'negation anchor matched in resource';
export const CONDITIONAL_ANCHOR_ERR_MSG = 'conditional anchor mismatch';
export const GLOBAL_ANCHOR_ERR_MSG = 'global anchor mismatch';

/** One error of the pattern walk. */
export class PatternWalkError {
  private text: string | undefined;

  constructor(
    readonly kind: ErrKind,
    private readonly build: () => string,
    /** For `ErrKind.Pattern`: the PatternError's path and skip flag. */
    readonly path = '',
    readonly skip = false,
  ) {}

  /** The Go `err.Error()` text. */
  get message(): string {
    if (this.text === undefined) this.text = this.build();
    return this.text;
  }
}

/** `fmt.Errorf(...)`-style error. */
export function plainError(build: () => string): PatternWalkError {
  return new PatternWalkError(ErrKind.Plain, build);
}

/** `newConditionalAnchorError(msg)`: "conditional anchor mismatch: <msg>". */
export function conditionalAnchorError(msg: () => string): PatternWalkError {
  return new PatternWalkError(ErrKind.Conditional, () => CONDITIONAL_ANCHOR_ERR_MSG + ': ' + msg());
}

/** `newGlobalAnchorError(msg)`: "global anchor mismatch: <msg>". */
export function globalAnchorError(msg: () => string): PatternWalkError {
  return new PatternWalkError(ErrKind.Global, () => GLOBAL_ANCHOR_ERR_MSG + ': ' + msg());
}

/** `newNegationAnchorError(msg)`: "negation anchor matched in resource: <msg>". */
export function negationAnchorError(msg: () => string): PatternWalkError {
  return new PatternWalkError(ErrKind.Negation, () => NEGATION_ANCHOR_ERR_MSG + ': ' + msg());
}

/** `&PatternError{Err: multierr.Combine(errs...), Path: path, Skip: true}` (one error combines to itself). */
export function skipPatternError(errs: readonly PatternWalkError[], path: string): PatternWalkError {
  return new PatternWalkError(ErrKind.Pattern, () => errs.map((e) => e.message).join('; '), path, true);
}

function isError(err: PatternWalkError, kind: ErrKind, msg: string): boolean {
  if (err.kind === ErrKind.Conditional || err.kind === ErrKind.Global || err.kind === ErrKind.Negation) return err.kind === kind;
  // Kyverno: "error is not properly propagated" -> classify untyped errors by their text.
  return err.message.includes(msg);
}

/** Kyverno `anchor.IsConditionalAnchorError`. */
export function isConditionalAnchorError(err: PatternWalkError): boolean {
  return isError(err, ErrKind.Conditional, CONDITIONAL_ANCHOR_ERR_MSG);
}

/** Kyverno `anchor.IsGlobalAnchorError`. */
export function isGlobalAnchorError(err: PatternWalkError): boolean {
  return isError(err, ErrKind.Global, GLOBAL_ANCHOR_ERR_MSG);
}

/** Kyverno `anchor.IsNegationAnchorError`. */
export function isNegationAnchorError(err: PatternWalkError): boolean {
  return isError(err, ErrKind.Negation, NEGATION_ANCHOR_ERR_MSG);
}

/** Kyverno validate `skip(err)`: conditional or global anchor failure -> the rule does not apply. */
export function isSkipError(err: PatternWalkError): boolean {
  return isConditionalAnchorError(err) || isGlobalAnchorError(err);
}
