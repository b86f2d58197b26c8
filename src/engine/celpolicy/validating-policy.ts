/**
 * Kyverno's ValidatingPolicy compiler and evaluator (kyverno/pkg/cel/policies/vpol/compiler): a policy
 * is compiled once against the ValidatingPolicy environment (matchConditions, variables, validations,
 * auditAnnotations, and the matchConditions of the CEL PolicyExceptions naming it), then evaluated per
 * request: exceptions, matchConditions, then the validations in order until one fails or errors.
 *
 * Evaluation modes: `Kubernetes` (an admission request: `object`, `oldObject`, `request`,
 * `namespaceObject`) and `JSON` (an arbitrary payload as `object`, nothing else).
 */
import type { JsonObject, JsonValue } from '../api/json.ts';
import type { CelActivation, CompiledCel } from '../cel/environment.ts';
import { celToJson, jsonToCel, jsonToCelDoubles } from '../cel/values.ts';
import { kyvernoRequestJson, namespaceObjectJson, type AdmissionAttributes } from './admission.ts';
import { isFullExemption, partialExemption } from './cel-exceptions.ts';
import { aggregate, compileField } from './compile.ts';
import { contextActivation, type CelContextPorts } from './context.ts';
import type { CelPolicyEnvironments } from './environments.ts';
import { evalErrorMessage, evaluateSync, validationFailureMessage } from './evaluate.ts';
import {
  asArray,
  asObject,
  asString,
  failurePolicyOf,
  type AuditAnnotation,
  type FailurePolicy,
  type MatchCondition,
  type MatchResources,
  type Validation,
} from './types.ts';
import { compileVariables, LazyVariables, type CompiledVariable } from './variables.ts';

export type EvaluationMode = 'Kubernetes' | 'JSON';

interface CompiledValidation {
  readonly program: CompiledCel;
  readonly message: string;
  readonly messageExpression?: CompiledCel;
}

interface CompiledException {
  readonly exception: JsonObject;
  readonly matchConditions: readonly CompiledCel[];
}

/** A compiled ValidatingPolicy (or NamespacedValidatingPolicy). */
export interface CompiledValidatingPolicy {
  readonly mode: EvaluationMode;
  readonly failurePolicy: FailurePolicy;
  /** absent in JSON mode */
  readonly matchConstraints?: MatchResources;
  readonly matchConditions: readonly CompiledCel[];
  readonly variables: readonly CompiledVariable[];
  readonly validations: readonly CompiledValidation[];
  readonly auditAnnotations: ReadonlyArray<{ readonly key: string; readonly program: CompiledCel }>;
  readonly exceptions: readonly CompiledException[];
  /** the policy's namespace (namespaced policies), for the `resource` library */
  readonly namespace: string;
}

export type CompileOutcome = { ok: true; policy: CompiledValidatingPolicy } | { ok: false; errors: string[] };

/** The evaluation mode of a ValidatingPolicy spec (`spec.evaluation.mode`, default Kubernetes). */
export function evaluationModeOf(spec: JsonObject | undefined): string {
  const mode = asString(asObject(spec?.['evaluation'])?.['mode']);
  return mode === '' ? 'Kubernetes' : mode;
}

/** The compile error placeholder Kyverno puts first (Kubernetes mode). */
export const VPOL_COMPILE_PLACEHOLDER = '<nil>: Internal error: validating policy compiler 1.0 error: failed to compile policy';

function compileConditions(envs: { env: Parameters<typeof compileField>[0] }, conditions: readonly MatchCondition[], path: string): { programs: CompiledCel[]; errors: string[] } {
  const programs: CompiledCel[] = [];
  const errors: string[] = [];
  conditions.forEach((c, i) => {
    const r = compileField(envs.env, asString(c?.expression), `${path}[${i}].expression`, ['bool']);
    if (r.ok) programs.push(r.program);
    else errors.push(r.error);
  });
  return { programs, errors };
}

/**
 * Compiles a ValidatingPolicy with the CEL PolicyExceptions naming it. Compile problems come back as
 * Kyverno's field errors (Kubernetes mode: preceded by `VPOL_COMPILE_PLACEHOLDER`).
 */
export function compileValidatingPolicy(envs: CelPolicyEnvironments, policy: JsonObject, exceptions: readonly JsonObject[]): CompileOutcome {
  const spec = asObject(policy['spec']) ?? {};
  const mode: EvaluationMode = evaluationModeOf(spec) === 'JSON' ? 'JSON' : 'Kubernetes';
  const namespace = asString(asObject(policy['metadata'])?.['namespace']);
  const base = envs.validatingPolicy(String(policy['kind']).startsWith('Namespaced'));
  const fail = (errs: string[]): CompileOutcome => ({ ok: false, errors: mode === 'Kubernetes' ? [VPOL_COMPILE_PLACEHOLDER, ...errs] : errs });

  // matchConditions see `variables` with no field yet
  const vars0 = compileVariables(base, [], 'kyverno', 'spec.variables');
  const mc = compileConditions({ env: vars0.env }, asArray<MatchCondition>(spec['matchConditions']), 'spec.matchConditions');
  if (mc.errors.length > 0) return fail(mc.errors);

  const vars = compileVariables(base, asArray(spec['variables']), 'kyverno', 'spec.variables');
  if (vars.errors.length > 0) return fail([...vars.errors]);
  const env = vars.env;

  const validations: CompiledValidation[] = [];
  const vs = asArray<Validation>(spec['validations']);
  for (let i = 0; i < vs.length; i++) {
    const v = vs[i] ?? ({} as Validation);
    const e = compileField(env, asString(v.expression), `spec.validations[${i}].expression`, ['bool']);
    if (!e.ok) return fail([e.error]);
    let messageExpression: CompiledCel | undefined;
    if (asString(v.messageExpression) !== '') {
      const m = compileField(env, asString(v.messageExpression), `spec.validations[${i}].messageExpression`, ['string']);
      if (!m.ok) return fail([m.error]);
      messageExpression = m.program;
    }
    validations.push({ program: e.program, message: asString(v.message), messageExpression });
  }

  const auditAnnotations: Array<{ key: string; program: CompiledCel }> = [];
  if (mode === 'Kubernetes') {
    const errs: string[] = [];
    asArray<AuditAnnotation>(spec['auditAnnotations']).forEach((a, i) => {
      const r = compileField(env, asString(a?.valueExpression), `spec.auditAnnotations[${i}].valueExpression`, ['string', 'null_type']);
      if (r.ok) auditAnnotations.push({ key: asString(a?.key), program: r.program });
      else errs.push(r.error);
    });
    if (errs.length > 0) return fail(errs);
  }

  const compiledExceptions: CompiledException[] = [];
  for (const polex of exceptions) {
    const conds = asArray<MatchCondition>(asObject(polex['spec'])?.['matchConditions']);
    const r = compileConditions({ env }, conds, 'spec.matchConditions');
    if (r.errors.length > 0) return fail(r.errors);
    compiledExceptions.push({ exception: polex, matchConditions: r.programs });
  }

  return {
    ok: true,
    policy: {
      mode,
      failurePolicy: failurePolicyOf(spec['failurePolicy']),
      matchConstraints: mode === 'Kubernetes' ? (asObject(spec['matchConstraints']) as MatchResources | undefined) : undefined,
      matchConditions: mc.programs,
      variables: vars.variables,
      validations,
      auditAnnotations,
      exceptions: compiledExceptions,
      namespace,
    },
  };
}

/** What one evaluation gives (`compiler.EvaluationResult`); `undefined` when matchConditions exclude the request. */
export interface ValidatingPolicyResult {
  /** a validation (or audit annotation) failed to evaluate */
  readonly error?: string;
  /** index of the failing / erroring validation */
  readonly index: number;
  readonly result: boolean;
  readonly message: string;
  readonly auditAnnotations: Readonly<Record<string, string>>;
  /** matched exceptions exempting the request fully */
  readonly exceptions: readonly JsonObject[];
}

/** Inputs of an evaluation. */
export interface ValidatingPolicyInput {
  /** Kubernetes mode: the request; JSON mode: omitted */
  readonly attributes?: AdmissionAttributes;
  /** Kubernetes mode: the request namespace's object, when known */
  readonly namespace?: JsonObject | null;
  /** JSON mode: the payload */
  readonly payload?: JsonValue;
  /** JSON mode: the payload was decoded from JSON text (every number a double, as Go decodes it) */
  readonly payloadFromJson?: boolean;
  readonly context: CelContextPorts;
}

/** An error the engine reports as "failed to load context" (matchConditions or exceptions failed). */
export class ValidatingPolicyEvalError extends Error {
  readonly code = 'VPOL_EVAL';
}

/** `Policy.match`: every condition true; errors combined (`a; b`), ignored under failurePolicy Ignore. */
function matchAll(programs: readonly CompiledCel[], activation: CelActivation, failurePolicy: FailurePolicy): boolean {
  const errs: string[] = [];
  for (const p of programs) {
    let v: unknown;
    try {
      v = evaluateSync(p, activation);
    } catch (e) {
      errs.push(evalErrorMessage(e));
      continue;
    }
    if (typeof v !== 'boolean') {
      errs.push(`type conversion error from '${typeof v}' to 'bool'`);
      continue;
    }
    if (!v) return false;
  }
  if (errs.length === 0) return true;
  if (failurePolicy === 'Ignore') return false;
  throw new ValidatingPolicyEvalError(errs.join('; '));
}

/**
 * Evaluates a compiled policy on one request (or payload). Throws `ValidatingPolicyEvalError` when
 * matchConditions / exception conditions / audit annotations of a passing request fail.
 */
export function evaluateValidatingPolicy(policy: CompiledValidatingPolicy, input: ValidatingPolicyInput): ValidatingPolicyResult | undefined {
  const activation: Record<string, unknown> = { ...contextActivation(input.context, policy.namespace) };
  if (policy.mode === 'JSON') {
    activation['object'] = input.payloadFromJson ? jsonToCelDoubles(input.payload ?? null) : jsonToCel(input.payload ?? null);
    // Kyverno passes null for these; `{}` reads the same for field selections and has()
    activation['oldObject'] = null;
    activation['request'] = {};
    activation['namespaceObject'] = {};
  } else {
    const a = input.attributes;
    if (!a) throw new ValidatingPolicyEvalError('cannot evaluate Kubernetes-mode policy without admission attributes (hint: use a non-Kubernetes evaluation mode for raw payloads)');
    activation['object'] = jsonToCel(a.object ?? {});
    activation['oldObject'] = jsonToCel(a.oldObject ?? {});
    activation['request'] = jsonToCel(kyvernoRequestJson(a));
    // an unknown namespace is null in Kyverno; `{}` reads the same for field selections and has()
    activation['namespaceObject'] = input.namespace ? jsonToCel(namespaceObjectJson(input.namespace)) : {};
  }

  const allowedImages: string[] = [];
  const allowedValues: string[] = [];
  if (policy.exceptions.length > 0) {
    const matched: JsonObject[] = [];
    let full = false;
    for (const ex of policy.exceptions) {
      let m: boolean;
      try {
        m = matchAll(ex.matchConditions, activation, policy.failurePolicy);
      } catch (e) {
        if (full) continue;
        throw e;
      }
      if (!m) continue;
      matched.push(ex.exception);
      if (isFullExemption(ex.exception)) full = true;
      else if (!full) {
        const p = partialExemption(ex.exception);
        allowedImages.push(...p.images);
        allowedValues.push(...p.values);
      }
    }
    if (full) return { index: 0, result: false, message: '', auditAnnotations: {}, exceptions: matched };
  }
  activation['exceptions'] = { allowedImages, allowedValues };

  if (!matchAll(policy.matchConditions, activation, policy.failurePolicy)) return undefined;

  const vars = new LazyVariables(
    policy.variables,
    (v, view) => evaluateSync(v.program!, { ...activation, variables: view }),
    (_v, e) => evalErrorMessage(e),
  );
  const withVars = (p: CompiledCel): CelActivation => vars.activationFor(activation, p);

  for (let index = 0; index < policy.validations.length; index++) {
    const validation = policy.validations[index]!;
    let out: unknown;
    try {
      out = evaluateSync(validation.program, withVars(validation.program));
    } catch (e) {
      return { error: evalErrorMessage(e), index, result: false, message: '', auditAnnotations: {}, exceptions: [] };
    }
    if (out !== false) continue;
    const message = validationFailureMessage(validation, index, withVars);
    let annotations: Record<string, string>;
    try {
      annotations = evaluateAuditAnnotations(policy, withVars);
    } catch (e) {
      return { error: evalErrorMessage(e), index, result: false, message: '', auditAnnotations: {}, exceptions: [] };
    }
    return { index, result: false, message, auditAnnotations: annotations, exceptions: [] };
  }
  const annotations = evaluateAuditAnnotations(policy, withVars);
  return { index: 0, result: true, message: '', auditAnnotations: annotations, exceptions: [] };
}

function evaluateAuditAnnotations(policy: CompiledValidatingPolicy, withVars: (p: CompiledCel) => CelActivation): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of policy.auditAnnotations) {
    let v: unknown;
    try {
      v = evaluateSync(a.program, withVars(a.program));
    } catch (e) {
      throw new ValidatingPolicyEvalError(`failed to evaluate auditAnnotation '${a.key}': ${evalErrorMessage(e)}`);
    }
    if (typeof v === 'string') {
      if (v !== '') out[a.key] = v;
    } else if (v !== null) {
      throw new ValidatingPolicyEvalError(`failed to convert auditAnnotation '${a.key}' expression: type conversion error`);
    }
  }
  return out;
}

/** The aggregate compile error Kyverno's CLI reports (`failed to compile policy <name> (<errors>)`). */
export function compileFailureMessage(name: string, errors: readonly string[]): string {
  return `failed to compile policy ${name} (${aggregate(errors)})`;
}
