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
 *
 * URs go through the `UpdateRequestGenerator` (queued and retried until written; never dropped for the
 * threshold). The evaluation runs after the admission response, off the request path.
 */
import type { JsonObject, Resource } from '../../engine/api/json.ts';
import type { KyvernoPolicy, PolicyException, Rule } from '../../engine/api/policy.ts';
import { policyKey } from '../../engine/api/policy.ts';
import { computeRules } from '../../engine/autogen/index.ts';
import type { Engine } from '../../engine/engine.ts';
import { buildPolicyContext, requestInfo, withPolicy } from '../../server/admission/policy-context.ts';
import type { BackgroundRequest, BackgroundSink } from '../../server/admission/resource-handlers.ts';
import { requestToContext } from '../../server/admission/types.ts';
import type { Logger } from '../../server/logging.ts';
import type { NamespaceLabelsSource } from '../../server/sources/types.ts';
import { failedEvent } from '../events/events.ts';
import { EventSource, type EventSink } from '../events/info.ts';
import { ruleHasGenerate, ruleHasMutateExisting } from '../policies/policy-informers.ts';
import { newGenerateUR, newMutateUR, resourceSpecOf, ruleContext, type RuleContext, type UpdateRequestSpec } from './update-request.ts';
import type { UpdateRequestGenerator } from './ur-generator.ts';

export interface AdmissionBackgroundSinkOptions {
  engine: () => Engine;
  exceptions: () => readonly PolicyException[];
  namespaces: NamespaceLabelsSource;
  generator: UpdateRequestGenerator;
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
      try {
        this.handle(req);
      } catch (err) {
        this.opts.log?.error(err, 'failed to create update requests');
      }
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

  /** Evaluates the request and queues the URs (synchronous part). */
  handle(req: BackgroundRequest): void {
    const a = req.attributes;
    const engine = this.opts.engine();
    const all = [...req.generatePolicies, ...req.mutateExistingPolicies];
    if (all.length === 0) return;
    const built = buildPolicyContext(engine, a, all[0] as KyvernoPolicy, this.opts.exceptions());
    const context: UpdateRequestSpec['context'] = {
      userInfo: { ...requestInfo(a), userInfo: requestInfo(a).userInfo ?? {} } as never,
      admissionRequestInfo: { admissionRequest: requestToContext(a.request) as JsonObject, operation: a.request.operation },
    };
    const username = a.request.userInfo.username;
    const bgsa = this.opts.backgroundServiceAccountName ?? `system:serviceaccount:${this.opts.kyvernoNamespace}:kyverno-background-controller`;
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
