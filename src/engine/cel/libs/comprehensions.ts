/**
 * cel-go two-variable comprehensions (`ext.TwoVarComprehensions()`, Kubernetes 1.32+):
 * `all(i, v, p)`, `exists(i, v, p)`, `existsOne(i, v, p)` (and `exists_one`), `transformList(i, v,
 * [filter,] expr)`, `transformMap(k, v, [filter,] expr)`, `transformMapEntry(k, v, [filter,] expr)`.
 * Over a list `i` is the index and `v` the element; over a map `k`/`v` are key and value.
 * `all`/`exists` absorb errors like CEL's logical operators (a decisive element wins over an error).
 */
import { chargeCtx, type ValueScope } from '../cost.ts';
import { fail } from '../errors.ts';
import type { CelJsEvaluator, CelJsNode } from '../instrument.ts';
import type { CelLibrary } from '../library.ts';
import { goTypeName, mapEntries } from './compare.ts';
import { bindIter, macroIdent, MacroArgumentError, registerMacro, type CheckScope, type MacroChecker, type TypeDecl } from './macro-util.ts';

type Kind = 'all' | 'exists' | 'existsOne' | 'transformList' | 'transformMap' | 'transformMapEntry';

/** Per-iteration bookkeeping cel-go pays for each macro expansion. */
const STEP_COST: Readonly<Record<Kind, number>> = {
  all: 3,
  exists: 4,
  existsOne: 0,
  transformList: 12,
  transformMap: 3,
  transformMapEntry: 2,
};

function entriesOf(coll: unknown): [unknown, unknown][] {
  if (Array.isArray(coll)) return coll.map((v, i) => [BigInt(i), v]);
  const e = mapEntries(coll);
  if (e) return e;
  return fail(`unsupported comprehension range type: ${goTypeName(coll)}`);
}

function keyString(k: unknown): string {
  return typeof k === 'bigint' ? k.toString() : String(k);
}

/** Builds a CEL map from entries: a plain object for string keys, a `Map` otherwise. */
function buildMap(entries: [unknown, unknown][]): unknown {
  if (entries.every(([k]) => typeof k === 'string')) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of entries) {
      if (k === '__proto__') Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
      else out[k as string] = v;
    }
    return out;
  }
  return new Map(entries);
}

function insert(entries: [unknown, unknown][], seen: Set<unknown>, k: unknown, v: unknown): void {
  const key = typeof k === 'object' && k !== null ? keyString(k) : k;
  if (seen.has(key)) fail(`insert failed: key ${keyString(k)} already exists`);
  seen.add(key);
  entries.push([k, v]);
}

function define(kind: Kind, withFilter: boolean) {
  return ({ receiver, args }: { receiver: CelJsNode | null; args: CelJsNode[] }) => {
    const iName = macroIdent(args[0]!, 'argument must be a simple name');
    const vName = macroIdent(args[1]!, 'argument must be a simple name');
    if (iName === vName) throw new MacroArgumentError(`duplicate variable name: ${vName}`, args[1]!);
    const filter = withFilter ? args[2]! : undefined;
    const expr = withFilter ? args[3]! : args[2]!;
    return {
      receiver: receiver!,
      filter,
      expr,
      typeCheck(chk: MacroChecker, m: Record<string, unknown>, ctx: CheckScope): TypeDecl {
        const rt = chk.check(receiver!, ctx);
        const dyn = chk.getType('dyn');
        let it: TypeDecl = dyn;
        let vt: TypeDecl = dyn;
        if (rt.kind === 'list') {
          it = chk.getType('int');
          vt = rt.valueType ?? dyn;
        } else if (rt.kind === 'map') {
          it = rt.keyType ?? dyn;
          vt = rt.valueType ?? dyn;
        } else if (rt.kind !== 'dyn') {
          throw chk.createError(
            'invalid_comprehension_range',
            `Expression of type '${rt.name}' cannot be range of a comprehension (must be list, map, or dynamic).`,
            receiver!,
          );
        }
        const outer = ctx.forkWithVariable(iName, it);
        const inner = outer.forkWithVariable(vName, vt);
        m.outer = outer;
        m.inner = inner;
        if (filter) {
          const ft = chk.check(filter, inner);
          if (ft.kind !== 'dyn' && ft.name !== 'bool') throw chk.createError('invalid_condition_type', `${kind}() filter must be bool, got '${ft.name}'`, filter);
        }
        const et = chk.check(expr, inner);
        switch (kind) {
          case 'all':
          case 'exists':
          case 'existsOne':
            if (et.kind !== 'dyn' && et.name !== 'bool') {
              throw chk.createError('invalid_condition_type', `${kind}() predicate must be bool, got '${et.name}'`, expr);
            }
            return chk.getType('bool');
          case 'transformList':
            return chk.registry.getListType(et);
          case 'transformMap':
            return chk.registry.getMapType(rt.kind === 'list' ? chk.getType('int') : it, et);
          case 'transformMapEntry':
            return chk.getType('map');
        }
      },
      evaluate(ev: CelJsEvaluator, m: Record<string, unknown>, ctx: ValueScope): unknown {
        const coll = ev.run(receiver!, ctx);
        if (coll instanceof Promise) return coll.then((c: unknown) => run(ev, m, ctx, c));
        return run(ev, m, ctx, coll);
      },
    };

    function run(ev: CelJsEvaluator, m: Record<string, unknown>, ctx: ValueScope, coll: unknown): unknown {
      const entries = entriesOf(coll);
      const step = STEP_COST[kind];
      let firstError: unknown;
      let count = 0;
      const out: unknown[] = [];
      const mapOut: [unknown, unknown][] = [];
      const seen = new Set<unknown>();
      for (let idx = 0; idx < entries.length; idx++) {
        const [k, v] = entries[idx]!;
        const outer = bindIter(m.outer, ctx, k, ev);
        const scope = bindIter(m.inner, outer, v, ev);
        if (kind === 'all' || kind === 'exists') {
          chargeCtx(ctx, step);
          let r: unknown;
          try {
            r = ev.run(expr, scope);
          } catch (e) {
            firstError ??= e;
            continue;
          }
          if (r instanceof Promise) fail('asynchronous functions are not supported inside two-variable comprehensions');
          if (typeof r !== 'boolean') {
            firstError ??= new Error(`no such overload`);
            continue;
          }
          // decided: cel-go still evaluates the loop condition once more, then the result
          if ((kind === 'all' && !r) || (kind === 'exists' && r)) {
            // stopping early: cel-go evaluates the loop condition once more; then reads the result
            chargeCtx(ctx, (idx < entries.length - 1 ? step - 1 : 0) + 1);
            return r;
          }
          continue;
        }
        if (filter) {
          const f = ev.run(filter, scope);
          if (typeof f !== 'boolean') fail('no such overload');
          if (!f) continue;
        }
        chargeCtx(ctx, step);
        const r = ev.run(expr, scope);
        if (r instanceof Promise) fail('asynchronous functions are not supported inside two-variable comprehensions');
        switch (kind) {
          case 'existsOne':
            if (typeof r !== 'boolean') fail('no such overload');
            if (r) {
              count++;
              chargeCtx(ctx, 2);
            }
            break;
          case 'transformList':
            out.push(r);
            break;
          case 'transformMap':
            insert(mapOut, seen, k, r);
            break;
          case 'transformMapEntry': {
            const e = mapEntries(r);
            if (!e) fail('no such overload');
            for (const [k2, v2] of e) insert(mapOut, seen, k2, v2);
            break;
          }
          default:
            break;
        }
      }
      switch (kind) {
        case 'all':
          chargeCtx(ctx, 1);
          if (firstError !== undefined) throw firstError;
          return true;
        case 'exists':
          chargeCtx(ctx, 1);
          if (firstError !== undefined) throw firstError;
          return false;
        case 'existsOne':
          chargeCtx(ctx, 2);
          return count === 1;
        case 'transformList':
          chargeCtx(ctx, 1);
          return out;
        default:
          chargeCtx(ctx, 1);
          return buildMap(mapOut);
      }
    }
  };
}

export const comprehensionsLibrary: CelLibrary = {
  name: 'cel.lib.ext.comprev2',
  register(env) {
    registerMacro(env, 'list.all(ast, ast, ast): bool', define('all', false));
    registerMacro(env, 'list.exists(ast, ast, ast): bool', define('exists', false));
    registerMacro(env, 'list.existsOne(ast, ast, ast): bool', define('existsOne', false));
    registerMacro(env, 'list.exists_one(ast, ast, ast): bool', define('existsOne', false));
    registerMacro(env, 'list.transformList(ast, ast, ast): list', define('transformList', false));
    registerMacro(env, 'list.transformList(ast, ast, ast, ast): list', define('transformList', true));
    registerMacro(env, 'list.transformMap(ast, ast, ast): map', define('transformMap', false));
    registerMacro(env, 'list.transformMap(ast, ast, ast, ast): map', define('transformMap', true));
    registerMacro(env, 'list.transformMapEntry(ast, ast, ast): map', define('transformMapEntry', false));
    registerMacro(env, 'list.transformMapEntry(ast, ast, ast, ast): map', define('transformMapEntry', true));
  },
};
