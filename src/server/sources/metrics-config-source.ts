/**
 * The `kyverno-metrics` ConfigMap (name: env `METRICS_CONFIG`, default `kyverno-metrics`) of Kyverno's
 * namespace, read by the admission server and the controllers and watched as Kyverno's
 * metrics-config-controller does: parsed on every change (a deleted ConfigMap is the defaults), invalid
 * keys logged and left at their defaults.
 *
 * Example:
 *   const src = new MetricsConfigSource(api, 'kyverno', 'kyverno-metrics', log);
 *   src.start(); await src.synced();
 *   const metrics = new ControllerMetrics({ version, config: src.current() });
 *   src.onChange((c) => metrics.setConfig(c));
 */
import { Informer } from '../../k8s/client/informer.ts';
import { CONFIGMAPS, type KubeApi, type KubeObject } from '../../k8s/client/types.ts';
import type { Logger } from '../logging.ts';
import { defaultMetricsConfig, parseMetricsConfig, type MetricsConfiguration } from '../metrics-config.ts';

function dataOf(o: KubeObject): Record<string, string> {
  const d = o['data'];
  const out: Record<string, string> = {};
  if (d && typeof d === 'object' && !Array.isArray(d)) for (const [k, v] of Object.entries(d)) if (typeof v === 'string') out[k] = v;
  return out;
}

export class MetricsConfigSource {
  private readonly informer: Informer;
  private config: MetricsConfiguration = defaultMetricsConfig();
  private readonly listeners: Array<(c: MetricsConfiguration) => void> = [];

  constructor(api: KubeApi, namespace: string, name: string, log?: Logger) {
    this.informer = new Informer(api, CONFIGMAPS, {
      namespace,
      fieldSelector: `metadata.name=${name}`,
      onError: (e) => log?.error(e, 'metrics configmap informer failed'),
    });
    const reload = (o: KubeObject | undefined): void => {
      this.config = parseMetricsConfig(o ? dataOf(o) : undefined);
      for (const p of this.config.problems) log?.error(p, 'invalid metrics configuration value', { configMap: name });
      for (const l of this.listeners) l(this.config);
    };
    this.informer.on({ add: (o) => reload(o), update: (_old, o) => reload(o), delete: () => reload(undefined) });
  }

  start(): void {
    this.informer.start();
  }

  synced(): Promise<void> {
    return this.informer.synced();
  }

  /** Waits for the first list at most `ms`; false when it did not come in time (the defaults apply until it does). */
  async syncedWithin(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([this.synced().then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)))]);
    } finally {
      clearTimeout(timer);
    }
  }

  stop(): void {
    this.informer.stop();
  }

  current(): MetricsConfiguration {
    return this.config;
  }

  onChange(cb: (c: MetricsConfiguration) => void): void {
    this.listeners.push(cb);
  }
}
