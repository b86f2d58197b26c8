/**
 * The command lines the packaging tests run through each form of the CLI (the esbuild bundle, the
 * single executable) and through the TypeScript sources, which is what `npx kyverno` runs: output
 * and exit code must match.
 */
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const shared = join(repoRoot, '..', 'shared', 'conformance');

/** CLI runs compared between the bundle and the TypeScript sources (absolute paths, so the folder run from does not matter). */
export const SMOKE_RUNS: ReadonlyArray<{ label: string; args: string[] }> = [
  { label: 'test: a shared kyverno/policies suite', args: ['test', join(shared, 'kyverno-policies', 'pod-security', 'restricted', 'restrict-volume-types')] },
  { label: 'test: a suite that must fail (missing policy)', args: ['test', join(shared, 'kyverno-cli', 'test-fail', 'missing-policy')] },
  {
    label: 'apply: a library policy on its good and bad resources',
    args: [
      'apply',
      join(repoRoot, 'policies', 'pod-security', 'restricted', 'require-run-as-non-root', 'require-run-as-non-root.yaml'),
      '--resource',
      join(repoRoot, 'policies', 'pod-security', 'restricted', 'require-run-as-non-root', '.kyverno-test', 'resource.yaml'),
    ],
  },
];

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The reference: the CLI from its TypeScript sources. */
export function runFromSources(args: readonly string[]): CliRun {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'src', 'cli', 'main.ts'), ...args], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs `cmd` from the folder `cwd` with a home that does not exist: a container with a read-only root. */
export function runIsolated(cmd: string, args: readonly string[], cwd: string): CliRun {
  const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: join(cwd, 'no-home'), TMPDIR: tmpdir(), NO_COLOR: '1' };
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
