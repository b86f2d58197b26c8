#!/usr/bin/env node
/**
 * The `kyverno` command line (cmd/cli/kubectl-kyverno): apply, test, jp, version, serve, controllers.
 * Errors print `Error: <message>` and exit 1; `apply --warn-exit-code N` may exit N.
 */
import { Command, Option } from 'commander';
import { CliError } from './errors.ts';
import { jpCommand } from './commands/jp.ts';
import { VERSION } from './version.ts';

function collect(value: string, previous: string[]): string[] {
  return [...previous, ...value.split(',').filter((v) => v !== '')];
}

export interface CliIO {
  stdout(s: string): void;
  stderr(s: string): void;
}

const processIO: CliIO = {
  stdout: (s) => void process.stdout.write(s),
  stderr: (s) => void process.stderr.write(s),
};

export function buildProgram(io: CliIO = processIO): Command {
  const write = io.stdout;
  const program = new Command('kyverno');
  program
    .description('Kubernetes Native Policy Management (a TypeScript implementation compatible with Kyverno v1.19)')
    .showHelpAfterError(false)
    .configureOutput({ writeErr: (s) => io.stderr(s), writeOut: (s) => io.stdout(s) })
    .exitOverride();

  program
    .command('test')
    .description('Run tests from a local filesystem or a remote git repository')
    .argument('[dir...]', 'folders holding kyverno-test.yaml files')
    .option('-f, --file-name <name>', 'Test filename', 'kyverno-test.yaml')
    .option('-t, --test-case-selector <selector>', 'Filter test cases to run', 'policy=*,rule=*,resource=*')
    .option('-o, --output-format <format>', 'Specifies the output format (json, yaml, markdown, junit)', '')
    .option('-b, --git-branch <branch>', 'Test github repository branch')
    .option('--registry', 'If set to true, access the image registry using local docker credentials to populate external data', false)
    .option('--fail-only', 'If set to true, display all the failing test only as output for the test command', false)
    .option('--detailed-results', 'If set to true, display detailed results', false)
    .option('--require-tests', 'If set to true, return an error if no tests are found', false)
    .option('--remove-color', 'Remove any color from output', false)
    .action(async (dirs: string[], o: Record<string, unknown>) => {
      const { testCommand } = await import('./commands/test.ts');
      testCommand(
        dirs,
        {
          fileName: String(o['fileName']),
          testCaseSelector: String(o['testCaseSelector'] ?? ''),
          outputFormat: String(o['outputFormat'] ?? ''),
          failOnly: Boolean(o['failOnly']),
          detailedResults: Boolean(o['detailedResults']),
          requireTests: Boolean(o['requireTests']),
          removeColor: Boolean(o['removeColor']),
        },
        write,
      );
    });

  program
    .command('apply')
    .description('Applies policies on resources')
    .argument('[policies...]', 'policy files or folders ("-" for stdin)')
    .option('-r, --resource <paths>', 'Path to resource files (comma separated or repeated)', collect, [])
    .option('--resources <paths>', 'Path to resource files (comma separated or repeated)', collect, [])
    .option('-s, --set <vars>', 'Variables that are required', collect, [])
    .option('-f, --values-file <path>', 'File containing values for policy variables')
    .option('-u, --userinfo <path>', 'Admission Info including Roles, Cluster Roles and Subjects')
    .option('-e, --exception <paths>', 'Policy exception to be considered when evaluating policies against resources', collect, [])
    .option('--exceptions <paths>', 'Policy exception to be considered when evaluating policies against resources', collect, [])
    .option('-p, --policy-report', 'Generates policy report when passed (default policyviolation)', false)
    .addOption(new Option('--output-format <format>', 'Specifies the policy report format (json or yaml). Default: yaml.').choices(['yaml', 'json']).default('yaml'))
    .option('-o, --output <path>', 'Prints the mutated/generated resources in provided file/directory')
    .option('-t, --table', 'Show results in table format', false)
    .option('--detailed-results', 'If set to true, display detailed results', false)
    .option('--audit-warn', 'If set to true, will flag audit policies as warnings instead of failures', false)
    .option('--warn-exit-code <code>', 'Set the exit code for warnings; if failures or errors are found, will exit 1', (v) => parseInt(v, 10), 0)
    .option('--warn-no-pass', 'Specify if warning exit code should be raised if no objects satisfied a policy; can be used together with --warn-exit-code flag', false)
    .option('--remove-color', 'Remove any color from output', false)
    .option('-i, --stdin', 'Optional mutate policy parameter to pipe directly through to kubectl', false)
    .option('--continue-on-fail', 'If set to true, will continue to apply policies on the next resource upon failure to apply to the current resource instead of exiting out', false)
    .option('--target-resource <paths>', 'Path to individual files containing target resources files for policies that have mutate existing', collect, [])
    .option('--target-resources <paths>', 'Path to a directory containing target resources for policies that have mutate existing', collect, [])
    .option('-c, --cluster', 'Checks if policies should be applied to cluster in the current context', false)
    .option('--json <paths>', 'Path to JSON payload files', collect, [])
    .option('--parameter-resource <paths>', 'Path to resource files that act as ValidatingAdmissionPolicy/MutatingAdmissionPolicy parameters', collect, [])
    .option('--context-file <path>', 'File containing context data for CEL policies')
    .action(async (policies: string[], o: Record<string, unknown>) => {
      const { applyCommand } = await import('./commands/apply.ts');
      applyCommand(policies, o, write, (s) => io.stderr(s));
    });

  jpCommand(program, write);

  program
    .command('version')
    .description('Prints the version of Kyverno CLI')
    .option('-o, --output <format>', 'Output format (json, yaml)', '')
    .action((o: Record<string, unknown>) => {
      const fmt = String(o['output'] ?? '');
      const info = { version: VERSION, time: '', gitCommitId: '' };
      if (fmt === '') write(`Version: ${info.version}\nTime: ${info.time}\nGit commit ID: ${info.gitCommitId}\n`);
      else if (fmt === 'json') write(JSON.stringify(info, null, 2) + '\n');
      else if (fmt === 'yaml') write(`version: ${info.version}\ntime: ""\ngitCommitId: ""\n`);
      else throw new CliError(`unsupported output format: ${fmt}`);
    });

  return program;
}

/**
 * Each command's modules are loaded when it runs: `apply` and `test` (the CLI run in CI) start without the
 * server and controllers, and a long-running `serve` or `controllers` process holds only its own code
 * (`serve` and `controllers` are registered only when they can be the command: commander needs their
 * options to parse and to print help).
 */
async function registerLongRunningCommands(program: Command, argv: string[]): Promise<void> {
  const command = argv.slice(2).find((a) => !a.startsWith('-'));
  if (command === 'apply' || command === 'test' || command === 'jp' || command === 'version') return;
  if (command !== 'controllers') (await import('./commands/serve.ts')).registerServeCommand(program);
  if (command !== 'serve') (await import('./commands/controllers.ts')).registerControllersCommand(program);
}

/** Runs the CLI with `argv` (node-style: [node, script, ...args]); returns the exit code. Never throws. */
export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  const program = buildProgram(io);
  try {
    await registerLongRunningCommands(program, argv);
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    const e = err as { code?: string; exitCode?: number; message?: string };
    if (e && typeof e.code === 'string' && e.code.startsWith('commander.')) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      return e.exitCode ?? 1;
    }
    if (err instanceof CliError) {
      if (!err.silent) io.stderr(`Error: ${err.message}\n`);
      return err.exitCode;
    }
    if (err instanceof RangeError && /call stack/i.test(err.message)) {
      io.stderr('Error: input is nested too deeply to process\n');
      return 1;
    }
    io.stderr(`Error: ${(err as Error)?.message ?? String(err)}\n`);
    return 1;
  }
}

const isMain = process.argv[1] !== undefined && /(?:^|[\\/])(main\.[jt]s|kyverno)$/.test(process.argv[1]);
if (isMain) {
  main(process.argv).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`Error: ${String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
