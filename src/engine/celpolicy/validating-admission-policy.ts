/**
 * ValidatingAdmissionPolicy (+ bindings) as Kyverno evaluates them offline
 * (kyverno/pkg/admissionpolicy/validate.go): the request is a CREATE of the resource by the requester
 * (the background scan identity fills missing user fields). Without bindings the policy's
 * matchConstraints decide; with bindings each binding whose matchResources match evaluates the policy
 * (with its params) and the last one evaluated gives the response. The rule is named after the policy:
 *
 * - match conditions not met: skip `match conditions aren't met`
 * - first validation in error: error with its message; first denying validation: fail with its message
 * - otherwise: pass (empty message)
 */
import { isObject, type JsonObject, type Resource } from '../api/json.ts';
import type { RuleResponse } from '../api/response.ts';
import type { AdmissionAttributes } from './admission.ts';
import { AdmissionValidator } from './admission-validator.ts';
import type { CelPolicyEnvironments } from './environments.ts';
import { matchConstraints } from './match-constraints.ts';
import { collectParams, offlineParams, type ParamsClient } from './params.ts';
import { asArray, asObject, asString, failurePolicyOf, type MatchResources, type ParamKind, type ParamRef } from './types.ts';

/** A compiled ValidatingAdmissionPolicy. */
export interface CompiledAdmissionPolicy {
  readonly policy: JsonObject;
  readonly name: string;
  readonly validator: AdmissionValidator;
  readonly matchConstraints?: MatchResources;
  readonly paramKind?: ParamKind;
}

/** Compiles a ValidatingAdmissionPolicy (compile problems surface as evaluation errors). */
export function compileAdmissionPolicy(envs: CelPolicyEnvironments, policy: JsonObject): CompiledAdmissionPolicy {
  const spec = asObject(policy['spec']) ?? {};
  const paramKind = asObject(spec['paramKind']) as ParamKind | undefined;
  return {
    policy,
    name: asString(asObject(policy['metadata'])?.['name']),
    validator: new AdmissionValidator(
      envs,
      { matchConditions: asArray(spec['matchConditions']), variables: asArray(spec['variables']), validations: asArray(spec['validations']) },
      { params: paramKind !== undefined, authorizer: false, failurePolicy: spec['failurePolicy'] === undefined ? undefined : failurePolicyOf(spec['failurePolicy']) },
    ),
    matchConstraints: asObject(spec['matchConstraints']) as MatchResources | undefined,
    paramKind,
  };
}

/** One request to evaluate a ValidatingAdmissionPolicy on. */
export interface AdmissionPolicyRequest {
  /** CREATE of the resource (see `vapAttributes`) */
  readonly attributes: AdmissionAttributes;
  /** the request namespace (`{metadata: {name, labels}}`, empty for cluster-scoped resources) */
  readonly namespace: JsonObject;
  /** `--parameter-resource` objects (offline) */
  readonly params: readonly Resource[];
  /** with a cluster: namespace and params are read from it */
  readonly cluster?: ParamsClient & { getNamespace(name: string): JsonObject | undefined };
}

function bindingNameOf(binding: JsonObject): string {
  return asString(asObject(binding['metadata'])?.['name']);
}

/**
 * `validateResource`: one evaluation with `params`, the rule response carrying the binding name as the
 * `binding` property (the report's `binding`).
 */
function evaluate(policy: CompiledAdmissionPolicy, binding: JsonObject | undefined, params: JsonObject | null, req: AdmissionPolicyRequest, namespace: JsonObject | null): RuleResponse {
  const result = policy.validator.validate({ attributes: req.attributes, params, namespace });
  let r: RuleResponse;
  if (result.decisions.length === 0) {
    r = { name: policy.name, ruleType: 'Validation', status: 'skip', message: "match conditions aren't met" };
  } else {
    r = { name: policy.name, ruleType: 'Validation', status: 'pass', message: '' };
    for (const d of result.decisions) {
      if (d.evaluation === 'error') {
        r = { name: policy.name, ruleType: 'Validation', status: 'error', message: d.message };
        break;
      }
      if (d.action === 'deny') {
        r = { name: policy.name, ruleType: 'Validation', status: 'fail', message: d.message };
        break;
      }
    }
  }
  if (binding) r.properties = { binding: bindingNameOf(binding) };
  return r;
}

function emptySelectorsDefaulted(m: MatchResources): MatchResources {
  return { ...m, namespaceSelector: m.namespaceSelector ?? {}, objectSelector: m.objectSelector ?? {} };
}

/**
 * `admissionpolicy.Validate`: the rule responses of one policy (with its bindings) for a request;
 * empty when nothing matched (or a cluster lookup failed, which Kyverno only logs).
 */
export function validateAdmissionPolicy(policy: CompiledAdmissionPolicy, bindings: readonly JsonObject[], req: AdmissionPolicyRequest): RuleResponse[] {
  const ns = req.namespace;
  if (bindings.length === 0) {
    const m = matchConstraints(policy.matchConstraints, req.attributes, ns);
    if (!m.matches) return [];
    return [evaluate(policy, undefined, null, req, ns)];
  }
  let out: RuleResponse[] = [];
  if (req.cluster) {
    // processVAPWithClient: the namespace (labels included) and the params come from the cluster
    if (!policy.matchConstraints) return [];
    const k = req.attributes.kind;
    const nsName = k.kind === 'Namespace' && k.group === '' && k.version === 'v1' ? '' : req.attributes.namespace;
    let namespace: JsonObject = ns;
    if (nsName !== '') {
      const found = req.cluster.getNamespace(nsName);
      if (!found) return [];
      namespace = found;
    }
    const m = matchConstraints(emptySelectorsDefaulted(policy.matchConstraints), req.attributes, namespace);
    if (!m.matches) return [];
    for (const binding of bindings) {
      const spec = asObject(binding['spec']) ?? {};
      const mr = asObject(spec['matchResources']) as MatchResources | undefined;
      if (mr) {
        const bm = matchConstraints(emptySelectorsDefaulted(mr), req.attributes, namespace);
        if (!bm.matches) continue;
      }
      const ref = asObject(spec['paramRef']) as ParamRef | undefined;
      let params: JsonObject | null = null;
      if (ref) {
        let found: Resource[];
        try {
          found = collectParams(req.cluster, policy.paramKind ?? {}, ref, nsName);
        } catch {
          return out;
        }
        params = found.length > 1 ? { items: found } : (found[0] ?? null);
      }
      out = [evaluate(policy, binding, params, req, namespace)];
    }
    return out;
  }
  for (const binding of bindings) {
    const spec = asObject(binding['spec']) ?? {};
    const mr = asObject(spec['matchResources']) as MatchResources | undefined;
    if (mr) {
      const bm = matchConstraints(mr, req.attributes, ns);
      if (bm.error !== undefined || !bm.matches) continue;
    }
    const ref = asObject(spec['paramRef']) as ParamRef | undefined;
    const params = ref ? offlineParams(req.params, ref) : null;
    out = [evaluate(policy, binding, params, req, ns)];
  }
  return out;
}

/** The bindings of a policy (`spec.policyName`), in load order. */
export function bindingsOf(policyName: string, objects: readonly JsonObject[]): JsonObject[] {
  return objects.filter((b) => b['kind'] === 'ValidatingAdmissionPolicyBinding' && isObject(b['spec']) && b['spec']['policyName'] === policyName);
}
