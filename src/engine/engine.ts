/**
 * The engine: applies classic Kyverno policies to a resource (kyverno/pkg/engine/engine.go,
 * validation.go, mutation.go, background.go). Pure and synchronous; the outside world comes in through
 * `EngineOptions` ports. One Engine holds the compiled state (JMESPath cache, autogen rules) for many
 * evaluations.
 */
import { isObject, type JsonObject, type JsonValue, type Resource } from './api/json.ts';
import type { AdmissionOperation, ContextEntry, KyvernoPolicy, PolicyException, Rule } from './api/policy.ts';
import type { Clock, ContextPorts, GroupVersionKind, RandomSource, RequestUserInfo } from './api/request.ts';
import { ruleError, rulePass, ruleResponse, ruleSkip, type EngineResponse, type RuleResponse, type RuleType } from './api/response.ts';
import { computeRules } from './autogen/index.ts';
import { evaluateConditions } from './conditions/evaluate.ts';
import { JsonContext, DEFAULT_MAX_CONTEXT_SIZE, type QueryEngine } from './context/context.ts';
import { extractImages, imagesToContext, type ImageExtractorConfig } from './context/images.ts';
import { addContextEntries } from './context/loaders.ts';
import { isPendingFetch } from './context/pending.ts';
import { exceptionKey, findExceptions, matchingExceptions } from './exceptions.ts';
import type { RuleRuntime } from './handlers/runtime.ts';
import { validateResource } from './handlers/validate-resource.ts';
import { mutateResource } from './handlers/mutate-resource.ts';
import { mutateExisting } from './handlers/mutate-existing.ts';
import type { TargetResolver } from './handlers/targets.ts';
import { validatePodSecurityRule } from './handlers/validate-pss.ts';
import { validateCel } from './handlers/validate-cel.ts';
import { createJmesPath, type JmesPath } from './jmespath/index.ts';
import { isExcludedUser, policyGate, type RequestFilterConfig } from './rule-match.ts';
import { compileMatch, metaString, readObjectMeta, type MatchInfo, type ObjectMetaView, type RuleMatcher } from './match/index.ts';
import { compilePattern, type CompiledPattern, type PatternResult } from './pattern/validate.ts';
import { gvkOf, resourceKind, type PolicyContext } from './policy-context.ts';
import { defaultImageConfig, type ImageConfig } from './utils/image.ts';
import { policyKey } from './api/policy.ts';
import { prepareSubstitution, substituteAll as substituteAllImpl, type PreparedSubstitution } from './variables/substitute.ts';

export interface EngineConfig {
  imageConfig: ImageConfig;
  maxContextSize: number;
  /** Kyverno ConfigMap filters (resourceFilters, excluded users/groups/roles); admission only */
  requestFilters?: RequestFilterConfig;
}

export interface EngineOptions {
  clock: Clock;
  random?: RandomSource;
  ports?: ContextPorts;
  config?: Partial<EngineConfig>;
  /**
   * Called whenever a rule's (or foreach element's) context is loaded, before its entries: the CLI
   * injects values from its values file here (Kyverno's context loader initializer).
   */
  contextInitializer?: (policy: KyvernoPolicy, rule: Rule, ctx: JsonContext) => void;
  /** mutate targets and clone sources */
  targets?: TargetResolver;
  /** DNS lookups for `is_external_url` (absent: names are resolved as not found) */
  lookupHost?: (host: string) => string[];
}

export interface PolicyContextInput {
  policy: KyvernoPolicy;
  operation?: AdmissionOperation;
  newResource: Resource | null;
  oldResource?: Resource | null;
  admissionInfo?: RequestUserInfo;
  namespaceLabels?: Record<string, string>;
  gvk?: GroupVersionKind;
  subresource?: string;
  admissionOperation?: boolean;
  exceptions?: readonly PolicyException[];
  /** the full AdmissionRequest JSON, when evaluating an admission request */
  admissionRequest?: JsonObject;
  /** variables to add to the context (dotted keys), e.g. values for the CLI */
  variables?: Record<string, JsonValue>;
}

/** No rule response (shared: callers copy responses out, never push into it). */
const NO_RESPONSES: RuleResponse[] = Object.freeze([]) as unknown as RuleResponse[];

export class Engine implements RuleRuntime {
  readonly jp: JmesPath;
  readonly config: EngineConfig;
  private readonly ports: ContextPorts;
  /** resolves mutate targets and generate/clone sources (offline: the CLI's resources; in-cluster: the API) */
  readonly targets: TargetResolver;
  private readonly rulesCache = new WeakMap<KyvernoPolicy, Map<string, Rule[]>>();
  private readonly matcherCache = new WeakMap<Rule, RuleMatcher>();
  private readonly patternCache = new WeakMap<object, CompiledPattern>();
  /** policy documents prepared for substitution (`substitute`): scanned once, then resolved per request */
  private readonly preparedDocuments = new WeakMap<object, PreparedSubstitution>();
  /** compiled policy parts (conditions) for the request contexts: see JsonContext.memo */
  private readonly memo = new WeakMap<object, unknown>();
  private readonly validateRulesCache = new WeakMap<KyvernoPolicy, Map<string, Rule[]>>();
  private readonly imagesCache = new WeakMap<Resource, JsonObject>();

  constructor(private readonly options: EngineOptions) {
    this.config = {
      imageConfig: options.config?.imageConfig ?? defaultImageConfig,
      maxContextSize: options.config?.maxContextSize ?? DEFAULT_MAX_CONTEXT_SIZE,
      requestFilters: options.config?.requestFilters,
    };
    this.jp = createJmesPath({
      clock: options.clock,
      random: options.random,
      lookupHost: options.lookupHost,
      defaultRegistry: this.config.imageConfig.defaultRegistry,
      enableDefaultRegistryMutation: this.config.imageConfig.enableDefaultRegistryMutation,
    });
    this.ports = options.ports ?? {};
    this.targets = options.targets ?? { list: () => [], get: () => undefined };
  }

  /** The query engine contexts use. */
  get queryEngine(): QueryEngine {
    return this.jp;
  }

  /** Rules after autogen, cached per policy object and kind. */
  computeRules(policy: KyvernoPolicy, kind: string): Rule[] {
    let byKind = this.rulesCache.get(policy);
    if (!byKind) {
      byKind = new Map();
      this.rulesCache.set(policy, byKind);
    }
    let rules = byKind.get(kind);
    if (!rules) {
      rules = computeRules(policy, kind);
      byKind.set(kind, rules);
    }
    return rules;
  }

  /** The rules with a non-empty `validate` (autogen applied for the kind), cached like computeRules. */
  private validateRules(policy: KyvernoPolicy, kind: string): Rule[] {
    let byKind = this.validateRulesCache.get(policy);
    if (!byKind) {
      byKind = new Map();
      this.validateRulesCache.set(policy, byKind);
    }
    let rules = byKind.get(kind);
    if (!rules) {
      rules = this.computeRules(policy, kind).filter((r) => isObject(r.validate) && Object.keys(r.validate).length > 0);
      byKind.set(kind, rules);
    }
    return rules;
  }

  /** Builds a policy context (NewPolicyContext / NewPolicyContextFromAdmissionRequest). */
  newPolicyContext(input: PolicyContextInput): PolicyContext {
    const operation = input.operation ?? 'CREATE';
    let newResource = input.newResource;
    let oldResource = input.oldResource ?? null;
    let raw: JsonObject;
    if (input.admissionRequest) {
      // Object.assign, not a spread: keys are added to the copy (see shallowCopy in context.ts)
      const request: JsonObject = Object.assign({}, input.admissionRequest);
      if (newResource) request['object'] = newResource;
      if (oldResource) request['oldObject'] = oldResource;
      raw = { request };
    } else {
      // the document NewPolicyContext builds: request.object (oldObject for DELETE), namespace, operation
      const request: JsonObject = {};
      if (operation !== 'DELETE') request['object'] = newResource;
      else request['oldObject'] = oldResource ?? newResource;
      if (operation === 'UPDATE' && oldResource) request['oldObject'] = oldResource;
      const r = operation === 'DELETE' ? (oldResource ?? newResource) : newResource;
      request['namespace'] = metaString(r, 'namespace');
      request['operation'] = operation;
      raw = { request };
    }
    const ctx = new JsonContext(this.jp, raw, this.config.maxContextSize, this.memo);
    const imageSource = newResource ?? oldResource;
    if (imageSource) this.addImagesLoader(ctx, imageSource);
    if (input.admissionInfo) {
      ctx.addUserInfo({
        roles: input.admissionInfo.roles ?? null,
        clusterRoles: input.admissionInfo.clusterRoles ?? null,
        userInfo: (input.admissionInfo.userInfo ?? {}) as JsonObject,
      });
      ctx.addServiceAccount(input.admissionInfo.userInfo?.username ?? '');
    }
    if (!input.admissionRequest) ctx.setOperationOnly(operation);
    else if (typeof input.admissionRequest['operation'] === 'string') ctx.setOperationOnly(input.admissionRequest['operation']);
    if (operation === 'DELETE' && !input.admissionRequest) {
      oldResource = oldResource ?? newResource;
      newResource = null;
    }
    const variables = input.variables ? Object.entries(input.variables) : [];
    // `request.operation` equal to the operation already in the document changes nothing
    const effective = variables.filter(([k, v]) => !(k === 'request.operation' && v === operation && !input.admissionRequest));
    if (effective.length > 0) {
      for (const [k, v] of effective) ctx.addVariable(k, v);
      // values may overwrite parts of the objects: read them back (Kyverno's CLI does the same)
      const doc = ctx.document()['request'];
      if (isObject(doc)) {
        if (operation !== 'DELETE') newResource = isObject(doc['object']) ? (doc['object'] as Resource) : null;
        if (operation === 'UPDATE' || operation === 'DELETE') {
          oldResource = isObject(doc['oldObject']) ? (doc['oldObject'] as Resource) : null;
        }
      }
    }
    return {
      policy: input.policy,
      newResource,
      oldResource,
      element: null,
      operation,
      admissionInfo: input.admissionInfo,
      admissionOperation: input.admissionOperation ?? false,
      namespaceLabels: input.namespaceLabels ?? {},
      gvk: input.gvk ?? { group: '', version: '', kind: '' },
      subresource: input.subresource ?? '',
      jsonContext: ctx,
      exceptions: input.exceptions ?? [],
      admissionRequest: input.admissionRequest,
      objectMeta: { resource: null, meta: undefined },
    };
  }

  private addImagesLoader(ctx: JsonContext, resource: Resource): void {
    ctx.addDeferredLoader(new ImagesLoader(this, ctx, resource));
  }

  /** The `images` document of a resource, extracted once per resource object. */
  imagesDocument(resource: Resource): JsonObject {
    let doc = this.imagesCache.get(resource);
    if (!doc) {
      const images = extractImages(resource, this.config.imageConfig, undefined, (e, d) => this.jp.search(e, d));
      doc = imagesToContext(images);
      this.imagesCache.set(resource, doc);
    }
    return doc;
  }

  // --- RuleRuntime -------------------------------------------------------------------------------

  loadContext(pc: PolicyContext, rule: Rule, entries: readonly ContextEntry[] | undefined): void {
    this.options.contextInitializer?.(pc.policy, rule, pc.jsonContext);
    if (!entries || entries.length === 0) return;
    addContextEntries(pc.jsonContext, entries, {
      jp: this.jp,
      ports: this.ports,
      policyNamespace: pc.policy.kind === 'Policy' ? (pc.policy.metadata.namespace ?? '') : '',
    });
  }

  evaluateList(pc: PolicyContext, list: string): JsonValue[] {
    const v = pc.jsonContext.query(list);
    return Array.isArray(v) ? v : [v];
  }

  matchOldResource(pc: PolicyContext, rule: Rule, oldResource: Resource): boolean {
    if (rule.preconditions !== undefined && rule.preconditions !== null) {
      try {
        if (!evaluateConditions(pc.jsonContext, rule.preconditions).result) return false;
      } catch (err) {
        this.rethrowPending(err);
        return false;
      }
    }
    return this.ruleMatches(rule, oldResource, {
      gvk: gvkOf(oldResource),
      subresource: '',
      operation: 'CREATE',
      namespaceLabels: pc.namespaceLabels,
      admissionInfo: {
        roles: ['kyverno:invalidrole'],
        clusterRoles: ['kyverno:invalidrole'],
        userInfo: { username: 'kyverno:kyverno-invalid-controller', uid: 'kyverno:invaliduid', groups: ['kyverno:invalidgroup'] },
      },
      policyNamespace: pc.policy.metadata.namespace ?? '',
    });
  }

  matchPattern(resource: JsonValue, pattern: JsonValue): PatternResult {
    if (pattern === null || typeof pattern !== 'object') return compilePattern(pattern).match(resource);
    let c = this.patternCache.get(pattern);
    if (!c) {
      c = compilePattern(pattern);
      this.patternCache.set(pattern, c);
    }
    return c.match(resource);
  }

  rethrowPending(err: unknown): void {
    if (isPendingFetch(err)) throw err;
  }

  // --- evaluation ---------------------------------------------------------------------------------

  private response(pc: PolicyContext, rules: RuleResponse[], patched?: Resource): EngineResponse {
    const resource = pc.newResource ?? pc.oldResource ?? {};
    return {
      resource,
      patchedResource: patched ?? resource,
      policy: pc.policy as unknown as EngineResponse['policy'],
      namespaceLabels: pc.namespaceLabels,
      policyResponse: { rules },
    };
  }

  /** The validate handler of a rule (one function for every rule: no closure per rule and request). */
  private readonly validateHandler = (exceptions: PolicyException[], pc: PolicyContext, rule: Rule): RuleResponse[] => {
    const v = rule.validate!;
    let r: RuleResponse | undefined;
    if (v.manifests && Array.isArray(v.manifests['attestors']) && v.manifests['attestors'].length > 0) {
      return [ruleError(rule.name, 'Validation', 'verifying signed manifests is not supported offline')];
    }
    if (v.podSecurity && Object.keys(v.podSecurity).length > 0) r = validatePodSecurityRule(this, pc, rule, exceptions);
    else if (v.cel && Object.keys(v.cel).length > 0) r = validateCel(this, pc, rule, exceptions);
    else r = validateResource(this, pc, rule, exceptions);
    return r ? [r] : NO_RESPONSES;
  };

  /** Validate rules (validate.pattern/anyPattern/deny/foreach/podSecurity/cel). */
  validate(pc: PolicyContext): EngineResponse {
    const out: RuleResponse[] = [];
    if (!policyGate(pc, this.config.requestFilters, this)) return this.response(pc, out);
    const applyOne = pc.policy.spec.applyRules === 'One';
    const ctx = pc.jsonContext;
    ctx.checkpoint();
    try {
      const { gvk } = resourceKind(pc);
      for (const rule of this.validateRules(pc.policy, gvk.kind)) {
        const resps = this.invokeRule(pc, rule, 'Validation', pc.newResource, this.validateHandler);
        for (const r of resps) out.push(r);
        if (applyOne && out.some((r) => r.status === 'pass' || r.status === 'fail')) break;
      }
    } finally {
      ctx.restore();
    }
    return this.response(pc, out);
  }

  /** Mutate rules (patchStrategicMerge, patchesJson6902, foreach); later rules see earlier mutations. */
  mutate(pc: PolicyContext): EngineResponse {
    const out: RuleResponse[] = [];
    let matched = pc.newResource;
    if (!policyGate(pc, this.config.requestFilters, this)) return this.response(pc, out, matched ?? undefined);
    const applyOne = pc.policy.spec.applyRules === 'One';
    const ctx = pc.jsonContext;
    ctx.checkpoint();
    try {
      for (const rule of this.computeRules(pc.policy, '')) {
        const m = rule.mutate;
        if (!isObject(m) || Object.keys(m).length === 0) continue;
        const isExisting = m.targets !== undefined && m.targets !== null;
        if (isExisting && pc.admissionOperation) continue;
        if (isExisting) {
          out.push(...this.invokeRule(pc, rule, 'Mutation', matched, (exceptions) => mutateExisting(this, pc, rule, exceptions, this.targets)));
          if (applyOne && out.some((r) => r.status === 'pass' || r.status === 'fail')) break;
          continue;
        }
        let patched: Resource | null = matched;
        const resps = this.invokeRule(pc, rule, 'Mutation', matched, (exceptions) => {
          const r = mutateResource(this, pc, rule, matched ?? {}, exceptions);
          patched = r.patched;
          return r.response ? [r.response] : [];
        });
        if (patched !== matched && patched) {
          matched = patched;
          ctx.addResource(patched);
        }
        out.push(...resps);
        if (applyOne && out.some((r) => r.status === 'pass' || r.status === 'fail')) break;
      }
    } finally {
      ctx.restore();
    }
    if (matched) ctx.addResource(matched);
    return this.response(pc, out, matched ?? undefined);
  }

  /**
   * Generate rules and mutate-existing filtering (ApplyBackgroundChecks / filterRule): the status of each
   * generate rule for this trigger; the generated objects are added by the generate controller.
   */
  generate(pc: PolicyContext): EngineResponse {
    const out: RuleResponse[] = [];
    if (!policyGate(pc, this.config.requestFilters, this)) return this.response(pc, out);
    const applyOne = pc.policy.spec.applyRules === 'One';
    for (const rule of this.computeRules(pc.policy, '')) {
      const r = this.filterRule(pc, rule);
      if (!r) continue;
      out.push(r);
      if (applyOne && r.status !== 'skip') break;
    }
    return this.response(pc, out);
  }

  private filterRule(pc: PolicyContext, rule: Rule): RuleResponse | undefined {
    const hasGenerate = isObject(rule.generate) && Object.keys(rule.generate).length > 0;
    const hasMutateExisting = isObject(rule.mutate) && rule.mutate.targets !== undefined && rule.mutate.targets !== null;
    if (!hasGenerate && !hasMutateExisting) return undefined;
    const ruleType: RuleType = hasGenerate ? 'Generation' : 'Mutation';
    const exceptions = findExceptions(pc.exceptions, policyKey(pc.policy), rule.name);
    const matchedEx = matchingExceptions(exceptions, pc);
    if (matchedEx.length > 0) {
      const keys = matchedEx.map(exceptionKey);
      const r = ruleSkip(rule.name, ruleType, 'rule is skipped due to policy exception ' + keys.join(', '));
      r.exceptions = keys;
      return r;
    }
    const { gvk, subresource } = resourceKind(pc);
    const info = {
      gvk,
      subresource,
      operation: pc.operation,
      namespaceLabels: pc.namespaceLabels,
      admissionInfo: pc.admissionInfo,
      policyNamespace: pc.policy.kind === 'Policy' ? (pc.policy.metadata.namespace ?? '') : '',
    };
    if (!pc.newResource || !this.ruleMatches(rule, pc.newResource, info)) {
      if (ruleType === 'Generation' && pc.oldResource && this.ruleMatches(rule, pc.oldResource, info)) {
        return ruleResponse(rule.name, ruleType, 'fail', '');
      }
      return undefined;
    }
    const ctx = pc.jsonContext;
    ctx.checkpoint();
    try {
      try {
        this.loadContext(pc, rule, rule.context);
      } catch (err) {
        this.rethrowPending(err);
        return undefined;
      }
      let pre;
      try {
        pre = evaluateConditions(ctx, rule.preconditions);
      } catch (err) {
        this.rethrowPending(err);
        return ruleError(rule.name, ruleType, 'failed to evaluate conditions', err);
      }
      if (pre.result) return rulePass(rule.name, ruleType, '');
      if (pc.oldResource) {
        ctx.addResource(pc.oldResource);
        try {
          const old = evaluateConditions(ctx, rule.preconditions);
          if (old.result) return ruleResponse(rule.name, ruleType, 'fail', old.message);
        } catch (err) {
          this.rethrowPending(err);
          return ruleError(rule.name, ruleType, 'failed to evaluate conditions for old resource', err);
        }
      }
      return ruleSkip(rule.name, ruleType, '');
    } finally {
      ctx.restore();
    }
  }

  /**
   * invokeRuleHandler: match (new object, else old for DELETE), rule context, preconditions,
   * reportProperties, then the handler with the exceptions naming this rule.
   */
  invokeRule(
    pc: PolicyContext,
    rule: Rule,
    ruleType: RuleType,
    resource: Resource | null,
    handler: (exceptions: PolicyException[], pc: PolicyContext, rule: Rule) => RuleResponse[],
  ): RuleResponse[] {
    if (!this.matches(pc, rule, resource)) return NO_RESPONSES;
    const ctx = pc.jsonContext;
    ctx.checkpoint();
    try {
      try {
        this.loadContext(pc, rule, rule.context);
      } catch (err) {
        this.rethrowPending(err);
        return [ruleError(rule.name, ruleType, 'failed to load context', err)];
      }
      let pre;
      try {
        pre = evaluateConditions(ctx, rule.preconditions);
      } catch (err) {
        this.rethrowPending(err);
        return [ruleError(rule.name, ruleType, 'failed to evaluate preconditions', err)];
      }
      if (!pre.result) {
        const msg = ['preconditions not met', pre.message].filter((s) => s !== '').join('; ');
        return [withProperties(ruleSkip(rule.name, ruleType, msg), undefined)];
      }
      const properties = this.substituteProperties(pc, rule);
      const exceptions = pc.exceptions.length === 0 ? [] : findExceptions(pc.exceptions, policyKey(pc.policy), rule.name);
      const responses = handler(exceptions, pc, rule);
      for (const r of responses) withProperties(r, properties);
      return responses;
    } finally {
      ctx.restore();
    }
  }

  private substituteProperties(pc: PolicyContext, rule: Rule): Record<string, string> | undefined {
    const props = rule.reportProperties;
    if (!props || Object.keys(props).length === 0) return undefined;
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(props)) {
      try {
        const s = this.substitute(pc, v);
        out[k] = typeof s === 'string' ? s : JSON.stringify(s);
      } catch (err) {
        this.rethrowPending(err);
        out[k] = v;
      }
    }
    return out;
  }

  substitute(pc: PolicyContext, v: JsonValue): JsonValue {
    if (v === null || typeof v !== 'object') return substituteAllImpl(pc.jsonContext, v);
    let prepared = this.preparedDocuments.get(v);
    if (!prepared) {
      prepared = prepareSubstitution(v);
      this.preparedDocuments.set(v, prepared);
    }
    return prepared(pc.jsonContext);
  }

  /** Match/exclude of one rule against one object (compiled once per rule object). */
  ruleMatches(rule: Rule, resource: Resource, info: MatchInfo): boolean {
    return this.matcher(rule).matches(resource, info).matched;
  }

  /** Rule match on the new object, retried on the old object when the new one is absent. */
  matches(pc: PolicyContext, rule: Rule, resource: Resource | null = pc.newResource): boolean {
    if (pc.admissionOperation && isExcludedUser(this.config.requestFilters, pc.admissionInfo)) return false;
    const { gvk, subresource } = resourceKind(pc);
    const info = {
      gvk,
      subresource,
      operation: pc.operation,
      namespaceLabels: pc.namespaceLabels,
      admissionInfo: pc.admissionInfo,
      policyNamespace: pc.policy.kind === 'Policy' ? (pc.policy.metadata.namespace ?? '') : '',
    };
    // an absent or non-map object never matches (`resource is empty`)
    const target = resource ?? pc.oldResource;
    return isObject(target) && this.matcher(rule).matchesMeta(objectMetaOf(pc, target), info).matched;
  }

  private matcher(rule: Rule): RuleMatcher {
    let m = this.matcherCache.get(rule);
    if (!m) {
      m = compileMatch(rule.match, rule.exclude);
      this.matcherCache.set(rule, m);
    }
    return m;
  }
}


/** The deferred `images` context variable (one small object per policy context, no closures). */
class ImagesLoader {
  readonly name = 'images';
  private loaded = false;
  constructor(
    private readonly engine: Engine,
    private readonly ctx: JsonContext,
    private readonly resource: Resource,
  ) {}
  hasLoaded(): boolean {
    return this.loaded;
  }
  load(): void {
    this.loaded = true;
    const doc = this.engine.imagesDocument(this.resource);
    if (Object.keys(doc).length > 0) this.ctx.addToContext(doc, false, 'images');
  }
}

/**
 * The match view of the context's new or old object, read once for every rule and policy evaluated with
 * the context (`withPolicy` copies share the cache); other objects are read each time.
 */
function objectMetaOf(pc: PolicyContext, resource: Resource): ObjectMetaView {
  const cache = pc.objectMeta;
  if (cache !== undefined && (resource === pc.newResource || resource === pc.oldResource)) {
    if (cache.resource === resource && cache.meta !== undefined) return cache.meta;
    const meta = readObjectMeta(resource);
    cache.resource = resource;
    cache.meta = meta;
    return meta;
  }
  return readObjectMeta(resource);
}

function withProperties(r: RuleResponse, props: Record<string, string> | undefined): RuleResponse {
  if (props) r.properties = props;
  return r;
}

export type { ImageExtractorConfig };
