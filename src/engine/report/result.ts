/**
 * Policy report results from engine responses (kyverno/pkg/utils/report/results.go ToPolicyReportResult,
 * cmd/cli/kubectl-kyverno/report/report.go ComputePolicyReportResult): shared by the CLI (`-p`, `kyverno test`
 * row judging) and the controllers (PolicyReports).
 */
import { isObject, type JsonObject, type JsonValue, type Resource } from '../api/json.ts';
import type { KyvernoPolicy } from '../api/policy.ts';
import type { EngineResponse, RuleResponse, RuleStatus } from '../api/response.ts';
import { isEnforce, policyFailureAction } from '../failure-action.ts';
import { controlNameOf } from '../pss/controls.ts';
import { goJsonMarshal, goJsonString } from '../utils/gojson.ts';

export interface ReportResult {
  source: string;
  policy: string;
  rule: string;
  message: string;
  properties?: Record<string, string>;
  result: RuleStatus;
  scored: boolean;
  category?: string;
  severity?: string;
  resources: JsonObject[];
  timestamp?: { seconds: number; nanos: number };
}

function annotationsOf(policy: EngineResponse['policy']): Record<string, string> {
  const a = policy.metadata?.annotations;
  return isObject(a) ? (a as Record<string, string>) : {};
}

const severities = new Set(['critical', 'high', 'medium', 'low', 'info']);

export function isKyvernoPolicy(p: EngineResponse['policy']): boolean {
  return (p.kind === 'ClusterPolicy' || p.kind === 'Policy') && typeof p.apiVersion === 'string' && p.apiVersion.startsWith('kyverno.io/');
}

function policyName(p: EngineResponse['policy']): string {
  const ns = p.metadata?.namespace;
  return ns ? `${ns}/${p.metadata.name ?? ''}` : (p.metadata.name ?? '');
}

function boolDefault(v: unknown, d: boolean): boolean {
  return typeof v === 'boolean' ? v : d;
}

/** ToPolicyReportResult + the CLI's audit-warn conversion. */
export function toReportResult(response: EngineResponse, rule: RuleResponse, auditWarn: boolean, nowSeconds?: number): ReportResult {
  const pol = response.policy;
  const ann = annotationsOf(pol);
  const properties = rule.properties ? { ...rule.properties } : undefined;
  const result: ReportResult = {
    source: 'kyverno',
    policy: policyName(pol),
    rule: rule.name,
    message: rule.message,
    properties,
    result: rule.status,
    scored: ann['policies.kyverno.io/scored'] !== 'false',
    resources: [],
  };
  if (nowSeconds !== undefined) result.timestamp = { seconds: nowSeconds, nanos: 0 };
  if (ann['policies.kyverno.io/category']) result.category = ann['policies.kyverno.io/category'];
  const sev = ann['policies.kyverno.io/severity'];
  if (sev && severities.has(sev)) result.severity = sev;
  if (result.properties) {
    const p = result.properties;
    const byStatus: Record<string, string> = { pass: 'passMessage', fail: 'failMessage', warn: 'warnMessage', error: 'errorMessage', skip: 'skipMessage' };
    const key = byStatus[result.result];
    if (key && p[key]) result.message = p[key] as string;
    if (p['message']) result.message = p['message'];
  }
  let process = '';
  const kind = pol.kind;
  const spec = (isObject(pol['spec']) ? pol['spec'] : {}) as JsonObject;
  if (kind === 'ValidatingAdmissionPolicy' || kind === 'MutatingAdmissionPolicy') {
    result.source = kind;
    result.policy = rule.name;
    process = 'background scan';
  } else if (isKyvernoPolicy(pol)) {
    result.source = 'kyverno';
    const background = boolDefault(spec['background'], true);
    const admission = boolDefault(spec['admission'], true);
    process = background ? 'background scan' : admission ? 'admission review' : '';
  } else {
    const sources: Record<string, string> = {
      ValidatingPolicy: 'KyvernoValidatingPolicy',
      NamespacedValidatingPolicy: 'KyvernoValidatingPolicy',
      MutatingPolicy: 'KyvernoMutatingPolicy',
      NamespacedMutatingPolicy: 'KyvernoMutatingPolicy',
      ImageValidatingPolicy: 'KyvernoImageValidatingPolicy',
      NamespacedImageValidatingPolicy: 'KyvernoImageValidatingPolicy',
      GeneratingPolicy: 'KyvernoGeneratingPolicy',
      NamespacedGeneratingPolicy: 'KyvernoGeneratingPolicy',
      DeletingPolicy: 'KyvernoDeletingPolicy',
      NamespacedDeletingPolicy: 'KyvernoDeletingPolicy',
    };
    result.source = sources[kind] ?? 'kyverno';
    if (kind.includes('GeneratingPolicy')) process = 'admission review';
    else {
      const evaluation = isObject(spec['evaluation']) ? spec['evaluation'] : {};
      const bg = isObject(evaluation['background']) ? boolDefault(evaluation['background']['enabled'], true) : true;
      const adm = isObject(evaluation['admission']) ? boolDefault(evaluation['admission']['enabled'], true) : true;
      process = bg ? 'background scan' : adm ? 'admission review' : '';
    }
  }
  result.properties = { ...(result.properties ?? {}), process };
  if (result.result === 'fail' && !result.scored) result.result = 'warn';
  const r = response.resource;
  result.resources = [objectReference(r)];
  if (rule.exceptions && rule.exceptions.length > 0) {
    result.properties['exceptions'] = rule.exceptions.map((k) => k.split('/').pop() ?? k).join(',');
  }
  if (rule.podSecurityChecks && rule.podSecurityChecks.checks.length > 0) {
    addPodSecurityProperties(rule, result);
  }
  if (result.result === 'fail' && auditWarn && isKyvernoPolicy(pol)) {
    const meta = isObject(r['metadata']) ? r['metadata'] : {};
    const ns = typeof meta['namespace'] === 'string' ? meta['namespace'] : '';
    if (!isEnforce(policyFailureAction(pol as unknown as KyvernoPolicy, ns, response.namespaceLabels))) result.result = 'warn';
  }
  return result;
}

function addPodSecurityProperties(rule: RuleResponse, result: ReportResult): void {
  const pss = rule.podSecurityChecks!;
  const ids: string[] = [];
  const controls: JsonObject[] = [];
  for (const c of pss.checks) {
    if (c.allowed) continue;
    ids.push(c.id);
    controls.push({ ID: c.id, Name: controlNameOf(c.id), Images: (c.images ?? null) as JsonValue });
  }
  if (controls.length === 0) return;
  const props = result.properties ?? (result.properties = {});
  props['standard'] = pss.level;
  props['version'] = pss.version;
  props['controls'] = ids.join(',');
  props['controlsJSON'] = goJsonMarshalOrdered(controls);
}

/** encoding/json of a struct keeps field order (ID, Name, Images). */
function goJsonMarshalOrdered(controls: JsonObject[]): string {
  return '[' + controls.map((c) => `{"ID":${goJsonString(String(c['ID']))},"Name":${goJsonString(String(c['Name']))},"Images":${goJsonMarshal(c['Images'] ?? null)}}`).join(',') + ']';
}

export function objectReference(r: Resource): JsonObject {
  const meta = isObject(r['metadata']) ? r['metadata'] : {};
  const ref: JsonObject = {};
  if (typeof r['apiVersion'] === 'string' && r['apiVersion'] !== '') ref['apiVersion'] = r['apiVersion'];
  if (typeof r['kind'] === 'string' && r['kind'] !== '') ref['kind'] = r['kind'];
  if (typeof meta['namespace'] === 'string' && meta['namespace'] !== '') ref['namespace'] = meta['namespace'];
  if (typeof meta['name'] === 'string' && meta['name'] !== '') ref['name'] = meta['name'];
  if (typeof meta['uid'] === 'string' && meta['uid'] !== '') ref['uid'] = meta['uid'];
  if (typeof meta['resourceVersion'] === 'string' && meta['resourceVersion'] !== '') ref['resourceVersion'] = meta['resourceVersion'];
  return ref;
}

