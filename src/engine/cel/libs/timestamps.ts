/**
 * CEL timestamps (JS `Date`, millisecond precision: cel-js' representation; cel-go keeps nanoseconds)
 * parsed and printed the way cel-go does: `timestamp(s)` is Go's `time.Parse(time.RFC3339, s)`
 * (fractional seconds allowed, `Z` or a numeric offset), limited to years 0001-9999; `string(ts)` is
 * RFC 3339 with nanoseconds, trailing zeros dropped, always UTC (`2024-01-01T00:00:00Z`).
 */

/** What Go's `time.Parse(time.RFC3339, ...)` accepts (upper-case `T` and `Z` only). */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** cel-go's strict RFC 3339 gate (grammar ranges only; calendar checks come later). */
const STRICT = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

/** True when `s` passes cel-go's strict RFC 3339 pattern. */
export function isStrictRfc3339(s: string): boolean {
  return STRICT.test(s);
}

/** Smallest and largest instants cel-go accepts (milliseconds since the epoch). */
const MIN_MS = (() => {
  const d = new Date(0);
  d.setUTCFullYear(1, 0, 1);
  d.setUTCHours(0, 0, 0, 0);
  return d.getTime();
})();
const MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysIn(year: number, month: number): number {
  if (month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) return 29;
  return MONTH_DAYS[month - 1]!;
}

/**
 * Parses an RFC 3339 timestamp like Go's `time.Parse(time.RFC3339, s)`; `undefined` when invalid,
 * `'range'` when outside years 0001-9999.
 */
export function parseTimestamp(s: string): Date | 'range' | undefined {
  const m = RFC3339.exec(s);
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const min = Number(m[5]);
  const sec = Number(m[6]);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  if (hour > 23 || min > 59 || sec > 59) return undefined;
  let offsetMin = 0;
  const z = m[8]!;
  if (z !== 'Z' && z !== 'z') {
    const oh = Number(z.slice(1, 3));
    const om = Number(z.slice(4, 6));
    if (oh > 23 || om > 59) return undefined;
    offsetMin = (z[0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const frac = m[7] ? Number(`0${m[7]}`) : 0;
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, min, sec, Math.floor(frac * 1000));
  const ms = d.getTime() - offsetMin * 60_000;
  if (ms < MIN_MS || ms > MAX_MS) return 'range';
  return new Date(ms);
}

/** True when `ms` is inside cel-go's timestamp range (years 0001-9999). */
export function inTimestampRange(ms: number): boolean {
  return ms >= MIN_MS && ms <= MAX_MS;
}

const pad = (n: number, w: number): string => String(n).padStart(w, '0');

/** Go `t.UTC().Format(time.RFC3339Nano)`: `2024-01-01T00:00:00.5Z`. */
export function formatTimestamp(d: Date): string {
  const ms = d.getUTCMilliseconds();
  const frac = ms === 0 ? '' : `.${pad(ms, 3).replace(/0+$/, '')}`;
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}` +
    `T${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}${frac}Z`
  );
}
