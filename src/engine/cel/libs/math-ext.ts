/**
 * cel-go math extension (latest version, as `ext.Math()` installs it): `math.greatest` / `math.least`
 * (numbers or one list, mixed int/uint/double compared numerically), `math.ceil`, `floor`, `round`
 * (half away from zero), `trunc`, `abs`, `sign`, `sqrt`, `isInf`, `isNaN`, `isFinite`, and the
 * bitwise `bitAnd`, `bitOr`, `bitXor`, `bitNot`, `bitShiftLeft`, `bitShiftRight` on int and uint.
 */
import { UnsignedInt } from '@marcbachmann/cel-js/evaluator';
import { fail } from '../errors.ts';
import type { CelJsNode } from '../instrument.ts';
import { defineNamespace, type CelLibrary, type CelValidator } from '../library.ts';
import { celGoTypeName } from '../messages.ts';
import { celCompare } from './compare.ts';

const INT64_MIN = -(2n ** 63n);

function isNumber(v: unknown): boolean {
  return typeof v === 'bigint' || typeof v === 'number' || v instanceof UnsignedInt;
}

function extreme(values: readonly unknown[], fn: 'math.@max' | 'math.@min', list: boolean): unknown {
  if (values.length === 0) fail(`${fn}(list) argument must not be empty`);
  let best = values[0];
  for (let i = 1; i < values.length; i++) {
    const v = values[i];
    if (!isNumber(best) || !isNumber(v)) fail(`no such overload: ${fn}`);
    const c = celCompare(best, v);
    if (fn === 'math.@max' ? c === -1 : c === 1) best = v;
  }
  if (!isNumber(best)) fail(list ? `no such overload: ${fn}` : 'no such overload');
  return best;
}

/** Go `math.Round`: half away from zero (`goRound(-2.5)` = -3). */
export function goRound(x: number): number {
  if (!Number.isFinite(x)) return x;
  const t = Math.trunc(x);
  return Math.abs(x - t) >= 0.5 ? t + Math.sign(x) : t;
}

const asUint = (v: bigint): UnsignedInt => new UnsignedInt(BigInt.asUintN(64, v));

/** cel-go `isNumericArgType`: a numeric literal, or any non-literal, non-aggregate expression. */
function isNumericArg(n: CelJsNode): boolean {
  if (n.op === 'value') return typeof n.args === 'bigint' || typeof n.args === 'number' || n.args instanceof UnsignedInt;
  if (n.op === '-_') return isNumericArg(n.args as CelJsNode);
  return n.op !== 'list' && n.op !== 'map';
}

/**
 * The argument rules of cel-go's `math.greatest` / `math.least` macros: one numeric value or a
 * non-empty list literal of numeric values, or several numeric arguments of one type.
 */
export const mathExtremeValidator: CelValidator = (n) => {
  if (n.op !== 'rcall') return undefined;
  const [name, recv, args] = n.args as [string, CelJsNode, CelJsNode[]];
  if ((name !== 'greatest' && name !== 'least') || recv.op !== 'id' || recv.args !== 'math') return undefined;
  const fn = `math.${name}()`;
  if (args.length === 1) {
    const a = args[0]!;
    const listOk = a.op === 'list' && (a.args as CelJsNode[]).length > 0 && (a.args as CelJsNode[]).every(isNumericArg);
    if (!listOk && !isNumericArg(a)) return { message: `${fn} invalid single argument value`, at: a };
    return undefined;
  }
  for (const a of args) if (!isNumericArg(a)) return { message: `${fn} simple literal arguments must be numeric`, at: a };
  if (args.length >= 3) {
    // expands to math.@max([a, b, c...]): a homogeneous list literal
    const first = args[0]!.checkedType?.name ?? 'dyn';
    for (const a of args.slice(1)) {
      const t = a.checkedType?.name ?? 'dyn';
      if (t !== first) return { message: `expected type '${celGoTypeName(first)}' but found '${celGoTypeName(t)}'`, at: a };
    }
  }
  return undefined;
};

/** `math.greatest/least(a, b, c...)` expand to `math.@max([a, b, c...])`: cost = list size + 1. */
const extremeCost = (a: readonly unknown[]): number =>
  a.length === 1 && Array.isArray(a[0]) ? a[0].length + 1 : a.length >= 3 ? a.length + 1 : 1;

export const mathExtLibrary: CelLibrary = {
  name: 'cel.lib.ext.math',
  namespaces: ['math'],
  costs: { 'math.greatest': extremeCost, 'math.least': extremeCost },
  validators: [mathExtremeValidator],
  register(env) {
    const ns = defineNamespace(env, 'math');
    const f = (sig: string, h: (...a: any[]) => unknown): void => {
      env.registerFunction(`${ns}.${sig}`, (_n: unknown, ...a: unknown[]) => h(...a));
    };
    // greatest / least: one number, one list, or 2..10 numbers
    f('greatest(int): int', (a) => a);
    f('greatest(uint): uint', (a) => a);
    f('greatest(double): double', (a) => a);
    f('greatest(list<A>): A', (l: unknown[]) => extreme(l, 'math.@max', true));
    f('least(int): int', (a) => a);
    f('least(uint): uint', (a) => a);
    f('least(double): double', (a) => a);
    f('least(list<A>): A', (l: unknown[]) => extreme(l, 'math.@min', true));
    for (const t of ['int', 'uint', 'double']) {
      f(`greatest(${t}, ${t}): ${t}`, (...a) => extreme(a, 'math.@max', false));
      f(`least(${t}, ${t}): ${t}`, (...a) => extreme(a, 'math.@min', false));
    }
    for (let n = 2; n <= 10; n++) {
      const params = Array.from({ length: n }, () => 'dyn').join(', ');
      if (n === 2) {
        for (const [a, b] of [
          ['int', 'uint'],
          ['int', 'double'],
          ['uint', 'int'],
          ['uint', 'double'],
          ['double', 'int'],
          ['double', 'uint'],
        ]) {
          f(`greatest(${a}, ${b}): dyn`, (...x) => extreme(x, 'math.@max', false));
          f(`least(${a}, ${b}): dyn`, (...x) => extreme(x, 'math.@min', false));
        }
        continue;
      }
      f(`greatest(${params}): dyn`, (...x) => extreme(x, 'math.@max', false));
      f(`least(${params}): dyn`, (...x) => extreme(x, 'math.@min', false));
    }
    f('ceil(double): double', (x: number) => Math.ceil(x));
    f('floor(double): double', (x: number) => Math.floor(x));
    f('round(double): double', (x: number) => goRound(x));
    f('trunc(double): double', (x: number) => Math.trunc(x));
    f('isInf(double): bool', (x: number) => x === Infinity || x === -Infinity);
    f('isNaN(double): bool', (x: number) => Number.isNaN(x));
    f('isFinite(double): bool', (x: number) => Number.isFinite(x));
    f('abs(double): double', (x: number) => Math.abs(x));
    f('abs(int): int', (x: bigint) => (x === INT64_MIN ? fail('integer overflow') : x < 0n ? -x : x));
    f('abs(uint): uint', (x: UnsignedInt) => x);
    f('sign(double): double', (x: number) => (Number.isNaN(x) ? x : x > 0 ? 1 : x < 0 ? -1 : 0));
    f('sign(int): int', (x: bigint) => (x > 0n ? 1n : x < 0n ? -1n : 0n));
    f('sign(uint): uint', (x: UnsignedInt) => new UnsignedInt(x.valueOf() === 0n ? 0n : 1n));
    f('sqrt(double): double', (x: number) => Math.sqrt(x));
    f('sqrt(int): double', (x: bigint) => Math.sqrt(Number(x)));
    f('sqrt(uint): double', (x: UnsignedInt) => Math.sqrt(Number(x.valueOf())));
    f('bitAnd(int, int): int', (a: bigint, b: bigint) => a & b);
    f('bitAnd(uint, uint): uint', (a: UnsignedInt, b: UnsignedInt) => asUint(a.valueOf() & b.valueOf()));
    f('bitOr(int, int): int', (a: bigint, b: bigint) => a | b);
    f('bitOr(uint, uint): uint', (a: UnsignedInt, b: UnsignedInt) => asUint(a.valueOf() | b.valueOf()));
    f('bitXor(int, int): int', (a: bigint, b: bigint) => a ^ b);
    f('bitXor(uint, uint): uint', (a: UnsignedInt, b: UnsignedInt) => asUint(a.valueOf() ^ b.valueOf()));
    f('bitNot(int): int', (a: bigint) => ~a);
    f('bitNot(uint): uint', (a: UnsignedInt) => asUint(~a.valueOf()));
    f('bitShiftLeft(int, int): int', (v: bigint, bs: bigint) => {
      if (bs < 0n) fail(`math.bitShiftLeft() negative offset: ${bs}`);
      return bs >= 64n ? 0n : BigInt.asIntN(64, v << bs);
    });
    f('bitShiftLeft(uint, int): uint', (v: UnsignedInt, bs: bigint) => {
      if (bs < 0n) fail(`math.bitShiftLeft() negative offset: ${bs}`);
      return asUint(bs >= 64n ? 0n : v.valueOf() << bs);
    });
    f('bitShiftRight(int, int): int', (v: bigint, bs: bigint) => {
      if (bs < 0n) fail(`math.bitShiftRight() negative offset: ${bs}`);
      // Go: int(uint(v) >> bs) -- a logical shift
      return bs >= 64n ? 0n : BigInt.asIntN(64, BigInt.asUintN(64, v) >> bs);
    });
    f('bitShiftRight(uint, int): uint', (v: UnsignedInt, bs: bigint) => {
      if (bs < 0n) fail(`math.bitShiftRight() negative offset: ${bs}`);
      return asUint(bs >= 64n ? 0n : v.valueOf() >> bs);
    });
  },
};
