/**
 * Webhook rules derived from policies (pkg/controllers/webhook `mergeWebhook`,
 * `collectResourceDescriptions`, `buildRulesWithOperations`, `sortedRules`): the kinds a policy's rules
 * (after autogen) match become admissionregistration rules (group, version, resource[/subresource],
 * scope, operations) of the webhook the policy is merged into.
 *
 * - validate side (`updateValidate`): validate, generate, mutate-existing and image-check rules, with all
 *   four operations by default; mutate side: standard mutate and verifyImages rules, CREATE/UPDATE;
 * - generate rules also register the kinds they generate or clone (CREATE/UPDATE/DELETE);
 * - `exclude.any` entries naming only kinds/operations remove those operations;
 * - `*` kinds keep the policy's scope; other kinds are looked up in discovery (a kind that does not
 *   exist is skipped; a failing lookup makes the policy not ready);
 * - rules covered by a broader rule are dropped; `pods` brings `pods/ephemeralcontainers`.
 *
 * Example:
 *   const wh = new AggregatedWebhook(10, 'Fail');
 *   mergePolicy(wh, policy, true, discovery);  // ClusterPolicy validating Pods
 *   wh.rulesWithOperations(); // [{apiGroups:[''], apiVersions:['v1'], resources:['pods','pods/ephemeralcontainers'], operations:['CONNECT','CREATE','DELETE','UPDATE'], scope:'Namespaced'}]
 */
import { isObject, type JsonObject, type JsonValue } from '../../engine/api/json.ts';
import type { KyvernoPolicy } from '../../engine/api/policy.ts';
import { computeRules } from '../../engine/autogen/index.ts';
import { parseKindSelector } from '../../engine/match/index.ts';
import { hasGenerate, hasMutate, hasMutateExisting, hasValidate, hasVerifyImages } from '../../engine/validation/rule-model.ts';
import type { Discovery } from '../sources/discovery.ts';

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
export type Scope = '*' | 'Namespaced' | 'Cluster';
export type FailurePolicyType = 'Fail' | 'Ignore';

export const ALL_OPERATIONS: readonly Operation[] = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'];
const CREATE_UPDATE_DELETE: readonly Operation[] = ['CREATE', 'UPDATE', 'DELETE'];
const CREATE_UPDATE: readonly Operation[] = ['CREATE', 'UPDATE'];

/** admissionregistration.k8s.io/v1 RuleWithOperations */
export interface RuleWithOperations {
  apiGroups: string[];
  apiVersions: string[];
  resources: string[];
  operations: Operation[];
  scope: Scope;
}

interface RuleEntry {
  group: string;
  version: string;
  resource: string;
  subresource: string;
  scope: Scope;
  operation: Operation;
}

const entryKey = (e: RuleEntry): string => `${e.group}\u0000${e.version}\u0000${e.resource}\u0000${e.subresource}\u0000${e.scope}\u0000${e.operation}`;

/** A webhook aggregating the rules of the policies merged into it (Kyverno's `webhook` struct). */
export class AggregatedWebhook {
  private readonly entries = new Map<string, RuleEntry>();
  /** set for a fine-grained webhook (one policy) */
  policy: { namespace: string; name: string } | undefined;
  matchConditions: JsonValue[] | undefined;

  constructor(
    public maxTimeoutSeconds: number,
    readonly failurePolicy: FailurePolicyType,
    matchConditions?: JsonValue[],
  ) {
    this.matchConditions = matchConditions;
  }

  set(group: string, version: string, resource: string, subresource: string, scope: Scope, operations: Iterable<Operation>): void {
    for (const operation of operations) {
      const e = { group, version, resource, subresource, scope, operation };
      this.entries.set(entryKey(e), e);
    }
  }

  isEmpty(): boolean {
    return this.entries.size === 0;
  }

  /** `key(sep)`: `ns<sep>name` or `name` of a fine-grained webhook. */
  key(separator: string): string {
    const p = this.policy;
    if (!p) return '';
    return p.namespace !== '' ? `${p.namespace}${separator}${p.name}` : p.name;
  }

  /** Whether a broader entry (wildcards, AllScopes) already covers this one (`hasRule`). */
  private covered(e: RuleEntry): boolean {
    const scopes: Scope[] = e.scope === '*' ? ['*'] : [e.scope, '*'];
    const groups = e.group === '*' ? ['*'] : [e.group, '*'];
    const versions = e.version === '*' ? ['*'] : [e.version, '*'];
    let resources: Array<[string, string]>;
    if (e.subresource === '') resources = e.resource === '*' ? [['*', ''], ['*', '*']] : [[e.resource, ''], ['*', ''], ['*', '*']];
    else if (e.subresource === '*') resources = e.resource === '*' ? [['*', '*']] : [[e.resource, '*'], ['*', '*']];
    else resources = e.resource === '*' ? [['*', e.subresource], ['*', '*']] : [[e.resource, e.subresource], [e.resource, '*'], ['*', e.subresource], ['*', '*']];
    for (const scope of scopes) {
      for (const group of groups) {
        for (const version of versions) {
          for (const [resource, subresource] of resources) {
            if (scope === e.scope && group === e.group && version === e.version && resource === e.resource && subresource === e.subresource) continue;
            if (this.entries.has(entryKey({ group, version, resource, subresource, scope, operation: e.operation }))) return true;
          }
        }
      }
    }
    return false;
  }

  /** `buildRulesWithOperations`: the admission rules, de-duplicated and sorted. */
  rulesWithOperations(): RuleWithOperations[] {
    const byGvs = new Map<string, { group: string; version: string; scope: Scope; resources: Map<string, Set<Operation>> }>();
    for (const e of this.entries.values()) {
      if (this.covered(e)) continue;
      const k = `${e.group}\u0000${e.version}\u0000${e.scope}`;
      let gvs = byGvs.get(k);
      if (!gvs) {
        gvs = { group: e.group, version: e.version, scope: e.scope, resources: new Map() };
        byGvs.set(k, gvs);
      }
      const resource = e.subresource !== '' ? `${e.resource}/${e.subresource}` : e.resource;
      let ops = gvs.resources.get(resource);
      if (!ops) gvs.resources.set(resource, (ops = new Set()));
      ops.add(e.operation);
    }
    const out: RuleWithOperations[] = [];
    for (const gvs of byGvs.values()) {
      const byOps = new Map<string, { ops: Operation[]; resources: Set<string> }>();
      for (const [resource, opsSet] of gvs.resources) {
        const ops = ALL_OPERATIONS.filter((o) => opsSet.has(o));
        const k = ops.join(',');
        let g = byOps.get(k);
        if (!g) byOps.set(k, (g = { ops, resources: new Set() }));
        g.resources.add(resource);
      }
      for (const { ops, resources } of byOps.values()) {
        if ((gvs.group === '' || gvs.group === '*') && (gvs.version === 'v1' || gvs.version === '*') && (resources.has('pods') || resources.has('*'))) {
          resources.add('pods/ephemeralcontainers');
        }
        out.push({ apiGroups: [gvs.group], apiVersions: [gvs.version], resources: [...resources], operations: [...ops], scope: gvs.scope });
      }
    }
    return sortRules(dedupRules(out));
  }
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Go's `less`: shorter lists first, then element-wise. */
function compareLists(a: readonly string[], b: readonly string[]): number {
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < a.length; i++) {
    const c = compareStrings(a[i] as string, b[i] as string);
    if (c !== 0) return c;
  }
  return 0;
}

/** `sortedRules`: each list sorted, then the rules ordered by groups, versions, resources, operations, scope. */
export function sortRules(rules: readonly RuleWithOperations[]): RuleWithOperations[] {
  const out = rules.map((r) => ({
    apiGroups: [...r.apiGroups].sort(compareStrings),
    apiVersions: [...r.apiVersions].sort(compareStrings),
    resources: [...r.resources].sort(compareStrings),
    operations: [...r.operations].sort(compareStrings),
    scope: r.scope,
  }));
  return out.sort(
    (a, b) =>
      compareLists(a.apiGroups, b.apiGroups) ||
      compareLists(a.apiVersions, b.apiVersions) ||
      compareLists(a.resources, b.resources) ||
      compareLists(a.operations, b.operations) ||
      compareStrings(a.scope, b.scope),
  );
}

/** `deDuplicatedRules` */
export function dedupRules(rules: readonly RuleWithOperations[]): RuleWithOperations[] {
  const seen = new Set<string>();
  const out: RuleWithOperations[] = [];
  for (const r of rules) {
    const k = [r.apiGroups, r.apiVersions, r.resources, r.operations].map((l) => [...l].sort(compareStrings).join(',')).join('|') + `|s:${r.scope}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(r);
  }
  return out;
}

type KindOps = Map<string, Set<Operation>>;

function addOps(out: KindOps, kind: string, ops: readonly Operation[]): void {
  if (ops.length === 0) return;
  let s = out.get(kind);
  if (!s) out.set(kind, (s = new Set()));
  for (const o of ops) s.add(o);
}

function mergeKindOps(dst: KindOps, src: KindOps): void {
  for (const [k, v] of src) addOps(dst, k, [...v]);
}

const objOf = (v: unknown): JsonObject | undefined => (isObject(v as JsonValue) ? (v as JsonObject) : undefined);
const listOf = (v: unknown): JsonValue[] => (Array.isArray(v) ? v : []);
const strList = (v: unknown): string[] => listOf(v).filter((x): x is string => typeof x === 'string');
const nonEmpty = (v: unknown): boolean => v !== undefined && v !== null && (typeof v !== 'object' || Object.keys(v as object).length > 0) && v !== '';

function operationsOf(v: unknown): Operation[] {
  return strList(v).filter((o): o is Operation => (ALL_OPERATIONS as readonly string[]).includes(o));
}

/** `collectResourceDescriptions`: kind -> operations of a rule's match, minus kind-only `exclude.any` entries. */
export function collectResourceDescriptions(rule: JsonObject, defaultOps: readonly Operation[]): KindOps {
  const out: KindOps = new Map();
  const match = objOf(rule['match']) ?? {};
  const add = (rd: JsonObject | undefined): void => {
    if (!rd) return;
    const ops = operationsOf(rd['operations']);
    for (const kind of strList(rd['kinds'])) {
      if (!out.has(kind)) out.set(kind, new Set());
      for (const o of ops.length > 0 ? ops : defaultOps) out.get(kind)?.add(o);
    }
  };
  add(objOf(match['resources']));
  for (const f of listOf(match['all'])) add(objOf(objOf(f)?.['resources']));
  for (const f of listOf(match['any'])) add(objOf(objOf(f)?.['resources']));
  const exclude = objOf(rule['exclude']);
  for (const raw of listOf(exclude?.['any'])) {
    const f = objOf(raw) ?? {};
    const userInfo = ['subjects', 'roles', 'clusterRoles'].some((k) => listOf(f[k]).length > 0);
    if (userInfo) continue;
    const rd = objOf(f['resources']) ?? {};
    if (nonEmpty(rd['name']) || listOf(rd['names']).length > 0 || listOf(rd['namespaces']).length > 0 || nonEmpty(rd['annotations']) || rd['selector'] != null || rd['namespaceSelector'] != null) {
      continue;
    }
    const kinds = strList(rd['kinds']);
    let ops = operationsOf(rd['operations']);
    if (ops.length === 0) ops = [...ALL_OPERATIONS];
    for (const kind of kinds.length > 0 ? kinds : [...out.keys()]) {
      const s = out.get(kind);
      if (s) for (const o of ops) s.delete(o);
    }
  }
  return out;
}

/** `HasVerifyImageChecks`: some verifyImages entry verifies digests or is required. */
function hasVerifyImageChecks(rule: JsonObject): boolean {
  return listOf(rule['verifyImages']).some((iv) => objOf(iv)?.['verifyDigest'] === true || objOf(iv)?.['required'] === true);
}

function hasVerifyManifests(rule: JsonObject): boolean {
  const m = objOf(objOf(rule['validate'])?.['manifests']);
  return listOf(m?.['attestors']).length > 0;
}

/** `HasMutateStandard` */
function hasMutateStandard(rule: JsonObject): boolean {
  return !hasMutateExisting(rule) && hasMutate(rule);
}

/** `Spec.HasValidate() || HasGenerate() || HasMutateExisting() || HasVerifyImageChecks() || HasVerifyManifests()` */
export function policyNeedsValidatingWebhook(p: KyvernoPolicy): boolean {
  return (p.spec?.rules ?? []).some((r) => {
    const rule = r as unknown as JsonObject;
    return hasValidate(rule) || hasGenerate(rule) || hasMutateExisting(rule) || hasVerifyImageChecks(rule) || hasVerifyManifests(rule);
  });
}

/** `Spec.HasMutateStandard() || HasVerifyImages()` */
export function policyNeedsMutatingWebhook(p: KyvernoPolicy): boolean {
  return (p.spec?.rules ?? []).some((r) => {
    const rule = r as unknown as JsonObject;
    return hasMutateStandard(rule) || hasVerifyImages(rule);
  });
}

/**
 * `mergeWebhook`: adds the kinds of `policy` to `dst`. Returns false when discovery failed for a kind
 * (the policy is then not ready); unknown kinds are reported through `onUnknownKind` and skipped.
 */
export function mergePolicy(dst: AggregatedWebhook, policy: KyvernoPolicy, updateValidate: boolean, discovery: Discovery, onUnknownKind?: (kind: string, error: string) => void): boolean {
  let ready = true;
  const matched: KindOps = new Map();
  for (const r of computeRules(policy, '')) {
    const rule = r as unknown as JsonObject;
    if (hasGenerate(rule)) {
      mergeKindOps(matched, collectResourceDescriptions(rule, ALL_OPERATIONS));
      const gen = objOf(rule['generate']) ?? {};
      for (const g of listOf(gen['foreach'])) {
        const go = objOf(g) ?? {};
        if (typeof go['kind'] === 'string' && go['kind'] !== '') addOps(matched, go['kind'], CREATE_UPDATE_DELETE);
        else for (const k of strList(objOf(go['cloneList'])?.['kinds'])) addOps(matched, k, CREATE_UPDATE_DELETE);
      }
      if (typeof gen['kind'] === 'string' && gen['kind'] !== '') addOps(matched, gen['kind'], CREATE_UPDATE_DELETE);
      else for (const k of strList(objOf(gen['cloneList'])?.['kinds'])) addOps(matched, k, CREATE_UPDATE_DELETE);
    } else if (
      (updateValidate && hasValidate(rule)) ||
      hasVerifyImageChecks(rule) ||
      (updateValidate && hasMutateExisting(rule)) ||
      (!updateValidate && hasMutateStandard(rule)) ||
      (!updateValidate && hasVerifyImages(rule)) ||
      (!updateValidate && hasVerifyManifests(rule))
    ) {
      mergeKindOps(matched, collectResourceDescriptions(rule, updateValidate ? ALL_OPERATIONS : CREATE_UPDATE));
    }
  }
  const policyScope: Scope = policy.kind === 'Policy' ? 'Namespaced' : '*';
  for (const [kindSel, ops] of matched) {
    const { group, version, kind, subresource } = parseKindSelector(kindSel);
    if (kind === '*') {
      dst.set(group, version, kind, subresource, policyScope, ops);
      continue;
    }
    let found;
    try {
      found = discovery.findResources(group, version, kind, subresource);
    } catch (err) {
      const message = (err as Error).message;
      if (message === 'resource not found') onUnknownKind?.(kindSel, message);
      else {
        ready = false;
        onUnknownKind?.(kindSel, message);
      }
      continue;
    }
    for (const r of found) dst.set(r.group, r.version, r.resource, r.subresource, r.namespaced === false ? '*' : 'Namespaced', ops);
  }
  const t = policy.spec?.webhookTimeoutSeconds;
  if (typeof t === 'number' && dst.maxTimeoutSeconds < t) dst.maxTimeoutSeconds = t;
  return ready;
}
