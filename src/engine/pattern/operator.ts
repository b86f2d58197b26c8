/**
 * The operator prefix of a string pattern atom (Kyverno pkg/engine/operator): `>=`, `<=`, `>`, `<`, `!`,
 * the ranges `a-b` / `a!-b`, or plain equality. Used by the pattern language and by the `AnyIn`-family
 * condition operators to recognise ranges.
 */

/** The operators of a string pattern atom, spelled as Kyverno spells them (`''` is equality). */
export type PatternOperator = '' | '>=' | '<=' | '!' | '>' | '<' | '-' | '!-';

export const OP_EQUAL: PatternOperator = '';
export const OP_MORE_EQUAL: PatternOperator = '>=';
export const OP_LESS_EQUAL: PatternOperator = '<=';
export const OP_NOT_EQUAL: PatternOperator = '!';
export const OP_MORE: PatternOperator = '>';
export const OP_LESS: PatternOperator = '<';
export const OP_IN_RANGE: PatternOperator = '-';
export const OP_NOT_IN_RANGE: PatternOperator = '!-';

/** `1-10`, `1Gi-2Gi`, `10s-60s`, `-5-5`: both ends `[-|+]?\d+(\.\d+)?[A-Za-z]*`. */
export const IN_RANGE_REGEX = /^([-|+]?\d+(?:\.\d+)?[A-Za-z]*)-([-|+]?\d+(?:\.\d+)?[A-Za-z]*)$/;
/** `1!-10`: outside the range. */
export const NOT_IN_RANGE_REGEX = /^([-|+]?\d+(?:\.\d+)?[A-Za-z]*)!-([-|+]?\d+(?:\.\d+)?[A-Za-z]*)$/;

/**
 * Kyverno `GetOperatorFromStringPattern`: patterns shorter than 2 are equality; then the prefixes `>=`, `<=`,
 * `>`, `<`, `!` in that order; then the not-in-range and in-range forms; else equality.
 * `getOperatorFromStringPattern('!1-10')` = `'!'` (a negated literal, not a range).
 */
export function getOperatorFromStringPattern(pattern: string): PatternOperator {
  if (pattern.length < 2) return OP_EQUAL;
  const c0 = pattern[0];
  const c1 = pattern[1];
  if (c0 === '>' && c1 === '=') return OP_MORE_EQUAL;
  if (c0 === '<' && c1 === '=') return OP_LESS_EQUAL;
  if (c0 === '>') return OP_MORE;
  if (c0 === '<') return OP_LESS;
  if (c0 === '!') return OP_NOT_EQUAL;
  if (NOT_IN_RANGE_REGEX.test(pattern)) return OP_NOT_IN_RANGE;
  if (IN_RANGE_REGEX.test(pattern)) return OP_IN_RANGE;
  return OP_EQUAL;
}
