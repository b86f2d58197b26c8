/**
 * Compiling and evaluating the expressions of a CEL policy (Kyverno pkg/cel/compiler compiler.go and the
 * per-kind `Policy.match` / lazily bound `variables`):
 * - compile problems become Kubernetes field errors (`spec.matchConditions[0].expression: Invalid value:
 *   "<expr>": <message>`), the policy is then unusable;
 * - match conditions: every condition is evaluated in order; the first `false` decides; otherwise the
 *   errors (joined with `; `, as multierr does) are the outcome;
 * - variables are evaluated on first use, once per evaluation, and see the same activation;
 * - audit annotations: string results kept when non-empty.
 *
 * ```ts
 * const env = policyEnvironment({ kind: 'mutating', namespaced: false });
 * const mc = compileExpressions(env, spec.matchConditions, 'spec.matchConditions', 'bool', errs);
 * ```
 */
import type { Clock, RandomSource } from '../../api/request.ts';
import { createCelEnvironment, type CelActivation, type CelEnvironment, type CelObjectType, type CompiledCel } from '../../cel/environment.ts';
import { CelEvalError, isCelCompileError } from '../../cel/errors.ts';
import { KUBERNETES_OBJECT_TYPES } from '../../cel/kubernetes-types.ts';
import type { CelLibrary } from '../../cel/library.ts';
import { defaultCelLibraries } from '../../cel/libs/index.ts';
import { goQuote } from '../../utils/goconv.ts';
import { rewriteMessageSyntax } from '../message-syntax.ts';
import { mutationLibrary } from '../mutation-library.ts';

/** `libs.Exception`: what matched partial exceptions allow. */
const EXCEPTION_TYPE: CelObjectType = { name: 'libs.Exception', fields: { allowedImages: 'list<string>', allowedValues: 'list<string>' } };

export interface PolicyEnvironmentOptions {
  /** namespaced policies get the namespaced resource (and generator) contexts */
  readonly namespaced: boolean;
  /** extra libraries (generator...) */
  readonly libraries?: readonly CelLibrary[];
  /** extra declared variables */
  readonly variables?: Readonly<Record<string, string>>;
  /** Kubernetes' homogeneous aggregate literal rule (off for generating policies) */
  readonly homogeneousAggregateLiterals?: boolean;
  readonly clock?: Clock;
  readonly random?: RandomSource;
}

/** The environment of a Kyverno CEL policy (mutating / generating / deleting). */
export function policyEnvironment(o: PolicyEnvironmentOptions): CelEnvironment {
  return createCelEnvironment({
    objectTypes: [...KUBERNETES_OBJECT_TYPES, EXCEPTION_TYPE],
    variables: {
      object: 'dyn',
      oldObject: 'dyn',
      request: 'kubernetes.AdmissionRequest',
      namespaceObject: 'kubernetes.Namespace',
      variables: 'map<string, dyn>',
      exceptions: 'libs.Exception',
      resource: o.namespaced ? 'resource.NamespacedContext' : 'resource.Context',
      http: 'http.Context',
      globalContext: 'globalcontext.Context',
      image: 'imagedata.Context',
      ...(o.variables ?? {}),
    },
    libraries: [...defaultCelLibraries, mutationLibrary, ...(o.libraries ?? [])],
    homogeneousAggregateLiterals: o.homogeneousAggregateLiterals ?? true,
    ports: { clock: o.clock, random: o.random },
  });
}

/** Field errors collected while compiling one policy. */
export class FieldErrors {
  readonly list: string[] = [];
  add(e: string): void {
    this.list.push(e);
  }
  get empty(): boolean {
    return this.list.length === 0;
  }
  /** `field.ErrorList.ToAggregate().Error()`: one message, or `[a, b]`. */
  aggregate(): string {
    const unique = [...new Set(this.list)];
    if (unique.length === 1) return unique[0]!;
    return `[${unique.join(', ')}]`;
  }
}

/** Compiles one expression (with the mutation message syntax); a problem is added to `errs`. */
export function compileExpression(
  env: CelEnvironment,
  expression: string,
  path: string,
  outputType: string | readonly string[] | undefined,
  errs: FieldErrors,
): CompiledCel | undefined {
  const prog = env.compile(rewriteMessageSyntax(expression), { path, ...(outputType !== undefined ? { outputType } : {}) });
  if (isCelCompileError(prog)) {
    errs.add(`${path}: Invalid value: ${goQuote(expression)}: ${prog.message}`);
    return undefined;
  }
  return prog;
}

/** A compiled named expression (variable, match condition, audit annotation). */
export interface NamedProgram {
  readonly name: string;
  readonly program: CompiledCel;
}

/** Compiles `items[i].expression` at `<path>[i].expression`. */
export function compileNamed(
  env: CelEnvironment,
  items: ReadonlyArray<{ name?: string; key?: string; expression?: string; valueExpression?: string }> | undefined,
  path: string,
  outputType: string | readonly string[] | undefined,
  errs: FieldErrors,
): NamedProgram[] {
  const out: NamedProgram[] = [];
  (items ?? []).forEach((item, i) => {
    const isAnnotation = item.valueExpression !== undefined || item.key !== undefined;
    const expr = (isAnnotation ? item.valueExpression : item.expression) ?? '';
    const p = compileExpression(env, expr, `${path}[${i}].${isAnnotation ? 'valueExpression' : 'expression'}`, outputType, errs);
    if (p) out.push({ name: (isAnnotation ? item.key : item.name) ?? '', program: p });
  });
  return out;
}

/** Evaluates synchronously (the ports given to the CLI answer synchronously). */
export function evaluate(program: CompiledCel, activation: CelActivation): unknown {
  const r = program.evaluateWithCost(activation);
  if (r instanceof Promise) {
    void r.catch(() => undefined);
    throw new CelEvalError('CEL_ASYNC', 'expression needs an asynchronous port', program.path);
  }
  return r.value;
}

/** The message of an evaluation failure. */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * A lazily evaluated `variables` map: each variable is computed on first access from `activation`
 * (which must include this map as `variables`); an evaluation error is thrown where it is used.
 */
export function lazyVariables(variables: readonly NamedProgram[], activation: () => CelActivation): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const v of variables) {
    let done = false;
    let value: unknown;
    let error: unknown;
    Object.defineProperty(out, v.name, {
      enumerable: true,
      configurable: false,
      get() {
        if (!done) {
          done = true;
          try {
            value = evaluate(v.program, activation());
          } catch (e) {
            error = e;
          }
        }
        if (error !== undefined) throw error;
        return value;
      },
    });
  }
  return out;
}

/** Outcome of match conditions: matched, not matched, or the combined errors. */
export type ConditionsResult = { matched: boolean; error?: undefined } | { matched: false; error: string };

/** `Policy.match`: the first false condition decides; otherwise the errors, if any, are the outcome. */
export function evaluateConditions(conditions: readonly NamedProgram[], activation: CelActivation): ConditionsResult {
  const errs: string[] = [];
  for (const c of conditions) {
    let v: unknown;
    try {
      v = evaluate(c.program, activation);
    } catch (e) {
      errs.push(errorText(e));
      continue;
    }
    if (typeof v !== 'boolean') {
      errs.push(`type conversion error from '${typeof v}' to 'bool'`);
      continue;
    }
    if (!v) return { matched: false };
  }
  if (errs.length > 0) return { matched: false, error: errs.join('; ') };
  return { matched: true };
}

/** `evaluateAuditAnnotations`: non-empty string results, or an error message. */
export function evaluateAuditAnnotations(annotations: readonly NamedProgram[], activation: CelActivation): { values?: Record<string, string>; error?: string } {
  if (annotations.length === 0) return {};
  const values: Record<string, string> = {};
  for (const a of annotations) {
    let v: unknown;
    try {
      v = evaluate(a.program, activation);
    } catch (e) {
      return { error: `failed to evaluate auditAnnotation "${a.name}": ${errorText(e)}` };
    }
    if (typeof v === 'string') {
      if (v !== '') values[a.name] = v;
    } else if (v !== null) return { error: `failed to convert auditAnnotation "${a.name}" expression: type conversion error` };
  }
  return { values };
}
