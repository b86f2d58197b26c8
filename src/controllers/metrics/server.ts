/**
 * The metrics endpoint of `kyverno controllers` (`--metricsPort`, default 8000; `--metricsHost`;
 * `--disableMetrics`): reads the `kyverno-metrics` ConfigMap, builds the `ControllerMetrics` the
 * controller manager records into, and serves them over plain HTTP at `GET /metrics` (the admission
 * server's listener: anything else is a 404).
 *
 * The ConfigMap is awaited for `configSyncTimeoutMs` (default 10 s): a ConfigMap that cannot be read (no
 * rights, API trouble) leaves the defaults, and its later contents still apply (boundaries excepted).
 *
 * Example:
 *   const m = await startControllerMetrics({ api, namespace: 'kyverno', listen: { host: '0.0.0.0', port: 8000 }, version, log });
 *   const manager = new ControllerManager({ ..., metrics: m.metrics });
 *   ...
 *   await m.close();
 */
import type { AddressInfo } from 'node:net';
import type { KubeApi } from '../../k8s/client/types.ts';
import { startMetricsListener } from '../../server/http/metrics-listener.ts';
import type { Logger } from '../../server/logging.ts';
import { DEFAULT_METRICS_CONFIGMAP } from '../../server/metrics-config.ts';
import { MetricsConfigSource } from '../../server/sources/metrics-config-source.ts';
import { ControllerMetrics } from './controller-metrics.ts';

export interface ControllerMetricsServerOptions {
  api: KubeApi;
  /** Kyverno's namespace, where the ConfigMap lives */
  namespace: string;
  /** the ConfigMap's name (Kyverno: env METRICS_CONFIG; default `kyverno-metrics`) */
  configMapName?: string;
  listen: { host: string; port: number };
  version: string;
  log?: Logger;
  /** how long the ConfigMap is awaited before the defaults are used (default 10 s) */
  configSyncTimeoutMs?: number;
}

export interface ControllerMetricsServer {
  metrics: ControllerMetrics;
  address: AddressInfo;
  close(): Promise<void>;
}

export async function startControllerMetrics(opts: ControllerMetricsServerOptions): Promise<ControllerMetricsServer> {
  const source = new MetricsConfigSource(opts.api, opts.namespace, opts.configMapName ?? DEFAULT_METRICS_CONFIGMAP, opts.log);
  source.start();
  try {
    const synced = await source.syncedWithin(opts.configSyncTimeoutMs ?? 10_000);
    if (!synced) opts.log?.error(new Error('the metrics ConfigMap could not be listed in time'), 'using the default metrics configuration', { configMap: opts.configMapName ?? DEFAULT_METRICS_CONFIGMAP });
    const metrics = new ControllerMetrics({ version: opts.version, config: source.current() });
    source.onChange((c) => metrics.setConfig(c));
    const listener = await startMetricsListener(() => Promise.resolve(metrics.render()), opts.listen);
    return {
      metrics,
      address: listener.address,
      close: async () => {
        source.stop();
        await listener.close();
      },
    };
  } catch (err) {
    source.stop();
    throw err;
  }
}
