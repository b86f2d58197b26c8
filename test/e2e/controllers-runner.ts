/**
 * Child-process entry of the controllers e2e suites (not a suite itself):
 *
 *   node --import tsx test/e2e/controllers-runner.ts controllers [kyverno controllers flags...]
 *   node --import tsx test/e2e/controllers-runner.ts admission <kubeconfig> <port> <cert.pem> <key.pem> [id]
 *
 * `controllers` is the `kyverno controllers` command; `admission` runs one admission replica over the
 * cluster-backed sources (see controllers-harness.ts) until SIGTERM/SIGINT.
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';

import { registerControllersCommand } from '../../src/cli/commands/controllers.ts';
import { startAdmissionReplica } from './controllers-harness.ts';

const [mode, ...rest] = process.argv.slice(2);
if (mode === 'controllers') {
  const program = new Command('kyverno');
  registerControllersCommand(program);
  await program.parseAsync(['node', 'kyverno', 'controllers', ...rest]);
  process.exit(0);
} else if (mode === 'admission') {
  const [kubeconfigFile, port, cert, key, id] = rest as [string, string, string, string, string | undefined];
  const replica = await startAdmissionReplica({ kubeconfigFile, port: Number(port), certPem: readFileSync(cert, 'utf8'), keyPem: readFileSync(key, 'utf8'), id });
  process.stdout.write(`admission replica listening on ${replica.port}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
  });
  // a replica that cannot stop cleanly within 15 s is reported and exits anyway
  const timer = setTimeout(() => {
    process.stderr.write('admission replica: stop timed out after 15 s\n');
    process.exit(1);
  }, 15_000);
  await replica.stop();
  clearTimeout(timer);
  process.exit(0);
} else {
  process.stderr.write('usage: controllers-runner.ts controllers [flags] | admission <kubeconfig> <port> <cert> <key> [id]\n');
  process.exit(2);
}
