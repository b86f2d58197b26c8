/**
 * A small Prometheus registry for the admission server: counters, histograms and gauges with a fixed
 * list of label names, rendered in the Prometheus text exposition format (0.0.4).
 *
 * Kyverno exports its OpenTelemetry instruments through the OTel Prometheus exporter (pkg/metrics): a
 * counter named `kyverno_admission_requests` becomes `kyverno_admission_requests_total`, histograms use the
 * `kyverno-metrics` ConfigMap's `bucketBoundaries` (default 0.005 … 30 s), label values are strings and
 * booleans are rendered `true`/`false`. This registry reproduces those names and labels.
 *
 * Hot path: a series is found by joining the label values with a separator that cannot occur in them
 * (`\u0001`), so recording costs one string join and one Map lookup; no sorting, no per-call objects.
 *
 * ```ts
 * const r = new MetricsRegistry();
 * const c = r.counter('kyverno_admission_requests_total', 'help', ['resource_kind']);
 * c.inc(['Pod']);
 * r.render(); // '# HELP kyverno_admission_requests_total help\n# TYPE ... counter\nkyverno_admission_requests_total{resource_kind="Pod"} 1\n'
 * ```
 */

/** Kyverno's default histogram boundaries (pkg/config/metricsconfig.go `reset`), in seconds. */
export const DEFAULT_BUCKET_BOUNDARIES: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 20, 25, 30];

const SEP = '\u0001';

function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  return String(n);
}

function labelText(names: readonly string[], values: readonly string[], extra?: string, optional?: ReadonlySet<string>): string {
  const parts: string[] = [];
  for (let i = 0; i < names.length; i++) {
    const v = values[i] ?? '';
    // an optional label with no value is left out, as an attribute Kyverno does not set
    if (v === '' && optional?.has(names[i] as string)) continue;
    parts.push(`${names[i]}="${escapeLabelValue(v)}"`);
  }
  if (extra !== undefined) parts.push(extra);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

/** A serializable copy of one metric's series (to merge the registries of worker threads). */
export interface MetricSnapshot {
  name: string;
  series: Array<{ key: string; values: readonly string[]; value?: number; counts?: number[]; sum?: number; count?: number }>;
}

interface Metric {
  readonly name: string;
  readonly labelNames: readonly string[];
  /** the OpenTelemetry instrument's name (`kyverno-metrics` `metricsExposure` keys): counters without `_total` */
  readonly instrumentName: string;
  /** number of series */
  readonly size: number;
  render(out: string[]): void;
  reset(): void;
  snapshot(): MetricSnapshot;
  merge(s: MetricSnapshot): void;
  /** a copy without the labels at `drop` (series that then coincide are summed; gauges: the last wins) */
  without(drop: ReadonlySet<string>): Metric;
}

/**
 * How one metric is exposed (`kyverno-metrics` ConfigMap `metricsExposure.<instrument>`): not at all when
 * `enabled` is false; without the labels in `disabledLabelDimensions` (their series summed).
 */
export interface MetricExposure {
  enabled: boolean;
  disabledLabelDimensions: readonly string[];
  /** histogram boundaries of this metric (applied when the metric is created) */
  bucketBoundaries?: readonly number[];
}

export interface RenderOptions {
  /** leave out metrics without any series (OpenTelemetry's exporter writes only instruments with data) */
  omitEmpty?: boolean;
  /** per-instrument exposure, looked up by instrument name */
  exposure?: ReadonlyMap<string, MetricExposure>;
}

/** Label values without the positions in `dropIdx`. */
function keep(values: readonly string[], dropIdx: readonly number[]): string[] {
  return values.filter((_, i) => !dropIdx.includes(i));
}

/** A monotonically increasing counter. */
export class Counter implements Metric {
  private readonly series = new Map<string, { values: readonly string[]; value: number }>();
  /** labels left out of a series where they are empty */
  readonly optionalLabels: ReadonlySet<string> | undefined;
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
    opts: { optionalLabels?: readonly string[] } = {},
  ) {
    this.optionalLabels = opts.optionalLabels && opts.optionalLabels.length > 0 ? new Set(opts.optionalLabels) : undefined;
  }

  get instrumentName(): string {
    return this.name.endsWith('_total') ? this.name.slice(0, -'_total'.length) : this.name;
  }

  get size(): number {
    return this.series.size;
  }

  without(drop: ReadonlySet<string>): Counter {
    const idx = this.labelNames.flatMap((n, i) => (drop.has(n) ? [i] : []));
    const c = new Counter(this.name, this.help, keep(this.labelNames, idx), { optionalLabels: this.optionalLabels ? [...this.optionalLabels] : [] });
    for (const s of this.series.values()) c.inc(keep(s.values, idx), s.value);
    return c;
  }

  /** Adds `by` (default 1) to the series with these label values (in `labelNames` order). */
  inc(labelValues: readonly string[], by = 1): void {
    const key = labelValues.join(SEP);
    const s = this.series.get(key);
    if (s) s.value += by;
    else this.series.set(key, { values: labelValues.slice(), value: by });
  }

  /** The series for a key (created with `values` when new), to be incremented directly (`.value += n`). */
  handle(key: string, values: () => readonly string[]): { value: number } {
    let s = this.series.get(key);
    if (!s) {
      s = { values: values(), value: 0 };
      this.series.set(key, s);
    }
    return s;
  }

  /**
   * Hot-path form of `inc`: `key` identifies the series (any string unique per label combination, e.g.
   * the values joined by `\u0001`), `values` builds the label values only when the series is new.
   */
  incKey(key: string, values: () => readonly string[], by = 1): void {
    const s = this.series.get(key);
    if (s) s.value += by;
    else this.series.set(key, { values: values(), value: by });
  }

  /** Current value of a series (0 when absent). */
  get(labelValues: readonly string[]): number {
    return this.series.get(labelValues.join(SEP))?.value ?? 0;
  }

  snapshot(): MetricSnapshot {
    return { name: this.name, series: [...this.series].map(([key, s]) => ({ key, values: s.values, value: s.value })) };
  }

  merge(snap: MetricSnapshot): void {
    for (const s of snap.series) this.incKey(s.key, () => s.values, s.value ?? 0);
  }

  render(out: string[]): void {
    out.push(`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} counter`);
    for (const s of this.series.values()) out.push(`${this.name}${labelText(this.labelNames, s.values, undefined, this.optionalLabels)} ${formatNumber(s.value)}`);
  }

  reset(): void {
    this.series.clear();
  }
}

/** A gauge (set to a value). */
export class Gauge implements Metric {
  private readonly series = new Map<string, { values: readonly string[]; value: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
  ) {}

  get instrumentName(): string {
    return this.name;
  }

  get size(): number {
    return this.series.size;
  }

  without(drop: ReadonlySet<string>): Gauge {
    const idx = this.labelNames.flatMap((n, i) => (drop.has(n) ? [i] : []));
    const g = new Gauge(this.name, this.help, keep(this.labelNames, idx));
    for (const s of this.series.values()) g.set(keep(s.values, idx), s.value);
    return g;
  }

  set(labelValues: readonly string[], value: number): void {
    const key = labelValues.join(SEP);
    const s = this.series.get(key);
    if (s) s.value = value;
    else this.series.set(key, { values: labelValues.slice(), value });
  }

  snapshot(): MetricSnapshot {
    return { name: this.name, series: [...this.series].map(([key, s]) => ({ key, values: s.values, value: s.value })) };
  }

  /** gauges of several threads: the last value wins */
  merge(snap: MetricSnapshot): void {
    for (const s of snap.series) this.set(s.values, s.value ?? 0);
  }

  render(out: string[]): void {
    out.push(`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} gauge`);
    for (const s of this.series.values()) out.push(`${this.name}${labelText(this.labelNames, s.values)} ${formatNumber(s.value)}`);
  }

  reset(): void {
    this.series.clear();
  }
}

export interface HistogramSeries {
  values: readonly string[];
  /** non-cumulative counts per bucket; the last slot is +Inf */
  counts: number[];
  sum: number;
  count: number;
}

/** A histogram with explicit bucket boundaries (cumulative `_bucket`, `_sum`, `_count` when rendered). */
export class Histogram implements Metric {
  private readonly series = new Map<string, HistogramSeries>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
    readonly buckets: readonly number[] = DEFAULT_BUCKET_BOUNDARIES,
  ) {}

  get instrumentName(): string {
    return this.name;
  }

  get size(): number {
    return this.series.size;
  }

  without(drop: ReadonlySet<string>): Histogram {
    const idx = this.labelNames.flatMap((n, i) => (drop.has(n) ? [i] : []));
    const h = new Histogram(this.name, this.help, keep(this.labelNames, idx), this.buckets);
    h.merge({
      name: this.name,
      series: [...this.series.values()].map((s) => {
        const values = keep(s.values, idx);
        return { key: values.join(SEP), values, counts: s.counts, sum: s.sum, count: s.count };
      }),
    });
    return h;
  }

  observe(labelValues: readonly string[], value: number): void {
    this.observeKey(labelValues.join(SEP), () => labelValues.slice(), value);
  }

  /** Hot-path form of `observe` (see `Counter.incKey`). */
  observeKey(key: string, values: () => readonly string[], value: number): void {
    this.observeHandle(this.handle(key, values), value);
  }

  /** The series for a key (created with `values` when new), for `observeHandle`. */
  handle(key: string, values: () => readonly string[]): HistogramSeries {
    let s = this.series.get(key);
    if (!s) {
      s = { values: values(), counts: new Array<number>(this.buckets.length + 1).fill(0), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    return s;
  }

  /** Records a value into a series obtained from `handle`. */
  observeHandle(s: HistogramSeries, value: number): void {
    let i = 0;
    const b = this.buckets;
    while (i < b.length && value > (b[i] as number)) i++;
    s.counts[i] = (s.counts[i] ?? 0) + 1;
    s.sum += value;
    s.count++;
  }

  /** Number of observations of a series (0 when absent). */
  count(labelValues: readonly string[]): number {
    return this.series.get(labelValues.join(SEP))?.count ?? 0;
  }

  snapshot(): MetricSnapshot {
    return { name: this.name, series: [...this.series].map(([key, s]) => ({ key, values: s.values, counts: s.counts.slice(), sum: s.sum, count: s.count })) };
  }

  merge(snap: MetricSnapshot): void {
    for (const s of snap.series) {
      let mine = this.series.get(s.key);
      if (!mine) {
        mine = { values: s.values, counts: new Array<number>(this.buckets.length + 1).fill(0), sum: 0, count: 0 };
        this.series.set(s.key, mine);
      }
      (s.counts ?? []).forEach((c, i) => (mine.counts[i] = (mine.counts[i] ?? 0) + c));
      mine.sum += s.sum ?? 0;
      mine.count += s.count ?? 0;
    }
  }

  render(out: string[]): void {
    out.push(`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} histogram`);
    for (const s of this.series.values()) {
      let cum = 0;
      for (let i = 0; i < this.buckets.length; i++) {
        cum += s.counts[i] ?? 0;
        out.push(`${this.name}_bucket${labelText(this.labelNames, s.values, `le="${formatNumber(this.buckets[i] as number)}"`)} ${cum}`);
      }
      cum += s.counts[this.buckets.length] ?? 0;
      out.push(`${this.name}_bucket${labelText(this.labelNames, s.values, 'le="+Inf"')} ${cum}`);
      out.push(`${this.name}_sum${labelText(this.labelNames, s.values)} ${formatNumber(s.sum)}`);
      out.push(`${this.name}_count${labelText(this.labelNames, s.values)} ${s.count}`);
    }
  }

  reset(): void {
    this.series.clear();
  }
}

/** A set of metrics rendered together. */
export class MetricsRegistry {
  private readonly metrics = new Map<string, Metric>();

  /** `optionalLabels`: left out of a series where empty (attributes Kyverno sets only when known) */
  counter(name: string, help: string, labelNames: readonly string[], opts: { optionalLabels?: readonly string[] } = {}): Counter {
    return this.register(new Counter(name, help, labelNames, opts));
  }

  gauge(name: string, help: string, labelNames: readonly string[]): Gauge {
    return this.register(new Gauge(name, help, labelNames));
  }

  histogram(name: string, help: string, labelNames: readonly string[], buckets?: readonly number[]): Histogram {
    return this.register(new Histogram(name, help, labelNames, buckets));
  }

  private register<M extends Metric>(m: M): M {
    if (this.metrics.has(m.name)) throw new Error(`metric ${m.name} registered twice`);
    this.metrics.set(m.name, m);
    return m;
  }

  snapshot(): MetricSnapshot[] {
    return [...this.metrics.values()].map((m) => m.snapshot());
  }

  /** Adds another registry's snapshot (metrics of the same names). */
  merge(snaps: readonly MetricSnapshot[]): void {
    for (const s of snaps) this.metrics.get(s.name)?.merge(s);
  }

  /**
   * The Prometheus text format (content type `text/plain; version=0.0.4; charset=utf-8`). With options:
   * metrics without series left out, and each metric exposed as its `exposure` entry says (keyed by
   * instrument name, as Kyverno's views match instruments: a counter's key has no `_total`).
   */
  render(opts: RenderOptions = {}): string {
    const out: string[] = [];
    for (const m of this.metrics.values()) {
      if (opts.omitEmpty && m.size === 0) continue;
      const exp = opts.exposure?.get(m.instrumentName);
      if (exp && !exp.enabled) continue;
      const drop = exp ? exp.disabledLabelDimensions.filter((l) => m.labelNames.includes(l)) : [];
      (drop.length > 0 ? m.without(new Set(drop)) : m).render(out);
    }
    return out.join('\n') + '\n';
  }
}

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * Which namespaces are counted (`kyverno-metrics` ConfigMap `namespaces: {include, exclude}`;
 * `MetricsConfiguration.CheckNamespace`): `''` and `-` always; an excluded namespace never; when an
 * include list is set, only its namespaces.
 */
export interface MetricsNamespaces {
  include: readonly string[];
  exclude: readonly string[];
}

export function checkMetricsNamespace(cfg: MetricsNamespaces, namespace: string): boolean {
  if (namespace === '' || namespace === '-') return true;
  if (cfg.exclude.includes(namespace)) return false;
  if (cfg.include.length === 0) return true;
  return cfg.include.includes(namespace);
}

/**
 * Kyverno's admission-side metrics (pkg/metrics/{admission,http,policy_engine,kyverno_info}.go) in one
 * registry.
 */
/** A policy's result series: its own label values, then resource labels → rule → result → rule type. */
export interface PolicySeriesCache {
  /** validation mode, type, background, namespace, name */
  labels: readonly [string, string, string, string, string];
  /** resource labels → rule name → series by result and rule type (`policySeriesSlot`) */
  byResource: Map<string, Map<string, Array<PolicyResultSeries | undefined>>>;
  /** the last resource labels looked up and their entry of `byResource` */
  lastLocal: string | undefined;
  lastByRule: Map<string, Array<PolicyResultSeries | undefined>> | undefined;
}

export interface PolicyResultSeries {
  counter: { value: number };
  histogram: HistogramSeries;
}

export class KyvernoMetrics {
  readonly registry = new MetricsRegistry();
  readonly admissionRequests: Counter;
  readonly admissionReviewDuration: Histogram;
  readonly httpRequests: Counter;
  readonly httpRequestsDuration: Histogram;
  readonly policyResults: Counter;
  readonly policyExecutionDuration: Histogram;
  readonly info: Gauge;
  readonly policyChanges: Counter;
  readonly policyRuleInfo: Gauge;
  namespaces: MetricsNamespaces;
  /** per-instrument exposure of the `kyverno-metrics` ConfigMap (`metricsExposure`), applied when rendering */
  exposure: ReadonlyMap<string, MetricExposure> | undefined;
  /** per-policy cache of policy result series: resource labels → rule → result and type (see engine-metrics.ts) */
  readonly policySeries = new WeakMap<object, PolicySeriesCache>();
  /** the resource labels of the last recorded response (engine-metrics.ts) */
  lastResourceLabels: unknown;
  /** observations made at scrape time (asynchronous instruments, e.g. kyverno_policy_rule_info_total) */
  private readonly collectors = new Set<() => void>();

  /**
   * `buckets`: the boundaries of every histogram (the ConfigMap's `bucketBoundaries`); `bucketsFor`: those
   * of one histogram, by name, when it has its own (`metricsExposure.<name>.bucketBoundaries`).
   */
  constructor(opts: { version: string; buckets?: readonly number[]; bucketsFor?: (name: string) => readonly number[] | undefined; namespaces?: MetricsNamespaces; exposure?: ReadonlyMap<string, MetricExposure> }) {
    const defaultBuckets = opts.buckets ?? DEFAULT_BUCKET_BOUNDARIES;
    const bucketsOf = (name: string): readonly number[] => opts.bucketsFor?.(name) ?? defaultBuckets;
    this.namespaces = opts.namespaces ?? { include: [], exclude: [] };
    this.exposure = opts.exposure;
    const r = this.registry;
    this.info = r.gauge('kyverno_info', 'Kyverno version information', ['version']);
    this.info.set([opts.version], 1);
    this.admissionRequests = r.counter(
      'kyverno_admission_requests_total',
      'can be used to track the number of admission requests encountered by Kyverno in the cluster',
      ['resource_kind', 'resource_namespace', 'resource_request_operation', 'request_allowed', 'request_webhook'],
    );
    this.admissionReviewDuration = r.histogram(
      'kyverno_admission_review_duration_seconds',
      'can be used to track the latencies (in seconds) associated with the entire individual admission review. For example, if an incoming request trigger, say, five policies, this metric will track the e2e latency associated with the execution of all those policies',
      ['resource_kind', 'resource_namespace', 'resource_request_operation', 'request_allowed', 'request_webhook'],
      bucketsOf('kyverno_admission_review_duration_seconds'),
    );
    this.httpRequests = r.counter('kyverno_http_requests_total', 'can be used to track the number of http requests', ['http_method', 'http_url', 'request_webhook']);
    this.httpRequestsDuration = r.histogram(
      'kyverno_http_requests_duration_seconds',
      'can be used to track the latencies (in seconds) associated with the entire individual http request.',
      ['http_method', 'http_url', 'request_webhook'],
      bucketsOf('kyverno_http_requests_duration_seconds'),
    );
    const policyLabels = [
      'policy_validation_mode',
      'policy_type',
      'policy_background_mode',
      'policy_namespace',
      'policy_name',
      'resource_kind',
      'resource_namespace',
      'resource_request_operation',
      'rule_name',
      'rule_result',
      'rule_type',
      'rule_execution_cause',
      'dry_run',
    ];
    this.policyResults = r.counter(
      'kyverno_policy_results_total',
      "can be used to track the results associated with the policies applied in the user's cluster, at the level from rule to policy to admission requests",
      policyLabels,
    );
    this.policyChanges = r.counter(
      'kyverno_policy_changes_total',
      'can be used to track all the changes associated with the Kyverno policies present on the cluster such as creation, updates and deletions',
      ['policy_validation_mode', 'policy_type', 'policy_background_mode', 'policy_namespace', 'policy_name', 'policy_change_type'],
    );
    this.policyRuleInfo = r.gauge(
      'kyverno_policy_rule_info_total',
      "can be used to track the info of the rules or/and policies present in the cluster. 0 means the rule doesn't exist and has been deleted, 1 means the rule is currently existent in the cluster",
      ['rule_name', 'rule_type', 'policy_namespace', 'policy_name', 'status_ready', 'policy_validation_mode', 'policy_type', 'policy_background_mode'],
    );
    this.policyExecutionDuration = r.histogram(
      'kyverno_policy_execution_duration_seconds',
      'can be used to track the latencies (in seconds) associated with the execution/processing of the individual rules under Kyverno policies whenever they evaluate incoming resource requests',
      policyLabels,
      bucketsOf('kyverno_policy_execution_duration_seconds'),
    );
  }

  checkNamespace(namespace: string): boolean {
    return checkMetricsNamespace(this.namespaces, namespace);
  }

  /** Runs `collect` before each render (gauges observed from current state); returns its removal. */
  addCollector(collect: () => void): () => void {
    this.collectors.add(collect);
    return () => void this.collectors.delete(collect);
  }

  /** Runs the scrape-time observations; called before rendering. */
  collect(): void {
    for (const f of this.collectors) f();
  }
}
