/**
 * Messages between the server thread and its evaluation workers (workers/pool.ts, workers/worker.ts).
 */
import type { AdmissionOutcome } from '../http/admission-endpoint.ts';
import type { MetricSnapshot } from '../metrics.ts';
import type { ExceptionOptions } from '../admission/exceptions.ts';
import type { StartupNote } from '../sources/startup-notes.ts';

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

/** An evaluation request (sent as a string: `encodeEval`). */
export interface EvalRequest {
  id: number;
  path: string;
  body: string;
  contentType: string | undefined;
  urlParams: string;
}

/**
 * Evaluations and their results travel as one string each: a string is copied as a whole, while an object's
 * fields are serialized one by one (a round trip of the object form cost ~30 % more CPU on both threads).
 * Fields are separated by line breaks, which neither a route path, a header value nor URL parameters can
 * hold; the body comes last and may hold anything. An absent Content-Type is `-`, a present one `+` and
 * its value.
 */
export function encodeEval(r: EvalRequest): string {
  return `${r.id}\n${r.path}\n${r.contentType === undefined ? '-' : `+${r.contentType}`}\n${r.urlParams}\n${r.body}`;
}

export function decodeEval(s: string): EvalRequest {
  const a = s.indexOf('\n');
  const b = s.indexOf('\n', a + 1);
  const c = s.indexOf('\n', b + 1);
  const d = s.indexOf('\n', c + 1);
  if (a < 0 || b < 0 || c < 0 || d < 0) throw new Error('malformed evaluation message');
  const ct = s.slice(b + 1, c);
  return {
    id: Number(s.slice(0, a)),
    path: s.slice(a + 1, b),
    contentType: ct.startsWith('+') ? ct.slice(1) : undefined,
    urlParams: s.slice(c + 1, d),
    body: s.slice(d + 1),
  };
}

/** A result: id, status, body. */
export function encodeResult(id: number, out: AdmissionOutcome): string {
  return `${id}\n${out.status}\n${out.body}`;
}

export function decodeResult(s: string): { id: number } & AdmissionOutcome {
  const a = s.indexOf('\n');
  const b = s.indexOf('\n', a + 1);
  if (a < 0 || b < 0) throw new Error('malformed result message');
  return { id: Number(s.slice(0, a)), status: Number(s.slice(a + 1, b)), body: s.slice(b + 1) };
}

/** Control messages to a worker (evaluations are strings: `encodeEval`). */
export type ToWorker =
  | { type: 'metrics'; id: number }
  | { type: 'reload' }
  | { type: 'close'; id: number };

/** Control messages from a worker (results are strings: `encodeResult`). */
export type FromWorker =
  | {
      type: 'ready';
      routes: Array<{ path: string; catchAll: boolean; webhook: 'ValidatingWebhookConfiguration' | 'MutatingWebhookConfiguration' | undefined; failurePolicy: 'fail' | 'ignore' | 'all' }>;
      /** what the server thread logs at start (the first worker's; empty for the others) */
      notes: StartupNote[];
    }
  /** `code`: the error's code, e.g. POLICY_LOAD for invalid policies */
  | { type: 'failed'; message: string; code?: string }
  | { type: 'metrics'; id: number; snapshot: MetricSnapshot[] }
  | { type: 'closed'; id: number };
