/**
 * validate.cel in a ClusterPolicy/Policy rule (kyverno/pkg/engine/handlers/validation/validate_cel.go):
 * the Kubernetes ValidatingAdmissionPolicy validator (src/engine/celpolicy/admission-validator.ts)
 * over the rule's `expressions`, `variables`, `auditAnnotations`, params and `celPreconditions`, with
 * `authorizer` declared.
 *
 * Outcomes (rule named after the rule):
 * - a matching PolicyException: skip `rule is skipped due to policy exceptions<keys>`
 * - the policy's generated ValidatingAdmissionPolicy is in charge (status): no response
 * - params cannot be read: error `error in parameterized resource: <err>`
 * - celPreconditions false: skip `cel preconditions not met`
 * - a denying expression: fail with its message (the rule's `validate.message` when the expression has
 *   none); an erroring one: fail too (failure policy Fail), with `expression '<expr>' resulted in error: ...`
 * - otherwise: pass `Validation rule '<name>' passed.`
 */
import { isObject, type JsonObject, type Resource } from '../api/json.ts';
import type { PolicyException, Rule } from '../api/policy.ts';
import type { GroupVersionKind } from '../api/request.ts';
import type { RuleResponse } from '../api/response.ts';
import { KYVERNO_FAKE_DISCOVERY_RESOURCES, kyvernoCliAuthorizer, type AuthorizationDecision, type AuthorizerPort } from '../cel/libs/authz.ts';
import { AdmissionValidator, type ValidateResult } from '../celpolicy/admission-validator.ts';
import { CelPolicyEnvironments } from '../celpolicy/environments.ts';
import { collectParams, type ParamsClient } from '../celpolicy/params.ts';
import type { ParamKind, ParamRef, Validation } from '../celpolicy/types.ts';
import { exceptionKey, matchingExceptions } from '../exceptions.ts';
import { resourceKind, type PolicyContext } from '../policy-context.ts';
import type { RuleRuntime } from './runtime.ts';

/**
 * What `validate.cel` needs from its runtime beyond `RuleRuntime`. The Engine provides these when it
 * has them: the CEL environments (built with its clock), the cluster reads for params, and the
 * authorizer behind `authorizer` checks.
 */
export interface ValidateCelRuntime {
  /** environments built with the engine's clock and random source */
  readonly celEnvironments?: CelPolicyEnvironments;
  /** cluster reads for `paramKind` / `paramRef` */
  readonly celParamsClient?: ParamsClient;
  /** the authorizer `authorizer.*.check()` asks, for a request of kind `gvk` */
  celAuthorizer?(gvk: GroupVersionKind): AuthorizerPort;
}

const FALLBACK = Symbol('validate.cel runtime');

/** What a runtime without `ValidateCelRuntime` gets, kept on the runtime itself (one per engine). */
interface FallbackState {
  readonly envs: CelPolicyEnvironments;
  readonly subjectAccess: { created: boolean };
}

function fallbackOf(rt: RuleRuntime): FallbackState {
  const holder = rt as unknown as { [FALLBACK]?: FallbackState };
  holder[FALLBACK] ??= { envs: new CelPolicyEnvironments(), subjectAccess: { created: false } };
  return holder[FALLBACK];
}

/** The runtime's environments (a runtime without them gets its own set, kept on it). */
function environmentsOf(rt: RuleRuntime & ValidateCelRuntime): CelPolicyEnvironments {
  return rt.celEnvironments ?? fallbackOf(rt).envs;
}

/**
 * Kyverno CLI's authorizer (`CanI` on the fake client): the request's kind must be known to the fake
 * discovery, then a SubjectAccessReview is created as the requester: without a username that fails
 * (`no service account provided`); the fake API server accepts the first review (never allowed) and
 * rejects every later one of the run, as they all share the empty name.
 */
export function kyvernoCliSubjectAccess(kind: string, knownResources: ReadonlySet<string>, state: { created: boolean }): AuthorizerPort {
  const discovery = kyvernoCliAuthorizer({ resourceKind: kind, knownResources });
  return {
    authorize(attributes) {
      const d = discovery.authorize(attributes) as AuthorizationDecision;
      if (d.error !== undefined) return d;
      if (attributes.user.username === '') return { decision: 'deny', reason: '', error: 'no service account provided' };
      if (state.created) return { decision: 'deny', reason: '', error: 'subjectaccessreviews.authorization.k8s.io "" already exists' };
      state.created = true;
      return { decision: 'deny', reason: '' };
    },
  };
}

interface CompiledRule {
  readonly validator: AdmissionValidator;
  readonly hasParam: boolean;
}

function compileRule(envs: CelPolicyEnvironments, rule: Rule): CompiledRule {
  const cel = rule.validate?.cel ?? {};
  const hasParam = cel.paramKind !== undefined && cel.paramKind !== null && cel.paramRef !== undefined && cel.paramRef !== null;
  const defaultMessage = rule.validate?.message ?? '';
  const validations: Validation[] = (cel.expressions ?? []).map((e) => ({
    expression: e.expression,
    message: e.message ? e.message : defaultMessage,
    messageExpression: e.messageExpression,
    reason: e.reason,
  }));
  return {
    hasParam,
    validator: new AdmissionValidator(
      envs,
      { matchConditions: rule.celPreconditions ?? [], variables: cel.variables ?? [], validations },
      { params: hasParam, authorizer: true },
    ),
  };
}

function withGvk(r: Resource, gvk: GroupVersionKind): Resource {
  return { ...r, apiVersion: gvk.group === '' ? gvk.version : `${gvk.group}/${gvk.version}`, kind: gvk.kind };
}

function metaString(r: Resource | null, field: string): string {
  const m = r?.['metadata'];
  return isObject(m) && typeof m[field] === 'string' ? m[field] : '';
}

/** True when the policy's status says its ValidatingAdmissionPolicy was generated. */
function vapGenerated(pc: PolicyContext): boolean {
  const status = (pc.policy as unknown as { status?: unknown }).status;
  if (!isObject(status)) return false;
  const vap = status['validatingadmissionpolicy'];
  return isObject(vap) && vap['generated'] === true;
}

/** The fake discovery's resources plus the request kind's plural, per kind (built once). */
const knownResources = new Map<string, ReadonlySet<string>>();
function knownResourcesFor(kind: string): ReadonlySet<string> {
  let s = knownResources.get(kind);
  if (!s) {
    s = new Set([...KYVERNO_FAKE_DISCOVERY_RESOURCES, `${kind.toLowerCase()}s`]);
    if (knownResources.size >= 1000) knownResources.clear();
    knownResources.set(kind, s);
  }
  return s;
}

export function validateCel(rt: RuleRuntime, pc: PolicyContext, rule: Rule, exceptions: PolicyException[]): RuleResponse | undefined {
  const runtime = rt as RuleRuntime & ValidateCelRuntime;
  const matched = matchingExceptions(exceptions, pc);
  if (matched.length > 0) {
    const keys = matched.map(exceptionKey);
    return { name: rule.name, ruleType: 'Validation', status: 'skip', message: `rule is skipped due to policy exceptions${keys.join(', ')}`, exceptions: keys };
  }
  if (vapGenerated(pc)) return undefined;

  const envs = environmentsOf(runtime);
  const compiled = envs.memo(rule, () => compileRule(envs, rule));
  const { gvk } = resourceKind(pc);
  const gvr = pc.requestResource ?? { group: '', version: '', resource: '' };
  const oldObject = pc.oldResource ? withGvk(pc.oldResource, gvk) : null;
  const object = pc.newResource ? withGvk(pc.newResource, gvk) : null;
  let ns = object ? metaString(object, 'namespace') : metaString(oldObject, 'namespace');
  const name = object ? metaString(object, 'name') : metaString(oldObject, 'name');
  if (gvk.kind === 'Namespace' && gvk.version === 'v1' && gvk.group === '') ns = '';
  const namespace: JsonObject | null = ns !== '' ? { metadata: { name: ns } } : null;
  const attributes = {
    kind: gvk,
    resource: gvr,
    subresource: '',
    name,
    namespace: ns,
    operation: pc.operation,
    userInfo: pc.admissionInfo?.userInfo ?? {},
    object,
    oldObject,
    dryRun: false,
  };
  // the request's own kind is always one of the test's resources, hence known to the fake discovery
  const authorizer =
    runtime.celAuthorizer?.(gvk) ??
    kyvernoCliSubjectAccess(gvk.kind, knownResourcesFor(gvk.kind), fallbackOf(rt).subjectAccess);

  const results: ValidateResult[] = [];
  if (compiled.hasParam) {
    const cel = rule.validate!.cel!;
    let params: Resource[];
    try {
      if (!runtime.celParamsClient) throw new Error('no cluster to read parameter resources from');
      params = collectParams(runtime.celParamsClient, cel.paramKind as ParamKind, cel.paramRef as ParamRef, ns);
    } catch (err) {
      return { name: rule.name, ruleType: 'Validation', status: 'error', message: `error in parameterized resource: ${err instanceof Error ? err.message : String(err)}` };
    }
    for (const p of params) results.push(compiled.validator.validate({ attributes, params: p, namespace, authorizer }));
  } else {
    results.push(compiled.validator.validate({ attributes, params: null, namespace, authorizer }));
  }

  for (const result of results) {
    if (result.decisions.length === 0) return { name: rule.name, ruleType: 'Validation', status: 'skip', message: 'cel preconditions not met' };
    for (const d of result.decisions) {
      if (d.action === 'admit' && d.evaluation === 'error') return { name: rule.name, ruleType: 'Validation', status: 'error', message: d.message };
      if (d.action === 'deny') return { name: rule.name, ruleType: 'Validation', status: 'fail', message: d.message };
    }
  }
  return { name: rule.name, ruleType: 'Validation', status: 'pass', message: `Validation rule '${rule.name}' passed.` };
}
