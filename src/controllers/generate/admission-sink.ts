/**
 * What the admission server does with generate and mutate-existing policies (the server's
 * `BackgroundSink`; pkg/webhooks/resource/updaterequest.go, generation/handler.go): it turns matching
 * requests into UpdateRequests for the background controller.
 *
 * - Generate (`handleTrigger`): the policy's background checks on the request; rules that pass give a
 *   generate UR for the trigger; rules that fail because the trigger no longer matches (or is being
 *   deleted) give, for a DELETE matched by the rule's operations, a generate UR on deletion, else, for
 *   `synchronize` rules, a UR deleting the downstream resources.
 * - Mutate existing: one mutate UR per rule that passes (on DELETE only rules whose match names DELETE).
 * - Requests from the background controller's own service account skip rules with
 *   `skipBackgroundRequests` (default true).
 * - Non-triggers (`handleNonTrigger`, non-trigger.ts): an UPDATE or DELETE of a downstream resource or a
 *   clone source (the old object carries Kyverno's generate labels) gives the generate URs that keep
 *   `synchronize` rules in sync — whatever generate policies match the request, except for the
 *   background controller's own requests. This needs `list` on the cloned kinds (`FindDownstream`), which
 *   the chart's `view` binding gives the admission controller.
 *
 * URs go through the `UpdateRequestGenerator` (queued and retried until written; never dropped for the
 * threshold). The evaluation runs after the admission response, off the request path.
 */
import type { JsonObject, Resource } from '../../engine/api/json.ts';
import type { AdmissionOperation, KyvernoPolicy, PolicyException, Rule } from '../../engine/api/policy.ts';
import { policyKey } from '../../engine/api/policy.ts';
import { computeRules } from '../../engine/autogen/index.ts';
import type { Engine } from '../../engine/engine.ts';
import { labelSelectorString, type KubeApi } from '../../k8s/client/types.ts';
import { namespaceLabelsFor } from '../../server/admission/namespace-labels.ts';
import { buildPolicyContext, requestInfo, withPolicy } from '../../server/admission/policy-context.ts';
import { extractResources } from '../../server/admission/resources.ts';
import type { BackgroundRequest, BackgroundSink } from '../../server/admission/resource-handlers.ts';
import { requestToContext } from '../../server/admission/types.ts';
import type { Logger } from '../../server/logging.ts';
import type { NamespaceLabelsSource } from '../../server/sources/types.ts';
import { backgroundFailedEvent, failedEvent } from '../events/events.ts';
import { EventSource, type EventSink } from '../events/info.ts';
import { ruleHasGenerate, ruleHasMutateExisting } from '../policies/policy-informers.ts';
import { isNonTrigger, processNonTriggerRequest } from './non-trigger.ts';
import { newGenerateUR, newMutateUR, resourceSpecOf, ruleContext, type RuleContext, type UpdateRequestSpec } from './update-request.ts';
import type { UpdateRequestGenerator } from './ur-generator.ts';

export interface AdmissionBackgroundSinkOptions {
  engine: () => Engine;
  exceptions: () => readonly PolicyException[];
  namespaces: NamespaceLabelsSource;
  generator: UpdateRequestGenerator;
  /** reads the copies of a clone source (`FindDownstream`); default: the generator's client */
  api?: KubeApi;
  kyvernoNamespace: string;
  /** `system:serviceaccount:<ns>:kyverno-background-controller` */
  backgroundServiceAccountName?: string;
  events?: EventSink;
  log?: Logger;
}

/** `MatchDeleteOperation`: the rule's match names the DELETE operation. */
export function matchesDeleteOperation(rule: Rule): boolean {
  const m = rule.match;
  if (!m) return false;
  const has = (ops: readonly string[] | undefined) => (ops ?? []).includes('DELETE');
  if (has(m.resources?.operations)) return true;
  return [...(m.any ?? []), ...(m.all ?? [])].some((f) => has(f.resources?.operations));
}

/** `skipBackgroundRequests`: drops rules skipping the background controller's own requests. */
export function skipBackgroundRequests(policy: KyvernoPolicy, backgroundSa: string, username: string): KyvernoPolicy | undefined {
  const isBackground = backgroundSa !== '' && backgroundSa === username;
  const rules = (policy.spec.rules ?? []).filter((r) => !((r.skipBackgroundRequests ?? true) && isBackground));
  if (rules.length === 0) return undefined;
  return { ...policy, spec: { ...policy.spec, rules } };
}

export class AdmissionBackgroundSink implements BackgroundSink {
  submitted = 0;

  constructor(private readonly opts: AdmissionBackgroundSinkOptions) {}

  submit(req: BackgroundRequest): void {
    this.submitted++;
    // off the request path
    setImmediate(() => {
      this.handle(req).catch((err: unknown) => this.opts.log?.error(err, 'failed to create update requests'));
    });
  }

  private apply(spec: UpdateRequestSpec, urPolicy: KyvernoPolicy, mutate: { rule: string } | undefined, resource: Resource | null): void {
    const ns = this.opts.kyvernoNamespace;
    const ur = mutate ? newMutateUR(ns, spec.policy, mutate.rule, spec.resource, spec.context) : newGenerateUR(ns, spec.policy, spec.ruleContext ?? [], spec.context);
    this.opts.generator.apply(ur).catch((err: Error) => {
      this.opts.log?.error(err, 'failed to create the UpdateRequest', { policy: spec.policy });
      const m = (resource?.['metadata'] ?? {}) as { namespace?: string; name?: string };
      this.opts.events?.add(
        failedEvent(err.message, spec.policy, '', EventSource.GeneratePolicyController, {
          apiVersion: 'kyverno.io/v1',
          kind: urPolicy.kind,
          namespace: urPolicy.metadata.namespace ?? '',
          name: urPolicy.metadata.name ?? '',
          uid: '',
        }),
      );
      void m;
    });
  }

  /**
   * Evaluates the request and queues the URs: the trigger part synchronously, then the non-trigger part
   * (which may list the copies of a clone source). Resolves once every UR is queued.
   */
  async handle(req: BackgroundRequest): Promise<void> {
    const username = req.attributes.request.userInfo.username;
    const bgsa = this.opts.backgroundServiceAccountName ?? `system:serviceaccount:${this.opts.kyvernoNamespace}:kyverno-background-controller`;
    this.handleTriggers(req, bgsa, username);
    // generation handler `Handle`: the background controller's own writes are not non-trigger changes
    if (bgsa === username) return;
    await this.handleNonTrigger(req);
  }

  /** `handleNonTrigger` for the request (see non-trigger.ts). */
  private async handleNonTrigger(req: BackgroundRequest): Promise<void> {
    const a = req.attributes;
    let resources;
    try {
      resources = extractResources(a.request);
    } catch (err) {
      this.opts.log?.error(err, 'failed to create policy context');
      return;
    }
    if (!isNonTrigger(resources.oldResource)) return;
    // `buildPolicyContextFromAdmissionRequest`: the namespace's labels when the generate policies use a namespaceSelector
    let namespaceLabels: Record<string, string>;
    try {
      namespaceLabels = namespaceLabelsFor(a.request.kind.kind, a.request.namespace, this.opts.namespaces, req.generatePolicies);
    } catch (err) {
      this.opts.log?.error(err, 'failed to create policy context');
      return;
    }
    const api = this.opts.api ?? this.opts.generator.client;
    const related = resources.newResource ? resourceSpecOf(resources.newResource) : {};
    this.opts.log?.v(4).info('handle non-trigger resource operation for generate');
    try {
      await processNonTriggerRequest(
        {
          policy: req.policyByKey,
          findDownstream: async (apiVersion, kind, selector) => {
            const res = await api.resource(apiVersion, kind);
            if (!res) throw new Error(`the server could not find the requested resource ${apiVersion}/${kind}`);
            return (await api.list(res, { labelSelector: labelSelectorString(selector) })).items as Resource[];
          },
          apply: (spec, policy) => {
            const ur = newGenerateUR(this.opts.kyvernoNamespace, spec.policy, spec.ruleContext ?? [], spec.context);
            this.opts.generator.apply(ur).catch((err: Error) => {
              this.opts.log?.error(err, 'failed to create the UR on non-trigger admission request', { policy: spec.policy });
              this.opts.events?.add(
                backgroundFailedEvent(err.message, policy, '', EventSource.GeneratePolicyController, {
                  apiVersion: '',
                  kind: related.kind ?? '',
                  namespace: related.namespace ?? '',
                  name: related.name ?? '',
                  uid: '',
                }),
              );
            });
          },
        },
        {
          newResource: resources.newResource,
          oldResource: resources.oldResource,
          admissionInfo: requestInfo(a),
          namespaceLabels,
          gvk: a.gvk,
          subresource: a.request.subResource,
          operation: a.request.operation as AdmissionOperation,
        },
      );
    } catch (err) {
      this.opts.log?.error(err, 'failed to create the UR on non-trigger admission request');
    }
  }

  /** Generate triggers (`handleTrigger`) and mutate-existing policies matching the request. */
  private handleTriggers(req: BackgroundRequest, bgsa: string, username: string): void {
    const a = req.attributes;
    const all = [...req.generatePolicies, ...req.mutateExistingPolicies];
    if (all.length === 0) return;
    const engine = this.opts.engine();
    const built = buildPolicyContext(engine, a, all[0] as KyvernoPolicy, this.opts.exceptions());
    const context: UpdateRequestSpec['context'] = {
      userInfo: { ...requestInfo(a), userInfo: requestInfo(a).userInfo ?? {} } as never,
      admissionRequestInfo: { admissionRequest: requestToContext(a.request) as JsonObject, operation: a.request.operation },
    };
    const nsLabels = (policy: KyvernoPolicy): Record<string, string> => {
      if (a.request.kind.kind === 'Namespace' || a.request.namespace === '') return {};
      return this.opts.namespaces.get(a.request.namespace)?.labels ?? {};
    };

    // mutate existing
    for (const p of req.mutateExistingPolicies) {
      const policy = skipBackgroundRequests(p, bgsa, username);
      if (!policy) continue;
      let pc = withPolicy(built.pc, policy);
      if (a.request.operation === 'DELETE') pc = { ...pc, newResource: pc.oldResource };
      pc = { ...pc, namespaceLabels: nsLabels(policy) };
      const skipped = new Set(computeRules(policy, '').filter((r) => a.request.operation === 'DELETE' && !matchesDeleteOperation(r)).map((r) => r.name));
      const er = engine.generate(pc);
      const key = policyKey(policy);
      for (const r of er.policyResponse.rules) {
        if (r.status !== 'pass' || skipped.has(r.name)) continue;
        if (!(policy.spec.rules ?? []).some((x) => x.name === r.name && ruleHasMutateExisting(x)) && !computeRules(policy, '').some((x) => x.name === r.name && ruleHasMutateExisting(x))) continue;
        const spec: UpdateRequestSpec = { requestType: 'mutate', policy: key, rule: r.name, deleteDownstream: false, resource: resourceSpecOf(er.resource), context };
        this.apply(spec, policy, { rule: r.name }, er.resource);
      }
    }

    // generate
    for (const p of req.generatePolicies) {
      const policy = skipBackgroundRequests(p, bgsa, username);
      if (!policy) continue;
      const pc = { ...withPolicy(built.pc, policy), namespaceLabels: nsLabels(policy) };
      const er = engine.generate(pc);
      const key = policyKey(policy);
      const generateRules = (policy.spec.rules ?? []).filter(ruleHasGenerate);
      const applied = generateRules.filter((r) => er.policyResponse.rules.some((x) => x.name === r.name && x.ruleType === 'Generation' && x.status === 'pass'));
      const failed = generateRules.filter((r) => er.policyResponse.rules.some((x) => x.name === r.name && x.ruleType === 'Generation' && x.status === 'fail'));
      if (applied.length > 0 && built.newResource) {
        const trigger = resourceSpecOf(built.newResource);
        const rcs = applied.map((r) => ruleContext(r.name, trigger));
        this.apply({ requestType: 'generate', policy: key, ruleContext: rcs, rule: '', deleteDownstream: false, resource: {}, context }, policy, undefined, built.newResource);
      }
      if (failed.length > 0 && built.oldResource) {
        const trigger = resourceSpecOf(built.oldResource);
        const rcs: RuleContext[] = [];
        for (const r of failed) {
          if (a.request.operation === 'DELETE' && matchesDeleteOperation(r)) rcs.push(ruleContext(r.name, trigger, false));
          else if (r.generate?.synchronize === true) rcs.push(ruleContext(r.name, trigger, true));
        }
        if (rcs.length > 0) {
          this.apply({ requestType: 'generate', policy: key, ruleContext: rcs, rule: '', deleteDownstream: false, resource: {}, context }, policy, undefined, built.oldResource);
        }
      }
    }
  }
}
