/**
 * The upstream PSA golden fixtures (../shared/conformance/psa/<level>/<version>/{pass,fail}) judged through
 * the product's front door: for every level and version, a ClusterPolicy with `validate.podSecurity
 * {level, version}` is applied with `kyverno apply <policy> -r <folder> -p --output-format json`, and the
 * policy report must pass every pod under pass/ and fail every pod under fail/, as Kyverno v1.19 judges them
 * (its selection of checks is stricter than the in-tree admission for restricted before v1.22).
 *
 * Kyverno v1.19's CRD only admits `version` v1.19 … v1.32 and `latest`: for the other fixture folders the
 * policy must be rejected with the schema error (listed under "Policies Skipped", exit 1), and `latest` is judged
 * against the newest fixture folder instead. Every version is also judged directly by the engine in
 * src/engine/pss/fixtures.test.ts. Fixtures listed there as deviations (newer upstream revisions than
 * Kyverno v1.19's fork of the checks) are expected to be judged as Kyverno v1.19 judges them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { main } from '../src/cli/main.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fixtures = join(root, '..', 'shared', 'conformance', 'psa');

/** `<level>/<version>/pass/<file>` pods that Kyverno v1.19 denies (see src/engine/pss/fixtures.test.ts). */
const deniedByKyverno = new Set([
  'baseline/v1.35/pass/procmount1.yaml',
  'baseline/v1.36/pass/procmount1.yaml',
  'baseline/v1.37/pass/procmount1.yaml',
  'baseline/v1.37/pass/sysctls1.yaml',
  'restricted/v1.37/pass/sysctls1.yaml',
]);

/**
 * Upstream submits the fixtures to an API server, which turns a volume without a source into an emptyDir
 * (SetDefaults_Volume). `kyverno apply` reads the file as written, so Kyverno denies such a pod as a
 * restricted volume type of unknown kind; it is expected to fail here.
 */
function hasSourcelessVolume(file: string): boolean {
  const pod = parse(readFileSync(file, 'utf8')) as { spec?: { volumes?: Array<Record<string, unknown>> } };
  return (pod.spec?.volumes ?? []).some((v) => Object.keys(v).every((k) => k === 'name'));
}

interface ReportResult {
  result: string;
  resources?: Array<{ name?: string }>;
}

async function apply(policyFile: string, folder: string): Promise<{ code: number; results: ReportResult[]; stderr: string; unsupported: boolean }> {
  let out = '';
  let err = '';
  const code = await main(['node', 'kyverno', 'apply', policyFile, '-r', folder, '-p', '--output-format', 'json'], {
    stdout: (s: string) => {
      out += s;
    },
    stderr: (s: string) => {
      err += s;
    },
  });
  if (/Policies Skipped:[\s\S]*Unsupported value: "v1\.\d+"/.test(out)) return { code, results: [], stderr: err, unsupported: true };
  const start = out.indexOf('{');
  assert.ok(start >= 0, `no JSON report in the output: ${out.slice(0, 500)}${err}`);
  const report = JSON.parse(out.slice(start)) as { results?: ReportResult[] };
  return { code, results: report.results ?? [], stderr: err, unsupported: false };
}

function podNames(folder: string): Map<string, string> {
  const names = new Map<string, string>();
  for (const f of readdirSync(folder).filter((f) => f.endsWith('.yaml'))) {
    const m = /^metadata:\n(?:.*\n)*?  name: (\S+)/m.exec(readFileSync(join(folder, f), 'utf8'));
    assert.ok(m, `${folder}/${f}: no metadata.name`);
    names.set(m[1]!, f);
  }
  return names;
}

if (!existsSync(fixtures)) {
  test('PSS fixtures through kyverno apply', { skip: `no fixtures at ${fixtures} (../shared/conformance is not checked out beside the repo)` }, () => {});
} else {
  const tmp = mkdtempSync(join(tmpdir(), 'kyverno-pss-cli-'));
  process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
  for (const level of readdirSync(fixtures).filter((d) => d === 'baseline' || d === 'restricted').sort()) {
    const versions = readdirSync(join(fixtures, level)).sort((a, b) => Number(a.slice(3)) - Number(b.slice(3)));
    test(`PSS fixtures through kyverno apply -p --output-format json: ${level}, ${versions.length} versions`, async () => {
      const wrong: string[] = [];
      let judged = 0;
      const expressible: string[] = [];
      const newest = versions[versions.length - 1]!;
      for (const [version, folderVersion] of [...versions.map((v) => [v, v] as const), ['latest', newest] as const]) {
        const policyFile = join(tmp, `${level}-${version}.yaml`);
        writeFileSync(
          policyFile,
          [
            'apiVersion: kyverno.io/v1',
            'kind: ClusterPolicy',
            'metadata:',
            `  name: pss-${level}-${version.replace('.', '-')}`,
            'spec:',
            '  background: true',
            '  rules:',
            '  - name: pod-security',
            '    match:',
            '      any:',
            '      - resources:',
            '          kinds: [Pod]',
            '    validate:',
            '      podSecurity:',
            `        level: ${level}`,
            `        version: ${version}`,
            '',
          ].join('\n'),
        );
        for (const expected of ['pass', 'fail'] as const) {
          const folder = join(fixtures, level, folderVersion, expected);
          if (!existsSync(folder)) continue;
          const names = podNames(folder);
          const { code, results, stderr, unsupported } = await apply(policyFile, folder);
          if (unsupported) {
            assert.equal(code, 1, `${level}/${version}: a policy rejected by its schema is an error`);
            if (version === 'latest' || (Number(version.slice(3)) >= 19 && Number(version.slice(3)) <= 32)) wrong.push(`${level}/${version}: rejected by the schema`);
            break;
          }
          if (expected === 'pass') expressible.push(version);
          assert.equal(stderr, '', `${level}/${version}/${expected}: unexpected stderr`);
          const seen = new Set<string>();
          for (const r of results) {
            const name = r.resources?.[0]?.name ?? '';
            const file = names.get(name);
            if (file === undefined) {
              wrong.push(`${level}/${version}/${expected}: result for unknown pod ${name}`);
              continue;
            }
            seen.add(name);
            judged++;
            const key = `${level}/${folderVersion}/${expected}/${file}`;
            // Kyverno v1.19 runs every restricted check at every version (pkg/pss evaluatePSS): before v1.22,
            // where the standard did not yet require capabilities drop ALL, restricted pass pods can be denied;
            // base.yaml (no drop ALL) must be.
            const strictBefore122 = level === 'restricted' && folderVersion === version && Number(version.slice(3)) < 22;
            if (expected === 'pass' && strictBefore122) {
              if (file === 'base.yaml' && r.result !== 'fail') wrong.push(`${key}: ${r.result}, expected fail (drop ALL required by Kyverno before v1.22)`);
              continue;
            }
            const sourceless = level === 'restricted' && hasSourcelessVolume(join(folder, file));
            const want = expected === 'pass' && !deniedByKyverno.has(key) && !sourceless ? 'pass' : 'fail';
            if (r.result !== want) wrong.push(`${key}: ${r.result}, expected ${want}`);
          }
          for (const [name, file] of names) if (!seen.has(name)) wrong.push(`${level}/${version}/${expected}/${file}: no result`);
          // like Kyverno, a failed result makes apply exit 1, also with -p
          const wantCode = results.some((r) => r.result === 'fail') ? 1 : 0;
          assert.equal(code, wantCode, `${level}/${version}/${expected}: exit code`);
        }
      }
      assert.deepEqual(wrong, []);
      assert.ok(judged > 100, `only ${judged} pods judged`);
      // v1.19 … v1.32 and latest
      assert.ok(expressible.length >= 15, `only ${expressible.join(', ')} could be applied`);
    });
  }
}
