/**
 * cel-go lists extension, version 3 (`ext.Lists(ext.ListsVersion(3))`): `slice`, `flatten`,
 * `sort`, `sortBy` (macro), `lists.range`, `reverse`, `distinct`; plus the optional library's
 * `first()` / `last()`. Errors are worded like cel-go (`cannot slice(2, 1), start index must be less
 * than or equal to end index`).
 */
import { Optional } from '@marcbachmann/cel-js';
import { chargeCtx, type ValueScope } from '../cost.ts';
import { fail } from '../errors.ts';
import type { CelJsEvaluator, CelJsNode } from '../instrument.ts';
import { defineNamespace, type CelLibrary } from '../library.ts';
import { celCompare, celEquals, goTypeName, isCelMap, isComparable } from './compare.ts';
import { MacroArgumentError, macroIdent, registerMacro } from './macro-util.ts';

export function slice(l: unknown[], start: bigint, end: bigint): unknown[] {
  if (start < 0n || end < 0n) fail(`cannot slice(${start}, ${end}), negative indexes not supported`);
  if (start > end) fail(`cannot slice(${start}, ${end}), start index must be less than or equal to end index`);
  if (BigInt(l.length) < end) fail(`cannot slice(${start}, ${end}), list is length ${l.length}`);
  return l.slice(Number(start), Number(end));
}

export function flatten(l: unknown[], depth: bigint): unknown[] {
  if (depth < 0n) fail('level must be non-negative');
  const out: unknown[] = [];
  for (const v of l) {
    if (!Array.isArray(v) || depth === 0n) out.push(v);
    else out.push(...flatten(v, depth - 1n));
  }
  return out;
}

function typeTag(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  return typeof v;
}

/** `list.@sortByAssociatedKeys(keys)`: sorts `list` by the order of `keys`. */
export function sortByKeys(list: unknown[], keys: unknown[]): unknown[] {
  if (list.length !== keys.length) {
    fail(
      `@sortByAssociatedKeys() expected a list of the same size as the associated keys list, but got ${list.length} and ${keys.length} elements respectively`,
    );
  }
  if (list.length === 0) return list;
  const first = keys[0];
  if (!isComparable(first)) fail('list elements must be comparable');
  const tag = typeTag(first);
  const idx = list.map((_, i) => i);
  idx.sort((i, j) => {
    if (typeTag(keys[i]) !== tag || typeTag(keys[j]) !== tag) fail('list elements must have the same type');
    return celCompare(keys[i], keys[j]);
  });
  return idx.map((i) => list[i]);
}

export function range(n: bigint): bigint[] {
  if (n < 0n) fail(`lists.range: size must be non-negative, got ${n}`);
  const out = new Array<bigint>(Number(n));
  for (let i = 0; i < out.length; i++) out[i] = BigInt(i);
  return out;
}

export function distinct(l: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const v of l) if (!out.some((o) => celEquals(v, o))) out.push(v);
  return out;
}

const COMPARABLE = ['int', 'uint', 'double', 'bool', 'google.protobuf.Duration', 'google.protobuf.Timestamp', 'string', 'bytes'];

export const listsExtLibrary: CelLibrary = {
  name: 'cel.lib.ext.lists',
  namespaces: ['lists'],
  register(env) {
    env.registerFunction('list<A>.slice(int, int): list<A>', (l: unknown[], a: bigint, b: bigint) => slice(l, a, b));
    env.registerFunction('list<list<A>>.flatten(): list<A>', (l: unknown[]) => flatten(l, 1n));
    env.registerFunction('list.flatten(int): list', (l: unknown[], d: bigint) => flatten(l, d));
    for (const t of COMPARABLE) {
      env.registerFunction(`list<${t}>.sort(): list<${t}>`, (l: unknown[]) => sortByKeys(l, l));
    }
    const ns = defineNamespace(env, 'lists');
    env.registerFunction(`${ns}.range(int): list<int>`, (_ns: unknown, n: bigint) => range(n));
    env.registerFunction('list<A>.reverse(): list<A>', (l: unknown[]) => [...l].reverse());
    env.registerFunction('list<A>.distinct(): list<A>', (l: unknown[]) => distinct(l));
    env.registerFunction('list<A>.first(): optional<A>', (l: unknown[]) => (l.length > 0 ? Optional.of(l[0]) : Optional.none()));
    env.registerFunction('list<A>.last(): optional<A>', (l: unknown[]) =>
      l.length > 0 ? Optional.of(l[l.length - 1]) : Optional.none(),
    );
    // sortBy(e, key): sorts by the key computed for each element
    registerMacro(env, 'list.sortBy(ast, ast): list', ({ ast, receiver, args }) => {
      // cel-go: operators and indexing are calls there, so only literals other than lists are refused
      if (receiver!.op === 'map' || receiver!.op === 'value') {
        throw new MacroArgumentError('sortBy can only be applied to a list, identifier, comprehension, call or select expression', receiver!);
      }
      const varName = macroIdent(args[0]!, 'sortBy(var, key) invalid iteration variable');
      const keyExpr = args[1]!;
      return {
        receiver: receiver!,
        keyExpr,
        typeCheck(chk, _m, ctx) {
          const listType = chk.check(receiver!, ctx);
          if (listType.kind !== 'list' && listType.kind !== 'dyn' && listType.kind !== 'map') {
            throw chk.createError(
              'invalid_comprehension_range',
              `Expression of type '${listType.name}' cannot be range of a comprehension (must be list, map, or dynamic).`,
              ast,
            );
          }
          const elem = listType.kind === 'list' ? listType.valueType! : chk.getType('dyn');
          const inner = ctx.forkWithVariable(varName, elem);
          chk.check(keyExpr, inner);
          this.inner = inner;
          return listType.kind === 'list' ? listType : chk.getType('list');
        },
        evaluate(ev: CelJsEvaluator, m, ctx: ValueScope) {
          const l = ev.run(receiver!, ctx);
          if (!Array.isArray(l)) fail(isCelMap(l) ? 'no such overload' : `got '${goTypeName(l)}', expected iterable type`);
          const keys = l.map((e) => {
            chargeCtx(ctx, 12);
            const scope = (m.inner as { reuse(c: unknown): { setIterValue(v: unknown, ev: unknown): ValueScope } })
              .reuse(ctx)
              .setIterValue(e, ev);
            return ev.run(keyExpr as CelJsNode, scope);
          });
          const sorted = sortByKeys(l, keys);
          // the expansion's two input-variable reads, the mapped list's result read, then the sort call
          chargeCtx(ctx, 3 + 1 + 10 + Math.floor(2 * l.length * l.length));
          return sorted;
        },
      };
    });
  },
};
