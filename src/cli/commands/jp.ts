/**
 * `kyverno jp` (cmd/cli/kubectl-kyverno/commands/jp): `function [name...]` lists the JMESPath functions,
 * `query [-i input] [-q file] [-c] [-u] expr...` evaluates expressions, `parse expr` prints the AST.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { JsonValue } from '../../engine/api/json.ts';
import { createJmesPath, functionDeclarations } from '../../engine/jmespath/index.ts';
import { parseYamlStream } from '../../k8s/yaml.ts';
import { systemClock, systemRandom } from '../clock.ts';
import { CliError } from '../errors.ts';

export function jpCommand(program: Command, write: (s: string) => void): void {
  const jp = program.command('jp').description('Provides a command-line interface to JMESPath, enhanced with Kyverno specific custom functions');
  jp.command('function')
    .description('Provides function informations')
    .argument('[names...]', 'function names')
    .action((names: string[]) => {
      const decls = functionDeclarations.filter((f) => names.length === 0 || names.includes(f.name));
      for (const f of decls) {
        write(`Name: ${f.name}\nArguments: ${f.arguments}\nReturn type: ${f.returnType}\n`);
        if (f.note) write(`Note: ${f.note}\n`);
        write('\n');
      }
    });
  jp.command('query')
    .description('Provides a command-line interface to JMESPath, enhanced with Kyverno specific custom functions')
    .argument('[expressions...]', 'JMESPath expressions')
    .option('-i, --input <file>', 'Read input from a JSON or YAML file instead of stdin')
    .option('-q, --query <files>', 'Read JMESPath expression from the specified file', (v: string, p: string[]) => [...p, v], [])
    .option('-c, --compact', 'Produce compact JSON output that omits non essential whitespace', false)
    .option('-u, --unquoted', 'If the final result is a string, it will be printed without quotes', false)
    .action((exprs: string[], o: { input?: string; query: string[]; compact: boolean; unquoted: boolean }) => {
      const expressions = [...exprs];
      for (const f of o.query) expressions.push(readFileSync(f, 'utf8').trim());
      if (expressions.length === 0) throw new CliError('at least one query or input file is required');
      const text = o.input ? readFileSync(o.input, 'utf8') : readFileSync(0, 'utf8');
      const { documents, errors } = parseYamlStream(text);
      if (errors.length > 0) throw new CliError(`error parsing input: ${errors[0]!.message}`);
      const input = (documents[0]?.value ?? null) as JsonValue;
      const engine = createJmesPath({ clock: systemClock, random: systemRandom });
      for (const e of expressions) {
        let result: JsonValue;
        try {
          result = engine.search(e, input);
        } catch (err) {
          throw new CliError(`failed to evaluate query: ${(err as Error).message}`);
        }
        if (o.unquoted && typeof result === 'string') write(result + '\n');
        else write((o.compact ? JSON.stringify(result) : JSON.stringify(result, null, 2)) + '\n');
      }
    });
}
