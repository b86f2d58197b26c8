/**
 * The validating CEL policy kinds in the CLI (cmd/cli/kubectl-kyverno/processor/policy_processor.go,
 * commands/test/test.go applyImageValidatingPolicies): ValidatingPolicy / NamespacedValidatingPolicy
 * (Kubernetes and JSON evaluation modes), ValidatingAdmissionPolicy with its bindings, and
 * ImageValidatingPolicy / NamespacedImageValidatingPolicy.
 *
 * Each resource becomes an admission request: the kind and subresource from the values'
 * subresource mappings, the resource (plural) from the REST mapping (offline: a guess for unknown
 * kinds), the operation from the test row or the values (CREATE, UPDATE: object and oldObject both the
 * resource, DELETE: oldObject only), the requester from the test's user info, the namespace object
 * from the values.
 */
import { isObject, type JsonObject, type Resource } from '../../engine/api/json.ts';
import type { EngineResponse, RuleResponse } from '../../engine/api/response.ts';
import { resolveBackgroundUser, type AdmissionAttributes } from '../../engine/celpolicy/admission.ts';
import type { ParamsClient } from '../../engine/celpolicy/params.ts';
import {
  bindingsOf,
  compileAdmissionPolicy,
  validateAdmissionPolicy,
  type CompiledAdmissionPolicy,
} from '../../engine/celpolicy/validating-admission-policy.ts';
import { CelPolicyEnvironments } from '../../engine/celpolicy/environments.ts';
import {
  handleValidatingPolicy,
  hasPlainConstraints,
  prepareValidatingPolicies,
  type PreparedValidatingPolicy,
} from '../../engine/celpolicy/validating-policy-engine.ts';
import { evaluationModeOf } from '../../engine/celpolicy/validating-policy.ts';
import { autogenVariants } from '../../engine/celpolicy/autogen.ts';
import { exceptionKeyOf } from '../../engine/celpolicy/cel-exceptions.ts';
import { aggregate } from '../../engine/celpolicy/compile.ts';
import {
  compileImageValidatingPolicy,
  evaluateImageValidatingPolicy,
  handleImageValidatingPolicy,
  imagePolicyMode,
  prepareImageValidatingPolicies,
  type PreparedImagePolicy,
} from '../../engine/celpolicy/image-validating-policy.ts';
import { guessKindToResource } from '../../engine/match/index.ts';
import { systemClock, systemRandom } from '../../k8s/system.ts';
import { resourceGvk } from '../processor.ts';
import { celContextPorts, gvkString, isNamespacedKind, restMapping, type CelKindContext } from './cel-context.ts';
import type { KindContext, KindHandler } from './types.ts';

let environments: CelPolicyEnvironments | undefined;

/** The CLI's CEL environments (system clock and randomness), built on first use. */
export function cliCelEnvironments(): CelPolicyEnvironments {
  environments ??= new CelPolicyEnvironments({ clock: systemClock, random: systemRandom });
  return environments;
}

/** Prepared ValidatingPolicies, by policy object and exception list. */
const prepared = new WeakMap<JsonObject, WeakMap<readonly JsonObject[], PreparedValidatingPolicy[]>>();

function prepare(policy: JsonObject, exceptions: readonly JsonObject[]): PreparedValidatingPolicy[] {
  let byEx = prepared.get(policy);
  if (!byEx) prepared.set(policy, (byEx = new WeakMap()));
  let p = byEx.get(exceptions);
  if (!p) {
    p = prepareValidatingPolicies(cliCelEnvironments(), [policy], exceptions);
    byEx.set(exceptions, p);
  }
  return p;
}

/** A failure Kyverno's CLI reports for the whole resource (`failed to map gvk to gvr ...`). */
export class CelRequestError extends Error {
  readonly code = 'CEL_REQUEST';
}

function meta(r: Resource): JsonObject {
  return isObject(r['metadata']) ? r['metadata'] : {};
}

/** `resolveOperation` then `AdmissionRequestShape`. */
export function requestShape(ctx: KindContext, resource: Resource): { operation: string; object: Resource | null; oldObject: Resource | null } {
  let op = ctx.operation ?? '';
  if (op === '') {
    const g = ctx.variables.globalOperation();
    op = g === 'CREATE' || g === 'UPDATE' || g === 'DELETE' ? g : '';
  }
  if (op === 'UPDATE') return { operation: 'UPDATE', object: resource, oldObject: structuredClone(resource) };
  if (op === 'DELETE') return { operation: 'DELETE', object: null, oldObject: structuredClone(resource) };
  return { operation: 'CREATE', object: resource, oldObject: null };
}

/**
 * The admission attributes of a resource for the CEL kinds. Unknown kinds: offline, the resource name
 * is guessed from the kind; with a cluster, the mapping error is fatal.
 */
export function admissionAttributes(ctx: KindContext, resource: Resource, guessResource?: (kind: string) => string | undefined): AdmissionAttributes {
  const { gvk, subresource } = resourceGvk(resource, ctx.variables);
  let gvr = restMapping(ctx, gvk);
  if (!gvr) {
    if (ctx.hasCluster) throw new CelRequestError(`failed to map gvk to gvr ${gvkString(gvk)}: no matches for kind "${gvk.kind}" in version "${gvk.group === '' ? gvk.version : `${gvk.group}/${gvk.version}`}"`);
    const plural = guessKindToResource(gvk.kind).plural || guessResource?.(gvk.kind);
    if (!plural) throw new CelRequestError(`failed to map gvk to gvr ${gvkString(gvk)}: failed to infer resource name for Kind "${gvk.kind}": no RESTMapper available and no matching policy resource rule found`);
    gvr = { group: gvk.group, version: gvk.version, resource: plural };
  }
  const shape = requestShape(ctx, resource);
  const m = meta(resource);
  return {
    kind: gvk,
    resource: gvr,
    subresource,
    name: typeof m['name'] === 'string' ? m['name'] : '',
    namespace: typeof m['namespace'] === 'string' ? m['namespace'] : '',
    operation: shape.operation,
    userInfo: ctx.userInfo?.userInfo ?? {},
    object: shape.object,
    oldObject: shape.oldObject,
    dryRun: false,
  };
}

function engineResponse(resource: Resource, policy: JsonObject, rules: RuleResponse[]): EngineResponse {
  return {
    resource,
    patchedResource: resource,
    policy: policy as EngineResponse['policy'],
    policyResponse: { rules },
  };
}

function specOf(p: JsonObject): JsonObject {
  return isObject(p['spec']) ? p['spec'] : {};
}

/** ValidatingPolicy and NamespacedValidatingPolicy: Kubernetes-mode policies on the request, JSON-mode ones on the raw resource. */
const validatingPolicyHandler: KindHandler = {
  kinds: ['ValidatingPolicy', 'NamespacedValidatingPolicy'],
  stage: 'validate',
  apply(ctx, policies, resource) {
    const cctx = ctx as CelKindContext;
    const responses: EngineResponse[] = [];
    const k8s = policies.filter((p) => evaluationModeOf(specOf(p)) === 'Kubernetes');
    const json = policies.filter((p) => evaluationModeOf(specOf(p)) === 'JSON');
    const k8sPrepared = k8s.flatMap((p) => prepare(p, ctx.celExceptions));
    const jsonPrepared = json.flatMap((p) => prepare(p, ctx.celExceptions));
    const context = celContextPorts(cctx);
    if (k8sPrepared.length > 0) {
      const attributes = admissionAttributes(ctx, resource, (kind) => resolveFromConstraints(k8s, kind));
      const namespace = attributes.namespace === '' ? undefined : ctx.variables.namespace(attributes.namespace);
      const reqResource = attributes.object ?? attributes.oldObject ?? resource;
      for (const p of k8sPrepared) {
        const rules = handleValidatingPolicy(p, { attributes, namespace, context, match: true });
        if (rules.length === 0 && hasPlainConstraints(specOf(p.policy)['matchConstraints'])) continue;
        responses.push(engineResponse(reqResource, p.policy, rules));
      }
    }
    for (const p of jsonPrepared) {
      const rules = handleValidatingPolicy(p, { payload: resource, context, match: false });
      if (rules.length === 0) continue;
      responses.push(engineResponse(resource, p.policy, rules));
    }
    return { responses };
  },
  applyJson(ctx, policies, payload, name) {
    const cctx = ctx as CelKindContext;
    const json = policies.filter((p) => evaluationModeOf(specOf(p)) === 'JSON');
    const context = celContextPorts(cctx);
    const responses: EngineResponse[] = [];
    for (const p of json.flatMap((x) => prepare(x, ctx.celExceptions))) {
      // a `.json` file is decoded like Go's encoding/json (every number a double)
      const rules = handleValidatingPolicy(p, { payload, payloadFromJson: name.toLowerCase().endsWith('.json'), context, match: false });
      responses.push(engineResponse(payload, p.policy, rules));
    }
    return responses;
  },
};

/** `resolveResource` fallback: a policy resource rule naming the kind (CRDs whose plural cannot be guessed). */
function resolveFromConstraints(policies: readonly JsonObject[], kind: string): string | undefined {
  const lower = kind.toLowerCase();
  for (const p of policies) {
    const mc = specOf(p)['matchConstraints'];
    if (!isObject(mc) || !Array.isArray(mc['resourceRules'])) continue;
    for (const rr of mc['resourceRules']) {
      if (!isObject(rr) || !Array.isArray(rr['resources'])) continue;
      for (const res of rr['resources']) {
        const base = String(res).split('/')[0] ?? '';
        if (base.toLowerCase() === lower) return base;
      }
    }
  }
  return undefined;
}

/** Compiled ValidatingAdmissionPolicies, by policy object. */
const compiledVaps = new WeakMap<JsonObject, CompiledAdmissionPolicy>();

function compiledVap(policy: JsonObject): CompiledAdmissionPolicy {
  let c = compiledVaps.get(policy);
  if (!c) {
    c = compileAdmissionPolicy(cliCelEnvironments(), policy);
    compiledVaps.set(policy, c);
  }
  return c;
}

/** The fake cluster as Kyverno's engine client (params, namespaces). */
function clusterClient(ctx: KindContext): ParamsClient & { getNamespace(name: string): JsonObject | undefined } {
  return {
    isNamespaced: (apiVersion, kind) => isNamespacedKind(ctx, apiVersion, kind),
    get(apiVersion, kind, namespace, name) {
      const found = ctx.cluster.get(apiVersion, kind, namespace, name);
      if (!found) {
        const { group } = apiVersion.includes('/') ? { group: apiVersion.split('/')[0]! } : { group: '' };
        const plural = restMapping(ctx, { group, version: apiVersion.split('/').pop() ?? '', kind })?.resource ?? guessKindToResource(kind).plural;
        throw new Error(`${group === '' ? plural : `${plural}.${group}`} "${name}" not found`);
      }
      return found;
    },
    list: (apiVersion, kind, namespace, selector) => ctx.cluster.list(apiVersion, kind, namespace === '' ? undefined : namespace, selector),
    getNamespace: (name) => ctx.cluster.get('v1', 'Namespace', '', name),
  };
}

/**
 * ValidatingAdmissionPolicy (+ bindings): every policy gives one engine response per resource (no
 * rules when nothing matched). The resource must map to a known resource.
 */
const validatingAdmissionPolicyHandler: KindHandler = {
  kinds: ['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'],
  stage: 'validate',
  apply(ctx, policies, resource) {
    const vaps = policies.filter((p) => p['kind'] === 'ValidatingAdmissionPolicy');
    if (vaps.length === 0) return { responses: [] };
    const { gvk } = resourceGvk(resource, ctx.variables);
    const gvr = restMapping(ctx, gvk);
    if (!gvr) throw new CelRequestError(`failed to map gvk to gvr ${gvkString(gvk)} (no matches for kind "${gvk.kind}" in version "${gvk.group === '' ? gvk.version : `${gvk.group}/${gvk.version}`}")`);
    const m = meta(resource);
    const name = typeof m['name'] === 'string' ? m['name'] : '';
    const namespace = typeof m['namespace'] === 'string' ? m['namespace'] : '';
    const attributes: AdmissionAttributes = {
      kind: gvk,
      resource: gvr,
      subresource: '',
      name,
      namespace,
      operation: 'CREATE',
      userInfo: resolveBackgroundUser(ctx.userInfo?.userInfo),
      object: resource,
      oldObject: null,
      dryRun: false,
    };
    const isNamespace = gvk.kind === 'Namespace' && gvk.group === '' && gvk.version === 'v1';
    const nsName = isNamespace ? '' : namespace;
    const nsObject: JsonObject = nsName === '' ? {} : { metadata: { name: nsName, labels: ctx.variables.namespaceSelectors()[nsName] ?? {} } };
    const responses: EngineResponse[] = [];
    for (const policy of vaps) {
      const compiled = compiledVap(policy);
      const rules = validateAdmissionPolicy(compiled, bindingsOf(compiled.name, policies), {
        attributes,
        namespace: nsObject,
        params: ctx.paramResources,
        cluster: ctx.hasCluster ? clusterClient(ctx) : undefined,
      });
      responses.push(engineResponse(resource, policy, rules));
    }
    return { responses };
  },
};

/** The image policies of a run, compiled per policy object and request resource. */
function compileImagePolicy(p: PreparedImagePolicy, gvr: { group: string; version: string; resource: string } | undefined): ReturnType<typeof compileImageValidatingPolicy> {
  const envs = cliCelEnvironments();
  const byGvr = envs.memo(p.policy, () => new Map<string, ReturnType<typeof compileImageValidatingPolicy>>());
  const key = `${gvr ? `${gvr.group}/${gvr.version}/${gvr.resource}` : ''}|${p.exceptions.map(exceptionKeyOf).join(',')}`;
  let c = byGvr.get(key);
  if (!c) {
    c = compileImageValidatingPolicy(envs, p.policy, p.exceptions, gvr);
    byGvr.set(key, c);
  }
  return c;
}

function prepareImagePolicies(ctx: KindContext, policies: readonly JsonObject[]): PreparedImagePolicy[] {
  return prepareImageValidatingPolicies(policies, ctx.celExceptions, (spec) => autogenVariants(spec).map((v) => v.spec));
}

/**
 * ImageValidatingPolicy / NamespacedImageValidatingPolicy (`applyImageValidatingPolicies`): one engine
 * response per policy that applies to the resource. Verifying signatures needs a registry, which an
 * offline run does not have.
 */
const imageValidatingPolicyHandler: KindHandler = {
  kinds: ['ImageValidatingPolicy', 'NamespacedImageValidatingPolicy'],
  stage: 'validate',
  apply(ctx, policies, resource) {
    const cctx = ctx as CelKindContext;
    const gvk = gvkOfResource(resource);
    const gvr = restMapping(ctx, gvk);
    if (!gvr) throw new CelRequestError(`failed to apply image validating policies on resource ${String(meta(resource)['name'] ?? '')}: failed to map gvk to gvr ${gvkString(gvk)}`);
    const shape = requestShape(ctx, resource);
    const m = meta(resource);
    const attributes: AdmissionAttributes = {
      kind: gvk,
      resource: gvr,
      subresource: '',
      name: typeof m['name'] === 'string' ? m['name'] : '',
      namespace: typeof m['namespace'] === 'string' ? m['namespace'] : '',
      operation: shape.operation,
      userInfo: ctx.userInfo?.userInfo ?? {},
      object: shape.object,
      oldObject: shape.oldObject,
      dryRun: false,
    };
    const namespace = attributes.namespace === '' ? undefined : ctx.variables.namespace(attributes.namespace);
    const context = celContextPorts({ ...cctx, httpMocks: undefined });
    const byName = new Map<string, EngineResponse>();
    for (const p of prepareImagePolicies(ctx, policies)) {
      const rule = handleImageValidatingPolicy(cliCelEnvironments(), p, { attributes, namespace, context }, compileImagePolicy);
      if (!rule) continue;
      byName.set(String(meta(p.policy)['name'] ?? ''), engineResponse(resource, p.policy, [rule]));
    }
    return { responses: [...byName.values()] };
  },
  applyJson(ctx, policies, payload) {
    const cctx = ctx as CelKindContext;
    const context = celContextPorts({ ...cctx, httpMocks: undefined });
    const responses: EngineResponse[] = [];
    for (const p of prepareImagePolicies(ctx, policies.filter((x) => imagePolicyMode(x) === 'JSON'))) {
      const c = compileImagePolicy(p, undefined);
      if (!c.ok) throw new CelRequestError(`failed to apply image validating policies on JSON payload: failed to compile policy ${aggregate(c.errors)}`);
      let result;
      try {
        result = evaluateImageValidatingPolicy(c.policy, { payload, context, slot: cliCelEnvironments().imageVerify });
      } catch (e) {
        throw new CelRequestError(`failed to apply image validating policies on JSON payload: ${(e as Error).message}`);
      }
      if (!result) continue;
      const name = c.policy.name;
      const rule: RuleResponse = result.error !== undefined
        ? { name: 'evaluation', ruleType: 'ImageVerify', status: 'error', message: `failed to evaluate policy for JSON: ${result.error}` }
        : result.result
          ? { name, ruleType: 'ImageVerify', status: 'pass', message: 'success' }
          : { name, ruleType: 'ImageVerify', status: 'fail', message: result.message };
      responses.push(engineResponse(payload, p.policy, [rule]));
    }
    return responses;
  },
};

function gvkOfResource(r: Resource): { group: string; version: string; kind: string } {
  const apiVersion = typeof r['apiVersion'] === 'string' ? r['apiVersion'] : '';
  const i = apiVersion.indexOf('/');
  const kind = typeof r['kind'] === 'string' ? r['kind'] : '';
  return i < 0 ? { group: '', version: apiVersion, kind } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1), kind };
}

export const validatingHandlers: KindHandler[] = [validatingPolicyHandler, validatingAdmissionPolicyHandler, imageValidatingPolicyHandler];
