/**
 * The parts of Go's `time` package Kyverno's time functions use: `time.Parse` with any Go layout
 * (reference time `Mon Jan 2 15:04:05 MST 2006`) and its error texts, `Format(time.RFC3339)`,
 * `Add`, `Sub` (saturating), `Truncate` (relative to the zero time, year 1), `Before`/`After`,
 * calendar fields. The local time zone is UTC (Kyverno's container has no zoneinfo).
 *
 * `parseTime('2006-01-02T15:04:05Z07:00', '2021-01-02T15:04:05-07:00')` =
 * `{sec: 1609625045, nsec: 0, offset: -25200}`.
 */

/** An instant plus the UTC offset of its location. */
export interface GoTime {
  /** seconds since the Unix epoch (integral) */
  readonly sec: number;
  /** nanoseconds within the second, 0..999999999 */
  readonly nsec: number;
  /** offset of the location, in seconds east of UTC */
  readonly offset: number;
}

/** A `*time.ParseError` (message as Go's). */
export class GoTimeParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GoTimeParseError';
  }
}

export const RFC3339 = '2006-01-02T15:04:05Z07:00';

// std chunk codes (Go's values are irrelevant, only identity and the frac digit count)
const std = {
  None: 0,
  LongMonth: 1,
  Month: 2,
  NumMonth: 3,
  ZeroMonth: 4,
  LongWeekDay: 5,
  WeekDay: 6,
  Day: 7,
  UnderDay: 8,
  ZeroDay: 9,
  UnderYearDay: 10,
  ZeroYearDay: 11,
  Hour: 12,
  Hour12: 13,
  ZeroHour12: 14,
  Minute: 15,
  ZeroMinute: 16,
  Second: 17,
  ZeroSecond: 18,
  LongYear: 19,
  Year: 20,
  PM: 21,
  pm: 22,
  TZ: 23,
  ISO8601TZ: 24,
  ISO8601SecondsTZ: 25,
  ISO8601ShortTZ: 26,
  ISO8601ColonTZ: 27,
  ISO8601ColonSecondsTZ: 28,
  NumTZ: 29,
  NumSecondsTz: 30,
  NumShortTZ: 31,
  NumColonTZ: 32,
  NumColonSecondsTZ: 33,
  FracSecond0: 34,
  FracSecond9: 35,
} as const;

interface Chunk {
  prefix: string;
  code: number;
  /** digits of a fractional-second chunk */
  digits: number;
  suffix: string;
}

const std0x = [std.ZeroMonth, std.ZeroDay, std.ZeroHour12, std.ZeroMinute, std.ZeroSecond, std.Year];

function isDigitAt(s: string, i: number): boolean {
  if (s.length <= i) return false;
  const c = s.charCodeAt(i);
  return c >= 0x30 && c <= 0x39;
}

function startsWithLowerCase(s: string): boolean {
  if (s.length === 0) return false;
  const c = s.charCodeAt(0);
  return c >= 0x61 && c <= 0x7a;
}

/** Go's nextStdChunk. */
function nextStdChunk(layout: string): Chunk {
  const mk = (i: number, code: number, len: number, digits = 0): Chunk => ({
    prefix: layout.slice(0, i),
    code,
    digits,
    suffix: layout.slice(i + len),
  });
  for (let i = 0; i < layout.length; i++) {
    const c = layout[i];
    const at = (s: string): boolean => layout.startsWith(s, i);
    switch (c) {
      case 'J':
        if (at('Jan')) {
          if (at('January')) return mk(i, std.LongMonth, 7);
          if (!startsWithLowerCase(layout.slice(i + 3))) return mk(i, std.Month, 3);
        }
        break;
      case 'M':
        if (layout.length >= i + 3) {
          if (at('Mon')) {
            if (at('Monday')) return mk(i, std.LongWeekDay, 6);
            if (!startsWithLowerCase(layout.slice(i + 3))) return mk(i, std.WeekDay, 3);
          }
          if (at('MST')) return mk(i, std.TZ, 3);
        }
        break;
      case '0': {
        const n = layout.charCodeAt(i + 1);
        if (layout.length >= i + 2 && n >= 0x31 && n <= 0x36) return mk(i, std0x[n - 0x31] as number, 2);
        if (at('002')) return mk(i, std.ZeroYearDay, 3);
        break;
      }
      case '1':
        if (at('15')) return mk(i, std.Hour, 2);
        return mk(i, std.NumMonth, 1);
      case '2':
        if (at('2006')) return mk(i, std.LongYear, 4);
        return mk(i, std.Day, 1);
      case '_':
        if (layout[i + 1] === '2') {
          if (layout.startsWith('2006', i + 1)) {
            return { prefix: layout.slice(0, i + 1), code: std.LongYear, digits: 0, suffix: layout.slice(i + 5) };
          }
          return mk(i, std.UnderDay, 2);
        }
        if (at('__2')) return mk(i, std.UnderYearDay, 3);
        break;
      case '3':
        return mk(i, std.Hour12, 1);
      case '4':
        return mk(i, std.Minute, 1);
      case '5':
        return mk(i, std.Second, 1);
      case 'P':
        if (layout[i + 1] === 'M') return mk(i, std.PM, 2);
        break;
      case 'p':
        if (layout[i + 1] === 'm') return mk(i, std.pm, 2);
        break;
      case '-':
        if (at('-070000')) return mk(i, std.NumSecondsTz, 7);
        if (at('-07:00:00')) return mk(i, std.NumColonSecondsTZ, 9);
        if (at('-0700')) return mk(i, std.NumTZ, 5);
        if (at('-07:00')) return mk(i, std.NumColonTZ, 6);
        if (at('-07')) return mk(i, std.NumShortTZ, 3);
        break;
      case 'Z':
        if (at('Z070000')) return mk(i, std.ISO8601SecondsTZ, 7);
        if (at('Z07:00:00')) return mk(i, std.ISO8601ColonSecondsTZ, 9);
        if (at('Z0700')) return mk(i, std.ISO8601TZ, 5);
        if (at('Z07:00')) return mk(i, std.ISO8601ColonTZ, 6);
        if (at('Z07')) return mk(i, std.ISO8601ShortTZ, 3);
        break;
      case '.':
      case ',': {
        const ch = layout[i + 1];
        if (ch === '0' || ch === '9') {
          let j = i + 1;
          while (j < layout.length && layout[j] === ch) j++;
          if (!isDigitAt(layout, j)) {
            return {
              prefix: layout.slice(0, i),
              code: ch === '0' ? std.FracSecond0 : std.FracSecond9,
              digits: j - (i + 1),
              suffix: layout.slice(j),
            };
          }
        }
        break;
      }
      default:
        break;
    }
  }
  return { prefix: layout, code: std.None, digits: 0, suffix: '' };
}

const HEX = '0123456789abcdef';

/** Go time's own `quote` (non-ASCII and control bytes as `\xNN`). */
export function timeQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    if (cp >= 0x80 || cp < 0x20) {
      for (const b of new TextEncoder().encode(ch)) out += `\\x${HEX[b >> 4]}${HEX[b & 15]}`;
    } else {
      if (ch === '"' || ch === '\\') out += '\\';
      out += ch;
    }
  }
  return out + '"';
}

const BAD = Symbol('bad');

function cutspace(s: string): string {
  let i = 0;
  while (i < s.length && s[i] === ' ') i++;
  return s.slice(i);
}

/** Go's skip: returns the rest, or [BAD, rest at failure]. */
function skip(value: string, prefix: string): string | [typeof BAD, string] {
  while (prefix.length > 0) {
    if (prefix[0] === ' ') {
      if (value.length > 0 && value[0] !== ' ') return [BAD, value];
      prefix = cutspace(prefix);
      value = cutspace(value);
      continue;
    }
    if (value.length === 0 || value[0] !== prefix[0]) return [BAD, value];
    prefix = prefix.slice(1);
    value = value.slice(1);
  }
  return value;
}

/** Go's getnum: [n, rest] or undefined (errBad). */
function getnum(s: string, fixed: boolean): [number, string] | undefined {
  if (!isDigitAt(s, 0)) return undefined;
  if (!isDigitAt(s, 1)) {
    if (fixed) return undefined;
    return [s.charCodeAt(0) - 48, s.slice(1)];
  }
  return [(s.charCodeAt(0) - 48) * 10 + (s.charCodeAt(1) - 48), s.slice(2)];
}

function getnum3(s: string, fixed: boolean): [number, string] | undefined {
  let n = 0;
  let i = 0;
  for (; i < 3 && isDigitAt(s, i); i++) n = n * 10 + (s.charCodeAt(i) - 48);
  if (i === 0 || (fixed && i !== 3)) return undefined;
  return [n, s.slice(i)];
}

/** Go time's atoi (optional sign, then digits only). */
function atoi(s: string): number | undefined {
  let neg = false;
  if (s.length > 0 && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s.length === 0 || !/^[0-9]+$/.test(s)) return undefined;
  const v = Number(s);
  if (v >= 2 ** 63) return undefined;
  return neg ? -v : v;
}

/** Go time's leadingInt: [value, rest] or undefined on overflow. */
function leadingInt(s: string): [number, string] | undefined {
  let i = 0;
  let x = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    if (x > 2 ** 63 / 10) return undefined;
    x = x * 10 + (c - 48);
    if (x > 2 ** 63) return undefined;
  }
  return [x, s.slice(i)];
}

const longDayNames = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const shortDayNames = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const shortMonthNames = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const longMonthNames = [
  'January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October',
  'November', 'December',
];

function matchFold(s1: string, s2: string): boolean {
  for (let i = 0; i < s1.length; i++) {
    let c1 = s1.charCodeAt(i);
    let c2 = s2.charCodeAt(i);
    if (c1 !== c2) {
      c1 |= 0x20;
      c2 |= 0x20;
      if (c1 !== c2 || c1 < 0x61 || c1 > 0x7a) return false;
    }
  }
  return true;
}

function lookupName(tab: readonly string[], val: string): [number, string] | undefined {
  for (let i = 0; i < tab.length; i++) {
    const v = tab[i] as string;
    if (val.length >= v.length && matchFold(val.slice(0, v.length), v)) return [i, val.slice(v.length)];
  }
  return undefined;
}

function parseSignedOffset(value: string): number {
  const sign = value[0];
  if (sign !== '-' && sign !== '+') return 0;
  const li = leadingInt(value.slice(1));
  if (li === undefined || li[1] === value.slice(1)) return 0;
  if (li[0] > 23) return 0;
  return value.length - li[1].length;
}

function parseTimeZone(value: string): number | undefined {
  if (value.length < 3) return undefined;
  if (value.length >= 4 && (value.startsWith('ChST') || value.startsWith('MeST'))) return 4;
  if (value.startsWith('GMT')) {
    const rest = value.slice(3);
    return rest.length === 0 ? 3 : 3 + parseSignedOffset(rest);
  }
  if (value[0] === '+' || value[0] === '-') {
    const n = parseSignedOffset(value);
    return n > 0 ? n : undefined;
  }
  let nUpper = 0;
  for (; nUpper < 6; nUpper++) {
    if (nUpper >= value.length) break;
    const c = value.charCodeAt(nUpper);
    if (c < 0x41 || c > 0x5a) break;
  }
  switch (nUpper) {
    case 5:
      return value[4] === 'T' ? 5 : undefined;
    case 4:
      return value[3] === 'T' || value.startsWith('WITA') ? 4 : undefined;
    case 3:
      return 3;
    default:
      return undefined;
  }
}

function commaOrPeriod(c: string | undefined): boolean {
  return c === '.' || c === ',';
}

/** Go's parseNanoseconds: [ns, rangeErr] or undefined (errBad). */
function parseNanoseconds(value: string, nbytes: number): [number, string] | undefined {
  if (!commaOrPeriod(value[0])) return undefined;
  if (nbytes > 10) {
    value = value.slice(0, 10);
    nbytes = 10;
  }
  const ns = atoi(value.slice(1, nbytes));
  if (ns === undefined) return undefined;
  if (ns < 0) return [0, 'fractional second'];
  return [ns * 10 ** (10 - nbytes), ''];
}

function isLeap(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

const daysBefore = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];

function daysIn(month: number, year: number): number {
  if (month === 2 && isLeap(year)) return 29;
  return (daysBefore[month] as number) - (daysBefore[month - 1] as number);
}

/** Days since 1970-01-01 of a proleptic Gregorian date (any integer year). */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (m + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** [year, month, day] of a day count since 1970-01-01. */
function civilFromDays(z: number): [number, number, number] {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const y = yoe + era * 400;
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [m <= 2 ? y + 1 : y, m, d];
}

/** Go's time.Date in a fixed offset (normalizes out-of-range fields), as Unix seconds + nsec. */
export function goDate(
  year: number,
  month: number,
  day: number,
  hour: number,
  min: number,
  sec: number,
  nsec: number,
  offset: number,
): GoTime {
  // normalize month into [1, 12]
  let m = month - 1;
  year += Math.floor(m / 12);
  m = ((m % 12) + 12) % 12;
  sec += Math.floor(nsec / 1e9);
  nsec = ((nsec % 1e9) + 1e9) % 1e9;
  const days = daysFromCivil(year, m + 1, 1) + (day - 1);
  const local = days * 86400 + hour * 3600 + min * 60 + sec;
  return { sec: local - offset, nsec, offset };
}

function parseError(layout: string, value: string, layoutElem: string, valueElem: string, message: string): GoTimeParseError {
  if (message === '') {
    return new GoTimeParseError(
      `parsing time ${timeQuote(value)} as ${timeQuote(layout)}: cannot parse ${timeQuote(valueElem)} as ${timeQuote(layoutElem)}`,
    );
  }
  return new GoTimeParseError(`parsing time ${timeQuote(value)}${message}`);
}

/**
 * Go's `time.Parse(layout, value)` (Local = UTC). Throws GoTimeParseError with Go's message, e.g.
 * `parsing time "x" as "2006-01-02T15:04:05Z07:00": cannot parse "x" as "2006"`.
 */
export function parseTime(layout: string, value: string): GoTime {
  const alayout = layout;
  const avalue = value;
  let rangeErr = '';
  let amSet = false;
  let pmSet = false;
  let year = 0;
  let month = -1;
  let day = -1;
  let yday = -1;
  let hour = 0;
  let min = 0;
  let sec = 0;
  let nsec = 0;
  let utc = false;
  let zoneOffset = -1;
  let zoneName = '';

  for (;;) {
    const chunk = nextStdChunk(layout);
    const stdstr = layout.slice(chunk.prefix.length, layout.length - chunk.suffix.length);
    const skipped = skip(value, chunk.prefix);
    if (typeof skipped !== 'string') throw parseError(alayout, avalue, chunk.prefix, skipped[1], '');
    value = skipped;
    if (chunk.code === std.None) {
      if (value.length !== 0) throw parseError(alayout, avalue, '', value, `: extra text: ${timeQuote(value)}`);
      break;
    }
    layout = chunk.suffix;
    const hold = value;
    let bad = false;
    const num = (r: [number, string] | undefined): number => {
      if (r === undefined) {
        bad = true;
        return 0;
      }
      value = r[1];
      return r[0];
    };
    switch (chunk.code) {
      case std.Year: {
        if (value.length < 2) {
          bad = true;
          break;
        }
        const p = value.slice(0, 2);
        value = value.slice(2);
        const y = atoi(p);
        if (y === undefined) {
          bad = true;
          break;
        }
        year = y >= 69 ? y + 1900 : y + 2000;
        break;
      }
      case std.LongYear: {
        if (value.length < 4 || !isDigitAt(value, 0)) {
          bad = true;
          break;
        }
        const p = value.slice(0, 4);
        value = value.slice(4);
        const y = atoi(p);
        if (y === undefined) bad = true;
        else year = y;
        break;
      }
      case std.Month:
      case std.LongMonth: {
        const r = lookupName(chunk.code === std.Month ? shortMonthNames : longMonthNames, value);
        if (r === undefined) bad = true;
        else {
          month = r[0] + 1;
          value = r[1];
        }
        break;
      }
      case std.NumMonth:
      case std.ZeroMonth:
        month = num(getnum(value, chunk.code === std.ZeroMonth));
        if (!bad && (month <= 0 || month > 12)) rangeErr = 'month';
        break;
      case std.WeekDay:
      case std.LongWeekDay: {
        const r = lookupName(chunk.code === std.WeekDay ? shortDayNames : longDayNames, value);
        if (r === undefined) bad = true;
        else value = r[1];
        break;
      }
      case std.Day:
      case std.UnderDay:
      case std.ZeroDay:
        if (chunk.code === std.UnderDay && value.length > 0 && value[0] === ' ') value = value.slice(1);
        day = num(getnum(value, chunk.code === std.ZeroDay));
        break;
      case std.UnderYearDay:
      case std.ZeroYearDay:
        for (let i = 0; i < 2; i++) {
          if (chunk.code === std.UnderYearDay && value.length > 0 && value[0] === ' ') value = value.slice(1);
        }
        yday = num(getnum3(value, chunk.code === std.ZeroYearDay));
        break;
      case std.Hour:
        hour = num(getnum(value, false));
        if (hour < 0 || hour >= 24) rangeErr = 'hour';
        break;
      case std.Hour12:
      case std.ZeroHour12:
        hour = num(getnum(value, chunk.code === std.ZeroHour12));
        if (hour < 0 || hour > 12) rangeErr = 'hour';
        break;
      case std.Minute:
      case std.ZeroMinute:
        min = num(getnum(value, chunk.code === std.ZeroMinute));
        if (min < 0 || min >= 60) rangeErr = 'minute';
        break;
      case std.Second:
      case std.ZeroSecond: {
        sec = num(getnum(value, chunk.code === std.ZeroSecond));
        if (bad) break;
        if (sec < 0 || sec >= 60) {
          rangeErr = 'second';
          break;
        }
        if (value.length >= 2 && commaOrPeriod(value[0]) && isDigitAt(value, 1)) {
          const next = nextStdChunk(layout).code;
          if (next === std.FracSecond0 || next === std.FracSecond9) break;
          let n = 2;
          while (n < value.length && isDigitAt(value, n)) n++;
          const r = parseNanoseconds(value, n);
          if (r === undefined) bad = true;
          else [nsec, rangeErr] = r;
          value = value.slice(n);
        }
        break;
      }
      case std.PM:
      case std.pm: {
        if (value.length < 2) {
          bad = true;
          break;
        }
        const p = value.slice(0, 2);
        value = value.slice(2);
        const [pm, am] = chunk.code === std.PM ? ['PM', 'AM'] : ['pm', 'am'];
        if (p === pm) pmSet = true;
        else if (p === am) amSet = true;
        else bad = true;
        break;
      }
      case std.ISO8601TZ:
      case std.ISO8601ShortTZ:
      case std.ISO8601ColonTZ:
      case std.ISO8601SecondsTZ:
      case std.ISO8601ColonSecondsTZ:
      case std.NumTZ:
      case std.NumShortTZ:
      case std.NumColonTZ:
      case std.NumSecondsTz:
      case std.NumColonSecondsTZ: {
        const c = chunk.code;
        const iso =
          c === std.ISO8601TZ || c === std.ISO8601ShortTZ || c === std.ISO8601ColonTZ || c === std.ISO8601SecondsTZ || c === std.ISO8601ColonSecondsTZ;
        if (iso && value.length >= 1 && value[0] === 'Z') {
          value = value.slice(1);
          utc = true;
          break;
        }
        let sign: string;
        let hh: string;
        let mm: string;
        let ss: string;
        if (c === std.ISO8601ColonTZ || c === std.NumColonTZ) {
          if (value.length < 6 || value[3] !== ':') {
            bad = true;
            break;
          }
          [sign, hh, mm, ss] = [value.slice(0, 1), value.slice(1, 3), value.slice(4, 6), '00'];
          value = value.slice(6);
        } else if (c === std.NumShortTZ || c === std.ISO8601ShortTZ) {
          if (value.length < 3) {
            bad = true;
            break;
          }
          [sign, hh, mm, ss] = [value.slice(0, 1), value.slice(1, 3), '00', '00'];
          value = value.slice(3);
        } else if (c === std.ISO8601ColonSecondsTZ || c === std.NumColonSecondsTZ) {
          if (value.length < 9 || value[3] !== ':' || value[6] !== ':') {
            bad = true;
            break;
          }
          [sign, hh, mm, ss] = [value.slice(0, 1), value.slice(1, 3), value.slice(4, 6), value.slice(7, 9)];
          value = value.slice(9);
        } else if (c === std.ISO8601SecondsTZ || c === std.NumSecondsTz) {
          if (value.length < 7) {
            bad = true;
            break;
          }
          [sign, hh, mm, ss] = [value.slice(0, 1), value.slice(1, 3), value.slice(3, 5), value.slice(5, 7)];
          value = value.slice(7);
        } else {
          if (value.length < 5) {
            bad = true;
            break;
          }
          [sign, hh, mm, ss] = [value.slice(0, 1), value.slice(1, 3), value.slice(3, 5), '00'];
          value = value.slice(5);
        }
        const h = getnum(hh, true);
        const m = h && getnum(mm, true);
        const s = m && getnum(ss, true);
        if (s === undefined) {
          bad = true;
          break;
        }
        const hr = (h as [number, string])[0];
        const mi = (m as [number, string])[0];
        const se = s[0];
        if (hr > 24) rangeErr = 'time zone offset hour';
        if (mi > 60) rangeErr = 'time zone offset minute';
        if (se > 60) rangeErr = 'time zone offset second';
        zoneOffset = (hr * 60 + mi) * 60 + se;
        if (sign === '-') zoneOffset = -zoneOffset;
        else if (sign !== '+') bad = true;
        break;
      }
      case std.TZ: {
        if (value.length >= 3 && value.startsWith('UTC')) {
          utc = true;
          value = value.slice(3);
          break;
        }
        const n = parseTimeZone(value);
        if (n === undefined) {
          bad = true;
          break;
        }
        zoneName = value.slice(0, n);
        value = value.slice(n);
        break;
      }
      case std.FracSecond0: {
        const ndigit = 1 + chunk.digits;
        if (value.length < ndigit) {
          bad = true;
          break;
        }
        const r = parseNanoseconds(value, ndigit);
        if (r === undefined) bad = true;
        else [nsec, rangeErr] = r;
        value = value.slice(ndigit);
        break;
      }
      case std.FracSecond9: {
        if (value.length < 2 || !commaOrPeriod(value[0]) || !isDigitAt(value, 1)) break;
        let i = 0;
        while (i + 1 < value.length && isDigitAt(value, i + 1)) i++;
        const r = parseNanoseconds(value, 1 + i);
        if (r === undefined) bad = true;
        else [nsec, rangeErr] = r;
        value = value.slice(1 + i);
        break;
      }
      default:
        break;
    }
    if (rangeErr !== '') throw parseError(alayout, avalue, stdstr, value, `: ${rangeErr} out of range`);
    if (bad) throw parseError(alayout, avalue, stdstr, hold, '');
  }
  if (pmSet && hour < 12) hour += 12;
  else if (amSet && hour === 12) hour = 0;

  if (yday >= 0) {
    let d = 0;
    let m = 0;
    if (isLeap(year)) {
      if (yday === 31 + 29) {
        m = 2;
        d = 29;
      } else if (yday > 31 + 29) {
        yday--;
      }
    }
    if (yday < 1 || yday > 365) throw parseError(alayout, avalue, '', value, ': day-of-year out of range');
    if (m === 0) {
      m = Math.floor((yday - 1) / 31) + 1;
      if ((daysBefore[m] as number) < yday) m++;
      d = yday - (daysBefore[m - 1] as number);
    }
    if (month >= 0 && month !== m) throw parseError(alayout, avalue, '', value, ': day-of-year does not match month');
    month = m;
    if (day >= 0 && day !== d) throw parseError(alayout, avalue, '', value, ': day-of-year does not match day');
    day = d;
  } else {
    if (month < 0) month = 1;
    if (day < 0) day = 1;
  }
  if (day < 1 || day > daysIn(month, year)) throw parseError(alayout, avalue, '', value, ': day out of range');

  if (utc) return goDate(year, month, day, hour, min, sec, nsec, 0);
  if (zoneOffset !== -1) return goDate(year, month, day, hour, min, sec, nsec, zoneOffset);
  if (zoneName !== '') {
    // Local is UTC: only "UTC" is a known zone name (handled above); others get a fake zone
    // (the wall clock is kept as UTC and the fake zone's offset only changes how it is displayed)
    let offset = 0;
    if (zoneName.length > 3 && zoneName.startsWith('GMT')) offset = (atoi(zoneName.slice(3)) ?? 0) * 3600;
    return { ...goDate(year, month, day, hour, min, sec, nsec, 0), offset };
  }
  return goDate(year, month, day, hour, min, sec, nsec, 0);
}

function pad(n: number, width: number): string {
  const s = String(Math.abs(n)).padStart(width, '0');
  return n < 0 ? `-${s}` : s;
}

/** Calendar fields of a time in its own offset. */
export function civil(t: GoTime): {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
} {
  const local = t.sec + t.offset;
  const days = Math.floor(local / 86400);
  const rem = local - days * 86400;
  const [year, month, day] = civilFromDays(days);
  return {
    year,
    month,
    day,
    hour: Math.floor(rem / 3600),
    minute: Math.floor((rem % 3600) / 60),
    second: rem % 60,
    weekday: (((days + 4) % 7) + 7) % 7,
  };
}

/** `t.Format(time.RFC3339)`: `2021-01-02T15:04:05-07:00`, `…Z` for offset 0, fractions dropped. */
export function formatRFC3339(t: GoTime): string {
  const c = civil(t);
  let zone: string;
  if (t.offset === 0) zone = 'Z';
  else {
    let z = Math.trunc(t.offset / 60);
    let sign = '+';
    if (z < 0) {
      sign = '-';
      z = -z;
    }
    zone = `${sign}${pad(Math.floor(z / 60), 2)}:${pad(z % 60, 2)}`;
  }
  return `${pad(c.year, 4)}-${pad(c.month, 2)}-${pad(c.day, 2)}T${pad(c.hour, 2)}:${pad(c.minute, 2)}:${pad(c.second, 2)}${zone}`;
}

/** A JS Date as a Go time in UTC (millisecond precision). */
export function fromDate(d: Date): GoTime {
  const ms = d.getTime();
  const sec = Math.floor(ms / 1000);
  return { sec, nsec: (ms - sec * 1000) * 1e6, offset: 0 };
}

/** `time.Unix(sec, 0).UTC()` */
export function fromUnix(sec: number): GoTime {
  return { sec, nsec: 0, offset: 0 };
}

/** `t.UTC()` */
export function toUTC(t: GoTime): GoTime {
  return { sec: t.sec, nsec: t.nsec, offset: 0 };
}

const NS = 1_000_000_000n;
const MIN_DURATION = -(2n ** 63n);
const MAX_DURATION = 2n ** 63n - 1n;

/** `t.Add(d)` for a duration in nanoseconds. */
export function addDuration(t: GoTime, d: bigint): GoTime {
  let dsec = Number(d / NS);
  let nsec = t.nsec + Number(d % NS);
  if (nsec >= 1e9) {
    dsec++;
    nsec -= 1e9;
  } else if (nsec < 0) {
    dsec--;
    nsec += 1e9;
  }
  return { sec: t.sec + dsec, nsec, offset: t.offset };
}

/** `t.Sub(u)` in nanoseconds, saturating at the int64 range like Go. */
export function subTimes(t: GoTime, u: GoTime): bigint {
  const d = (BigInt(t.sec) - BigInt(u.sec)) * NS + BigInt(t.nsec - u.nsec);
  if (d > MAX_DURATION) return MAX_DURATION;
  if (d < MIN_DURATION) return MIN_DURATION;
  return d;
}

/** Seconds between January 1 of year 1 and the Unix epoch (Go's unixToInternal). */
const UNIX_TO_INTERNAL = 62135596800n;

/** `t.Truncate(d)`: rounds down to a multiple of d since the zero time (year 1); d <= 0 keeps t. */
export function truncateTime(t: GoTime, d: bigint): GoTime {
  if (d <= 0n) return t;
  const abs = (BigInt(t.sec) + UNIX_TO_INTERNAL) * NS + BigInt(t.nsec);
  let r = abs % d;
  if (r < 0n) r += d;
  return addDuration(t, -r);
}

/** t before u */
export function before(t: GoTime, u: GoTime): boolean {
  return t.sec < u.sec || (t.sec === u.sec && t.nsec < u.nsec);
}

/** t after u */
export function after(t: GoTime, u: GoTime): boolean {
  return t.sec > u.sec || (t.sec === u.sec && t.nsec > u.nsec);
}

/** `t.Format(time.RFC3339Nano)` (how encoding/json writes a time.Time): fractions without trailing zeros. */
export function formatRFC3339Nano(t: GoTime): string {
  const base = formatRFC3339(t);
  if (t.nsec === 0) return base;
  const frac = String(t.nsec).padStart(9, '0').replace(/0+$/, '');
  const zoneAt = base.length - (t.offset === 0 ? 1 : 6);
  return `${base.slice(0, zoneAt)}.${frac}${base.slice(zoneAt)}`;
}
