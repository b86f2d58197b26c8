/**
 * Kubernetes label key/value validation as `labels.NewRequirement` applies it when a LabelSelector is
 * turned into a selector (k8s.io/apimachinery validate/content `IsLabelKey`, `IsLabelValue`), with the
 * same error texts. Lengths are counted in bytes, as in Go.
 */

const LABEL_KEY_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_KEY_RE = new RegExp(`^${LABEL_KEY_FMT}$`);
const LABEL_KEY_MSG =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_FMT = `(${LABEL_KEY_FMT})?`;
const LABEL_VALUE_RE = new RegExp(`^${LABEL_VALUE_FMT}$`);
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1123_SUBDOMAIN_RE = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);
const DNS1123_SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";

function regexError(msg: string, re: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${re}')`;
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${re}')`;
}

function maxLenError(n: number): string {
  return `must be no more than ${n} bytes`;
}

function byteLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

function isDns1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 253) errs.push(maxLenError(253));
  if (!DNS1123_SUBDOMAIN_RE.test(value)) errs.push(regexError(DNS1123_SUBDOMAIN_MSG, DNS1123_SUBDOMAIN_FMT, 'example.com'));
  return errs;
}

/**
 * `IsLabelKey` (a "qualified name"): optional DNS-subdomain prefix and `/`, then a name of at most 63
 * bytes. Returns the problems, `[]` when valid.
 * Example: `isLabelKey('app.kubernetes.io/name')` -> `[]`; `isLabelKey('a/b/c')` -> one message.
 */
export function isLabelKey(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0] as string;
  } else if (parts.length === 2) {
    const prefix = parts[0] as string;
    name = parts[1] as string;
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else for (const m of isDns1123Subdomain(prefix)) errs.push(`prefix part ${m}`);
  } else {
    errs.push(
      `a valid label key ${regexError(LABEL_KEY_MSG, LABEL_KEY_FMT, 'MyName', 'my.name', '123-abc')}` +
        " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    );
    return errs;
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (byteLength(name) > 63) errs.push(`name part ${maxLenError(63)}`);
  if (!LABEL_KEY_RE.test(name)) errs.push(`name part ${regexError(LABEL_KEY_MSG, LABEL_KEY_FMT, 'MyName', 'my.name', '123-abc')}`);
  return errs;
}

/**
 * `IsValidLabelValue`: empty, or at most 63 bytes of `[-A-Za-z0-9_.]` starting and ending with an
 * alphanumeric. Returns the problems, `[]` when valid.
 */
export function isLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 63) errs.push(maxLenError(63));
  if (!LABEL_VALUE_RE.test(value)) errs.push(regexError(LABEL_VALUE_MSG, LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345'));
  return errs;
}

/** A Go `%q`-like rendering of a string for messages. */
export function quote(s: string): string {
  return JSON.stringify(s);
}

/** The `operator` values of a `LabelSelectorRequirement`, mapped to selector operators. */
export type SelectorOperator = 'in' | 'notin' | 'exists' | '!' | '=';

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]` over s[from, to), without a regex. */
function isQualifiedNamePart(s: string, from: number, to: number): boolean {
  if (to <= from || !isAlnum(s.charCodeAt(from)) || !isAlnum(s.charCodeAt(to - 1))) return false;
  for (let i = from + 1; i < to - 1; i++) {
    const c = s.charCodeAt(i);
    if (!isAlnum(c) && c !== 45 && c !== 95 && c !== 46) return false;
  }
  return true;
}

/** Lower-case RFC 1123 subdomain over s[0, to), without a regex. */
function isSubdomainPrefix(s: string, to: number): boolean {
  if (to === 0 || to > 253) return false;
  let labelStart = 0;
  for (let i = 0; i <= to; i++) {
    const c = i < to ? s.charCodeAt(i) : 46;
    if (c === 46) {
      if (i === labelStart) return false;
      const first = s.charCodeAt(labelStart);
      const last = s.charCodeAt(i - 1);
      if (!((first >= 48 && first <= 57) || (first >= 97 && first <= 122))) return false;
      if (!((last >= 48 && last <= 57) || (last >= 97 && last <= 122))) return false;
      labelStart = i + 1;
    } else if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 122) || c === 45)) {
      return false;
    }
  }
  return true;
}

/**
 * True when an Equals requirement `key=value` is valid; the same answer as
 * `validateRequirement(key, '=', [value]) === ''`, without building messages (used for labels read
 * from objects on the hot path).
 */
export function isValidLabelPair(key: string, value: string): boolean {
  if (value.length > 63 || (value.length > 0 && !isQualifiedNamePart(value, 0, value.length))) return false;
  const slash = key.indexOf('/');
  if (slash < 0) return key.length <= 63 && isQualifiedNamePart(key, 0, key.length);
  if (key.indexOf('/', slash + 1) >= 0) return false;
  return key.length - slash - 1 <= 63 && isQualifiedNamePart(key, slash + 1, key.length) && isSubdomainPrefix(key, slash);
}

/**
 * Validates one requirement like `labels.NewRequirement(key, op, values)`; returns the error text
 * (`key: Invalid value: "A B": …`, several errors as `[e1, e2]`) or `''` when valid.
 */
export function validateRequirement(key: string, op: SelectorOperator, values: readonly string[] | null): string {
  const errs: string[] = [];
  const keyErrs = isLabelKey(key);
  if (keyErrs.length > 0) errs.push(`key: Invalid value: ${quote(key)}: ${keyErrs.join('; ')}`);
  const n = values ? values.length : 0;
  const rendered = values ? JSON.stringify(values) : 'null';
  switch (op) {
    case 'in':
    case 'notin':
      if (n === 0) errs.push(`values: Invalid value: ${rendered}: for 'in', 'notin' operators, values set can't be empty`);
      break;
    case '=':
      if (n !== 1) errs.push(`values: Invalid value: ${rendered}: exact-match compatibility requires one single value`);
      break;
    case 'exists':
    case '!':
      if (n !== 0) errs.push(`values: Invalid value: ${rendered}: values set must be empty for exists and does not exist`);
      break;
  }
  if (values) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i] as string;
      const vErrs = isLabelValue(v);
      if (vErrs.length > 0) errs.push(`values[${i}][${key}]: Invalid value: ${quote(v)}: ${vErrs.join('; ')}`);
    }
  }
  const unique = [...new Set(errs)];
  if (unique.length === 0) return '';
  if (unique.length === 1) return unique[0] as string;
  return `[${unique.join(', ')}]`;
}
