/**
 * Pod controller autogen for MutatingPolicies (Kyverno pkg/cel/policies/mpol/autogen, pkg/cel/autogen):
 * a policy whose `matchConstraints` select exactly core/v1 `pods` (one rule, no resource names, no
 * object selector, no exclusions) also runs, under the same name, against the pod controllers listed in
 * `spec.autogen.podControllers.controllers` (default: all of them):
 * - `defaults` (daemonsets, deployments, jobs, replicasets, statefulsets): pod fields move under
 *   `spec.template`;
 * - `cronjobs`: under `spec.jobTemplate.spec.template`.
 * The copy matches the controllers' resources with the original rule's operations and namespace
 * selector; its match conditions and ApplyConfiguration expressions are rewritten (`object.spec` ->
 * `object.spec.template.spec`, `metadata.labels|annotations` likewise, and a root `Object{...}` wrapped in
 * `Object{spec: Object.spec{template: Object.spec.template{...}}}`). JSONPatch expressions and variables
 * are kept as written. Copies come in config order (`cronjobs`, then `defaults`).
 */
import { deepCopy } from '../../api/json.ts';
import type { MatchResources, NamedRuleWithOperations } from '../common/types.ts';
import type { MutatingPolicy, MutatingPolicySpec } from './types.ts';

interface Target {
  group: string;
  version: string;
  resource: string;
  kind: string;
}

const CONFIGS: Readonly<Record<string, { target: Target; replacements: 'defaults' | 'cronjobs' }>> = {
  daemonsets: { target: { group: 'apps', version: 'v1', resource: 'daemonsets', kind: 'DaemonSet' }, replacements: 'defaults' },
  deployments: { target: { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment' }, replacements: 'defaults' },
  replicasets: { target: { group: 'apps', version: 'v1', resource: 'replicasets', kind: 'ReplicaSet' }, replacements: 'defaults' },
  statefulsets: { target: { group: 'apps', version: 'v1', resource: 'statefulsets', kind: 'StatefulSet' }, replacements: 'defaults' },
  jobs: { target: { group: 'batch', version: 'v1', resource: 'jobs', kind: 'Job' }, replacements: 'defaults' },
  cronjobs: { target: { group: 'batch', version: 'v1', resource: 'cronjobs', kind: 'CronJob' }, replacements: 'cronjobs' },
};

function selectorSet(sel: MatchResources['objectSelector']): boolean {
  return !!sel && (Object.keys(sel.matchLabels ?? {}).length > 0 || (sel.matchExpressions ?? []).length > 0);
}

/** `autogen.CanAutoGen`. */
export function canAutoGen(match: MatchResources | undefined): boolean {
  if (!match) return false;
  if (selectorSet(match.objectSelector)) return false;
  if ((match.excludeResourceRules ?? []).length !== 0) return false;
  if ((match.resourceRules ?? []).length !== 1) return false;
  const rule = match.resourceRules![0]!;
  if ((rule.resourceNames ?? []).length > 0) return false;
  if ((rule.apiGroups ?? []).length !== 1 || rule.apiGroups![0] !== '') return false;
  if ((rule.apiVersions ?? []).length !== 1 || rule.apiVersions![0] !== 'v1') return false;
  if ((rule.resources ?? []).length !== 1 || rule.resources![0] !== 'pods') return false;
  return true;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `autogen.CreateMatchConstraints`: one rule per group/version, resources sorted. */
function createMatchConstraints(targets: readonly Target[], operations: readonly string[] | undefined, ns: MatchResources['namespaceSelector']): MatchResources | undefined {
  if (targets.length === 0 || !operations || operations.length === 0) return undefined;
  const byGv = new Map<string, { group: string; version: string; resources: Set<string> }>();
  for (const t of targets) {
    const k = `${t.group}\u0000${t.version}`;
    let e = byGv.get(k);
    if (!e) byGv.set(k, (e = { group: t.group, version: t.version, resources: new Set() }));
    e.resources.add(t.resource);
  }
  const rules: NamedRuleWithOperations[] = [...byGv.values()]
    .sort((a, b) => cmp(a.group, b.group) || cmp(a.version, b.version))
    .map((e) => ({ apiGroups: [e.group], apiVersions: [e.version], resources: [...e.resources].sort(), operations: [...operations] }));
  const out: MatchResources = { resourceRules: rules };
  if (ns) out.namespaceSelector = deepCopy(ns);
  return out;
}

/** `convertPodToTemplateExpression`. */
export function convertPodToTemplateExpression(expression: string, config: string): string {
  const spec = config === 'cronjobs' ? 'spec.jobTemplate.spec.template.spec' : 'spec.template.spec';
  const meta = config === 'cronjobs' ? 'spec.jobTemplate.spec.template.metadata' : 'spec.template.metadata';
  let e = expression.replace(/\b(object|oldObject|Object)\.spec/g, `$1.${spec}`);
  e = e.replace(/\b(object|oldObject|Object)\.metadata\.labels/g, `$1.${meta}.labels`);
  e = e.replace(/\b(object|oldObject|Object)\.metadata\.annotations/g, `$1.${meta}.annotations`);
  const trimmed = e.trim();
  if (!trimmed.startsWith('Object')) return e;
  let content = trimmed.slice('Object'.length).replace(/^[ \t\r\n]+/, '');
  if (!content.startsWith('{')) return e;
  content = content.slice(1);
  let depth = 1;
  let end = 0;
  const chars = [...content];
  let offset = 0;
  for (const ch of chars) {
    if (ch === '{') depth++;
    else if (ch === '}') {
      depth--;
      if (depth === 0) {
        end = offset;
        break;
      }
    }
    offset += ch.length;
  }
  if (end <= 0) return e;
  const inner = content.slice(0, end);
  const rest = content.slice(end + 1);
  if (config === 'cronjobs') {
    return `Object{spec: Object.spec{jobTemplate: Object.spec.jobTemplate{spec: Object.spec.jobTemplate.spec{template: Object.spec.jobTemplate.spec.template{${inner}}}}}}${rest}`;
  }
  return `Object{spec: Object.spec{template: Object.spec.template{${inner}}}}${rest}`;
}

/** The autogenerated variants of a policy (same metadata, rewritten spec), in config order. */
export function autogenPolicies(policy: MutatingPolicy): MutatingPolicy[] {
  const spec = policy.spec;
  if (!spec || !canAutoGen(spec.matchConstraints)) return [];
  const controllers = spec.autogen?.podControllers?.controllers ?? Object.keys(CONFIGS);
  const mapping = new Map<string, Target[]>();
  for (const c of new Set(controllers)) {
    const cfg = CONFIGS[c];
    if (!cfg) continue;
    const list = mapping.get(cfg.replacements) ?? [];
    list.push(cfg.target);
    mapping.set(cfg.replacements, list);
  }
  const out: MutatingPolicy[] = [];
  for (const config of [...mapping.keys()].sort()) {
    const targets = mapping.get(config)!;
    const s = deepCopy(spec) as MutatingPolicySpec;
    const operations = s.matchConstraints?.resourceRules?.[0]?.operations;
    const match = createMatchConstraints(targets, operations, s.matchConstraints?.namespaceSelector);
    s.matchConstraints = match ? { ...(match.namespaceSelector ? { namespaceSelector: match.namespaceSelector } : {}), resourceRules: match.resourceRules } : {};
    for (const mc of s.matchConditions ?? []) if (mc.expression) mc.expression = convertPodToTemplateExpression(mc.expression, config);
    for (const m of s.mutations ?? []) {
      if (m.applyConfiguration?.expression) m.applyConfiguration.expression = convertPodToTemplateExpression(m.applyConfiguration.expression, config);
    }
    out.push({ ...policy, spec: s as MutatingPolicy['spec'] });
  }
  return out;
}
