/**
 * The plain-HTTP `/metrics` listener (Kyverno's metrics port, `--metrics-listen`), shared by the standalone
 * and in-cluster servers. Anything but `GET /metrics` is a 404 like Go's default mux.
 */
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PROMETHEUS_CONTENT_TYPE } from '../metrics.ts';

export interface MetricsListener {
  address: AddressInfo;
  close(): Promise<void>;
}

export async function startMetricsListener(render: () => Promise<string>, listen: { host: string; port: number }): Promise<MetricsListener> {
  const srv = createHttpServer((req, res) => {
    if (req.method === 'GET' && (req.url ?? '').split('?')[0] === '/metrics') {
      render().then(
        (body) => {
          res.writeHead(200, { 'Content-Type': PROMETHEUS_CONTENT_TYPE, 'Content-Length': Buffer.byteLength(body) });
          res.end(body);
        },
        () => {
          res.writeHead(500);
          res.end();
        },
      );
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('404 page not found\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(listen.port, listen.host, () => resolve());
  });
  return {
    address: srv.address() as AddressInfo,
    close: () => new Promise<void>((resolve) => srv.close(() => resolve())),
  };
}
