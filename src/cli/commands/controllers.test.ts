/** `kyverno controllers` metrics flags: Kyverno's names and defaults. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { metricsPortOption, registerControllersCommand } from './controllers.ts';

function options(args: string[]): Record<string, unknown> {
  const program = new Command('kyverno').exitOverride();
  registerControllersCommand(program);
  const cmd = program.commands.find((c) => c.name() === 'controllers');
  assert.ok(cmd);
  const parsed = cmd.parseOptions(args);
  assert.deepEqual(parsed.unknown, []);
  return cmd.opts();
}

test('controllers: --metricsPort, --metricsHost, --disableMetrics', () => {
  const cases: Array<[args: string[], port: number, host: string, disabled: boolean]> = [
    [[], 8000, '', false],
    [['--metricsPort', '9090'], 9090, '', false],
    [['--metricsPort=0'], 0, '', false],
    [['--metricsHost', '127.0.0.1'], 8000, '127.0.0.1', false],
    [['--disableMetrics'], 8000, '', true],
    [['--disableMetrics=false'], 8000, '', false],
    [['--disableMetrics=true', '--metricsPort=1'], 1, '', true],
  ];
  for (const [args, port, host, disabled] of cases) {
    const o = options(args);
    assert.equal(o['metricsPort'], port, args.join(' '));
    assert.equal(o['metricsHost'], host, args.join(' '));
    assert.equal(o['disableMetrics'], disabled, args.join(' '));
  }
  const bad: Array<[string, RegExp]> = [
    ['-1', /expected 0 to 65535/],
    ['65536', /expected 0 to 65535/],
    ['80a', /invalid value for --metricsPort/],
    ['', /invalid value for --metricsPort/],
  ];
  for (const [v, re] of bad) assert.throws(() => metricsPortOption(v), re, v);
  assert.equal(metricsPortOption('65535'), 65535);
});
