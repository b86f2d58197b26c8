/**
 * Informers over a changing set of resource kinds (the resource controller's metadata cache,
 * pkg/controllers/report/resource): `setResources` starts informers for new kinds and stops those no
 * longer wanted; objects are indexed by UID; changes reach `onEvent`.
 *
 * `resolveKindSelectors` turns policy kind selectors (`Pod`, `apps/v1/Deployment`, `*`) into the API
 * resources discovery serves (preferred versions, list+watch verbs, no subresources), as Kyverno's
 * `FindResources` does.
 *
 * Example:
 *   const w = new ResourceWatcher(api, { onEvent: (type, obj) => queue.add(uidOf(obj)) });
 *   w.setResources(await resolveKindSelectors(api, ['Pod']));
 */
import { parseKindSelector } from '../../engine/match/kind-selector.ts';
import { wildcardMatch } from '../../engine/utils/wildcard.ts';
import { Informer, stripManagedFields } from '../../k8s/client/informer.ts';
import { uidOf, type ApiResource, type KubeApi, type KubeObject } from '../../k8s/client/types.ts';
import type { Logger } from '../../server/logging.ts';

export type ResourceEventType = 'add' | 'update' | 'delete';

export interface ResourceWatcherOptions {
  onEvent: (type: ResourceEventType, obj: KubeObject, res: ApiResource, old?: KubeObject) => void;
  log?: Logger;
  resyncMs?: number;
}

function resKey(r: ApiResource): string {
  return `${r.group}/${r.version}/${r.resource}`;
}

/** Kinds never scanned: Kyverno's own reports and requests, Events. */
const SKIPPED = new Set([
  'reports.kyverno.io/ephemeralreports',
  'reports.kyverno.io/clusterephemeralreports',
  'wgpolicyk8s.io/policyreports',
  'wgpolicyk8s.io/clusterpolicyreports',
  'openreports.io/reports',
  'openreports.io/clusterreports',
  'kyverno.io/updaterequests',
  '/events',
  'events.k8s.io/events',
]);

/** The API resources a list of kind selectors names (deduplicated). */
export async function resolveKindSelectors(api: KubeApi, selectors: readonly string[]): Promise<ApiResource[]> {
  const all = await api.resources();
  const out = new Map<string, ApiResource>();
  // preferred version per group: the first version discovery lists for the group
  const preferred = new Map<string, string>();
  for (const r of all) if (!preferred.has(r.group)) preferred.set(r.group, r.version);
  for (const sel of selectors) {
    const k = parseKindSelector(sel);
    if (k.kind === '' || (k.subresource !== '' && k.subresource !== '*')) continue;
    for (const r of all) {
      if (SKIPPED.has(`${r.group}/${r.resource}`)) continue;
      if (r.verbs.length > 0 && !(r.verbs.includes('list') && r.verbs.includes('watch'))) continue;
      if (!wildcardMatch(k.kind, r.kind)) continue;
      if (k.group !== '*' && !wildcardMatch(k.group, r.group)) continue;
      if (k.version === '*' ? preferred.get(r.group) !== r.version : !wildcardMatch(k.version, r.version)) continue;
      out.set(resKey(r), r);
    }
  }
  return [...out.values()];
}

export class ResourceWatcher {
  private readonly informers = new Map<string, Informer>();
  private readonly byUid = new Map<string, { obj: KubeObject; res: ApiResource }>();

  constructor(
    private readonly api: KubeApi,
    private readonly opts: ResourceWatcherOptions,
  ) {}

  /** Watches exactly these resources. */
  setResources(resources: readonly ApiResource[]): void {
    const want = new Map(resources.map((r) => [resKey(r), r]));
    for (const [k, inf] of [...this.informers]) {
      if (want.has(k)) continue;
      inf.stop();
      this.informers.delete(k);
      for (const o of inf.list()) {
        const uid = uidOf(o);
        if (this.byUid.get(uid)?.res === inf.resource) {
          this.byUid.delete(uid);
          this.opts.onEvent('delete', o, inf.resource);
        }
      }
    }
    for (const [k, r] of want) {
      if (this.informers.has(k)) continue;
      const inf = new Informer(this.api, r, {
        transform: stripManagedFields,
        resyncMs: this.opts.resyncMs,
        onError: (err) => this.opts.log?.error(err, 'resource informer failed', { resource: k }),
      });
      inf.on({
        add: (o) => {
          this.byUid.set(uidOf(o), { obj: o, res: r });
          this.opts.onEvent('add', o, r);
        },
        update: (old, o) => {
          this.byUid.set(uidOf(o), { obj: o, res: r });
          this.opts.onEvent('update', o, r, old);
        },
        delete: (o) => {
          this.byUid.delete(uidOf(o));
          this.opts.onEvent('delete', o, r);
        },
      });
      inf.start();
      this.informers.set(k, inf);
    }
  }

  resources(): ApiResource[] {
    return [...this.informers.values()].map((i) => i.resource);
  }

  get(uid: string): { obj: KubeObject; res: ApiResource } | undefined {
    return this.byUid.get(uid);
  }

  uids(): string[] {
    return [...this.byUid.keys()];
  }

  /** Objects of one namespace (every watched kind). */
  inNamespace(namespace: string): Array<{ obj: KubeObject; res: ApiResource }> {
    const out: Array<{ obj: KubeObject; res: ApiResource }> = [];
    for (const v of this.byUid.values()) {
      const m = v.obj['metadata'] as { namespace?: string } | undefined;
      if ((m?.namespace ?? '') === namespace) out.push(v);
    }
    return out;
  }

  async synced(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.synced()));
  }

  stop(): void {
    for (const i of this.informers.values()) i.stop();
    this.informers.clear();
    this.byUid.clear();
  }
}
