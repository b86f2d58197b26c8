/**
 * `"...".format([args])` of cel-go's strings extension at the version Kubernetes installs
 * (`ext.Strings(ext.StringsVersion(2))`, the v1 formatter with locale `en_US`):
 * `%s` (any printable value; lists/maps rendered CEL-style, map keys sorted), `%d`, `%f` / `%.Nf`
 * (en_US grouping: `1,234.50`), `%e` (`1.234500×10⁰³`, x/text's rendering), `%b`, `%o`, `%x`, `%X`, `%%`.
 * Errors are worded like cel-go (`error during formatting: decimal clause can only be used on
 * integers, was given string`).
 */
import { Optional } from '@marcbachmann/cel-js';
import { Duration, UnsignedInt } from '@marcbachmann/cel-js/evaluator';
import { goQuote } from '../../utils/goconv.ts';
import { fail } from '../errors.ts';
import { durationToString } from './builtins.ts';
import { formatFloatG } from './go-float.ts';
import { formatTimestamp } from './timestamps.ts';
import { utf8Decode } from './bytes-util.ts';
import { celTypeName, compareStrings, isCelMap, isCelType, mapEntries } from './compare.ts';

export { celTypeName };
import type { CelJsNode } from '../instrument.ts';
import type { CelValidator } from '../library.ts';

const DEFAULT_PRECISION = 6;


function typeValueName(v: unknown): string {
  const s = String(v);
  const m = /^Type<(.*)>$/.exec(s);
  return m ? m[1]! : ((v as { name?: string }).name ?? s);
}

const fmtError = (msg: string): never => fail(`error during formatting: ${msg}`);

function stringClauseError(v: unknown): never {
  return fmtError(
    `string clause can only be used on strings, bools, bytes, ints, doubles, maps, lists, types, durations, and timestamps, was given ${celTypeName(v)}`,
  );
}

/** cel-go `FormatString`: the `%s` rendering of one value. */
function formatString(v: unknown): string {
  if (Array.isArray(v)) return formatList(v);
  if (isCelMap(v)) return formatMap(v);
  if (v === null) return 'null';
  switch (typeof v) {
    case 'bigint':
      return v.toString();
    case 'number':
      return formatFloatG(v);
    case 'string':
      return v;
    case 'boolean':
      return v ? 'true' : 'false';
  }
  if (v instanceof UnsignedInt) return v.valueOf().toString();
  if (v instanceof Date) return formatTimestamp(v);
  if (v instanceof Duration) return durationToString(v);
  if (v instanceof Uint8Array) {
    const s = utf8Decode(v);
    if (s === undefined) return fmtError('could not convert argument "invalid UTF-8 in bytes, cannot convert to string" to string');
    return s;
  }
  if (isCelType(v)) return typeValueName(v);
  return stringClauseError(v);
}

/** `clauseForType` rendering used inside lists and maps, then quoted for CEL. */
function formatMember(v: unknown): string {
  if (typeof v === 'bigint' || v instanceof UnsignedInt) return formatString(v);
  if (typeof v === 'number') {
    const s = fixed(v, DEFAULT_PRECISION, false);
    return Number.isFinite(v) ? s : goQuote(s);
  }
  if (typeof v === 'string') return goQuote(v);
  if (v instanceof Uint8Array) return `b${goQuote(formatString(v))}`;
  if (v instanceof Date) return `timestamp(${goQuote(formatTimestamp(v))})`;
  if (v instanceof Duration) return `duration(${goQuote(durationToString(v))})`;
  if (Array.isArray(v)) return formatList(v);
  if (isCelMap(v)) return formatMap(v);
  if (v === null || typeof v === 'boolean') return formatString(v);
  if (isCelType(v)) return typeValueName(v);
  return fmtError(`no formatting function for ${celTypeName(v)}`);
}

function formatList(l: unknown[]): string {
  return `[${l.map((x) => formatMember(x)).join(', ')}]`;
}

function formatMap(m: Record<string, unknown> | Map<unknown, unknown>): string {
  const pairs: [string, string][] = [];
  for (const [k, v] of mapEntries(m) ?? []) {
    let key: string;
    if (typeof k === 'string') key = goQuote(k);
    else if (typeof k === 'boolean' || typeof k === 'bigint' || k instanceof UnsignedInt) key = formatString(k);
    else key = fmtError(`no formatting function for map key of type ${celTypeName(k)}`);
    pairs.push([key, formatMember(v)]);
  }
  pairs.sort((a, b) => compareStrings(a[0], b[0]));
  return `{${pairs.map(([k, v]) => `${k}:${v}`).join(', ')}}`;
}

/** Exact decimal expansion of a finite double: integer digits and fraction digits. */
function exactDecimal(x: number): { int: string; frac: string } {
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, Math.abs(x));
  const hi = buf.getUint32(0);
  const lo = buf.getUint32(4);
  const exp = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (exp === 0) e = -1074;
  else {
    mant |= 1n << 52n;
    e = exp - 1075;
  }
  if (e >= 0) return { int: (mant << BigInt(e)).toString(), frac: '' };
  const k = -e;
  const digits = (mant * 5n ** BigInt(k)).toString().padStart(k + 1, '0');
  return { int: digits.slice(0, digits.length - k), frac: digits.slice(digits.length - k).replace(/0+$/, '') };
}

/** Rounds a decimal digit string half-to-even at `prec` fraction digits (exact input). */
function roundDecimal(int: string, frac: string, prec: number): { int: string; frac: string } {
  if (frac.length <= prec) return { int, frac: frac.padEnd(prec, '0') };
  const keep = frac.slice(0, prec);
  const rest = frac.slice(prec);
  let up: boolean;
  if (rest[0]! > '5') up = true;
  else if (rest[0]! < '5') up = false;
  else if (/[1-9]/.test(rest.slice(1))) up = true;
  else {
    const last = (prec > 0 ? keep[prec - 1] : int[int.length - 1]) ?? '0';
    up = Number(last) % 2 === 1;
  }
  let digits = int + keep;
  if (up) {
    const n = (BigInt(digits) + 1n).toString().padStart(digits.length, '0');
    digits = n;
  }
  const intLen = digits.length - prec;
  return { int: digits.slice(0, intLen) || '0', frac: digits.slice(intLen) };
}

function groupThousands(int: string): string {
  let out = '';
  for (let i = 0; i < int.length; i++) {
    if (i > 0 && (int.length - i) % 3 === 0) out += ',';
    out += int[i];
  }
  return out;
}

/** `%.Nf` (Go rounding); grouped with `,` like x/text's en_US printer when `grouped`. */
function fixed(x: number, prec: number, grouped: boolean): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return grouped ? (x > 0 ? '∞' : '-∞') : x > 0 ? '+Inf' : '-Inf';
  const neg = x < 0 || Object.is(x, -0);
  const d = exactDecimal(x);
  const r = roundDecimal(d.int, d.frac, prec);
  const int = grouped ? groupThousands(r.int) : r.int;
  return `${neg ? '-' : ''}${int}${prec > 0 ? `.${r.frac}` : ''}`;
}

const SUPERSCRIPT = '⁰¹²³⁴⁵⁶⁷⁸⁹';

/** x/text's rendering of `%6e`: `1.234500×10⁰³`, padded to width 6. */
function scientific(x: number): string {
  let s: string;
  if (Number.isNaN(x)) s = 'NaN';
  else if (!Number.isFinite(x)) s = x > 0 ? '∞' : '-∞';
  else {
    const neg = x < 0 || Object.is(x, -0);
    let exp = 0;
    let mantInt = '0';
    let mantFrac = '000000';
    if (x !== 0) {
      const d = exactDecimal(x);
      const lead = d.int.replace(/^0+/, '');
      let digits: string;
      if (lead.length > 0) {
        exp = lead.length - 1;
        digits = lead + d.frac;
      } else {
        const z = d.frac.match(/^0*/)![0].length;
        exp = -(z + 1);
        digits = d.frac.slice(z);
      }
      const r = roundDecimal(digits[0]!, digits.slice(1), DEFAULT_PRECISION);
      if (r.int.length > 1) {
        // rounding carried into a new digit (9.9999995 -> 10.000000)
        exp += 1;
        mantInt = r.int[0]!;
        mantFrac = (r.int.slice(1) + r.frac).slice(0, DEFAULT_PRECISION);
      } else {
        mantInt = r.int;
        mantFrac = r.frac;
      }
    }
    const e = Math.abs(exp).toString().padStart(2, '0');
    const sup = [...e].map((c) => SUPERSCRIPT[Number(c)]).join('');
    s = `${neg ? '-' : ''}${mantInt}.${mantFrac}×10${exp < 0 ? '⁻' : ''}${sup}`;
  }
  return s.length < 6 ? s.padStart(6, ' ') : s;
}

function floatArg(v: unknown, clause: 'fixed-point' | 'scientific'): number {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return Number.NaN;
  if (v === 'Infinity') return Number.POSITIVE_INFINITY;
  if (v === '-Infinity') return Number.NEGATIVE_INFINITY;
  return fmtError(`${clause} clause can only be used on doubles, was given ${celTypeName(v)}`);
}

function intArg(v: unknown): bigint | undefined {
  if (typeof v === 'bigint') return v;
  if (v instanceof UnsignedInt) return v.valueOf();
  return undefined;
}

function hexOf(v: unknown, upper: boolean): string {
  let out: string;
  const i = intArg(v);
  if (i !== undefined) out = i < 0n ? `-${(-i).toString(16)}` : i.toString(16);
  else if (typeof v === 'string') out = [...new TextEncoder().encode(v)].map((b) => b.toString(16).padStart(2, '0')).join('');
  else if (v instanceof Uint8Array) out = [...v].map((b) => b.toString(16).padStart(2, '0')).join('');
  else return fmtError(`only integers, byte buffers, and strings can be formatted as hex, was given ${celTypeName(v)}`);
  return upper ? out.toUpperCase() : out;
}

function radix(v: unknown, base: 2 | 8, what: string): string {
  const i = intArg(v);
  if (i === undefined) {
    if (base === 2 && typeof v === 'boolean') return v ? '1' : '0';
    return fmtError(what.replace('%s', celTypeName(v)));
  }
  return i < 0n ? `-${(-i).toString(base)}` : i.toString(base);
}

/** cel-go `parseFormatString` with the runtime formatter. */
export function formatCelString(format: string, args: readonly unknown[]): string {
  let out = '';
  let argIndex = 0;
  let i = 0;
  while (i < format.length) {
    const c = format[i]!;
    if (c !== '%') {
      out += c;
      i++;
      continue;
    }
    if (format[i + 1] === '%') {
      out += '%';
      i += 2;
      continue;
    }
    if (argIndex >= args.length) fail(`index ${argIndex} out of range`);
    if (i + 1 >= format.length) fail('unexpected end of string');
    const arg = args[argIndex];
    let j = i + 1;
    let precision: number | undefined;
    if (format[j] === '.') {
      j++;
      let digits = '';
      for (;;) {
        if (j >= format.length) fail('could not parse formatting clause: error while parsing precision: could not find end of precision specifier');
        const d = format[j]!;
        if (d < '0' || d > '9') break;
        digits += d;
        j++;
      }
      if (digits === '') {
        fail(
          'could not parse formatting clause: error while parsing precision: error while converting precision to integer: strconv.Atoi: parsing "": invalid syntax',
        );
      }
      precision = Number(digits);
    }
    const verb = String.fromCodePoint(format.codePointAt(j)!);
    j += verb.length;
    let s: string;
    switch (verb) {
      case 's':
        s = formatString(arg);
        break;
      case 'd': {
        const n = intArg(arg);
        if (n === undefined) fmtError(`decimal clause can only be used on integers, was given ${celTypeName(arg)}`);
        s = n!.toString();
        break;
      }
      case 'f':
        s = fixed(floatArg(arg, 'fixed-point'), precision ?? DEFAULT_PRECISION, true);
        break;
      case 'e':
        s = scientific(floatArg(arg, 'scientific'));
        break;
      case 'b':
        s = radix(arg, 2, 'only integers and bools can be formatted as binary, was given %s');
        break;
      case 'o':
        s = radix(arg, 8, 'octal clause can only be used on integers, was given %s');
        break;
      case 'x':
      case 'X':
        s = hexOf(arg, verb === 'X');
        break;
      default:
        s = fail(`could not parse formatting clause: unrecognized formatting clause "${verb}"`);
    }
    out += s;
    argIndex++;
    i = j;
  }
  return out;
}

/** Static view of one `format` argument for compile-time checking. */
export interface FormatArgInfo<N> {
  /** cel-js type kind (`primitive`, `list`, `map`, `dyn`, `optional`, `message`...) */
  readonly kind: string;
  /** cel-js type name (`int`, `list<int>`, `google.protobuf.Duration`...) */
  readonly name: string;
  readonly node: N;
  /** elements (lists) or keys and values (maps) when the argument is a literal */
  readonly children?: readonly FormatArgInfo<N>[];
}

function staticTypeName(a: FormatArgInfo<unknown>): string {
  if (a.kind === 'list') return 'list';
  if (a.kind === 'map') return 'map';
  if (a.kind === 'optional') return 'optional_type';
  if (a.name === 'null') return 'null_type';
  return a.name;
}

const STRING_OK = new Set(['int', 'uint', 'double', 'bool', 'string', 'google.protobuf.Timestamp', 'bytes', 'google.protobuf.Duration', 'type', 'null']);

function verifyString<N>(a: FormatArgInfo<N>): FormatArgInfo<N> | undefined {
  if (a.kind === 'dyn') return undefined;
  if (!(a.kind === 'list' || a.kind === 'map' || STRING_OK.has(a.name))) return a;
  for (const c of a.children ?? []) {
    const bad = verifyString(c);
    if (bad) return bad;
  }
  return undefined;
}

/**
 * cel-go's `string.format` validator for a literal format string with a list-literal argument:
 * returns the error (and the offending argument, or `undefined` for the call itself), as cel-go
 * reports it at compile time.
 */
export function validateFormatLiteral<N>(format: string, args: readonly FormatArgInfo<N>[]): { message: string; node?: N } | undefined {
  let argIndex = 0;
  let requested = 0;
  let i = 0;
  const ok = (a: FormatArgInfo<N>, kinds: readonly string[]): boolean => a.kind === 'dyn' || kinds.includes(a.name);
  while (i < format.length) {
    if (format[i] !== '%') {
      i++;
      continue;
    }
    if (format[i + 1] === '%') {
      i += 2;
      continue;
    }
    requested++;
    if (i + 1 >= format.length) return { message: 'unexpected end of string' };
    if (argIndex >= args.length) return { message: `index ${argIndex} out of range` };
    const arg = args[argIndex]!;
    let j = i + 1;
    if (format[j] === '.') {
      j++;
      let digits = '';
      for (;;) {
        if (j >= format.length) return { message: 'could not parse formatting clause: error while parsing precision: could not find end of precision specifier' };
        const d = format[j]!;
        if (d < '0' || d > '9') break;
        digits += d;
        j++;
      }
      if (digits === '') {
        return {
          message:
            'could not parse formatting clause: error while parsing precision: error while converting precision to integer: strconv.Atoi: parsing "": invalid syntax',
        };
      }
    }
    const verb = String.fromCodePoint(format.codePointAt(j)!);
    j += verb.length;
    const t = staticTypeName(arg);
    const err = (msg: string, at: FormatArgInfo<N> = arg): { message: string; node: N } => ({
      message: `error during formatting: ${msg}, was given ${at === arg ? t : staticTypeName(at)}`,
      node: at.node,
    });
    switch (verb) {
      case 's': {
        const bad = verifyString(arg);
        if (bad) return err('string clause can only be used on strings, bools, bytes, ints, doubles, maps, lists, types, durations, and timestamps', bad);
        break;
      }
      case 'd':
        if (!ok(arg, ['int', 'uint'])) return err('decimal clause can only be used on integers');
        break;
      case 'f':
        if (!ok(arg, ['double', 'string'])) return err('fixed-point clause can only be used on doubles');
        break;
      case 'e':
        if (!ok(arg, ['double', 'string'])) return err('scientific clause can only be used on doubles');
        break;
      case 'b':
        if (!ok(arg, ['int', 'uint', 'bool'])) return err('only integers and bools can be formatted as binary');
        break;
      case 'x':
      case 'X':
        if (!ok(arg, ['int', 'uint', 'string', 'bytes'])) return err('only integers, byte buffers, and strings can be formatted as hex');
        break;
      case 'o':
        if (!ok(arg, ['int', 'uint'])) return err('octal clause can only be used on integers');
        break;
      default:
        return { message: `could not parse formatting clause: unrecognized formatting clause "${verb}"` };
    }
    argIndex++;
    i = j;
  }
  if (args.length > requested) return { message: `too many arguments supplied to string.format (expected ${requested}, got ${args.length})` };
  return undefined;
}

function formatArgInfo(n: CelJsNode): FormatArgInfo<CelJsNode> {
  const t = n.checkedType ?? { kind: 'dyn', name: 'dyn' };
  let children: FormatArgInfo<CelJsNode>[] | undefined;
  if (n.op === 'list') children = (n.args as CelJsNode[]).map(formatArgInfo);
  else if (n.op === 'map') children = (n.args as [CelJsNode, CelJsNode][]).flat().map(formatArgInfo);
  return children ? { kind: t.kind, name: t.name, node: n, children } : { kind: t.kind, name: t.name, node: n };
}

/** cel-go's compile-time check of `"literal".format([literal list])` (the string_format validator). */
export const formatLiteralValidator: CelValidator = (n) => {
  if (n.op !== 'rcall' || (n.args as unknown[])[0] !== 'format') return undefined;
  const recv = (n.args as unknown[])[1] as CelJsNode;
  const args = (n.args as unknown[])[2] as CelJsNode[];
  if (recv.op !== 'value' || typeof recv.args !== 'string' || args.length !== 1 || args[0]!.op !== 'list') return undefined;
  const r = validateFormatLiteral(recv.args, (args[0]!.args as CelJsNode[]).map(formatArgInfo));
  return r ? { message: r.message, at: r.node ?? n } : undefined;
};
