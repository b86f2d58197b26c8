/**
 * MutatingAdmissionPolicy (+ bindings) evaluation as Kyverno applies it offline (pkg/admissionpolicy
 * mutate.go over k8s.io/apiserver's mutating admission policy plugin):
 *
 * - the request is a CREATE of the resource (`oldObject` null), the namespace is a Namespace named after
 *   the resource's namespace carrying the values' namespace labels (none for Namespace objects);
 * - without bindings the policy's `matchConstraints` decide; with bindings each binding is evaluated in
 *   turn on the object the previous one produced: offline (no cluster) a binding matches by its own
 *   `matchResources` (the policy's constraints are not consulted) and picks its params among the test's
 *   parameter resources (`paramRef.selector`: every matching one, as a list; else the first with the
 *   named `name`, or in the named `namespace`); with a cluster the policy's constraints are checked first
 *   and params are read from the cluster; every binding mutates the admitted object (bindings do not
 *   chain) and the last one's outcome is the result (a failed mutation empties it, an error keeps it);
 * - match conditions: false -> skip "match conditions aren't met"; errors -> no result with
 *   `failurePolicy: Fail` (the default), skip with `Ignore`;
 * - mutations are applied with the deduced type converter (maps merge key by key, lists are atomic);
 *   a failed mutation leaves no result; success -> pass "mutation is successfully applied", the rule
 *   named after the policy.
 */
import { isObject, type JsonObject } from '../../api/json.ts';
import { ruleResponse, type RuleResponse } from '../../api/response.ts';
import { checkSelector } from '../../match/index.ts';
import type { CelActivation, CelEnvironment, CompiledCel } from '../../cel/environment.ts';
import { jsonToCel } from '../../cel/values.ts';
import { labelsOf, metaString, namespaceObjectValue, requestValue, type AdmissionAttributes } from '../common/admission.ts';
import { matchConstraints } from '../common/match-constraints.ts';
import { compileExpression, compileNamed, errorText, evaluate, FieldErrors, lazyVariables, type NamedProgram } from '../common/program.ts';
import type { MatchCondition, MatchResources, Variable } from '../common/types.ts';
import { applyConfigurationPatch, JSON_PATCH_OUTPUT, jsonPatchPatch } from '../patchers.ts';
import { deducedTypeConverter } from '../ssa/schema.ts';
import type { Mutation } from '../mpol/types.ts';
import type { LabelSelector } from '../../api/policy.ts';

export interface MutatingAdmissionPolicy {
  metadata?: { name?: string };
  spec?: {
    paramKind?: { apiVersion?: string; kind?: string };
    matchConstraints?: MatchResources;
    matchConditions?: MatchCondition[];
    variables?: Variable[];
    mutations?: Mutation[];
    failurePolicy?: string;
  };
}

export interface MutatingAdmissionPolicyBinding {
  metadata?: { name?: string };
  spec?: {
    policyName?: string;
    paramRef?: { name?: string; namespace?: string; selector?: LabelSelector; parameterNotFoundAction?: string };
    matchResources?: MatchResources;
  };
}

export interface MapInput {
  readonly policy: MutatingAdmissionPolicy;
  readonly bindings: readonly MutatingAdmissionPolicyBinding[];
  /** the resource and its request shape (operation CREATE) */
  readonly attr: AdmissionAttributes;
  /** values' namespace labels by namespace name */
  readonly namespaceLabels: Readonly<Record<string, Record<string, string>>>;
  /** the test's parameter resources (offline) */
  readonly params: readonly JsonObject[];
  /** with a cluster: the Namespace object and parameter lookups; undefined offline */
  readonly cluster?: {
    namespace(name: string): JsonObject | undefined;
    params(apiVersion: string, kind: string, namespace: string, name: string | undefined, selector: LabelSelector | undefined): JsonObject[] | { error: string };
    isNamespaced(apiVersion: string, kind: string): boolean;
  };
}

/** The outcome: the rule response and the patched object, or nothing (Kyverno's empty response). */
export interface MapResult {
  rule: RuleResponse;
  patched?: JsonObject;
}

function namespaceFor(input: MapInput): JsonObject | undefined {
  const { attr } = input;
  let name = attr.namespace;
  if (attr.kind.kind === 'Namespace' && attr.kind.version === 'v1' && attr.kind.group === '') name = '';
  if (name === '') return undefined;
  const labels = input.namespaceLabels[name];
  return { metadata: { name, ...(labels ? { labels: { ...labels } } : {}) } };
}

interface CompiledMap {
  variables: NamedProgram[];
  matchConditions: NamedProgram[];
  /** the number of match conditions that failed to compile */
  brokenConditions: number;
  mutations: Array<{ kind: 'applyConfiguration' | 'jsonPatch'; program?: CompiledCel }>;
}

/**
 * Compiles MutatingAdmissionPolicies on demand and keeps the result per policy object and params shape
 * (the `params` variable is only declared when the binding supplies params).
 */
export class MapCompiler {
  private readonly cache = new WeakMap<MutatingAdmissionPolicy, Map<boolean, CompiledMap>>();
  constructor(private readonly envFor: (hasParams: boolean) => CelEnvironment) {}

  compile(policy: MutatingAdmissionPolicy, hasParams: boolean): CompiledMap {
    let byParams = this.cache.get(policy);
    if (!byParams) this.cache.set(policy, (byParams = new Map()));
    let c = byParams.get(hasParams);
    if (!c) byParams.set(hasParams, (c = compileMap(this.envFor(hasParams), policy)));
    return c;
  }
}

function compileMap(env: CelEnvironment, policy: MutatingAdmissionPolicy): CompiledMap {
  const spec = policy.spec ?? {};
  const errs = new FieldErrors();
  const variables = compileNamed(env, spec.variables, 'spec.variables', undefined, errs);
  const matchConditions = compileNamed(env, spec.matchConditions, 'spec.matchConditions', 'bool', errs);
  const mutations: CompiledMap['mutations'] = [];
  (spec.mutations ?? []).forEach((m, i) => {
    if (m.patchType === 'JSONPatch' && m.jsonPatch) {
      const p = compileExpression(env, m.jsonPatch.expression ?? '', `spec.mutations[${i}].jsonPatch.expression`, JSON_PATCH_OUTPUT, errs);
      mutations.push({ kind: 'jsonPatch', ...(p ? { program: p } : {}) });
    } else if (m.patchType === 'ApplyConfiguration' && m.applyConfiguration) {
      const p = compileExpression(env, m.applyConfiguration.expression ?? '', `spec.mutations[${i}].applyConfiguration.expression`, 'Object', errs);
      mutations.push({ kind: 'applyConfiguration', ...(p ? { program: p } : {}) });
    }
  });
  return { variables, matchConditions, brokenConditions: (spec.matchConditions ?? []).length - matchConditions.length, mutations };
}

/** Evaluates one policy with its bindings on a resource. */
export function applyMutatingAdmissionPolicy(compiler: MapCompiler, input: MapInput): MapResult | undefined {
  const { policy, attr } = input;
  let namespace = namespaceFor(input);
  const object = attr.object ?? {};
  if (input.bindings.length === 0) {
    const m = matchConstraints(policy.spec?.matchConstraints, attr, namespace);
    if (m.error !== undefined || !m.matches) return undefined;
    const r = mutateResource(compiler, input, object, undefined, namespace, undefined);
    return typeof r === 'string' ? undefined : r;
  }
  // every binding starts from the admitted object (the admission attributes are built once); the last
  // binding that produced a response (or an empty one, for a failed mutation) decides
  let result: MapResult | undefined;
  if (input.cluster) {
    const m = matchConstraints(policy.spec?.matchConstraints ?? {}, attr, namespace);
    if (m.error !== undefined || !m.matches) return undefined;
    const nsName = namespace ? metaString(namespace, 'name') : '';
    if (nsName !== '') {
      const ns = input.cluster.namespace(nsName);
      if (!ns) return undefined;
      namespace = ns;
    }
  }
  for (const binding of input.bindings) {
    const mr = binding.spec?.matchResources;
    if (mr) {
      const m = matchConstraints(mr, attr, namespace);
      if (m.error !== undefined || !m.matches) continue;
    }
    let params: JsonObject | null | undefined;
    const ref = binding.spec?.paramRef;
    if (ref) {
      const p = input.cluster ? clusterParams(input, ref, namespace) : offlineParams(input.params, ref);
      if (p === 'error') return result;
      params = p;
    }
    const r = mutateResource(compiler, input, object, params, namespace, binding);
    if (r === 'error') continue;
    result = r === 'empty' ? undefined : r;
  }
  return result;
}

function offlineParams(all: readonly JsonObject[], ref: NonNullable<NonNullable<MutatingAdmissionPolicyBinding['spec']>['paramRef']>): JsonObject | null {
  const list: JsonObject[] = [];
  for (const p of all) {
    let matches = false;
    if (ref.selector) {
      const r = checkSelector(ref.selector, labelsOf(p));
      matches = r.matched && r.error === '';
    } else {
      if (ref.namespace) matches = metaString(p, 'namespace') === ref.namespace;
      if (ref.name) matches = metaString(p, 'name') === ref.name;
    }
    if (!matches) continue;
    if (!ref.selector) return p;
    list.push(p);
  }
  return list.length > 0 ? { items: list } : null;
}

function clusterParams(
  input: MapInput,
  ref: NonNullable<NonNullable<MutatingAdmissionPolicyBinding['spec']>['paramRef']>,
  namespace: JsonObject | undefined,
): JsonObject | null | 'error' {
  const kind = input.policy.spec?.paramKind;
  const cluster = input.cluster!;
  const apiVersion = kind?.apiVersion ?? '';
  const k = kind?.kind ?? '';
  let ns = '';
  if (cluster.isNamespaced(apiVersion, k)) {
    ns = namespace ? metaString(namespace, 'name') : '';
    if (ref.namespace) ns = ref.namespace;
    else if (ns === '') return 'error';
  } else if (ref.namespace) return 'error';
  const found = cluster.params(apiVersion, k, ns, ref.name || undefined, ref.name ? undefined : ref.selector);
  if (!Array.isArray(found)) return 'error';
  if (found.length === 0) {
    if (ref.parameterNotFoundAction === 'Deny') return 'error';
    return null;
  }
  if (found.length > 1) return { items: found };
  return found[0]!;
}

function mutateResource(
  compiler: MapCompiler,
  input: MapInput,
  object: JsonObject,
  params: JsonObject | null | undefined,
  namespace: JsonObject | undefined,
  binding: MutatingAdmissionPolicyBinding | undefined,
): MapResult | 'error' | 'empty' {
  const name = input.policy.metadata?.name ?? '';
  const hasParams = params !== undefined && params !== null;
  const c = compiler.compile(input.policy, hasParams);
  const failurePolicy = input.policy.spec?.failurePolicy ?? 'Fail';
  const attr: AdmissionAttributes = { ...input.attr, object, oldObject: null };
  const data: Record<string, unknown> = {
    object: jsonToCel(object),
    oldObject: null,
    request: jsonToCel({ ...requestValue(attr), object: null, oldObject: null }),
    namespaceObject: jsonToCel(namespaceObjectValue(namespace)),
    ...(hasParams ? { params: jsonToCel(params) } : {}),
  };
  const activation = (): CelActivation => data;
  data['variables'] = lazyVariables(c.variables, activation);
  // match conditions: false -> skip; errors (a condition that does not compile is one) -> failure policy
  const errors: string[] = [];
  if (c.brokenConditions > 0) errors.push('compilation error');
  for (const mc of c.matchConditions) {
    let v: unknown;
    try {
      v = evaluate(mc.program, data);
    } catch (e) {
      errors.push(errorText(e));
      continue;
    }
    if (v === false) return { rule: skipped(name, binding) };
  }
  if (errors.length > 0) {
    if (failurePolicy !== 'Ignore') return 'error';
    return { rule: skipped(name, binding) };
  }
  let current = object;
  for (const m of c.mutations) {
    if (!m.program) return 'empty';
    let value: unknown;
    try {
      value = evaluate(m.program, data);
    } catch {
      return 'empty';
    }
    const r = m.kind === 'jsonPatch' ? jsonPatchPatch(value, current) : applyConfigurationPatch(value, current, deducedTypeConverter, false);
    if ('error' in r) return 'empty';
    current = r.object;
    data['object'] = jsonToCel(current);
  }
  const rule = ruleResponse(name, 'Mutation', 'pass', 'mutation is successfully applied');
  return { rule: withBinding(rule, binding), patched: current };
}

function skipped(name: string, binding: MutatingAdmissionPolicyBinding | undefined): RuleResponse {
  return withBinding(ruleResponse(name, 'Mutation', 'skip', "match conditions aren't met"), binding);
}

function withBinding(rule: RuleResponse, binding: MutatingAdmissionPolicyBinding | undefined): RuleResponse {
  // the report result names the binding (pkg/utils/report ToPolicyReportResult: `mapBinding`)
  if (binding && isObject(binding.metadata) && typeof binding.metadata['name'] === 'string') {
    rule.properties = { ...(rule.properties ?? {}), mapBinding: binding.metadata['name'] };
  }
  return rule;
}
