/**
 * The policy cache of the admission webhooks (pkg/policycache/{cache,store}.go): classic policies indexed
 * by the API resources (group/version/resource/subresource) their rules' kinds name, under one or more
 * policy types:
 *
 * | type                 | a policy is listed when it has ...                                   |
 * |----------------------|----------------------------------------------------------------------|
 * | Mutate               | a mutate rule for the resource                                       |
 * | ValidateEnforce      | a validate rule and some Enforce action (spec, rule or override)     |
 * | ValidateAudit        | a validate rule and no Enforce action anywhere                       |
 * | ValidateAuditWarn    | as ValidateAudit, with `spec.emitWarning`                            |
 * | Generate             | a generate rule                                                      |
 * | VerifyImagesMutate   | a verifyImages rule                                                  |
 * | VerifyImagesValidate | a verifyImages rule with `verifyDigest` or `required`                |
 *
 * `get` then adds, as Kyverno does, the Enforce policies to ValidateAudit (their audit rules), the
 * Enforce policies with `emitWarning` to ValidateAuditWarn, and reduces ValidateEnforce/ValidateAudit
 * policies to the rules whose action (after namespace overrides) is Enforce, respectively Audit.
 * `pods` always brings `pods/ephemeralcontainers` along.
 *
 * Unlike Go's map iteration, results come in a stable order (cluster policies then namespaced ones, each
 * by key). Reduced policies are memoised so that the engine's per-policy caches keep hitting.
 */
import { isObject } from '../../engine/api/json.ts';
import type { KyvernoPolicy, Rule, ValidationFailureActionOverride } from '../../engine/api/policy.ts';
import type { GroupVersionResource } from '../../engine/api/request.ts';
import { computeRules } from '../../engine/autogen/index.ts';
import { isEnforce } from '../../engine/failure-action.ts';
import { matchesLabelSelector, parseKindSelector } from '../../engine/match/index.ts';
import { wildcardMatch } from '../../engine/utils/wildcard.ts';
import type { Discovery } from '../sources/discovery.ts';

export type PolicyType =
  | 'Mutate'
  | 'ValidateEnforce'
  | 'ValidateAudit'
  | 'ValidateAuditWarn'
  | 'Generate'
  | 'VerifyImagesMutate'
  | 'VerifyImagesValidate';

const POLICY_TYPES: readonly PolicyType[] = ['Mutate', 'ValidateEnforce', 'ValidateAudit', 'ValidateAuditWarn', 'Generate', 'VerifyImagesMutate', 'VerifyImagesValidate'];

/** A namespace as the cache sees it (the Namespace object from the lister). */
export interface NamespaceInfo {
  name: string;
  labels: Record<string, string>;
}

// --- rule predicates (api/kyverno/v1 rule_types.go; a zero struct counts as absent) -------------------

const nonEmpty = (v: unknown): boolean => isObject(v) && Object.keys(v).length > 0;
export const hasValidate = (r: Rule): boolean => nonEmpty(r.validate);
export const hasMutate = (r: Rule): boolean => nonEmpty(r.mutate);
export const hasMutateExisting = (r: Rule): boolean => isObject(r.mutate) && r.mutate.targets !== undefined && r.mutate.targets !== null;
export const hasMutateStandard = (r: Rule): boolean => !hasMutateExisting(r) && hasMutate(r);
export const hasGenerate = (r: Rule): boolean => nonEmpty(r.generate);
export const hasVerifyImages = (r: Rule): boolean => Array.isArray(r.verifyImages) && r.verifyImages.some((v) => nonEmpty(v));
export const hasVerifyImageChecks = (r: Rule): boolean =>
  Array.isArray(r.verifyImages) && r.verifyImages.some((v) => isObject(v) && (v['verifyDigest'] === true || v['required'] === true));

const rulesOf = (p: KyvernoPolicy): Rule[] => p.spec?.rules ?? [];
export const specHasValidate = (p: KyvernoPolicy): boolean => rulesOf(p).some(hasValidate);
export const specHasMutate = (p: KyvernoPolicy): boolean => rulesOf(p).some(hasMutate);
export const specHasMutateStandard = (p: KyvernoPolicy): boolean => rulesOf(p).some(hasMutateStandard);
export const specHasMutateExisting = (p: KyvernoPolicy): boolean => rulesOf(p).some(hasMutateExisting);
export const specHasGenerate = (p: KyvernoPolicy): boolean => rulesOf(p).some(hasGenerate);
export const specHasVerifyImages = (p: KyvernoPolicy): boolean => rulesOf(p).some(hasVerifyImages);

/** `Spec.GetFailurePolicy`: webhookConfiguration.failurePolicy, then spec.failurePolicy, default Fail. */
export function policyFailurePolicy(p: KyvernoPolicy, forceIgnore = false): 'Fail' | 'Ignore' {
  if (forceIgnore) return 'Ignore';
  const wc = p.spec?.webhookConfiguration?.failurePolicy;
  if (wc !== undefined && wc !== null) return wc === 'Ignore' ? 'Ignore' : 'Fail';
  const fp = p.spec?.failurePolicy;
  if (fp !== undefined && fp !== null) return fp === 'Ignore' ? 'Ignore' : 'Fail';
  return 'Fail';
}

/** `Spec.AdmissionProcessingEnabled` */
export const admissionEnabled = (p: KyvernoPolicy): boolean => p.spec?.admission !== false;
/** `Spec.CustomWebhookMatchConditions`: such a policy gets its own (fine-grained) webhook. */
export const customWebhookMatchConditions = (p: KyvernoPolicy): boolean => (p.spec?.webhookConfiguration?.matchConditions?.length ?? 0) > 0;

/** `cache.MetaNamespaceKeyFunc`: `name` or `namespace/name`. */
export function policyCacheKey(p: KyvernoPolicy): string {
  const ns = p.kind === 'Policy' ? (p.metadata.namespace ?? '') : '';
  return ns !== '' ? `${ns}/${p.metadata.name ?? ''}` : (p.metadata.name ?? '');
}

function computeEnforcePolicy(p: KyvernoPolicy): boolean {
  if (isEnforce(p.spec?.validationFailureAction)) return true;
  return (p.spec?.validationFailureActionOverrides ?? []).some((o) => isEnforce(o.action));
}

function kindsOf(rule: Rule): string[] {
  const m = rule.match;
  if (!m) return [];
  const out = [...(m.resources?.kinds ?? [])];
  for (const f of m.all ?? []) out.push(...(f.resources?.kinds ?? []));
  for (const f of m.any ?? []) out.push(...(f.resources?.kinds ?? []));
  return out;
}

function resourceKey(group: string, version: string, resource: string, subresource: string): string {
  return `${group}/${version}/${resource}/${subresource}`;
}

interface Entry {
  key: string;
  policy: KyvernoPolicy;
}

/**
 * `checkValidationFailureActionOverrides(enforce, namespace, policy)`: the policy reduced to the validate
 * rules whose action for this namespace is (enforce ? Enforce : Audit); undefined when none.
 */
export function reducePolicyToAction(policy: KyvernoPolicy, enforce: boolean, namespace: NamespaceInfo | undefined): KyvernoPolicy | undefined {
  const spec = policy.spec ?? {};
  const kept: Rule[] = [];
  const rules = spec.rules ?? [];
  for (const rule of rules) {
    if (!hasValidate(rule)) continue;
    const action = rule.validate?.failureAction ?? spec.validationFailureAction ?? '';
    let overrides: readonly ValidationFailureActionOverride[] = rule.validate?.failureActionOverrides ?? [];
    if (overrides.length === 0) overrides = spec.validationFailureActionOverrides ?? [];
    let overrideMatched = false;
    for (const o of overrides) {
      const namespaces = o.namespaces ?? [];
      if (namespaces.length === 0 && (o.namespaceSelector === undefined || o.namespaceSelector === null)) {
        overrideMatched = true;
        if (isEnforce(o.action) === enforce) kept.push(rule);
        break;
      }
      if (namespace && namespaces.some((p) => wildcardMatch(p, namespace.name))) {
        overrideMatched = true;
        if (isEnforce(o.action) === enforce) kept.push(rule);
        break;
      }
      if (namespace && o.namespaceSelector !== undefined && o.namespaceSelector !== null) {
        if (matchesLabelSelector(o.namespaceSelector as never, namespace.labels)) {
          overrideMatched = true;
          if (isEnforce(o.action) === enforce) kept.push(rule);
          break;
        }
      }
    }
    if (!overrideMatched && isEnforce(action) === enforce) kept.push(rule);
  }
  if (kept.length === 0) return undefined;
  if (kept.length === rules.length) return policy;
  return { ...policy, spec: { ...spec, rules: kept } };
}

function hasAnyOverride(p: KyvernoPolicy): boolean {
  if ((p.spec?.validationFailureActionOverrides ?? []).length > 0) return true;
  return rulesOf(p).some((r) => (r.validate?.failureActionOverrides ?? []).length > 0);
}

const MEMO_LIMIT = 1024;
const LOOKUP_LIMIT = 10_000;

export class PolicyCache {
  private policies = new Map<string, KyvernoPolicy>();
  /** resource key -> type -> policy keys */
  private index = new Map<string, Map<PolicyType, Set<string>>>();
  private readonly memo = new WeakMap<KyvernoPolicy, Map<string, KyvernoPolicy | null>>();
  /** sorted results of getRaw, dropped on every change */
  /** resource key -> namespace -> policy type -> policies (cleared on every change) */
  private lookups = new Map<string, Map<string, Map<PolicyType, KyvernoPolicy[]>>>();
  private lastGvr: GroupVersionResource | undefined;
  private lastSubresource = '';
  private lastResourceKey = '';
  /** problems met while indexing (kinds discovery does not know), by policy key */
  readonly indexErrors = new Map<string, string[]>();

  constructor(private readonly discovery: Discovery) {
    discovery.onChanged(() => this.reindex());
  }

  /** Replaces the whole content (a policy source's snapshot). */
  replaceAll(policies: Iterable<KyvernoPolicy>): void {
    this.policies = new Map();
    for (const p of policies) this.policies.set(policyCacheKey(p), p);
    this.reindex();
  }

  /** `Set`: inserts or replaces one policy. */
  set(policy: KyvernoPolicy): void {
    const key = policyCacheKey(policy);
    this.unset(key);
    this.policies.set(key, policy);
    this.indexPolicy(key, policy);
  }

  /** `Unset` */
  unset(key: string): void {
    if (!this.policies.delete(key)) return;
    this.lookups = new Map();
    this.indexErrors.delete(key);
    for (const byType of this.index.values()) for (const set of byType.values()) set.delete(key);
  }

  all(): KyvernoPolicy[] {
    return [...this.policies.values()];
  }

  private reindex(): void {
    this.index = new Map();
    this.lookups = new Map();
    this.indexErrors.clear();
    const keys = [...this.policies.keys()].sort();
    for (const k of keys) this.indexPolicy(k, this.policies.get(k) as KyvernoPolicy);
  }

  private indexPolicy(key: string, policy: KyvernoPolicy): void {
    this.lookups = new Map();
    let enforcePolicy = computeEnforcePolicy(policy);
    const auditWarning = policy.spec?.emitWarning === true;
    const states = new Map<string, { mutate: boolean; validate: boolean; generate: boolean; verifyImages: boolean; imageChecks: boolean }>();
    const errors: string[] = [];
    for (const rule of computeRules(policy, '')) {
      if (hasValidate(rule)) {
        if (isEnforce(rule.validate?.failureAction)) enforcePolicy = true;
        for (const o of rule.validate?.failureActionOverrides ?? []) if (isEnforce(o.action)) enforcePolicy = true;
      }
      const entries = new Set<string>();
      for (const k of kindsOf(rule)) {
        const sel = parseKindSelector(k);
        try {
          for (const d of this.discovery.findResources(sel.group, sel.version, sel.kind, sel.subresource)) {
            entries.add(resourceKey(d.group, d.version, d.resource, d.subresource));
          }
        } catch (err) {
          errors.push(`failed to fetch resource group versions for ${k}: ${(err as Error).message}`);
        }
      }
      if (entries.size === 0) continue;
      if (entries.has(resourceKey('', 'v1', 'pods', ''))) entries.add(resourceKey('', 'v1', 'pods', 'ephemeralcontainers'));
      const flags = {
        mutate: hasMutate(rule),
        validate: hasValidate(rule),
        generate: hasGenerate(rule),
        verifyImages: hasVerifyImages(rule),
        imageChecks: hasVerifyImageChecks(rule),
      };
      for (const e of entries) {
        const s = states.get(e) ?? { mutate: false, validate: false, generate: false, verifyImages: false, imageChecks: false };
        s.mutate ||= flags.mutate;
        s.validate ||= flags.validate;
        s.generate ||= flags.generate;
        s.verifyImages ||= flags.verifyImages;
        s.imageChecks ||= flags.imageChecks;
        states.set(e, s);
      }
    }
    if (errors.length > 0) this.indexErrors.set(key, errors);
    for (const [res, s] of states) {
      let byType = this.index.get(res);
      if (!byType) {
        byType = new Map(POLICY_TYPES.map((t) => [t, new Set<string>()]));
        this.index.set(res, byType);
      }
      const put = (t: PolicyType, on: boolean): void => {
        const set = byType.get(t) as Set<string>;
        if (on) set.add(key);
        else set.delete(key);
      };
      put('Mutate', s.mutate);
      put('ValidateEnforce', s.validate && enforcePolicy);
      put('ValidateAudit', s.validate && !enforcePolicy);
      put('ValidateAuditWarn', s.validate && !enforcePolicy && auditWarning);
      put('Generate', s.generate);
      put('VerifyImagesMutate', s.verifyImages);
      put('VerifyImagesValidate', s.verifyImages && s.imageChecks);
    }
  }

  /** `store.get`: policies of a type for a resource, cluster-wide (`namespace === ''`) or of one namespace. */
  private getRaw(type: PolicyType, gvr: GroupVersionResource, subresource: string, namespace: string): readonly KyvernoPolicy[] {
    // a request asks several times for the same resource: its key (and the key's hash) is computed once
    let res: string;
    const last = this.lastGvr;
    if (last !== undefined && last.resource === gvr.resource && last.version === gvr.version && last.group === gvr.group && this.lastSubresource === subresource) {
      res = this.lastResourceKey;
    } else {
      res = resourceKey(gvr.group, gvr.version, gvr.resource, subresource);
      this.lastGvr = { group: gvr.group, version: gvr.version, resource: gvr.resource };
      this.lastSubresource = subresource;
      this.lastResourceKey = res;
    }
    let byNamespace = this.lookups.get(res);
    if (!byNamespace) {
      if (this.lookups.size >= LOOKUP_LIMIT) this.lookups = new Map();
      byNamespace = new Map();
      this.lookups.set(res, byNamespace);
    }
    let byType = byNamespace.get(namespace);
    if (!byType) {
      // namespaces come from requests: bound what they can make us remember
      if (byNamespace.size >= LOOKUP_LIMIT) byNamespace.clear();
      byType = new Map();
      byNamespace.set(namespace, byType);
    }
    const hit = byType.get(type);
    if (hit) return hit;
    const set = this.index.get(res)?.get(type);
    const out: KyvernoPolicy[] = [];
    if (set && set.size > 0) {
      for (const k of [...set].sort()) {
        const slash = k.indexOf('/');
        const ns = slash < 0 ? '' : k.slice(0, slash);
        const p = this.policies.get(k);
        if (p && ns === namespace) out.push(p);
      }
    }
    byType.set(type, out);
    return out;
  }

  private reduce(policy: KyvernoPolicy, enforce: boolean, namespace: NamespaceInfo | undefined): KyvernoPolicy | undefined {
    let m = this.memo.get(policy);
    if (!m) {
      m = new Map();
      this.memo.set(policy, m);
    }
    const key = hasAnyOverride(policy)
      ? `${enforce}\u0001${namespace ? namespace.name : '\u0000'}\u0001${namespace ? JSON.stringify(namespace.labels) : ''}`
      : `${enforce}`;
    const hit = m.get(key);
    if (hit !== undefined) return hit ?? undefined;
    const r = reducePolicyToAction(policy, enforce, namespace);
    if (m.size >= MEMO_LIMIT) m.clear();
    m.set(key, r ?? null);
    return r;
  }

  /**
   * `GetPolicies(type, gvr, subresource, namespace)`: cluster policies, plus the namespace's policies when
   * the namespace is known.
   */
  get(type: PolicyType, gvr: GroupVersionResource, subresource: string, namespace: NamespaceInfo | undefined): KyvernoPolicy[] {
    let result: KyvernoPolicy[] = this.getRaw(type, gvr, subresource, '').slice();
    if (namespace) result = result.concat(this.getRaw(type, gvr, subresource, namespace.name));
    if (type === 'ValidateAudit') {
      result = result.concat(this.getRaw('ValidateEnforce', gvr, subresource, ''));
      if (namespace) result = result.concat(this.getRaw('ValidateEnforce', gvr, subresource, namespace.name));
    }
    if (type === 'ValidateAuditWarn') {
      let enforce: readonly KyvernoPolicy[] = this.getRaw('ValidateEnforce', gvr, subresource, '');
      if (namespace) enforce = enforce.concat(this.getRaw('ValidateEnforce', gvr, subresource, namespace.name));
      for (const p of enforce) {
        if (p.spec?.emitWarning !== true) continue;
        const r = this.reduce(p, false, namespace);
        if (r) result.push(r);
      }
    }
    if (type === 'ValidateAudit' || type === 'ValidateEnforce') {
      const out: KyvernoPolicy[] = [];
      for (const p of result) {
        const r = this.reduce(p, type === 'ValidateEnforce', namespace);
        if (r) out.push(r);
      }
      return out;
    }
    return result;
  }
}

