/**
 * `kyverno serve` in-cluster mode: bad flags and an unusable kubeconfig give clear errors (no stack
 * trace, no hang).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { registerServeCommand } from '../../src/cli/commands/serve.ts';
import { CliError } from '../../src/cli/errors.ts';

async function serve(args: string[]): Promise<unknown> {
  const program = new Command('kyverno').exitOverride();
  registerServeCommand(program);
  try {
    await program.parseAsync(['node', 'kyverno', 'serve', ...args]);
  } catch (err) {
    return err;
  }
  return undefined;
}

test('serve (in-cluster): standalone-only flags are refused with a clear message', async () => {
  for (const [args, re] of [
    [['--policy', 'p.yaml'], /--policy is only for --standalone mode/],
    [['--config', 'cm.yaml'], /--config is only for --standalone mode/],
    [['--tls-dir', '/tmp/x'], /--tls-dir and --insecure-http are only for --standalone mode/],
    [['--workers', '2'], /--workers is only available in --standalone mode/],
    [['--serverIP', 'not a host'], /invalid --serverIP "not a host"/],
    [['--listen', 'nope'], /invalid listen address "nope"/],
  ] as const) {
    const err = await serve([...args]);
    assert.ok(err instanceof CliError, `${args.join(' ')}: ${String(err)}`);
    assert.match((err as Error).message, re);
  }
});

test('serve (in-cluster): a missing or unreachable kubeconfig fails fast with the reason', { timeout: 60_000 }, async () => {
  const missing = await serve(['--kubeconfig', '/nonexistent/kubeconfig', '--listen', '127.0.0.1:0']);
  assert.ok(missing instanceof CliError, String(missing));
  assert.match((missing as Error).message, /^failed to start the server: .*nonexistent/);
  const dir = mkdtempSync(join(tmpdir(), 'kyverno-ts-serve-cli-'));
  const file = join(dir, 'kubeconfig');
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{name: c, cluster: {server: "http://127.0.0.1:1"}}]',
      'users: [{name: u, user: {token: t}}]',
      'contexts: [{name: x, context: {cluster: c, user: u}}]',
      'current-context: x',
    ].join('\n'),
  );
  const started = Date.now();
  const unreachable = await serve(['--kubeconfig', file, '--listen', '127.0.0.1:0']);
  assert.ok(unreachable instanceof CliError, String(unreachable));
  assert.match((unreachable as Error).message, /failed to start the server: failed to reach the API server/);
  assert.ok(Date.now() - started < 45_000, 'no hang');
});
