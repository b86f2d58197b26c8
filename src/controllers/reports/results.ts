/**
 * Report results from engine responses, in-cluster flavour (pkg/utils/report/results.go): the CLI's
 * `toReportResult` (src/cli/report.ts) with a timestamp, no subject in per-resource reports (the report's
 * `scope` names the resource), the `--allowedResults` filter, Kyverno's result order and summary, and the
 * mutation / generation properties (`patched-target`, `generated-resources`).
 *
 * Example: `engineResponseResults(er, now, allowAll)` -> `[{source: 'kyverno', policy: 'require-labels',
 * rule: 'check-team', result: 'fail', message: '...', properties: {process: 'background scan'}, scored: true,
 * timestamp: {seconds, nanos: 0}}]`.
 */
import { isObject, type JsonObject, type Resource } from '../../engine/api/json.ts';
import type { EngineResponse, RuleResponse, RuleStatus } from '../../engine/api/response.ts';
import { toReportResult, type ReportResult } from '../../engine/report/result.ts';

export type { ReportResult };

export interface Summary {
  pass: number;
  fail: number;
  warn: number;
  error: number;
  skip: number;
}

/** `--allowedResults`: which statuses are recorded (empty: all). */
export type StatusFilter = (status: RuleStatus) => boolean;

export const allowAllResults: StatusFilter = () => true;

export function statusFilter(allowed: readonly string[] | undefined): StatusFilter {
  if (!allowed || allowed.length === 0) return allowAllResults;
  const set = new Set(allowed.map((s) => s.trim().toLowerCase()));
  return (s) => set.has(s);
}

function result(er: EngineResponse, rule: RuleResponse, nowSeconds: number): ReportResult {
  const r = toReportResult(er, rule, false, nowSeconds);
  // in-cluster reports name their resource in `scope` (per-resource) or are given subjects by the layout
  r.resources = [];
  if (r.properties && Object.keys(r.properties).length === 0) delete r.properties;
  return r;
}

/** `EngineResponseToReportResults` */
export function engineResponseResults(er: EngineResponse, nowSeconds: number, allowed: StatusFilter = allowAllResults): ReportResult[] {
  const out: ReportResult[] = [];
  for (const rule of er.policyResponse.rules) {
    if (!allowed(rule.status)) continue;
    out.push(result(er, rule, nowSeconds));
  }
  return out;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** `getResourceInfo`: `<group/version>, Kind=<Kind> Name=<name>[ Namespace=<ns>]` (schema.GroupVersionKind.String()). */
export function resourceInfo(obj: Resource): string {
  const apiVersion = str(obj['apiVersion']);
  const i = apiVersion.indexOf('/');
  const group = i < 0 ? '' : apiVersion.slice(0, i);
  const version = i < 0 ? apiVersion : apiVersion.slice(i + 1);
  const m = isObject(obj['metadata']) ? obj['metadata'] : {};
  const gvk = `${group}/${version}, Kind=${str(obj['kind'])}`;
  const ns = str(m['namespace']);
  return `${gvk} Name=${str(m['name'])}${ns !== '' ? ` Namespace=${ns}` : ''}`;
}

/** `MutationEngineResponseToReportResults`: adds `patched-target`. */
export function mutationResponseResults(er: EngineResponse, nowSeconds: number, allowed: StatusFilter = allowAllResults): ReportResult[] {
  const out: ReportResult[] = [];
  for (const rule of er.policyResponse.rules) {
    if (!allowed(rule.status)) continue;
    const r = result(er, rule, nowSeconds);
    if (rule.patchedTarget) r.properties = { ...(r.properties ?? {}), 'patched-target': resourceInfo(rule.patchedTarget) };
    out.push(r);
  }
  return out;
}

/** `GenerationEngineResponseToReportResults`: adds `generated-resources`. */
export function generationResponseResults(er: EngineResponse, nowSeconds: number, allowed: StatusFilter = allowAllResults): ReportResult[] {
  const out: ReportResult[] = [];
  for (const rule of er.policyResponse.rules) {
    const r = result(er, rule, nowSeconds);
    const generated = rule.generatedResources ?? [];
    if (generated.length > 0) {
      if (!allowed(rule.status)) continue;
      r.properties = { ...(r.properties ?? {}), 'generated-resources': generated.map(resourceInfo).join('; ') };
    }
    out.push(r);
  }
  return out;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `SortReportResults`: policy, rule, source, subjects (count, uids), timestamp. */
export function sortResults(results: ReportResult[]): ReportResult[] {
  return results.sort((a, b) => {
    let x = cmp(a.policy, b.policy) || cmp(a.rule, b.rule) || cmp(a.source, b.source);
    if (x !== 0) return x;
    x = a.resources.length - b.resources.length;
    if (x !== 0) return x;
    for (let i = 0; i < a.resources.length; i++) {
      x = cmp(str(a.resources[i]?.['uid']), str(b.resources[i]?.['uid']));
      if (x !== 0) return x;
    }
    return (a.timestamp?.seconds ?? 0) - (b.timestamp?.seconds ?? 0);
  });
}

export function summarize(results: readonly ReportResult[]): Summary {
  const s: Summary = { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 };
  for (const r of results) if (r.result in s) s[r.result as keyof Summary]++;
  return s;
}

/** The result as stored in a report (omitting empty optional fields, as Go's omitempty does). */
export function resultJson(r: ReportResult, withResources: boolean): JsonObject {
  const out: JsonObject = { source: r.source, policy: r.policy };
  if (r.rule !== '') out['rule'] = r.rule;
  if (r.message !== '') out['message'] = r.message;
  if (r.properties && Object.keys(r.properties).length > 0) out['properties'] = { ...r.properties };
  out['result'] = r.result;
  out['scored'] = r.scored;
  if (withResources && r.resources.length > 0) out['resources'] = r.resources;
  if (r.category) out['category'] = r.category;
  if (r.severity) out['severity'] = r.severity;
  out['timestamp'] = { seconds: r.timestamp?.seconds ?? 0, nanos: r.timestamp?.nanos ?? 0 };
  return out;
}

/** Reads a stored result back (ephemeral reports, existing reports). */
export function parseResult(v: unknown): ReportResult | undefined {
  if (!isObject(v)) return undefined;
  const ts = isObject(v['timestamp']) ? v['timestamp'] : {};
  const props = isObject(v['properties']) ? (v['properties'] as Record<string, string>) : undefined;
  const r: ReportResult = {
    source: str(v['source']),
    policy: str(v['policy']),
    rule: str(v['rule']),
    message: str(v['message']),
    result: (str(v['result']) || 'skip') as RuleStatus,
    scored: v['scored'] !== false,
    resources: Array.isArray(v['resources']) ? (v['resources'].filter(isObject) as JsonObject[]) : [],
    timestamp: { seconds: typeof ts['seconds'] === 'number' ? ts['seconds'] : 0, nanos: typeof ts['nanos'] === 'number' ? ts['nanos'] : 0 },
  };
  if (props) r.properties = { ...props };
  if (typeof v['category'] === 'string') r.category = v['category'];
  if (typeof v['severity'] === 'string') r.severity = v['severity'];
  return r;
}

/**
 * The aggregation key (`MergeReports`): `source/policy/rule` for Kyverno policies, `source/policy` for the
 * CEL kinds and admission policies (one result per policy).
 */
export function mergeKey(r: ReportResult): string {
  return r.source === 'kyverno' || r.source === '' ? `${r.source}/${r.policy}/${r.rule}` : `${r.source}/${r.policy}`;
}
