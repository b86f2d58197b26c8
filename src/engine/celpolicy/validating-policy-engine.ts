/**
 * The ValidatingPolicy engine (kyverno/pkg/cel/policies/vpol/engine): policies are prepared once
 * (compiled with their CEL PolicyExceptions, plus their pod controller autogen variants), then each
 * request is matched against `matchConstraints` and evaluated; the outcome becomes one rule response
 * (rule name empty, like Kyverno's):
 *
 * | outcome                          | status | message                                          |
 * |----------------------------------|--------|--------------------------------------------------|
 * | matchConstraints error           | error  | `failed to execute matching: <err>` (rule `match`) |
 * | matchConditions / context error  | error  | `failed to load context: <err>` (rule `evaluation`) |
 * | matchConditions false            | skip   | `skip`                                           |
 * | full exemption by exceptions     | skip/pass | `rule is skipped due to policy exception: ...` (rule `exception`) |
 * | a validation errors              | error  | `error: <err>`                                   |
 * | a validation is false            | fail   | its message                                      |
 * | all validations true             | pass   | `success`                                        |
 */
import { deepCopy, type JsonObject, type JsonValue } from '../api/json.ts';
import type { RuleResponse } from '../api/response.ts';
import type { AdmissionAttributes } from './admission.ts';
import { autogenVariants } from './autogen.ts';
import { exceptionResponse, exceptionsFor } from './cel-exceptions.ts';
import type { CelContextPorts } from './context.ts';
import type { CelPolicyEnvironments } from './environments.ts';
import { matchConstraints } from './match-constraints.ts';
import { asObject, asString } from './types.ts';
import {
  compileFailureMessage,
  compileValidatingPolicy,
  evaluateValidatingPolicy,
  ValidatingPolicyEvalError,
  type CompiledValidatingPolicy,
} from './validating-policy.ts';

/** A policy ready to evaluate: the original or one of its autogen variants. */
export interface PreparedValidatingPolicy {
  /** the policy responses carry (autogen variants: a copy holding the generated spec) */
  readonly policy: JsonObject;
  readonly compiled: CompiledValidatingPolicy;
  /** `defaults` / `cronjobs` for autogen variants */
  readonly autogen?: string;
}

/** A policy that does not compile (Kyverno's CLI stops the whole run with this message). */
export class PolicyCompileError extends Error {
  readonly code = 'CEL_POLICY_COMPILE';
}

/**
 * `NewProvider`: compiles every policy with the CEL PolicyExceptions naming it (by name and kind),
 * then its autogen variants. Throws `PolicyCompileError` for the first policy that does not compile.
 */
export function prepareValidatingPolicies(
  envs: CelPolicyEnvironments,
  policies: readonly JsonObject[],
  celExceptions: readonly JsonObject[],
): PreparedValidatingPolicy[] {
  const out: PreparedValidatingPolicy[] = [];
  for (const policy of policies) {
    const name = asString(asObject(policy['metadata'])?.['name']);
    const exceptions = exceptionsFor(celExceptions, name, asString(policy['kind']));
    const compiled = compileValidatingPolicy(envs, policy, exceptions);
    if (!compiled.ok) throw new PolicyCompileError(compileFailureMessage(name, compiled.errors));
    out.push({ policy, compiled: compiled.policy });
    for (const variant of autogenVariants(asObject(policy['spec']) ?? {})) {
      const copy = deepCopy(policy);
      copy['spec'] = variant.spec;
      const c = compileValidatingPolicy(envs, copy, exceptions);
      if (!c.ok) throw new PolicyCompileError(compileFailureMessage(name, c.errors));
      out.push({ policy: copy, compiled: c.policy, autogen: variant.config });
    }
  }
  return out;
}

/** A request (Kubernetes mode) or a payload (JSON mode) to evaluate. */
export interface ValidatingPolicyRequest {
  readonly attributes?: AdmissionAttributes;
  /** the request namespace's object, when known (else Kyverno's minimal namespace) */
  readonly namespace?: JsonObject | null;
  readonly payload?: JsonValue;
  /** the payload was decoded from JSON text (numbers are doubles) */
  readonly payloadFromJson?: boolean;
  readonly context: CelContextPorts;
  /** false for JSON payloads: no matchConstraints check */
  readonly match: boolean;
}

function errorResponse(name: string, msg: string, err: string, properties?: Record<string, string>): RuleResponse {
  const r: RuleResponse = { name, ruleType: 'Validation', status: 'error', message: `${msg}: ${err}` };
  if (properties) r.properties = properties;
  return r;
}

/** `handlePolicy`: the rule responses of one prepared policy for one request (empty: not matched). */
export function handleValidatingPolicy(p: PreparedValidatingPolicy, req: ValidatingPolicyRequest): RuleResponse[] {
  if (req.match) {
    const constraints = p.compiled.matchConstraints;
    if (!constraints || !req.attributes) return [];
    const m = matchConstraints(constraints, req.attributes, req.namespace);
    if (m.error !== undefined) return [errorResponse('match', 'failed to execute matching', m.error)];
    if (!m.matches) return [];
  }
  let result;
  try {
    result = evaluateValidatingPolicy(p.compiled, {
      attributes: req.attributes,
      namespace: req.namespace,
      payload: req.payload,
      payloadFromJson: req.payloadFromJson,
      context: req.context,
    });
  } catch (e) {
    if (e instanceof ValidatingPolicyEvalError) return [errorResponse('evaluation', 'failed to load context', e.message)];
    throw e;
  }
  if (!result) return [{ name: '', ruleType: 'Validation', status: 'skip', message: 'skip' }];
  if (result.exceptions.length > 0) return [exceptionResponse('exception', 'Validation', result.exceptions)];
  if (result.error !== undefined) {
    return [errorResponse('', 'error', result.error, { 'cel.validationIndex': String(result.index) })];
  }
  if (result.result) {
    const r: RuleResponse = { name: '', ruleType: 'Validation', status: 'pass', message: 'success' };
    if (Object.keys(result.auditAnnotations).length > 0) r.properties = { ...result.auditAnnotations };
    return [r];
  }
  const props: Record<string, string> = { ...result.auditAnnotations };
  if (!('cel.validationIndex' in props)) props['cel.validationIndex'] = String(result.index);
  return [{ name: '', ruleType: 'Validation', status: 'fail', message: result.message, properties: props }];
}

/**
 * `hasSelector` of Kyverno's CLI: true when the constraints have exactly one resource rule, no
 * resource names, no exclusions and no (non-empty) selector; a non-matching policy with such
 * constraints gives no engine response at all.
 */
export function hasPlainConstraints(match: unknown): boolean {
  const m = asObject(match);
  if (!m) return false;
  const nonEmpty = (sel: unknown): boolean => {
    const s = asObject(sel);
    if (!s) return false;
    const l = asObject(s['matchLabels']);
    const e = s['matchExpressions'];
    return (l !== undefined && Object.keys(l).length > 0) || (Array.isArray(e) && e.length > 0);
  };
  if (nonEmpty(m['namespaceSelector']) || nonEmpty(m['objectSelector'])) return false;
  if (Array.isArray(m['excludeResourceRules']) && m['excludeResourceRules'].length !== 0) return false;
  const rules = m['resourceRules'];
  if (!Array.isArray(rules) || rules.length !== 1) return false;
  const rule = asObject(rules[0]);
  const names = rule?.['resourceNames'];
  return !(Array.isArray(names) && names.length > 0);
}
