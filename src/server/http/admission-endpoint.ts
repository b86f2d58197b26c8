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
  /** called once per request with the request's start time (http metrics) */
  onRequest?: (req: IncomingMessage, res: ServerResponse, startTime: number) => void;
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

/** `WithAdmission`: the HTTP handler of an admission handler. */
export function admissionEndpoint(handler: AdmissionHandler, opts: EndpointOptions): HttpHandler {
  return (req, res, urlParams) => {
    const httpStart = performance.now();
    opts.onRequest?.(req, res, httpStart);
    readBody(req, opts.maxRequestBytes, opts.bodyTimeoutMs).then(
      (body) => {
        const startTime = performance.now();
        if (req.headers['content-type'] !== 'application/json') {
          httpError(res, opts.log, req, 'invalid Content-Type', 415);
          return;
        }
        const decoded = decodeAdmissionReview(body.toString('utf8'));
        if (!decoded.ok) {
          httpError(res, opts.log, req, decoded.message, decoded.status);
          return;
        }
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
          opts.log.error(err, 'admission handler failed', { uid: r.uid, path: req.url });
          response = failureVerdict(r.uid, opts.failurePolicy, message);
        }
        const json = encodeAdmissionReview(review.apiVersion, review.kind, response);
        if (res.destroyed) return;
        res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(json) });
        res.end(json);
      },
      (err: Error & { status?: number }) => {
        if (res.destroyed || res.headersSent) return;
        httpError(res, opts.log, req, err.message, err.status ?? 400, true);
      },
    );
  };
}
