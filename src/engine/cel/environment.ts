/**
 * The CEL evaluator: a cel-js environment carrying the Kubernetes CEL libraries (the set Kyverno's
 * policy compilers use) and Kyverno's own libraries, with cel-go semantics where cel-js differs and
 * the API server's runtime cost limit.
 *
 * ```ts
 * const env = createCelEnvironment({ variables: { object: 'dyn' } });
 * const prog = env.compile('object.spec.replicas <= 5', { path: 'spec.validations[0].expression', outputType: 'bool' });
 * if (isCelCompileError(prog)) throw new Error(prog.toString());
 * prog.evaluate({ object: jsonToCel(pod) }); // true
 * ```
 *
 * Programs are compiled once (parse, type-check, instrumentation) and evaluated many times; each
 * evaluation gets its own `CostTracker` (limit `PER_CALL_LIMIT` unless told otherwise).
 */
import { Environment, Optional } from '@marcbachmann/cel-js';
import { CelCompileError, CelEvalError, CelFunctionError } from './errors.ts';
import { COST_KEY, CostLimitExceededError, CostTracker, PER_CALL_LIMIT, type CallCostFn } from './cost.ts';
import {
  instrument,
  InstrumentError,
  overrideKey,
  type CelJsEvaluator,
  type CelJsMacro,
  type CelJsNode,
  type CelOverride,
  type CostSlot,
} from './instrument.ts';
import { anchorOffset, celGoTypeName, compileMessage, formatCompileMessage, runtimeMessage } from './messages.ts';
import type { CelLibrary, CelLibraryContext, CelValidator } from './library.ts';
import { defaultCelLibraries } from './libs/index.ts';
import { deepEqual } from '../api/json.ts';
import { celToJson } from './values.ts';

/** An object type the type checker knows field by field (Kubernetes `DeclType` objects). */
export interface CelObjectType {
  /** e.g. `kubernetes.AdmissionRequest` */
  readonly name: string;
  /** field name -> cel-js type (`string`, `list<string>`, `map<string, dyn>`, another object type...) */
  readonly fields: Readonly<Record<string, string>>;
}

export interface CelEnvironmentOptions {
  /** declared variables: name -> cel-js type (`dyn`, `map<string, dyn>`, an object type name) */
  readonly variables?: Readonly<Record<string, string>>;
  /** object types, leaves first (a type may only reference types declared before it) */
  readonly objectTypes?: readonly CelObjectType[];
  /** libraries to install; default: `defaultCelLibraries` (Kubernetes + Kyverno) */
  readonly libraries?: readonly CelLibrary[];
  /** ports libraries read at evaluation time (`time.now()`, `random()`) */
  readonly ports?: CelLibraryContext;
  /** per-evaluation runtime cost limit; default `PER_CALL_LIMIT` (1,000,000) */
  readonly costLimit?: number;
  /** reject mixed-type list/map literals, as Kubernetes does (default true) */
  readonly homogeneousAggregateLiterals?: boolean;
}

export interface CelCompileOptions {
  /** the expression's field path in the policy, reported with compile errors */
  readonly path?: string;
  /** required output type(s), cel-go spelling (`bool`, `string`, `null_type`...) */
  readonly outputType?: string | readonly string[];
}

export interface CelEvalOptions {
  /** runtime cost limit for this evaluation (default: the environment's) */
  readonly costLimit?: number;
  /** share a tracker across evaluations (e.g. a per-policy budget); overrides `costLimit` */
  readonly tracker?: CostTracker;
}

/** Activation: variable name -> CEL value (see `jsonToCel`). */
export type CelActivation = Readonly<Record<string, unknown>>;

interface Shared {
  readonly overrides: ReadonlyMap<string, CelOverride>;
  readonly costs: Readonly<Record<string, CallCostFn>>;
  readonly namespaces: ReadonlySet<string>;
  readonly asyncFunctions: ReadonlySet<string>;
  readonly impure: ReadonlySet<string>;
  readonly validators: readonly CelValidator[];
  readonly costLimit: number;
}

/** Creates an environment with the default (or given) libraries and the declared variables. */
export function createCelEnvironment(options: CelEnvironmentOptions = {}): CelEnvironment {
  const env = new Environment({
    enableOptionalTypes: true,
    unlistedVariablesAreDyn: false,
    homogeneousAggregateLiterals: options.homogeneousAggregateLiterals ?? true,
  });
  const libraries = options.libraries ?? defaultCelLibraries;
  const ctx = options.ports ?? {};
  const overrides = new Map<string, CelOverride>();
  const costs: Record<string, CallCostFn> = {};
  const namespaces = new Set<string>(['optional', 'cel']);
  const asyncFunctions = new Set<string>();
  const validators: CelValidator[] = [];
  const recording = recordAsync(env, asyncFunctions);
  for (const lib of libraries) {
    lib.register(recording, ctx);
    for (const o of lib.overrides ?? []) overrides.set(overrideKey(o.name, o.member, o.argc), o);
    Object.assign(costs, lib.costs ?? {});
    for (const ns of lib.namespaces ?? []) namespaces.add(ns);
    validators.push(...(lib.validators ?? []));
  }
  const shared: Shared = {
    overrides,
    costs,
    namespaces,
    asyncFunctions,
    impure: new Set(['time.now', 'random', 'random.random', ...asyncFunctions]),
    validators,
    costLimit: options.costLimit ?? PER_CALL_LIMIT,
  };
  declare(env, options.objectTypes ?? [], options.variables ?? {});
  return new CelEnvironment(env, shared, { ...(options.variables ?? {}) });
}

/** Wraps `registerFunction` so that functions registered with `{async: true}` are remembered. */
function recordAsync(env: Environment, names: Set<string>): Environment {
  return new Proxy(env, {
    get(target, prop, receiver) {
      if (prop === 'registerFunction') {
        return (sig: unknown, handler: unknown, opts?: { async?: boolean }) => {
          if (opts?.async === true && typeof sig === 'string') {
            const m = /([\w@]+)\(/.exec(sig);
            if (m) names.add(m[1]!);
          }
          target.registerFunction(sig as string, handler as (...a: unknown[]) => unknown, opts);
          return receiver;
        };
      }
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as Function).bind(target) : v;
    },
  });
}

function declare(env: Environment, objectTypes: readonly CelObjectType[], variables: Readonly<Record<string, string>>): void {
  const converters = new Map<string, (v: unknown) => unknown>();
  for (const t of objectTypes) registerObjectType(env, t, converters);
  for (const [name, type] of Object.entries(variables)) env.registerVariable(name, type);
}

/** Registers a Kubernetes-style object type whose values are plain maps converted on first access. */
function registerObjectType(env: Environment, t: CelObjectType, converters: Map<string, (v: unknown) => unknown>): void {
  const Ctor = class {};
  Object.defineProperty(Ctor, 'name', { value: t.name });
  const fieldConverters: [string, (v: unknown) => unknown][] = [];
  for (const [field, type] of Object.entries(t.fields)) {
    const c = converterFor(type, converters);
    if (c) fieldConverters.push([field, c]);
  }
  const convert = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Ctor) return v;
    const out = new Ctor() as Record<string, unknown>;
    const src = v as Record<string, unknown>;
    for (const k of Object.keys(src)) {
      if (Object.prototype.hasOwnProperty.call(t.fields, k)) out[k] = src[k];
    }
    for (const [f, c] of fieldConverters) if (out[f] !== undefined) out[f] = c(out[f]);
    return out;
  };
  converters.set(t.name, convert);
  env.registerType(t.name, { ctor: Ctor, fields: { ...t.fields }, convert });
  env.registerOperator(`${t.name} == ${t.name}`, (a: unknown, b: unknown) => deepEqual(celToJson(a), celToJson(b)));
}

function converterFor(type: string, converters: Map<string, (v: unknown) => unknown>): ((v: unknown) => unknown) | undefined {
  const direct = converters.get(type);
  if (direct) return direct;
  const list = /^list<(.+)>$/.exec(type);
  if (list) {
    const inner = converterFor(list[1]!, converters);
    return inner ? (v) => (Array.isArray(v) ? v.map(inner) : v) : undefined;
  }
  const map = /^map<\s*string\s*,\s*(.+)>$/.exec(type);
  if (map) {
    const inner = converterFor(map[1]!, converters);
    if (!inner) return undefined;
    return (v) => {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = inner(x);
      return out;
    };
  }
  return undefined;
}

/** A compile target: libraries + declared variables. */
export class CelEnvironment {
  /** @internal */
  constructor(
    private readonly env: Environment,
    private readonly shared: Shared,
    /** declared variables and their cel-js types */
    readonly variables: Readonly<Record<string, string>>,
  ) {}

  /**
   * A child environment with more variables / object types (this one stays usable for compiling).
   * `env.extend({ variables: { params: 'dyn' } })`.
   */
  extend(options: Pick<CelEnvironmentOptions, 'variables' | 'objectTypes'>): CelEnvironment {
    const child = this.env.clone();
    declare(child, options.objectTypes ?? [], options.variables ?? {});
    return new CelEnvironment(child, this.shared, { ...this.variables, ...(options.variables ?? {}) });
  }

  /**
   * Parses, type-checks and prepares `expression`. Problems come back as `CelCompileError` carrying
   * `options.path`, with cel-go's message.
   */
  compile(expression: string, options: CelCompileOptions = {}): CompiledCel | CelCompileError {
    const path = options.path ?? '';
    let parsed: ReturnType<Environment['parse']>;
    try {
      parsed = this.env.parse(expression);
    } catch (e) {
      return compileFailure('CEL_SYNTAX', path, expression, e);
    }
    const root = parsed.ast as unknown as CelJsNode;
    rewriteMacros(root);
    const checked = parsed.check();
    if (!checked.valid) return compileFailure('CEL_TYPE', path, expression, checked.error, root);
    const strict = strictChecks(root, expression, this.shared.validators);
    if (strict) return new CelCompileError('CEL_TYPE', path, expression, strict);
    let slot: CostSlot;
    try {
      slot = instrument(root, {
        overrides: this.shared.overrides,
        costs: this.shared.costs,
        namespaces: this.shared.namespaces,
        impure: this.shared.impure,
      });
    } catch (e) {
      if (!(e instanceof InstrumentError)) throw e;
      const msg = e.raw ? e.message : formatCompileMessage(expression, anchorOffset(e.node, expression), e.message);
      return new CelCompileError('CEL_TYPE', path, expression, msg);
    }
    const outputType = celGoTypeName(root.checkedType?.name ?? 'dyn');
    if (options.outputType !== undefined) {
      const wanted = typeof options.outputType === 'string' ? [options.outputType] : options.outputType;
      if (!wanted.includes(outputType)) {
        const msg =
          wanted.length === 1
            ? `output is expected to be of type ${wanted[0]!}`
            : `output is expected to be either of type ${wanted.join(' or ')}`;
        return new CelCompileError('CEL_OUTPUT_TYPE', path, expression, msg);
      }
    }
    const async = usesAsync(root, this.shared.asyncFunctions);
    return new CompiledCel(expression, path, outputType, async, parsed as unknown as (ctx: object) => unknown, this.shared.costLimit, slot);
  }
}

function compileFailure(
  code: 'CEL_SYNTAX' | 'CEL_TYPE',
  path: string,
  expression: string,
  err: unknown,
  root?: CelJsNode,
): CelCompileError {
  const e = err as { name?: string; code?: string; summary?: string; node?: CelJsNode; range?: { start: number }; message?: string };
  if (e?.name === 'ParseError') {
    const offset = e.range?.start ?? e.node?.pos ?? 0;
    // macro argument problems are reported by cel-go's macro expanders, without "Syntax error"
    const msg = e.code === 'invalid_macro_argument' ? compileMessage(e.code, e.summary ?? '', e.node) : `Syntax error: ${e.summary ?? e.message ?? ''}`;
    return new CelCompileError('CEL_SYNTAX', path, expression, formatCompileMessage(expression, offset, msg));
  }
  if (e?.name === 'TypeError' && e.code === 'invalid_condition_type' && root) {
    // a non-bool ternary condition: cel-go has no overload of `_?_:_` for those operand types
    const cond = e.node;
    let ternary: CelJsNode | undefined;
    walk(root, (n) => {
      if (n.op === '?:' && (n.args as CelJsNode[])[0] === cond) ternary = n;
    });
    if (ternary) {
      const types = (ternary.args as CelJsNode[]).map((n) => celGoTypeName(n.checkedType?.name ?? literalTypeName(n), true)).join(', ');
      const q = expression.indexOf('?', cond!.end);
      return new CelCompileError(code, path, expression, formatCompileMessage(expression, q >= 0 ? q : 0, `found no matching overload for '_?_:_' applied to '(${types})'`));
    }
  }
  if (e?.name === 'TypeError' || e?.name === 'EvaluationError') {
    const node = e.node;
    const msg = compileMessage(e.code ?? '', e.summary ?? '', node);
    return new CelCompileError(code, path, expression, formatCompileMessage(expression, anchorOffset(node, expression), msg));
  }
  const text = err instanceof Error ? err.message : String(err);
  return new CelCompileError(code, path, expression, formatCompileMessage(expression, 0, text));
}

/** Walks every node of a (possibly macro-expanded) AST. */
function walk(root: CelJsNode, visit: (n: CelJsNode) => void): void {
  const cls = Object.getPrototypeOf(root).constructor as Function;
  const seen = new Set<CelJsNode>();
  const go = (v: unknown): void => {
    if (v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      for (const x of v) go(x);
      return;
    }
    if (!(v instanceof cls)) return;
    const n = v as CelJsNode;
    if (seen.has(n)) return;
    seen.add(n);
    visit(n);
    if (n.op === 'comprehension') {
      const c = n.args as Record<string, unknown>;
      for (const k of Object.keys(c)) go(c[k]);
    } else go(n.args);
    if (n.meta.alternate) go(n.meta.alternate);
    const m = n.meta.macro as Record<string, unknown> | undefined;
    if (m) for (const k of Object.keys(m)) if (k !== 'ast') go(m[k]);
  };
  go(root);
}

/**
 * Kyverno's compat `orValue`: `x.orValue(y)` is `x`'s value when `x` is an optional with a value,
 * `y` when it is an empty optional, and `x` itself when `x` is not an optional (cel-go 0.27
 * behaviour Kyverno restores). Both sides are evaluated (errors propagate); the type is `dyn`.
 */
function rewriteMacros(root: CelJsNode): void {
  walk(root, (n) => {
    if (n.op === 'rcall' && (n.args as unknown[])[0] === 'format') {
      // cel-go exempts the arguments of string.format from homogeneous-literal checks
      const args = (n.args as unknown[])[2] as CelJsNode[];
      if (args.length === 1) exemptLiterals(args[0]!);
    }
    if (n.op === 'rcall' || n.op === 'comprehension') {
      // an empty literal as comprehension range: list(dyn) / map(dyn, dyn), as cel-go types it
      const recv = n.op === 'comprehension' ? (n.args as { iterable?: CelJsNode }).iterable : ((n.args as unknown[])[1] as CelJsNode);
      if (recv && (recv.op === 'list' || recv.op === 'map') && (recv.args as unknown[]).length === 0) {
        const t = recv.op === 'list' ? 'list' : 'map';
        recv.setMeta('check', (chk: { getType(n: string): unknown }) => chk.getType(t));
      }
    }
    if (n.op === 'call' && n.meta.macro && (n.args as unknown[])[0] === 'has') {
      const arg = ((n.args as unknown[])[1] as CelJsNode[])[0];
      if (arg && arg.op === '.' && !selectsIdentifier(arg)) n.setMeta('macro', hasOnExpression(arg));
      return;
    }
    if (n.op !== 'rcall' || !n.meta.macro) return;
    const a = n.args as unknown[];
    if (a[0] !== 'orValue' || (a[2] as unknown[]).length !== 1) return;
    const receiver = a[1] as CelJsNode;
    const arg = (a[2] as CelJsNode[])[0]!;
    n.setMeta('macro', orValueCompat(n, receiver, arg));
  });
}

/** Type name of a literal node that was not type-checked (cel-js stops at the first error). */
function literalTypeName(n: CelJsNode): string {
  if (n.op !== 'value') return 'dyn';
  const v = n.args;
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'double';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (v === null) return 'null_type';
  if (v instanceof Uint8Array) return 'bytes';
  return 'uint';
}

interface ListChecker {
  check(n: CelJsNode, ctx: unknown): { unify(r: unknown, o: unknown): unknown };
  getType(name: string): unknown;
  registry: { getListType(t: unknown): unknown };
}

/** Marks list/map literals (recursively) as exempt from the homogeneous-literal rule. */
function exemptLiterals(n: CelJsNode): void {
  if (n.op === 'list') {
    n.setMeta('check', heterogeneousListCheck);
    for (const e of n.args as CelJsNode[]) exemptLiterals(e);
  } else if (n.op === 'map') {
    n.setMeta('check', heterogeneousMapCheck);
    for (const [k, v] of n.args as [CelJsNode, CelJsNode][]) {
      exemptLiterals(k);
      exemptLiterals(v);
    }
  }
}

interface MapChecker extends ListChecker {
  registry: ListChecker['registry'] & { getMapType(k: unknown, v: unknown): unknown };
}

/** A map literal whose keys/values may have different types. */
function heterogeneousMapCheck(chk: MapChecker, ast: CelJsNode, ctx: unknown): unknown {
  const entries = ast.args as [CelJsNode, CelJsNode][];
  if (entries.length === 0) return chk.getType('map<K, V>');
  let k = chk.check(entries[0]![0], ctx);
  let v = chk.check(entries[0]![1], ctx);
  for (let i = 1; i < entries.length; i++) {
    k = (k.unify(chk.registry, chk.check(entries[i]![0], ctx)) ?? chk.getType('dyn')) as typeof k;
    v = (v.unify(chk.registry, chk.check(entries[i]![1], ctx)) ?? chk.getType('dyn')) as typeof v;
  }
  return chk.registry.getMapType(k, v);
}

/** A list literal whose elements may have different types (`list(dyn)` then). */
function heterogeneousListCheck(chk: ListChecker, ast: CelJsNode, ctx: unknown): unknown {
  const items = ast.args as CelJsNode[];
  if (items.length === 0) return chk.getType('list<T>');
  let t = chk.check(items[0]!, ctx);
  for (let i = 1; i < items.length; i++) {
    const u = t.unify(chk.registry, chk.check(items[i]!, ctx));
    t = (u ?? chk.getType('dyn')) as typeof t;
  }
  return chk.registry.getListType(t);
}

/** True when a selection chain (`a.b.c`, `a.?b.c`) starts at an identifier (cel-js' own has() handles those). */
function selectsIdentifier(n: CelJsNode): boolean {
  while (n.op === '.' || n.op === '.?') n = (n.args as CelJsNode[])[0]!;
  return n.op === 'id';
}

/**
 * `has(e.f)` where `e` is any expression (a call, an index, a literal): cel-go accepts every select
 * operand, cel-js only identifier chains. `e` is evaluated normally (its errors propagate), then the
 * presence of `f` is tested.
 */
function hasOnExpression(arg: CelJsNode): CelJsMacro {
  const [operand, field] = arg.args as [CelJsNode, string];
  const present = (ev: CelJsEvaluator, obj: unknown): boolean =>
    (ev as unknown as { debugType(v: unknown): { fieldLazy(o: unknown, f: string, n: CelJsNode, e: unknown): unknown } })
      .debugType(obj)
      .fieldLazy(obj, field, arg, ev) !== undefined;
  return {
    operand,
    // the operand's own evaluation is costed; the presence test is free
    macroHasProps: [arg, operand],
    typeCheck(checker: unknown, _m: CelJsMacro, ctx: unknown) {
      const chk = checker as { check(n: CelJsNode, c: unknown): unknown; getType(name: string): unknown };
      chk.check(operand, ctx);
      return chk.getType('bool');
    },
    evaluate(ev: CelJsEvaluator, _m: CelJsMacro, ctx) {
      const obj = ev.run(operand, ctx);
      if (obj instanceof Promise) return obj.then((o) => present(ev, o));
      return present(ev, obj);
    },
  };
}

function orValueCompat(node: CelJsNode, receiver: CelJsNode, arg: CelJsNode): CelJsMacro {
  const pick = (l: unknown, r: unknown): unknown =>
    l instanceof Optional ? (l.hasValue() ? l.value() : r) : l;
  return {
    receiver,
    arg,
    typeCheck(checker: unknown, _m: CelJsMacro, ctx: unknown) {
      const chk = checker as { check(n: CelJsNode, c: unknown): unknown; getType(name: string): unknown };
      chk.check(receiver, ctx);
      chk.check(arg, ctx);
      if (!(receiver as unknown as { maybeAsync: boolean }).maybeAsync && !(arg as unknown as { maybeAsync: boolean }).maybeAsync) {
        node.setMeta('async', false);
      }
      return chk.getType('dyn');
    },
    evaluate(ev: CelJsEvaluator, _m: CelJsMacro, ctx) {
      const l = ev.run(receiver, ctx);
      const r = ev.run(arg, ctx);
      if (l instanceof Promise || r instanceof Promise) return Promise.all([l, r]).then(([x, y]) => pick(x, y));
      return pick(l, r);
    },
  };
}

/**
 * Checks cel-js leaves to run time but cel-go rejects at compile time: a member call on a `dyn`
 * receiver whose arguments match no overload (`x.s.startsWith(1)`), or an unknown member function.
 */
function strictChecks(root: CelJsNode, input: string, validators: readonly CelValidator[]): string | undefined {
  let problem: string | undefined;
  walk(root, (n) => {
    if (problem) return;
    for (const v of validators) {
      const r = v(n);
      if (r) {
        problem = formatCompileMessage(input, anchorOffset(r.at, input), r.message);
        return;
      }
    }
    if (problem || n.op !== 'rcall' || n.meta.macro || n.meta.alternate) return;
    const recv = (n.args as unknown[])[1] as CelJsNode;
    if (recv.checkedType?.kind !== 'dyn') return;
    const cands = n.candidates as { findFunction(a: unknown[], r: unknown): unknown; declarations: unknown[] } | undefined;
    if (!cands) return;
    if (cands.declarations.length > 0 && cands.findFunction(n.argTypes ?? [], recv.checkedType)) return;
    problem = formatCompileMessage(input, anchorOffset(n, input), compileMessage('no_matching_overload', '', n));
  });
  return problem;
}

function usesAsync(root: CelJsNode, asyncFunctions: ReadonlySet<string>): boolean {
  if (asyncFunctions.size === 0) return false;
  let found = false;
  walk(root, (n) => {
    if ((n.op === 'call' || n.op === 'rcall') && asyncFunctions.has((n.args as unknown[])[0] as string)) found = true;
  });
  return found;
}

/** Result of `evaluateWithCost`. */
export interface CelEvalResult {
  readonly value: unknown;
  /** actual cost charged by this evaluation */
  readonly cost: number;
}

/** A compiled expression. */
export class CompiledCel {
  /** @internal */
  constructor(
    readonly expression: string,
    readonly path: string,
    /** output type in cel-go spelling, e.g. `bool`, `list(string)`, `dyn` */
    readonly outputType: string,
    /** true when the expression calls a port-backed function that may answer asynchronously */
    readonly async: boolean,
    private readonly run: (ctx: object) => unknown,
    private readonly costLimit: number,
    private readonly slot: CostSlot,
  ) {}

  /**
   * Evaluates synchronously. Throws `CelEvalError` (`CEL_EVAL`, `CEL_COST_LIMIT`, or `CEL_ASYNC`
   * when the expression needs `evaluateAsync`). Returns a CEL value (see `celToJson`).
   */
  evaluate(activation: CelActivation, options?: CelEvalOptions): unknown {
    if (this.async) {
      throw new CelEvalError('CEL_ASYNC', 'expression uses an asynchronous function; use evaluateAsync', this.path);
    }
    const r = this.evaluateWithCost(activation, options) as CelEvalResult;
    return r.value;
  }

  /** Evaluates, awaiting port-backed functions. */
  async evaluateAsync(activation: CelActivation, options?: CelEvalOptions): Promise<unknown> {
    return (await this.evaluateWithCost(activation, options)).value;
  }

  /** Evaluates and reports the actual cost; a Promise only when the evaluation went asynchronous. */
  evaluateWithCost(activation: CelActivation, options?: CelEvalOptions): CelEvalResult | Promise<CelEvalResult> {
    const tracker = options?.tracker ?? new CostTracker(options?.costLimit ?? this.costLimit);
    const before = tracker.cost;
    const frame = Object.create(activation) as Record<string, unknown>;
    frame[COST_KEY] = tracker;
    let r: unknown;
    const previous = this.slot.current;
    this.slot.current = tracker;
    try {
      r = this.run(frame);
    } catch (e) {
      throw this.toEvalError(e, tracker);
    } finally {
      this.slot.current = previous;
    }
    if (r instanceof Promise) {
      return r.then(
        (v: unknown) => this.finish(v, tracker, before),
        (e: unknown) => {
          throw this.toEvalError(e, tracker);
        },
      );
    }
    return this.finish(r, tracker, before);
  }

  private finish(value: unknown, tracker: CostTracker, before: number): CelEvalResult {
    if (tracker.exceeded) throw this.toEvalError(new CostLimitExceededError(), tracker);
    return { value, cost: tracker.cost - before };
  }

  private toEvalError(e: unknown, tracker: CostTracker): CelEvalError {
    if (e instanceof CelEvalError) return e;
    if (e instanceof CostLimitExceededError || tracker.exceeded) {
      return new CelEvalError('CEL_COST_LIMIT', new CostLimitExceededError().message, this.path);
    }
    if (e instanceof CelFunctionError) return new CelEvalError('CEL_EVAL', e.message, this.path, { cause: e });
    const ce = e as { name?: string; code?: string; summary?: string; message?: string };
    if (ce?.name === 'EvaluationError' || ce?.name === 'TypeError') {
      return new CelEvalError('CEL_EVAL', runtimeMessage(ce.code ?? '', ce.summary ?? ''), this.path, { cause: e });
    }
    const msg = e instanceof Error ? e.message : String(e);
    return new CelEvalError('CEL_EVAL', msg, this.path, { cause: e });
  }
}
