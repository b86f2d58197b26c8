/**
 * cel-go's timestamp accessors with a time zone argument (`ts.getHours("America/New_York")`,
 * `ts.getMinutes("+05:30")`): IANA names through `Intl`, fixed `±HH:MM` offsets, and cel-go's
 * `unknown time zone X` error. cel-js' own handling lacks offsets, so these replace it.
 */
import { fail } from '../errors.ts';
import { NOT_APPLICABLE, type CelOverride } from '../instrument.ts';

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
  weekday: number;
}

const OFFSET = /^([+-])(\d{2}):(\d{2})$/;

/** Wall-clock fields of `d` in `tz`. */
export function zonedFields(d: Date, tz: string): Fields {
  const m = OFFSET.exec(tz);
  let shifted: Date;
  if (m) {
    const sign = m[1] === '-' ? -1 : 1;
    shifted = new Date(d.getTime() + sign * (Number(m[2]) * 60 + Number(m[3])) * 60_000);
  } else if (tz === 'UTC' || tz === '') {
    shifted = d;
  } else {
    let parts: Intl.DateTimeFormatPart[];
    try {
      parts = new Intl.DateTimeFormat('en-US', {
        timeZone: tz,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      }).formatToParts(d);
    } catch {
      return fail(`unknown time zone ${tz}`);
    }
    const get = (t: string): number => Number(parts.find((p) => p.type === t)?.value ?? '0');
    shifted = new Date(0);
    shifted.setUTCFullYear(get('year'), get('month') - 1, get('day'));
    shifted.setUTCHours(get('hour'), get('minute'), get('second'), d.getUTCMilliseconds());
  }
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth(),
    day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
    minute: shifted.getUTCMinutes(),
    second: shifted.getUTCSeconds(),
    ms: shifted.getUTCMilliseconds(),
    weekday: shifted.getUTCDay(),
  };
}

function dayOfYear(f: Fields): number {
  const start = Date.UTC(f.year, 0, 1);
  const now = Date.UTC(f.year, f.month, f.day);
  return Math.round((now - start) / 86_400_000);
}

const ACCESSORS: Readonly<Record<string, (f: Fields) => number>> = {
  getFullYear: (f) => f.year,
  getMonth: (f) => f.month,
  getDayOfYear: (f) => dayOfYear(f),
  getDayOfMonth: (f) => f.day - 1,
  getDate: (f) => f.day,
  getDayOfWeek: (f) => f.weekday,
  getHours: (f) => f.hour,
  getMinutes: (f) => f.minute,
  getSeconds: (f) => f.second,
  getMilliseconds: (f) => f.ms,
};

/** Overrides of the timestamp accessors taking a time zone. */
export const timeZoneOverrides: readonly CelOverride[] = Object.entries(ACCESSORS).map(([name, f]) => ({
  name,
  member: true,
  argc: 1,
  apply: ([d, tz]: unknown[]) => (d instanceof Date && typeof tz === 'string' ? BigInt(f(zonedFields(d, tz))) : NOT_APPLICABLE),
}));
