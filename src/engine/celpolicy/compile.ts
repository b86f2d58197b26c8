/**
 * Compiling policy expressions and reporting problems the way Kubernetes field errors read
 * (`spec.validations[0].expression: Invalid value: "expr": <cel-go message>`), plus the translation of
 * cel-go type names (a compiled expression's output type) into declarations for typed `variables`.
 */
import type { CelEnvironment, CompiledCel } from '../cel/environment.ts';
import { isCelCompileError } from '../cel/errors.ts';
import { goQuote } from '../utils/goconv.ts';

/** A `field.Error` of the Invalid type, rendered. */
export function fieldInvalid(path: string, value: string, detail: string): string {
  return `${path}: Invalid value: ${goQuote(value)}: ${detail}`;
}

/** `utilerrors.NewAggregate(errs).Error()`: one message as is, several (deduplicated) as `[a, b]`. */
export function aggregate(messages: readonly string[]): string {
  if (messages.length === 1) return messages[0] as string;
  const unique = [...new Set(messages)];
  if (unique.length === 1) return unique[0] as string;
  return `[${unique.join(', ')}]`;
}

/** Outcome of compiling one policy expression. */
export type CompileResult = { ok: true; program: CompiledCel } | { ok: false; error: string; detail: string };

/**
 * Compiles `expression` at `path` (Kyverno's compilers): a syntax/type problem or an output type other
 * than one of `outputTypes` gives `{ok: false, error: 'path: Invalid value: "expr": detail'}`.
 */
export function compileField(env: CelEnvironment, expression: string, path: string, outputTypes?: readonly string[]): CompileResult {
  const p = env.compile(expression, { path, outputType: outputTypes });
  if (isCelCompileError(p)) return { ok: false, error: fieldInvalid(path, expression, p.message), detail: p.message };
  return { ok: true, program: p };
}

/**
 * Translates a cel-go type name (`list(string)`, `map(string, dyn)`, `optional_type(int)`,
 * `null_type`) into the declaration syntax of the environment (`list<string>`, ...).
 * `celJsType('map(string, list(int))')` = `map<string, list<int>>`.
 */
export function celJsType(goName: string): string {
  return goName
    .replace(/optional_type\(/g, 'optional(')
    .replace(/\(/g, '<')
    .replace(/\)/g, '>')
    .replace(/\bnull_type\b/g, 'null');
}
