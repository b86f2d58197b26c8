/**
 * The webhooks of the CEL policy kinds (pkg/controllers/webhook validating.go `buildWebhookRules`,
 * controller.go `buildForJSONPoliciesValidation` / `buildForJSONPoliciesMutation`), added to the resource
 * webhook configurations:
 *
 * | kind                          | configuration | webhook name               | path            |
 * |-------------------------------|---------------|----------------------------|-----------------|
 * | ValidatingPolicy              | validating    | vpol.validate.kyverno.svc  | /vpol/<names>   |
 * | NamespacedValidatingPolicy    | validating    | nvpol.validate.kyverno.svc | /nvpol/<names>  |
 * | MutatingPolicy                | mutating      | mpol.validate.kyverno.svc  | /mpol/<names>   |
 * | NamespacedMutatingPolicy      | mutating      | nmpol.validate.kyverno.svc | /nmpol/<names>  |
 *
 * Policies with admission enabled (and not generated) are registered. Policies with match conditions, an
 * `Exact` match policy or their own timeout get a fine-grained webhook each (`<name>-{fail,ignore}-
 * finegrained-[<ns>-]<policy>`, path `/<kind>/<policy>`); the others share one webhook per failure policy
 * and per (namespaceSelector, objectSelector) pair (`<name>-{fail,ignore}[-<selector digest>]`, path
 * `/<kind>/<sorted names>`). The rules are the policy's resource rules plus those of its pod controller
 * autogen variants, de-duplicated and sorted; a namespaced policy's webhook only selects its namespace.
 */
import { createHash } from 'node:crypto';
import { isObject, type JsonObject, type JsonValue } from '../../engine/api/json.ts';
import { autogenVariants, canAutogen, type AutogenTarget } from '../../engine/celpolicy/autogen.ts';
import { autogenPolicies } from '../../engine/celmutate/mpol/autogen.ts';
import type { MutatingPolicy } from '../../engine/celmutate/mpol/types.ts';
import { celAdmissionEnabled, celFailurePolicy } from '../admission/cel-policies.ts';
import type { KyvernoConfiguration } from '../config.ts';
import { dedupRules, sortRules, type RuleWithOperations } from './rules.ts';

export interface CelWebhookKind {
  kind: string;
  webhookName: string;
  path: string;
  mutating: boolean;
}

export const CEL_WEBHOOK_KINDS: readonly CelWebhookKind[] = [
  { kind: 'ValidatingPolicy', webhookName: 'vpol.validate.kyverno.svc', path: '/vpol', mutating: false },
  { kind: 'NamespacedValidatingPolicy', webhookName: 'nvpol.validate.kyverno.svc', path: '/nvpol', mutating: false },
  { kind: 'MutatingPolicy', webhookName: 'mpol.validate.kyverno.svc', path: '/mpol', mutating: true },
  { kind: 'NamespacedMutatingPolicy', webhookName: 'nmpol.validate.kyverno.svc', path: '/nmpol', mutating: true },
];

export interface CelWebhookOptions {
  config: KyvernoConfiguration;
  forceFailurePolicyIgnore?: boolean;
  clientConfig: (path: string) => JsonObject;
}

const objOf = (v: JsonValue | undefined): JsonObject | undefined => (v !== undefined && v !== null && isObject(v) ? v : undefined);
const strOf = (v: JsonValue | undefined): string => (typeof v === 'string' ? v : '');
const specOf = (p: JsonObject): JsonObject => objOf(p['spec']) ?? {};
const nameOf = (p: JsonObject): string => strOf(objOf(p['metadata'])?.['name']);
const namespaceOf = (p: JsonObject): string => strOf(objOf(p['metadata'])?.['namespace']);

/** `BuildRecorderKey`: the key the policy status reads (`Kind/name` or `Kind/ns/name`). */
export function celPolicyKey(p: JsonObject): string {
  const ns = namespaceOf(p);
  return `${strOf(p['kind'])}/${ns === '' ? '' : `${ns}/`}${nameOf(p)}`;
}

/** Policies the webhook controller registers (`AdmissionEnabled() && !status.generated`). */
export function registeredCelPolicies(policies: readonly JsonObject[]): JsonObject[] {
  return policies.filter((p) => celAdmissionEnabled(p) && objOf(p['status'])?.['generated'] !== true);
}

function resourceRulesOf(spec: JsonObject): RuleWithOperations[] {
  const mc = objOf(spec['matchConstraints']);
  const rules = Array.isArray(mc?.['resourceRules']) ? (mc['resourceRules'] as JsonValue[]) : [];
  const out: RuleWithOperations[] = [];
  for (const r of rules) {
    const o = objOf(r);
    if (!o) continue;
    const list = (k: string): string[] => (Array.isArray(o[k]) ? (o[k] as JsonValue[]).map(String) : []);
    out.push({ apiGroups: list('apiGroups'), apiVersions: list('apiVersions'), resources: list('resources'), operations: list('operations') as RuleWithOperations['operations'], scope: (strOf(o['scope']) || '*') as RuleWithOperations['scope'] });
  }
  return out;
}

/** The policy's rules and those of its autogen variants. */
function policyRules(p: JsonObject, mutating: boolean): RuleWithOperations[] {
  const spec = specOf(p);
  const out = resourceRulesOf(spec);
  if (mutating) for (const v of autogenPolicies(p as unknown as MutatingPolicy)) out.push(...resourceRulesOf((v.spec ?? {}) as unknown as JsonObject));
  else for (const v of autogenVariants(spec)) out.push(...resourceRulesOf(v.spec));
  return out;
}

function matchConditionsOf(spec: JsonObject): JsonObject[] {
  const mc = spec['matchConditions'];
  return Array.isArray(mc) ? mc.filter((c): c is JsonObject => isObject(c)) : [];
}

/** `autogen.CreateMatchConditions`: each condition guarded by the targets' apiVersion/kind. */
export function autogenMatchConditions(config: string, targets: readonly Pick<AutogenTarget, 'group' | 'version' | 'kind'>[], conditions: readonly JsonObject[]): JsonObject[] {
  if (targets.length === 0 || conditions.length === 0) return [];
  const pre = [...new Set(targets.map((t) => `(object.apiVersion == '${t.group === '' ? t.version : `${t.group}/${t.version}`}' && object.kind =='${t.kind}')`))].sort();
  const precondition = pre.join(' || ');
  const prefix = config === '' ? 'autogen' : `autogen-${config}`;
  return conditions.map((m) => ({ name: `${prefix}-${strOf(m['name'])}`, expression: `!(${precondition}) || (${strOf(m['expression'])})` }));
}

function mergeSelectors(a: JsonObject | undefined, b: JsonObject | undefined): JsonObject | undefined {
  if (!a) return b;
  if (!b) return a;
  const labels = { ...(objOf(a['matchLabels']) ?? {}), ...(objOf(b['matchLabels']) ?? {}) };
  const exprs = [...(Array.isArray(a['matchExpressions']) ? a['matchExpressions'] : []), ...(Array.isArray(b['matchExpressions']) ? b['matchExpressions'] : [])];
  const out: JsonObject = {};
  if (Object.keys(labels).length > 0) out['matchLabels'] = labels;
  if (exprs.length > 0) out['matchExpressions'] = exprs;
  return out;
}

/** `resolveNamespaceSelector`: a namespaced policy selects its own namespace only. */
function namespaceSelectorOf(p: JsonObject, cfg: KyvernoConfiguration): JsonObject | undefined {
  const global = cfg.webhook.namespaceSelector as JsonObject | undefined;
  const ns = namespaceOf(p);
  if (ns !== '') return mergeSelectors({ matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: [ns] }] }, global);
  return mergeSelectors(objOf(objOf(specOf(p)['matchConstraints'])?.['namespaceSelector']), global);
}

function objectSelectorOf(p: JsonObject, cfg: KyvernoConfiguration): JsonObject | undefined {
  return mergeSelectors(objOf(objOf(specOf(p)['matchConstraints'])?.['objectSelector']), cfg.webhook.objectSelector as JsonObject | undefined);
}

/** A selector as Go's json.Marshal writes a *metav1.LabelSelector. */
function selectorJson(s: JsonObject | undefined): string {
  if (!s) return 'null';
  const out: JsonObject = {};
  if (s['matchLabels'] !== undefined) out['matchLabels'] = s['matchLabels'];
  if (s['matchExpressions'] !== undefined) out['matchExpressions'] = s['matchExpressions'];
  return JSON.stringify(out);
}

function timeoutOf(p: JsonObject): number | undefined {
  const t = objOf(specOf(p)['webhookConfiguration'])?.['timeoutSeconds'];
  return typeof t === 'number' ? t : undefined;
}

function isFineGrained(p: JsonObject): boolean {
  const spec = specOf(p);
  return matchConditionsOf(spec).length > 0 || objOf(spec['matchConstraints'])?.['matchPolicy'] === 'Exact' || timeoutOf(p) !== undefined;
}

/** `buildWebhookRules` for the policies of one kind. */
export function celKindWebhooks(k: CelWebhookKind, policies: readonly JsonObject[], o: CelWebhookOptions): JsonObject[] {
  const mine = registeredCelPolicies(policies).filter((p) => p['kind'] === k.kind);
  const fine = mine.filter(isFineGrained).sort((a, b) => (namespaceOf(a) < namespaceOf(b) ? -1 : namespaceOf(a) > namespaceOf(b) ? 1 : nameOf(a) < nameOf(b) ? -1 : nameOf(a) > nameOf(b) ? 1 : 0));
  const basic = mine.filter((p) => !isFineGrained(p));
  const failOf = (p: JsonObject): 'Fail' | 'Ignore' => celFailurePolicy(p, o.forceFailurePolicyIgnore ?? false);
  const base = (name: string, path: string, failurePolicy: string, nsSel: JsonObject | undefined, objSel: JsonObject | undefined, rules: RuleWithOperations[]): JsonObject => {
    const hook: JsonObject = {
      name,
      clientConfig: o.clientConfig(path),
      rules: sortRules(dedupRules(rules)) as unknown as JsonValue[],
      failurePolicy,
      sideEffects: 'NoneOnDryRun',
      admissionReviewVersions: ['v1'],
    };
    if (nsSel) hook['namespaceSelector'] = nsSel;
    if (objSel) hook['objectSelector'] = objSel;
    return hook;
  };
  const failList: JsonObject[] = [];
  const ignoreList: JsonObject[] = [];
  for (const p of fine) {
    const spec = specOf(p);
    const conditions = matchConditionsOf(spec);
    const matchConditions: JsonObject[] = [];
    const variants = autogenVariants(spec);
    if (canAutogen(objOf(spec['matchConstraints']) as never)) {
      matchConditions.push(...autogenMatchConditions('', [{ group: '', version: 'v1', kind: 'Pod' }], conditions));
      for (const v of variants) matchConditions.push(...autogenMatchConditions(v.config, v.targets, matchConditionsOf(v.spec)));
    } else matchConditions.push(...conditions);
    const fp = failOf(p);
    const suffix = fp === 'Ignore' ? '-ignore-finegrained' : '-fail-finegrained';
    const ns = namespaceOf(p);
    const hook = base(`${k.webhookName}${suffix}-${ns === '' ? '' : `${ns}-`}${nameOf(p)}`, `${k.path}/${nameOf(p)}`, fp, namespaceSelectorOf(p, o.config), objectSelectorOf(p, o.config), policyRules(p, k.mutating));
    if (matchConditions.length > 0) hook['matchConditions'] = matchConditions;
    if (objOf(spec['matchConstraints'])?.['matchPolicy'] === 'Exact') hook['matchPolicy'] = 'Exact';
    const t = timeoutOf(p);
    if (t !== undefined) hook['timeoutSeconds'] = t;
    (fp === 'Ignore' ? ignoreList : failList).push(hook);
  }
  const out = [...failList, ...ignoreList];
  // basic policies, one webhook pair per selector pair
  const groups = new Map<string, { nsSel: JsonObject | undefined; objSel: JsonObject | undefined; policies: JsonObject[] }>();
  for (const p of basic) {
    const nsSel = namespaceSelectorOf(p, o.config);
    const objSel = objectSelectorOf(p, o.config);
    const key = createHash('sha256').update(`[${selectorJson(nsSel)},${selectorJson(objSel)}]`).digest('hex');
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { nsSel, objSel, policies: [] }));
    g.policies.push(p);
  }
  const keys = [...groups.keys()].sort();
  for (const key of keys) {
    const g = groups.get(key)!;
    const suffix = keys.length > 1 ? `-${key.slice(0, 8)}` : '';
    const path = `${k.path}/${g.policies.map(nameOf).sort().join('/')}`;
    const fail: RuleWithOperations[] = [];
    const ignore: RuleWithOperations[] = [];
    for (const p of g.policies) (failOf(p) === 'Ignore' ? ignore : fail).push(...policyRules(p, k.mutating));
    if (fail.length > 0) out.push(base(`${k.webhookName}-fail${suffix}`, path, 'Fail', g.nsSel, g.objSel, fail));
    if (ignore.length > 0) out.push(base(`${k.webhookName}-ignore${suffix}`, path, 'Ignore', g.nsSel, g.objSel, ignore));
  }
  return out;
}

/** The CEL webhooks of the validating or mutating resource configuration, and the policies they register. */
export function celWebhooks(policies: readonly JsonObject[], mutating: boolean, o: CelWebhookOptions): JsonObject[] {
  return CEL_WEBHOOK_KINDS.filter((k) => k.mutating === mutating).flatMap((k) => celKindWebhooks(k, policies, o));
}
