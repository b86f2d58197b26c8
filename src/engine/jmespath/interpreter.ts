/**
 * go-jmespath fork's tree interpreter, compiled once into closures.
 *
 * NotFound (a missing map key) is carried as a `Missing` marker, mirroring where the fork returns
 * NotFoundError and where it swallows it:
 * - propagated by sub-expressions (`a.b`, `a[0]`) and by the right side of `&&`;
 * - turned into null by comparators, function arguments, `||`, the left side of `&&`, `!`, pipes,
 *   multi-selects, projection and filter elements, and projection left sides;
 * - filter projections, flattens and `*` value projections turn *any* error of their left side
 *   into null (Go returns `nil, nil` there), except Go panics.
 * A `Missing` that reaches the top becomes `NotFoundError` (`Unknown key "x" in path`).
 *
 * Other fork details kept: only numbers are ordered (`'a' < 'b'` is null); `==` is reflect.DeepEqual;
 * `*` over a map first projects one null per entry (Go's `make([]interface{}, n)` + append), so
 * `*.\`...\``-like constant right sides yield extra items; map iteration follows insertion order (Go's
 * is random).
 */
import { NodeType, TokType, type Node } from './ast.ts';
import { JmesPathError, goPanic } from './errors.ts';
import { formatV, formatJpTypes } from './go-fmt.ts';
import type { FunctionDef, JpType } from './functions/types.ts';
import {
  ExpRef,
  GoValue,
  MapSlice,
  Missing,
  deepEqualGo,
  isFalse,
  isMap,
  type ObjectValue,
  type Result,
  type Value,
} from './values.ts';

/** A compiled node: evaluates against the current value. */
export type Evaluator = (v: Value) => Result;

/** An expression reference with its compiled body. */
export class CompiledExpRef extends ExpRef {
  constructor(
    ref: Node,
    readonly fn: Evaluator,
  ) {
    super(ref);
  }
}

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * A map field or the NotFound marker. JSON data never holds undefined or functions, so a single
 * property read decides for existing keys; only misses (or `__proto__`) pay for the own-property check.
 */
function readField(m: ObjectValue, key: string, miss: Missing): Result {
  const v = m[key];
  if (v === undefined || typeof v === 'function' || key === '__proto__') {
    // an own `undefined` (not JSON, but possible in caller-built objects) counts as absent
    return v !== undefined && hasOwn.call(m, key) ? (v as Value) : miss;
  }
  return v;
}

function swallow(r: Result): Value {
  return r instanceof Missing ? null : r;
}

/** Errors that Go returns (as opposed to panics): swallowed by some constructs. */
function isReturnedError(err: unknown): boolean {
  return err instanceof JmesPathError && err.code !== 'JMESPATH_PANIC';
}

function runtimeError(msg: string): JmesPathError {
  return new JmesPathError('JMESPATH_RUNTIME', msg);
}

function nodeTypeName(t: NodeType): string {
  const names = [
    'ASTEmpty', 'ASTComparator', 'ASTCurrentNode', 'ASTExpRef', 'ASTFunctionExpression', 'ASTField',
    'ASTFilterProjection', 'ASTFlatten', 'ASTIdentity', 'ASTIndex', 'ASTIndexExpression', 'ASTKeyValPair',
    'ASTLiteral', 'ASTMultiSelectHash', 'ASTMultiSelectList', 'ASTOrExpression', 'ASTAndExpression',
    'ASTNotExpression', 'ASTPipe', 'ASTProjection', 'ASTSubexpression', 'ASTSlice', 'ASTValueProjection',
  ];
  return names[t] ?? `ASTNodeType(${t})`;
}

/** go-jmespath's ArgSpec.typeCheck for one type. */
function matchesType(t: JpType, v: Value): boolean {
  switch (t) {
    case 'number':
      return typeof v === 'number';
    case 'string':
      return typeof v === 'string';
    case 'array':
      return Array.isArray(v) || v instanceof MapSlice;
    case 'object':
      return isMap(v);
    case 'array[number]':
      return Array.isArray(v) && v.every((x) => typeof x === 'number');
    case 'array[string]':
      return Array.isArray(v) && v.every((x) => typeof x === 'string');
    case 'any':
      return true;
    case 'expref':
      return v instanceof ExpRef;
    default:
      return false;
  }
}

/** go-jmespath's FunctionCaller.CallFunction after the lookup: arity and type checks, then the call. */
export function callFunction(fn: FunctionDef, args: Value[]): Value {
  const specs = fn.args;
  if (specs.length > 0) {
    const last = specs[specs.length - 1];
    if (!last?.variadic) {
      if (specs.length !== args.length) throw new JmesPathError('JMESPATH_ARITY', 'incorrect number of args');
      for (let i = 0; i < specs.length; i++) {
        const spec = specs[i] as (typeof specs)[number];
        const a = args[i] as Value;
        let ok = false;
        for (const t of spec.types) {
          if (matchesType(t, a)) {
            ok = true;
            break;
          }
        }
        if (!ok) {
          throw new JmesPathError('JMESPATH_TYPE', `Invalid type for: ${formatV(a)}, expected: ${formatJpTypes(spec.types)}`);
        }
      }
    } else if (args.length < specs.length) {
      throw new JmesPathError('JMESPATH_ARITY', 'Invalid arity.');
    }
  }
  return fn.handler(args);
}

function capSlice(length: number, actual: number, step: number): number {
  if (actual < 0) {
    actual += length;
    if (actual < 0) actual = step < 0 ? -1 : 0;
  } else if (actual >= length) {
    actual = step < 0 ? length - 1 : length;
  }
  return actual;
}

/** go-jmespath's slice(). */
export function sliceOf(items: readonly Value[], parts: ReadonlyArray<number | null>): Value[] {
  const length = items.length;
  const p0 = parts[0] ?? null;
  const p1 = parts[1] ?? null;
  const p2 = parts[2] ?? null;
  let step: number;
  if (p2 === null) step = 1;
  else if (p2 === 0) throw runtimeError('Invalid slice, step cannot be 0');
  else step = p2;
  const neg = step < 0;
  const start = p0 === null ? (neg ? length - 1 : 0) : capSlice(length, p0, step);
  const stop = p1 === null ? (neg ? -1 : length) : capSlice(length, p1, step);
  const out: Value[] = [];
  if (step > 0) for (let i = start; i < stop; i += step) out.push(items[i] as Value);
  else for (let i = start; i > stop; i += step) out.push(items[i] as Value);
  return out;
}

/** Resolves function names at compile time. */
export type FunctionLookup = (name: string) => FunctionDef | undefined;

/** Compilation output: the evaluator and whether results may hold Go-only values. */
export interface Compiled {
  readonly evaluate: Evaluator;
  /** true when results may hold GoInt/MapSlice/ExpRef values (compare(), items(), `&expr`) */
  readonly mayReturnGoValues: boolean;
}

const GO_VALUE_FUNCTIONS = new Set(['compare', 'items']);

/** Compiles a parsed expression. */
export function compileNode(root: Node, lookup: FunctionLookup): Compiled {
  let mayReturnGoValues = false;

  const compile = (n: Node): Evaluator => {
    switch (n.type) {
      case NodeType.Comparator:
        return compileComparator(n);
      case NodeType.ExpRef: {
        mayReturnGoValues = true;
        const child = n.children[0] as Node;
        const ref = new CompiledExpRef(child, compile(child));
        return () => ref;
      }
      case NodeType.FunctionExpression:
        return compileFunction(n);
      case NodeType.Field: {
        const key = n.value as string;
        const miss = new Missing(key);
        return (v) => (isMap(v) ? readField(v, key, miss) : null);
      }
      case NodeType.FilterProjection:
        return compileFilter(n);
      case NodeType.Flatten: {
        const left = compile(n.children[0] as Node);
        return (v) => {
          let l: Result;
          try {
            l = left(v);
          } catch (err) {
            if (isReturnedError(err)) return null;
            throw err;
          }
          if (!Array.isArray(l) && !(l instanceof MapSlice)) return null;
          const out: Value[] = [];
          for (const el of Array.isArray(l) ? l : l.items) {
            if (Array.isArray(el)) for (const x of el) out.push(x);
            else if (el instanceof MapSlice) for (const x of el.items) out.push(x);
            else out.push(el);
          }
          return out;
        };
      }
      case NodeType.Identity:
      case NodeType.CurrentNode:
        return (v) => v;
      case NodeType.Index: {
        const index = n.value as number;
        return (v) => {
          const items = Array.isArray(v) ? v : v instanceof MapSlice ? v.items : undefined;
          if (items === undefined) return null;
          const i = index < 0 ? index + items.length : index;
          return i >= 0 && i < items.length ? (items[i] as Value) : null;
        };
      }
      case NodeType.KeyValPair:
        return compile(n.children[0] as Node);
      case NodeType.Literal: {
        const lit = n.value as Value;
        return () => lit;
      }
      case NodeType.MultiSelectHash: {
        const keys = n.children.map((c) => c.value as string);
        const fns = n.children.map(compile);
        return (v) => {
          if (v === null) return null;
          const out: ObjectValue = {};
          for (let i = 0; i < fns.length; i++) out[keys[i] as string] = swallow((fns[i] as Evaluator)(v));
          return out;
        };
      }
      case NodeType.MultiSelectList: {
        const fns = n.children.map(compile);
        return (v) => {
          if (v === null) return null;
          const out: Value[] = new Array(fns.length);
          for (let i = 0; i < fns.length; i++) out[i] = swallow((fns[i] as Evaluator)(v));
          return out;
        };
      }
      case NodeType.OrExpression: {
        const left = compile(n.children[0] as Node);
        const right = compile(n.children[1] as Node);
        return (v) => {
          const m = swallow(left(v));
          return isFalse(m) ? swallow(right(v)) : m;
        };
      }
      case NodeType.AndExpression: {
        const left = compile(n.children[0] as Node);
        const right = compile(n.children[1] as Node);
        return (v) => {
          const m = swallow(left(v));
          return isFalse(m) ? m : right(v);
        };
      }
      case NodeType.NotExpression: {
        const child = compile(n.children[0] as Node);
        return (v) => isFalse(swallow(child(v)));
      }
      case NodeType.Pipe: {
        const fns = n.children.map(compile);
        return (v) => {
          let r: Value = v;
          for (const f of fns) r = swallow(f(r));
          return r;
        };
      }
      case NodeType.Projection: {
        const left = compile(n.children[0] as Node);
        const right = compile(n.children[1] as Node);
        return (v) => {
          const l = left(v);
          if (!Array.isArray(l) && !(l instanceof MapSlice)) return null;
          const out: Value[] = [];
          for (const el of Array.isArray(l) ? l : l.items) {
            const cur = right(el);
            if (cur !== null && !(cur instanceof Missing)) out.push(cur);
          }
          return out;
        };
      }
      case NodeType.Subexpression:
      case NodeType.IndexExpression:
        return compileSubexpression(n);
      case NodeType.Slice: {
        const parts = n.value as ReadonlyArray<number | null>;
        return (v) => {
          if (Array.isArray(v)) return sliceOf(v, parts);
          if (v instanceof MapSlice) return sliceOf(v.items, parts);
          return null;
        };
      }
      case NodeType.ValueProjection: {
        const left = compile(n.children[0] as Node);
        const right = compile(n.children[1] as Node);
        return (v) => {
          let l: Result;
          try {
            l = left(v);
          } catch (err) {
            if (isReturnedError(err)) return null;
            throw err;
          }
          if (!isMap(l)) return null;
          const out: Value[] = [];
          const keys = Object.keys(l);
          // Go's make([]interface{}, len(m)) followed by append: one leading nil per entry
          for (let i = 0; i < keys.length; i++) {
            const cur = right(null);
            if (cur !== null && !(cur instanceof Missing)) out.push(cur);
          }
          for (const k of keys) {
            const cur = right(l[k] as Value);
            if (cur !== null && !(cur instanceof Missing)) out.push(cur);
          }
          return out;
        };
      }
      default: {
        const msg = `Unknown AST node: ${nodeTypeName(n.type)}`;
        return () => {
          throw runtimeError(msg);
        };
      }
    }
  };

  const compileSubexpression = (n: Node): Evaluator => {
    // fast path: a chain of fields (`request.object.metadata.name`)
    const keys: string[] = [];
    let cur: Node = n;
    while (cur.type === NodeType.Subexpression && (cur.children[1] as Node).type === NodeType.Field) {
      keys.unshift((cur.children[1] as Node).value as string);
      cur = cur.children[0] as Node;
    }
    if (cur.type === NodeType.Field && keys.length > 0) {
      keys.unshift(cur.value as string);
      const misses = keys.map((k) => new Missing(k));
      const count = keys.length;
      return (v) => {
        let r: Result = v;
        for (let i = 0; i < count; i++) {
          if (!isMap(r)) return null;
          r = readField(r, keys[i] as string, misses[i] as Missing);
          if (r instanceof Missing) return r;
        }
        return r;
      };
    }
    const left = compile(n.children[0] as Node);
    const right = compile(n.children[1] as Node);
    return (v) => {
      const l = left(v);
      return l instanceof Missing ? l : right(l);
    };
  };

  const compileComparator = (n: Node): Evaluator => {
    const left = compile(n.children[0] as Node);
    const right = compile(n.children[1] as Node);
    switch (n.value as TokType) {
      case TokType.EQ:
        return (v) => deepEqualGo(swallow(left(v)), swallow(right(v)));
      case TokType.NE:
        return (v) => !deepEqualGo(swallow(left(v)), swallow(right(v)));
      case TokType.GT:
        return (v) => {
          const l = left(v);
          const r = right(v);
          return typeof l === 'number' && typeof r === 'number' ? l > r : null;
        };
      case TokType.GTE:
        return (v) => {
          const l = left(v);
          const r = right(v);
          return typeof l === 'number' && typeof r === 'number' ? l >= r : null;
        };
      case TokType.LT:
        return (v) => {
          const l = left(v);
          const r = right(v);
          return typeof l === 'number' && typeof r === 'number' ? l < r : null;
        };
      default:
        return (v) => {
          const l = left(v);
          const r = right(v);
          return typeof l === 'number' && typeof r === 'number' ? l <= r : null;
        };
    }
  };

  const compileFilter = (n: Node): Evaluator => {
    const left = compile(n.children[0] as Node);
    const right = compile(n.children[1] as Node);
    const cond = compile(n.children[2] as Node);
    return (v) => {
      let l: Result;
      try {
        l = left(v);
      } catch (err) {
        if (isReturnedError(err)) return null;
        throw err;
      }
      if (!Array.isArray(l) && !(l instanceof MapSlice)) return null;
      const out: Value[] = [];
      for (const el of Array.isArray(l) ? l : l.items) {
        if (!isFalse(swallow(cond(el)))) {
          const cur = right(el);
          if (cur !== null && !(cur instanceof Missing)) out.push(cur);
        }
      }
      return out;
    };
  };

  const compileFunction = (n: Node): Evaluator => {
    const name = n.value;
    if (typeof name !== 'string') {
      return () => {
        throw runtimeError('invalid node value type');
      };
    }
    const fns = n.children.map(compile);
    const count = fns.length;
    const def = lookup(name);
    if (GO_VALUE_FUNCTIONS.has(name)) mayReturnGoValues = true;
    return (v) => {
      const args: Value[] = new Array(count);
      for (let i = 0; i < count; i++) args[i] = swallow((fns[i] as Evaluator)(v));
      if (def === undefined) throw new JmesPathError('JMESPATH_UNKNOWN_FUNCTION', `unknown function: ${name}`);
      return callFunction(def, args);
    };
  };

  const evaluate = compile(root);
  return { evaluate, mayReturnGoValues };
}

/** Raises Go's panic for a `.([]interface{})` assertion on a non-[]interface{} value. */
export function assertArray(v: Value): Value[] {
  if (Array.isArray(v)) return v;
  throw goPanic(`interface conversion: interface {} is ${goTypeName(v)}, not []interface {}`);
}

/** Raises Go's panic for a `.(map[string]interface{})` assertion. */
export function assertMap(v: Value): ObjectValue {
  if (isMap(v)) return v;
  throw goPanic(`interface conversion: interface {} is ${goTypeName(v)}, not map[string]interface {}`);
}

/** The Go dynamic type name of a runtime value (for panic messages). */
export function goTypeName(v: Value): string {
  if (v === null) return 'nil';
  switch (typeof v) {
    case 'number':
      return 'float64';
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    default:
      break;
  }
  if (Array.isArray(v)) return '[]interface {}';
  if (v instanceof GoValue) {
    if (v instanceof MapSlice) return '[]map[string]interface {}';
    if (v instanceof ExpRef) return 'jmespath.expRef';
    return 'int';
  }
  return 'map[string]interface {}';
}
