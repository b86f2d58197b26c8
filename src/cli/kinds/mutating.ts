/**
 * The mutating CEL policy kinds in the CLI (cmd/cli/kubectl-kyverno/processor/policy_processor.go):
 * MutatingAdmissionPolicies (with their bindings) first, then MutatingPolicies and
 * NamespacedMutatingPolicies; each response's patched resource feeds the next. MutatingPolicies with
 * `evaluation.mutateExisting.enabled` also patch the test's target resources (responses carrying
 * `patchedTarget`).
 *
 * Also the CLI-side plumbing the CEL kinds share (ports over the test's data, REST mappings, operation).
 */
import { isObject, type JsonObject, type JsonValue, type Resource } from '../../engine/api/json.ts';
import type { LabelSelector } from '../../engine/api/policy.ts';
import type { GroupVersionKind, GroupVersionResource } from '../../engine/api/request.ts';
import type { EngineResponse, RuleResponse } from '../../engine/api/response.ts';
import type { CelEnvironment } from '../../engine/cel/environment.ts';
import type { GlobalContextPort } from '../../engine/cel/libs/kyverno-globalcontext.ts';
import { offlineHttp, type HttpPort } from '../../engine/cel/libs/kyverno-http.ts';
import type { ImageDataPort } from '../../engine/cel/libs/kyverno-imagedata.ts';
import { ResourcePortError, type ResourcePort } from '../../engine/cel/libs/kyverno-resource.ts';
import { metaString, type AdmissionAttributes } from '../../engine/celmutate/common/admission.ts';
import type { CelPolicyPorts } from '../../engine/celmutate/common/context.ts';
import { exceptionsFor } from '../../engine/celmutate/common/exceptions.ts';
import { matchConstraints, withAllOperations } from '../../engine/celmutate/common/match-constraints.ts';
import { policyEnvironment } from '../../engine/celmutate/common/program.ts';
import type { CelPolicyException, MatchResources } from '../../engine/celmutate/common/types.ts';
import {
  applyMutatingAdmissionPolicy,
  MapCompiler,
  type MutatingAdmissionPolicy,
  type MutatingAdmissionPolicyBinding,
} from '../../engine/celmutate/map/admission-policy.ts';
import { autogenPolicies } from '../../engine/celmutate/mpol/autogen.ts';
import { evaluateMutatingPoliciesOnTarget, handleMutatingPolicies, type MutatingEngineInput } from '../../engine/celmutate/mpol/engine.ts';
import { compileMutatingPolicy, evaluateTargetExpression, type CompiledMutatingPolicy } from '../../engine/celmutate/mpol/policy.ts';
import { mutateExistingEnabled, type MutatingPolicy } from '../../engine/celmutate/mpol/types.ts';
import { crdTypeConverters, type TypeConverterLookup } from '../../engine/celmutate/ssa/crd-schema.ts';
import { guessKindToResource, matchesLabelSelector, restMappingFor } from '../../engine/match/index.ts';
import { NotFoundApiError } from '../../k8s/fake-cluster.ts';
import { systemClock } from '../../k8s/system.ts';
import type { KindContext, KindHandler } from './types.ts';
import { resourceGvk } from '../processor.ts';

/**
 * Test data the CEL kinds read that the classic kinds do not (filled by the test runner when available):
 * the `targetResources`, the `context` file (objects for the resource library when no cluster is
 * declared, image data) and the `apiCallResponses` indexed as Kyverno's CEL HTTP mocks
 * (`METHOD:url` or `url` -> `{body, statusCode}`).
 */
export interface CelKindExtras {
  targets?: readonly Resource[];
  celContext?: { resources: readonly Resource[]; images: Readonly<Record<string, JsonObject>> };
  httpMocks?: Readonly<Record<string, JsonValue>>;
}

function extras(ctx: KindContext): CelKindExtras {
  return ctx as KindContext & CelKindExtras;
}

function str(v: JsonValue | undefined): string {
  return typeof v === 'string' ? v : '';
}

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/** CustomResourceDefinitions the test declared (clusterResources `crds`). */
export function testCrds(ctx: KindContext): JsonObject[] {
  return ctx.cluster.all().filter((o) => o['kind'] === 'CustomResourceDefinition' && str(o['apiVersion']).startsWith('apiextensions.k8s.io/'));
}

interface Mapping {
  resource: string;
  namespaced: boolean;
}

/** The REST mapping of a GVK: built-in discovery data, then the declared CRDs. */
export function restMapping(ctx: KindContext, gvk: GroupVersionKind): Mapping | undefined {
  const b = restMappingFor(gvk.group, gvk.kind, gvk.version);
  if (b) return { resource: b.resource, namespaced: b.namespaced };
  for (const crd of testCrds(ctx)) {
    const spec = isObject(crd['spec']) ? crd['spec'] : {};
    const names = isObject(spec['names']) ? spec['names'] : {};
    if (str(spec['group']) !== gvk.group || str(names['kind']) !== gvk.kind) continue;
    const versions = Array.isArray(spec['versions']) ? spec['versions'] : [];
    if (!versions.some((v) => isObject(v) && v['name'] === gvk.version)) continue;
    return { resource: str(names['plural']) || guessKindToResource(gvk.kind).plural, namespaced: spec['scope'] !== 'Cluster' };
  }
  return undefined;
}

/**
 * The GVR of a request: the REST mapping, else (no cluster declared) the plural guessed from the kind
 * (`resolveResource`: the policies' resource rules are not needed for the guess, which never fails).
 */
export function requestGvr(ctx: KindContext, gvk: GroupVersionKind): GroupVersionResource | { error: string } {
  const m = restMapping(ctx, gvk);
  if (m) return { group: gvk.group, version: gvk.version, resource: m.resource };
  if (ctx.hasCluster) return { error: `failed to map gvk to gvr ${gvkString(gvk)}: no matches for kind "${gvk.kind}" in version "${gvk.group === '' ? gvk.version : `${gvk.group}/${gvk.version}`}"` };
  return { group: gvk.group, version: gvk.version, resource: guessKindToResource(gvk.kind).plural };
}

function gvkString(gvk: GroupVersionKind): string {
  return `${gvk.group === '' ? '' : `${gvk.group}/`}${gvk.version}, Kind=${gvk.kind}`;
}

/** `resolveOperation`: the explicit operation, else the values' `request.operation`, else CREATE. */
export function resolveOperation(ctx: KindContext): string {
  const op = ctx.operation || ctx.variables.globalOperation();
  return op === 'UPDATE' || op === 'DELETE' || op === 'CREATE' ? op : 'CREATE';
}

/** `AdmissionRequestShape` + `celengine.Request`: the attributes of the admission request for `resource`. */
export function requestAttributes(ctx: KindContext, resource: Resource): AdmissionAttributes | { error: string } {
  const { gvk, subresource } = resourceGvk(resource, ctx.variables);
  const gvr = requestGvr(ctx, gvk);
  if ('error' in gvr) return gvr;
  const operation = resolveOperation(ctx);
  return {
    object: operation === 'DELETE' ? null : resource,
    oldObject: operation === 'CREATE' ? null : resource,
    kind: gvk,
    resource: gvr,
    subresource,
    namespace: metaString(resource, 'namespace'),
    name: metaString(resource, 'name'),
    operation,
    ...(ctx.userInfo?.userInfo ? { userInfo: ctx.userInfo.userInfo } : {}),
  };
}

function apiPath(apiVersion: string, resource: string, namespace: string, name?: string): string {
  const { group, version } = splitApiVersion(apiVersion);
  let p = group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
  if (namespace) p += `/namespaces/${namespace}`;
  p += `/${resource.split('/')[0] ?? resource}`;
  if (name !== undefined) p += `/${name}`;
  return p;
}

/** The resource library over the test's cluster (clusterResources declared): reads only. */
function clusterResourcePort(ctx: KindContext): ResourcePort {
  const read = (path: string): JsonObject => {
    try {
      const v = ctx.cluster.rawGet(path);
      return isObject(v) ? v : {};
    } catch (e) {
      if (e instanceof NotFoundApiError) throw new ResourcePortError(e.message, 'NotFound');
      throw e;
    }
  };
  return {
    get: (apiVersion, resource, namespace, name) => read(apiPath(apiVersion, resource, namespace, name)),
    list: (apiVersion, resource, namespace, labels) => {
      const l = read(apiPath(apiVersion, resource, namespace));
      if (labels && Object.keys(labels).length > 0 && Array.isArray(l['items'])) {
        l['items'] = l['items'].filter((o) => matchesLabelSelector({ matchLabels: labels }, (isObject(o) && isObject(o['metadata']) && isObject(o['metadata']['labels']) ? o['metadata']['labels'] : {}) as Record<string, string>));
      }
      return l;
    },
    post: () => {
      throw new ResourcePortError('the offline cluster does not accept writes');
    },
    toGvr: (apiVersion, kind) => {
      const { group, version } = splitApiVersion(apiVersion);
      const m = restMapping(ctx, { group, version, kind });
      if (!m) throw new ResourcePortError(`no matches for kind "${kind}" in version "${apiVersion}"`);
      return { group, version, resource: m.resource };
    },
  };
}

/** Kyverno's FakeContextProvider: the `context` file's objects (and targets), by GVR then namespace then name. */
function fakeResourcePort(ctx: KindContext, objects: readonly Resource[]): ResourcePort {
  const byGvr = new Map<string, Resource[]>();
  for (const o of objects) {
    const { group, version } = splitApiVersion(str(o['apiVersion']));
    const m = restMapping(ctx, { group, version, kind: str(o['kind']) });
    if (!m) continue;
    const key = `${group}/${version}/${m.resource}`;
    const list = byGvr.get(key) ?? [];
    const i = list.findIndex((x) => metaString(x, 'namespace') === metaString(o, 'namespace') && metaString(x, 'name') === metaString(o, 'name'));
    if (i >= 0) list[i] = o;
    else list.push(o);
    byGvr.set(key, list);
  }
  const gvrKey = (apiVersion: string, resource: string): { key: string; gr: string } => {
    const { group, version } = splitApiVersion(apiVersion);
    return { key: `${group}/${version}/${resource}`, gr: group === '' ? resource : `${resource}.${group}` };
  };
  return {
    get: (apiVersion, resource, namespace, name) => {
      const { key, gr } = gvrKey(apiVersion, resource);
      const found = (byGvr.get(key) ?? []).find((o) => metaString(o, 'namespace') === namespace && metaString(o, 'name') === name);
      if (!found) throw new ResourcePortError(`${gr} "${name}" not found`, 'NotFound');
      return found;
    },
    list: (apiVersion, resource, namespace) => {
      const { key, gr } = gvrKey(apiVersion, resource);
      const list = byGvr.get(key);
      if (!list) throw new ResourcePortError(`${gr} resource not found`);
      const items = list.filter((o) => metaString(o, 'namespace') === namespace);
      return { apiVersion: '', kind: '', metadata: {}, items } as JsonObject;
    },
    post: () => {
      throw new Error('not implemented');
    },
    toGvr: () => {
      throw new Error('not implemented');
    },
  };
}

function httpPort(ctx: KindContext): HttpPort {
  const mocks = extras(ctx).httpMocks;
  const find = (method: string, url: string): { body: JsonValue } | undefined => {
    if (mocks) {
      if (Object.prototype.hasOwnProperty.call(mocks, `${method}:${url}`)) return { body: mocks[`${method}:${url}`]! };
      if (Object.prototype.hasOwnProperty.call(mocks, url)) return { body: mocks[url]! };
      return undefined;
    }
    const call = ctx.ports.serviceCall;
    if (!call) return undefined;
    const body = call(method as 'GET' | 'POST', url, {});
    return body === undefined ? undefined : { body: { body, statusCode: 200 } };
  };
  const port: HttpPort = {
    get: (url, headers) => find('GET', url)?.body ?? offlineHttp.get(url, headers),
    post: (url, body, headers) => find('POST', url)?.body ?? offlineHttp.post(url, body, headers),
    client: () => port,
  };
  return port;
}

function globalContextPort(ctx: KindContext): GlobalContextPort {
  return {
    getGlobalReference: (name, projection) => {
      const get = ctx.ports.globalContext;
      if (!get) return null;
      const data = get(name);
      if (data === undefined) return null;
      if (projection === '') return data;
      if (isObject(data)) {
        if (Object.prototype.hasOwnProperty.call(data, projection)) return data[projection] as JsonValue;
        throw new Error(`projection "${projection}" not found in global context entry "${name}"`);
      }
      throw new Error(`projection "${projection}" not found in global context entry "${name}": stored value is not an object`);
    },
  };
}

function imageDataPort(ctx: KindContext): ImageDataPort {
  const images = extras(ctx).celContext?.images;
  return {
    getImageData: (ref) => {
      if (!images) throw new Error('image data not found in the context');
      const d = images[ref];
      if (!d) throw new Error(`image data for ${ref} not found in the context`);
      return d;
    },
  };
}

/**
 * The context ports of the CEL kinds (`NewContextProvider`): with clusterResources, Kyverno's real provider
 * over the fake cluster (its global context store is empty, it has no HTTP mocks and no registry access);
 * otherwise the fake provider (the `context` file, plus the targets for mutate-existing, the test's
 * global context entries and HTTP mocks).
 */
export function celPolicyPorts(ctx: KindContext, includeTargets = false): CelPolicyPorts {
  const x = extras(ctx);
  const namespace = (name: string): JsonObject | undefined => ctx.variables.namespace(name);
  if (ctx.hasCluster) {
    return {
      resource: clusterResourcePort(ctx),
      http: offlineHttp,
      globalContext: { getGlobalReference: () => null },
      imageData: {
        getImageData: (ref) => {
          throw new Error(`failed to fetch image descriptor: ${ref}: registry access is disabled`);
        },
      },
      namespace,
    };
  }
  return {
    resource: fakeResourcePort(ctx, [...(x.celContext?.resources ?? []), ...(includeTargets ? (x.targets ?? []) : [])]),
    http: httpPort(ctx),
    globalContext: globalContextPort(ctx),
    imageData: imageDataPort(ctx),
    namespace,
  };
}

/** Kyverno's CLI `hasSelector`: one plain resource rule (no names, selectors or exclusions). */
export function hasSelector(match: MatchResources | undefined): boolean {
  if (!match) return false;
  const set = (s: MatchResources['namespaceSelector']): boolean => !!s && (Object.keys(s.matchLabels ?? {}).length > 0 || (s.matchExpressions ?? []).length > 0);
  if (set(match.namespaceSelector) || set(match.objectSelector)) return false;
  if ((match.excludeResourceRules ?? []).length !== 0) return false;
  if ((match.resourceRules ?? []).length !== 1) return false;
  return (match.resourceRules![0]!.resourceNames ?? []).length === 0;
}

/** The policy part of an engine response. */
export function responsePolicy(p: JsonObject): EngineResponse['policy'] {
  return p as EngineResponse['policy'];
}

// ------------------------------------------------------------------------------------------------
// Compilation caches (per engine, i.e. per test run)

interface Caches {
  envs: Map<string, CelEnvironment>;
  map?: MapCompiler;
  compiled: WeakMap<JsonObject, CompiledMutatingPolicy[] | Error>;
  converters?: TypeConverterLookup;
}

const caches = new WeakMap<object, Caches>();

function cachesFor(ctx: KindContext): Caches {
  let c = caches.get(ctx.engine);
  if (!c) caches.set(ctx.engine, (c = { envs: new Map(), compiled: new WeakMap() }));
  return c;
}

/** A policy environment, built once per test run. */
export function cachedEnvironment(ctx: KindContext, key: string, make: () => CelEnvironment): CelEnvironment {
  const c = cachesFor(ctx);
  let env = c.envs.get(key);
  if (!env) c.envs.set(key, (env = make()));
  return env;
}

function mapCompiler(ctx: KindContext): MapCompiler {
  const c = cachesFor(ctx);
  c.map ??= new MapCompiler((hasParams) =>
    cachedEnvironment(ctx, hasParams ? 'map-params' : 'map', () => policyEnvironment({ namespaced: false, clock: systemClock, ...(hasParams ? { variables: { params: 'dyn' } } : {}) })),
  );
  return c.map;
}

/**
 * The MutatingPolicy type converters (`p.openAPI()`): the test's CRD files, then the Kubernetes 1.32
 * built-ins. (The CLI also lists its embedded CRD directory, but as OpenAPI schema files, which it does not
 * contain: Kyverno's own kinds get no type converter.)
 */
function typeConverters(ctx: KindContext): TypeConverterLookup {
  const c = cachesFor(ctx);
  c.converters ??= crdTypeConverters(testCrds(ctx));
  return c.converters;
}

function compileMpol(ctx: KindContext, policy: MutatingPolicy): CompiledMutatingPolicy[] {
  const c = cachesFor(ctx);
  const key = policy as unknown as JsonObject;
  let r = c.compiled.get(key);
  if (!r) {
    const namespaced = (policy.metadata?.namespace ?? '') !== '';
    const env = cachedEnvironment(ctx, namespaced ? 'mpol-ns' : 'mpol', () => policyEnvironment({ namespaced, clock: systemClock }));
    const exceptions = exceptionsFor(policy.metadata?.name ?? '', policy.kind ?? '', ctx.celExceptions as unknown as CelPolicyException[]);
    const out: CompiledMutatingPolicy[] = [];
    for (const p of [policy, ...autogenPolicies(policy)]) {
      const compiled = compileMutatingPolicy(env, p, exceptions);
      if ('errors' in compiled) {
        r = new Error(`failed to compile policy ${policy.metadata?.name ?? ''} (${compiled.errors.aggregate()})`);
        break;
      }
      out.push(compiled);
    }
    r ??= out;
    c.compiled.set(key, r);
  }
  if (r instanceof Error) throw r;
  return r;
}

// ------------------------------------------------------------------------------------------------
// MutatingAdmissionPolicies

function applyMaps(ctx: KindContext, policies: readonly JsonObject[], resource: Resource): { responses: EngineResponse[]; patched?: Resource } {
  const maps = policies.filter((p) => p['kind'] === 'MutatingAdmissionPolicy') as unknown as MutatingAdmissionPolicy[];
  const bindings = policies.filter((p) => p['kind'] === 'MutatingAdmissionPolicyBinding') as unknown as MutatingAdmissionPolicyBinding[];
  if (maps.length === 0) return { responses: [] };
  const { gvk } = resourceGvk(resource, ctx.variables);
  const mapping = restMapping(ctx, gvk);
  if (!mapping) throw new Error(`failed to map gvk to gvr ${gvkString(gvk)}: no matches for kind "${gvk.kind}" in version "${gvk.group === '' ? gvk.version : `${gvk.group}/${gvk.version}`}"`);
  const compiler = mapCompiler(ctx);
  const responses: EngineResponse[] = [];
  let current = resource;
  for (const policy of maps) {
    const attr: AdmissionAttributes = {
      object: current,
      oldObject: null,
      kind: gvk,
      resource: { group: gvk.group, version: gvk.version, resource: mapping.resource },
      subresource: '',
      namespace: metaString(current, 'namespace'),
      name: metaString(current, 'name'),
      operation: 'CREATE',
      ...(ctx.userInfo?.userInfo ? { userInfo: ctx.userInfo.userInfo } : {}),
    };
    const mine = bindings.filter((b) => b.spec?.policyName === (policy.metadata?.name ?? ''));
    const r = applyMutatingAdmissionPolicy(compiler, {
      policy,
      bindings: mine,
      attr,
      namespaceLabels: ctx.variables.namespaceSelectors(),
      params: ctx.paramResources,
      ...(ctx.hasCluster
        ? {
            cluster: {
              namespace: (name: string) => ctx.cluster.get('v1', 'Namespace', '', name),
              params: (apiVersion: string, kind: string, namespace: string, name: string | undefined, selector: LabelSelector | undefined) => {
                if (name !== undefined) {
                  const o = ctx.cluster.get(apiVersion, kind, namespace, name);
                  return o ? [o] : { error: `${kind} "${name}" not found` };
                }
                return ctx.cluster.list(apiVersion, kind, namespace, selector);
              },
              isNamespaced: (apiVersion: string, kind: string) => {
                const { group, version } = splitApiVersion(apiVersion);
                return restMapping(ctx, { group, version, kind })?.namespaced ?? true;
              },
            },
          }
        : {}),
    });
    if (!r) continue;
    const patched = r.patched ?? current;
    responses.push({
      resource: current,
      patchedResource: patched,
      policy: responsePolicy(policy as unknown as JsonObject),
      policyResponse: { rules: [r.rule] },
    });
    current = patched;
  }
  return { responses, ...(current !== resource ? { patched: current } : {}) };
}

// ------------------------------------------------------------------------------------------------
// MutatingPolicies

function engineInput(ctx: KindContext, attr: AdmissionAttributes, ports: CelPolicyPorts): MutatingEngineInput {
  const tcs = typeConverters(ctx);
  return { attr, ports, typeConverter: (gvk) => tcs(gvk) };
}

function applyMpols(ctx: KindContext, policies: readonly JsonObject[], resource: Resource): { responses: EngineResponse[]; patched?: Resource } {
  const mpols = policies as unknown as MutatingPolicy[];
  const compiled = mpols.flatMap((p) => compileMpol(ctx, p));
  if (compiled.length === 0) return { responses: [] };
  const attr = requestAttributes(ctx, resource);
  if ('error' in attr) throw new Error(attr.error);
  const ports = celPolicyPorts(ctx);
  const ns = attr.namespace !== '' ? ctx.variables.namespace(attr.namespace) : undefined;
  const reps = handleMutatingPolicies(compiled, engineInput(ctx, attr, ports), ns);
  const responses: EngineResponse[] = [];
  let current = resource;
  const original = reps.resource;
  for (const r of reps.policies) {
    if (r.rules.length === 0 && hasSelector(r.policy.spec?.matchConstraints)) continue;
    const patched = reps.patchedResource ?? original;
    responses.push({
      resource: original,
      patchedResource: patched,
      policy: responsePolicy(r.policy as unknown as JsonObject),
      policyResponse: { rules: r.rules },
    });
    current = patched;
  }
  responses.push(...mutateExisting(ctx, compiled, current, attr));
  return { responses, ...(current !== resource ? { patched: current } : {}) };
}

/** The mutate-existing pass over the test's target resources (`TargetResources` handling). */
function mutateExisting(ctx: KindContext, compiled: readonly CompiledMutatingPolicy[], trigger: Resource, triggerAttr: AdmissionAttributes): EngineResponse[] {
  const targets = extras(ctx).targets ?? [];
  const existing = compiled.filter((p) => mutateExistingEnabled(p.policy.spec));
  if (targets.length === 0 || existing.length === 0) return [];
  const ports = celPolicyPorts(ctx, true);
  const celTargets = new Map<string, Set<string>>();
  for (const p of existing) {
    const keys = evaluateTargetExpression(p, trigger, ports);
    if (keys === undefined) continue;
    if ('error' in keys) throw new Error(`failed to discover CEL targets: failed to evaluate CEL expression for policy ${p.policy.metadata?.name ?? ''}: ${keys.error}`);
    celTargets.set(p.policy.metadata?.name ?? '', keys);
  }
  const out: EngineResponse[] = [];
  for (const target of targets) {
    const { group, version } = splitApiVersion(str(target['apiVersion']));
    const kind = str(target['kind']);
    const mapping = restMapping(ctx, { group, version, kind });
    if (!mapping) throw new Error(`failed to map target gvk to gvr ${gvkString({ group, version, kind })}: no matches for kind "${kind}" in version "${str(target['apiVersion'])}"`);
    const gvr = { group, version, resource: mapping.resource };
    const attr: AdmissionAttributes = {
      object: target,
      oldObject: null,
      kind: { group, version, kind },
      resource: gvr,
      subresource: '',
      namespace: metaString(target, 'namespace'),
      name: metaString(target, 'name'),
      operation: '',
    };
    const select = (p: MutatingPolicy): boolean => {
      const tc = p.spec?.targetMatchConstraints;
      if ((tc?.expression ?? '') !== '') {
        const keys = celTargets.get(p.metadata?.name ?? '');
        if (!keys) return false;
        return keys.has(attr.namespace ? `${attr.namespace}/${attr.name}` : attr.name);
      }
      const constraints = tc && (tc.resourceRules ?? []).length > 0 ? tc : (p.spec?.matchConstraints ?? {});
      const m = matchConstraints(withAllOperations(constraints), attr, undefined);
      return m.error === undefined && m.matches;
    };
    const r = evaluateMutatingPoliciesOnTarget(existing, engineInput(ctx, attr, ports), triggerAttr, select);
    for (const pr of r.policies) {
      if (pr.rules.length === 0) continue;
      const patched = r.patchedResource ?? r.resource;
      const rules: RuleResponse[] = pr.rules.map((rule) => (rule.status === 'pass' ? { ...rule, patchedTarget: patched, patchedTargetSubresourceName: '' } : rule));
      // the CLI leaves the response's patched resource empty: only the rules carry the target
      out.push({ resource: trigger, patchedResource: {}, policy: responsePolicy(pr.policy as unknown as JsonObject), policyResponse: { rules } });
    }
  }
  return out;
}

export const mutatingHandlers: KindHandler[] = [
  { kinds: ['MutatingAdmissionPolicy', 'MutatingAdmissionPolicyBinding'], stage: 'mutate', apply: applyMaps },
  { kinds: ['MutatingPolicy', 'NamespacedMutatingPolicy'], stage: 'mutate', apply: applyMpols },
];
