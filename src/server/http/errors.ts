/**
 * Plain-text HTTP errors as Go's `http.Error` writes them (pkg/webhooks/handlers/error.go `HttpError`):
 * `text/plain; charset=utf-8`, `X-Content-Type-Options: nosniff`, the message and a line break.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logging.ts';

/**
 * Writes the error (and logs it). With `close`, the connection is closed after the answer (the rest of
 * an oversized or stalled body is not read).
 */
export function httpError(res: ServerResponse, log: Logger, req: IncomingMessage, message: string, status: number, close = false): void {
  log.error(message, 'an error has occurred', { url: req.url, status });
  if (res.headersSent || res.destroyed) return;
  const body = `${message}\n`;
  const headers: Record<string, string | number> = {
    'Content-Type': 'text/plain; charset=utf-8',
    'X-Content-Type-Options': 'nosniff',
    'Content-Length': Buffer.byteLength(body),
  };
  if (close) headers['Connection'] = 'close';
  res.writeHead(status, headers);
  res.end(body, () => {
    if (close) req.socket.destroySoon?.();
  });
}
