/**
 * GeneratingPolicy / NamespacedGeneratingPolicy evaluation (Kyverno pkg/cel/policies/gpol: compiler,
 * compiled `Policy.Evaluate`, engine `Handle` / `generate`).
 *
 * - Compile order: match conditions, variables, generations (an `expression` returning bool, or a
 *   `template`), audit annotations, exception conditions. Field errors make the policy unusable.
 * - Evaluation: exceptions first (a full exemption ends it; partial ones bind `exceptions`), match
 *   conditions (false: no result), then variables and `generator` are bound and each generation runs in
 *   order: expressions call `generator.Apply`, templates are rendered and their resources handed to the
 *   generate context grouped by namespace (a namespaced policy defaults to, and may only write to, its
 *   own namespace); then audit annotations.
 * - Engine: no `matchConstraints` never match; a match error is an error response; the result is a pass
 *   "policy evaluated successfully" carrying the generated resources, an `exception` response, or an
 *   error "failed to evaluate policy: ...".
 *
 * The generate context (`GenerateSink`) decides what a generated resource looks like (the CLI's fake
 * provider keeps it as given, the CLI over a cluster strips server fields and scopes it).
 */
import type { JsonObject } from '../api/json.ts';
import { ruleError, ruleResponse, type RuleResponse } from '../api/response.ts';
import type { CelActivation, CelEnvironment, CompiledCel } from '../cel/environment.ts';
import { jsonToCel } from '../cel/values.ts';
import { extractedObjectValue, metaString, namespaceObjectValue, requestValue, type AdmissionAttributes } from '../celmutate/common/admission.ts';
import { contextActivation, type CelPolicyPorts } from '../celmutate/common/context.ts';
import { compileExceptions, evaluateExceptions, exceptionResponse, type CompiledException } from '../celmutate/common/exceptions.ts';
import { matchConstraints } from '../celmutate/common/match-constraints.ts';
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
} from '../celmutate/common/program.ts';
import type { AuditAnnotation, CelPolicyException, MatchCondition, MatchResources, Variable } from '../celmutate/common/types.ts';
import { GeneratorContextValue, NamespacedGeneratorContextValue, type GeneratorPort } from './generator-library.ts';
import { CelGenerateError } from './errors.ts';
import { compileTemplate, type Template } from './template.ts';

export interface GeneratingPolicy {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  spec?: {
    matchConstraints?: MatchResources;
    matchConditions?: MatchCondition[];
    variables?: Variable[];
    generate?: Array<{ expression?: string; template?: { value?: string; interpolate?: string } }>;
    auditAnnotations?: AuditAnnotation[];
    useServerSideApply?: boolean;
  };
}

type Generation = { expression: CompiledCel } | { template: Template };

export interface CompiledGeneratingPolicy {
  readonly policy: GeneratingPolicy;
  readonly matchConditions: readonly NamedProgram[];
  readonly variables: readonly NamedProgram[];
  readonly generations: readonly Generation[];
  readonly auditAnnotations: readonly NamedProgram[];
  readonly exceptions: readonly CompiledException[];
}

const COMPILE_ERROR = '<nil>: Internal error: generating policy compiler 2.0 error: failed to compile policy';

/** Compiles a policy with the exceptions referencing it. */
export function compileGeneratingPolicy(env: CelEnvironment, policy: GeneratingPolicy, exceptions: readonly CelPolicyException[]): CompiledGeneratingPolicy | { errors: FieldErrors } {
  const spec = policy.spec ?? {};
  const errs = new FieldErrors();
  const fail = (): { errors: FieldErrors } => {
    const out = new FieldErrors();
    out.add(COMPILE_ERROR);
    for (const e of errs.list) out.add(e);
    return { errors: out };
  };
  const matchConditions = compileNamed(env, spec.matchConditions, 'spec.matchConditions', 'bool', errs);
  if (!errs.empty) return fail();
  const variables = compileNamed(env, spec.variables, 'spec.variables', undefined, errs);
  if (!errs.empty) return fail();
  const generations: Generation[] = [];
  for (const [i, g] of (spec.generate ?? []).entries()) {
    const path = `spec.generate[${i}]`;
    const hasExpr = (g.expression ?? '') !== '';
    if (g.template && hasExpr) {
      errs.add(`${path}: Invalid value: "object": only one of expression or template may be set`);
      return fail();
    }
    if (g.template) {
      const t = compileTemplate(env, g.template.value ?? '', g.template.interpolate === 'cel');
      if ('error' in t) {
        errs.add(`${path}.template.value: Invalid value: ${JSON.stringify(g.template.value ?? '')}: ${t.error}`);
        return fail();
      }
      generations.push({ template: t });
    } else if (hasExpr) {
      const p = compileExpression(env, g.expression!, `${path}.expression`, 'bool', errs);
      if (!p) return fail();
      generations.push({ expression: p });
    } else {
      errs.add(`${path}: Required value: one of expression or template must be set`);
      return fail();
    }
  }
  const auditAnnotations = compileNamed(env, spec.auditAnnotations, 'spec.auditAnnotations', ['string', 'null_type'], errs);
  if (!errs.empty) return fail();
  const compiledExceptions = compileExceptions(env, exceptions, errs);
  if (!errs.empty) return fail();
  return { policy, matchConditions, variables, generations, auditAnnotations, exceptions: compiledExceptions };
}

/** Where generated resources go (`libs.Context.GenerateResources`); returns nothing, throws on refusal. */
export interface GenerateSink {
  generateResources(namespace: string, objects: JsonObject[]): void;
  /** what was generated during the current evaluation */
  generated(): JsonObject[];
  clear(): void;
}

export interface GeneratingInput {
  readonly attr: AdmissionAttributes;
  readonly namespace?: JsonObject;
  readonly ports: CelPolicyPorts;
  readonly sink: GenerateSink;
}

type Evaluation = { kind: 'generated'; resources: JsonObject[]; auditAnnotations?: Record<string, string> } | { kind: 'exempted'; exceptions: CelPolicyException[] };

function evaluatePolicy(p: CompiledGeneratingPolicy, input: GeneratingInput): Evaluation | undefined {
  const { attr } = input;
  const policyNamespace = p.policy.metadata?.namespace ?? '';
  const data: Record<string, unknown> = {
    namespaceObject: jsonToCel(namespaceObjectValue(input.namespace)),
    object: jsonToCel(extractedObjectValue(attr.object)),
    oldObject: jsonToCel(extractedObjectValue(attr.oldObject)),
    request: jsonToCel(requestValue(attr)),
    ...contextActivation(input.ports, policyNamespace),
  };
  input.sink.clear();
  try {
    if (p.exceptions.length > 0) {
      const ex = evaluateExceptions(p.exceptions, data);
      if (ex.kind === 'error') throw new CelGenerateError('EVALUATION', ex.error);
      if (ex.kind === 'exempted') return { kind: 'exempted', exceptions: ex.exceptions };
      data['exceptions'] = jsonToCel({ allowedImages: ex.allowedImages, allowedValues: ex.allowedValues });
    } else data['exceptions'] = jsonToCel({ allowedImages: [], allowedValues: [] });
    const m = evaluateConditions(p.matchConditions, data);
    if (m.error !== undefined) throw new CelGenerateError('EVALUATION', m.error);
    if (!m.matched) return undefined;
    const activation = (): CelActivation => data;
    data['variables'] = lazyVariables(p.variables, activation);
    const port: GeneratorPort = { generateResources: (ns, objects) => input.sink.generateResources(ns, objects) };
    data['generator'] = policyNamespace ? new NamespacedGeneratorContextValue(port, policyNamespace) : new GeneratorContextValue(port);
    for (const g of p.generations) {
      if ('template' in g) {
        let resources: JsonObject[];
        try {
          resources = g.template.render(data);
        } catch (e) {
          throw new CelGenerateError('TEMPLATE_RENDER', `failed to render generation template: ${errorText(e)}`);
        }
        const order: string[] = [];
        const grouped = new Map<string, JsonObject[]>();
        for (const r of resources) {
          let ns = metaString(r, 'namespace');
          if (policyNamespace !== '') {
            if (ns === '') ns = policyNamespace;
            else if (ns !== policyNamespace) {
              throw new CelGenerateError('GENERATE_DENIED', `cross-namespace generation denied: a policy in namespace "${policyNamespace}" cannot generate resources into namespace "${ns}"`);
            }
          }
          if (!grouped.has(ns)) {
            order.push(ns);
            grouped.set(ns, []);
          }
          grouped.get(ns)!.push(r);
        }
        for (const ns of order) {
          try {
            input.sink.generateResources(ns, grouped.get(ns)!);
          } catch (e) {
            throw new CelGenerateError('GENERATE_DENIED', `failed to generate resources: ${errorText(e)}`);
          }
        }
        continue;
      }
      evaluate(g.expression, data);
    }
    const aa = evaluateAuditAnnotations(p.auditAnnotations, data);
    if (aa.error !== undefined) throw new CelGenerateError('EVALUATION', aa.error);
    const resources = input.sink.generated();
    return { kind: 'generated', resources, ...(aa.values && Object.keys(aa.values).length > 0 ? { auditAnnotations: aa.values } : {}) };
  } finally {
    input.sink.clear();
  }
}

/** `engine.generate` for one policy: the rule response, or undefined (not matched / conditions false). */
export function handleGeneratingPolicy(p: CompiledGeneratingPolicy, input: GeneratingInput): RuleResponse | undefined {
  const name = p.policy.metadata?.name ?? '';
  const constraints = p.policy.spec?.matchConstraints;
  if (!constraints) return undefined;
  const m = matchConstraints(constraints, input.attr, input.namespace);
  if (m.error !== undefined) return ruleError(name, 'Generation', 'failed to execute matching', m.error);
  if (!m.matches) return undefined;
  let r: Evaluation | undefined;
  try {
    r = evaluatePolicy(p, input);
  } catch (e) {
    return ruleError(name, 'Generation', 'failed to evaluate policy', e);
  }
  if (!r) return undefined;
  if (r.kind === 'exempted') return exceptionResponse(r.exceptions, 'Generation');
  const rule = ruleResponse(name, 'Generation', 'pass', 'policy evaluated successfully');
  if (r.auditAnnotations) rule.properties = { ...r.auditAnnotations };
  rule.generatedResources = r.resources;
  return rule;
}
