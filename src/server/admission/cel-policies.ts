/**
 * The CEL policy kinds at admission (Kyverno pkg/webhooks/resource/vpol and mpol handlers, the vpol and
 * mpol engines' `Handle`): ValidatingPolicy / NamespacedValidatingPolicy on `/vpol/<names>` and
 * `/nvpol/<names>`, MutatingPolicy / NamespacedMutatingPolicy on `/mpol/<names>` and `/nmpol/<names>`.
 * The path names the policies the webhook was built for (its `*policies` parameter); an empty list means
 * every policy of the kind.
 *
 * | route    | policies evaluated                                                      |
 * |----------|-------------------------------------------------------------------------|
 * | /vpol    | named cluster-scoped ValidatingPolicies (Kubernetes evaluation mode)    |
 * | /nvpol   | named NamespacedValidatingPolicies of the request's namespace           |
 * | /mpol    | named MutatingPolicies without target match constraints                 |
 * | /nmpol   | named NamespacedMutatingPolicies of the request's namespace (none for cluster-scoped requests) |
 *
 * Validation: a policy whose `validationActions` hold `Deny` denies the request for each failed or
 * errored evaluation (`Policy <name> failed: <message>` / `Policy <name> error: <message>`, joined by
 * `; `); `Warn` turns them into warnings. As Kyverno's audit step does, a request that met a policy with
 * the Deny action counts as blocked (whatever the outcome): it raises the `blocked` events and writes no
 * admission report; otherwise (Audit, Warn) every evaluation goes to reports and events.
 *
 * Mutation: each policy runs on the previous one's output; the response is the JSON patch from the
 * request's object to the last output. An errored evaluation of a policy whose failure policy is Fail
 * denies the request (`Resource: <ns>/<name>, Kind: <kind>, Errors: [Policy <name>: <message> ...]`).
 *
 * A policy that does not compile is left out (and logged), as Kyverno's provider does not serve it.
 */
import { isObject, type JsonObject, type JsonValue, type Resource } from '../../engine/api/json.ts';
import type { KyvernoPolicy } from '../../engine/api/policy.ts';
import type { Clock, RandomSource } from '../../engine/api/request.ts';
import type { EngineResponse, RuleResponse } from '../../engine/api/response.ts';
import type { AdmissionAttributes as CelAttributes } from '../../engine/celpolicy/admission.ts';
import { CelPolicyEnvironments } from '../../engine/celpolicy/environments.ts';
import { handleValidatingPolicy, prepareValidatingPolicies, type PreparedValidatingPolicy } from '../../engine/celpolicy/validating-policy-engine.ts';
import { evaluationModeOf } from '../../engine/celpolicy/validating-policy.ts';
import { exceptionsFor as mpolExceptionsFor } from '../../engine/celmutate/common/exceptions.ts';
import { policyEnvironment } from '../../engine/celmutate/common/program.ts';
import type { CelPolicyException } from '../../engine/celmutate/common/types.ts';
import { autogenPolicies } from '../../engine/celmutate/mpol/autogen.ts';
import { handleMutatingPolicies } from '../../engine/celmutate/mpol/engine.ts';
import { compileMutatingPolicy, type CompiledMutatingPolicy } from '../../engine/celmutate/mpol/policy.ts';
import type { MutatingPolicy } from '../../engine/celmutate/mpol/types.ts';
import { crdTypeConverters, type TypeConverterLookup } from '../../engine/celmutate/ssa/crd-schema.ts';
import type { CelEnvironment } from '../../engine/cel/environment.ts';
import { createJsonPatch } from '../../engine/mutate/patch/index.ts';
import type { Logger } from '../logging.ts';
import type { NamespaceLabelsSource } from '../sources/types.ts';
import type { PolicyResponse } from './block.ts';
import { encodePatchOperation, joinPatches } from './mutation.ts';
import { isGvkSupported, isPolicyReportable, needsReports, type ReportSink } from './reports.ts';
import { admissionResponse, isDryRun, mutationResponse, responseSuccess, type AdmissionAttributes, type AdmissionResponse } from './types.ts';

/** The CEL policy kinds this server evaluates at admission. */
export const VALIDATING_POLICY_KINDS = ['ValidatingPolicy', 'NamespacedValidatingPolicy'] as const;
export const MUTATING_POLICY_KINDS = ['MutatingPolicy', 'NamespacedMutatingPolicy'] as const;
export const SERVED_CEL_KINDS: ReadonlySet<string> = new Set<string>([...VALIDATING_POLICY_KINDS, ...MUTATING_POLICY_KINDS]);

/** The CEL policies and CEL PolicyExceptions (policies.kyverno.io) currently known. */
export interface CelPolicySnapshot {
  policies: readonly JsonObject[];
  exceptions: readonly JsonObject[];
}

export type CelRoute = 'vpol' | 'nvpol' | 'mpol' | 'nmpol';

export interface CelAdmissionDeps {
  namespaces: NamespaceLabelsSource;
  reports: ReportSink;
  /** `--admissionReports` */
  admissionReports: boolean;
  /** `--forceFailurePolicyIgnore` */
  forceFailurePolicyIgnore: boolean;
  /** a request was denied: the policy responses (`fail (blocked)` events) */
  onBlocked?: (responses: readonly EngineResponse[]) => void;
  clock?: Clock;
  random?: RandomSource;
  log: Logger;
}

interface PreparedVpol {
  name: string;
  namespace: string;
  actions: ReadonlySet<string>;
  policy: JsonObject;
  prepared: PreparedValidatingPolicy[];
}

interface PreparedMpol {
  name: string;
  namespace: string;
  policy: MutatingPolicy;
  compiled: CompiledMutatingPolicy[];
}

const objOf = (v: JsonValue | undefined): JsonObject => (v !== undefined && isObject(v) ? v : {});
const strOf = (v: JsonValue | undefined): string => (typeof v === 'string' ? v : '');
const metaOf = (o: JsonObject): JsonObject => objOf(o['metadata']);

/** `spec.admission.enabled` (default true) of the CEL kinds. */
export function celAdmissionEnabled(p: JsonObject): boolean {
  const admission = objOf(objOf(p['spec'])['admission']);
  return admission['enabled'] !== false;
}

/** `spec.validationActions` (default `[Deny]`). */
export function validationActions(p: JsonObject): Set<string> {
  const a = objOf(p['spec'])['validationActions'];
  const list = Array.isArray(a) ? a.filter((x): x is string => typeof x === 'string') : [];
  return new Set(list.length > 0 ? list : ['Deny']);
}

/** `GetFailurePolicy`: `spec.failurePolicy` (default Fail), Ignore when forced. */
export function celFailurePolicy(p: JsonObject, forceIgnore: boolean): 'Fail' | 'Ignore' {
  if (forceIgnore) return 'Ignore';
  return objOf(p['spec'])['failurePolicy'] === 'Ignore' ? 'Ignore' : 'Fail';
}

/** The policy names of a `/<kind>/*policies` path parameter (`/a/b` -> `[a, b]`). */
export function policyNamesOf(urlParams: string): string[] {
  const raw = urlParams.replace(/^\/+|\/+$/g, '');
  return raw === '' ? [] : raw.split('/');
}

function namesPredicate(names: readonly string[]): (name: string) => boolean {
  if (names.length === 0) return () => true;
  const set = new Set(names);
  return (n) => set.has(n);
}

/** The request's object as the engine sees it (`ExtractResources`: absent sides are empty). */
function objectOf(v: JsonValue | undefined): JsonObject | null {
  return v !== undefined && isObject(v) ? v : null;
}

function celAttributes(a: AdmissionAttributes): CelAttributes {
  const r = a.request;
  return {
    kind: r.kind,
    resource: r.resource,
    subresource: r.subResource,
    name: r.name,
    namespace: r.namespace,
    operation: r.operation,
    userInfo: { username: r.userInfo.username, uid: r.userInfo.uid, groups: r.userInfo.groups ?? [], ...(r.userInfo.extra ? { extra: r.userInfo.extra } : {}) },
    object: objectOf(r.object),
    oldObject: objectOf(r.oldObject),
    dryRun: r.dryRun === true,
  };
}

/** The PolicyResponse shape the report sink and events take, for a CEL policy. */
function policyResponse(policy: JsonObject, resource: Resource, patched: Resource, rules: RuleResponse[]): PolicyResponse {
  const response: EngineResponse = { resource, patchedResource: patched, policy: policy as EngineResponse['policy'], policyResponse: { rules } };
  return { policy: policy as unknown as KyvernoPolicy, response, emitWarning: false };
}

/**
 * Compiles the admission-enabled policies of a snapshot (ValidatingPolicies of the Kubernetes evaluation
 * mode with their autogen variants, MutatingPolicies with theirs), each with the CEL PolicyExceptions
 * naming it. Policies that do not compile are left out, their problem keyed `Kind/[ns/]name`.
 */
export function prepareCelPolicies(
  envs: CelPolicyEnvironments,
  mpolEnvironment: (namespaced: boolean) => CelEnvironment,
  s: CelPolicySnapshot | undefined,
): { vpols: PreparedVpol[]; mpols: PreparedMpol[]; problems: Map<string, string> } {
  const vpols: PreparedVpol[] = [];
  const mpols: PreparedMpol[] = [];
  const problems = new Map<string, string>();
  const exceptions = s?.exceptions ?? [];
  for (const p of s?.policies ?? []) {
    const kind = strOf(p['kind']);
    const name = strOf(metaOf(p)['name']);
    const namespace = strOf(metaOf(p)['namespace']);
    if (!celAdmissionEnabled(p)) continue;
    try {
      if (kind === 'ValidatingPolicy' || kind === 'NamespacedValidatingPolicy') {
        if (evaluationModeOf(objOf(p['spec'])) !== 'Kubernetes') continue;
        vpols.push({ name, namespace, actions: validationActions(p), policy: p, prepared: prepareValidatingPolicies(envs, [p], exceptions) });
      } else if (kind === 'MutatingPolicy' || kind === 'NamespacedMutatingPolicy') {
        const policy = p as unknown as MutatingPolicy;
        const env = mpolEnvironment(kind === 'NamespacedMutatingPolicy');
        const ex = mpolExceptionsFor(name, kind, exceptions as unknown as CelPolicyException[]);
        const compiled: CompiledMutatingPolicy[] = [];
        for (const variant of [policy, ...autogenPolicies(policy)]) {
          const c = compileMutatingPolicy(env, variant, ex);
          if ('errors' in c) throw new Error(`failed to compile policy ${name} (${c.errors.aggregate()})`);
          compiled.push(c);
        }
        mpols.push({ name, namespace, policy, compiled });
      }
    } catch (err) {
      problems.set(`${kind}/${namespace === '' ? '' : `${namespace}/`}${name}`, (err as Error).message);
    }
  }
  return { vpols, mpols, problems };
}

/** The compile problems of CEL policies (standalone loading refuses them), `Kind/[ns/]name: message`. */
export function celPolicyProblems(s: CelPolicySnapshot): string[] {
  const r = prepareCelPolicies(new CelPolicyEnvironments({}), (namespaced) => policyEnvironment({ namespaced }), s);
  return [...r.problems].map(([k, m]) => `${k}: ${m}`);
}

export class CelAdmission {
  private vpols: PreparedVpol[] = [];
  private mpols: PreparedMpol[] = [];
  private envs: CelPolicyEnvironments;
  private mpolEnvs = new Map<string, CelEnvironment>();
  private readonly converters: TypeConverterLookup = crdTypeConverters([]);
  /** compile problems of the last snapshot, by `kind/[ns/]name` */
  readonly problems = new Map<string, string>();

  constructor(private readonly deps: CelAdmissionDeps) {
    this.envs = new CelPolicyEnvironments({ ...(deps.clock ? { clock: deps.clock } : {}), ...(deps.random ? { random: deps.random } : {}) });
  }

  /** Whether any CEL policy is loaded (the routes answer at once otherwise). */
  get empty(): boolean {
    return this.vpols.length === 0 && this.mpols.length === 0;
  }

  private mpolEnvironment(namespaced: boolean): CelEnvironment {
    const key = namespaced ? 'ns' : 'cluster';
    let env = this.mpolEnvs.get(key);
    if (!env) {
      env = policyEnvironment({ namespaced, ...(this.deps.clock ? { clock: this.deps.clock } : {}), ...(this.deps.random ? { random: this.deps.random } : {}) });
      this.mpolEnvs.set(key, env);
    }
    return env;
  }

  /** Replaces the policies (the policy providers' reconcile): each admission-enabled policy compiled once. */
  replace(s: CelPolicySnapshot | undefined): void {
    const r = prepareCelPolicies(this.envs, (namespaced) => this.mpolEnvironment(namespaced), s);
    this.problems.clear();
    for (const [key, message] of r.problems) {
      this.problems.set(key, message);
      this.deps.log.error(message, 'failed to compile policy', { policy: key });
    }
    this.vpols = r.vpols;
    this.mpols = r.mpols;
  }

  private namespaceObject(namespace: string): JsonObject | undefined {
    if (namespace === '') return undefined;
    const ns = this.deps.namespaces.get(namespace);
    if (!ns) return undefined;
    return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns.name, labels: { ...ns.labels } } };
  }

  /** `/vpol` and `/nvpol` (vpol handler `ValidateClustered` / `ValidateNamespaced`). */
  validate(route: 'vpol' | 'nvpol', a: AdmissionAttributes): AdmissionResponse {
    const r = a.request;
    const wanted = namesPredicate(policyNamesOf(a.urlParams));
    const scope = (ns: string): boolean => (route === 'vpol' ? ns === '' : ns === r.namespace);
    const selected = this.vpols.filter((p) => wanted(p.name) && scope(p.namespace));
    if (selected.length === 0) return responseSuccess(r.uid);
    const attributes = celAttributes(a);
    const namespace = this.namespaceObject(r.namespace);
    const resource = (attributes.object ?? attributes.oldObject ?? {}) as Resource;
    const errors: string[] = [];
    const warnings: string[] = [];
    const responses: PolicyResponse[] = [];
    for (const p of selected) {
      const deny = p.actions.has('Deny');
      const warn = p.actions.has('Warn');
      for (const prepared of p.prepared) {
        const rules = handleValidatingPolicy(prepared, { attributes, ...(namespace ? { namespace } : {}), context: {}, match: true });
        responses.push(policyResponse(prepared.policy, resource, resource, rules));
        for (const rule of rules) {
          const verdict = rule.status === 'fail' ? 'failed' : rule.status === 'error' ? 'error' : undefined;
          if (!verdict) continue;
          const text = `Policy ${p.name} ${verdict}: ${rule.message}`;
          if (deny) errors.push(text);
          if (warn) warnings.push(text);
        }
      }
    }
    // Kyverno's audit calls the request blocked when any evaluated policy has the Deny action, whatever
    // its outcome: such requests raise the `blocked` events and write no admission report
    const blocked = selected.some((p) => p.actions.has('Deny'));
    this.audit(a, resource, responses, blocked, 'admission');
    if (errors.length > 0) return admissionResponse(r.uid, errors.join('; '), warnings);
    return responseSuccess(r.uid, warnings);
  }

  /** `/mpol` and `/nmpol` (mpol handler `MutateClustered` / `MutateNamespaced`). */
  mutate(route: 'mpol' | 'nmpol', a: AdmissionAttributes): AdmissionResponse {
    const r = a.request;
    if (route === 'nmpol' && r.namespace === '') return responseSuccess(r.uid);
    const names = policyNamesOf(a.urlParams);
    if (names.length === 0) return responseSuccess(r.uid);
    const wanted = namesPredicate(names);
    const scope = (ns: string): boolean => (route === 'mpol' ? ns === '' : ns === r.namespace);
    const noTargets = (p: MutatingPolicy): boolean => {
      const tmc = p.spec?.targetMatchConstraints;
      return !tmc || ((tmc.resourceRules ?? []).length === 0 && (tmc.expression ?? '') === '');
    };
    const selected = this.mpols.filter((p) => wanted(p.name) && scope(p.namespace) && noTargets(p.policy));
    if (selected.length === 0) return responseSuccess(r.uid);
    const attr = celAttributes(a);
    const namespace = this.namespaceObject(r.namespace);
    const converters = this.converters;
    const result = handleMutatingPolicies(
      selected.flatMap((p) => p.compiled),
      { attr, ports: {}, typeConverter: (gvk) => converters(gvk) },
      namespace,
    );
    const original = (attr.object ?? {}) as Resource;
    const responses = result.policies.map((pr) => policyResponse(pr.policy as unknown as JsonObject, original, (result.patchedResource ?? original) as Resource, pr.rules));
    this.audit(a, original, responses, false, 'mutation');
    const warnings: string[] = [];
    const errors: string[] = [];
    for (const pr of result.policies) {
      const fp = celFailurePolicy(pr.policy as unknown as JsonObject, this.deps.forceFailurePolicyIgnore);
      for (const rule of pr.rules) {
        if (rule.status === 'error' && fp === 'Fail') errors.push(`Policy ${pr.policy.metadata?.name ?? ''}: ${rule.message}`);
        else if (rule.status === 'warn') warnings.push(rule.message);
      }
    }
    if (errors.length > 0) {
      const message = `Resource: ${r.namespace}/${r.name}, Kind: ${r.kind.kind}, Errors: [${errors.join(' ')}]`;
      a.log.error(message, 'mutation failures');
      return admissionResponse(r.uid, message);
    }
    if (!result.patchedResource) return mutationResponse(r.uid, undefined, warnings);
    const ops = createJsonPatch(original, result.patchedResource).map(encodePatchOperation);
    return mutationResponse(r.uid, joinPatches(ops), warnings);
  }

  /** Reports and events of an evaluation (`audit` / `admissionEvent` of the handlers). */
  private audit(a: AdmissionAttributes, resource: Resource, responses: PolicyResponse[], blocked: boolean, source: 'admission' | 'mutation'): void {
    const withRules = responses.filter((p) => p.response.policyResponse.rules.length > 0);
    if (withRules.length === 0) return;
    if (blocked) {
      this.deps.onBlocked?.(withRules.map((p) => p.response));
      return;
    }
    const reportable = withRules.filter((p) => isPolicyReportable(p.policy));
    const r = a.request;
    const record =
      source === 'mutation'
        ? this.deps.admissionReports && !isDryRun(r) && r.operation !== 'DELETE' && isGvkSupported(r)
        : needsReports(r, resource, this.deps.admissionReports);
    if (record && reportable.length > 0) this.deps.reports.submit({ source, request: r, resource, responses: withRules, time: Date.now() });
  }
}
