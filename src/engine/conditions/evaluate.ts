/**
 * Conditions: rule preconditions, deny conditions and foreach preconditions
 * (kyverno/pkg/engine/variables/evaluate.go, pkg/engine/internal/preconditions.go).
 *
 * `{any: [...], all: [...]}`: `any` (when present, even empty) needs one true condition and stops at the
 * first true; `all` is then evaluated and stops at the first false. Neither -> true. A legacy list means
 * `all` and stops at the first false. Messages: of the true conditions when the result is true, of the false
 * ones otherwise, joined with "; ".
 * Keys and values are variable-substituted first; a substitution failure is an error.
 */
import type { JsonValue } from '../api/json.ts';
import type { Condition, ConditionsWrapper } from '../api/policy.ts';
import type { JsonContext } from '../context/context.ts';
import { EngineError } from '../errors.ts';
import { evaluateOperator, isKnownOperator } from '../operators/index.ts';
import { prepareSubstitution, type PreparedSubstitution } from '../variables/substitute.ts';

export interface ConditionsResult {
  result: boolean;
  message: string;
}

export class ConditionError extends EngineError {
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super('CONDITION', message);
  }
}

function joinNonEmpty(parts: string[], sep: string): string {
  return parts.filter((p) => p !== '').join(sep);
}

/** A condition's key and value, prepared once for substitution (policy conditions do not change). */
interface PreparedCondition {
  key: PreparedSubstitution;
  value: PreparedSubstitution;
}

function prepared(ctx: JsonContext, c: Condition): PreparedCondition {
  // a malformed condition (not an object) is prepared every time: only objects can key the memo
  const memo = typeof c === 'object' && c !== null ? ctx.memo : undefined;
  let p = memo?.get(c) as PreparedCondition | undefined;
  if (!p) {
    p = { key: prepareSubstitution((c.key ?? null) as JsonValue), value: prepareSubstitution((c.value ?? null) as JsonValue) };
    memo?.set(c, p);
  }
  return p;
}

/** Evaluates one condition: [result, message]. Throws ConditionError on substitution/operator errors. */
export function evaluateCondition(ctx: JsonContext, c: Condition): [boolean, string] {
  const p = prepared(ctx, c);
  let key: JsonValue;
  let value: JsonValue;
  try {
    key = p.key(ctx);
  } catch (err) {
    throw new ConditionError(`failed to substitute variables in condition key: ${(err as Error).message}`, err);
  }
  try {
    value = p.value(ctx);
  } catch (err) {
    throw new ConditionError(`failed to substitute variables in condition value: ${(err as Error).message}`, err);
  }
  const op = c.operator ?? '';
  if (!isKnownOperator(op)) {
    throw new ConditionError('failed to create handler for condition operator: %!w(<nil>)');
  }
  return [evaluateOperator(op, key, value), c.message ?? ''];
}

/** Evaluates preconditions / deny conditions in either form. Undefined or null -> true. */
export function evaluateConditions(ctx: JsonContext, conditions: ConditionsWrapper | null | undefined): ConditionsResult {
  if (conditions === undefined || conditions === null) return { result: true, message: '' };
  if (Array.isArray(conditions)) {
    const trueMessages: string[] = [];
    for (const c of conditions) {
      const [val, msg] = evaluateCondition(ctx, c);
      if (!val) return { result: false, message: msg };
      trueMessages.push(msg);
    }
    return { result: true, message: joinNonEmpty(trueMessages, ';') };
  }
  if (typeof conditions !== 'object') throw new ConditionError('invalid preconditions');
  const anyConds = conditions.any;
  const allConds = conditions.all;
  let anyResult = true;
  let allResult = true;
  const falseMessages: string[] = [];
  const trueMessages: string[] = [];
  if (Array.isArray(anyConds)) {
    anyResult = false;
    for (const c of anyConds) {
      const [val, msg] = evaluateCondition(ctx, c);
      if (val) {
        anyResult = true;
        trueMessages.push(msg);
        break;
      }
      falseMessages.push(msg);
    }
  }
  if (Array.isArray(allConds)) {
    for (const c of allConds) {
      const [val, msg] = evaluateCondition(ctx, c);
      if (!val) {
        allResult = false;
        falseMessages.push(msg);
        break;
      }
      trueMessages.push(msg);
    }
  }
  const result = anyResult && allResult;
  return { result, message: joinNonEmpty(result ? trueMessages : falseMessages, '; ') };
}

/**
 * PolicyException conditions (kyverno/pkg/utils/conditions): every `all` condition must hold, then one `any`
 * condition (an empty `any` holds). Errors propagate (the exception is then not applied).
 */
export function checkAnyAllConditions(ctx: JsonContext, conditions: { any?: Condition[]; all?: Condition[] }): boolean {
  for (const c of conditions.all ?? []) {
    if (!evaluateCondition(ctx, c)[0]) return false;
  }
  const anyConds = conditions.any ?? [];
  for (const c of anyConds) {
    if (evaluateCondition(ctx, c)[0]) return true;
  }
  return anyConds.length === 0;
}
