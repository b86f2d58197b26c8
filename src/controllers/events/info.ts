/**
 * What an event says (pkg/event/{reason,source,action,info}.go): the object it is about (`regarding`),
 * an optional `related` object, a reason, an action, the component reporting it (`source`) and a note.
 */

/** Event reasons. */
export type EventReason = 'PolicyViolation' | 'PolicyApplied' | 'PolicyError' | 'PolicySkipped';

/** Reporting components (the event's `reportingController`). */
export const EventSource = {
  AdmissionController: 'kyverno-admission',
  PolicyController: 'kyverno-scan',
  GeneratePolicyController: 'kyverno-generate',
  MutateExistingController: 'kyverno-mutate',
  CleanupController: 'kyverno-cleanup',
} as const;
export type EventSource = (typeof EventSource)[keyof typeof EventSource];

/** Event actions. */
export const EventAction = {
  ResourceBlocked: 'Resource Blocked',
  ResourcePassed: 'Resource Passed',
  ResourceGenerated: 'Resource Generated',
  ResourceMutated: 'Resource Mutated',
  ResourceCleanedUp: 'Resource Cleaned Up',
  None: 'None',
} as const;
export type EventAction = (typeof EventAction)[keyof typeof EventAction];

/** corev1.ObjectReference (the fields Kyverno fills). */
export interface ObjectReference {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string;
  uid: string;
}

export interface EventInfo {
  regarding: ObjectReference;
  related?: ObjectReference;
  reason: EventReason;
  message: string;
  action: EventAction;
  source: EventSource;
  /** `Normal` / `Warning`; default: Normal for PolicyApplied and PolicySkipped, else Warning */
  type?: 'Normal' | 'Warning';
}

/** Where events go (the server and every controller share one recorder). */
export interface EventSink {
  add(...infos: EventInfo[]): void;
}
