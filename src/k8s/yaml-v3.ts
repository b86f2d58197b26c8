/**
 * YAML output as go.yaml.in/yaml/v3 `Marshal` writes a `map[string]interface{}` (what Kyverno's CLI prints
 * for mutated and generated resources): 4-space indentation, sequences indented under their key, map keys
 * in yaml.v3's natural order (digit runs compared as numbers), strings that would read back as another type
 * double-quoted, other strings that cannot be plain single-quoted, multi-line strings as literal blocks.
 *
 * Example: `{b: [{x: 1, y: 'yes'}], a: 'l1\nl2'}` ->
 *   a: |-
 *       l1
 *       l2
 *   b:
 *       - x: 1
 *         y: "yes"
 */
import YAML from 'yaml';

const INDENT = 4;

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isLetter = (c: string | undefined): boolean => c !== undefined && /\p{L}/u.test(c);

/** yaml.v3's keyList.Less for string keys. */
export function naturalKeyLess(a: string, b: string): boolean {
  const ar = [...a];
  const br = [...b];
  let digits = false;
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) {
      digits = isDigit(ar[i]);
      continue;
    }
    const al = isLetter(ar[i]);
    const bl = isLetter(br[i]);
    if (al && bl) return ar[i]! < br[i]!;
    if (al || bl) return digits ? al : bl;
    let an = 0;
    let bn = 0;
    if (ar[i] === '0' || br[i] === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) {
        if (ar[j] !== '0') {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    let ai = i;
    let bi = i;
    for (; ai < ar.length && isDigit(ar[ai]); ai++) an = an * 10 + Number(ar[ai]);
    for (; bi < br.length && isDigit(br[bi]); bi++) bn = bn * 10 + Number(br[bi]);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i]! < br[i]!;
  }
  return ar.length < br.length;
}

function sortedKeys(o: Record<string, unknown>): string[] {
  return Object.keys(o).sort((x, y) => (naturalKeyLess(x, y) ? -1 : naturalKeyLess(y, x) ? 1 : 0));
}

/** Would the plain scalar read back as something other than this string (YAML 1.1 or 1.2 resolution)? */
// Only these can read back as a bool, null, number or timestamp: everything else skips the parse.
const MAYBE_NOT_STRING = /^(?:[-+.~0-9]|(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL)$)/;

function ambiguous(s: string): boolean {
  if (s === '') return true;
  if (!MAYBE_NOT_STRING.test(s)) return false;
  for (const version of ['1.1', '1.2'] as const) {
    try {
      const v: unknown = YAML.parse(s, { version, logLevel: 'silent' } as never);
      // only scalar resolution matters (`a: b` is not a map to yaml.v3, just not plain-safe)
      if (v === null || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' || v instanceof Date) return true;
    } catch {
      return false;
    }
  }
  return false;
}

function doubleQuoted(s: string): string {
  return JSON.stringify(s).replace(/\u2028/g, '\\L').replace(/\u2029/g, '\\P');
}

// eslint-disable-next-line no-control-regex
const nonPrintable = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufeff]/;

/** A string scalar on one line (not a block). */
function inlineString(s: string): string {
  if (nonPrintable.test(s)) return doubleQuoted(s);
  if (ambiguous(s)) return doubleQuoted(s);
  // names, images, paths: plain without asking the library
  if (/^[A-Za-z0-9_][A-Za-z0-9_./@-]*(?::[A-Za-z0-9_./@-]+)*$/.test(s)) return s;
  const lib = YAML.stringify(s, { version: '1.2', lineWidth: 0 } as never).replace(/\n$/, '');
  if (lib === s) return s;
  return `'${s.replace(/'/g, "''")}'`;
}

function goFloat(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  const s = String(n);
  // Go's 'g' formatting writes exponents with at least two digits
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

function scalar(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return '.nan';
    if (!Number.isFinite(v)) return v > 0 ? '.inf' : '-.inf';
    return goFloat(v);
  }
  if (typeof v === 'bigint') return v.toString();
  return inlineString(String(v));
}

/** A literal block for a multi-line string, or undefined when yaml.v3 would double-quote it. */
function literalBlock(s: string, indent: number): string | undefined {
  if (nonPrintable.test(s) || /[ \t]\n|[ \t]$/.test(s) || s.startsWith(' ') || s.startsWith('\n')) return undefined;
  const trailing = /\n+$/.exec(s)?.[0].length ?? 0;
  const chomp = trailing === 0 ? '-' : trailing === 1 ? '' : '+';
  const body = trailing > 0 ? s.slice(0, s.length - trailing) : s;
  const pad = ' '.repeat(indent);
  const lines = body.split('\n').map((l) => (l === '' ? '' : pad + l));
  for (let i = 1; i < trailing; i++) lines.push('');
  return `|${chomp}\n${lines.join('\n')}`;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Writes `value` as the value of a mapping key or sequence entry whose block children sit at `indent`.
 * Returns the text after the `key:` / `-` (starting with a space for inline values, a newline for blocks).
 */
function valueText(value: unknown, indent: number): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return ' []';
    return '\n' + seqText(value, indent);
  }
  if (isMap(value)) {
    if (Object.keys(value).length === 0) return ' {}';
    return '\n' + mapText(value, indent, ' '.repeat(indent));
  }
  if (typeof value === 'string' && value.includes('\n')) {
    const block = literalBlock(value, indent);
    return ' ' + (block ?? doubleQuoted(value));
  }
  return ' ' + scalar(value);
}

/** A mapping whose keys are at logical `indent`; the first key is prefixed with `firstPrefix`. */
function mapText(m: Record<string, unknown>, indent: number, firstPrefix: string): string {
  const out: string[] = [];
  const keys = sortedKeys(m);
  keys.forEach((k, i) => {
    const prefix = i === 0 ? firstPrefix : ' '.repeat(indent);
    out.push(`${prefix}${inlineString(k)}:${valueText(m[k], indent + INDENT)}`);
  });
  return out.join('\n');
}

function seqText(items: readonly unknown[], indent: number): string {
  const pad = ' '.repeat(indent);
  const out: string[] = [];
  for (const item of items) {
    if (isMap(item) && Object.keys(item).length > 0) {
      // the entry's keys continue two columns in; its children are indented from the dash
      const keys = sortedKeys(item);
      const lines: string[] = [];
      keys.forEach((k, i) => {
        const prefix = i === 0 ? `${pad}- ` : `${pad}  `;
        lines.push(`${prefix}${inlineString(k)}:${valueText(item[k], indent + INDENT)}`);
      });
      out.push(lines.join('\n'));
    } else if (Array.isArray(item) && item.length > 0) {
      out.push(`${pad}-\n${seqText(item, indent + INDENT)}`);
    } else {
      out.push(`${pad}-${valueText(item, indent + INDENT)}`);
    }
  }
  return out.join('\n');
}

/** go.yaml.in/yaml/v3 `Marshal` of a JSON value, ending with a newline. */
export function toYamlV3(value: unknown): string {
  if (isMap(value)) return Object.keys(value).length === 0 ? '{}\n' : mapText(value, 0, '') + '\n';
  if (Array.isArray(value)) return value.length === 0 ? '[]\n' : seqText(value, 0) + '\n';
  if (typeof value === 'string' && value.includes('\n')) return (literalBlock(value, INDENT) ?? doubleQuoted(value)) + '\n';
  return scalar(value) + '\n';
}
