/**
 * Scalar matching of the validate pattern language (Kyverno pkg/engine/pattern `Validate`): a resource value
 * against a leaf pattern. String patterns support `|` (or) and `&` (and), the operators `>= <= > < !`, ranges
 * `a-b` / `a!-b`, and compare as durations, then quantities, then wildcard strings.
 *
 * Compile once, match many: {@link compileValuePattern} parses a pattern (operators, ranges, duration and
 * quantity operands) into a matcher function; {@link validateValue} is the one-shot form.
 *
 * Resource numbers are Go int64 when integral and float64 otherwise (how Kubernetes decodes JSON), which
 * decides how a number is rendered when compared as a string: int64 in decimal, float64 with `%f` for
 * durations/quantities and `%E` (shortest) for string comparison.
 */
import { isObject, type JsonValue } from '../api/json.ts';
import { parseDurationNs } from '../utils/duration.ts';
import { goFormatE, goFormatF } from '../utils/gofmt.ts';
import { goParseFloat, goParseInt, goTrimSpace, isGoInt64Number } from '../utils/goconv.ts';
import { parseQuantity } from '../utils/quantity.ts';
import { wildcardMatch } from '../utils/wildcard.ts';
import {
  getOperatorFromStringPattern,
  IN_RANGE_REGEX,
  NOT_IN_RANGE_REGEX,
  OP_EQUAL,
  OP_IN_RANGE,
  OP_LESS,
  OP_LESS_EQUAL,
  OP_MORE,
  OP_MORE_EQUAL,
  OP_NOT_EQUAL,
  OP_NOT_IN_RANGE,
  type PatternOperator,
} from './operator.ts';

/** A compiled leaf pattern: true when the resource value (undefined = missing = Go nil) matches. */
export type ValueMatcher = (value: JsonValue | undefined) => boolean;

/**
 * Go `convertNumberToString` (pattern.go): nil -> `"0"`, string as-is, int64 decimal, float64 `%f`;
 * other types cannot be compared as durations or quantities (`undefined`).
 */
function convertNumberToString(value: JsonValue | undefined): string | undefined {
  if (value === null || value === undefined) return '0';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return isGoInt64Number(value) ? BigInt(value).toString() : goFormatF(value);
  return undefined;
}

function compareByOp(c: number, op: PatternOperator): boolean {
  switch (op) {
    case OP_EQUAL:
      return c === 0;
    case OP_NOT_EQUAL:
      return c !== 0;
    case OP_MORE:
      return c > 0;
    case OP_LESS:
      return c < 0;
    case OP_MORE_EQUAL:
      return c >= 0;
    case OP_LESS_EQUAL:
      return c <= 0;
    default:
      return false;
  }
}

/** Go `compareString`: only `''` and `!` apply; the value is rendered (float `%E`, int decimal, bool) and wildcard-matched. */
function compareString(value: JsonValue | undefined, operand: string, op: PatternOperator): boolean {
  if (op !== OP_EQUAL && op !== OP_NOT_EQUAL) return false;
  let str: string;
  switch (typeof value) {
    case 'string':
      str = value;
      break;
    case 'number':
      str = isGoInt64Number(value) ? BigInt(value).toString() : goFormatE(value);
      break;
    case 'boolean':
      str = value ? 'true' : 'false';
      break;
    default:
      return false;
  }
  const matched = wildcardMatch(operand, str);
  return op === OP_NOT_EQUAL ? !matched : matched;
}

/** One atom with an operator (no `|`, `&` or range left): duration, then quantity, then string comparison. */
function compileOperand(operand: string, op: PatternOperator): ValueMatcher {
  const dur = parseDurationNs(operand);
  const qty = parseQuantity(operand);
  if (dur === undefined && qty === undefined) return (value) => compareString(value, operand, op);
  return (value) => {
    if (dur !== undefined) {
      const s = convertNumberToString(value);
      if (s !== undefined) {
        const d = parseDurationNs(s);
        if (d !== undefined) return compareByOp(d < dur ? -1 : d > dur ? 1 : 0, op);
      }
    }
    if (qty !== undefined) {
      const s = convertNumberToString(value);
      if (s !== undefined) {
        const q = parseQuantity(s);
        if (q !== undefined) return compareByOp(q.cmp(qty), op);
      }
    }
    return compareString(value, operand, op);
  };
}

const NEVER: ValueMatcher = () => false;

/** Go `validateStringPattern` for one atom (already split on `|` and `&` and space-trimmed). */
function compileAtom(pattern: string): ValueMatcher {
  const op = getOperatorFromStringPattern(pattern);
  if (op === OP_IN_RANGE) {
    const m = IN_RANGE_REGEX.exec(pattern);
    if (!m) return NEVER;
    const lower = compileAtom(`>= ${m[1]}`);
    const upper = compileAtom(`<= ${m[2]}`);
    return (value) => lower(value) && upper(value);
  }
  if (op === OP_NOT_IN_RANGE) {
    const m = NOT_IN_RANGE_REGEX.exec(pattern);
    if (!m) return NEVER;
    const below = compileAtom(`< ${m[1]}`);
    const above = compileAtom(`> ${m[2]}`);
    return (value) => below(value) || above(value);
  }
  return compileOperand(goTrimSpace(pattern.slice(op.length)), op);
}

function trimSpaces(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) === 0x20) start++;
  while (end > start && s.charCodeAt(end - 1) === 0x20) end--;
  return s.slice(start, end);
}

/** Go `validateStringPatterns`: exact string equality, else `|` alternatives of `&` conjunctions. */
function compileStringPattern(pattern: string): ValueMatcher {
  const alternatives = pattern.split('|').map((alt) => trimSpaces(alt).split('&').map((atom) => compileAtom(trimSpaces(atom))));
  if (alternatives.length === 1 && alternatives[0]!.length === 1) {
    const only = alternatives[0]![0]!;
    return (value) => value === pattern || only(value);
  }
  return (value) => {
    if (value === pattern) return true;
    for (const conj of alternatives) {
      let all = true;
      for (const atom of conj) {
        if (!atom(value)) {
          all = false;
          break;
        }
      }
      if (all) return true;
    }
    return false;
  };
}

function compileNumberPattern(pattern: number): ValueMatcher {
  if (isGoInt64Number(pattern)) {
    // Go int64 pattern: numbers must be equal; strings must parse with strconv.ParseInt.
    const big = BigInt(pattern);
    return (value) => {
      if (typeof value === 'number') return value === pattern;
      if (typeof value === 'string') return goParseInt(value) === big;
      return false;
    };
  }
  // Go float64 pattern: an integral (int64) value never matches; strings parse with strconv.ParseFloat.
  return (value) => {
    if (typeof value === 'number') return value === pattern;
    if (typeof value === 'string') return goParseFloat(value) === pattern;
    return false;
  };
}

const NIL_MATCHER: ValueMatcher = (value) => {
  switch (typeof value) {
    case 'undefined':
      return true;
    case 'number':
      return value === 0;
    case 'string':
      return value === '';
    case 'boolean':
      return !value;
    default:
      return value === null;
  }
};

const MAP_MATCHER: ValueMatcher = (value) => isObject(value);

/**
 * Compiles a leaf pattern (Kyverno `pattern.Validate`):
 * - bool: the value is the same bool (`"true"` does not match `true`);
 * - number: equal number, or a string that parses to it (`ParseInt` for integral patterns, `ParseFloat` else);
 * - null: matches missing/null, `0`, `""` and `false`;
 * - map: the value is a map (contents are not checked here); array: never matches;
 * - string: see the module comment. `compileValuePattern('>= 100Mi')('1Gi')` = true,
 *   `compileValuePattern('?*')(undefined)` = false, `compileValuePattern('<1')(undefined)` = true.
 */
export function compileValuePattern(pattern: JsonValue): ValueMatcher {
  switch (typeof pattern) {
    case 'boolean':
      return (value) => value === pattern;
    case 'number':
      return compileNumberPattern(pattern);
    case 'string':
      return compileStringPattern(pattern);
    default:
      break;
  }
  if (pattern === null) return NIL_MATCHER;
  if (Array.isArray(pattern)) return NEVER;
  return MAP_MATCHER;
}

/** One-shot {@link compileValuePattern}: `validateValue(5, '1-10')` = true. */
export function validateValue(value: JsonValue | undefined, pattern: JsonValue): boolean {
  return compileValuePattern(pattern)(value);
}
