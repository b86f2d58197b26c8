/**
 * The Dockerfile's structure (Docker is not available to build it here): two stages on Node 20 images
 * pinned to a full version, the build stage bundling with scripts/bundle.ts, a runtime stage that holds
 * only node and the bundle, runs as a numeric non-root user (the one the chart's securityContext names)
 * and needs no writable path outside /tmp; .dockerignore lets through exactly what the COPY lines need.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseYamlStream } from '../../src/k8s/yaml.ts';
import { copySources, dockerIgnored, parseDockerfile, parseDockerignore, stages } from './dockerfile.ts';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const dockerfile = parseDockerfile(readFileSync(join(repoRoot, 'Dockerfile'), 'utf8'));
const ignore = parseDockerignore(readFileSync(join(repoRoot, '.dockerignore'), 'utf8'));

function argDefault(name: string): string | undefined {
  const ins = dockerfile.find((i) => i.op === 'ARG' && i.args.startsWith(`${name}=`));
  return ins?.args.slice(name.length + 1);
}

function expand(s: string): string {
  return s.replace(/\$\{(\w+)\}/g, (_, n: string) => argDefault(n) ?? '');
}

test('packaging: the .dockerignore matcher follows Docker (self-check)', () => {
  const p = ['*', '!src', 'src/**/*.test.ts', '!scripts/bundle.ts'];
  assert.equal(dockerIgnored(p, 'node_modules/x/index.js'), true);
  assert.equal(dockerIgnored(p, 'src/cli/main.ts'), false);
  assert.equal(dockerIgnored(p, 'src/cli/main.test.ts'), true);
  assert.equal(dockerIgnored(p, 'scripts/bundle.ts'), false);
  assert.equal(dockerIgnored(p, 'scripts/helm.ts'), true);
  assert.equal(dockerIgnored(p, 'src/a.test.ts'), true);
  assert.equal(dockerIgnored(['*.md'], 'docs/a.md'), false);
  assert.equal(dockerIgnored(['**/*.md'], 'docs/a.md'), true);
});

test('packaging: Dockerfile is multi-stage on pinned Node 20 images', () => {
  const st = stages(dockerfile);
  assert.ok(st.length >= 2, 'at least a build and a runtime stage');
  for (const s of st) {
    const from = expand(s[0]!.args);
    const m = /^node:(\d+)\.(\d+)\.(\d+)-(alpine[\d.]*|bookworm-slim|bullseye-slim|slim)\s+AS\s+(\w+)$/i.exec(from);
    assert.ok(m, `FROM ${from} names a node image pinned to a full version, with a stage name`);
    assert.equal(m[1], '20', 'Node 20');
  }
  const runtimeFrom = expand(st[st.length - 1]![0]!.args);
  assert.match(runtimeFrom, /-(alpine[\d.]*|bookworm-slim|bullseye-slim|slim) AS runtime$/, 'a small base for the runtime stage');
});

test('packaging: the build stage bundles with scripts/bundle.ts; the runtime stage gets only the bundle', () => {
  const st = stages(dockerfile);
  const build = st[0]!;
  const runtime = st[st.length - 1]!;
  const bundleRun = build.find((i) => i.op === 'RUN' && i.args.includes('scripts/bundle.ts'));
  assert.ok(bundleRun, 'the build stage runs scripts/bundle.ts');
  const out = /--outfile\s+(\S+)/.exec(bundleRun.args)?.[1];
  assert.ok(out, 'the bundle path is explicit');
  assert.ok(bundleRun.args.includes(`node ${out} version`), 'the bundle is smoke-run during the build');
  const copies = runtime.filter((i) => i.op === 'COPY' || i.op === 'ADD');
  assert.equal(copies.length, 1, 'one file enters the runtime stage');
  const copy = copies[0]!;
  assert.equal(copy.op, 'COPY');
  assert.match(copy.args, new RegExp(`--from=build\\b.*\\s${out.replace(/[.]/g, '\\.')}\\s+(\\S+)$`));
  const target = /\s(\S+)$/.exec(copy.args)![1];
  const entry = runtime.find((i) => i.op === 'ENTRYPOINT');
  assert.ok(entry);
  assert.deepEqual(JSON.parse(entry.args), ['node', target], 'exec-form ENTRYPOINT runs the bundle');
  // everything the build stage copies exists and passes .dockerignore
  for (const c of build.filter((i) => i.op === 'COPY')) {
    for (const src of copySources(c)) {
      assert.ok(existsSync(join(repoRoot, src)), `${src} exists`);
      assert.equal(dockerIgnored(ignore, src), false, `${src} is in the build context`);
    }
  }
  for (const heavy of ['node_modules/yaml/package.json', '.git/HEAD', 'out/conformance.json', 'dist/cli/main.js', 'dist-bundle/kyverno.cjs', 'charts/kyverno/Chart.yaml', 'src/cli/commands/test.test.ts']) {
    assert.equal(dockerIgnored(ignore, heavy), true, `${heavy} stays out of the build context`);
  }
});

test('packaging: the runtime stage runs as a numeric non-root user and writes only under /tmp', () => {
  const runtime = stages(dockerfile).at(-1)!;
  const users = runtime.filter((i) => i.op === 'USER');
  assert.equal(users.length, 1);
  const [uid, gid] = users[0]!.args.split(':').map(Number);
  assert.ok(Number.isInteger(uid) && uid! > 0, 'numeric uid, not root (kubelet can check runAsNonRoot)');
  assert.ok(Number.isInteger(gid) && gid! > 0, 'numeric gid, not root');
  const userAt = runtime.indexOf(users[0]!);
  assert.ok(!runtime.slice(userAt).some((i) => i.op === 'RUN'), 'nothing runs after USER');
  assert.ok(!runtime.some((i) => i.op === 'VOLUME'), 'no VOLUME: the chart mounts /tmp');
  const workdir = runtime.filter((i) => i.op === 'WORKDIR').at(-1);
  assert.equal(workdir?.args, '/tmp');
  const env = runtime.filter((i) => i.op === 'ENV').map((i) => i.args).join(' ');
  assert.match(env, /\bHOME=\/tmp\b/);
  assert.match(env, /\bTMPDIR=\/tmp\b/);
  // the chart runs the image as the same user, read-only, with /tmp as an emptyDir
  const values = parseYamlStream(readFileSync(join(repoRoot, 'charts', 'kyverno', 'values.yaml'), 'utf8')).documents[0]!.value as Record<string, Record<string, Record<string, unknown>>>;
  const ac = values['admissionController']!;
  assert.equal(ac['podSecurityContext']!['runAsUser'], uid);
  assert.equal(ac['podSecurityContext']!['runAsGroup'], gid);
  assert.equal(ac['securityContext']!['readOnlyRootFilesystem'], true);
  const deployment = readFileSync(join(repoRoot, 'charts', 'kyverno', 'templates', 'deployment.yaml'), 'utf8');
  assert.match(deployment, /- name: tmp\s+mountPath: \/tmp/);
});
