/**
 * An open-loop load generator for `npm run bench:server`, run as its own process: requests start at a
 * fixed rate on a schedule (request i is due at t0 + i / rate), whatever the server's answers do.
 * A request that finds every connection busy waits in a backlog and its latency is measured from its
 * scheduled time, so a stalled server is charged for the requests that queued behind it (no coordinated
 * omission). A request sent on an idle connection is measured from its write: the generator's own
 * lateness (Node's timers fire at 1 ms granularity, and this process shares the machine's cores with the
 * server) is the client's, not the server's, and is reported apart (`lateP99`); `fromScheduleP99` is the
 * p99 measured from the scheduled time for every request, lateness included. autocannon's `overallRate` sends each
 * connection's quota for the second back to back and then waits for the next second, which measures a
 * burst at full concurrency rather than a steady rate; this is what a busy API server's steady stream of
 * admission reviews looks like instead.
 *
 * HTTP/1.1 over keep-alive TLS connections (at most `--connections`), one request in flight per
 * connection, written and parsed by hand to keep the client's own CPU small.
 *
 *   node --import tsx bench/paced-load.ts --port P --ca FILE --bodies FILE --rate R --seconds S
 *        [--connections 64] [--path /validate/fail] [--sample-pid PID]
 *
 * Prints one JSON line: requests, seconds, errors, non-2xx, denied, latency percentiles (ms) and, with
 * `--sample-pid`, that process's RSS (MB) sampled every second.
 */
import { readFileSync } from 'node:fs';
import { connect, type TLSSocket } from 'node:tls';

const args = process.argv.slice(2);
const arg = (name: string, def?: string): string => {
  const i = args.indexOf(name);
  const v = i >= 0 ? args[i + 1] : def;
  if (v === undefined) throw new Error(`paced-load: ${name} is required`);
  return v;
};

const port = Number(arg('--port'));
const ca = readFileSync(arg('--ca'), 'utf8');
const bodies = (JSON.parse(readFileSync(arg('--bodies'), 'utf8')) as string[]).map((b) => Buffer.from(b));
const rate = Number(arg('--rate', '1000'));
const seconds = Number(arg('--seconds', '20'));
const maxConnections = Number(arg('--connections', '64'));
const path = arg('--path', '/validate/fail');
const samplePid = args.includes('--sample-pid') ? Number(arg('--sample-pid')) : undefined;

const requests = bodies.map((b) =>
  Buffer.concat([Buffer.from(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: ${b.length}\r\n\r\n`), b]),
);
const DENIED = Buffer.from('"allowed":false');

interface Conn {
  socket: TLSSocket;
  busy: boolean;
  /** start of the request in flight (ms, performance.now()): its write, or its scheduled time if it waited for a connection */
  start: number;
  /** scheduled start of the request in flight */
  due: number;
  buf: Buffer;
}

const latencies: number[] = [];
/** latencies from the scheduled times, the generator's lateness included */
const fromSchedule: number[] = [];
/** how late the generator wrote the requests it sent on an idle connection */
const lateness: number[] = [];
let errors = 0;
let non2xx = 0;
let denied = 0;
let sent = 0;
const idle: Conn[] = [];
const all: Conn[] = [];
/** scheduled times of requests waiting for a connection */
const backlog: number[] = [];
let opening = 0;

/** answers by HTTP status */
const statuses: Record<number, number> = {};
/** responses that arrived on a connection with no request in flight (the server's own, e.g. a 408) */
let unsolicited = 0;
/** requests in flight on a connection that closed (the server closed it, or the connection broke) */
let lostOnClose = 0;

function onResponse(c: Conn, status: number, body: Buffer): void {
  statuses[status] = (statuses[status] ?? 0) + 1;
  if (!c.busy) {
    unsolicited++;
    return;
  }
  const now = performance.now();
  latencies.push(now - c.start);
  fromSchedule.push(now - c.due);
  if (status !== 200) non2xx++;
  else if (body.includes(DENIED)) denied++;
  c.busy = false;
  const next = backlog.shift();
  if (next !== undefined) send(c, next, true);
  else idle.push(c);
}

function parse(c: Conn): void {
  for (;;) {
    const head = c.buf.indexOf('\r\n\r\n');
    if (head < 0) return;
    const headers = c.buf.subarray(0, head).toString('latin1');
    const status = Number(headers.slice(9, 12));
    const m = /\r\ncontent-length:\s*(\d+)/i.exec(headers);
    const length = m ? Number(m[1]) : 0;
    if (c.buf.length < head + 4 + length) return;
    const body = c.buf.subarray(head + 4, head + 4 + length);
    c.buf = c.buf.subarray(head + 4 + length);
    onResponse(c, status, body);
  }
}

function open(): void {
  opening++;
  const socket = connect({ host: '127.0.0.1', port, ca, servername: 'localhost' });
  const c: Conn = { socket, busy: false, start: 0, due: 0, buf: Buffer.alloc(0) };
  socket.setNoDelay(true);
  socket.once('secureConnect', () => {
    opening--;
    all.push(c);
    const next = backlog.shift();
    if (next !== undefined) send(c, next, true);
    else idle.push(c);
  });
  socket.on('data', (d: Buffer) => {
    c.buf = c.buf.length === 0 ? d : Buffer.concat([c.buf, d]);
    parse(c);
  });
  socket.on('error', () => {
    errors++;
    if (c.busy) c.busy = false;
  });
  socket.on('close', () => {
    // a request in flight on a connection that closed without an error never gets its answer
    if (c.busy) {
      lostOnClose++;
      c.busy = false;
    }
    const i = idle.indexOf(c);
    if (i >= 0) idle.splice(i, 1);
    const j = all.indexOf(c);
    if (j >= 0) all.splice(j, 1);
    else opening--;
  });
}

/** `queued`: the request waited in the backlog for a connection (its latency counts from `due`). */
function send(c: Conn, due: number, queued: boolean): void {
  c.busy = true;
  c.due = due;
  const now = performance.now();
  c.start = queued ? due : now;
  if (!queued) lateness.push(now - due);
  c.socket.write(requests[sent++ % requests.length] as Buffer);
}

function rssMb(pid: number): number {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(s)?.[1] ?? 0) / 1024;
}

async function main(): Promise<void> {
  // every connection is opened (TLS handshake done) before the schedule starts, as an API server's
  // connection pool is warm: handshakes are not what the steady-rate latency measures
  for (let i = 0; i < maxConnections; i++) open();
  while (opening > 0) await new Promise((r) => setTimeout(r, 10));
  const rss: number[] = [];
  const sampler = samplePid !== undefined ? setInterval(() => rss.push(rssMb(samplePid)), 1000) : undefined;
  const t0 = performance.now();
  const total = Math.round(rate * seconds);
  let scheduled = 0;
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = performance.now();
      while (scheduled < total && t0 + (scheduled * 1000) / rate <= now) {
        const due = t0 + (scheduled * 1000) / rate;
        scheduled++;
        const c = idle.pop();
        if (c) send(c, due, false);
        else {
          backlog.push(due);
          if (all.length + opening < maxConnections) open();
        }
      }
      if (scheduled < total) setTimeout(tick, 0.5);
      else resolve();
    };
    tick();
  });
  // wait for the answers (at most 30 s)
  const end = performance.now() + 30_000;
  while (latencies.length + errors + lostOnClose < total && performance.now() < end) await new Promise((r) => setTimeout(r, 5));
  const elapsed = (performance.now() - t0) / 1000;
  if (sampler) clearInterval(sampler);
  for (const c of all) c.socket.destroy();
  const sorted = Float64Array.from(latencies).sort();
  const pctOf = (xs: Float64Array, p: number): number => (xs.length === 0 ? NaN : (xs[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)] as number));
  const pct = (p: number): number => pctOf(sorted, p);
  process.stdout.write(
    `${JSON.stringify({
      requests: latencies.length,
      seconds: elapsed,
      // requests without an answer (socket errors, or still pending 30 s after the last was due)
      errors: total - latencies.length,
      socketErrors: errors,
      non2xx,
      denied,
      p50: pct(50),
      p95: pct(95),
      p99: pct(99),
      p999: pct(99.9),
      max: sorted[sorted.length - 1] ?? NaN,
      fromScheduleP99: pctOf(Float64Array.from(fromSchedule).sort(), 99),
      lateP99: pctOf(Float64Array.from(lateness).sort(), 99),
      queued: total - lateness.length,
      connections: all.length,
      statuses,
      unsolicited,
      lostOnClose,
      rss,
    })}\n`,
  );
}

await main();
