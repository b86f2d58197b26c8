/**
 * Kubernetes API failures as one typed error: the HTTP status (`code`), the `metav1.Status` reason
 * (`NotFound`, `AlreadyExists`, `Conflict`, `Gone`, ...) and its message, like apimachinery's
 * `apierrors.StatusError`. Network failures are `ApiError`s with code 0 and reason `NetworkError`.
 *
 * Example: `if (isNotFound(err)) return undefined;`
 */

export type ApiErrorReason =
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Expired'
  | 'Invalid'
  | 'BadRequest'
  | 'Forbidden'
  | 'Unauthorized'
  | 'TooManyRequests'
  | 'Timeout'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'MethodNotAllowed'
  | 'UnsupportedMediaType'
  | 'NetworkError'
  | 'Unknown';

export class ApiError extends Error {
  constructor(
    /** HTTP status (0 for a network failure) */
    readonly code: number,
    readonly reason: ApiErrorReason | string,
    message: string,
    /** the decoded `metav1.Status`, when the server sent one */
    readonly status?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const reasonByCode: Record<number, ApiErrorReason> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  410: 'Gone',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/** Builds the error for a non-2xx response body (a `metav1.Status` when possible). */
export function apiErrorFromResponse(code: number, body: string, what: string): ApiError {
  let status: unknown;
  try {
    status = JSON.parse(body);
  } catch {
    status = undefined;
  }
  if (status && typeof status === 'object' && (status as { kind?: unknown }).kind === 'Status') {
    const s = status as { reason?: string; message?: string; code?: number };
    return new ApiError(code, s.reason || reasonByCode[code] || 'Unknown', s.message || `${what}: HTTP ${code}`, status);
  }
  const text = body.trim().slice(0, 300);
  return new ApiError(code, reasonByCode[code] ?? 'Unknown', `${what}: HTTP ${code}${text ? `: ${text}` : ''}`, status);
}

function reasonOf(err: unknown): string | undefined {
  return err instanceof ApiError ? err.reason : undefined;
}

export const isNotFound = (err: unknown): boolean => reasonOf(err) === 'NotFound' || (err instanceof ApiError && err.code === 404);
export const isAlreadyExists = (err: unknown): boolean => reasonOf(err) === 'AlreadyExists';
export const isConflict = (err: unknown): boolean => reasonOf(err) === 'Conflict' || (err instanceof ApiError && err.code === 409 && !isAlreadyExists(err));
export const isGone = (err: unknown): boolean => err instanceof ApiError && (err.code === 410 || err.reason === 'Expired' || err.reason === 'Gone');
export const isForbidden = (err: unknown): boolean => reasonOf(err) === 'Forbidden';
export const isInvalid = (err: unknown): boolean => reasonOf(err) === 'Invalid';

/** Failures worth retrying with backoff: network errors, throttling, server errors, timeouts, conflicts. */
export function isRetryable(err: unknown): boolean {
  if (!(err instanceof ApiError)) return false;
  return err.code === 0 || err.code === 409 || err.code === 429 || err.code >= 500;
}
