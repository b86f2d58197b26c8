/**
 * The Kubernetes format library (pkg/cel/library/format.go): named formats
 * `format.dns1123Label()`, `dns1123Subdomain()`, `dns1035Label()`, `qualifiedName()`,
 * `dns1123LabelPrefix()`, `dns1123SubdomainPrefix()`, `dns1035LabelPrefix()`, `labelValue()`, `uri()`,
 * `uuid()`, `byte()`, `date()`, `datetime()`, `format.named(name)` (optional), and
 * `<format>.validate(s)`: `optional.none()` when valid, else the apimachinery error messages.
 */
import { Optional } from '@marcbachmann/cel-js';
import { defineNamespace, type CelLibrary } from '../library.ts';
import { isLabelKey, isLabelValue } from '../../match/label-validation.ts';
import { parseRequestURI } from './go-url.ts';

const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1123_SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const DNS1035_LABEL_FMT = '[a-z]([-a-z0-9]*[a-z0-9])?';
const DNS1035_LABEL_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";

const DNS1123_LABEL_RE = new RegExp(`^${DNS1123_LABEL_FMT}$`);
const DNS1123_SUBDOMAIN_RE = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);
const DNS1035_LABEL_RE = new RegExp(`^${DNS1035_LABEL_FMT}$`);
const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$/;
const DATE_TIME_RE = /^([0-9]{2}):([0-9]{2}):([0-9]{2})(.[0-9]+)?(z|([+-][0-9]{2}:[0-9]{2}))$/;

/** apimachinery `RegexError`. */
function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${fmt}')`;
}

const byteLen = (s: string): number => new TextEncoder().encode(s).length;
/** util/validation `MaxLenError` (the dns formats; content's variant says bytes). */
const maxLen = (n: number): string => `must be no more than ${n} characters`;

export function isDns1123Label(v: string): string[] {
  const errs: string[] = [];
  if (byteLen(v) > 63) errs.push(maxLen(63));
  if (!DNS1123_LABEL_RE.test(v)) {
    if (DNS1123_SUBDOMAIN_RE.test(v)) errs.push('must not contain dots');
    else errs.push(regexError(DNS1123_LABEL_MSG, DNS1123_LABEL_FMT, 'my-name', '123-abc'));
  }
  return errs;
}

export function isDns1123Subdomain(v: string): string[] {
  const errs: string[] = [];
  if (byteLen(v) > 253) errs.push(maxLen(253));
  if (!DNS1123_SUBDOMAIN_RE.test(v)) errs.push(regexError(DNS1123_SUBDOMAIN_MSG, DNS1123_SUBDOMAIN_FMT, 'example.com'));
  return errs;
}

export function isDns1035Label(v: string): string[] {
  const errs: string[] = [];
  if (byteLen(v) > 63) errs.push(maxLen(63));
  if (!DNS1035_LABEL_RE.test(v)) errs.push(regexError(DNS1035_LABEL_MSG, DNS1035_LABEL_FMT, 'my-name', 'abc-123'));
  return errs;
}

/** apimachinery `maskTrailingDash` (for the `...Prefix` formats). */
function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith('-') ? `${name.slice(0, -2)}a` : name;
}

const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Go `time.Parse("2006-01-02", s)` validity. */
export function isDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1) return false;
  if (mo === 2) return d <= (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28);
  return d <= MONTH_DAYS[mo - 1]!;
}

/** kube-openapi strfmt `IsDateTime`. */
export function isDateTime(s: string): boolean {
  if (s.length < 4) return false;
  const parts = s.toLowerCase().split('t');
  if (parts.length < 2 || !isDate(parts[0]!)) return false;
  const m = DATE_TIME_RE.exec(parts[1]!);
  if (!m) return false;
  return m[1]! <= '23' && m[2]! <= '59' && m[3]! <= '59';
}

/** A named format (`kubernetes.NamedFormat`). */
export class FormatValue {
  /** the CEL type name (cel-go's `TypeName()`) */
  static readonly celTypeName = 'kubernetes.NamedFormat';
  constructor(
    readonly name: string,
    readonly validateFn: (s: string) => string[],
    /** used by the cost model, as in Kubernetes */
    readonly maxRegexSize: number,
  ) {}
  toJSON(): string {
    return this.name;
  }
}

/** The named formats by their `format.<key>()` key. */
export const NAMED_FORMATS: ReadonlyMap<string, FormatValue> = new Map([
  ['dns1123Label', new FormatValue('DNS1123Label', (s) => isDns1123Label(s), 30)],
  ['dns1123Subdomain', new FormatValue('DNS1123Subdomain', (s) => isDns1123Subdomain(s), 60)],
  ['dns1035Label', new FormatValue('DNS1035Label', (s) => isDns1035Label(s), 30)],
  ['qualifiedName', new FormatValue('QualifiedName', (s) => isLabelKey(s), 60)],
  ['dns1123LabelPrefix', new FormatValue('DNS1123LabelPrefix', (s) => isDns1123Label(maskTrailingDash(s)), 30)],
  ['dns1123SubdomainPrefix', new FormatValue('DNS1123SubdomainPrefix', (s) => isDns1123Subdomain(maskTrailingDash(s)), 60)],
  ['dns1035LabelPrefix', new FormatValue('DNS1035LabelPrefix', (s) => isDns1035Label(maskTrailingDash(s)), 30)],
  ['labelValue', new FormatValue('LabelValue', (s) => isLabelValue(s), 40)],
  [
    'uri',
    new FormatValue(
      'URI',
      (s) => {
        try {
          parseRequestURI(s);
          return [];
        } catch (e) {
          return [(e as Error).message];
        }
      },
      1103,
    ),
  ],
  ['uuid', new FormatValue('uuid', (s) => (UUID_RE.test(s) ? [] : ['does not match the UUID format']), 70)],
  ['byte', new FormatValue('byte', (s) => (BASE64_RE.test(s) ? [] : ['invalid base64']), 84)],
  ['date', new FormatValue('date', (s) => (isDate(s) ? [] : ['invalid date']), 70)],
  ['datetime', new FormatValue('datetime', (s) => (isDateTime(s) ? [] : ['invalid datetime']), 70)],
]);

const T = 'kubernetes.NamedFormat';

export const formatLibrary: CelLibrary = {
  name: 'kubernetes.format',
  namespaces: ['format'],
  register(env) {
    env.registerType(T, FormatValue);
    const ns = defineNamespace(env, 'format');
    for (const [key, f] of NAMED_FORMATS) env.registerFunction(`${ns}.${key}(): ${T}`, () => f);
    env.registerFunction(`${ns}.named(string): optional<${T}>`, (_n: unknown, name: string) => {
      const f = NAMED_FORMATS.get(name);
      return f ? Optional.of(f) : Optional.none();
    });
    env.registerFunction(`${T}.validate(string): optional<list<string>>`, (f: FormatValue, s: string) => {
      const errs = f.validateFn(s);
      return errs.length === 0 ? Optional.none() : Optional.of(errs);
    });
    env.registerOperator(`${T} == ${T}`, (a: FormatValue, b: FormatValue) => a.name === b.name);
  },
};
