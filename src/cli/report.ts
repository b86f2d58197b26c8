/**
 * Policy report results from engine responses (kyverno/pkg/utils/report/results.go ToPolicyReportResult,
 * cmd/cli/kubectl-kyverno/report/report.go) and the CLI's result counting (processor/result.go).
 */
import { isObject, type JsonObject, type JsonValue, type Resource } from '../engine/api/json.ts';
import { controlNameOf } from '../engine/pss/controls.ts';
import { goJsonMarshal, goJsonString } from '../engine/utils/gojson.ts';
import type { KyvernoPolicy } from '../engine/api/policy.ts';
import type { EngineResponse, RuleResponse, RuleStatus } from '../engine/api/response.ts';
import type { Engine } from '../engine/engine.ts';
import { policyFailureAction, isEnforce } from '../engine/failure-action.ts';

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

export class ResultCounts {
  pass = 0;
  fail = 0;
  warn = 0;
  error = 0;
  skip = 0;

  /** addEngineResponse: validate (and verifyImages) rule results of Kyverno policies. */
  addValidateResponse(engine: Engine, response: EngineResponse, auditWarn: boolean): void {
    if (response.policyResponse.rules.length === 0) return;
    const pol = response.policy;
    if (!isKyvernoPolicy(pol)) return;
    const policy = pol as unknown as KyvernoPolicy;
    const scored = policy.metadata?.annotations?.['policies.kyverno.io/scored'] !== 'false';
    const meta = isObject(response.patchedResource['metadata']) ? response.patchedResource['metadata'] : {};
    const ns = typeof meta['namespace'] === 'string' ? meta['namespace'] : '';
    for (const rule of engine.computeRules(policy, '')) {
      const hasValidate = rule.validate && Object.keys(rule.validate).length > 0;
      const hasVerify = (rule.verifyImages ?? []).length > 0;
      if (!hasValidate && !hasVerify) continue;
      for (const rr of response.policyResponse.rules) {
        if (rr.name !== rule.name) continue;
        switch (rr.status) {
          case 'pass':
            this.pass++;
            break;
          case 'fail':
            if (!scored) this.warn++;
            else if (auditWarn && !isEnforce(policyFailureAction(policy, ns, response.namespaceLabels))) this.warn++;
            else this.fail++;
            break;
          case 'error':
            this.error++;
            break;
          case 'warn':
            this.warn++;
            break;
          case 'skip':
            this.skip++;
            break;
        }
      }
    }
  }

  /** addMutateResponse; returns true when a mutation was applied (the patched resource gets printed). */
  addMutateResponse(engine: Engine, response: EngineResponse): boolean {
    const pol = response.policy;
    let printed = false;
    const count = (status: RuleStatus): void => {
      if (status === 'pass') {
        this.pass++;
        printed = true;
      } else if (status === 'fail') this.fail++;
      else if (status === 'skip') this.skip++;
      else if (status === 'error') this.error++;
    };
    if (isKyvernoPolicy(pol)) {
      const rules = engine.computeRules(pol as unknown as KyvernoPolicy, '');
      if (!rules.some((r) => r.mutate && Object.keys(r.mutate).length > 0)) return false;
      for (const rule of rules) for (const rr of response.policyResponse.rules) if (rr.name === rule.name) count(rr.status);
      return printed;
    }
    for (const rr of response.policyResponse.rules) count(rr.status);
    return printed;
  }

  /** addGenerateResponse. */
  addGenerateResponse(engine: Engine, response: EngineResponse): void {
    const pol = response.policy;
    const count = (status: RuleStatus): void => {
      if (status === 'pass') this.pass++;
      else if (status === 'warn') this.warn++;
      else if (status === 'skip') this.skip++;
      else if (status === 'error') this.error++;
      else this.fail++;
    };
    if (isKyvernoPolicy(pol)) {
      for (const rule of engine.computeRules(pol as unknown as KyvernoPolicy, '')) {
        for (const rr of response.policyResponse.rules) if (rr.name === rule.name) count(rr.status);
      }
      return;
    }
    for (const rr of response.policyResponse.rules) count(rr.status);
  }

  /** AddValidatingPolicyResponse (CEL kinds). */
  addCelValidateResponse(response: EngineResponse): void {
    for (const rr of response.policyResponse.rules) {
      if (rr.status === 'pass') this.pass++;
      else if (rr.status === 'fail') this.fail++;
      else if (rr.status === 'error') this.error++;
      else if (rr.status === 'skip') this.skip++;
    }
  }
}
