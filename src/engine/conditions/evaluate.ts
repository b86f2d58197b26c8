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

const NO_CONDITIONS: ConditionsResult = Object.freeze({ result: true, message: '' });

/** Evaluates preconditions / deny conditions in either form. Undefined or null -> true. */
export function evaluateConditions(ctx: JsonContext, conditions: ConditionsWrapper | null | undefined): ConditionsResult {
  if (conditions === undefined || conditions === null) return NO_CONDITIONS;
  if (Array.isArray(conditions)) {
    // the messages of the true conditions, joined with ';' (most conditions have none)
    let message = '';
    for (const c of conditions) {
      const [val, msg] = evaluateCondition(ctx, c);
      if (!val) return { result: false, message: msg };
      if (msg !== '') message = message === '' ? msg : `${message};${msg}`;
    }
    return message === '' ? NO_CONDITIONS : { result: true, message };
  }
  if (typeof conditions !== 'object') throw new ConditionError('invalid preconditions');
  const anyConds = conditions.any;
  const allConds = conditions.all;
  let anyResult = true;
  let allResult = true;
  // the non-empty messages of the false and of the true conditions, each joined with '; '
  let falseMessage = '';
  let trueMessage = '';
  if (Array.isArray(anyConds)) {
    anyResult = false;
    for (const c of anyConds) {
      const [val, msg] = evaluateCondition(ctx, c);
      if (val) {
        anyResult = true;
        trueMessage = joinMessage(trueMessage, msg);
        break;
      }
      falseMessage = joinMessage(falseMessage, msg);
    }
  }
  if (Array.isArray(allConds)) {
    for (const c of allConds) {
      const [val, msg] = evaluateCondition(ctx, c);
      if (!val) {
        allResult = false;
        falseMessage = joinMessage(falseMessage, msg);
        break;
      }
      trueMessage = joinMessage(trueMessage, msg);
    }
  }
  if (anyResult && allResult) return trueMessage === '' ? NO_CONDITIONS : { result: true, message: trueMessage };
  return { result: false, message: falseMessage };
}

function joinMessage(joined: string, msg: string): string {
  if (msg === '') return joined;
  return joined === '' ? msg : `${joined}; ${msg}`;
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
