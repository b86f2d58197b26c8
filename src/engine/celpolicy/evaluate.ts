/**
 * Synchronous evaluation of compiled policy expressions. The engine is synchronous: context ports
 * answer from data they hold (or throw `PendingFetch`), so an evaluation never has to wait.
 */
import type { CelActivation, CompiledCel } from '../cel/environment.ts';
import { CelEvalError } from '../cel/errors.ts';
import { celToJson } from '../cel/values.ts';

/** Evaluates `program`; throws `CelEvalError` on failure, `CEL_ASYNC` if a port answered asynchronously. */
export function evaluateSync(program: CompiledCel, activation: CelActivation): unknown {
  const r = program.evaluateWithCost(activation);
  if (r instanceof Promise) {
    r.catch(() => undefined);
    throw new CelEvalError('CEL_ASYNC', 'a context port answered asynchronously', program.path);
  }
  return r.value;
}

/** The message of an evaluation failure. */
export function evalErrorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The message of a failed validation (Kyverno's validating-policy engine): `messageExpression` when set
 * (its own failure becomes the message), else `message`, else the index of the expression.
 */
export function validationFailureMessage(
  v: { message: string; messageExpression?: CompiledCel | undefined },
  index: number,
  withVars: (p: CompiledCel) => CelActivation,
): string {
  let message = v.message;
  if (v.messageExpression) {
    try {
      const m = evaluateSync(v.messageExpression, withVars(v.messageExpression));
      message = typeof m === 'string' ? m : String(celToJson(m));
    } catch (e) {
      message = `failed to evaluate message expression: ${evalErrorMessage(e)}`;
    }
  }
  return message === '' ? `CEL expression validation failed at index ${index}` : message;
}
