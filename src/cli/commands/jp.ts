/**
 * `kyverno jp` (cmd/cli/kubectl-kyverno/commands/jp): `function [name...]` lists the JMESPath functions,
 * `query [-i input] [-q file] [-c] [-u] expr...` evaluates expressions, `parse expr` prints the AST.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { JsonValue } from '../../engine/api/json.ts';
import { createJmesPath, formatAst, functionDeclarations, functionSignature } from '../../engine/jmespath/index.ts';
import { goJsonMarshal } from '../../engine/utils/gojson.ts';
import { parseYamlStream } from '../../k8s/yaml.ts';
import { systemClock, systemRandom } from '../../k8s/system.ts';
import { CliError } from '../errors.ts';

export function jpCommand(program: Command, write: (s: string) => void): void {
  const jp = program.command('jp').description('Provides a command-line interface to JMESPath, enhanced with Kyverno specific custom functions');
  jp.command('function')
    .description('Provides function informations')
    .argument('[names...]', 'function names')
    .action((names: string[]) => {
      const decls = functionDeclarations
        .filter((f) => f.kyverno && (names.length === 0 || names.includes(f.name)))
        .map((f) => ({ f, sig: functionSignature(f) }))
        .sort((a, b) => (a.sig < b.sig ? -1 : a.sig > b.sig ? 1 : 0));
      for (const { f, sig } of decls) {
        write(`Name: ${f.name}\n  Signature: ${sig}\n`);
        if (f.note) write(`  Note:      ${f.note}\n`);
        write('\n');
      }
    });
  jp.command('parse')
    .description('Parses jmespath expression and prints corresponding AST')
    .argument('[expressions...]', 'JMESPath expressions')
    .option('-f, --file <files>', 'Read input from a JSON or YAML file instead of stdin', (v: string, p: string[]) => [...p, v], [])
    .action((exprs: string[], o: { file: string[] }) => {
      const expressions = [...exprs, ...o.file.map((f) => readFileSync(f, 'utf8').trim())];
      if (expressions.length === 0) expressions.push(readFileSync(0, 'utf8').trim());
      for (const e of expressions) {
        let ast: string;
        try {
          ast = formatAst(e);
        } catch (err) {
          const hl = (err as { highlight?: string }).highlight;
          throw new CliError(`${(err as Error).message}${hl ? `\n${hl}` : ''}`);
        }
        write(`# ${e}\n${ast}\n`);
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
        else write((o.compact ? goJsonMarshal(result) : indentGoJson(goJsonMarshal(result))) + '\n');
      }
    });
}

/** json.MarshalIndent-style indentation of compact JSON text (two spaces). */
function indentGoJson(compact: string): string {
  let out = '';
  let depth = 0;
  let inStr = false;
  for (let i = 0; i < compact.length; i++) {
    const c = compact[i] as string;
    if (inStr) {
      out += c;
      if (c === '\\') out += compact[++i] ?? '';
      else if (c === '"') inStr = false;
      continue;
    }
    if (c === '"') {
      inStr = true;
      out += c;
    } else if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      if (compact[i + 1] === close) {
        out += c + close;
        i++;
      } else {
        depth++;
        out += c + '\n' + '  '.repeat(depth);
      }
    } else if (c === '}' || c === ']') {
      depth--;
      out += '\n' + '  '.repeat(depth) + c;
    } else if (c === ',') out += ',\n' + '  '.repeat(depth);
    else if (c === ':') out += ': ';
    else out += c;
  }
  return out;
}
