/**
 * cel-go wording for cel-js diagnostics. Compile errors become
 * `ERROR: <input>:1:5: found no matching overload for '_==_' applied to '(int, double)'\n | 1 == 1.0\n | ....^`;
 * runtime errors become cel-go's short messages (`no such key: x`, `index out of bounds: 5`,
 * `division by zero`, `modulus by zero`, `integer overflow`, ...).
 */
import type { CelJsNode } from './instrument.ts';
import { goTypeNameOf } from './libs/compare.ts';

const OPERATOR_NAMES: Readonly<Record<string, string>> = {
  '==': '_==_',
  '!=': '_!=_',
  '<': '_<_',
  '<=': '_<=_',
  '>': '_>_',
  '>=': '_>=_',
  '+': '_+_',
  '-': '_-_',
  '*': '_*_',
  '/': '_/_',
  '%': '_%_',
  in: '@in',
  '!_': '!_',
  '-_': '-_',
  '[]': '_[_]',
};

/** cel-go spelling of a cel-js type name: `list<int>` -> `list(int)`, `optional<T>` -> `optional_type(T)`. */
export function celGoTypeName(name: string, short = false): string {
  const n = short ? name.replace(/google\.protobuf\.Duration/g, 'duration').replace(/google\.protobuf\.Timestamp/g, 'timestamp') : name;
  return n
    .replace(/dyn<([^<>]*)>/g, '$1')
    .replace(/optional</g, 'optional_type<')
    .replace(/</g, '(')
    .replace(/>/g, ')')
    .replace(/\b(\w+)\.ns\b/g, '$1')
    .replace(/^null$/, short ? 'null' : 'null_type');
}

/** Cel-go style `ERROR: <input>:L:C: msg` plus the source line and a caret. `offset` is a UTF-16 index. */
export function formatCompileMessage(input: string, offset: number, msg: string): string {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < input.length; i++) {
    if (input[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  let lineEnd = input.indexOf('\n', lineStart);
  if (lineEnd < 0) lineEnd = input.length;
  const col = Array.from(input.slice(lineStart, Math.min(offset, input.length))).length;
  const src = input.slice(lineStart, lineEnd);
  return `ERROR: <input>:${line}:${col + 1}: ${msg}\n | ${src}\n | ${'.'.repeat(col)}^`;
}

/** Where cel-go anchors a diagnostic for this node: the `(` of calls, the operator of binaries, ... */
export function anchorOffset(node: CelJsNode | undefined, input: string): number {
  if (!node) return 0;
  switch (node.op) {
    case 'call': {
      const i = input.indexOf('(', node.start);
      return i >= 0 ? i : node.pos;
    }
    case 'rcall': {
      const recv = (node.args as unknown[])[1] as CelJsNode | undefined;
      const i = input.indexOf('(', recv ? recv.end : node.start);
      return i >= 0 ? i : node.pos;
    }
    case '.':
    case '.?': {
      const i = input.lastIndexOf('.', node.pos);
      return i >= 0 ? i : node.pos;
    }
    case '[]':
    case '[?]': {
      const left = (node.args as CelJsNode[])[0];
      const i = input.indexOf('[', left ? left.end : node.start);
      return i >= 0 ? i : node.pos;
    }
    case '==':
    case '!=':
    case '<':
    case '<=':
    case '>':
    case '>=':
    case '+':
    case '-':
    case '*':
    case '/':
    case '%':
    case 'in':
    case '&&':
    case '||': {
      const left = (node.args as CelJsNode[])[0];
      const i = input.indexOf(node.op, left ? left.end : node.start);
      return i >= 0 ? i : node.pos;
    }
    default:
      return node.pos;
  }
}

interface TypeLike {
  name: string;
}

/** Name of the function a call node invokes, as cel-go names it (namespaces folded in). */
export function callName(node: CelJsNode): { name: string; receiver?: TypeLike } {
  const a = node.args as unknown[];
  if (node.op === 'call') return { name: a[0] as string };
  const recv = a[1] as CelJsNode;
  const rt = recv.checkedType;
  if (rt && /\.ns$/.test(rt.name)) return { name: `${rt.name.slice(0, -3)}.${a[0] as string}` };
  return { name: a[0] as string, receiver: rt };
}

/** The cel-go message for a cel-js type-check error. */
export function compileMessage(code: string, summary: string, node: CelJsNode | undefined): string {
  switch (code) {
    case 'unknown_variable':
      return `undeclared reference to '${summary.replace(/^Unknown variable: /, '')}' (in container '')`;
    case 'no_matching_overload': {
      if (!node || (node.op !== 'call' && node.op !== 'rcall')) return summary;
      const decls = (node.candidates as { declarations?: unknown[] } | undefined)?.declarations;
      const { name, receiver } = callName(node);
      if (decls !== undefined && decls.length === 0) return `undeclared reference to '${name}' (in container '')`;
      const argTypes = (node.argTypes ?? []).map((t) => celGoTypeName(t.name, true)).join(', ');
      const recv = receiver ? `${celGoTypeName(receiver.name, true)}.` : '';
      return `found no matching overload for '${name}' applied to '${recv}(${argTypes})'`;
    }
    case 'no_such_overload': {
      if (!node) return summary;
      const opName = OPERATOR_NAMES[node.op] ?? node.op;
      const operands = (Array.isArray(node.args) ? (node.args as CelJsNode[]) : [node.args as CelJsNode])
        .map((n) => celGoTypeName(n.checkedType?.name ?? 'dyn', true))
        .join(', ');
      return `found no matching overload for '${opName}' applied to '(${operands})'`;
    }
    case 'no_such_key':
      return `undefined field '${summary.replace(/^No such key: /, '')}'`;
    case 'invalid_index_type':
    case 'cannot_index_type': {
      const left = node ? (node.args as CelJsNode[])[0] : undefined;
      const t = left?.checkedType ? celGoTypeName(left.checkedType.name) : 'dyn';
      if (node && (node.op === '.' || node.op === '.?')) return `type '${t}' does not support field selection`;
      return `found no matching overload for '_[_]' applied to '(${t}, ${celGoTypeName(
        ((node?.args as CelJsNode[] | undefined)?.[1]?.checkedType?.name) ?? 'dyn',
      )})'`;
    }
    case 'invalid_macro_argument':
      if (/has\(\)/.test(summary)) return 'invalid argument to has() macro';
      if (/iteration variable|invalid variable/.test(summary)) return 'argument must be a simple name';
      return summary;
    case 'invalid_comprehension_range':
      return summary.replace(/^Expression/, 'expression').replace(/\.$/, '');
    case 'heterogeneous_list_element':
    case 'heterogeneous_map_key':
    case 'heterogeneous_map_value': {
      const m = /expected type '([^']*)' but found '([^']*)'/.exec(summary);
      return m ? `expected type '${celGoTypeName(m[1]!)}' but found '${celGoTypeName(m[2]!)}'` : summary;
    }
    default:
      return summary;
  }
}

/** The cel-go message for a cel-js runtime error code and summary. */
export function runtimeMessage(code: string, summary: string): string {
  switch (code) {
    case 'no_such_key':
      return summary.replace(/^No such key: /, 'no such key: ');
    case 'index_out_of_bounds': {
      const m = /index (-?\d+)/.exec(summary);
      return m ? `index out of bounds: ${m[1]}` : 'index out of bounds';
    }
    case 'numeric_overflow':
      return /unsigned/i.test(summary) ? 'unsigned integer overflow' : 'integer overflow';
    case 'division_by_zero':
      return 'division by zero';
    case 'modulo_by_zero':
      return 'modulus by zero';
    case 'no_such_overload':
      return 'no such overload';
    case 'no_matching_overload': {
      const m = /for '(?:[^.']*\.)?([^.(']+)\(/.exec(summary);
      return m ? `no such overload: ${m[1]}` : 'no such overload';
    }
    case 'invalid_condition_type':
    case 'invalid_logical_operand':
    case 'optional_expected':
      return 'no such overload';
    case 'invalid_comprehension_range': {
      const m = /type '([^']*)'/.exec(summary);
      return `got '${goTypeNameOf(m ? m[1]! : 'dyn')}', expected iterable type`;
    }
    case 'optional_value_missing':
      return 'optional.none() dereference';
    case 'unknown_variable':
      return `no such attribute(s): ${summary.replace(/^Unknown variable: /, '')}`;
    case 'int_conversion_error':
      return "type conversion error from 'string' to 'int'";
    case 'uint_conversion_error':
      return "type conversion error from 'string' to 'uint'";
    case 'bool_conversion_error':
      return "type conversion error from 'string' to 'bool'";
    default:
      return summary.length > 0 ? summary[0]!.toLowerCase() + summary.slice(1) : summary;
  }
}

/** cel-go standard functions whose runtime mismatch is a bare `no such overload`. */
const BARE_NO_SUCH_OVERLOAD = new Set(['matches', 'contains', 'startsWith', 'endsWith', 'find', 'findAll', 'or']);
/** ... and those reported as `no such overload: <name>` (trait dispatch). */
const NAMED_NO_SUCH_OVERLOAD = new Set(['size', 'sort']);
/** cel-go's internal names of some library functions. */
const INTERNAL_NAMES: Readonly<Record<string, string>> = { 'math.greatest': 'math.@max', 'math.least': 'math.@min' };

/**
 * cel-go's runtime error for a call whose (dynamic) arguments match no overload: the guarded
 * library bindings report `no such overload: name(argTypes)` (receiver first), cel-go's standard
 * functions a shorter form.
 */
export function noSuchOverloadMessage(name: string, args: readonly unknown[], typeName: (v: unknown) => string): string {
  if (BARE_NO_SUCH_OVERLOAD.has(name)) return 'no such overload';
  if (NAMED_NO_SUCH_OVERLOAD.has(name)) return `no such overload: ${name}`;
  if (name === 'yaml.parse') return `no such overload: parse(yaml.Yaml, ${args.map(typeName).join(', ')})`;
  if (name === 'flatten') return `no such overload: ${typeName(args[0])}.flatten(${args.slice(1).map(typeName).join(', ')})`;
  return `no such overload: ${INTERNAL_NAMES[name] ?? name}(${args.map(typeName).join(', ')})`;
}
