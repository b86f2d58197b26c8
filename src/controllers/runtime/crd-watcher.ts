/**
 * Watches CustomResourceDefinitions (apiextensions.k8s.io/v1) and invalidates the API client's discovery
 * cache on every add, update (the Established condition included) and delete, as Kyverno's CRD watcher
 * does: the next lookup of a kind re-reads discovery, so a kind served by a CRD created a moment ago is
 * found by the background scans, reports, cleanup/TTL and generate. Only metadata is kept (schemas are
 * large and never read).
 *
 * Listeners (`onChange`) hear about changes after the initial list, debounced (a CRD is created, then
 * established: one notification), so that controllers watching kinds can re-resolve them.
 *
 * Example:
 *   const crds = new CrdWatcher(api, { log });
 *   crds.onChange(() => scanner.rediscoverKinds());
 *   crds.start();
 */
import { Informer } from '../../k8s/client/informer.ts';
import { meta, resourceVersionOf, type ApiResource, type KubeApi, type KubeObject } from '../../k8s/client/types.ts';
import type { Logger } from '../../server/logging.ts';

export const CRD_RESOURCE: ApiResource = {
  group: 'apiextensions.k8s.io',
  version: 'v1',
  resource: 'customresourcedefinitions',
  kind: 'CustomResourceDefinition',
  namespaced: false,
  verbs: ['get', 'list', 'watch'],
  subresources: ['status'],
};

/** Keeps what the watcher needs of a CRD: its identity and version. */
function metadataOnly(obj: KubeObject): KubeObject {
  const m = meta(obj);
  return { apiVersion: obj['apiVersion'] ?? 'apiextensions.k8s.io/v1', kind: obj['kind'] ?? 'CustomResourceDefinition', metadata: { name: m['name'] ?? '', uid: m['uid'] ?? '', resourceVersion: m['resourceVersion'] ?? '' } };
}

export interface CrdWatcherOptions {
  log?: Logger;
  /** listeners are called this long after the last change of a burst (default 500 ms) */
  debounceMs?: number;
}

export class CrdWatcher {
  private readonly informer: Informer;
  private readonly listeners: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;
  /** invalidations so far (diagnostics, tests) */
  invalidations = 0;

  constructor(
    private readonly api: KubeApi,
    private readonly opts: CrdWatcherOptions = {},
  ) {
    this.informer = new Informer(api, CRD_RESOURCE, {
      transform: metadataOnly,
      onError: (err) => {
        // without the right to watch CRDs (RBAC), discovery is still re-read on lookup misses
        if (this.failures++ === 0) opts.log?.error(err, 'failed to watch CustomResourceDefinitions: discovery is re-read on lookup misses only');
        else opts.log?.v(3).info('CRD watch failed', { error: (err as Error).message });
      },
    });
    this.informer.on({
      add: (o) => this.changed('added', o),
      update: (old, o) => {
        if (resourceVersionOf(old) !== resourceVersionOf(o)) this.changed('updated', o);
      },
      delete: (o) => this.changed('deleted', o),
    });
  }

  /** Calls `cb` (debounced) after CRDs changed, once the initial list is done; returns the unsubscribe. */
  onChange(cb: () => void): () => void {
    this.listeners.push(cb);
    return () => {
      const i = this.listeners.indexOf(cb);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  private changed(what: string, o: KubeObject): void {
    this.invalidations++;
    this.api.invalidateDiscovery();
    // the initial list: the discovery read at startup already knows these
    if (!this.informer.hasSynced) return;
    this.opts.log?.v(2).info(`CRD ${what}: discovery invalidated`, { name: String(meta(o)['name'] ?? '') });
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      for (const cb of [...this.listeners]) {
        try {
          cb();
        } catch (err) {
          this.opts.log?.error(err, 'CRD change listener failed');
        }
      }
    }, this.opts.debounceMs ?? 500);
    this.timer.unref();
  }

  start(): void {
    this.informer.start();
  }

  synced(): Promise<void> {
    return this.informer.synced();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.informer.stop();
  }
}
