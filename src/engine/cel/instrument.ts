/**
 * Compile-time instrumentation of a type-checked cel-js AST. Every node that cel-go would charge gets
 * an own `evaluate` that charges the evaluation's `CostTracker` (see `cost.ts`) and then runs the node.
 * Calls and operators are evaluated here (arguments left to right, like cel-go) so that
 *  - their cost can be computed from the actual argument values, as cel-go does;
 *  - cel-js builtins whose semantics differ from cel-go's can be replaced (`CelOverride`, e.g. RE2
 *    `matches`, ASCII-only `lowerAscii`, Go formatting of `string(double)`);
 *  - int64 edge cases cel-js misses raise `integer overflow` (`-(-2^63)`, `-2^63 / -1`, `-2^63 % -1`).
 *
 * This relies on cel-js 8 AST internals (`meta`, `handle`, `left`/`right`, `receiverWithArgs`, the
 * comprehension node produced by its macros); `instrument.test.ts` pins that behaviour.
 */
import { Optional } from '@marcbachmann/cel-js';
import { CelFunctionError } from './errors.ts';
import { celTypeName } from './libs/compare.ts';
import { noSuchOverloadMessage } from './messages.ts';
import {
  CALL_COSTS,
  COST_KEY,
  LIST_CREATE_BASE_COST,
  MAP_CREATE_BASE_COST,
  operatorCost,
  type CallCostFn,
  CostLimitExceededError,
  type CostTracker,
  type ValueScope,
} from './cost.ts';

/** The evaluator object cel-js passes to node evaluators. */
export interface CelJsEvaluator {
  run(node: CelJsNode, ctx: ValueScope): unknown;
}

export type EvalFn = (ev: CelJsEvaluator, ast: CelJsNode, ctx: ValueScope) => unknown;

/** The parts of a cel-js AST node the instrumentation reads. */
export interface CelJsNode {
  op: string;
  args: unknown;
  pos: number;
  start: number;
  end: number;
  readonly input: string;
  readonly meta: {
    alternate?: CelJsNode;
    macro?: CelJsMacro;
    evaluate: EvalFn;
  };
  evaluate: EvalFn;
  checkedType?: { name: string; kind: string };
  handle?: (...args: unknown[]) => unknown;
  left?: CelJsNode;
  right?: CelJsNode;
  receiverWithArgs?: CelJsNode[];
  argTypes?: { name: string; kind: string }[];
  candidates?: unknown;
  setMeta(key: string, value: unknown): CelJsNode;
}

/** A parse-time macro object as cel-js keeps it in `meta.macro`. */
export interface CelJsMacro {
  evaluate: (ev: CelJsEvaluator, macro: CelJsMacro, ctx: ValueScope) => unknown;
  typeCheck: (checker: unknown, macro: CelJsMacro, ctx: unknown) => unknown;
  macroHasProps?: CelJsNode[];
  [k: string]: unknown;
}

/** Returned by an override that does not apply to the runtime argument types. */
export const NOT_APPLICABLE: unique symbol = Symbol('not applicable');

/**
 * A replacement for a cel-js builtin whose behaviour differs from cel-go. `apply` receives the
 * evaluated arguments (receiver first for member calls) and returns the result, or `NOT_APPLICABLE`
 * to let cel-js handle these argument types.
 */
export interface CelOverride {
  /** function name; for member calls the method name */
  readonly name: string;
  readonly member: boolean;
  /** number of arguments, not counting the receiver */
  readonly argc: number;
  apply(args: unknown[]): unknown;
  /**
   * Optional compile-time specialisation: receives the literal arguments (`NOT_CONSTANT` for the
   * others) and may return a faster `apply` (e.g. with a precompiled regex), or throw
   * `CelLiteralError` to reject a bad literal at compile time, as cel-go's literal validators do.
   */
  prepare?(consts: readonly unknown[]): ((args: unknown[]) => unknown) | undefined;
  /**
   * When all arguments are literals, evaluate at compile time and report a failure then, as cel-go's
   * constant folding does at program creation (`int("x")`: `type conversion error ...`).
   */
  readonly foldErrors?: boolean;
}

/** Marks a non-literal argument in `CelOverride.prepare`. */
export const NOT_CONSTANT: unique symbol = Symbol('not constant');

/** Thrown by `CelOverride.prepare` for an invalid literal (reported as a compile error). */
export class CelLiteralError extends Error {
  constructor(
    message: string,
    /** index (in `consts`) of the offending argument */
    readonly argIndex?: number,
    /** report `message` as is (a program-creation error in cel-go), not as an `ERROR: <input>...` issue */
    readonly raw = false,
  ) {
    super(message);
    this.name = 'CelLiteralError';
  }
}

/** A compile-time problem found while instrumenting, anchored at `node`. */
export class InstrumentError extends Error {
  constructor(
    readonly node: CelJsNode,
    message: string,
    readonly raw = false,
  ) {
    super(message);
    this.name = 'InstrumentError';
  }
}

export function overrideKey(name: string, member: boolean, argc: number): string {
  return `${member ? '.' : ''}${name}/${argc}`;
}

const INT64_MIN = -(2n ** 63n);
const INT64_OVERFLOW = 2n ** 63n;
const one: CallCostFn = () => 1;

/** Local copies of imports used on the hot path (plain constants are cheaper than import bindings). */
const KEY: string = COST_KEY;
const opCost = operatorCost;

/**
 * The tracker of the evaluation running synchronously on this program; `evaluateWithCost` sets it
 * for the synchronous part. Asynchronous continuations find their tracker in the activation.
 */
export interface CostSlot {
  current: CostTracker | undefined;
}

function charge(slot: CostSlot, ctx: ValueScope, n: number): void {
  if (n === 0) return;
  const t = slot.current ?? (ctx.getValue(KEY) as CostTracker | undefined);
  if (t !== undefined) t.charge(n);
}

function isNode(v: unknown, cls: Function): v is CelJsNode {
  return v instanceof cls;
}

/** Options of one instrumentation run. */
export interface InstrumentOptions {
  overrides: ReadonlyMap<string, CelOverride>;
  /** extra per-function costs (by cel-go function name) beyond `CALL_COSTS` */
  costs?: Readonly<Record<string, CallCostFn>>;
  /** names of namespace constants (`math`, `sets`, `optional`...) whose methods are global functions */
  namespaces: ReadonlySet<string>;
  /** functions (cel-go names) that must not be folded: time-, randomness- or port-dependent */
  impure?: ReadonlySet<string>;
}

/**
 * What cel-go's `OptOptimize` turns into constants at program creation, so they cost nothing at run
 * time: literal lists and maps, type conversions of literals (`int("1")`, `timestamp("...")`,
 * `type(1)`), negative number literals, and `in` over a literal list.
 */
const VARIABLE_RECEIVERS: ReadonlySet<string> = new Set(['json.marshal', 'json.unmarshal', 'yaml.parse']);

const FOLDABLE_CALLS: ReadonlySet<string> = new Set([
  'int',
  'uint',
  'double',
  'string',
  'bytes',
  'bool',
  'dyn',
  'type',
  'timestamp',
  'duration',
]);

function isConstNode(n: CelJsNode, folded: ReadonlySet<CelJsNode>): boolean {
  if (n.op === 'value' || folded.has(n)) return true;
  return n.op === 'id' && n.meta.alternate !== undefined;
}

/** Per-iteration bookkeeping cel-go pays for its macro expansions (measured against cel-go 0.30). */
const COMPREHENSION_STEP_COST: Readonly<Record<string, number>> = { all: 3, exists: 4 };
const COMPREHENSION_RESULT_COST: Readonly<Record<string, number>> = {
  all: 1,
  exists: 1,
  exists_one: 2,
  map: 1,
  filter: 1,
};
/** The loop condition cel-go evaluates once more when `all`/`exists` stop early. */
const COMPREHENSION_EXIT_COST: Readonly<Record<string, number>> = { all: 2, exists: 3 };
const ACCU_PUSH_COST = 12; // `@result + [elem]`: ident 1 + list add 1 + list literal 10
const ACCU_INC_COST = 2; // `@result + 1`: ident 1 + add 1

/**
 * Installs cost accounting, builtin overrides and int64 fixes on every node of a checked AST.
 * Idempotent per node.
 */
export function instrument(root: CelJsNode, opts: InstrumentOptions): CostSlot {
  const slot: CostSlot = { current: undefined };
  const cls = Object.getPrototypeOf(root).constructor as Function;
  const seen = new Set<CelJsNode>();
  const freeIdents = new Set<CelJsNode>();
  const freeRelative = new Set<CelJsNode>();
  const extra = new Map<CelJsNode, number>();
  const folded = new Set<CelJsNode>();
  const earlyExit = new Map<CelJsNode, { step: CelJsNode; cost: number }>();
  const impure = opts.impure ?? new Set<string>();
  const allConst = (nodes: readonly CelJsNode[]): boolean => nodes.every((n) => isConstNode(n, folded));

  const visitValue = (v: unknown): void => {
    if (v === null || typeof v !== 'object') return;
    if (isNode(v, cls)) visit(v);
    else if (Array.isArray(v)) for (const x of v) visitValue(x);
  };

  const visit = (node: CelJsNode): void => {
    if (seen.has(node)) return;
    seen.add(node);
    if (node.op === '?:') {
      // cel-go plans a conditional as an attribute: the variable a branch starts from is read
      // through it without charge (its qualifiers still cost 1 each)
      const [, t, f] = node.args as CelJsNode[];
      // (for a branch selecting from a non-attribute, the relative attribute is not charged)
      for (const b of [t!, f!]) {
        const root = selectRoot(b);
        if (root.op === 'id' && root.meta.alternate === undefined) freeIdents.add(root);
        else if (root !== b) {
          let first = b;
          while ((first.args as CelJsNode[])[0] !== root) first = (first.args as CelJsNode[])[0]!;
          freeRelative.add(first);
        }
      }
    }
    const meta = node.meta;
    // children first
    const args = node.args;
    if (node.op === 'comprehension') {
      const c = args as Record<string, unknown>;
      for (const k of Object.keys(c)) visitValue(c[k]);
    } else visitValue(args);
    if (meta.alternate) {
      const alt = meta.alternate;
      if (alt.op === 'comprehension' && (node.op === 'rcall' || node.op === 'call')) {
        const name = (node.args as unknown[])[0] as string;
        const argc = ((node.op === 'rcall' ? (node.args as unknown[])[2] : (node.args as unknown[])[1]) as unknown[]).length;
        const kind = name === 'map' && argc === 3 ? 'filter' : name;
        const step = (alt.args as { step?: CelJsNode }).step;
        const stepCost = COMPREHENSION_STEP_COST[kind];
        if (step && stepCost) extra.set(step, (extra.get(step) ?? 0) + stepCost);
        const resultCost = COMPREHENSION_RESULT_COST[kind];
        if (resultCost) extra.set(alt, (extra.get(alt) ?? 0) + resultCost);
        const exitCost = COMPREHENSION_EXIT_COST[kind];
        if (exitCost && step) earlyExit.set(alt, { step, cost: exitCost });
      }
      visit(alt);
    }
    if (meta.macro) {
      const m = meta.macro;
      for (const k of Object.keys(m)) {
        if (k === 'ast') continue;
        visitValue(m[k]);
      }
    }
    install(node);
  };

  const install = (node: CelJsNode): void => {
    const meta = node.meta;
    const extraCost = extra.get(node) ?? 0;
    if (meta.alternate) {
      const alt = meta.alternate;
      // constants (namespaces, `cel`, registered constants) cost nothing, like cel-go constants
      if (node.op === 'id') return;
      setEval(slot, node, extraCost, (ev, _ast, ctx) => alt.evaluate(ev, alt, ctx));
      return;
    }
    if (meta.macro) {
      const m = meta.macro;
      let macroCost = extraCost;
      if (node.op === 'call' && (node.args as unknown[])[0] === 'has') {
        // presence tests are free (PresenceTestHasCost(false)); intermediate selections cost 1 each
        macroCost += Math.max(0, (m.macroHasProps?.length ?? 2) - 2);
      } else if (node.op === 'rcall') {
        const name = (node.args as unknown[])[0] as string;
        if (name === 'orValue') macroCost += 1;
      }
      setEval(slot, node, macroCost, (ev, _ast, ctx) => m.evaluate(ev, m, ctx));
      return;
    }
    switch (node.op) {
      case 'value':
      case 'accuValue':
      case '&&':
      case '||':
      case '?:':
        if (extraCost) setEval(slot, node, extraCost, meta.evaluate);
        return;
      case 'accuPush':
        // `@result + [elem]`: the one-element list literal is free when the element is a constant
        setEval(slot, node, extraCost + ACCU_PUSH_COST - (isConstNode(node.args as CelJsNode, folded) ? LIST_CREATE_BASE_COST : 0), meta.evaluate);
        return;
      case 'accuInc':
        setEval(slot, node, extraCost + ACCU_INC_COST, meta.evaluate);
        return;
      case 'id':
        setEval(slot, node, extraCost + (freeIdents.has(node) ? 0 : 1), meta.evaluate);
        return;
      case '.':
      case '[]':
      case '.?':
      case '[?]': {
        // cel-go: a qualifier costs 1; selecting from something that is not an attribute
        // (a literal, a call result) adds 1 for the attribute; an absent optional selection is free
        // (only once per chain: later qualifiers extend that attribute); after an optional
        // selection, a qualifier reached with an absent value is free as well
        const operand = (node.args as CelJsNode[])[0]!;
        const attr = isAttribute(operand) || freeRelative.has(node);
        const base = extraCost + (attr ? 0 : 1);
        if ((node.op === '.' || node.op === '[]') && !hasOptionalSelect(operand)) setEval(slot, node, base + 1, meta.evaluate);
        else installOptionalSelect(slot, node, base);
        return;
      }
      case 'list': {
        const constant = allConst(node.args as CelJsNode[]);
        if (constant) folded.add(node);
        setEval(slot, node, extraCost + (constant ? 0 : LIST_CREATE_BASE_COST), meta.evaluate);
        return;
      }
      case 'map': {
        const constant = allConst((node.args as [CelJsNode, CelJsNode][]).flat());
        if (constant) folded.add(node);
        setEval(slot, node, extraCost + (constant ? 0 : MAP_CREATE_BASE_COST), meta.evaluate);
        return;
      }
      case 'comprehension': {
        setEval(slot, node, extraCost, meta.evaluate);
        const exit = earlyExit.get(node);
        if (exit) installEarlyExit(slot, node, exit.step, exit.cost);
        return;
      }
      case '!_':
      case '-_': {
        const constant = node.op === '-_' && (node.args as CelJsNode).op === 'value';
        if (constant) folded.add(node);
        installUnary(slot, node, extraCost, constant);
        return;
      }
      case 'call':
      case 'rcall':
        if (installCall(slot, node, extraCost, opts, allConst, impure)) folded.add(node);
        return;
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
        installBinary(slot, node, extraCost, false);
        return;
      case 'in': {
        const constant = node.right!.op === 'list' && allConst([node.left!, node.right!]);
        if (constant) folded.add(node);
        installBinary(slot, node, extraCost, constant);
        return;
      }
      default:
        if (extraCost) setEval(slot, node, extraCost, meta.evaluate);
    }
  };

  visit(root);
  return slot;
}

/** Whether cel-go plans `n` as an attribute (a variable, or any selection: a relative attribute). */
function isAttribute(n: CelJsNode): boolean {
  switch (n.op) {
    case 'id':
      return n.meta.alternate === undefined;
    case '.':
    case '[]':
    case '.?':
    case '[?]':
    case '?:':
      return true;
    default:
      return false;
  }
}

/** The operand a chain of selections starts from. */
function selectRoot(n: CelJsNode): CelJsNode {
  let c = n;
  while (c.op === '.' || c.op === '[]' || c.op === '.?' || c.op === '[?]') c = (c.args as CelJsNode[])[0]!;
  return c;
}

/** Whether the selection chain ending at `n` contains an optional selection (`.?`, `[?]`). */
function hasOptionalSelect(n: CelJsNode): boolean {
  for (let c = n; ; c = (c.args as CelJsNode[])[0]!) {
    if (c.op === '.?' || c.op === '[?]') return true;
    if (c.op !== '.' && c.op !== '[]') return false;
  }
}

/**
 * Counts the steps of an `all`/`exists` comprehension; when it stops before the end of the range,
 * charges the loop condition cel-go evaluates once more.
 */
function installEarlyExit(slot: CostSlot, comp: CelJsNode, step: CelJsNode, cost: number): void {
  const iterable = (comp.args as { iterable: CelJsNode }).iterable;
  const state = { len: 0, steps: 0 };
  const evalIterable = iterable.evaluate;
  const size = (v: unknown): number => {
    state.steps = 0;
    state.len = Array.isArray(v) ? v.length : v instanceof Map ? v.size : v !== null && typeof v === 'object' ? Object.keys(v).length : 0;
    return state.len;
  };
  iterable.evaluate = (ev, ast, ctx) => {
    const v = evalIterable(ev, ast, ctx);
    if (v instanceof Promise) return v.then((x: unknown) => (size(x), x));
    size(v);
    return v;
  };
  const evalStep = step.evaluate;
  step.evaluate = (ev, ast, ctx) => {
    state.steps++;
    return evalStep(ev, ast, ctx);
  };
  const evalComp = comp.evaluate;
  const finish = (r: unknown, ctx: ValueScope): unknown => {
    if (state.steps < state.len) charge(slot, ctx, cost);
    return r;
  };
  comp.evaluate = (ev, ast, ctx) => {
    const r = evalComp(ev, ast, ctx);
    if (r instanceof Promise) return r.then((x: unknown) => finish(x, ctx));
    return finish(r, ctx);
  };
}

function installOptionalSelect(slot: CostSlot, node: CelJsNode, base: number): void {
  const inner = node.meta.evaluate;
  const finish = (r: unknown, ctx: ValueScope): unknown => {
    charge(slot, ctx, base + (r instanceof Optional && !r.hasValue() ? 0 : 1));
    return r;
  };
  node.evaluate = (ev, ast, ctx) => {
    const r = inner(ev, ast, ctx);
    if (r instanceof Promise) return r.then((x: unknown) => finish(x, ctx));
    return finish(r, ctx);
  };
}

function setEval(slot: CostSlot, node: CelJsNode, cost: number, inner: EvalFn): void {
  if (cost === 0) {
    node.evaluate = inner;
    return;
  }
  node.evaluate = (ev, ast, ctx) => {
    charge(slot, ctx, cost);
    return inner(ev, ast, ctx);
  };
}

function installUnary(slot: CostSlot, node: CelJsNode, extraCost: number, constant: boolean): void {
  const operand = node.args as CelJsNode;
  const neg = node.op === '-_';
  const finish = (v: unknown, ev: CelJsEvaluator, ctx: ValueScope): unknown => {
    charge(slot, ctx, extraCost + (constant ? 0 : 1));
    const r = node.handle!(v, node, ev);
    if (neg && r === INT64_OVERFLOW) throw new CelFunctionError('integer overflow');
    return r;
  };
  node.evaluate = (ev, _ast, ctx) => {
    const v = ev.run(operand, ctx);
    if (v instanceof Promise) return v.then((x) => finish(x, ev, ctx));
    return finish(v, ev, ctx);
  };
}

function installBinary(slot: CostSlot, node: CelJsNode, extraCost: number, constant: boolean): void {
  const op = node.op;
  const left = node.left!;
  const right = node.right!;
  const divmod = op === '/' || op === '%';
  // cel-go charges `@in` by the list size only when the operand is statically a list
  const staticList = op !== 'in' || right.checkedType?.kind === 'list';
  const finish = (l: unknown, r: unknown, ev: CelJsEvaluator, ctx: ValueScope): unknown => {
    charge(slot, ctx, extraCost + (constant ? 0 : staticList ? opCost(op, l, r) : 1));
    if (divmod && l === INT64_MIN && r === -1n) throw new CelFunctionError('integer overflow');
    return node.handle!(l, r, node, ev);
  };
  node.evaluate = (ev, _ast, ctx) => {
    const l = ev.run(left, ctx);
    const r = ev.run(right, ctx);
    if (l instanceof Promise || r instanceof Promise) {
      return Promise.all([l, r]).then(([a, b]) => finish(a, b, ev, ctx));
    }
    return finish(l, r, ev, ctx);
  };
}

/** Installs a call evaluator; returns true when the call is constant (folded). */
function installCall(
  slot: CostSlot,
  node: CelJsNode,
  extraCost: number,
  opts: InstrumentOptions,
  allConst: (nodes: readonly CelJsNode[]) => boolean,
  impure: ReadonlySet<string>,
): boolean {
  const member = node.op === 'rcall';
  const a = node.args as unknown[];
  const name = a[0] as string;
  const argNodes: CelJsNode[] = member ? node.receiverWithArgs! : (a[1] as CelJsNode[]);
  const argc = member ? argNodes.length - 1 : argNodes.length;
  // namespaced functions (`math.abs(x)`): cel-go sees a global function `math.abs` without receiver
  let costName = name;
  let dropReceiver = false;
  if (member) {
    const recv = a[1] as CelJsNode;
    if (recv.op === 'id' && recv.meta.alternate && opts.namespaces.has(recv.args as string)) {
      costName = `${recv.args as string}.${name}`;
      dropReceiver = true;
    }
  }
  const constant = (!member || dropReceiver) && FOLDABLE_CALLS.has(costName) && !impure.has(costName) && allConst(dropReceiver ? argNodes.slice(1) : argNodes);
  // Kyverno's `json` and `yaml` are variables: reading them costs 1
  if (VARIABLE_RECEIVERS.has(costName)) extraCost += 1;
  const costFn = constant ? () => 0 : (opts.costs?.[costName] ?? CALL_COSTS[costName] ?? one);
  const override = opts.overrides.get(overrideKey(dropReceiver ? costName : name, member && !dropReceiver, argc));
  const handle = node.handle!;
  let apply = override ? override.apply.bind(override) : undefined;
  if (override?.prepare) {
    const nodes = dropReceiver ? argNodes.slice(1) : argNodes;
    const consts = nodes.map((n) => (n.op === 'value' ? (n.args as unknown) : NOT_CONSTANT));
    try {
      apply = override.prepare(consts) ?? apply;
    } catch (e) {
      if (e instanceof CelLiteralError) {
        const at = e.argIndex !== undefined ? nodes[e.argIndex] : undefined;
        throw new InstrumentError(at ?? node, e.message, e.raw);
      }
      throw e;
    }
  }
  const literal = (n: CelJsNode): unknown =>
    n.op === 'value' ? n.args : n.op === '-_' && (n.args as CelJsNode).op === 'value' ? negate((n.args as CelJsNode).args) : NOT_CONSTANT;
  const literals = argNodes.map(literal);
  if (constant && override?.foldErrors && !literals.includes(NOT_CONSTANT)) {
    try {
      override.apply(literals);
    } catch (e) {
      if (e instanceof CelFunctionError) throw new InstrumentError(node, e.message, true);
      throw e;
    }
  }
  const finish = (vals: unknown[], ev: CelJsEvaluator, ctx: ValueScope): unknown => {
    const costArgs = dropReceiver ? vals.slice(1) : vals;
    let r: unknown = NOT_APPLICABLE;
    try {
      if (apply) r = apply(costArgs);
      if (r === NOT_APPLICABLE) r = member ? handle(vals, ev, node) : handle(vals, node, ev);
    } catch (e) {
      // a failing call still costs what cel-go charges for it
      if (!(e instanceof CostLimitExceededError)) charge(slot, ctx, extraCost + costFn(costArgs, undefined));
      const code = (e as { code?: unknown })?.code;
      if (code === 'no_matching_overload' || code === 'optional_expected') {
        throw new CelFunctionError(noSuchOverloadMessage(costName, costArgs, celTypeName));
      }
      throw e;
    }
    if (r instanceof Promise) {
      return r.then((res: unknown) => {
        charge(slot, ctx, extraCost + costFn(costArgs, res));
        return res;
      });
    }
    charge(slot, ctx, extraCost + costFn(costArgs, r));
    return r;
  };
  node.evaluate = (ev, _ast, ctx) => {
    const n = argNodes.length;
    const vals = new Array<unknown>(n);
    let pending = false;
    for (let i = 0; i < n; i++) {
      const v = ev.run(argNodes[i]!, ctx);
      if (v instanceof Promise) pending = true;
      vals[i] = v;
    }
    if (pending) return Promise.all(vals).then((vs) => finish(vs, ev, ctx));
    return finish(vals, ev, ctx);
  };
  return constant;
}

function negate(v: unknown): unknown {
  if (typeof v === 'bigint') return -v;
  if (typeof v === 'number') return -v;
  return NOT_CONSTANT;
}

/** True when `v` is an optional value. */
export function isOptional(v: unknown): v is Optional {
  return v instanceof Optional;
}
