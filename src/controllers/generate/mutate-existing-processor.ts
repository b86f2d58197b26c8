/**
 * Processing a mutate UpdateRequest (pkg/background/mutate/mutate.go `ProcessUR`): for the UR's rule
 * (a `mutate.targets` rule), find the trigger, evaluate the policy in the background (the engine
 * loads and patches the targets through a staged client), and write each patched target (its
 * `status` subresource when the target was one). Failed, errored and warned rules fail the UR; a pass
 * without a patched target is `empty patch`. Events (`kyverno-mutate`) on the policy; mutation results
 * go to the reports.
 */
import { isObject, type JsonObject, type Resource } from '../../engine/api/json.ts';
import type { KyvernoPolicy, PolicyException } from '../../engine/api/policy.ts';
import type { Engine } from '../../engine/engine.ts';
import type { TargetResolver } from '../../engine/handlers/targets.ts';
import type { KubeApi } from '../../k8s/client/types.ts';
import type { Logger } from '../../server/logging.ts';
import { backgroundFailedEvent, backgroundSuccessEvents } from '../events/events.ts';
import { EventSource, type EventSink, type ObjectReference } from '../events/info.ts';
import type { EphemeralReportSink } from '../reports/ephemeral.ts';
import { mutationResponseResults } from '../reports/results.ts';
import { namespaceLabelsFor } from '../runtime/engine.ts';
import { ruleHasMutateExisting } from '../policies/policy-informers.ts';
import { runStaged } from './staged-client.ts';
import { backgroundContext, getResource, requestResources, TriggerError } from './trigger.ts';
import type { UpdateRequest } from './update-request.ts';

export const ERR_EMPTY_PATCH = 'empty patch';

export interface MutateExistingDeps {
  api: KubeApi;
  /** an engine resolving targets through `targets` */
  engineFor: (targets: TargetResolver) => Engine;
  policy: (key: string) => KyvernoPolicy | undefined;
  namespaceLabels: (ns: string) => Record<string, string> | undefined;
  exceptions: () => readonly PolicyException[];
  events?: EventSink;
  reports?: EphemeralReportSink;
  log?: Logger;
  kindFor?: (gvr: { group: string; version: string; resource: string }) => { group: string; version: string; kind: string } | undefined;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function ref(o: Resource): ObjectReference {
  const m = isObject(o['metadata']) ? o['metadata'] : {};
  return { apiVersion: '', kind: str(o['kind']), namespace: str(m['namespace']), name: str(m['name']), uid: '' };
}

export class MutateExistingProcessor {
  constructor(private readonly deps: MutateExistingDeps) {}

  /** Returns the failures (empty: Completed). Throws when the policy is missing (the UR is retried). */
  async process(ur: UpdateRequest): Promise<string[]> {
    const spec = ur.spec;
    const policy = this.deps.policy(spec.policy);
    if (!policy) throw new TriggerError(`policy ${spec.policy} not found`);
    const errs: string[] = [];
    for (const rule of policy.spec.rules ?? []) {
      if (!ruleHasMutateExisting(rule) || spec.rule !== rule.name) continue;
      const req = spec.context.admissionRequestInfo?.admissionRequest;
      let trigger: Resource | undefined;
      try {
        if (!req) {
          trigger = await getResource(this.deps.api, spec.resource, spec);
          if (!trigger) return ['failed to get trigger resource'];
        } else if (str(req['operation']) === 'CREATE') {
          try {
            trigger = await getResource(this.deps.api, spec.resource, spec);
          } catch (err) {
            if (str(req['subResource']) === '') throw err;
          }
          if (!trigger) {
            if (str(req['subResource']) === '') return ['failed to get trigger resource'];
            trigger = requestResources(req).newResource;
          }
        } else {
          const { newResource, oldResource } = requestResources(req);
          trigger = newResource ?? oldResource;
        }
      } catch (err) {
        return [(err as Error).message];
      }
      if (!trigger) {
        errs.push('failed to extract resources from admission review request');
        continue;
      }
      const m = isObject(trigger['metadata']) ? trigger['metadata'] : {};
      const nsLabels = namespaceLabelsFor(str(trigger['kind']), str(m['namespace']), this.deps.namespaceLabels);
      let gvk: { group: string; version: string; kind: string } | undefined;
      let subresource: string | undefined;
      if (req && isObject(req['resource'])) {
        const r = req['resource'] as JsonObject;
        gvk = this.deps.kindFor?.({ group: str(r['group']), version: str(r['version']), resource: str(r['resource']) });
        if (!gvk) {
          errs.push(`failed to get GVK from GVR ${str(r['resource'])}.${str(r['version'])}.${str(r['group'])}`);
          continue;
        }
        subresource = str(req['subResource']);
      }
      const exceptions = this.deps.exceptions();
      const t = trigger;
      let staged;
      try {
        staged = await runStaged(this.deps.api, (client) => {
          const engine = this.deps.engineFor(client);
          const pc = backgroundContext({ engine, spec, policy, trigger: t, namespaceLabels: nsLabels, exceptions, gvk, subresource });
          return engine.mutate(pc);
        });
      } catch (err) {
        errs.push((err as Error).message);
        continue;
      }
      const er = staged.value;
      if (this.deps.reports && str(trigger['kind']) !== 'Event') {
        const now = Math.floor(Date.now() / 1000);
        this.deps.reports.submitResults(
          { uid: str(m['uid']), apiVersion: str(trigger['apiVersion']), kind: str(trigger['kind']), namespace: str(m['namespace']), name: str(m['name']) },
          policy,
          mutationResponseResults(er, now),
        );
      }
      for (const r of er.policyResponse.rules) {
        const patched = r.patchedTarget;
        if (r.status === 'fail' || r.status === 'error' || r.status === 'warn') {
          const msg = `failed to mutate existing resource, rule ${r.name}, response ${r.status}: ${r.message}`;
          errs.push(msg);
          this.report(msg, policy, rule.name, patched);
          continue;
        }
        if (r.status !== 'pass') continue;
        if (!patched) {
          errs.push(ERR_EMPTY_PATCH);
          continue;
        }
        let updateErr: string | undefined;
        try {
          await this.write(patched, r.patchedTargetSubresourceName ?? '');
        } catch (err) {
          updateErr = (err as Error).message;
          errs.push(updateErr);
        }
        this.report(updateErr, policy, rule.name, patched);
      }
    }
    return errs;
  }

  private async write(patched: Resource, subresource: string): Promise<void> {
    const res = await this.deps.api.resource(str(patched['apiVersion']), str(patched['kind']));
    if (!res) throw new Error(`no resource for ${str(patched['apiVersion'])} ${str(patched['kind'])}`);
    await this.deps.api.update(res, patched, subresource === 'status' ? { subresource: 'status' } : subresource ? { subresource } : {});
  }

  private report(err: string | undefined, policy: KyvernoPolicy, rule: string, target: Resource | undefined): void {
    if (!target || !this.deps.events) return;
    if (err !== undefined) this.deps.events.add(backgroundFailedEvent(err, policy as never, rule, EventSource.MutateExistingController, ref(target)));
    else this.deps.events.add(...backgroundSuccessEvents(EventSource.MutateExistingController, policy as never, [ref(target)]));
  }
}
