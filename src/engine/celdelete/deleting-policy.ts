/**
 * DeletingPolicy / NamespacedDeletingPolicy evaluation (Kyverno pkg/cel/policies/dpol: compiler,
 * compiled `Policy.Evaluate`, engine `Handle`): decides whether the cleanup controller would delete an
 * existing object.
 *
 * - Matching: the `matchConstraints` with every rule's operations widened to `*`, on a CREATE-shaped
 *   request for the object; no constraints never match. The namespace object is the resolver's (for a
 *   Namespace: the object itself, unless the resolver knows it).
 * - Evaluation: variables bound lazily over `object`, `namespaceObject`, `resource`; an exception whose
 *   conditions hold makes the result "not matched"; otherwise all `conditions` must hold (the first false
 *   decides, else errors are the outcome).
 *
 * ```ts
 * const c = compileDeletingPolicy(env, policy, exceptions);
 * handleDeletingPolicy(c, { object, mapping, namespace, ports }); // { matched: true, policyMatched: true }
 * ```
 */
import type { JsonObject } from '../api/json.ts';
import type { CelEnvironment } from '../cel/environment.ts';
import { jsonToCel } from '../cel/values.ts';
import { labelsOf, metaString, namespaceObjectValue, type AdmissionAttributes } from '../celmutate/common/admission.ts';
import { contextActivation, type CelPolicyPorts } from '../celmutate/common/context.ts';
import { compileExceptions, type CompiledException } from '../celmutate/common/exceptions.ts';
import { matchConstraints, withAllOperations } from '../celmutate/common/match-constraints.ts';
import { compileNamed, evaluateConditions, FieldErrors, lazyVariables, type NamedProgram } from '../celmutate/common/program.ts';
import type { CelPolicyException, MatchCondition, MatchResources, Variable } from '../celmutate/common/types.ts';

export interface DeletingPolicy {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  spec?: {
    matchConstraints?: MatchResources;
    conditions?: MatchCondition[];
    variables?: Variable[];
    schedule?: string;
    deletionPropagationPolicy?: string;
  };
}

export interface CompiledDeletingPolicy {
  readonly policy: DeletingPolicy;
  readonly variables: readonly NamedProgram[];
  readonly conditions: readonly NamedProgram[];
  readonly exceptions: readonly CompiledException[];
}

const COMPILE_ERROR = '<nil>: Internal error: deleting policy compiler 1.18 error: failed to compile policy';

/** Compiles a policy with the exceptions that reference it; field errors make it unusable. */
export function compileDeletingPolicy(env: CelEnvironment, policy: DeletingPolicy, exceptions: readonly CelPolicyException[]): CompiledDeletingPolicy | { errors: FieldErrors } {
  const spec = policy.spec;
  const errs = new FieldErrors();
  if (!spec) {
    errs.add('spec: Required value: spec must not be nil');
    return { errors: errs };
  }
  const fail = (): { errors: FieldErrors } => {
    const out = new FieldErrors();
    out.add(COMPILE_ERROR);
    for (const e of errs.list) out.add(e);
    return { errors: out };
  };
  const variables = compileNamed(env, spec.variables, 'spec.variables', undefined, errs);
  if (!errs.empty) return fail();
  const conditions = compileNamed(env, spec.conditions, 'spec.conditions', 'bool', errs);
  if (!errs.empty) return fail();
  const compiled = compileExceptions(env, exceptions, errs);
  if (!errs.empty) return fail();
  return { policy, variables, conditions, exceptions: compiled };
}

export interface DeletingInput {
  readonly object: JsonObject;
  /** the object's REST mapping (resource plural), or the mapping error */
  readonly mapping: { resource: string } | { error: string };
  /** the namespace resolver */
  namespace(name: string): JsonObject | undefined;
  readonly ports: CelPolicyPorts;
}

/** `EngineResponse` of the deleting engine: `matched` (delete), `policyMatched` (selected by the constraints). */
export type DeletingResult = { matched: boolean; policyMatched: boolean } | { error: string };

/** `Engine.Handle`. */
export function handleDeletingPolicy(p: CompiledDeletingPolicy, input: DeletingInput): DeletingResult {
  const { object } = input;
  const apiVersion = typeof object['apiVersion'] === 'string' ? object['apiVersion'] : '';
  const kind = typeof object['kind'] === 'string' ? object['kind'] : '';
  let ns: JsonObject | undefined;
  if (apiVersion !== '' && kind !== '') {
    if ('error' in input.mapping) return { error: input.mapping.error };
    const i = apiVersion.indexOf('/');
    const group = i < 0 ? '' : apiVersion.slice(0, i);
    const version = i < 0 ? apiVersion : apiVersion.slice(i + 1);
    const namespace = metaString(object, 'namespace');
    const attr: AdmissionAttributes = {
      object,
      oldObject: null,
      kind: { group, version, kind },
      resource: { group, version, resource: input.mapping.resource },
      subresource: '',
      namespace,
      name: metaString(object, 'name'),
      operation: 'CREATE',
    };
    if (namespace !== '') ns = input.namespace(namespace);
    else if (group === '' && kind === 'Namespace') {
      const labels = labelsOf(object);
      ns = input.namespace(metaString(object, 'name')) ?? { metadata: { name: metaString(object, 'name'), ...(labels ? { labels } : {}) } };
    }
    const constraints = p.policy.spec?.matchConstraints;
    if (!constraints) return { matched: false, policyMatched: false };
    const m = matchConstraints(withAllOperations(constraints), attr, ns);
    if (m.error !== undefined) return { error: m.error };
    if (!m.matches) return { matched: false, policyMatched: false };
  }
  const data: Record<string, unknown> = {
    namespaceObject: jsonToCel(namespaceObjectValue(ns)),
    object: jsonToCel(object),
    ...contextActivation(input.ports, p.policy.metadata?.namespace ?? ''),
  };
  data['variables'] = lazyVariables(p.variables, () => data);
  // any exception whose conditions hold exempts the object; an error in any of them is the outcome
  let exempted = false;
  for (const ex of p.exceptions) {
    const r = evaluateConditions(ex.conditions, data);
    if (r.error !== undefined) return { error: r.error };
    if (r.matched) exempted = true;
  }
  if (exempted) return { matched: false, policyMatched: true };
  const r = evaluateConditions(p.conditions, data);
  if (r.error !== undefined) return { error: r.error };
  return { matched: r.matched, policyMatched: true };
}
