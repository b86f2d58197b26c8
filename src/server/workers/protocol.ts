/**
 * Messages between the server thread and its evaluation workers (workers/pool.ts, workers/worker.ts).
 */
import type { AdmissionOutcome } from '../http/admission-endpoint.ts';
import type { MetricSnapshot } from '../metrics.ts';
import type { ExceptionOptions } from '../admission/exceptions.ts';

/** What a worker needs to build its own core (everything serializable). */
export interface WorkerSetup {
  policyPaths: readonly string[];
  exceptionPaths: readonly string[];
  resourcePaths: readonly string[];
  configPath: string | undefined;
  kyvernoNamespace?: string;
  protectManagedResources?: boolean;
  dumpPayload?: boolean;
  exceptions?: ExceptionOptions;
  admissionReports?: boolean;
  forceFailurePolicyIgnore?: boolean;
  webhookTimeoutSeconds?: number;
  auditWorkers?: number;
  auditCapacity?: number;
  verbosity: number;
  /** worker index, for logs */
  index: number;
}

export type ToWorker =
  | { type: 'eval'; id: number; path: string; body: string; contentType: string | undefined; urlParams: string }
  | { type: 'metrics'; id: number }
  | { type: 'reload' }
  | { type: 'close'; id: number };

export type FromWorker =
  | { type: 'ready'; routes: Array<{ path: string; catchAll: boolean; webhook: 'ValidatingWebhookConfiguration' | 'MutatingWebhookConfiguration' | undefined; failurePolicy: 'fail' | 'ignore' | 'all' }> }
  | { type: 'failed'; message: string }
  | ({ type: 'result'; id: number } & AdmissionOutcome)
  | { type: 'metrics'; id: number; snapshot: MetricSnapshot[] }
  | { type: 'closed'; id: number };
