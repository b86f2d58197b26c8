/**
 * Cluster state every controller reads: the Namespaces (labels for namespaceSelector, the namespace
 * lister) and the `kyverno` ConfigMap of Kyverno's namespace (parsed as Kyverno parses it, hot-reloaded).
 *
 * Example: `const state = new ClusterState(api, 'kyverno'); state.start(); await state.synced();
 * state.namespaceLabels('default')` -> `{'kubernetes.io/metadata.name': 'default'}`.
 */
import { Informer, stripManagedFields } from '../../k8s/client/informer.ts';
import { CONFIGMAPS, labelsOf, type ApiResource, type KubeApi, type KubeObject } from '../../k8s/client/types.ts';
import { parseKyvernoConfig, type KyvernoConfiguration } from '../../server/config.ts';
import type { Logger } from '../../server/logging.ts';

export const NAMESPACES: ApiResource = { group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', namespaced: false, verbs: [], subresources: ['status'] };

function configData(o: KubeObject | undefined): Record<string, string> {
  const d = o?.['data'];
  const out: Record<string, string> = {};
  if (d && typeof d === 'object' && !Array.isArray(d)) for (const [k, v] of Object.entries(d)) if (typeof v === 'string') out[k] = v;
  return out;
}

export class ClusterState {
  readonly namespaces: Informer;
  readonly configMap: Informer;
  private config: KyvernoConfiguration = parseKyvernoConfig({});
  private readonly configListeners: Array<(c: KyvernoConfiguration) => void> = [];
  private readonly nsListeners: Array<(ns: KubeObject, old?: KubeObject) => void> = [];

  constructor(
    api: KubeApi,
    readonly kyvernoNamespace: string,
    readonly configMapName = 'kyverno',
    log?: Logger,
  ) {
    this.namespaces = new Informer(api, NAMESPACES, { transform: stripManagedFields, onError: (e) => log?.error(e, 'namespace informer failed') });
    this.configMap = new Informer(api, CONFIGMAPS, {
      namespace: kyvernoNamespace,
      fieldSelector: `metadata.name=${configMapName}`,
      onError: (e) => log?.error(e, 'configmap informer failed'),
    });
    const reload = (o: KubeObject | undefined) => {
      this.config = parseKyvernoConfig(configData(o));
      for (const p of this.config.problems) log?.error(p, 'invalid configuration value');
      for (const l of this.configListeners) l(this.config);
    };
    this.configMap.on({ add: (o) => reload(o), update: (_o, o) => reload(o), delete: () => reload(undefined) });
    this.namespaces.on({ update: (old, o) => this.nsListeners.forEach((l) => l(o, old)), add: (o) => this.nsListeners.forEach((l) => l(o)) });
  }

  start(): void {
    this.namespaces.start();
    this.configMap.start();
  }

  async synced(): Promise<void> {
    await Promise.all([this.namespaces.synced(), this.configMap.synced()]);
  }

  stop(): void {
    this.namespaces.stop();
    this.configMap.stop();
  }

  current(): KyvernoConfiguration {
    return this.config;
  }

  onConfigChange(cb: (c: KyvernoConfiguration) => void): void {
    this.configListeners.push(cb);
  }

  onNamespaceChange(cb: (ns: KubeObject, old?: KubeObject) => void): void {
    this.nsListeners.push(cb);
  }

  /** Labels of a namespace; undefined when it does not exist. */
  namespaceLabels(name: string): Record<string, string> | undefined {
    const ns = this.namespaces.get('', name);
    return ns ? labelsOf(ns) : undefined;
  }
}
