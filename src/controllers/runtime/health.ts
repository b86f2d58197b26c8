/**
 * The probe endpoints of `kyverno controllers` (`--health-listen`), plain HTTP, with the admission
 * server's paths and answers: `GET /health/liveness` and `GET /health/readiness` answer 200 while their
 * check holds and 500 otherwise, with an empty body; anything else is a 404 like Go's default mux.
 *
 * The controllers front end reports live while the process runs and is not shutting down, and ready
 * once the shared caches are synced (a replica that does not hold a group's Lease is ready too: it is a
 * warm standby).
 *
 * Example:
 *   const h = await startHealthListener({ live: () => true, ready: () => started }, { host: '0.0.0.0', port: 8080 });
 *   await h.close();
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HealthChecks {
  live(): boolean;
  ready(): boolean;
}

export interface HealthListener {
  address: AddressInfo;
  close(): Promise<void>;
}

export const LIVENESS_PATH = '/health/liveness';
export const READINESS_PATH = '/health/readiness';

export async function startHealthListener(checks: HealthChecks, listen: { host: string; port: number }): Promise<HealthListener> {
  const srv = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    const check = path === LIVENESS_PATH ? checks.live : path === READINESS_PATH ? checks.ready : undefined;
    if (check === undefined || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('404 page not found\n');
      return;
    }
    let ok = false;
    try {
      ok = check();
    } catch {
      ok = false;
    }
    res.writeHead(ok ? 200 : 500, { 'Content-Length': '0' });
    res.end();
  });
  // probes must not keep a stopping process alive
  srv.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(listen.port, listen.host, () => resolve());
  });
  srv.unref();
  return {
    address: srv.address() as AddressInfo,
    close: () =>
      new Promise<void>((resolve) => {
        srv.closeAllConnections();
        srv.close(() => resolve());
      }),
  };
}
