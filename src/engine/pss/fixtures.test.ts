/**
 * The upstream golden fixtures (k8s.io/pod-security-admission test/testdata, copied to
 * ../shared/conformance/psa/<level>/v1.<minor>/{pass,fail}/*.yaml): at each level and version every pass
 * pod is allowed and every fail pod denied.
 *
 * - The fixtures are judged with the upstream admission selection (`psaChecks`), which is what they were
 *   generated for; Kyverno's own selection differs on purpose and is covered at the end.
 * - Upstream submits them to an API server, which defaults a volume without a source to `emptyDir`
 *   (`SetDefaults_Volume`); that defaulting is applied here before evaluating.
 * - Named deviations: the fixture set comes from upstream v1.37, newer than Kyverno v1.19's fork of the
 *   checks (which stops at v1.34). Those pods must be judged as the fork judges them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { JsonObject } from '../api/json.ts';
import { parsePsaVersion, PssVersionError } from './api.ts';
import type { Level, Version } from './api.ts';
import { decodePod } from './pod.ts';
import type { PodView } from './pod.ts';
import { DEFAULT_REGISTRY } from './registry.ts';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const fixturesDir = join(repoRoot, '..', 'shared', 'conformance', 'psa');

/** `<level>/<version>/<pass|fail>/<file>` -> why Kyverno's checks judge it the other way, and the check that does. */
const DEVIATIONS: Readonly<Record<string, { reason: string; check: string }>> = {
  'baseline/v1.35/pass/procmount1.yaml': {
    reason: 'upstream v1.35 allows any procMount when hostUsers is false; the fork has no v1.35 procMount revision',
    check: 'procMount',
  },
  'baseline/v1.36/pass/procmount1.yaml': {
    reason: 'upstream v1.35 allows any procMount when hostUsers is false; the fork has no v1.35 procMount revision',
    check: 'procMount',
  },
  'baseline/v1.37/pass/procmount1.yaml': {
    reason: 'upstream v1.35 allows any procMount when hostUsers is false; the fork has no v1.35 procMount revision',
    check: 'procMount',
  },
  'baseline/v1.37/pass/sysctls1.yaml': {
    reason: 'upstream v1.37 allows net.ipv4.tcp_slow_start_after_idle and tcp_notsent_lowat; the fork stops at v1.32',
    check: 'sysctls',
  },
  'restricted/v1.37/pass/sysctls1.yaml': {
    reason: 'upstream v1.37 allows net.ipv4.tcp_slow_start_after_idle and tcp_notsent_lowat; the fork stops at v1.32',
    check: 'sysctls',
  },
};

/** The API server's `SetDefaults_Volume`: a volume with no source becomes an emptyDir. */
function defaultVolumes(pod: PodView): void {
  for (const vol of pod.spec.volumes ?? []) {
    if (Object.keys(vol).every((k) => k === 'name' || vol[k] === undefined)) vol['emptyDir'] = {};
  }
}

interface Fixture {
  key: string;
  expectAllowed: boolean;
  pod: PodView;
}

const loaded = new Map<string, Fixture[]>();

function load(level: string, versionDir: string): Fixture[] {
  const cached = loaded.get(`${level}/${versionDir}`);
  if (cached !== undefined) return cached;
  const out: Fixture[] = [];
  loaded.set(`${level}/${versionDir}`, out);
  for (const kind of ['pass', 'fail'] as const) {
    const dir = join(fixturesDir, level, versionDir, kind);
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir).sort()) {
      if (!file.endsWith('.yaml')) continue;
      const pod = decodePod(parse(readFileSync(join(dir, file), 'utf8')) as JsonObject);
      defaultVolumes(pod);
      out.push({ key: `${level}/${versionDir}/${kind}/${file}`, expectAllowed: kind === 'pass', pod });
    }
  }
  return out;
}

function failedIds(checks: ReturnType<typeof DEFAULT_REGISTRY.psaChecks>, pod: PodView): string[] {
  const ids: string[] = [];
  for (const c of checks) if (!c.checkPod(pod.metadata, pod.spec).allowed) ids.push(c.id);
  return ids;
}

const levelDirs = existsSync(fixturesDir)
  ? readdirSync(fixturesDir).filter((d) => d === 'baseline' || d === 'restricted' || d === 'privileged')
  : [];

if (levelDirs.length === 0) {
  test('PSS golden fixtures', { skip: `fixtures not found at ${fixturesDir} (../shared/conformance/psa)` }, () => {});
}

for (const level of levelDirs) {
  const versionDirs = readdirSync(join(fixturesDir, level)).sort((a, b) => Number(a.slice(3)) - Number(b.slice(3)));
  for (const versionDir of versionDirs) {
    test(`PSS fixtures ${level} ${versionDir}`, () => {
      const version = parsePsaVersion(versionDir);
      assert.ok(!(version instanceof PssVersionError), `bad version folder ${versionDir}`);
      const checks = DEFAULT_REGISTRY.psaChecks(level as Level, version);
      const fixtures = load(level, versionDir);
      assert.ok(fixtures.length > 0, 'no fixtures');
      const wrong: string[] = [];
      for (const f of fixtures) {
        const failed = failedIds(checks, f.pod);
        const deviation = DEVIATIONS[f.key];
        if (deviation !== undefined) {
          if (!failed.includes(deviation.check)) wrong.push(`${f.key}: expected the known deviation (${deviation.reason})`);
        } else if ((failed.length === 0) !== f.expectAllowed) {
          wrong.push(`${f.key}: ${f.expectAllowed ? `denied by ${failed.join(', ')}` : 'allowed'}`);
        }
      }
      assert.deepEqual(wrong, []);
    });
  }
}

if (levelDirs.includes('restricted')) {
  // Kyverno's selection (registry.ts) runs every check of the level at every version, at its first revision
  // when the version predates it, and never drops overridden baseline checks. So fail pods stay denied, and
  // restricted pass pods from before v1.22 (no capabilities drop ALL, no seccomp profile...) are denied.
  test('PSS fixtures under Kyverno selection: fail pods denied; restricted pass pods allowed from v1.22', () => {
    const wrong: string[] = [];
    for (const level of levelDirs) {
      for (const versionDir of readdirSync(join(fixturesDir, level))) {
        const version = parsePsaVersion(versionDir) as Version;
        const checks = DEFAULT_REGISTRY.kyvernoChecks(level, version);
        for (const f of load(level, versionDir)) {
          const denied = failedIds(checks, f.pod).length > 0;
          if (!f.expectAllowed && !denied) wrong.push(`${f.key}: allowed`);
          const strictBefore122 = level === 'restricted' && !version.latest && version.minor < 22;
          if (f.expectAllowed && denied && !strictBefore122 && DEVIATIONS[f.key] === undefined) wrong.push(`${f.key}: denied`);
          if (f.expectAllowed && !denied && strictBefore122 && f.key.endsWith('/base.yaml')) {
            wrong.push(`${f.key}: allowed, but Kyverno requires capabilities drop ALL before v1.22`);
          }
        }
      }
    }
    assert.deepEqual(wrong, []);
  });
}
