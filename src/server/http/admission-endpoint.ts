/**
 * The HTTP side of an admission webhook (pkg/webhooks/handlers/admission.go `withAdmission`): read the
 * body, require `Content-Type: application/json`, decode the AdmissionReview, run the handler, answer with
 * the review's response.
 *
 * Status codes as Kyverno's: 415 `invalid Content-Type`, 417 for a body that does not decode, 400 when the
 * review has no request; plus, beyond Kyverno, 413 for a body over the size limit (checked on
 * Content-Length before reading, then while reading) and 408 for a body that does not arrive in time.
 *
 * A handler that throws (a bug, an engine stack overflow on a pathological object) never crashes the
 * server: the request gets the verdict of the path's failure policy (denied on fail paths, admitted with a
 * warning on ignore paths), as the API server would decide on a failed call.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { decodeAdmissionReview, encodeAdmissionReview } from '../admission/decode.ts';
import { admissionResponse, responseSuccess, type AdmissionAttributes, type AdmissionHandler, type AdmissionResponse } from '../admission/types.ts';
import { lazyWith, type Logger } from '../logging.ts';
import { httpError } from './errors.ts';

export interface EndpointOptions {
  /** maximum body size in bytes */
  maxRequestBytes: number;
  /** time allowed to receive the body, in ms */
  bodyTimeoutMs: number;
  /** internal deadline for a verdict, in ms from the body's arrival */
  deadlineMs: number;
  /** `fail` / `all` paths deny when the handler fails; `ignore` paths admit */
  failurePolicy: 'fail' | 'ignore' | 'all';
  log: Logger;
  /**
   * called once per request with the request's start time (http metrics); the callback it returns is called
   * once the answer is written (none when the client went away first)
   */
  onRequest?: (req: IncomingMessage, startTime: number) => (() => void) | undefined;
}

export type HttpHandler = (req: IncomingMessage, res: ServerResponse, urlParams: string) => void;

/** Reads a body up to `max` bytes; rejects with a status and message. */
export function readBody(req: IncomingMessage, max: number, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > max) {
      reject(Object.assign(new Error(`request body too large: ${declared} bytes (limit ${max})`), { status: 413 }));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (err: (Error & { status?: number }) | undefined, body?: Buffer): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.removeListener('data', onData);
      req.removeListener('end', onEnd);
      req.removeListener('error', onError);
      req.removeListener('aborted', onAborted);
      if (err) reject(err);
      else resolve(body as Buffer);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > max) {
        finish(Object.assign(new Error(`request body too large: more than ${max} bytes`), { status: 413 }));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => finish(undefined, chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    const onError = (err: Error): void => finish(Object.assign(err, { status: 400 }));
    const onAborted = (): void => finish(Object.assign(new Error('request aborted'), { status: 400 }));
    const timer = setTimeout(() => finish(Object.assign(new Error(`request body not received within ${timeoutMs} ms`), { status: 408 })), timeoutMs);
    timer.unref();
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}

function failureVerdict(uid: string, policy: EndpointOptions['failurePolicy'], message: string): AdmissionResponse {
  if (policy === 'ignore') return responseSuccess(uid, [`kyverno: ${message}; the request was admitted (failurePolicy Ignore)`]);
  return admissionResponse(uid, message);
}

/** The HTTP answer to an admission request body: a review (200, JSON) or an error (text). */
export interface AdmissionOutcome {
  status: number;
  /** JSON for 200, the error message (with its line break) otherwise */
  body: string;
}

export interface ProcessOptions {
  deadlineMs: number;
  failurePolicy: 'fail' | 'ignore' | 'all';
  log: Logger;
}

/**
 * Everything after the body has been read: Content-Type check, decoding, the handler (a throw becomes
 * the failure policy's verdict), encoding. Synchronous; runs on the server thread or in a worker.
 */
export function processAdmission(handler: AdmissionHandler, body: string, contentType: string | undefined, urlParams: string, startTime: number, opts: ProcessOptions): AdmissionOutcome {
  if (contentType !== 'application/json') return { status: 415, body: 'invalid Content-Type\n' };
  const decoded = decodeAdmissionReview(body);
  if (!decoded.ok) return { status: decoded.status, body: `${decoded.message}\n` };
  const { review } = decoded;
  const r = review.request;
  const log = lazyWith(opts.log, () => ({
    gvk: r.kind,
    gvr: r.resource,
    namespace: r.namespace,
    name: r.name,
    operation: r.operation,
    uid: r.uid,
    user: r.userInfo,
  }));
  const attributes: AdmissionAttributes = {
    request: r,
    roles: null,
    clusterRoles: null,
    gvk: r.kind,
    urlParams,
    startTime,
    deadline: startTime + opts.deadlineMs,
    log,
  };
  let response: AdmissionResponse;
  try {
    response = handler(attributes);
  } catch (err) {
    const message = err instanceof RangeError ? `failed to process the admission request: ${err.message}` : `internal error: ${(err as Error)?.message ?? String(err)}`;
    opts.log.error(err, 'admission handler failed', { uid: r.uid });
    response = failureVerdict(r.uid, opts.failurePolicy, message);
  }
  return { status: 200, body: encodeAdmissionReview(review.apiVersion, review.kind, response) };
}

/** Evaluates a request body (in process, or in a worker thread). */
export type AdmissionEvaluator = (body: string, contentType: string | undefined, urlParams: string, startTime: number) => AdmissionOutcome | Promise<AdmissionOutcome>;

/** `WithAdmission`: the HTTP handler of an admission handler (or of any evaluator). */
export function admissionEndpoint(handler: AdmissionHandler | AdmissionEvaluator, opts: EndpointOptions & { evaluator?: boolean }): HttpHandler {
  const evaluate: AdmissionEvaluator = opts.evaluator
    ? (handler as AdmissionEvaluator)
    : (body, contentType, urlParams, startTime) => processAdmission(handler as AdmissionHandler, body, contentType, urlParams, startTime, opts);
  const write = (req: IncomingMessage, res: ServerResponse, out: AdmissionOutcome, done: (() => void) | undefined): void => {
    if (res.destroyed) return;
    if (out.status !== 200) httpError(res, opts.log, req, out.body.replace(/\n$/, ''), out.status);
    else {
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(out.body) });
      res.end(out.body);
    }
    done?.();
  };
  return (req, res, urlParams) => {
    const done = opts.onRequest?.(req, performance.now());
    readBody(req, opts.maxRequestBytes, opts.bodyTimeoutMs).then(
      (body) => {
        const out = evaluate(body.toString('utf8'), req.headers['content-type'], urlParams, performance.now());
        if (out instanceof Promise) {
          out.then(
            (o) => write(req, res, o, done),
            (err: Error) => write(req, res, { status: 503, body: `${err.message}\n` }, done),
          );
        } else write(req, res, out, done);
      },
      (err: Error & { status?: number }) => {
        if (res.destroyed || res.headersSent) return;
        httpError(res, opts.log, req, err.message, err.status ?? 400, true);
        done?.();
      },
    );
  };
}
