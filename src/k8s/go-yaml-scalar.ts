/**
 * How go-yaml v2 (go.yaml.in/yaml/v2 v2.4, used by sigs.k8s.io/yaml, which Kubernetes and Kyverno read YAML
 * with) resolves a plain (unquoted) scalar: resolve.go.
 *
 * - exact spellings y/Y/yes/Yes/YES/on/On/ON/true/True/TRUE (and the false forms) are booleans;
 *   ``, `~`, null/Null/NULL are null; `.inf`, `.nan` forms are floats (not representable in JSON);
 * - a first character `+`, `-` or a digit: a timestamp stays a string (decoding into interface{}), else
 *   ParseInt(base 0) with `_` removed (`0755` octal, `0x1F`, `0o17`, `0b101`), ParseUint, then a float when the
 *   text matches `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`; `-0b...` binary;
 * - a first character `.`: ParseFloat;
 * - everything else is a string.
 */

const BOOL_TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const BOOL_FALSE = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);
const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const SPECIAL_FLOATS: Record<string, number> = {
  '.nan': NaN,
  '.NaN': NaN,
  '.NAN': NaN,
  '.inf': Infinity,
  '.Inf': Infinity,
  '.INF': Infinity,
  '+.inf': Infinity,
  '+.Inf': Infinity,
  '+.INF': Infinity,
  '-.inf': -Infinity,
  '-.Inf': -Infinity,
  '-.INF': -Infinity,
};
const yamlStyleFloat = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
// go-yaml's parseTimestamp layouts: 2006-1-2T15:4:5.999999999Z07:00, 2006-1-2t15:4:5..., 2006-1-2 15:4:5..., 2006-1-2
const timestampRe =
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?$/;

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;
const UINT64_MAX = 18446744073709551615n;

/** strconv.ParseInt(s, 0, 64) / ParseUint(s, 0, 64) as a BigInt; undefined when invalid or out of range. */
function goParseIntBase0(s: string, unsigned: boolean): bigint | undefined {
  let i = 0;
  let neg = false;
  if (!unsigned && (s[0] === '+' || s[0] === '-')) {
    neg = s[0] === '-';
    i = 1;
  }
  let body = s.slice(i);
  if (body === '') return undefined;
  let base = 10;
  if (body.length > 1 && body[0] === '0') {
    const p = body[1]!.toLowerCase();
    if (p === 'x') {
      base = 16;
      body = body.slice(2);
    } else if (p === 'o') {
      base = 8;
      body = body.slice(2);
    } else if (p === 'b') {
      base = 2;
      body = body.slice(2);
    } else {
      base = 8;
      body = body.slice(1);
    }
    if (body === '') return undefined;
  }
  const digits = base === 16 ? /^[0-9a-fA-F]+$/ : base === 8 ? /^[0-7]+$/ : base === 2 ? /^[01]+$/ : /^[0-9]+$/;
  if (!digits.test(body)) return undefined;
  let v: bigint;
  try {
    v = base === 10 ? BigInt(body) : BigInt((base === 16 ? '0x' : base === 8 ? '0o' : '0b') + body);
  } catch {
    return undefined;
  }
  if (neg) v = -v;
  if (unsigned) return v <= UINT64_MAX ? v : undefined;
  return v >= INT64_MIN && v <= INT64_MAX ? v : undefined;
}

/** Go strconv.ParseFloat for the texts yamlStyleFloat admits (and `.` forms): JS parseFloat agrees there. */
function goParseFloat(s: string): number | undefined {
  if (!/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(s)) return undefined;
  const v = Number(s);
  if (!Number.isFinite(v)) return undefined; // Go returns ±Inf with ErrRange: an error, so the text stays a string
  return v;
}

export type GoScalar = { value: null | boolean | number | string; resolved: boolean };

const STRING_RESULT_FLAG = 0;

/**
 * Cheap pre-check: only texts starting with one of `+-.0123456789yYnNtTfFoO~` (or the empty text) can resolve
 * to something other than a string (go-yaml's resolveTable hints).
 */
export function mayResolve(text: string): boolean {
  if (text.length === 0) return true;
  const c = text.charCodeAt(0);
  // + - . digits
  if (c === 43 || c === 45 || c === 46 || (c >= 48 && c <= 57)) return true;
  // y Y n N t T f F o O ~
  return c === 121 || c === 89 || c === 110 || c === 78 || c === 116 || c === 84 || c === 102 || c === 70 || c === 111 || c === 79 || c === 126;
}
void STRING_RESULT_FLAG;

/** Resolves a plain scalar the way go-yaml v2 does. `resolved` is false when it stays a string. */
export function resolveGoPlainScalar(text: string): GoScalar {
  if (!mayResolve(text)) return { value: text, resolved: false };
  if (BOOL_TRUE.has(text)) return { value: true, resolved: true };
  if (BOOL_FALSE.has(text)) return { value: false, resolved: true };
  if (NULLS.has(text)) return { value: null, resolved: true };
  if (text in SPECIAL_FLOATS) return { value: SPECIAL_FLOATS[text]!, resolved: true };
  const c = text[0];
  if (c === '.') {
    const f = goParseFloat(text);
    return f === undefined ? { value: text, resolved: false } : { value: f, resolved: true };
  }
  if (c !== '+' && c !== '-' && !(c !== undefined && c >= '0' && c <= '9')) return { value: text, resolved: false };
  if (timestampRe.test(text)) return { value: text, resolved: false };
  const plain = text.replaceAll('_', '');
  const i = goParseIntBase0(plain, false);
  if (i !== undefined) return { value: Number(i), resolved: true };
  const u = goParseIntBase0(plain, true);
  if (u !== undefined) return { value: Number(u), resolved: true };
  if (yamlStyleFloat.test(plain)) {
    const f = goParseFloat(plain);
    if (f !== undefined) return { value: f, resolved: true };
  }
  if (plain.startsWith('0b')) {
    const b = goParseIntBase0(plain, false);
    if (b !== undefined) return { value: Number(b), resolved: true };
  } else if (plain.startsWith('-0b')) {
    const b = goParseIntBase0('-' + plain.slice(1), false);
    if (b !== undefined) return { value: Number(b), resolved: true };
  }
  return { value: text, resolved: false };
}
