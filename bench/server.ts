/**
 * Load test of `kyverno serve --standalone` (`npm run bench:server`): the server runs as a separate
 * process (this script re-executed with `--child`, through the same `registerServeCommand` the CLI uses),
 * over HTTPS with the CA it generates, with the restricted pod-security set (the baseline and restricted
 * policies of ../shared/conformance/kyverno-policies/pod-security) in Enforce. The load comes from other
 * processes on the same machine:
 *
 *   saturation   wrk (apt-get install wrk; C, little CPU of its own) at concurrency 16 and 64, closed loop;
 *                autocannon (npm) when wrk is not installed or with `--client autocannon`
 *   rate, soak   bench/paced-load.ts: an open-loop generator that starts requests on a fixed schedule and
 *                measures each latency from its scheduled time (no coordinated omission)
 *
 * Scenarios (figures, not pass/fail):
 *   core         the admission core in this process, without HTTP or TLS: CPU µs per review
 *   c16, c64     closed loop at concurrency 16 and 64: requests/s, p50/p95/p99, errors
 *   rate1000     open loop at 1,000 requests/s: p50/p95/p99/p99.9 (see paced-load.ts for where latency
 *                starts), and the generator's own lateness
 *   soak         60 s at 1,000 requests/s: RSS sampled every second, growth between the first and last
 *                quarters
 * plus the server's peak RSS (VmHWM), its CPU time per request, and the machine. The measured server starts
 * with the TLS material a first start generated (as every start after an installation's first does).
 *
 *   npm run bench:server [-- --duration 20] [--soak 60] [--rate 1000] [--only core,c16,c64,rate1000,soak]
 *                         [--workers N] [--client wrk|autocannon] [--tsx] [--no-build]
 *                         [--node-flags=--max-semi-space-size=4]
 *
 * By default the server runs as recommended on a machine of two cores or more: `--workers 1` (the server
 * thread keeps to TLS and HTTP, one worker thread evaluates) with node's `--max-semi-space-size=1
 * --v8-pool-size=1` (RECOMMENDED_NODE_FLAGS: two V8 heaps with small young generations, one V8 helper
 * thread instead of four competing for the cores). `--workers 0` measures the single-thread server (with
 * node's defaults unless `--node-flags` are given).
 *
 * The server is compiled with tsc into out/bench-server and run through the compiled CLI entry
 * (dist/cli/main.js, the package's `kyverno` bin), unless `--tsx`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseAllDocuments, stringify } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const shared = join(root, '..', 'shared', 'conformance');
const args = process.argv.slice(2);
const arg = (name: string, def: string): string => (args.includes(name) ? (args[args.indexOf(name) + 1] ?? def) : def);

// --- child: the server ------------------------------------------------------------------------------

if (args[0] === '--child') {
  const { Command } = await import('commander');
  const { registerServeCommand } = await import('../src/cli/commands/serve.ts');
  const program = new Command('kyverno').exitOverride();
  registerServeCommand(program);
  await program.parseAsync(['node', 'kyverno', ...args.slice(1)]);
  process.exit(0);
}

// --- parent: setup, load, report ----------------------------------------------------------------------

function policyFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir).sort()) {
    if (e.startsWith('.')) continue;
    const p = join(dir, e);
    if (statSync(p).isDirectory()) policyFiles(p, out);
    else if (e.endsWith('.yaml') && /^kind:\s*ClusterPolicy\s*$/m.test(readFileSync(p, 'utf8'))) out.push(p);
  }
  return out;
}

/** The restricted set (baseline + restricted controls), every policy and rule forced to Enforce. */
function writeEnforcePolicies(dir: string): number {
  const pss = join(shared, 'kyverno-policies', 'pod-security');
  const files = [...policyFiles(join(pss, 'baseline')), ...policyFiles(join(pss, 'restricted'))];
  let n = 0;
  for (const f of files) {
    for (const doc of parseAllDocuments(readFileSync(f, 'utf8'))) {
      const p = doc.toJS() as { kind?: string; spec?: { validationFailureAction?: string; rules?: Array<{ validate?: { failureAction?: string } }> } };
      if (p?.kind !== 'ClusterPolicy' || !p.spec) continue;
      p.spec.validationFailureAction = 'Enforce';
      for (const r of p.spec.rules ?? []) if (r.validate?.failureAction !== undefined) r.validate.failureAction = 'Enforce';
      writeFileSync(join(dir, `policy-${String(++n).padStart(2, '0')}.yaml`), stringify(p));
    }
  }
  return n;
}

function podReview(i: number, compliant: boolean): string {
  const sc = compliant
    ? { allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } }
    : { privileged: true, allowPrivilegeEscalation: true, capabilities: { add: ['NET_ADMIN'] } };
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `pod-${i}`, namespace: `ns-${i % 8}`, uid: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`, labels: { app: `app-${i}`, team: 't' } },
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        { name: 'app', image: `registry.example.com/team/app:${i}.0`, ports: [{ containerPort: 8080 }], resources: { requests: { cpu: '100m', memory: '128Mi' } }, securityContext: sc },
        { name: 'sidecar', image: 'registry.example.com/proxy:1.2', securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } } },
      ],
      volumes: [{ name: 'data', emptyDir: {} }],
    },
  };
  return JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: `req-${i}`,
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      namespace: pod.metadata.namespace,
      name: pod.metadata.name,
      operation: 'CREATE',
      userInfo: { username: 'system:serviceaccount:ci:deployer', groups: ['system:serviceaccounts', 'system:authenticated'] },
      object: pod,
      dryRun: false,
    },
  });
}

function procStatus(pid: number): { rssMb: number; hwmMb: number } {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number((new RegExp(`${k}:\\s+(\\d+)`).exec(s) ?? [])[1] ?? 0);
  return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
}

/** CPU seconds (user + system) the process has used so far. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function get(port: number, ca: string, path: string): Promise<number> {
  return fetchText(port, ca, path).then((r) => r.status);
}

function fetchText(port: number, ca: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const req = httpsRequest({ host: '127.0.0.1', port, path, ca, servername: 'localhost' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', () => resolve({ status: 0, body: '' }));
    req.end();
  });
}

/**
 * The server's own count of denied admission requests (`kyverno_admission_requests_total` with
 * `request_allowed="false"`): the load generator then needs no per-response work of its own.
 */
async function deniedByServer(port: number, ca: string): Promise<number> {
  const { body } = await fetchText(port, ca, '/metrics');
  let n = 0;
  for (const line of body.split('\n')) {
    if (line.startsWith('kyverno_admission_requests_total{') && line.includes('request_allowed="false"')) n += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return n;
}

interface LoadResult {
  /** server CPU time per request, µs */
  cpuUs?: number;
  requests: number;
  seconds: number;
  rps: number;
  errors: number;
  non2xx: number;
  denied: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

type Autocannon = (opts: unknown) => Promise<unknown> & { on(event: string, cb: (...args: never[]) => void): void };
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

/** Node flags for `kyverno serve --workers 1` on a small machine (see the header). */
const RECOMMENDED_NODE_FLAGS = ['--max-semi-space-size=1', '--v8-pool-size=1'];

const BODIES = Array.from({ length: 64 }, (_, i) => podReview(i, i % 4 !== 0));

/** autocannon in this process (closed loop; its `overallRate` is bursty, see paced-load.ts). */
async function autocannonLoad(port: number, ca: string, opts: { connections: number; seconds: number; rate?: number; onSecond?: () => void }): Promise<LoadResult> {
  const bodies = BODIES;
  const latencies: number[] = [];
  let denied = 0;
  const instance = autocannon({
    url: `https://127.0.0.1:${port}`,
    connections: opts.connections,
    duration: opts.seconds,
    overallRate: opts.rate,
    tlsOptions: { ca, servername: 'localhost' } as never,
    requests: bodies.map((body) => ({ method: 'POST', path: '/validate/fail', headers: { 'content-type': 'application/json' }, body })),
    setupClient: (client: { on(e: string, cb: (b: Buffer) => void): void }) => {
      client.on('body', (b: Buffer) => {
        if (b.includes('"allowed":false')) denied++;
      });
    },
  });
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    if (status === 200) latencies.push(ms);
  });
  const timer = opts.onSecond ? setInterval(opts.onSecond, 1000) : undefined;
  const r = (await instance) as unknown as { requests: { total: number }; duration: number; errors: number; timeouts: number; non2xx: number };
  if (timer) clearInterval(timer);
  const sorted = Float64Array.from(latencies).sort();
  return {
    requests: r.requests.total,
    seconds: r.duration,
    rps: r.requests.total / r.duration,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
    denied,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? NaN,
  };
}

/**
 * wrk (closed loop) with a Lua script that cycles through the review bodies. It has no `response` callback
 * (handing every body to Lua cost wrk ~10 µs per request on the cores it shares with the server): non-2xx
 * answers are wrk's own status errors, denials are counted by the server (`deniedByServer`).
 */
function wrkLoad(work: string, port: number, opts: { connections: number; seconds: number }): Promise<LoadResult> {
  const lines = join(work, 'bodies.ndjson');
  writeFileSync(lines, BODIES.join('\n') + '\n');
  const script = join(work, 'reviews.lua');
  writeFileSync(
    script,
    [
      'local reqs, i = {}, 0',
      `init = function(args) for line in io.lines(${JSON.stringify(lines)}) do reqs[#reqs + 1] = wrk.format("POST", "/validate/fail", {["Content-Type"] = "application/json"}, line) end end`,
      'request = function() i = i % #reqs + 1; return reqs[i] end',
      'done = function(s, lat, req)',
      '  local e = s.errors.connect + s.errors.read + s.errors.write + s.errors.timeout',
      '  io.write(string.format(\'WRKJSON {"requests":%d,"seconds":%f,"errors":%d,"non2xx":%d,"denied":0,"p50":%f,"p95":%f,"p99":%f,"max":%f}\\n\', s.requests, s.duration / 1e6, e, s.errors.status, lat:percentile(50) / 1000, lat:percentile(95) / 1000, lat:percentile(99) / 1000, lat.max / 1000))',
      'end',
      '',
    ].join('\n'),
  );
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', ['-t', '2', '-c', String(opts.connections), '-d', `${opts.seconds}s`, '--timeout', '10s', '-s', script, `https://127.0.0.1:${port}/validate/fail`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d.toString()));
    child.stderr.on('data', (d) => (out += d.toString()));
    child.once('error', reject);
    child.once('close', () => {
      const line = out.split('\n').find((l) => l.startsWith('WRKJSON '));
      if (!line) return reject(new Error(`wrk: no summary\n${out}`));
      const r = JSON.parse(line.slice('WRKJSON '.length)) as Omit<LoadResult, 'rps'>;
      resolve({ ...r, rps: r.requests / r.seconds });
    });
  });
}

interface PacedResult extends LoadResult {
  p999: number;
  /** p99 from the scheduled times, the generator's own lateness included */
  fromScheduleP99: number;
  /** p99 of how late the generator wrote the requests it sent on an idle connection */
  lateP99: number;
  /** requests that waited for a free connection (measured from their scheduled time) */
  queued: number;
  socketErrors: number;
  lostOnClose: number;
  unsolicited: number;
  statuses: Record<string, number>;
  rss: number[];
}

/** bench/paced-load.ts as its own process: open loop at `rate` requests/s. */
function pacedLoad(work: string, port: number, caFile: string, opts: { rate: number; seconds: number; samplePid?: number }): Promise<PacedResult> {
  const bodies = join(work, 'bodies.json');
  writeFileSync(bodies, JSON.stringify(BODIES));
  const argv = ['--import', 'tsx', join(root, 'bench', 'paced-load.ts'), '--port', String(port), '--ca', caFile, '--bodies', bodies, '--rate', String(opts.rate), '--seconds', String(opts.seconds)];
  if (opts.samplePid !== undefined) argv.push('--sample-pid', String(opts.samplePid));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d.toString()));
    child.stderr.on('data', (d) => (out += d.toString()));
    child.once('error', reject);
    child.once('close', () => {
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (!line) return reject(new Error(`paced-load: no summary\n${out}`));
      const r = JSON.parse(line) as Omit<PacedResult, 'rps'>;
      resolve({ ...r, rps: r.requests / r.seconds });
    });
  });
}

/** The admission core in this process, without HTTP or TLS: CPU µs per review. */
async function coreBench(policies: string, reviews: number, dist: string | undefined): Promise<{ cpuUs: number; denied: number }> {
  // the compiled server (as the server process runs it), or the sources with --tsx
  const mod = (rel: string): string => (dist ? pathToFileURL(join(dist, `${rel}.js`)).href : `../src/${rel}.ts`);
  const { AdmissionCore } = (await import(mod('server/core'))) as typeof import('../src/server/core.ts');
  const { createLogger } = (await import(mod('server/logging'))) as typeof import('../src/server/logging.ts');
  const { StaticDiscovery } = (await import(mod('server/sources/discovery'))) as typeof import('../src/server/sources/discovery.ts');
  const { StaticClusterState } = (await import(mod('server/sources/static-cluster'))) as typeof import('../src/server/sources/static-cluster.ts');
  const { StaticConfigSource } = (await import(mod('server/sources/static-config'))) as typeof import('../src/server/sources/static-config.ts');
  const { StaticPolicySource } = (await import(mod('server/sources/static-policies'))) as typeof import('../src/server/sources/static-policies.ts');
  const discovery = new StaticDiscovery();
  const source = new StaticPolicySource({ policyPaths: [policies], clusterResources: discovery.clusterScopedKinds() });
  const cluster = new StaticClusterState([]);
  const core = new AdmissionCore({ policies: source, namespaces: cluster, roleBindings: cluster, config: new StaticConfigSource(undefined), discovery, log: createLogger({ verbosity: 0 }) });
  const run = async (n: number): Promise<number> => {
    let denied = 0;
    for (let i = 0; i < n; i++) {
      if (core.evaluate('/validate/fail', BODIES[i % BODIES.length] as string, 'application/json', '', performance.now()).body.includes('"allowed":false')) denied++;
      // let the audit pool and report sink run, as the server's event loop would
      if (i % 256 === 255) await new Promise((r) => setImmediate(r));
    }
    return denied;
  };
  await run(2000);
  const c0 = process.cpuUsage();
  const denied = await run(reviews);
  const c = process.cpuUsage(c0);
  await core.audit.drain();
  return { cpuUs: (c.user + c.system) / reviews, denied };
}

const fmt = (r: LoadResult) =>
  `${r.cpuUs !== undefined ? `server CPU ${r.cpuUs.toFixed(0)} µs/req, ` : ''}${r.rps.toFixed(0)} req/s (${r.requests} in ${r.seconds.toFixed(1)} s), p50 ${r.p50.toFixed(2)} ms, p95 ${r.p95.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, max ${r.max.toFixed(1)} ms, errors ${r.errors}, non-2xx ${r.non2xx}, denied ${r.denied}`;

const fmtPaced = (r: PacedResult) =>
  `${fmt(r)}, p99.9 ${r.p999.toFixed(2)} ms; queued for a connection ${r.queued}; generator lateness p99 ${r.lateP99.toFixed(2)} ms, p99 from the schedule (lateness included) ${r.fromScheduleP99.toFixed(2)} ms` +
  // why requests went unanswered, when some did, and answers the server sent with no request (a server that
  // closes a connection with an error status: every request was answered, but such a connection may lose one)
  (r.errors > 0 || r.unsolicited > 0 ? `; unanswered: ${r.socketErrors} socket errors, ${r.lostOnClose} lost on a closed connection, ${r.unsolicited} answers with no request (statuses ${JSON.stringify(r.statuses)})` : '');

function hasWrk(): boolean {
  return spawnSync('wrk', ['--version'], { stdio: 'ignore' }).error === undefined;
}

async function main(): Promise<void> {
  const only = new Set(arg('--only', 'core,c16,c64,rate1000,soak').split(','));
  const duration = Number(arg('--duration', '20'));
  const soakSeconds = Number(arg('--soak', '60'));
  const rate = Number(arg('--rate', '1000'));
  const client = arg('--client', hasWrk() ? 'wrk' : 'autocannon');
  const work = mkdtempSync(join(tmpdir(), 'kyverno-bench-server-'));
  const policies = join(work, 'policies');
  mkdirSync(policies);
  const n = writeEnforcePolicies(policies);
  const tlsDir = join(work, 'tls');
  const port = 19000 + Math.floor(Math.random() * 1000);
  const workers = arg('--workers', '1');
  // extra node flags for the server process, e.g. --node-flags=--max-semi-space-size=4
  const givenFlags = args.filter((a) => a.startsWith('--node-flags=')).map((a) => a.slice('--node-flags='.length));
  const nodeFlags = givenFlags.length > 0 || workers === '0' ? givenFlags : RECOMMENDED_NODE_FLAGS;
  const c = cpus();
  console.log(
    `kyverno serve bench: ${n} pod-security policies (baseline + restricted, Enforce), ${workers} worker threads${nodeFlags.length ? ` (node ${nodeFlags.join(' ')})` : ''}, ` +
      `saturation by ${client}, ${c.length} cores (${c[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`,
  );
  // the server runs from JavaScript compiled by tsc (as installed), unless --tsx
  let command: string[];
  if (args.includes('--tsx')) {
    command = ['--import', 'tsx', fileURLToPath(import.meta.url), '--child'];
  } else {
    const outDir = join(root, 'out', 'bench-server');
    const t0 = Date.now();
    if (!args.includes('--no-build')) spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json'), '--outDir', join(outDir, 'dist')], { stdio: 'ignore' });
    if (!args.includes('--no-build')) console.log(`compiled the server with tsc in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    // the installed command line itself (the package's bin), as `kyverno serve` runs
    command = [join(outDir, 'dist', 'cli', 'main.js')];
  }
  if (only.has('core')) {
    const dist = args.includes('--tsx') ? undefined : join(root, 'out', 'bench-server', 'dist');
    const r = await coreBench(policies, 20_000, dist);
    console.log(`core:     ${r.cpuUs.toFixed(0)} µs CPU per review in process (no HTTP, no TLS; ${r.denied} of 20000 denied)`);
  }
  const serveArgs = [...nodeFlags, ...command, 'serve', '--standalone', '--policy', policies, '--tls-dir', tlsDir, '--listen', `127.0.0.1:${port}`, '--workers', workers];
  // a first start generates the CA and serving certificate into the TLS directory, as the first replica
  // of an installation does; the measured server starts with them, as every later start does
  {
    const first = spawn(process.execPath, serveArgs, { stdio: 'ignore' });
    for (let i = 0; i < 600 && !existsSync(join(tlsDir, 'tls.crt')); i++) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 500));
    if (first.exitCode === null && first.signalCode === null) {
      first.kill('SIGTERM');
      await new Promise((r) => first.once('exit', r));
    }
  }
  const child: ChildProcess = spawn(process.execPath, serveArgs, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += d.toString()));
  const pid = child.pid as number;
  try {
    let ca = '';
    for (let i = 0; i < 600; i++) {
      await new Promise((r) => setTimeout(r, 100));
      try {
        ca = readFileSync(join(tlsDir, 'ca.crt'), 'utf8');
        if ((await get(port, ca, '/health/readiness')) === 200) break;
      } catch {
        // not yet
      }
      if (child.exitCode !== null) throw new Error(`server exited: ${stderr}`);
    }
    const idle = procStatus(pid);
    console.log(`server pid ${pid}: ready, RSS ${idle.rssMb.toFixed(0)} MB`);
    const withCpu = async <R extends LoadResult>(f: () => Promise<R>): Promise<R> => {
      const c0 = cpuSeconds(pid);
      const r = await f();
      r.cpuUs = ((cpuSeconds(pid) - c0) * 1e6) / Math.max(1, r.requests);
      return r;
    };
    const saturate = async (connections: number, seconds: number): Promise<LoadResult> => {
      if (client !== 'wrk') return autocannonLoad(port, ca, { connections, seconds });
      const before = await deniedByServer(port, ca);
      const r = await wrkLoad(work, port, { connections, seconds });
      return { ...r, denied: (await deniedByServer(port, ca)) - before };
    };
    // warm-up
    await saturate(16, 5);
    // the server's peak RSS so far, after each scenario (where the peak is reached)
    const peak = (): string => `; peak RSS so far ${procStatus(pid).hwmMb.toFixed(0)} MB`;
    if (only.has('c16')) console.log(`c16:      ${fmt(await withCpu(() => saturate(16, duration)))}${peak()}`);
    if (only.has('c64')) console.log(`c64:      ${fmt(await withCpu(() => saturate(64, duration)))}${peak()}`);
    const caFile = join(tlsDir, 'ca.crt');
    if (only.has('rate1000')) console.log(`rate${rate}: ${fmtPaced(await withCpu(() => pacedLoad(work, port, caFile, { rate, seconds: duration })))}${peak()}`);
    if (only.has('soak')) {
      const r = await withCpu(() => pacedLoad(work, port, caFile, { rate, seconds: soakSeconds, samplePid: pid }));
      const samples = r.rss;
      const q = Math.max(1, Math.floor(samples.length / 4));
      const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      const first = avg(samples.slice(0, q));
      const last = avg(samples.slice(-q));
      const every5 = samples.filter((_, i) => i % 5 === 4).map((x) => x.toFixed(0));
      console.log(`soak ${soakSeconds}s: ${fmtPaced(r)}${peak()}`);
      console.log(`soak RSS (MB, every 5 s): ${every5.join(' ')}; first quarter ${first.toFixed(1)} MB, last quarter ${last.toFixed(1)} MB, growth ${(last - first).toFixed(1)} MB`);
    }
    const fin = procStatus(pid);
    console.log(`server peak RSS (VmHWM) ${fin.hwmMb.toFixed(0)} MB, final RSS ${fin.rssMb.toFixed(0)} MB`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

await main();
