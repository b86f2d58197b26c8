/**
 * Pod controller autogen of the CEL policy kinds (kyverno/pkg/cel/autogen, pkg/cel/policies/vpol/autogen):
 * a policy matching only `pods` (one resource rule, core group, v1, no names, no object selector, no
 * exclusions) also applies to the pod controllers (`spec.autogen.podControllers.controllers`, default
 * all): one extra spec per template layout — `defaults` (DaemonSet, Deployment, Job, ReplicaSet,
 * StatefulSet: `object.spec` -> `object.spec.template.spec`) and `cronjobs` (CronJob:
 * `object.spec.jobTemplate.spec.template.spec`) — with matchConstraints rebuilt for the controllers
 * and every `object.spec` / `object.metadata` (and `oldObject.`) in the spec's strings rewritten, except
 * `object.metadata.namespace`.
 */
import { deepCopy, isObject, type JsonObject, type JsonValue } from '../api/json.ts';
import type { MatchResources, NamedRuleWithOperations } from './types.ts';

/** A controller kind autogen can target. */
export interface AutogenTarget {
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  readonly kind: string;
}

interface Replacement {
  readonly from: string;
  readonly to: string;
}

const REPLACEMENTS: Readonly<Record<string, readonly Replacement[]>> = {
  defaults: [
    { from: 'spec', to: 'spec.template.spec' },
    { from: 'metadata', to: 'spec.template.metadata' },
  ],
  cronjobs: [
    { from: 'spec', to: 'spec.jobTemplate.spec.template.spec' },
    { from: 'metadata', to: 'spec.jobTemplate.spec.template.metadata' },
  ],
};

const CONFIGS: Readonly<Record<string, { readonly target: AutogenTarget; readonly replacements: string }>> = {
  daemonsets: { target: { group: 'apps', version: 'v1', resource: 'daemonsets', kind: 'DaemonSet' }, replacements: 'defaults' },
  deployments: { target: { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment' }, replacements: 'defaults' },
  replicasets: { target: { group: 'apps', version: 'v1', resource: 'replicasets', kind: 'ReplicaSet' }, replacements: 'defaults' },
  statefulsets: { target: { group: 'apps', version: 'v1', resource: 'statefulsets', kind: 'StatefulSet' }, replacements: 'defaults' },
  jobs: { target: { group: 'batch', version: 'v1', resource: 'jobs', kind: 'Job' }, replacements: 'defaults' },
  cronjobs: { target: { group: 'batch', version: 'v1', resource: 'cronjobs', kind: 'CronJob' }, replacements: 'cronjobs' },
};

function selectorNonEmpty(sel: unknown): boolean {
  if (!isObject(sel)) return false;
  const labels = sel['matchLabels'];
  const exprs = sel['matchExpressions'];
  return (isObject(labels) && Object.keys(labels).length > 0) || (Array.isArray(exprs) && exprs.length > 0);
}

/** `CanAutoGen`: the constraints select pods only, without names, exclusions or object selector. */
export function canAutogen(match: MatchResources | undefined): boolean {
  if (!match) return false;
  if (selectorNonEmpty(match.objectSelector)) return false;
  if ((match.excludeResourceRules ?? []).length !== 0) return false;
  const rules = match.resourceRules ?? [];
  if (rules.length !== 1) return false;
  const r = rules[0]!;
  if ((r.resourceNames ?? []).length > 0) return false;
  if ((r.apiGroups ?? []).length !== 1 || r.apiGroups![0] !== '') return false;
  if ((r.apiVersions ?? []).length !== 1 || r.apiVersions![0] !== 'v1') return false;
  if ((r.resources ?? []).length !== 1 || r.resources![0] !== 'pods') return false;
  return true;
}

function isIdentifierChar(c: string | undefined): boolean {
  return c !== undefined && /[A-Za-z0-9_]/.test(c);
}

/** Replaces `from` by `to` except where `.namespace` (a whole segment) follows. */
function replaceProtected(s: string, from: string, to: string): string {
  if (!s.includes(from)) return s;
  let out = '';
  let rest = s;
  for (;;) {
    const i = rest.indexOf(from);
    if (i < 0) break;
    out += rest.slice(0, i);
    const after = rest.slice(i + from.length);
    const protectedSuffix = after.startsWith('.namespace') && !isIdentifierChar(after['.namespace'.length]);
    out += protectedSuffix ? from : to;
    rest = after;
  }
  return out + rest;
}

function applyReplacements(v: JsonValue, replacements: readonly Replacement[]): JsonValue {
  if (typeof v === 'string') {
    let s = v;
    for (const r of replacements) {
      s = replaceProtected(s, `object.${r.from}`, `object.${r.to}`);
      s = replaceProtected(s, `oldObject.${r.from}`, `oldObject.${r.to}`);
    }
    return s;
  }
  if (Array.isArray(v)) return v.map((x) => applyReplacements(x, replacements));
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v)) out[k] = applyReplacements(x, replacements);
    return out;
  }
  return v;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `CreateMatchConstraints`: one rule per group/version of the targets, with the pod rule's operations. */
export function createMatchConstraints(targets: readonly AutogenTarget[], operations: readonly string[] | undefined, namespaceSelector: unknown): MatchResources | undefined {
  if (targets.length === 0 || !operations || operations.length === 0) return undefined;
  const byGv = new Map<string, { group: string; version: string; resources: Set<string> }>();
  for (const t of targets) {
    const key = `${t.group}\u0000${t.version}`;
    let e = byGv.get(key);
    if (!e) byGv.set(key, (e = { group: t.group, version: t.version, resources: new Set() }));
    e.resources.add(t.resource);
  }
  const gvs = [...byGv.values()].sort((a, b) => cmp(a.group, b.group) || cmp(a.version, b.version));
  const rules: NamedRuleWithOperations[] = gvs.map((gv) => ({
    apiGroups: [gv.group],
    apiVersions: [gv.version],
    resources: [...gv.resources].sort(cmp),
    operations: [...operations],
  }));
  const out: MatchResources = { resourceRules: rules };
  if (namespaceSelector !== undefined && namespaceSelector !== null) out.namespaceSelector = deepCopy(namespaceSelector) as MatchResources['namespaceSelector'];
  return out;
}

/** One generated variant of a policy spec. */
export interface AutogenVariant {
  /** `defaults` or `cronjobs` */
  readonly config: string;
  readonly targets: readonly AutogenTarget[];
  readonly spec: JsonObject;
}

/** The controllers a spec asks for (`spec.autogen.podControllers.controllers`), default all. */
function controllersOf(spec: JsonObject): string[] {
  const autogen = spec['autogen'];
  if (isObject(autogen) && isObject(autogen['podControllers'])) {
    const c = autogen['podControllers']['controllers'];
    if (Array.isArray(c)) return c.map(String);
  }
  return Object.keys(CONFIGS);
}

/**
 * The autogen variants of a ValidatingPolicy-like spec (sorted by config name), empty when the policy
 * cannot be autogenerated.
 */
export function autogenVariants(spec: JsonObject): AutogenVariant[] {
  const match = isObject(spec['matchConstraints']) ? (spec['matchConstraints'] as MatchResources) : undefined;
  if (!canAutogen(match)) return [];
  const mapping = new Map<string, AutogenTarget[]>();
  for (const name of new Set(controllersOf(spec))) {
    const c = Object.prototype.hasOwnProperty.call(CONFIGS, name) ? CONFIGS[name] : undefined;
    if (!c) continue;
    const list = mapping.get(c.replacements) ?? [];
    list.push(c.target);
    mapping.set(c.replacements, list);
  }
  const out: AutogenVariant[] = [];
  for (const config of [...mapping.keys()].sort(cmp)) {
    const targets = mapping.get(config)!;
    const copy = deepCopy(spec);
    const operations = match!.resourceRules![0]!.operations;
    const constraints = createMatchConstraints(targets, operations, match!.namespaceSelector);
    if (constraints) copy['matchConstraints'] = constraints as unknown as JsonObject;
    else delete copy['matchConstraints'];
    const replaced = applyReplacements(copy, REPLACEMENTS[config]!) as JsonObject;
    const sorted = [...targets].sort((a, b) => cmp(a.group, b.group) || cmp(a.version, b.version) || cmp(a.resource, b.resource) || cmp(a.kind, b.kind));
    out.push({ config, targets: sorted, spec: replaced });
  }
  return out;
}
