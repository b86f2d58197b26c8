/**
 * Kyverno's arithmetic functions (pkg/engine/jmespath/arithmetic.go): operands are numbers (scalars),
 * or strings read first as Kubernetes quantities, then as Go durations (`'10'`, `'1m'` are quantities,
 * `'1h'`, `'5s'` durations).
 *
 * | op | result |
 * |---|---|
 * | add/subtract | Q±Q -> Q string, D±D -> D string, S±S -> number; mixes: `Types mismatch` |
 * | multiply | S*S; Q*S, S*Q -> Q; D*S, S*D -> D |
 * | divide | S/S, Q/Q, D/D -> number; Q/S -> Q (rounded down); D/S -> D; zero: `Zero divisor passed` |
 * | modulo | S%S, Q%Q (integral values), D%D; Go's sign rule |
 *
 * `add('12Ki', '13Ki')` = `'25Ki'`, `multiply(\`2.5\`, '12Ki')` = `'30Ki'`, `divide('12s', '5s')` = 2.4.
 */
import { durationFromFloat, durationSeconds, formatDuration, parseDurationNs } from '../../utils/duration.ts';
import { goFloat64ToInt64 } from '../../utils/goconv.ts';
import { goSprintFloat } from '../../utils/gofmt.ts';
import { Quantity, parseQuantity, parseQuantityResult } from '../../utils/quantity.ts';
import { functionError, goError } from '../errors.ts';
import type { Value } from '../values.ts';
import { arg, type FunctionFamily } from './types.ts';

type Operand = { kind: 'S'; v: number } | { kind: 'Q'; v: Quantity } | { kind: 'D'; v: bigint };

function operand(fn: string, v: Value | undefined): Operand {
  if (typeof v === 'number') return { kind: 'S', v };
  if (typeof v === 'string') {
    const q = parseQuantity(v);
    if (q !== undefined) return { kind: 'Q', v: q };
    const d = parseDurationNs(v);
    if (d !== undefined) return { kind: 'D', v: d };
  }
  throw functionError(fn, 'invalid operand');
}

function mismatch(fn: string): never {
  throw functionError(fn, 'Types mismatch');
}

function zeroDivisor(fn: string): never {
  throw functionError(fn, 'Zero divisor passed');
}

/** `resource.ParseQuantity(fmt.Sprintf("%v", f))`; Go's parse error is returned as-is. */
function scalarAsQuantity(f: number): Quantity {
  const r = parseQuantityResult(goSprintFloat(f));
  if (!r.ok) throw goError(r.error);
  return r.quantity;
}

/** `time.Duration(seconds * float64(time.Second)).String()` */
function durationFromSeconds(seconds: number): string {
  return formatDuration(durationFromFloat(seconds * 1e9));
}

function add(a: Operand, b: Operand, fn: string): Value {
  if (a.kind === 'Q' && b.kind === 'Q') return a.v.add(b.v).toString();
  if (a.kind === 'D' && b.kind === 'D') return formatDuration(a.v + b.v);
  if (a.kind === 'S' && b.kind === 'S') return a.v + b.v;
  return mismatch(fn);
}

function subtract(a: Operand, b: Operand): Value {
  if (a.kind === 'Q' && b.kind === 'Q') return a.v.sub(b.v).toString();
  if (a.kind === 'D' && b.kind === 'D') return formatDuration(a.v - b.v);
  if (a.kind === 'S' && b.kind === 'S') return a.v - b.v;
  return mismatch('subtract');
}

function multiply(a: Operand, b: Operand): Value {
  if (a.kind === 'S' && b.kind !== 'S') return multiply(b, a);
  if (b.kind !== 'S') return mismatch('multiply');
  switch (a.kind) {
    case 'S':
      return a.v * b.v;
    case 'Q':
      return a.v.mul(scalarAsQuantity(b.v)).toString();
    default:
      return durationFromSeconds(durationSeconds(a.v) * b.v);
  }
}

function divide(a: Operand, b: Operand): Value {
  switch (a.kind) {
    case 'Q':
      if (b.kind === 'Q') {
        const divisor = b.v.toNumber();
        if (divisor === 0) zeroDivisor('divide');
        return a.v.toNumber() / divisor;
      }
      if (b.kind === 'S') {
        if (b.v === 0) zeroDivisor('divide');
        return a.v.divRoundDown(scalarAsQuantity(b.v)).toString();
      }
      return mismatch('divide');
    case 'D':
      if (b.kind === 'D') {
        const divisor = durationSeconds(b.v);
        if (divisor === 0) zeroDivisor('divide');
        return durationSeconds(a.v) / divisor;
      }
      if (b.kind === 'S') {
        if (b.v === 0) zeroDivisor('divide');
        return durationFromSeconds(durationSeconds(a.v) / b.v);
      }
      return mismatch('divide');
    default:
      if (b.kind !== 'S') return mismatch('divide');
      if (b.v === 0) zeroDivisor('divide');
      return a.v / b.v;
  }
}

function modulo(a: Operand, b: Operand): Value {
  if (a.kind === 'Q' && b.kind === 'Q') {
    const f1 = a.v.toNumber();
    const f2 = b.v.toNumber();
    const i1 = goFloat64ToInt64(f1);
    const i2 = goFloat64ToInt64(f2);
    if (f1 !== Number(i1) || f2 !== Number(i2)) throw functionError('modulo', 'Non-integer argument(s) passed for modulo');
    if (i2 === 0n) zeroDivisor('modulo');
    return Quantity.fromInt64(i1 % i2, a.v.format).toString();
  }
  if (a.kind === 'D' && b.kind === 'D') {
    if (b.v === 0n) zeroDivisor('modulo');
    return formatDuration(a.v % b.v);
  }
  if (a.kind === 'S' && b.kind === 'S') {
    const i1 = goFloat64ToInt64(a.v);
    const i2 = goFloat64ToInt64(b.v);
    if (a.v !== Number(i1) || b.v !== Number(i2)) throw functionError('modulo', 'Non-integer argument(s) passed for modulo');
    if (i2 === 0n) zeroDivisor('modulo');
    return Number(i1 % i2);
  }
  return mismatch('modulo');
}

/** Kyverno's intNumber: the integer value of a float, or Go's error text. */
export function intNumber(n: number): number | string {
  if (!Number.isFinite(n) || Math.trunc(n) !== n) return `expected an integer number but got: ${goSprintFloat(n)}`;
  const i = goFloat64ToInt64(n);
  if (Number(i) !== n) return `number is outside the range of integer numbers: ${goSprintFloat(n)}`;
  return n;
}

/** Go's math.Round: half away from zero. */
function goRound(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const r = Math.round(Math.abs(x));
  return x < 0 ? -r : r;
}

const binary = (fn: string, op: (a: Operand, b: Operand) => Value) => (args: Value[]) =>
  op(operand(fn, args[0]), operand(fn, args[1]));

export const arithmeticFunctions: FunctionFamily = () => [
  {
    name: 'add',
    args: [arg.any, arg.any],
    returnType: ['any'],
    note: 'does arithmetic addition of two specified values of numbers, quantities, and durations',
    kyverno: true,
    handler: binary('add', (a, b) => add(a, b, 'add')),
  },
  {
    name: 'sum',
    args: [arg.array],
    returnType: ['any'],
    note: 'does arithmetic addition of specified array of values of numbers, quantities, and durations',
    kyverno: true,
    handler: ([list]) => {
      if (!Array.isArray(list)) return mismatch('sum');
      if (list.length === 0) throw functionError('sum', 'at least one element in the array is required');
      let result = list[0] as Value;
      for (let i = 1; i < list.length; i++) {
        result = add(operand('sum', result), operand('sum', list[i]), 'sum');
      }
      return result;
    },
  },
  {
    name: 'subtract',
    args: [arg.any, arg.any],
    returnType: ['any'],
    note: 'does arithmetic subtraction of two specified values of numbers, quantities, and durations',
    kyverno: true,
    handler: binary('subtract', subtract),
  },
  {
    name: 'multiply',
    args: [arg.any, arg.any],
    returnType: ['any'],
    note: 'does arithmetic multiplication of two specified values of numbers, quantities, and durations',
    kyverno: true,
    handler: binary('multiply', multiply),
  },
  {
    name: 'divide',
    args: [arg.any, arg.any],
    returnType: ['any'],
    note: 'divisor must be non zero',
    kyverno: true,
    handler: binary('divide', divide),
  },
  {
    name: 'modulo',
    args: [arg.any, arg.any],
    returnType: ['any'],
    note: 'divisor must be non-zero, arguments must be integers',
    kyverno: true,
    handler: binary('modulo', modulo),
  },
  {
    name: 'round',
    args: [arg.number, arg.number],
    returnType: ['number'],
    note: 'does roundoff to upto the given decimal places',
    kyverno: true,
    handler: ([n, digits]) => {
      const d = intNumber(digits as number);
      if (typeof d === 'string') throw functionError('round', 'Non-integer argument(s) passed for round off');
      if (d < 0) throw functionError('round', '%!d(MISSING) argument is out of bounds (%!d(MISSING))');
      const shift = 10 ** d;
      return goRound((n as number) * shift) / shift;
    },
  },
];
