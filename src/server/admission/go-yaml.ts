/**
 * go-yaml v3's encoder (go.yaml.in/yaml/v3 with `SetIndent(2)`, unlimited width) for the one shape
 * Kyverno encodes in admission messages: a map of maps of strings (`GetBlockedMessages`,
 * pkg/webhooks/utils/block.go). Ported from encode.go `stringv`, resolve.go `resolve`, sorter.go
 * `keyList.Less` and emitterc.go (`analyze_scalar`, `select_scalar_style`, the scalar writers), so that
 * quoting matches byte for byte:
 *
 * ```ts
 * encodeStringMaps({ pol: { 'rule-b': 'validation error: x', a: 'two\nlines' } })
 * // "pol:\n  a: |-\n    two\n    lines\n  rule-b: 'validation error: x'\n"
 * ```
 */

// --- resolve (would the plain text read back as something other than a string?) ---------------------

const RESOLVE_MAP = new Set([
  'true', 'True', 'TRUE', 'false', 'False', 'FALSE',
  '', '~', 'null', 'Null', 'NULL',
  '.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF',
  '<<',
]);

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

function hint(c: string): string {
  if (c === '+' || c === '-') return 'S';
  if (c >= '0' && c <= '9') return 'D';
  if ('yYnNtTfFoO~'.includes(c)) return 'M';
  if (c === '.') return '.';
  return '';
}

/** strconv.ParseInt(s, 0, 64) or ParseUint(s, 0, 64) succeeds (Go literal syntax; no underscores left). */
function goParsesAsInt(s: string): boolean {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return false;
  const body = m[2] as string;
  let v: bigint;
  if (/^0[xXoObB]/.test(body)) v = BigInt(body.toLowerCase().replace(/^0o/, '0o'));
  else if (body.length > 1 && body.startsWith('0')) v = BigInt('0o' + body.slice(1));
  else v = BigInt(body);
  if (m[1] === '-') return v <= 2n ** 63n;
  return v < 2n ** 64n;
}

/** Go time.Parse with the layouts go-yaml tries for timestamps (a close approximation). */
function parsesAsTimestamp(s: string): boolean {
  if (!/^[0-9]{4}-/.test(s)) return false;
  return (
    /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}$/.test(s) ||
    /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}[Tt][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$/.test(s) ||
    /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2} [0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\.[0-9]+)?$/.test(s)
  );
}

function resolvesToString(s: string): boolean {
  const h = s === '' ? 'N' : hint(s[0] as string);
  if (h === '') return true;
  if (RESOLVE_MAP.has(s)) return false;
  if (h === '.') return !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s) && !/^[-+]?(inf|infinity|nan)$/i.test(s);
  if (h === 'D' || h === 'S') {
    if (parsesAsTimestamp(s)) return false;
    const plain = s.replace(/_/g, '');
    if (goParsesAsInt(plain)) return false;
    if (YAML_STYLE_FLOAT.test(plain)) return false;
    if (/^-?0b[01]+$/.test(plain) || /^-?0o[0-7]+$/.test(plain)) return false;
  }
  return true;
}

function isOldBool(s: string): boolean {
  return ['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF'].includes(s);
}

function isBase60Float(s: string): boolean {
  if (s === '') return false;
  const c = s[0] as string;
  if (!(c === '+' || c === '-' || (c >= '0' && c <= '9')) || !s.includes(':')) return false;
  return BASE60_FLOAT.test(s);
}

// --- scalar analysis ------------------------------------------------------------------------------

type Style = 'plain' | 'single' | 'double' | 'literal';

const isBreak = (cp: number): boolean => cp === 0x0d || cp === 0x0a || cp === 0x85 || cp === 0x2028 || cp === 0x2029;
const isSpace = (cp: number): boolean => cp === 0x20;
const isBlank = (cp: number): boolean => cp === 0x20 || cp === 0x09;
function isPrintable(cp: number): boolean {
  return cp === 0x0a || (cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff);
}

interface Analysis {
  multiline: boolean;
  blockPlainAllowed: boolean;
  singleQuotedAllowed: boolean;
  blockAllowed: boolean;
}

/** `# , [ ] { } & * ! | > ' " % @ \``: block indicators at the start of a scalar */
const FIRST_INDICATORS = new Set(Array.from("#,[]{}&*!|>'\"%@`", (ch) => ch.charCodeAt(0)));

function analyze(cps: readonly number[]): Analysis {
  if (cps.length === 0) return { multiline: false, blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: false };
  let blockIndicators = false;
  let lineBreaks = false;
  let specialCharacters = false;
  let tabCharacters = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let precededByWhitespace = true;
  let previousSpace = false;
  let previousBreak = false;
  const n = cps.length;
  if (n >= 3 && ((cps[0] === 0x2d && cps[1] === 0x2d && cps[2] === 0x2d) || (cps[0] === 0x2e && cps[1] === 0x2e && cps[2] === 0x2e))) {
    blockIndicators = true;
  }
  for (let i = 0; i < n; i++) {
    const c = cps[i] as number;
    const next = cps[i + 1];
    const followedByWhitespace = i + 1 >= n || isBlank(next as number) || isBreak(next as number);
    if (i === 0) {
      if (FIRST_INDICATORS.has(c)) blockIndicators = true;
      else if ((c === 0x3f || c === 0x3a) && followedByWhitespace) blockIndicators = true;
      else if (c === 0x2d && followedByWhitespace) blockIndicators = true;
    } else {
      if (c === 0x3a && followedByWhitespace) blockIndicators = true;
      else if (c === 0x23 && precededByWhitespace) blockIndicators = true;
    }
    if (c === 0x09) tabCharacters = true;
    else if (!isPrintable(c)) specialCharacters = true;
    if (isSpace(c)) {
      if (i === 0) leadingSpace = true;
      if (i === n - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(c)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === n - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = isBlank(c) || isBreak(c) || c === 0;
  }
  const a: Analysis = { multiline: lineBreaks, blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: true };
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) a.blockPlainAllowed = false;
  if (trailingSpace) a.blockAllowed = false;
  if (breakSpace) {
    a.blockPlainAllowed = false;
    a.singleQuotedAllowed = false;
  }
  if (spaceBreak || tabCharacters || specialCharacters) {
    a.blockPlainAllowed = false;
    a.singleQuotedAllowed = false;
  }
  if (spaceBreak || specialCharacters) a.blockAllowed = false;
  if (lineBreaks) a.blockPlainAllowed = false;
  if (blockIndicators) a.blockPlainAllowed = false;
  return a;
}

function selectStyle(s: string, cps: readonly number[], simpleKey: boolean): { style: Style; analysis: Analysis } {
  const canUsePlain = resolvesToString(s) && !isBase60Float(s) && !isOldBool(s);
  let style: Style = s.includes('\n') ? 'literal' : canUsePlain ? 'plain' : 'double';
  const a = analyze(cps);
  if (simpleKey && a.multiline) style = 'double';
  if (style === 'plain') {
    if (!a.blockPlainAllowed) style = 'single';
    if (cps.length === 0 && simpleKey) style = 'single';
  }
  if (style === 'single' && !a.singleQuotedAllowed) style = 'double';
  if (style === 'literal' && (!a.blockAllowed || simpleKey)) style = 'double';
  return { style, analysis: a };
}

// --- writers --------------------------------------------------------------------------------------

const DOUBLE_ESCAPES: Record<number, string> = {
  0x00: '0', 0x07: 'a', 0x08: 'b', 0x09: 't', 0x0a: 'n', 0x0b: 'v', 0x0c: 'f', 0x0d: 'r', 0x1b: 'e',
  0x22: '"', 0x5c: '\\', 0x85: 'N', 0xa0: '_', 0x2028: 'L', 0x2029: 'P',
};

function writeDouble(cps: readonly number[]): string {
  const bom = cps[0] === 0xfeff;
  let out = '"';
  for (const c of cps) {
    if (!isPrintable(c) || bom || isBreak(c) || c === 0x22 || c === 0x5c) {
      const e = DOUBLE_ESCAPES[c];
      if (e !== undefined) out += `\\${e}`;
      else if (c <= 0xff) out += `\\x${c.toString(16).toUpperCase().padStart(2, '0')}`;
      else if (c <= 0xffff) out += `\\u${c.toString(16).toUpperCase().padStart(4, '0')}`;
      else out += `\\U${c.toString(16).toUpperCase().padStart(8, '0')}`;
    } else out += String.fromCodePoint(c);
  }
  return out + '"';
}

function writeSingle(cps: readonly number[], indent: number): string {
  let out = "'";
  let breaks = false;
  for (const c of cps) {
    if (isBreak(c)) {
      if (!breaks && c === 0x0a) out += '\n';
      out += c === 0x0a ? '\n' : String.fromCodePoint(c);
      breaks = true;
      continue;
    }
    if (breaks) out += ' '.repeat(indent);
    if (c === 0x27) out += "'";
    out += String.fromCodePoint(c);
    breaks = false;
  }
  return out + "'";
}

function writeLiteral(s: string, cps: readonly number[], indent: number): string {
  let head = '|';
  if (cps.length > 0 && (isSpace(cps[0] as number) || isBreak(cps[0] as number))) head += '2';
  const n = cps.length;
  if (n === 0 || !isBreak(cps[n - 1] as number)) head += '-';
  else if (n === 1 || isBreak(cps[n - 2] as number)) head += '+';
  let out = head + '\n';
  let atLineStart = true;
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (isBreak(c)) {
      out += c === 0x0a ? '\n' : ch;
      atLineStart = true;
    } else {
      if (atLineStart) out += ' '.repeat(indent);
      out += ch;
      atLineStart = false;
    }
  }
  return out;
}

/** One scalar as it appears after `key: ` (or as a key), without the trailing line break. */
/** A memo of recurring texts that empties itself when full (what requests can make it remember is bounded). */
class BoundedCache<V> extends Map<string, V> {
  constructor(private readonly max: number) {
    super();
  }
  override set(key: string, value: V): this {
    if (this.size >= this.max && !this.has(key)) this.clear();
    return super.set(key, value);
  }
}

/**
 * Encoded scalars by (key flag, indent, text): deny messages repeat the same policy and rule messages
 * request after request. Bounded: short texts only, cleared when full.
 */
const scalarCache = new BoundedCache<{ text: string; style: Style }>(4096);

function scalar(s: string, simpleKey: boolean, indent: number): { text: string; style: Style } {
  if (s.length > 4096) return encodeScalar(s, simpleKey, indent);
  const key = `${simpleKey ? 1 : 0}${indent}\u0000${s}`;
  let hit = scalarCache.get(key);
  if (hit === undefined) {
    hit = encodeScalar(s, simpleKey, indent);
    scalarCache.set(key, hit);
  }
  return hit;
}

function encodeScalar(s: string, simpleKey: boolean, indent: number): { text: string; style: Style } {
  const cps = codePoints(s);
  const { style } = selectStyle(s, cps, simpleKey);
  switch (style) {
    case 'plain':
      return { text: s, style };
    case 'single':
      return { text: writeSingle(cps, indent), style };
    case 'double':
      return { text: writeDouble(cps), style };
    case 'literal':
      return { text: writeLiteral(s, cps, indent), style };
  }
}

// --- key order (sorter.go keyList.Less for string keys) ---------------------------------------------

/** unicode.IsLetter / unicode.IsDigit (ASCII without a regular expression) */
const isLetter = (cp: number): boolean => (cp < 0x80 ? (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) : /\p{L}/u.test(String.fromCodePoint(cp)));
const isDigit = (cp: number): boolean => (cp < 0x80 ? cp >= 0x30 && cp <= 0x39 : /\p{Nd}/u.test(String.fromCodePoint(cp)));

/** The code points of a string. */
function codePoints(s: string): number[] {
  const out: number[] = new Array<number>(s.length);
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        out[n++] = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
        i++;
        continue;
      }
    }
    out[n++] = c;
  }
  out.length = n;
  return out;
}

/** Code points of the keys compared lately (policy and rule names come back with every request). */
const codePointCache = new BoundedCache<number[]>(1024);

function cachedCodePoints(s: string): number[] {
  let cps = codePointCache.get(s);
  if (cps === undefined) {
    cps = codePoints(s);
    codePointCache.set(s, cps);
  }
  return cps;
}

/** go-yaml's "natural" key order. */
export function goYamlKeyLess(a: string, b: string): boolean {
  const ar = cachedCodePoints(a);
  const br = cachedCodePoints(b);
  let digits = false;
  for (let i = 0; i < ar.length && i < br.length; i++) {
    const ai0 = ar[i] as number;
    const bi0 = br[i] as number;
    if (ai0 === bi0) {
      digits = isDigit(ai0);
      continue;
    }
    const al = isLetter(ai0);
    const bl = isLetter(bi0);
    if (al && bl) return ai0 < bi0;
    if (al || bl) return digits ? al : bl;
    let an = 0;
    let bn = 0;
    if (ai0 === 0x30 || bi0 === 0x30) {
      for (let j = i - 1; j >= 0 && isDigit(ar[j] as number); j--) {
        if (ar[j] !== 0x30) {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    let ai = i;
    let bi = i;
    for (; ai < ar.length && isDigit(ar[ai] as number); ai++) an = an * 10 + ((ar[ai] as number) - 0x30);
    for (; bi < br.length && isDigit(br[bi] as number); bi++) bn = bn * 10 + ((br[bi] as number) - 0x30);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ai0 < bi0;
  }
  return ar.length < br.length;
}

function sortedKeys(o: Record<string, unknown>): string[] {
  return Object.keys(o).sort((x, y) => (goYamlKeyLess(x, y) ? -1 : goYamlKeyLess(y, x) ? 1 : 0));
}

/** A simple key may be at most 128 characters and not span lines (emitterc.go check_simple_key). */
function isSimpleKey(s: string): boolean {
  return Buffer.byteLength(s, 'utf8') <= 128 && !/[\r\n\u0085\u2028\u2029]/.test(s);
}

/** Keys emitted lately, by indent and text. */
const keyCache = new BoundedCache<{ text: string; simple: boolean }>(1024);

function emitKey(k: string, indent: number): { text: string; simple: boolean } {
  const cacheKey = `${indent}\u0000${k}`;
  let hit = keyCache.get(cacheKey);
  if (hit === undefined) {
    hit = encodeKey(k, indent);
    keyCache.set(cacheKey, hit);
  }
  return hit;
}

function encodeKey(k: string, indent: number): { text: string; simple: boolean } {
  const pad = ' '.repeat(indent);
  if (isSimpleKey(k)) return { text: `${pad}${scalar(k, true, indent).text}:`, simple: true };
  return { text: `${pad}? ${endLine(scalar(k, false, indent + 2).text)}${pad}:`, simple: false };
}

/** A scalar followed by its line break (a block scalar that ends with a break already has it). */
function endLine(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}

/**
 * `yaml.NewEncoder` + `SetIndent(2)` + `Encode(map[string]map[string]string)` (Kyverno checks for an
 * empty map first; Go would write `{}` for one).
 */
export function encodeStringMaps(m: Record<string, Record<string, string>>): string {
  const outer = sortedKeys(m);
  if (outer.length === 0) return '{}\n';
  let out = '';
  for (const k of outer) {
    const inner = m[k] as Record<string, string>;
    const keys = sortedKeys(inner);
    const key = emitKey(k, 0);
    if (keys.length === 0) {
      out += `${key.text} {}\n`;
      continue;
    }
    keys.forEach((rk, i) => {
      const v = scalar(inner[rk] as string, false, 4);
      const rkey = emitKey(rk, 2);
      if (i === 0 && !key.simple) out += `${key.text} ${rkey.text.trimStart()} ${endLine(v.text)}`;
      else {
        if (i === 0) out += `${key.text}\n`;
        out += `${rkey.text} ${endLine(v.text)}`;
      }
    });
  }
  return out;
}
