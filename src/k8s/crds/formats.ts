/**
 * String formats checked by the OpenAPI validator (kube-openapi validation/strfmt default registry).
 * Only formats with a checker here are validated; other format names pass, as unknown formats do in
 * kube-openapi. `int32`/`int64`/`float`/`double` are number formats, handled by the range check.
 */
import ipaddr from 'ipaddr.js';
import { parseDurationResult } from '../../engine/utils/duration.ts';

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** strfmt `IsDate`: `time.Parse("2006-01-02", s)`. */
export function isDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const max = mo === 2 ? (leap ? 29 : 28) : DAYS_IN_MONTH[mo - 1]!;
  return d <= max;
}

const TIME_PART = /^([0-9]{2}):([0-9]{2}):([0-9]{2})(.[0-9]+)?(z|([+-][0-9]{2}:[0-9]{2}))$/;

/** strfmt `IsDateTime`: a date, a `t`, then `hh:mm:ss[.frac](z|±hh:mm)` (case-insensitive). */
export function isDateTime(s: string): boolean {
  if (s.length < 4) return false;
  const parts = s.toLowerCase().split('t');
  if (parts.length < 2 || !isDate(parts[0]!)) return false;
  const m = TIME_PART.exec(parts[1]!);
  if (!m) return false;
  return m[1]! <= '23' && m[2]! <= '59' && m[3]! <= '59';
}

const UNIT_VARIANTS: ReadonlyArray<readonly string[]> = [
  ['ns', 'nano'],
  ['us', 'µs', 'micro'],
  ['ms', 'milli'],
  ['s', 'sec'],
  ['m', 'min'],
  ['h', 'hr', 'hour'],
  ['d', 'day'],
  ['w', 'wk', 'week'],
];

/**
 * strfmt `ParseDuration` acceptance: Go `time.ParseDuration`, else any `<digits><spaces><unit>`
 * match with a known unit spelling (`1 hour`, `3 days`).
 */
export function isDuration(s: string): boolean {
  if (parseDurationResult(s).ok) return true;
  let ok = false;
  for (const m of s.matchAll(/(\d+)\s*([A-Za-zµ]+)/g)) {
    const unit = m[2]!.trim().toLowerCase();
    for (const variants of UNIT_VARIANTS) {
      const last = variants.length - 1;
      variants.forEach((v, i) => {
        if ((i === last && unit.startsWith(v)) || v === unit) ok = true;
      });
    }
  }
  return ok;
}

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const UUID3 = /^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const UUID4 = /^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i;
const UUID5 = /^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$/;

const CHECKERS: ReadonlyMap<string, (s: string) => boolean> = new Map([
  ['datetime', isDateTime],
  ['date', isDate],
  ['duration', isDuration],
  ['uuid', (s: string) => UUID.test(s)],
  ['uuid3', (s: string) => UUID3.test(s)],
  ['uuid4', (s: string) => UUID4.test(s)],
  ['uuid5', (s: string) => UUID5.test(s)],
  ['byte', (s: string) => BASE64.test(s)],
  ['password', () => true],
  ['ipv4', (s: string) => ipaddr.IPv4.isValidFourPartDecimal(s)],
  ['ipv6', (s: string) => s.includes(':') && ipaddr.IPv6.isValid(s)],
  ['cidr', (s: string) => {
    try {
      ipaddr.parseCIDR(s);
      return true;
    } catch {
      return false;
    }
  }],
]);

/** The checker for a format name (`date-time` and `datetime` are the same), if this module has one. */
export function formatChecker(format: string): ((s: string) => boolean) | undefined {
  return CHECKERS.get(format.replace(/-/g, '').toLowerCase());
}
