/**
 * Keeping `synchronize` generate rules in sync when something other than a trigger changes
 * (pkg/webhooks/resource/generation/handler.go `handleNonTrigger`, `processRequest`), done by watching
 * instead of through admission requests, so it works whatever the webhooks see:
 *
 * - a downstream resource (labelled `app.kubernetes.io/managed-by: kyverno` and
 *   `generate.kyverno.io/policy-name`) that is deleted or modified gets a generate UR for its trigger
 *   (recorded in its labels), which re-creates or restores it — when its policy still exists, the rule
 *   still synchronizes, and the trigger still exists (a downstream deleted with its trigger stays deleted);
 * - a clone source (labelled `generate.kyverno.io/clone-source`) that changes gets a UR for each of its
 *   copies (found by their `generate.kyverno.io/source-*` labels); when it is deleted, its copies are
 *   deleted too (deleteDownstream).
 *
 * The watched kinds follow the synchronize rules of the current policies.
 *
 * Opt-in (`kyverno controllers --watchDownstream`): by default the admission server creates these URs
 * from its webhooks, as Kyverno does (non-trigger.ts). This controller needs `watch` on every generated
 * and cloned kind, which Kyverno's chart does not grant the background controller; a kind it cannot
 * watch is silently not followed.
 */
import { deepEqual, type JsonObject } from '../../engine/api/json.ts';
import type { KyvernoPolicy } from '../../engine/api/policy.ts';
import { getKindFromGvk } from '../../engine/generate/kinds.ts';
import { withoutWriteBookkeeping } from '../../engine/generate/unstructured.ts';
import {
  GENERATE_CLONE_SOURCE_LABEL,
  GENERATE_POLICY_LABEL,
  GENERATE_POLICY_NAMESPACE_LABEL,
  GENERATE_RULE_LABEL,
  GENERATE_SOURCE_GROUP_LABEL,
  GENERATE_SOURCE_KIND_LABEL,
  GENERATE_SOURCE_NS_LABEL,
  GENERATE_SOURCE_UID_LABEL,
  GENERATE_SOURCE_VERSION_LABEL,
  LABEL_MANAGED_BY,
} from '../../engine/generate/labels.ts';
import { Informer, stripManagedFields } from '../../k8s/client/informer.ts';
import { labelSelectorString, labelsOf, nameOf, namespaceOf, uidOf, type ApiResource, type KubeApi, type KubeObject } from '../../k8s/client/types.ts';
import type { Logger } from '../../server/logging.ts';
import type { PolicyInformers } from '../policies/policy-informers.ts';
import { ruleHasGenerate } from '../policies/policy-informers.ts';
import { WorkQueue } from '../runtime/queue.ts';
import { triggerFromLabels } from './policy-controller.ts';
import { newGenerateUR, ruleContext, type ResourceSpec } from './update-request.ts';
import type { UpdateRequestGenerator } from './ur-generator.ts';

export interface DownstreamControllerOptions {
  api: KubeApi;
  namespace: string;
  policies: PolicyInformers;
  generator: UpdateRequestGenerator;
  log?: Logger;
  /** coalescing delay (default 500 ms) */
  delayMs?: number;
}

interface Pending {
  kind: 'downstream' | 'source';
  obj: KubeObject;
  res: ApiResource;
  deleted: boolean;
}

/** The (apiVersion, kind) pairs a policy's synchronize rules write, and the kinds it clones from. */
export function synchronizedKinds(p: KyvernoPolicy): { downstream: Array<[string, string]>; sources: Array<[string, string]> } {
  const downstream: Array<[string, string]> = [];
  const sources: Array<[string, string]> = [];
  for (const rule of p.spec.rules ?? []) {
    if (!ruleHasGenerate(rule) || rule.generate?.synchronize !== true) continue;
    const g = rule.generate;
    for (const pattern of [g, ...(g.foreach ?? [])]) {
      if (pattern.kind) {
        downstream.push([pattern.apiVersion ?? '', pattern.kind]);
        if (pattern.clone?.name) sources.push([pattern.apiVersion ?? '', pattern.kind]);
      }
      for (const k of pattern.cloneList?.kinds ?? []) {
        const [apiVersion, kind] = getKindFromGvk(k);
        if (apiVersion && kind && !apiVersion.includes('*') && !kind.includes('*')) {
          downstream.push([apiVersion, kind]);
          sources.push([apiVersion, kind]);
        }
      }
    }
  }
  return { downstream, sources };
}

export class DownstreamController {
  private readonly informers = new Map<string, Informer>();
  private readonly queue: WorkQueue<string>;
  private readonly pending = new Map<string, Pending>();
  private running: Promise<void> | undefined;
  private kindsTimer: NodeJS.Timeout | undefined;
  /** URs created (diagnostics) */
  urs = 0;

  constructor(private readonly opts: DownstreamControllerOptions) {
    this.queue = new WorkQueue<string>({ name: 'generate-downstream', maxRetries: 5, onDrop: (k, err) => opts.log?.error(err, 'failed to sync downstream', { key: k }) });
  }

  async start(signal: AbortSignal): Promise<void> {
    this.opts.policies.onChange(() => this.scheduleKinds());
    await this.opts.policies.synced();
    await this.updateKinds();
    this.running = this.queue.run(2, (key) => this.process(key));
    signal.addEventListener('abort', () => void this.stop(), { once: true });
  }

  async stop(): Promise<void> {
    if (this.kindsTimer) clearTimeout(this.kindsTimer);
    for (const i of this.informers.values()) i.stop();
    this.informers.clear();
    this.queue.shutdown();
    await this.running;
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  private scheduleKinds(): void {
    if (this.kindsTimer) return;
    this.kindsTimer = setTimeout(() => {
      this.kindsTimer = undefined;
      void this.updateKinds();
    }, 200);
    this.kindsTimer.unref();
  }

  private async updateKinds(): Promise<void> {
    const want = new Map<string, { res: ApiResource; selector: string; kind: Pending['kind'] }>();
    for (const p of this.opts.policies.all()) {
      const { downstream, sources } = synchronizedKinds(p);
      for (const [apiVersion, kind] of downstream) {
        const res = await this.opts.api.resource(apiVersion, kind);
        if (res) want.set(`d|${res.group}/${res.version}/${res.resource}`, { res, selector: `${LABEL_MANAGED_BY}=kyverno,${GENERATE_POLICY_LABEL}`, kind: 'downstream' });
      }
      for (const [apiVersion, kind] of sources) {
        const res = await this.opts.api.resource(apiVersion, kind);
        if (res) want.set(`s|${res.group}/${res.version}/${res.resource}`, { res, selector: GENERATE_CLONE_SOURCE_LABEL, kind: 'source' });
      }
    }
    for (const [k, inf] of [...this.informers]) {
      if (want.has(k)) continue;
      inf.stop();
      this.informers.delete(k);
    }
    for (const [k, w] of want) {
      if (this.informers.has(k)) continue;
      const inf = new Informer(this.opts.api, w.res, { labelSelector: w.selector, transform: stripManagedFields, onError: (e) => this.opts.log?.error(e, 'downstream informer failed') });
      const enqueue = (obj: KubeObject, deleted: boolean) => {
        const key = `${w.kind}|${w.res.group}/${w.res.resource}|${namespaceOf(obj)}/${nameOf(obj)}`;
        this.pending.set(key, { kind: w.kind, obj, res: w.res, deleted });
        this.queue.addAfter(key, this.opts.delayMs ?? 500);
      };
      inf.on({
        // objects present at start are in sync as far as we know: only changes count
        update: (old, o) => {
          if (!deepEqual(withoutWriteBookkeeping(old), withoutWriteBookkeeping(o))) enqueue(o, false);
        },
        delete: (o) => enqueue(o, true),
      });
      inf.start();
      await inf.synced();
      this.informers.set(k, inf);
    }
  }

  private async triggerExists(t: ResourceSpec): Promise<ResourceSpec | undefined> {
    const res = await this.opts.api.resource(t.apiVersion ?? '', t.kind ?? '');
    if (!res) return undefined;
    const list = await this.opts.api.list(res, { namespace: res.namespaced ? (t.namespace ?? '') : '' });
    const found = list.items.find((o) => (t.uid ? uidOf(o) === t.uid : nameOf(o) === t.name));
    if (!found || (found['metadata'] as JsonObject)['deletionTimestamp'] !== undefined) return undefined;
    return { ...t, name: nameOf(found), uid: uidOf(found) };
  }

  private async process(key: string): Promise<void> {
    const p = this.pending.get(key);
    if (!p) return;
    this.pending.delete(key);
    if (p.kind === 'downstream') await this.downstreamChanged(p);
    else await this.sourceChanged(p);
  }

  private async downstreamChanged(p: Pending): Promise<void> {
    const labels = labelsOf(p.obj);
    const pName = labels[GENERATE_POLICY_LABEL] ?? '';
    const pNs = labels[GENERATE_POLICY_NAMESPACE_LABEL] ?? '';
    const ruleName = labels[GENERATE_RULE_LABEL] ?? '';
    const key = pNs === '' ? pName : `${pNs}/${pName}`;
    const policy = this.opts.policies.get(key);
    if (!policy) return;
    const rule = (policy.spec.rules ?? []).find((r) => r.name === ruleName);
    if (!rule || rule.generate?.synchronize !== true) return;
    // when the live object still matches what we saw, a deletion event is stale
    if (p.deleted) {
      const live = await this.opts.api.get(p.res, namespaceOf(p.obj), nameOf(p.obj));
      if (live) return;
    }
    const trigger = await this.triggerExists(triggerFromLabels(labels));
    if (!trigger) return;
    await this.opts.generator.apply(newGenerateUR(this.opts.namespace, key, [ruleContext(rule.name, trigger)]));
    this.urs++;
  }

  private async sourceChanged(p: Pending): Promise<void> {
    const gv = p.res;
    const selector = {
      [GENERATE_SOURCE_GROUP_LABEL]: gv.group,
      [GENERATE_SOURCE_VERSION_LABEL]: gv.version,
      [GENERATE_SOURCE_KIND_LABEL]: gv.kind,
      [GENERATE_SOURCE_NS_LABEL]: namespaceOf(p.obj),
      [GENERATE_SOURCE_UID_LABEL]: uidOf(p.obj),
    };
    const copies = (await this.opts.api.list(p.res, { labelSelector: labelSelectorString(selector) })).items;
    const byPolicy = new Map<string, ReturnType<typeof ruleContext>[]>();
    for (const c of copies) {
      const labels = labelsOf(c);
      const pName = labels[GENERATE_POLICY_LABEL] ?? '';
      const pNs = labels[GENERATE_POLICY_NAMESPACE_LABEL] ?? '';
      const key = pNs === '' ? pName : `${pNs}/${pName}`;
      const policy = this.opts.policies.get(key);
      const rule = policy?.spec.rules?.find((r) => r.name === labels[GENERATE_RULE_LABEL]);
      if (!rule || rule.generate?.synchronize !== true) continue;
      const trigger = { ...triggerFromLabels(labels) };
      const list = byPolicy.get(key) ?? [];
      list.push(ruleContext(rule.name, trigger, p.deleted));
      byPolicy.set(key, list);
    }
    for (const [key, rcs] of byPolicy) {
      await this.opts.generator.apply(newGenerateUR(this.opts.namespace, key, rcs));
      this.urs++;
    }
  }
}
