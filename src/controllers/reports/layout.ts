/**
 * How results become report objects. Two layouts:
 *
 * - `resource` (Kyverno >= 1.10, the default): one report per resource, named by the resource's UID, in
 *   its namespace (a cluster report for cluster-scoped resources), owned by the resource (so the garbage
 *   collector removes it with the resource), `scope` = the resource, results without subjects. A resource
 *   without results has no report.
 * - `namespace` (bounded volume): one report per namespace (`polr-ns-<ns>`; `polr-cluster` for
 *   cluster-scoped resources) whose results name their resource in `resources`. When a namespace's
 *   report would exceed `maxBytes` it is split per policy (`polr-ns-<ns>-<policy>`), and a policy whose
 *   results still exceed it is cut into numbered chunks (`...-2`, `-3`), so that no object ever reaches
 *   the API server's request limit (etcd's 1.5 MiB).
 *
 * Report kinds: wgpolicyk8s.io/v1alpha2 PolicyReport / ClusterPolicyReport, or openreports.io/v1alpha1
 * Report / ClusterReport (`--openreportsEnabled`). Every report is labelled
 * `app.kubernetes.io/managed-by: kyverno`; aggregated ones also carry `reports.kyverno-ts.io/layout`.
 *
 * Example: `resourceReport(ref, results, 'wgpolicyk8s')` -> `{apiVersion: 'wgpolicyk8s.io/v1alpha2', kind:
 * 'PolicyReport', metadata: {name: <uid>, namespace, ownerReferences: [...]}, scope, results, summary}`.
 */
import { createHash } from 'node:crypto';
import type { JsonObject } from '../../engine/api/json.ts';
import type { ApiResource } from '../../k8s/client/types.ts';
import { isObject } from '../../engine/api/json.ts';
import { parseResult, resultJson, summarize, type ReportResult } from './results.ts';
import type { ResourceRef } from './store.ts';

export type ReportApi = 'wgpolicyk8s' | 'openreports';
export type ReportLayoutKind = 'resource' | 'namespace';

export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
export const LABEL_LAYOUT = 'reports.kyverno-ts.io/layout';
/** the API server rejects requests above 3 MiB and etcd values above 1.5 MiB */
export const DEFAULT_MAX_REPORT_BYTES = 1024 * 1024;

function r(group: string, version: string, resource: string, kind: string, namespaced: boolean): ApiResource {
  return { group, version, resource, kind, namespaced, verbs: [], subresources: [] };
}

export const REPORT_RESOURCES: Record<ReportApi, { namespaced: ApiResource; cluster: ApiResource }> = {
  wgpolicyk8s: {
    namespaced: r('wgpolicyk8s.io', 'v1alpha2', 'policyreports', 'PolicyReport', true),
    cluster: r('wgpolicyk8s.io', 'v1alpha2', 'clusterpolicyreports', 'ClusterPolicyReport', false),
  },
  openreports: {
    namespaced: r('openreports.io', 'v1alpha1', 'reports', 'Report', true),
    cluster: r('openreports.io', 'v1alpha1', 'clusterreports', 'ClusterReport', false),
  },
};

export function reportResource(api: ReportApi, namespace: string): ApiResource {
  return namespace === '' ? REPORT_RESOURCES[api].cluster : REPORT_RESOURCES[api].namespaced;
}

function base(api: ReportApi, namespace: string, name: string, labels: Record<string, string>): JsonObject {
  const res = reportResource(api, namespace);
  const metadata: JsonObject = { name, labels: { [LABEL_MANAGED_BY]: 'kyverno', ...labels } };
  if (namespace !== '') metadata['namespace'] = namespace;
  return { apiVersion: `${res.group}/${res.version}`, kind: res.kind, metadata };
}

function finish(report: JsonObject, results: readonly ReportResult[], withResources: boolean): JsonObject {
  report['results'] = results.map((x) => resultJson(x, withResources));
  report['summary'] = { ...summarize(results) };
  return report;
}

/** The per-resource report (`NewPolicyReport` + `SetOwner` + `SetResults`). */
export function resourceReport(ref: ResourceRef, results: readonly ReportResult[], api: ReportApi): JsonObject {
  const report = base(api, ref.namespace, ref.uid, {});
  (report['metadata'] as JsonObject)['ownerReferences'] = [{ apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, uid: ref.uid }];
  const scope: JsonObject = { apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, uid: ref.uid };
  if (ref.namespace !== '') scope['namespace'] = ref.namespace;
  report['scope'] = scope;
  return finish(report, results, false);
}

/** The subject of an aggregated result. */
export function subjectOf(ref: ResourceRef): JsonObject {
  const s: JsonObject = { apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, uid: ref.uid };
  if (ref.namespace !== '') s['namespace'] = ref.namespace;
  return s;
}

/** A DNS-subdomain-safe name no longer than 253 characters (a hash replaces the tail when needed). */
export function reportName(parts: readonly string[]): string {
  const raw = parts
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9.-]/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .replace(/[^a-z0-9]+$/, '');
  if (raw.length <= 253) return raw;
  const h = createHash('sha256').update(raw).digest('hex').slice(0, 10);
  return `${raw.slice(0, 242).replace(/[^a-z0-9]+$/, '')}-${h}`;
}

/** Approximate stored size of a result (JSON bytes). */
function resultBytes(x: ReportResult, subject: JsonObject): number {
  return Buffer.byteLength(JSON.stringify(resultJson({ ...x, resources: [subject] }, true)));
}

export interface AggregatedEntry {
  ref: ResourceRef;
  results: readonly ReportResult[];
}

/**
 * The aggregated reports of one namespace (`''`: cluster scope): one object when it fits in `maxBytes`,
 * else one per policy, chunked when a policy alone is too large.
 */
export function namespaceReports(namespace: string, entries: readonly AggregatedEntry[], api: ReportApi, maxBytes = DEFAULT_MAX_REPORT_BYTES): JsonObject[] {
  const prefix = namespace === '' ? ['polr', 'cluster'] : ['polr', 'ns', namespace];
  const labels = { [LABEL_LAYOUT]: 'namespace' };
  const sorted = [...entries].sort((a, b) => (a.ref.kind + '/' + a.ref.name < b.ref.kind + '/' + b.ref.name ? -1 : 1));
  const flat: Array<{ r: ReportResult; bytes: number }> = [];
  let total = 0;
  for (const e of sorted) {
    const subject = subjectOf(e.ref);
    for (const x of e.results) {
      const withSubject = { ...x, resources: [subject] };
      const bytes = resultBytes(x, subject);
      flat.push({ r: withSubject, bytes });
      total += bytes;
    }
  }
  if (flat.length === 0) return [];
  const overhead = 2048;
  if (total + overhead <= maxBytes) {
    return [finish(base(api, namespace, reportName(prefix), labels), flat.map((f) => f.r), true)];
  }
  // split per policy, then chunk
  const byPolicy = new Map<string, Array<{ r: ReportResult; bytes: number }>>();
  for (const f of flat) {
    const k = f.r.policy;
    const list = byPolicy.get(k) ?? [];
    list.push(f);
    byPolicy.set(k, list);
  }
  const out: JsonObject[] = [];
  for (const [policy, list] of [...byPolicy].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    let chunk: ReportResult[] = [];
    let size = overhead;
    let n = 1;
    const flush = (): void => {
      if (chunk.length === 0) return;
      const parts = [...prefix, policy.replace('/', '-')];
      if (n > 1) parts.push(String(n));
      out.push(finish(base(api, namespace, reportName(parts), labels), chunk, true));
      chunk = [];
      size = overhead;
      n++;
    };
    for (const f of list) {
      if (size + f.bytes > maxBytes && chunk.length > 0) flush();
      chunk.push(f.r);
      size += f.bytes;
    }
    flush();
  }
  return out;
}

function refFrom(o: JsonObject | undefined): ResourceRef | undefined {
  if (!o) return undefined;
  const s = (k: string) => (typeof o[k] === 'string' ? (o[k] as string) : '');
  if (s('uid') === '') return undefined;
  return { uid: s('uid'), apiVersion: s('apiVersion'), kind: s('kind'), namespace: s('namespace'), name: s('name') };
}

/** Reads a stored report back into per-resource results (either layout). */
export function reportEntries(report: JsonObject): AggregatedEntry[] {
  const scope = isObject(report['scope']) ? refFrom(report['scope']) : undefined;
  const results = (Array.isArray(report['results']) ? report['results'] : []).map(parseResult).filter((r): r is ReportResult => r !== undefined);
  if (scope) {
    const m = isObject(report['metadata']) ? report['metadata'] : {};
    if (scope.namespace === '' && typeof m['namespace'] === 'string') scope.namespace = m['namespace'];
    return [{ ref: scope, results: results.map((r) => ({ ...r, resources: [] })) }];
  }
  const byUid = new Map<string, { ref: ResourceRef; results: ReportResult[] }>();
  for (const r of results) {
    const ref = refFrom(r.resources[0]);
    if (!ref) continue;
    const e = byUid.get(ref.uid) ?? { ref, results: [] };
    e.results.push({ ...r, resources: [] });
    byUid.set(ref.uid, e);
  }
  return [...byUid.values()];
}
