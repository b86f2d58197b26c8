/**
 * The events Kyverno raises, built from engine responses (pkg/event/events.go and
 * pkg/controllers/report/utils/events.go), with Kyverno's message texts:
 *
 * - violation on the policy: `Pod ns/name: [rule] fail (blocked); <message>` (related = the resource);
 * - violation on the resource: `policy <name>/<rule> fail: <message>`;
 * - success on the policy: `Pod ns/name: pass` or `... is successfully mutated`;
 * - generation / mutate-existing success and failure, exceptions (PolicySkipped);
 * - cleanup policies: each resource cleaned up (or not) on the policy.
 *
 * Example: `scanEvents(response, config)` -> the PolicyViolation pair for each failed rule.
 */
import { isObject, type Resource } from '../../engine/api/json.ts';
import type { EngineResponse, RuleResponse } from '../../engine/api/response.ts';
import { EventAction, EventSource, type EventInfo, type ObjectReference } from './info.ts';

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** The object reference of a resource (engineResponse.GetResourceSpec()). */
export function referenceOf(r: Resource): ObjectReference {
  const m = isObject(r['metadata']) ? r['metadata'] : {};
  return { apiVersion: str(r['apiVersion']), kind: str(r['kind']), name: str(m['name']), namespace: str(m['namespace']), uid: str(m['uid']) };
}

function policyReference(p: EngineResponse['policy'], apiVersion?: string): ObjectReference {
  const m = p.metadata ?? {};
  return { apiVersion: apiVersion ?? str(p.apiVersion), kind: str(p.kind), name: m.name ?? '', namespace: m.namespace ?? '', uid: str((m as Record<string, unknown>)['uid']) };
}

function kindAndName(ref: ObjectReference): string {
  return ref.namespace !== '' ? `${ref.kind} ${ref.namespace}/${ref.name}` : `${ref.kind} ${ref.name}`;
}

/** `buildPolicyEventMessage` */
export function policyEventMessage(rule: RuleResponse, resource: ObjectReference, blocked: boolean): string {
  let s = kindAndName(resource);
  s += rule.name !== '' ? `: [${rule.name}] ${rule.status}` : `: ${rule.status}`;
  if (blocked) s += ' (blocked)';
  if (rule.message !== '') s += `; ${rule.message}`;
  return s;
}

/** `NewPolicyFailEvent` */
export function policyFailEvent(source: EventSource, er: EngineResponse, rule: RuleResponse, blocked: boolean): EventInfo {
  const related = referenceOf(er.resource);
  return {
    regarding: policyReference(er.policy),
    related,
    reason: 'PolicyViolation',
    source,
    message: policyEventMessage(rule, related, blocked),
    action: blocked ? EventAction.ResourceBlocked : EventAction.ResourcePassed,
  };
}

/** `NewResourceViolationEvent` */
export function resourceViolationEvent(source: EventSource, er: EngineResponse, rule: RuleResponse): EventInfo {
  return {
    regarding: referenceOf(er.resource),
    reason: 'PolicyViolation',
    source,
    message: `policy ${er.policy.metadata.name ?? ''}/${rule.name} ${rule.status}: ${rule.message}`,
    action: EventAction.ResourcePassed,
  };
}

function specHas(er: EngineResponse, field: 'validate' | 'verifyImages' | 'mutate'): boolean {
  const spec = er.policy['spec'];
  const rules = isObject(spec) && Array.isArray(spec['rules']) ? spec['rules'] : [];
  return rules.some((r) => {
    if (!isObject(r)) return false;
    const v = r[field];
    if (Array.isArray(v)) return v.length > 0;
    return isObject(v) && Object.keys(v).length > 0;
  });
}

/** `NewPolicyAppliedEvent` */
export function policyAppliedEvent(source: EventSource, er: EngineResponse): EventInfo {
  const resource = referenceOf(er.resource);
  const res = kindAndName(resource);
  let message = '';
  let action: EventAction = EventAction.ResourcePassed;
  const kind = er.policy.kind;
  if (kind === 'ClusterPolicy' || kind === 'Policy') {
    if (specHas(er, 'validate') || specHas(er, 'verifyImages')) {
      message = `${res}: pass`;
      action = EventAction.ResourcePassed;
    } else if (specHas(er, 'mutate')) {
      message = `${res} is successfully mutated`;
      action = EventAction.ResourceMutated;
    }
  } else if (kind === 'MutatingPolicy' || kind === 'NamespacedMutatingPolicy') {
    message = `${res} is successfully mutated`;
    action = EventAction.ResourceMutated;
  } else {
    message = `${res}: pass`;
  }
  return { regarding: policyReference(er.policy), related: resource, reason: 'PolicyApplied', source, message, action };
}

/** `NewResourceGenerationEvent` */
export function resourceGenerationEvent(policy: string, rule: string, source: EventSource, resource: ObjectReference): EventInfo {
  return {
    regarding: resource,
    source,
    reason: 'PolicyApplied',
    message: `Created ${resource.kind} ${resource.name} as a result of applying policy ${policy}/${rule}`,
    action: EventAction.None,
  };
}

interface PolicyLike {
  kind: string;
  metadata: { name?: string; namespace?: string; uid?: string };
}

function kyvernoPolicyReference(p: PolicyLike): ObjectReference {
  return { apiVersion: 'kyverno.io/v1', kind: p.kind, name: p.metadata.name ?? '', namespace: p.metadata.namespace ?? '', uid: p.metadata.uid ?? '' };
}

/** `NewBackgroundFailedEvent` */
export function backgroundFailedEvent(err: string, policy: PolicyLike, rule: string, source: EventSource, resource: ObjectReference): EventInfo {
  const name = policy.metadata.name ?? '';
  return {
    regarding: kyvernoPolicyReference(policy),
    related: resource,
    source,
    reason: 'PolicyError',
    message: rule === '' ? `policy ${name} error: ${err}` : `policy ${name}/${rule} error: ${err}`,
    action: EventAction.None,
  };
}

/** `NewBackgroundSuccessEvent`: one event per generated / mutated resource. */
export function backgroundSuccessEvents(source: EventSource, policy: PolicyLike, resources: readonly ObjectReference[]): EventInfo[] {
  const mutate = source === EventSource.MutateExistingController;
  return resources.map((r) => ({
    regarding: kyvernoPolicyReference(policy),
    related: r,
    source,
    reason: 'PolicyApplied' as const,
    message: mutate ? 'resource mutated' : 'resource generated',
    action: mutate ? EventAction.ResourceMutated : EventAction.ResourceGenerated,
  }));
}

/** `NewFailedEvent` */
export function failedEvent(err: string, policy: string, rule: string, source: EventSource, resource: ObjectReference): EventInfo {
  return {
    regarding: resource,
    source,
    reason: 'PolicyError',
    message: rule === '' ? `policy ${policy} error: ${err}` : `policy ${policy}/${rule} error: ${err}`,
    action: EventAction.None,
  };
}

/** `NewCleanupPolicyEvent`: on the cleanup policy, about a resource it deleted (or failed to delete). */
export function cleanupPolicyEvent(policy: PolicyLike, resource: ObjectReference, err?: string): EventInfo {
  const regarding: ObjectReference = { apiVersion: 'kyverno.io/v2', kind: policy.kind, name: policy.metadata.name ?? '', namespace: policy.metadata.namespace ?? '', uid: policy.metadata.uid ?? '' };
  const related: ObjectReference = { ...resource, uid: '' };
  const target = `${resource.kind}/${resource.namespace}/${resource.name}`;
  return err === undefined
    ? { regarding, related, source: EventSource.CleanupController, action: EventAction.ResourceCleanedUp, reason: 'PolicyApplied', message: `successfully cleaned up the target resource ${target}` }
    : { regarding, related, source: EventSource.CleanupController, action: EventAction.None, reason: 'PolicyError', message: `failed to clean up the target resource ${target}: ${err}` };
}

function resourceKey(r: Resource): string {
  const ref = referenceOf(r);
  return ref.namespace !== '' ? `${ref.kind}/${ref.namespace}/${ref.name}` : `${ref.kind}/${ref.name}`;
}

/** `NewPolicyExceptionEvents`: one per exception plus one on the policy (Kyverno policies only). */
export function policyExceptionEvents(er: EngineResponse, rule: RuleResponse, source: EventSource): EventInfo[] {
  const kind = er.policy.kind;
  if (kind !== 'ClusterPolicy' && kind !== 'Policy') return [];
  const pol = er.policy.metadata;
  const target = resourceKey(er.patchedResource);
  const message =
    (pol.namespace ?? '') === ''
      ? `resource ${target} was skipped from policy rule ${pol.name ?? ''}/${rule.name}`
      : `resource ${target} was skipped from policy rule ${pol.namespace}/${pol.name ?? ''}/${rule.name}`;
  const related = referenceOf(er.resource);
  const out: EventInfo[] = [];
  const names: string[] = [];
  for (const key of rule.exceptions ?? []) {
    const i = key.indexOf('/');
    const ns = i < 0 ? '' : key.slice(0, i);
    const name = i < 0 ? key : key.slice(i + 1);
    names.push(`${ns}/${name}`);
    out.push({
      regarding: { apiVersion: 'kyverno.io/v2', kind: 'PolicyException', name, namespace: ns, uid: '' },
      related,
      reason: 'PolicySkipped',
      message,
      source,
      action: EventAction.ResourcePassed,
    });
  }
  out.push({
    regarding: kyvernoPolicyReference({ kind, metadata: { name: pol.name, namespace: pol.namespace, uid: str((pol as Record<string, unknown>)['uid']) } }),
    related,
    reason: 'PolicySkipped',
    message: `resource ${target} was skipped from rule ${rule.name} due to policy exceptions ${names.join(', ')}`,
    source,
    action: EventAction.ResourcePassed,
  });
  return out;
}

/**
 * The events of one background-scan evaluation (`utils.GenerateEvents`): a violation pair per failed,
 * warned or errored rule, exception events per skipped-by-exception rule, and a success event on the
 * policy when nothing failed and `generateSuccessEvents` is on.
 */
export function scanEvents(er: EngineResponse, generateSuccessEvents: boolean, source: EventSource = EventSource.PolicyController): EventInfo[] {
  const out: EventInfo[] = [];
  for (const r of er.policyResponse.rules) {
    if (r.status !== 'pass' && r.status !== 'skip') {
      out.push(resourceViolationEvent(source, er, r));
      out.push(policyFailEvent(source, er, r, false));
    }
  }
  for (const r of er.policyResponse.rules) {
    if (r.status === 'skip' && (r.exceptions ?? []).length > 0) out.push(...policyExceptionEvents(er, r, source));
  }
  if (generateSuccessEvents && !er.policyResponse.rules.some((r) => r.status === 'fail')) {
    out.push(policyAppliedEvent(source, er));
  }
  return out;
}

/**
 * The events of an admission review (pkg/webhooks/utils/event.go `GenerateEvents`): for a response with a
 * failed or errored rule, a violation on the policy for each such rule (`(blocked)` when the request was
 * denied) and, when not blocked, a violation on the resource for every rule; for a response skipped by an
 * exception, the exception events; otherwise a success event on the policy.
 */
export function admissionEvents(responses: readonly EngineResponse[], blocked: boolean): EventInfo[] {
  const out: EventInfo[] = [];
  const source = EventSource.AdmissionController;
  for (const er of responses) {
    const rules = er.policyResponse.rules;
    if (rules.length === 0 || referenceOf(er.resource).name === '') continue;
    const successful = !rules.some((r) => r.status === 'fail' || r.status === 'error');
    const skipped = rules.some((r) => r.status === 'skip');
    if (!successful) {
      for (const r of rules) {
        if (r.status === 'fail' || r.status === 'error') out.push(policyFailEvent(source, er, r, blocked));
        if (!blocked) out.push(resourceViolationEvent(source, er, r));
      }
    } else if (skipped) {
      for (const r of rules) if (r.status === 'skip' && !blocked && (r.exceptions ?? []).length > 0) out.push(...policyExceptionEvents(er, r, source));
    } else {
      out.push(policyAppliedEvent(source, er));
    }
  }
  return out;
}
