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

const FALLBACK_ENVS = Symbol('validate.cel environments');

/** The runtime's environments (a runtime without them gets its own set, kept on it). */
function environmentsOf(rt: RuleRuntime & ValidateCelRuntime): CelPolicyEnvironments {
  if (rt.celEnvironments) return rt.celEnvironments;
  const holder = rt as unknown as { [FALLBACK_ENVS]?: CelPolicyEnvironments };
  holder[FALLBACK_ENVS] ??= new CelPolicyEnvironments();
  return holder[FALLBACK_ENVS];
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

/**
 * Kyverno's CanI runs the SubjectAccessReview as the requesting user: without a username it fails with
 * `no service account provided` (after the kind lookup, whose failure comes first).
 */
function subjectChecked(inner: AuthorizerPort): AuthorizerPort {
  return {
    authorize(attributes) {
      const check = (d: AuthorizationDecision): AuthorizationDecision =>
        d.error === undefined && attributes.user.username === '' ? { decision: 'deny', reason: '', error: 'no service account provided' } : d;
      const d = inner.authorize(attributes);
      return d instanceof Promise ? d.then(check) : check(d);
    },
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
  const authorizer = subjectChecked(
    runtime.celAuthorizer?.(gvk) ?? kyvernoCliAuthorizer({ resourceKind: gvk.kind, knownResources: new Set([...KYVERNO_FAKE_DISCOVERY_RESOURCES, `${gvk.kind.toLowerCase()}s`]) }),
  );

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
