/**
 * The `kyverno-metrics` ConfigMap (Kyverno: env `METRICS_CONFIG`, default `kyverno-metrics`, in Kyverno's
 * namespace), read as Kyverno reads it (pkg/config/metricsconfig.go `load`, types.go):
 *
 * - `namespaces`: JSON `{"include": [...], "exclude": [...]}`: the namespaces whose policy results are
 *   counted (`CheckNamespace`);
 * - `bucketBoundaries`: comma-separated numbers, the boundaries of every histogram (default 0.005 … 30);
 * - `metricsExposure`: JSON `{"<instrument>": {"enabled": bool, "disabledLabelDimensions": [...],
 *   "bucketBoundaries": [...]}}`, keyed by the OpenTelemetry instrument name (a counter's name has no
 *   `_total`: `kyverno_policy_results`, `kyverno_controller_reconcile`); an entry without boundaries takes
 *   `bucketBoundaries`;
 * - `metricsRefreshInterval`: a Go duration (parsed and kept; Kyverno's own chart notes it has no effect).
 *
 * Each key is read on its own: a key that does not parse is reported in `problems` and keeps its default,
 * as Kyverno logs the error and goes on. A missing ConfigMap is the defaults.
 *
 * ```ts
 * const c = parseMetricsConfig({ namespaces: '{"exclude":["kube-system"]}', bucketBoundaries: '0.1, 1' });
 * c.namespaces; // { include: [], exclude: ['kube-system'] }
 * c.bucketBoundaries; // [0.1, 1]
 * ```
 */
import { parseDuration } from '../engine/utils/duration.ts';
import { DEFAULT_BUCKET_BOUNDARIES, type MetricExposure, type MetricsNamespaces } from './metrics.ts';

export const DEFAULT_METRICS_CONFIGMAP = 'kyverno-metrics';

export interface MetricsConfiguration {
  namespaces: MetricsNamespaces;
  bucketBoundaries: readonly number[];
  /** by instrument name */
  metricsExposure: ReadonlyMap<string, MetricExposure>;
  /** 0: never */
  metricsRefreshIntervalMs: number;
  /** keys that did not parse (their defaults were kept) */
  problems: Error[];
}

export function defaultMetricsConfig(): MetricsConfiguration {
  return { namespaces: { include: [], exclude: [] }, bucketBoundaries: DEFAULT_BUCKET_BOUNDARIES, metricsExposure: new Map(), metricsRefreshIntervalMs: 0, problems: [] };
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

function isNumberArray(v: unknown): v is number[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'number');
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `{"include": [...], "exclude": [...]}`; JSON null, an absent or null list: empty. */
export function parseMetricsNamespaces(text: string): MetricsNamespaces {
  const v: unknown = JSON.parse(text);
  if (v === null) return { include: [], exclude: [] };
  if (!isPlainObject(v)) throw new Error('namespaces: expected a JSON object');
  const list = (k: string): string[] => {
    const x = v[k];
    if (x === undefined || x === null) return [];
    if (!isStringArray(x)) throw new Error(`namespaces.${k}: expected a list of strings`);
    return x;
  };
  return { include: list('include'), exclude: list('exclude') };
}

/** Comma-separated numbers (spaces allowed); an empty value is an empty list (a single +Inf bucket). */
export function parseBucketBoundaries(text: string): number[] {
  const t = text.trim();
  if (t === '') return [];
  return t.split(',').map((part) => {
    const p = part.trim();
    // strconv.ParseFloat: decimal or exponent notation, Inf and NaN are accepted by Go but useless here
    if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(p)) throw new Error(`invalid boundary value '${p}'`);
    return Number(p);
  });
}

/** `{"<instrument>": {enabled, disabledLabelDimensions, bucketBoundaries}}`; unset fields take their defaults. */
export function parseMetricsExposure(text: string, defaultBoundaries: readonly number[]): Map<string, MetricExposure> {
  const v: unknown = JSON.parse(text);
  const out = new Map<string, MetricExposure>();
  if (v === null) return out;
  if (!isPlainObject(v)) throw new Error('metricsExposure: expected a JSON object');
  for (const [name, raw] of Object.entries(v)) {
    const e = raw === null ? {} : raw;
    if (!isPlainObject(e)) throw new Error(`metricsExposure.${name}: expected a JSON object`);
    const enabled = e['enabled'];
    const labels = e['disabledLabelDimensions'];
    const buckets = e['bucketBoundaries'];
    if (enabled !== undefined && enabled !== null && typeof enabled !== 'boolean') throw new Error(`metricsExposure.${name}.enabled: expected a boolean`);
    if (labels !== undefined && labels !== null && !isStringArray(labels)) throw new Error(`metricsExposure.${name}.disabledLabelDimensions: expected a list of strings`);
    if (buckets !== undefined && buckets !== null && !isNumberArray(buckets)) throw new Error(`metricsExposure.${name}.bucketBoundaries: expected a list of numbers`);
    out.set(name, {
      enabled: typeof enabled === 'boolean' ? enabled : true,
      disabledLabelDimensions: isStringArray(labels) ? labels : [],
      bucketBoundaries: isNumberArray(buckets) ? buckets : defaultBoundaries,
    });
  }
  return out;
}

/** The ConfigMap's data (undefined: no ConfigMap) as Kyverno reads it. */
export function parseMetricsConfig(data: Readonly<Record<string, string>> | undefined): MetricsConfiguration {
  const c = defaultMetricsConfig();
  if (!data) return c;
  const read = <T>(key: string, parse: (text: string) => T, apply: (v: T) => void): void => {
    const text = data[key];
    if (text === undefined) return;
    try {
      apply(parse(text));
    } catch (err) {
      c.problems.push(new Error(`failed to parse ${key}: ${(err as Error).message}`));
    }
  };
  read(
    'metricsRefreshInterval',
    (t) => {
      const ns = parseDuration(t);
      if (ns === undefined) throw new Error(`invalid duration ${JSON.stringify(t)}`);
      return ns / 1e6;
    },
    (ms) => (c.metricsRefreshIntervalMs = ms),
  );
  read('namespaces', parseMetricsNamespaces, (v) => (c.namespaces = v));
  read('bucketBoundaries', parseBucketBoundaries, (v) => (c.bucketBoundaries = v));
  // after bucketBoundaries: an entry without its own boundaries takes those
  read('metricsExposure', (t) => parseMetricsExposure(t, c.bucketBoundaries), (v) => (c.metricsExposure = v));
  return c;
}
