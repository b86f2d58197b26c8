/**
 * CEL validation benchmark (`runCelBench`): CPU time per compiled CEL validation of a pod, measured on the
 * compiled product (dist/, built by `npm run bench`), after a warm-up, over generated pods (a mix of
 * compliant and violating specs). Three figures:
 *
 *   expression       one compiled expression (`object.spec.containers.all(...)`, with has() and
 *                    optional selection) evaluated on a pod: µs per evaluation
 *   validatingpolicy the six restricted pod-security ValidatingPolicies of
 *                    ../shared/conformance/kyverno-policies/pod-security-vpol (compiled once, with their
 *                    autogen variants; match constraints, variables, validations, messages): µs per
 *                    policy per pod
 *   validate.cel     the six restricted pod-security ClusterPolicies with `validate.cel` rules of
 *                    pod-security-cel through the engine (match, context, rule): µs per policy per pod
 *
 *   node --import tsx bench/cel.ts [--pods N]      (standalone; needs `npm run build` first)
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JsonObject, Resource } from '../src/engine/api/json.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const shared = join(root, '..', 'shared', 'conformance', 'kyverno-policies');
// BENCH_DIST points at another build of the product (default: dist/)
const dist = (p: string): string => join(process.env['BENCH_DIST'] ?? join(root, 'dist'), p);

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e3;
}

/** Deterministic pods: every fourth one privileged, escalating and with a hostPath volume. */
function pods(n: number): Resource[] {
  const out: Resource[] = [];
  for (let i = 0; i < n; i++) {
    const bad = i % 4 === 0;
    const containers = [];
    for (let c = 0; c < 1 + (i % 3); c++) {
      containers.push({
        name: `c${c}`,
        image: `registry.example.com/team${i % 7}/app${c}:1.0.${c}`,
        securityContext: bad && c === 0
          ? { privileged: true, allowPrivilegeEscalation: true, capabilities: { add: ['NET_ADMIN'] } }
          : { allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } },
      });
    }
    out.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `pod-${i}`, namespace: `ns-${i % 20}`, labels: { app: `app-${i % 50}` } },
      spec: {
        securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
        containers,
        volumes: bad ? [{ name: 'host', hostPath: { path: '/var/run' } }] : [{ name: 'data', emptyDir: {} }],
      },
    });
  }
  return out;
}

function policyFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir).sort()) {
    if (e.startsWith('.')) continue;
    const p = join(dir, e);
    if (statSync(p).isDirectory()) policyFiles(p, out);
    else if (e.endsWith('.yaml')) out.push(p);
  }
  return out;
}

/** Runs `f` over every pod `rounds` times after a warm-up; µs of CPU per call. */
function measure(list: readonly Resource[], rounds: number, f: (pod: Resource) => void): number {
  for (const p of list.slice(0, Math.min(500, list.length))) f(p);
  const c0 = cpuMs();
  for (let k = 0; k < rounds; k++) for (const p of list) f(p);
  return ((cpuMs() - c0) * 1e3) / (list.length * rounds);
}

export interface CelBenchResult {
  cores: number;
  pods: number;
  expressionUs: number;
  validatingPolicyUs: number;
  validatingPolicies: number;
  validateCelUs: number;
  validateCelPolicies: number;
}

/** The CEL benchmark; prints one line and returns the figures. */
export async function runCelBench(opts: { pods?: number } = {}): Promise<CelBenchResult | undefined> {
  if (!existsSync(dist('engine/engine.js'))) {
    console.log('cel: dist/ missing (run `npm run build`), skipped');
    return undefined;
  }
  const { createCelEnvironment } = (await import(dist('engine/cel/environment.js'))) as typeof import('../src/engine/cel/environment.ts');
  const { isCelCompileError } = (await import(dist('engine/cel/errors.js'))) as typeof import('../src/engine/cel/errors.ts');
  const { jsonToCel } = (await import(dist('engine/cel/values.js'))) as typeof import('../src/engine/cel/values.ts');
  const { CelPolicyEnvironments } = (await import(dist('engine/celpolicy/environments.js'))) as typeof import('../src/engine/celpolicy/environments.ts');
  const { prepareValidatingPolicies, handleValidatingPolicy } = (await import(dist('engine/celpolicy/validating-policy-engine.js'))) as typeof import('../src/engine/celpolicy/validating-policy-engine.ts');
  const { Engine } = (await import(dist('engine/engine.js'))) as typeof import('../src/engine/engine.ts');
  const { classifyPolicies, parseDocuments, readSources } = (await import(dist('k8s/load.js'))) as typeof import('../src/k8s/load.ts');

  const n = opts.pods ?? 2_000;
  const list = pods(n);
  const clock = { now: () => new Date('2026-01-01T00:00:00Z') };

  // 1. one compiled expression
  const env = createCelEnvironment({ variables: { object: 'dyn' } });
  const expr = env.compile(
    'object.spec.containers.all(c, !has(c.securityContext) || c.securityContext.?allowPrivilegeEscalation.orValue(true) == false) && ' +
      "object.spec.?volumes.orValue([]).all(v, !has(v.hostPath)) && object.metadata.name.startsWith('pod-')",
  );
  if (isCelCompileError(expr)) throw new Error(expr.message);
  const activations = new Map(list.map((p) => [p, { object: jsonToCel(p as JsonObject) }]));
  let falses = 0;
  const expressionUs = measure(list, 5, (p) => {
    if (expr.evaluate(activations.get(p)!) === false) falses++;
  });

  // 2. ValidatingPolicies (Kubernetes mode, through match constraints)
  const envs = new CelPolicyEnvironments({ clock });
  const vpSrc = readSources(policyFiles(join(shared, 'pod-security-vpol', 'restricted')));
  const vps = classifyPolicies(parseDocuments(vpSrc.files).docs).celPolicies.filter((p) => p['kind'] === 'ValidatingPolicy');
  const prepared = prepareValidatingPolicies(envs, vps, []);
  let vpFails = 0;
  const validatingPolicyUs =
    measure(list, 2, (p) => {
      const md = p['metadata'] as JsonObject;
      for (const vp of prepared) {
        const rules = handleValidatingPolicy(vp, {
          attributes: {
            kind: { group: '', version: 'v1', kind: 'Pod' },
            resource: { group: '', version: 'v1', resource: 'pods' },
            subresource: '',
            name: String(md['name']),
            namespace: String(md['namespace']),
            operation: 'CREATE',
            userInfo: {},
            object: p,
            oldObject: null,
            dryRun: false,
          },
          context: {},
          match: true,
        });
        for (const r of rules) if (r.status === 'fail') vpFails++;
      }
    }) / Math.max(1, vps.length);

  // 3. ClusterPolicies with validate.cel rules, through the engine
  const cpSrc = readSources(policyFiles(join(shared, 'pod-security-cel', 'restricted')));
  const cps = classifyPolicies(parseDocuments(cpSrc.files).docs).policies;
  const engine = new Engine({ clock });
  let cpFails = 0;
  const validateCelUs =
    measure(list, 2, (p) => {
      for (const cp of cps) {
        const r = engine.validate(engine.newPolicyContext({ policy: cp, newResource: p }));
        for (const rr of r.policyResponse.rules) if (rr.status === 'fail') cpFails++;
      }
    }) / Math.max(1, cps.length);

  const result: CelBenchResult = {
    cores: cpus().length,
    pods: n,
    expressionUs,
    validatingPolicyUs,
    validatingPolicies: vps.length,
    validateCelUs,
    validateCelPolicies: cps.length,
  };
  console.log(
    `cel: ${n} pods on ${result.cores} cores: compiled expression ${expressionUs.toFixed(2)} µs CPU per evaluation; ` +
      `${vps.length} ValidatingPolicies (${prepared.length} with autogen variants) ${validatingPolicyUs.toFixed(2)} µs CPU per policy per pod; ` +
      `${cps.length} validate.cel ClusterPolicies (engine) ${validateCelUs.toFixed(2)} µs CPU per policy per pod ` +
      `(failed: ${falses} expression, ${vpFails} ValidatingPolicy rules, ${cpFails} validate.cel rules)`,
  );
  return result;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  await runCelBench({ pods: args.includes('--pods') ? Number(args[args.indexOf('--pods') + 1]) : undefined });
}
