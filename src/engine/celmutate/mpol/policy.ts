/**
 * A compiled MutatingPolicy and its evaluation (Kyverno pkg/cel/policies/mpol/compiler compiler.go,
 * policy.go): variables, match conditions, target match conditions / expression, exception conditions,
 * audit annotations and the mutations, compiled once; evaluated per admission request (or per target of
 * mutate-existing).
 *
 * Evaluation order: exceptions (a full exemption ends it), `exceptions` bound, variables bound lazily,
 * (target) match conditions (false: no result; errors: the error), then each mutation in order — every
 * mutation sees the object as the previous one left it (`object` is rebound; `request.object` is not) —
 * then audit annotations on the final object.
 *
 * ```ts
 * const compiled = compileMutatingPolicy(env, policy, exceptions); // or { errors }
 * evaluateMutatingPolicy(compiled, input, false);
 * ```
 */
import type { JsonObject } from '../../api/json.ts';
import type { CelActivation, CelEnvironment, CompiledCel } from '../../cel/environment.ts';
import { jsonToCel } from '../../cel/values.ts';
import { extractedObjectValue, namespaceObjectValue, requestValue, type AdmissionAttributes } from '../common/admission.ts';
import { contextActivation, type CelPolicyPorts } from '../common/context.ts';
import { compileExceptions, evaluateExceptions, type CompiledException } from '../common/exceptions.ts';
import {
  compileExpression,
  compileNamed,
  errorText,
  evaluate,
  evaluateAuditAnnotations,
  evaluateConditions,
  FieldErrors,
  lazyVariables,
  type NamedProgram,
} from '../common/program.ts';
import type { CelPolicyException } from '../common/types.ts';
import { applyConfigurationPatch, JSON_PATCH_OUTPUT, jsonPatchPatch } from '../patchers.ts';
import type { TypeConverter } from '../ssa/schema.ts';
import { goQuote } from '../../utils/goconv.ts';
import type { MutatingPolicy } from './types.ts';

interface Patcher {
  readonly kind: 'applyConfiguration' | 'jsonPatch';
  readonly program: CompiledCel;
}

export interface CompiledMutatingPolicy {
  readonly policy: MutatingPolicy;
  readonly variables: readonly NamedProgram[];
  readonly matchConditions: readonly NamedProgram[];
  readonly targetMatchConditions: readonly NamedProgram[];
  readonly targetExpression?: CompiledCel;
  readonly exceptions: readonly CompiledException[];
  readonly auditAnnotations: readonly NamedProgram[];
  readonly patchers: readonly Patcher[];
  readonly useServerSideApply: boolean;
}

/** Compiles a policy (the given exceptions are the ones referencing it); field errors make it unusable. */
export function compileMutatingPolicy(
  env: CelEnvironment,
  policy: MutatingPolicy,
  exceptions: readonly CelPolicyException[],
): CompiledMutatingPolicy | { errors: FieldErrors } {
  const spec = policy.spec ?? {};
  const errs = new FieldErrors();
  if (spec.autogen?.mutatingAdmissionPolicy?.enabled === true) {
    (spec.matchConditions ?? []).forEach((mc, i) => {
      if (/\bvariables\b/.test(mc.expression ?? '')) {
        errs.add(
          `spec.matchConditions[${i}].expression: Forbidden: variables cannot be referenced in matchConditions when spec.autogen.mutatingAdmissionPolicy.enabled is true; native MutatingAdmissionPolicy evaluates match conditions before variables, so inline the expression instead`,
        );
      }
    });
    if (!errs.empty) return { errors: errs };
  }
  const variables = compileNamed(env, spec.variables, 'spec.variables', undefined, errs);
  if (!errs.empty) return { errors: errs };
  const matchConditions = compileNamed(env, spec.matchConditions, 'spec.matchConditions', 'bool', errs);
  if (!errs.empty) return { errors: errs };
  let targetExpression: CompiledCel | undefined;
  const te = spec.targetMatchConstraints?.expression ?? '';
  if (te !== '') {
    targetExpression = compileExpression(env, te, 'spec.targetMatchConstraints.expression', undefined, errs);
    if (!errs.empty) return { errors: errs };
    if (targetExpression && !/^map\((string|dyn), ?dyn\)$/.test(targetExpression.outputType)) {
      errs.add(`spec.targetMatchConstraints.expression: Invalid value: ${goQuote(te)}: output type must be a map`);
      return { errors: errs };
    }
  }
  const targetMatchConditions = compileNamed(env, spec.targetMatchConditions, 'spec.targetMatchConditions', 'bool', errs);
  if (!errs.empty) return { errors: errs };
  const compiledExceptions = compileExceptions(env, exceptions, errs);
  if (!errs.empty) return { errors: errs };
  const auditAnnotations = compileNamed(env, spec.auditAnnotations, 'spec.auditAnnotations', ['string', 'null_type'], errs);
  if (!errs.empty) return { errors: errs };
  const patchers: Patcher[] = [];
  for (const [i, m] of (spec.mutations ?? []).entries()) {
    if (m.patchType === 'JSONPatch' && m.jsonPatch) {
      const p = compileExpression(env, m.jsonPatch.expression ?? '', `spec.mutations[${i}].jsonPatch.expression`, JSON_PATCH_OUTPUT, errs);
      if (!p) return { errors: errs };
      patchers.push({ kind: 'jsonPatch', program: p });
    } else if (m.patchType === 'ApplyConfiguration' && m.applyConfiguration) {
      const p = compileExpression(env, m.applyConfiguration.expression ?? '', `spec.mutations[${i}].applyConfiguration.expression`, 'Object', errs);
      if (!p) return { errors: errs };
      patchers.push({ kind: 'applyConfiguration', program: p });
    }
  }
  return {
    policy,
    variables,
    matchConditions,
    targetMatchConditions,
    ...(targetExpression ? { targetExpression } : {}),
    exceptions: compiledExceptions,
    auditAnnotations,
    patchers,
    useServerSideApply: spec.evaluation?.useServerSideApply === true,
  };
}

/** What an evaluation needs besides the policy. */
export interface MutatingEvaluationInput {
  readonly attr: AdmissionAttributes;
  /** the admission request's attributes (for targets: the trigger's) */
  readonly requestAttr: AdmissionAttributes;
  /** the namespace object (values), or undefined */
  readonly namespace?: JsonObject;
  readonly ports: CelPolicyPorts;
  readonly typeConverter: TypeConverter | undefined;
}

/** `EvaluationResult`: the patched object, the exempting exceptions, or an error. */
export type MutatingEvaluation =
  | { kind: 'patched'; object: JsonObject; auditAnnotations?: Record<string, string> }
  | { kind: 'exempted'; exceptions: CelPolicyException[] }
  | { kind: 'error'; error: string };

/** Evaluates a compiled policy; undefined when the (target) match conditions do not hold. */
export function evaluateMutatingPolicy(p: CompiledMutatingPolicy, input: MutatingEvaluationInput, target: boolean): MutatingEvaluation | undefined {
  const { attr } = input;
  const data: Record<string, unknown> = {
    namespaceObject: jsonToCel(namespaceObjectValue(input.namespace)),
    object: jsonToCel(target ? attr.object : extractedObjectValue(attr.object)),
    oldObject: jsonToCel(target ? attr.oldObject : extractedObjectValue(attr.oldObject)),
    request: jsonToCel(requestValue(input.requestAttr)),
    ...contextActivation(input.ports, p.policy.metadata?.namespace ?? ''),
  };
  const activation = (): CelActivation => data;
  if (p.exceptions.length > 0) {
    const ex = evaluateExceptions(p.exceptions, data);
    if (ex.kind === 'error') return { kind: 'error', error: ex.error };
    if (ex.kind === 'exempted') return { kind: 'exempted', exceptions: ex.exceptions };
    data['exceptions'] = jsonToCel({ allowedImages: ex.allowedImages, allowedValues: ex.allowedValues });
  } else data['exceptions'] = jsonToCel({ allowedImages: [], allowedValues: [] });
  data['variables'] = lazyVariables(p.variables, activation);
  const m = evaluateConditions(target ? p.targetMatchConditions : p.matchConditions, data);
  if (m.error !== undefined) return { kind: 'error', error: m.error };
  if (!m.matched) return undefined;
  let object: JsonObject = (target ? attr.object : extractedObjectValue(attr.object)) ?? {};
  for (const patcher of p.patchers) {
    let value: unknown;
    try {
      value = evaluate(patcher.program, data);
    } catch (e) {
      return { kind: 'error', error: errorText(e) };
    }
    const r = patcher.kind === 'jsonPatch' ? jsonPatchPatch(value, object) : applyConfigurationPatch(value, object, input.typeConverter, p.useServerSideApply);
    if ('error' in r) return { kind: 'error', error: r.error };
    object = r.object;
    data['object'] = jsonToCel(object);
  }
  const aa = evaluateAuditAnnotations(p.auditAnnotations, data);
  if (aa.error !== undefined) return { kind: 'error', error: aa.error };
  return { kind: 'patched', object, ...(aa.values && Object.keys(aa.values).length > 0 ? { auditAnnotations: aa.values } : {}) };
}

/**
 * `EvaluateTargetExpression` / discoverCELTargets: the target keys (`namespace/name` or `name`) selected
 * by `targetMatchConstraints.expression` from the trigger object (`items` of a list, or one object).
 */
export function evaluateTargetExpression(p: CompiledMutatingPolicy, trigger: JsonObject, ports: CelPolicyPorts): Set<string> | { error: string } | undefined {
  if (!p.targetExpression) return undefined;
  const data: Record<string, unknown> = {
    object: jsonToCel(trigger),
    ...contextActivation(ports, p.policy.metadata?.namespace ?? ''),
  };
  data['variables'] = lazyVariables(p.variables, () => data);
  let out: unknown;
  try {
    out = evaluate(p.targetExpression, data);
  } catch (e) {
    return { error: errorText(e) };
  }
  const keys = new Set<string>();
  const key = (o: unknown): string => {
    const meta = o && typeof o === 'object' ? ((o as Record<string, unknown>)['metadata'] as Record<string, unknown> | undefined) : undefined;
    const name = typeof meta?.['name'] === 'string' ? meta['name'] : '';
    const ns = typeof meta?.['namespace'] === 'string' ? meta['namespace'] : '';
    return ns ? `${ns}/${name}` : name;
  };
  const m = out as Record<string, unknown> | null;
  if (m && Array.isArray(m['items'])) {
    for (const item of m['items'] as unknown[]) if (item && typeof item === 'object' && !Array.isArray(item)) keys.add(key(item));
  } else keys.add(key(m));
  return keys;
}
