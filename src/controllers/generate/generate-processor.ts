/**
 * Processing a generate UpdateRequest (pkg/background/generate/{controller,cleanup}.go `ProcessUR`,
 * `applyGenerate`, `deleteDownstream`):
 *
 * For each rule context: find the trigger; then either delete the downstream resources (a
 * `deleteDownstream` context, or the policy is gone: the UR's recorded generated resources, else the
 * objects labelled with the policy and the trigger), or evaluate the policy reduced to that rule
 * (`engine.generate`: it must still apply, else "policy does not apply to resource") and run the rules
 * that passed (`applyGeneratePolicy`) against the cluster through a staged client, committing the
 * writes. Success events go on the policy and the generated resources, failures on the policy
 * (`kyverno-generate`); generation results go to the reports.
 *
 * Returns the failures (the UR becomes Failed) and the generated resources.
 */
import { isObject, type JsonObject, type Resource } from '../../engine/api/json.ts';
import type { KyvernoPolicy, PolicyException, Rule } from '../../engine/api/policy.ts';
import type { EngineResponse } from '../../engine/api/response.ts';
import { applyGeneratePolicy, getUnstrResources } from '../../engine/generate/apply.ts';
import { getKindFromGvk } from '../../engine/generate/kinds.ts';
import {
  GENERATE_POLICY_LABEL,
  GENERATE_POLICY_NAMESPACE_LABEL,
  GENERATE_TRIGGER_GROUP_LABEL,
  GENERATE_TRIGGER_KIND_LABEL,
  GENERATE_TRIGGER_NAME_LABEL,
  GENERATE_TRIGGER_NS_LABEL,
  GENERATE_TRIGGER_UID_LABEL,
  GENERATE_TRIGGER_VERSION_LABEL,
  LABEL_MANAGED_BY,
} from '../../engine/generate/labels.ts';
import type { Engine } from '../../engine/engine.ts';
import { isNotFound } from '../../k8s/client/errors.ts';
import { labelSelectorString, type KubeApi } from '../../k8s/client/types.ts';
import type { Logger } from '../../server/logging.ts';
import { backgroundFailedEvent, backgroundSuccessEvents, referenceOf, resourceGenerationEvent } from '../events/events.ts';
import { EventSource, type EventSink, type ObjectReference } from '../events/info.ts';
import type { EphemeralReportSink } from '../reports/ephemeral.ts';
import { generationResponseResults } from '../reports/results.ts';
import { namespaceLabelsFor } from '../runtime/engine.ts';
import { commitWrites, runStaged, StaleWriteError } from './staged-client.ts';
import { backgroundContext, getTrigger } from './trigger.ts';
import type { ResourceSpec, RuleContext, UpdateRequest } from './update-request.ts';

export const DOES_NOT_APPLY = 'policy does not apply to resource';

export interface ProcessorDeps {
  api: KubeApi;
  engine: () => Engine;
  policy: (key: string) => KyvernoPolicy | undefined;
  namespaceLabels: (ns: string) => Record<string, string> | undefined;
  exceptions: () => readonly PolicyException[];
  events?: EventSink;
  reports?: EphemeralReportSink;
  log?: Logger;
  /** discovery kind of a request's resource */
  kindFor?: (gvr: { group: string; version: string; resource: string }) => { group: string; version: string; kind: string } | undefined;
}

export interface ProcessOutcome {
  failures: string[];
  generated: ResourceSpec[];
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/** `buildPolicyWithAppliedRules` */
export function policyWithRule(policy: KyvernoPolicy, rule: string): KyvernoPolicy | undefined {
  const r = (policy.spec.rules ?? []).find((x) => x.name === rule);
  if (!r) return undefined;
  return { ...policy, spec: { ...policy.spec, rules: [r] } };
}

function specOf(o: Resource): ResourceSpec {
  const m = isObject(o['metadata']) ? o['metadata'] : {};
  return { apiVersion: str(o['apiVersion']), kind: str(o['kind']), namespace: str(m['namespace']), name: str(m['name']), uid: str(m['uid']) };
}

function refOfSpec(s: ResourceSpec): ObjectReference {
  return { apiVersion: s.apiVersion ?? '', kind: s.kind ?? '', namespace: s.namespace ?? '', name: s.name ?? '', uid: s.uid ?? '' };
}

/** The kinds (apiVersion, kind) a generate pattern writes. */
function patternKinds(p: { apiVersion?: string; kind?: string; cloneList?: { kinds?: string[] } } | undefined): Array<[string, string]> {
  if (!p) return [];
  if (p.kind) return [[p.apiVersion ?? '', p.kind]];
  return (p.cloneList?.kinds ?? []).map((k) => getKindFromGvk(k)).filter(([a, k]) => a !== '' && k !== '' && !a.includes('*') && !k.includes('*'));
}

async function findDownstream(api: KubeApi, apiVersion: string, kind: string, labels: Record<string, string>): Promise<Resource[]> {
  const res = await api.resource(apiVersion, kind);
  if (!res) return [];
  return (await api.list(res, { labelSelector: labelSelectorString(labels) })).items as Resource[];
}

export class GenerateProcessor {
  constructor(private readonly deps: ProcessorDeps) {}

  async process(ur: UpdateRequest): Promise<ProcessOutcome> {
    const spec = ur.spec;
    const policy = this.deps.policy(spec.policy);
    const failures: string[] = [];
    let generated: ResourceSpec[] = [];
    const contexts = spec.ruleContext ?? [];
    for (let i = 0; i < contexts.length; i++) {
      const rc = contexts[i] as RuleContext;
      let trigger: Resource | undefined;
      try {
        trigger = await getTrigger(this.deps.api, spec, i);
      } catch (err) {
        failures.push(`rule ${rc.rule} failed: failed to fetch trigger resource: ${(err as Error).message}`);
        continue;
      }
      if (!trigger) {
        failures.push(`rule ${rc.rule} failed: failed to fetch trigger resource: <nil>`);
        continue;
      }
      try {
        generated = await this.applyGenerate(trigger, ur, policy, i);
      } catch (err) {
        if (err instanceof StaleWriteError) throw err;
        const msg = (err as Error).message;
        failures.push(`rule ${rc.rule} failed: ${msg}`);
        if (policy && this.deps.events) {
          this.deps.events.add(backgroundFailedEvent(msg, policy as never, rc.rule, EventSource.GeneratePolicyController, referenceOf(trigger)));
        } else if (!policy) {
          this.deps.log?.error(err, 'failed to process rule for deleted policy', { rule: rc.rule, policy: spec.policy });
        }
      }
    }
    return { failures, generated };
  }

  private async applyGenerate(trigger: Resource, ur: UpdateRequest, policy: KyvernoPolicy | undefined, i: number): Promise<ResourceSpec[]> {
    const rc = (ur.spec.ruleContext ?? [])[i] as RuleContext;
    if (rc.deleteDownstream || !policy) {
      await this.deleteDownstream(policy, rc, ur);
      return [];
    }
    const p = policyWithRule(policy, rc.rule);
    if (!p) return [];
    const m = isObject(trigger['metadata']) ? trigger['metadata'] : {};
    const nsLabels = namespaceLabelsFor(str(trigger['kind']), str(m['namespace']), this.deps.namespaceLabels);
    const req = ur.spec.context.admissionRequestInfo?.admissionRequest;
    let gvk: { group: string; version: string; kind: string } | undefined;
    let subresource: string | undefined;
    if (req && isObject(req['resource'])) {
      const r = req['resource'] as JsonObject;
      gvk = this.deps.kindFor?.({ group: str(r['group']), version: str(r['version']), resource: str(r['resource']) });
      if (!gvk) throw new Error(`failed to find the kind of ${str(r['resource'])}.${str(r['version'])}.${str(r['group'])}`);
      subresource = str(req['subResource']);
    }
    const exceptions = this.deps.exceptions();
    const engine = this.deps.engine();
    const newContext = () => backgroundContext({ engine, spec: ur.spec, policy: p, trigger, namespaceLabels: nsLabels, exceptions, gvk, subresource });
    // the rule must still apply to the trigger
    const checked = await runStaged(this.deps.api, () => engine.generate(newContext()));
    const response: EngineResponse = checked.value;
    if (response.policyResponse.rules.length === 0) throw new Error(DOES_NOT_APPLY);
    const applicable = response.policyResponse.rules.filter((r) => r.status === 'pass').map((r) => r.name);
    const staged = await runStaged(this.deps.api, (client) => {
      const pc = newContext();
      return applyGeneratePolicy(engine, pc, applicable, client);
    });
    await commitWrites(this.deps.api, staged.writes, 'kyverno-generate');
    const byRule = staged.value;
    // generated resources as the server now has them (for reports)
    const read = await runStaged(this.deps.api, (client) => {
      const out = new Map<string, Resource[]>();
      for (const [rule, specs] of byRule) {
        try {
          out.set(rule, getUnstrResources(client, specs));
        } catch {
          out.set(rule, []);
        }
      }
      return out;
    });
    for (const r of response.policyResponse.rules) {
      const objs = read.value.get(r.name);
      if (objs) r.generatedResources = objs;
    }
    if (this.deps.reports && str(trigger['kind']) !== 'Event') {
      const now = Math.floor(Date.now() / 1000);
      const ref = specOf(trigger);
      this.deps.reports.submitResults({ uid: ref.uid ?? '', apiVersion: ref.apiVersion ?? '', kind: ref.kind ?? '', namespace: ref.namespace ?? '', name: ref.name ?? '' }, policy, generationResponseResults(response, now));
    }
    const genResources: ResourceSpec[] = [];
    for (const specs of byRule.values()) for (const s of specs) genResources.push({ apiVersion: s.apiVersion, kind: s.kind, namespace: s.namespace, name: s.name, ...(s.uid ? { uid: s.uid } : {}) });
    if (this.deps.events) {
      for (const res of genResources) this.deps.events.add(resourceGenerationEvent(ur.spec.policy, rc.rule, EventSource.GeneratePolicyController, refOfSpec(res)));
      this.deps.events.add(...backgroundSuccessEvents(EventSource.GeneratePolicyController, policy as never, genResources.map(refOfSpec)));
    }
    return genResources;
  }

  /** `deleteDownstream` / `handleNonPolicyChanges` */
  private async deleteDownstream(policy: KyvernoPolicy | undefined, rc: RuleContext, ur: UpdateRequest): Promise<void> {
    const api = this.deps.api;
    const recorded = ur.status?.generatedResources;
    if (recorded && recorded.length > 0) {
      const errs: string[] = [];
      for (const e of recorded) {
        const res = await api.resource(e.apiVersion ?? '', e.kind ?? '');
        if (!res) continue;
        try {
          await api.delete(res, e.namespace ?? '', e.name ?? '');
        } catch (err) {
          if (!isNotFound(err)) errs.push((err as Error).message);
        }
      }
      if (errs.length > 0) throw new Error(`failed to clean up downstream resources on policy deletion: ${errs.join('; ')}`);
      return;
    }
    if (!policy) return;
    for (const rule of policy.spec.rules ?? []) {
      if (rule.name !== rc.rule) continue;
      const downstreams = await this.getDownstreams(policy, rule, rc);
      const errs: string[] = [];
      for (const d of downstreams) {
        const res = await api.resource(str(d['apiVersion']), str(d['kind']));
        if (!res) continue;
        const m = isObject(d['metadata']) ? d['metadata'] : {};
        try {
          await api.delete(res, str(m['namespace']), str(m['name']));
        } catch (err) {
          if (!isNotFound(err)) errs.push((err as Error).message);
        }
      }
      if (errs.length > 0) throw new Error(`failed to clean up downstream resources on source deletion: ${errs.join('; ')}`);
    }
  }

  private async getDownstreams(policy: KyvernoPolicy, rule: Rule, rc: RuleContext): Promise<Resource[]> {
    const gv = splitApiVersion(rc.trigger.apiVersion ?? '');
    const selector: Record<string, string> = {
      [GENERATE_POLICY_LABEL]: policy.metadata.name ?? '',
      [GENERATE_POLICY_NAMESPACE_LABEL]: policy.metadata.namespace ?? '',
      [LABEL_MANAGED_BY]: 'kyverno',
      [GENERATE_TRIGGER_UID_LABEL]: rc.trigger.uid ?? '',
      [GENERATE_TRIGGER_NS_LABEL]: rc.trigger.namespace ?? '',
      [GENERATE_TRIGGER_KIND_LABEL]: rc.trigger.kind ?? '',
      [GENERATE_TRIGGER_GROUP_LABEL]: gv.group,
      [GENERATE_TRIGGER_VERSION_LABEL]: gv.version,
    };
    const g = rule.generate;
    const patterns = g?.foreach && g.foreach.length > 0 ? g.foreach : [g];
    const out: Resource[] = [];
    for (const pattern of patterns) {
      for (const [apiVersion, kind] of patternKinds(pattern as never)) {
        let found = await findDownstream(this.deps.api, apiVersion, kind, selector);
        if (found.length === 0) {
          const byName = { ...selector };
          delete byName[GENERATE_TRIGGER_UID_LABEL];
          byName[GENERATE_TRIGGER_NAME_LABEL] = rc.trigger.name ?? '';
          found = await findDownstream(this.deps.api, apiVersion, kind, byName);
        }
        out.push(...found);
      }
    }
    return out;
  }
}
