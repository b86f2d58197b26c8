/**
 * Admission request information as the engine consumes it (a subset of admission.k8s.io/v1
 * AdmissionRequest plus the requester's roles), and the ports through which the pure engine reaches
 * the outside world (time, cluster reads, HTTP calls).
 */
import type { JsonObject, JsonValue, Resource } from './json.ts';
import type { AdmissionOperation } from './policy.ts';

export interface UserInfo {
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

export interface RequestUserInfo {
  roles?: string[];
  clusterRoles?: string[];
  userInfo?: UserInfo;
}

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface GroupVersionResource {
  group: string;
  version: string;
  resource: string;
}

/** admission.k8s.io/v1 AdmissionRequest (the fields the engine reads). */
export interface AdmissionRequest {
  uid?: string;
  kind?: GroupVersionKind;
  resource?: GroupVersionResource;
  subResource?: string;
  requestKind?: GroupVersionKind;
  requestResource?: GroupVersionResource;
  requestSubResource?: string;
  name?: string;
  namespace?: string;
  operation: AdmissionOperation;
  userInfo?: UserInfo;
  object?: Resource | null;
  oldObject?: Resource | null;
  dryRun?: boolean;
  options?: JsonObject | null;
}

/** A clock: the engine never reads the time itself. */
export interface Clock {
  now(): Date;
}

/** Random source, for the `random()` JMESPath function. */
export interface RandomSource {
  /** a float in [0, 1) */
  next(): number;
}

/**
 * Cluster reads for context entries (configMap, apiCall, globalReference) and namespace labels.
 *
 * The engine is synchronous: a port answers from data it already holds (values files, test mocks, an
 * informer cache). An asynchronous adapter that does not hold the answer yet throws `PendingFetch`
 * (src/engine/context/pending.ts); its driver fetches the data, then evaluates the policy again.
 * A missing port means the feature is disabled (Kyverno's CLI skips such context entries).
 */
export interface ContextPorts {
  /** GET a ConfigMap; undefined when not found */
  getConfigMap?(namespace: string, name: string): Resource | undefined;
  /**
   * raw API server call, like `kubectl get --raw` (GET) or a POST with a JSON body; `undefined` when this
   * source cannot serve the call at all (the entry is then skipped, as Kyverno's CLI does without a cluster)
   */
  apiCall?(method: 'GET' | 'POST', urlPath: string, body?: JsonValue): JsonValue | undefined;
  /** call to an external service */
  serviceCall?(
    method: 'GET' | 'POST',
    url: string,
    headers: Record<string, string>,
    body?: JsonValue,
    caBundle?: string,
  ): JsonValue | undefined;
  /** read a global context entry (with optional projection name); undefined when the entry is unknown */
  globalContext?(name: string, projection?: string): JsonValue | undefined;
  /** image registry data for an image reference (imageRegistry context entries) */
  imageData?(reference: string): JsonValue;
  /** labels of a namespace, for namespaceSelector */
  namespaceLabels?(namespace: string): Record<string, string> | undefined;
}

export interface EnginePorts extends ContextPorts {
  clock: Clock;
  random?: RandomSource;
}
