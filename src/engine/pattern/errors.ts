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

/** Tells whether an error's text contains a marker without building the text. */
export type MarkerProbe = (marker: string) => boolean;

/** One error of the pattern walk. */
export class PatternWalkError {
  private text: string | undefined;

  constructor(
    readonly kind: ErrKind,
    private readonly build: () => string,
    /**
     * Answers `message.includes(marker)` for the three anchor-error markers. The markers contain no `'`,
     * `/`, `;`, `.` or `,`, so they cannot straddle the fixed text and the data of a message: probing the
     * data pieces alone gives the same answer as searching the full text.
     */
    private readonly probe: MarkerProbe | undefined,
    /** For `ErrKind.Pattern`: the PatternError's path and skip flag. */
    readonly path = '',
    readonly skip = false,
  ) {}

  /** The Go `err.Error()` text. */
  get message(): string {
    if (this.text === undefined) this.text = this.build();
    return this.text;
  }

  /** `strings.Contains(err.Error(), marker)`. */
  contains(marker: string): boolean {
    if (this.text !== undefined || this.probe === undefined) return this.message.includes(marker);
    return this.probe(marker);
  }
}

/** For messages made of fixed text and numbers or type names only. */
export const NO_MARKER: MarkerProbe = () => false;

/** A probe over data pieces that appear verbatim in a message (between fixed text no marker can straddle). */
export function probePieces(...pieces: (string | undefined)[]): MarkerProbe {
  return (marker) => pieces.some((p) => p !== undefined && p.includes(marker));
}

/** `fmt.Errorf(...)`-style error; `probe` may answer marker searches without building the text. */
export function plainError(build: () => string, probe?: MarkerProbe): PatternWalkError {
  return new PatternWalkError(ErrKind.Plain, build, probe);
}

/** `newConditionalAnchorError(inner.Error())`: "conditional anchor mismatch: <inner>". */
export function conditionalAnchorError(inner: PatternWalkError | string): PatternWalkError {
  return anchorError(ErrKind.Conditional, CONDITIONAL_ANCHOR_ERR_MSG, inner);
}

/** `newGlobalAnchorError(inner.Error())`: "global anchor mismatch: <inner>". */
export function globalAnchorError(inner: PatternWalkError | string): PatternWalkError {
  return anchorError(ErrKind.Global, GLOBAL_ANCHOR_ERR_MSG, inner);
}

/** `newNegationAnchorError(msg)`: "negation anchor matched in resource: <msg>". */
export function negationAnchorError(inner: PatternWalkError | string): PatternWalkError {
  return anchorError(ErrKind.Negation, NEGATION_ANCHOR_ERR_MSG, inner);
}

function anchorError(kind: ErrKind, prefix: string, inner: PatternWalkError | string): PatternWalkError {
  if (typeof inner === 'string') return new PatternWalkError(kind, () => prefix + ': ' + inner, (m) => m === prefix || inner.includes(m));
  return new PatternWalkError(kind, () => prefix + ': ' + inner.message, (m) => m === prefix || inner.contains(m));
}

/** `&PatternError{Err: multierr.Combine(errs...), Path: path, Skip: true}` (one error combines to itself). */
export function skipPatternError(errs: readonly PatternWalkError[], path: string): PatternWalkError {
  return new PatternWalkError(
    ErrKind.Pattern,
    () => errs.map((e) => e.message).join('; '),
    (m) => errs.some((e) => e.contains(m)),
    path,
    true,
  );
}

function isError(err: PatternWalkError, kind: ErrKind, marker: string): boolean {
  if (err.kind === ErrKind.Conditional || err.kind === ErrKind.Global || err.kind === ErrKind.Negation) return err.kind === kind;
  // Kyverno: "error is not properly propagated" -> classify untyped errors by their text.
  return err.contains(marker);
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
