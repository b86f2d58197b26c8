/**
 * Benchmarks (`npm run bench`). Figures, not pass/fail: each prints its numbers and the machine's cores.
 *
 *   engine-pss-policies  the 22 pod-security policies of ../shared/conformance/kyverno-policies/pod-security
 *                        (autogen included) against 10,000 generated pods in one process: pods/s, peak RSS
 *   apply-10k            `kyverno apply` (the built CLI, a separate process) over a 10,000-pod file:
 *                        wall time and peak RSS
 *   podsecurity          a `validate.podSecurity` restricted rule: µs per pod
 *   mutate-psp-migration the mutate policies of ../shared/conformance/kyverno-policies/psp-migration on
 *                        10,000 generated pods: µs per pod (all policies, autogen included)
 *
 *   npm run bench [-- --only <name>] [--pods N]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KyvernoPolicy } from '../src/engine/api/policy.ts';
import type { Resource } from '../src/engine/api/json.ts';
import { benches as extraBenches } from './extra.ts';

// The product as shipped: the compiled JavaScript in dist/ (`npm run bench` builds it first). Running the
// TypeScript sources through the tsx loader adds its own per-function overhead, so it is not measured.
const root0 = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p: string): string => join(root0, 'dist', p);
const { Engine } = (await import(dist('engine/engine.js'))) as typeof import('../src/engine/engine.ts');
const { classifyPolicies, parseDocuments, readSources } = (await import(dist('k8s/load.js'))) as typeof import('../src/k8s/load.ts');
const { toYaml } = (await import(dist('k8s/yaml.js'))) as typeof import('../src/k8s/yaml.ts');
const { validatePodSecurity } = (await import(dist('engine/pss/rule.js'))) as typeof import('../src/engine/pss/rule.ts');

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const shared = join(root, '..', 'shared', 'conformance');
const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const podsN = args.includes('--pods') ? Number(args[args.indexOf('--pods') + 1]) : 10_000;

const fixedClock = { now: () => new Date('2026-01-01T00:00:00Z') };

/** Every policy file of a library folder (test folders `.kyverno-test` / `.chainsaw-test` skipped). */
function policyFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (e.startsWith('.')) continue;
    if (statSync(p).isDirectory()) policyFiles(p, out);
    else if (e.endsWith('.yaml') && /^kind:\s*(Cluster)?Policy\s*$/m.test(readFileSync(p, 'utf8'))) out.push(p);
  }
  return out;
}

export function loadPodSecurityPolicies(): KyvernoPolicy[] {
  const dir = join(shared, 'kyverno-policies', 'pod-security');
  const files = policyFiles(dir);
  const src = readSources(files);
  const loaded = classifyPolicies(parseDocuments(src.files).docs);
  return loaded.policies;
}

/** Deterministic pods: a mix of compliant and violating specs. */
export function generatePods(n: number): Resource[] {
  const pods: Resource[] = [];
  for (let i = 0; i < n; i++) {
    const bad = i % 4 === 0;
    const containers = [];
    const nc = 1 + (i % 3);
    for (let c = 0; c < nc; c++) {
      containers.push({
        name: `c${c}`,
        image: `registry.example.com/team${i % 7}/app${c}:${1 + (i % 5)}.0.${c}`,
        ports: [{ containerPort: 8080 + c }],
        resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
        securityContext: bad && c === 0
          ? { privileged: true, allowPrivilegeEscalation: true, capabilities: { add: ['NET_ADMIN'] } }
          : { allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } },
      });
    }
    pods.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `pod-${i}`, namespace: `ns-${i % 20}`, labels: { app: `app-${i % 50}`, team: `t${i % 7}` } },
      spec: {
        hostNetwork: bad && i % 8 === 0,
        securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
        containers,
        volumes: bad ? [{ name: 'host', hostPath: { path: '/var/run' } }] : [{ name: 'data', emptyDir: {} }],
      },
    });
  }
  return pods;
}

/** Process CPU time in ms (user + system): steadier than wall time when other jobs share the machine. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e3;
}

function machine(): string {
  const c = cpus();
  return `${c.length} cores (${c[0]?.model ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
}

function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

function benchEnginePss(): void {
  const policies = loadPodSecurityPolicies();
  const pods = generatePods(podsN);
  const engine = new Engine({ clock: fixedClock });
  // warm-up
  for (const pod of pods.slice(0, 500)) for (const p of policies) engine.validate(engine.newPolicyContext({ policy: p, newResource: pod }));
  let fails = 0;
  const t0 = process.hrtime.bigint();
  const c0 = cpuMs();
  for (const pod of pods) {
    for (const p of policies) {
      const r = engine.validate(engine.newPolicyContext({ policy: p, newResource: pod }));
      for (const rr of r.policyResponse.rules) if (rr.status === 'fail') fails++;
    }
  }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpuSecs = (cpuMs() - c0) / 1e3;
  console.log(
    `engine-pss-policies: ${policies.length} policies x ${pods.length} pods: ${(pods.length / cpuSecs).toFixed(0)} pods per CPU-second ` +
      `(${((cpuSecs * 1e6) / (pods.length * policies.length)).toFixed(1)} µs CPU per policy evaluation; wall ${secs.toFixed(2)} s = ${(pods.length / secs).toFixed(0)} pods/s), ` +
      `${fails} failed rules, peak RSS ${peakRssMb().toFixed(0)} MB`,
  );
}

function benchApply10k(): void {
  const dir = join(root, 'out', 'bench');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `pods-${podsN}.yaml`);
  writeFileSync(file, generatePods(podsN).map((p) => toYaml(p)).join('---\n'));
  const cli = join(root, 'dist', 'cli', 'main.js');
  const policiesDir = join(shared, 'kyverno-policies', 'pod-security');
  const files = policyFiles(policiesDir);
  try {
    execFileSync('test', ['-f', cli]);
  } catch {
    console.log('apply-10k: dist/cli/main.js missing (run `npm run build`), skipped');
    return;
  }
  const t0 = Date.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M %U %S', process.execPath, cli, 'apply', ...files, '--resource', file], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const wall = (Date.now() - t0) / 1000;
  const [rssText = '0', userText = '0', sysText = '0'] = (r.stderr.trim().split('\n').pop() ?? '').trim().split(/\s+/);
  const rssKb = Number(rssText);
  const cpu = Number(userText) + Number(sysText);
  const summary = (r.stdout.match(/pass: \d+, fail: \d+, warn: \d+, error: \d+, skip: \d+/) ?? ['?'])[0];
  console.log(`apply-10k: ${files.length} policies over ${podsN} pods: ${wall.toFixed(2)} s wall, ${cpu.toFixed(2)} s CPU, peak RSS ${(rssKb / 1024).toFixed(0)} MB, exit ${r.status}, ${summary}`);
}

function benchPodSecurity(): void {
  const policy: KyvernoPolicy = {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: { name: 'psa-restricted' },
    spec: { rules: [{ name: 'restricted', match: { any: [{ resources: { kinds: ['Pod'] } }] }, validate: { podSecurity: { level: 'restricted', version: 'latest' } } }] },
  };
  const pods = generatePods(Math.min(podsN, 10_000));
  const engine = new Engine({ clock: fixedClock });
  const rule = policy.spec.rules![0]!;
  // the podSecurity evaluation alone, then through the engine
  for (const p of pods.slice(0, 1000)) validatePodSecurity(rule.name, rule.validate!.podSecurity!, p, 'CREATE');
  const rounds = 5;
  const c0 = cpuMs();
  for (let k = 0; k < rounds; k++) for (const p of pods) validatePodSecurity(rule.name, rule.validate!.podSecurity!, p, 'CREATE');
  const us = ((cpuMs() - c0) * 1e3) / (pods.length * rounds);
  for (const p of pods.slice(0, 1000)) engine.validate(engine.newPolicyContext({ policy, newResource: p }));
  const c1 = cpuMs();
  for (let k = 0; k < rounds; k++) for (const p of pods) engine.validate(engine.newPolicyContext({ policy, newResource: p }));
  const usFull = ((cpuMs() - c1) * 1e3) / (pods.length * rounds);
  console.log(`podsecurity: restricted check ${us.toFixed(2)} µs CPU per pod; through the engine (match, context, rule) ${usFull.toFixed(2)} µs CPU per pod`);
}

function benchMutatePspMigration(): void {
  const dir = join(shared, 'kyverno-policies', 'psp-migration');
  const loaded = classifyPolicies(parseDocuments(readSources(policyFiles(dir)).files).docs);
  const policies = loaded.policies.filter((p) => (p.spec.rules ?? []).some((r) => r.mutate));
  const pods = generatePods(Math.min(podsN, 10_000));
  const engine = new Engine({ clock: fixedClock });
  const mutateAll = (pod: Resource): number => {
    let changed = 0;
    let current = pod;
    for (const p of policies) {
      const r = engine.mutate(engine.newPolicyContext({ policy: p, newResource: current }));
      if (r.patchedResource !== current) {
        current = r.patchedResource;
        changed++;
      }
    }
    return changed;
  };
  for (const p of pods.slice(0, 500)) mutateAll(p);
  const c0 = cpuMs();
  let changed = 0;
  for (const p of pods) changed += mutateAll(p);
  const us = ((cpuMs() - c0) * 1e3) / pods.length;
  console.log(`mutate-psp-migration: ${policies.length} mutate policies (${policies.map((p) => p.metadata.name).join(', ')}) x ${pods.length} pods: ${us.toFixed(1)} µs CPU per pod (${changed} patched results)`);
}

const all: Record<string, () => void | Promise<void>> = {
  'engine-pss-policies': benchEnginePss,
  podsecurity: benchPodSecurity,
  'apply-10k': benchApply10k,
  'mutate-psp-migration': benchMutatePspMigration,
  ...extraBenches,
};

if (process.argv[1]?.endsWith("run.ts")) console.log(`kyverno-ts benchmarks on ${machine()}`);
if (process.argv[1]?.endsWith("run.ts")) for (const [name, fn] of Object.entries(all)) {
  if (only && name !== only) continue;
  await fn();
}
