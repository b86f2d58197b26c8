/**
 * Policy `variables`: compiled in order, each one typed into the `variables` object the later
 * expressions see (`variables.name` has the output type of its expression; an unknown name is a
 * compile error), and evaluated lazily once per request.
 *
 * Kyverno's compilers (ValidatingPolicy, ...) type a variable with its exact output type and stop at
 * the first compile error; the Kubernetes admission plugins (ValidatingAdmissionPolicy, `validate.cel`)
 * keep lists/maps/scalars and use `dyn` for anything else, and keep compiling: a failed variable
 * fails only the expressions reading it.
 */
import type { CelEnvironment, CompiledCel } from '../cel/environment.ts';
import { CelEvalError } from '../cel/errors.ts';
import { celJsType, compileField } from './compile.ts';
import type { Variable } from './types.ts';

/** `kyverno.variables` (Kyverno's compilers) or `kubernetes.variables` (admission plugins). */
export type VariablesFlavor = 'kyverno' | 'kubernetes';

export interface CompiledVariable {
  readonly name: string;
  readonly program?: CompiledCel;
  /** compile error (admission plugins keep failed variables) */
  readonly error?: string;
}

export interface CompiledVariables {
  /** the environment with `variables` typed with every variable */
  readonly env: CelEnvironment;
  readonly variables: readonly CompiledVariable[];
  /** the declared field types of `variables` */
  readonly fields: Readonly<Record<string, string>>;
  /** Kyverno's compilers: the compile errors (a failed variable is not declared for later ones) */
  readonly errors: readonly string[];
}

const TYPE_NAME: Record<VariablesFlavor, string> = { kyverno: 'kyverno.variables', kubernetes: 'kubernetes.variables' };

const SCALARS = new Set([
  'bool',
  'bytes',
  'double',
  'int',
  'uint',
  'string',
  'null_type',
  'dyn',
  'google.protobuf.Duration',
  'google.protobuf.Timestamp',
]);

/** A parsed cel-go type name: `list(string)` -> {name: 'list', params: [{name: 'string'}]}. */
interface TypeNode {
  name: string;
  params: TypeNode[];
}

function parseTypeName(s: string): TypeNode | undefined {
  let i = 0;
  const node = (): TypeNode | undefined => {
    const start = i;
    while (i < s.length && s[i] !== '(' && s[i] !== ')' && s[i] !== ',') i++;
    const name = s.slice(start, i).trim();
    if (name === '') return undefined;
    const params: TypeNode[] = [];
    if (s[i] === '(') {
      i++;
      for (;;) {
        const p = node();
        if (!p) return undefined;
        params.push(p);
        if (s[i] === ',') {
          i++;
          continue;
        }
        if (s[i] === ')') {
          i++;
          break;
        }
        return undefined;
      }
    }
    return { name, params };
  };
  const n = node();
  return n && i === s.length ? n : undefined;
}

function printType(n: TypeNode): string {
  return n.params.length === 0 ? n.name : `${n.name}(${n.params.map(printType).join(', ')})`;
}

/** `convertCelTypeToDeclType`: lists and maps keep their (converted) parameters, scalars stay, the rest is dyn. */
function kubernetesDeclType(n: TypeNode): TypeNode {
  if (n.name === 'list' && n.params.length === 1) return { name: 'list', params: [kubernetesDeclType(n.params[0]!)] };
  if (n.name === 'map' && n.params.length === 2) return { name: 'map', params: n.params.map(kubernetesDeclType) };
  if (n.params.length === 0 && SCALARS.has(n.name)) return n;
  return { name: 'dyn', params: [] };
}

/** The declaration of a variable field for a compiled output type. */
function fieldType(flavor: VariablesFlavor, outputType: string): string {
  if (flavor === 'kyverno') return celJsType(outputType);
  const parsed = parseTypeName(outputType);
  return parsed ? celJsType(printType(kubernetesDeclType(parsed))) : 'dyn';
}

/** `env` with `variables` declared as an object with `fields`; unknown field types fall back to dyn. */
export function withVariablesType(env: CelEnvironment, flavor: VariablesFlavor, fields: Readonly<Record<string, string>>): CelEnvironment {
  const name = TYPE_NAME[flavor];
  try {
    return env.extend({ objectTypes: [{ name, fields: { ...fields } }], variables: { variables: name } });
  } catch {
    const safe: Record<string, string> = {};
    for (const [k, t] of Object.entries(fields)) {
      try {
        env.extend({ objectTypes: [{ name, fields: { [k]: t } }] });
        safe[k] = t;
      } catch {
        safe[k] = 'dyn';
      }
    }
    return env.extend({ objectTypes: [{ name, fields: safe }], variables: { variables: name } });
  }
}

/**
 * Compiles `variables` in order against `base` (each sees the earlier ones); the result's `env` has
 * them all. Paths read `<path>[i].expression`.
 */
export function compileVariables(base: CelEnvironment, vars: readonly Variable[], flavor: VariablesFlavor, path: string): CompiledVariables {
  const fields: Record<string, string> = {};
  const out: CompiledVariable[] = [];
  const errors: string[] = [];
  let env = withVariablesType(base, flavor, fields);
  for (let i = 0; i < vars.length; i++) {
    const v = vars[i]!;
    const name = typeof v.name === 'string' ? v.name : '';
    const expression = typeof v.expression === 'string' ? v.expression : '';
    const r = compileField(env, expression, `${path}[${i}].expression`);
    if (!r.ok) {
      if (flavor === 'kyverno') {
        errors.push(r.error);
        continue;
      }
      out.push({ name, error: r.detail });
      fields[name] = 'dyn';
    } else {
      out.push({ name, program: r.program });
      fields[name] = fieldType(flavor, r.program.outputType);
    }
    env = withVariablesType(base, flavor, fields);
  }
  return { env, variables: out, fields, errors };
}

const REF = /\bvariables\s*\.\s*\??\s*([A-Za-z_][A-Za-z0-9_]*)/g;

/**
 * The variables an expression reads (`variables.name`, `variables.?name`), among `names`.
 * `variableRefs('variables.a + variables.b', new Set(['a']))` = `['a']`.
 */
export function variableRefs(expression: string, names: ReadonlySet<string>): string[] {
  let all = REF_CACHE.get(expression);
  if (!all) {
    const found = new Set<string>();
    for (const m of expression.matchAll(REF)) found.add(m[1]!);
    all = [...found];
    if (REF_CACHE.size >= 10_000) REF_CACHE.clear();
    REF_CACHE.set(expression, all);
  }
  return all.filter((n) => names.has(n));
}

/** Names after `variables.` per expression text (policies are evaluated many times). */
const REF_CACHE = new Map<string, string[]>();

/**
 * The `variables` of one request, evaluated lazily and at most once each. Expressions see a view
 * holding only the variables they name (see `variableRefs`): the environment converts the whole
 * `variables` object when an expression first reads it, so a view keeps unrelated variables (and
 * their failures) out of the expression, as Kubernetes' and Kyverno's lazy maps do.
 */
export class LazyVariables {
  private readonly byName = new Map<string, CompiledVariable>();
  private readonly names: ReadonlySet<string>;
  private readonly state = new Map<string, { value: unknown } | { error: CelEvalError }>();
  private readonly refs = new Map<string, string[]>();

  /**
   * `evaluate(v, view)` evaluates a variable with `view` as its `variables`; `failure(v, err)` words
   * the error its readers get.
   */
  constructor(
    variables: readonly CompiledVariable[],
    private readonly evaluate: (v: CompiledVariable, view: Record<string, unknown>) => unknown,
    private readonly failure: (v: CompiledVariable, err: unknown) => string,
  ) {
    for (const v of variables) if (!this.byName.has(v.name)) this.byName.set(v.name, v);
    this.names = new Set(this.byName.keys());
  }

  /** `activation` plus the `variables` view of `program` (use it to evaluate `program`). */
  activationFor(activation: object, program: { readonly expression: string }): Record<string, unknown> {
    const a = Object.create(activation) as Record<string, unknown>;
    a['variables'] = this.view(program.expression);
    return a;
  }

  /** The `variables` value for an expression (its text decides which variables it holds). */
  view(expression: string): Record<string, unknown> {
    let refs = this.refs.get(expression);
    if (!refs) this.refs.set(expression, (refs = variableRefs(expression, this.names)));
    const out: Record<string, unknown> = {};
    for (const name of refs) {
      Object.defineProperty(out, name, { enumerable: true, configurable: true, get: () => this.read(name) });
    }
    return out;
  }

  private read(name: string): unknown {
    let s = this.state.get(name);
    if (!s) {
      const v = this.byName.get(name)!;
      try {
        s = { value: this.evaluate(v, this.view(v.program?.expression ?? '')) };
      } catch (e) {
        const code = e instanceof CelEvalError && e.code === 'CEL_COST_LIMIT' ? 'CEL_COST_LIMIT' : 'CEL_EVAL';
        s = { error: new CelEvalError(code, this.failure(v, e)) };
      }
      this.state.set(name, s);
    }
    if ('error' in s) throw s.error;
    return s.value;
  }
}
