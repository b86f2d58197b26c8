/**
 * go-jmespath's built-in functions (functions.go) with Go semantics: strings are measured and
 * reversed by code point, ordered byte-wise (UTF-8); `to_number` is strconv.ParseFloat; `to_string`
 * is json.Marshal; `type`/`to_number` reject Go-only values with `unknown type`; expression functions
 * (`map`, `sort_by`, `max_by`, `min_by`) swallow NotFound like the fork. `sum` is Kyverno's (see
 * arithmetic.ts), not go-jmespath's.
 */
import { goParseFloat, goStringCompare } from '../../utils/goconv.ts';
import { JmesPathError, goPanic } from '../errors.ts';
import { assertArray, assertMap, goTypeName, type CompiledExpRef } from '../interpreter.ts';
import { GoInt, GoValue, MapSlice, Missing, goMarshal, type ObjectValue, type Value } from '../values.ts';
import { arg, type FunctionDef, type FunctionFamily } from './types.ts';

function fnError(msg: string): JmesPathError {
  return new JmesPathError('JMESPATH_FUNCTION', msg);
}

/** Number of code points (Go's utf8.RuneCountInString). */
export function runeCount(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** sort.Float64Slice's Less: NaN sorts first. */
function floatLess(a: number, b: number): boolean {
  return a < b || (Number.isNaN(a) && !Number.isNaN(b));
}

/** Go interface equality (`==` on interface{} values); panics on uncomparable dynamic types. */
function interfaceEqual(a: Value, b: Value): boolean {
  const ta = goTypeName(a);
  if (ta !== goTypeName(b)) return false;
  if (a === null || typeof a !== 'object') return a === b;
  if (a instanceof GoInt) return a.value === (b as GoInt).value;
  throw goPanic(`runtime error: comparing uncomparable type ${ta}`);
}

/** Evaluates an expression reference on a value: result, or Missing for NotFound. */
function run(ref: Value, v: Value): Value | Missing {
  return (ref as CompiledExpRef).fn(v);
}

function swallow(r: Value | Missing): Value {
  return r instanceof Missing ? null : r;
}

function maxMinBy(args: Value[], better: (a: number | string, b: number | string) => boolean): Value {
  const arr = assertArray(args[0] as Value);
  const ref = args[1] as Value;
  if (arr.length === 0) return null;
  if (arr.length === 1) return arr[0] as Value;
  const start = swallow(run(ref, arr[0] as Value));
  if (typeof start === 'number') {
    let bestVal = start;
    let bestItem = arr[0] as Value;
    for (let i = 1; i < arr.length; i++) {
      const cur = swallow(run(ref, arr[i] as Value));
      if (typeof cur !== 'number') throw fnError('invalid type, must be number');
      if (better(cur, bestVal)) {
        bestVal = cur;
        bestItem = arr[i] as Value;
      }
    }
    return bestItem;
  }
  if (typeof start === 'string') {
    let bestVal = start;
    let bestItem = arr[0] as Value;
    for (let i = 1; i < arr.length; i++) {
      const cur = swallow(run(ref, arr[i] as Value));
      if (typeof cur !== 'string') throw fnError('invalid type, must be string');
      if (better(cur, bestVal)) {
        bestVal = cur;
        bestItem = arr[i] as Value;
      }
    }
    return bestItem;
  }
  throw fnError('invalid type, must be number of string');
}

function sortBy(args: Value[]): Value {
  const arr = assertArray(args[0] as Value);
  const ref = args[1] as Value;
  if (arr.length <= 1) return arr;
  const start = swallow(run(ref, arr[0] as Value));
  const kind = typeof start;
  if (kind !== 'number' && kind !== 'string') throw fnError('invalid type, must be number of string');
  // Go's sort.Stable calls the key expression inside Less; any error or wrong type makes the
  // whole call fail with "error in sort_by comparison" (stable sorting compares every element).
  const keys: (number | string)[] = new Array(arr.length);
  for (let i = 0; i < arr.length; i++) {
    let k: Value | Missing;
    try {
      k = run(ref, arr[i] as Value);
    } catch (err) {
      if (err instanceof JmesPathError && err.code === 'JMESPATH_PANIC') throw err;
      throw fnError('error in sort_by comparison');
    }
    if (typeof k !== kind) throw fnError('error in sort_by comparison');
    keys[i] = k as number | string;
  }
  const idx = arr.map((_, i) => i);
  if (kind === 'number') idx.sort((a, b) => ((keys[a] as number) < (keys[b] as number) ? -1 : (keys[b] as number) < (keys[a] as number) ? 1 : 0));
  else idx.sort((a, b) => goStringCompare(keys[a] as string, keys[b] as string));
  // go-jmespath sorts the argument slice in place; a sorted copy is returned here so that the
  // caller's documents are never modified
  return idx.map((i) => arr[i] as Value);
}

function typeOf(v: Value): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'number':
      return 'number';
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    default:
      break;
  }
  if (Array.isArray(v)) return 'array';
  if (v instanceof GoValue) throw fnError('unknown type');
  return 'object';
}

/** The go-jmespath built-ins (without `sum`, which Kyverno replaces). */
export const builtinFunctions: FunctionFamily = () => {
  const defs: FunctionDef[] = [
    {
      name: 'abs',
      args: [arg.number],
      returnType: ['number'],
      note: 'absolute value of a number',
      kyverno: false,
      handler: ([n]) => Math.abs(n as number),
    },
    {
      name: 'avg',
      args: [arg.of('array[number]')],
      returnType: ['number'],
      note: 'average of an array of numbers (NaN for an empty array)',
      kyverno: false,
      handler: ([a]) => {
        const arr = a as number[];
        let sum = 0;
        for (const x of arr) sum += x;
        return sum / arr.length;
      },
    },
    {
      name: 'ceil',
      args: [arg.number],
      returnType: ['number'],
      note: 'smallest integer not less than the number',
      kyverno: false,
      handler: ([n]) => Math.ceil(n as number),
    },
    {
      name: 'contains',
      args: [arg.of('array', 'string'), arg.any],
      returnType: ['bool'],
      note: 'whether a string contains a substring or an array contains an element',
      kyverno: false,
      handler: ([subject, el]) => {
        if (typeof subject === 'string') return typeof el === 'string' ? subject.includes(el) : false;
        for (const item of assertArray(subject as Value)) if (interfaceEqual(item, el as Value)) return true;
        return false;
      },
    },
    {
      name: 'ends_with',
      args: [arg.string, arg.string],
      returnType: ['bool'],
      note: 'whether the first string ends with the second',
      kyverno: false,
      handler: ([s, suffix]) => (s as string).endsWith(suffix as string),
    },
    {
      name: 'floor',
      args: [arg.number],
      returnType: ['number'],
      note: 'greatest integer not greater than the number',
      kyverno: false,
      handler: ([n]) => Math.floor(n as number),
    },
    {
      name: 'join',
      args: [arg.string, arg.of('array[string]')],
      returnType: ['string'],
      note: 'joins an array of strings with a separator',
      kyverno: false,
      handler: ([sep, arr]) => (arr as string[]).join(sep as string),
    },
    {
      name: 'keys',
      args: [arg.object],
      returnType: ['array'],
      note: 'keys of an object',
      kyverno: false,
      handler: ([o]) => Object.keys(o as ObjectValue),
    },
    {
      name: 'length',
      args: [arg.of('string', 'array', 'object')],
      returnType: ['number'],
      note: 'number of code points of a string, elements of an array or keys of an object',
      kyverno: false,
      handler: ([v]) => {
        if (typeof v === 'string') return runeCount(v);
        if (Array.isArray(v)) return v.length;
        if (v instanceof MapSlice) return v.items.length;
        return Object.keys(v as ObjectValue).length;
      },
    },
    {
      name: 'map',
      args: [arg.expref, arg.array],
      returnType: ['array'],
      note: 'applies an expression to every element of an array',
      kyverno: false,
      handler: ([ref, a]) => {
        const arr = assertArray(a as Value);
        const out: Value[] = new Array(arr.length);
        for (let i = 0; i < arr.length; i++) out[i] = swallow(run(ref as Value, arr[i] as Value));
        return out;
      },
    },
    {
      name: 'max',
      args: [arg.of('array[number]', 'array[string]')],
      returnType: ['number', 'string'],
      note: 'largest number or string of an array',
      kyverno: false,
      handler: ([a]) => {
        const arr = a as (number | string)[];
        if (arr.length === 0) return null;
        let best = arr[0] as number | string;
        if (typeof best === 'number') {
          for (let i = 1; i < arr.length; i++) if ((arr[i] as number) > best) best = arr[i] as number;
        } else {
          for (let i = 1; i < arr.length; i++) if (goStringCompare(arr[i] as string, best) > 0) best = arr[i] as string;
        }
        return best;
      },
    },
    {
      name: 'max_by',
      args: [arg.array, arg.expref],
      returnType: ['any'],
      note: 'element with the largest expression value',
      kyverno: false,
      handler: (args) =>
        maxMinBy(args, (a, b) => (typeof a === 'number' ? a > (b as number) : goStringCompare(a, b as string) > 0)),
    },
    {
      name: 'merge',
      args: [{ types: ['object'], variadic: true }],
      returnType: ['object'],
      note: 'merges objects, later keys win',
      kyverno: false,
      handler: (args) => {
        const out: ObjectValue = {};
        for (const m of args) {
          const o = assertMap(m);
          for (const k of Object.keys(o)) out[k] = o[k] as Value;
        }
        return out;
      },
    },
    {
      name: 'min',
      args: [arg.of('array[number]', 'array[string]')],
      returnType: ['number', 'string'],
      note: 'smallest number or string of an array',
      kyverno: false,
      handler: ([a]) => {
        const arr = a as (number | string)[];
        if (arr.length === 0) return null;
        let best = arr[0] as number | string;
        if (typeof best === 'number') {
          for (let i = 1; i < arr.length; i++) if ((arr[i] as number) < best) best = arr[i] as number;
        } else {
          for (let i = 1; i < arr.length; i++) if (goStringCompare(arr[i] as string, best) < 0) best = arr[i] as string;
        }
        return best;
      },
    },
    {
      name: 'min_by',
      args: [arg.array, arg.expref],
      returnType: ['any'],
      note: 'element with the smallest expression value',
      kyverno: false,
      handler: (args) =>
        maxMinBy(args, (a, b) => (typeof a === 'number' ? a < (b as number) : goStringCompare(a, b as string) < 0)),
    },
    {
      name: 'not_null',
      args: [{ types: ['any'], variadic: true }],
      returnType: ['any'],
      note: 'first argument that is not null',
      kyverno: false,
      handler: (args) => {
        for (const a of args) if (a !== null) return a;
        return null;
      },
    },
    {
      name: 'reverse',
      args: [arg.of('array', 'string')],
      returnType: ['array', 'string'],
      note: 'reverses a string (by code point) or an array',
      kyverno: false,
      handler: ([v]) => {
        if (typeof v === 'string') return Array.from(v).reverse().join('');
        return assertArray(v as Value).slice().reverse();
      },
    },
    {
      name: 'sort',
      args: [arg.of('array[string]', 'array[number]')],
      returnType: ['array'],
      note: 'sorts an array of strings (byte order) or numbers',
      kyverno: false,
      handler: ([a]) => {
        const arr = (a as (number | string)[]).slice();
        if (arr.every((x) => typeof x === 'number')) {
          const nums = arr as number[];
          return nums.sort((x, y) => (floatLess(x, y) ? -1 : floatLess(y, x) ? 1 : 0));
        }
        return (arr as string[]).sort(goStringCompare);
      },
    },
    {
      name: 'sort_by',
      args: [arg.array, arg.expref],
      returnType: ['array'],
      note: 'sorts an array by the value of an expression',
      kyverno: false,
      handler: sortBy,
    },
    {
      name: 'starts_with',
      args: [arg.string, arg.string],
      returnType: ['bool'],
      note: 'whether the first string starts with the second',
      kyverno: false,
      handler: ([s, prefix]) => (s as string).startsWith(prefix as string),
    },
    {
      name: 'to_array',
      args: [arg.any],
      returnType: ['array'],
      note: 'wraps a non-array value in an array',
      kyverno: false,
      handler: ([v]) => (Array.isArray(v) ? v : [v as Value]),
    },
    {
      name: 'to_number',
      args: [arg.any],
      returnType: ['number'],
      note: 'number, or a string parsed as a Go float; null otherwise',
      kyverno: false,
      handler: ([v]) => {
        if (typeof v === 'number') return v;
        if (typeof v === 'string') return goParseFloat(v) ?? null;
        if (v instanceof GoValue) throw fnError('unknown type');
        return null;
      },
    },
    {
      name: 'to_string',
      args: [arg.any],
      returnType: ['string'],
      note: 'string, or the JSON encoding of any other value',
      kyverno: false,
      handler: ([v]) => (typeof v === 'string' ? v : goMarshal(v as Value)),
    },
    {
      name: 'type',
      args: [arg.any],
      returnType: ['string'],
      note: 'JSON type name of a value',
      kyverno: false,
      handler: ([v]) => typeOf(v as Value),
    },
    {
      name: 'values',
      args: [arg.object],
      returnType: ['array'],
      note: 'values of an object',
      kyverno: false,
      handler: ([o]) => Object.values(o as ObjectValue),
    },
  ];
  return defs;
};

