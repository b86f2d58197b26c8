/**
 * Free TCP ports on the loopback interface, for the e2e control plane's listeners.
 *
 * Example: `const [etcdClient, etcdPeer] = await freePorts(2);`
 */
import { createServer } from 'node:net';

/** Asks the kernel for `count` distinct free ports on 127.0.0.1 (held open together, then released). */
export async function freePorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () =>
      new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
        const s = createServer();
        s.once('error', reject);
        s.listen(0, host, () => resolve(s));
      }),
    ),
  );
  const ports = servers.map((s) => {
    const a = s.address();
    if (a === null || typeof a === 'string') throw new Error('freePorts: no TCP address');
    return a.port;
  });
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  return ports;
}
