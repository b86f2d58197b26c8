/**
 * Path routing with httprouter's semantics as Kyverno's server uses them (pkg/webhooks/server.go): exact
 * paths per method, and catch-all paths (`/validate/fail/finegrained/*policy`) whose remainder, leading
 * slash included, becomes the handler's `urlParams`. The query string (the API server adds `?timeout=10s`)
 * is ignored. Unknown paths answer 404 `404 page not found`, a known path with another method 405 with an
 * `Allow` header.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse, urlParams: string) => void;

interface CatchAll {
  method: string;
  prefix: string;
  handler: RouteHandler;
}

function textResponse(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Content-Length': String(Buffer.byteLength(body)), ...headers });
  res.end(body);
}

export class Router {
  private readonly exact = new Map<string, Map<string, RouteHandler>>();
  private readonly catchAll: CatchAll[] = [];

  /** An exact path. */
  add(method: string, path: string, handler: RouteHandler): this {
    let byMethod = this.exact.get(path);
    if (!byMethod) {
      byMethod = new Map();
      this.exact.set(path, byMethod);
    }
    byMethod.set(method, handler);
    return this;
  }

  /** A catch-all path: `prefix` ends with `/`; the remainder (with its leading `/`) is the URL parameter. */
  addCatchAll(method: string, prefix: string, handler: RouteHandler): this {
    this.catchAll.push({ method, prefix, handler });
    return this;
  }

  /** The registered exact paths (for tests and docs). */
  paths(): string[] {
    return [...this.exact.keys(), ...this.catchAll.map((c) => `${c.prefix}*`)];
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const method = req.method ?? 'GET';
    const byMethod = this.exact.get(path);
    if (byMethod) {
      const h = byMethod.get(method);
      if (h) {
        h(req, res, '');
        return;
      }
      req.resume();
      textResponse(res, 405, 'Method Not Allowed\n', { Allow: [...byMethod.keys(), 'OPTIONS'].join(', ') });
      return;
    }
    const allowed: string[] = [];
    for (const c of this.catchAll) {
      if (!path.startsWith(c.prefix)) continue;
      if (c.method === method) {
        c.handler(req, res, path.slice(c.prefix.length - 1));
        return;
      }
      allowed.push(c.method);
    }
    req.resume();
    if (allowed.length > 0) textResponse(res, 405, 'Method Not Allowed\n', { Allow: [...allowed, 'OPTIONS'].join(', ') });
    else textResponse(res, 404, '404 page not found\n');
  }
}
