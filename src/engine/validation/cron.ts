/**
 * Standard 5-field cron schedules (minute hour day-of-month month day-of-week), as robfig/cron's standard
 * parser reads them for CleanupPolicy `schedule`: `*`, values, ranges `a-b`, steps `*\/n` and `a-b/n`,
 * lists `a,b`, month and weekday names (`JAN`, `MON`), `7` as Sunday, and the descriptors `@yearly`,
 * `@annually`, `@monthly`, `@weekly`, `@daily`, `@midnight`, `@hourly`. Day-of-month and day-of-week
 * combine as in cron: when both are restricted, either matching is enough. Times are UTC.
 *
 * Example: `nextRun(parseCron('*\/5 * * * *'), new Date('2024-01-01T10:02:00Z'))` -> 10:05:00.
 */

export interface CronSchedule {
  minute: Set<number>;
  hour: Set<number>;
  dom: Set<number>;
  month: Set<number>;
  dow: Set<number>;
  domStar: boolean;
  dowStar: boolean;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

function value(s: string, names: readonly string[] | undefined, offset: number, what: string): number {
  const i = names ? names.indexOf(s.toUpperCase()) : -1;
  if (i >= 0) return i + offset;
  if (!/^\d+$/.test(s)) throw new Error(`failed to parse int from ${s}: invalid ${what}`);
  return Number(s);
}

function field(text: string, min: number, max: number, what: string, names?: readonly string[], nameOffset = 0): { set: Set<number>; star: boolean } {
  const set = new Set<number>();
  let star = false;
  for (const part of text.split(',')) {
    const [range, stepText] = part.split('/') as [string, string | undefined];
    const step = stepText === undefined ? 1 : value(stepText, undefined, 0, what);
    if (step <= 0) throw new Error(`invalid step ${stepText ?? ''} in ${what}`);
    let lo: number;
    let hi: number;
    if (range === '*' || range === '?') {
      lo = min;
      hi = max;
      if (stepText === undefined) star = true;
    } else if (range.includes('-')) {
      const [a, b] = range.split('-') as [string, string];
      lo = value(a, names, nameOffset, what);
      hi = value(b, names, nameOffset, what);
    } else {
      lo = value(range, names, nameOffset, what);
      hi = stepText === undefined ? lo : max;
    }
    if (lo < min || hi > max || lo > hi) throw new Error(`${part} is beyond the range of ${what} (${min}-${max})`);
    for (let v = lo; v <= hi; v += step) set.add(v);
  }
  return { set, star };
}

/** Parses a schedule; throws an Error naming the problem. */
export function parseCron(spec: string): CronSchedule {
  const text = spec.trim();
  const expanded = DESCRIPTORS[text.toLowerCase()] ?? text;
  const fields = expanded.split(/\s+/);
  if (fields.length !== 5) throw new Error(`expected exactly 5 fields, found ${fields.length}: ${spec}`);
  const [mi, h, dom, mo, dow] = fields as [string, string, string, string, string];
  const d = field(dom, 1, 31, 'day of month');
  const w = field(dow, 0, 7, 'day of week', DAYS);
  if (w.set.has(7)) {
    w.set.delete(7);
    w.set.add(0);
  }
  return {
    minute: field(mi, 0, 59, 'minute').set,
    hour: field(h, 0, 23, 'hour').set,
    dom: d.set,
    month: field(mo, 1, 12, 'month', MONTHS, 1).set,
    dow: w.set,
    domStar: d.star,
    dowStar: w.star,
  };
}

function dayMatches(s: CronSchedule, t: Date): boolean {
  const dom = s.dom.has(t.getUTCDate());
  const dow = s.dow.has(t.getUTCDay());
  if (s.domStar || s.dowStar) return dom && dow;
  return dom || dow;
}

/** The first time strictly after `after` (whole minutes) the schedule fires; undefined within 5 years. */
export function nextRun(s: CronSchedule, after: Date): Date | undefined {
  const t = new Date(after.getTime());
  t.setUTCSeconds(0, 0);
  t.setUTCMinutes(t.getUTCMinutes() + 1);
  const limit = after.getTime() + 5 * 366 * 86_400_000;
  while (t.getTime() <= limit) {
    if (!s.month.has(t.getUTCMonth() + 1)) {
      t.setUTCMonth(t.getUTCMonth() + 1, 1);
      t.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!dayMatches(s, t)) {
      t.setUTCDate(t.getUTCDate() + 1);
      t.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!s.hour.has(t.getUTCHours())) {
      t.setUTCHours(t.getUTCHours() + 1, 0, 0, 0);
      continue;
    }
    if (!s.minute.has(t.getUTCMinutes())) {
      t.setUTCMinutes(t.getUTCMinutes() + 1, 0, 0);
      continue;
    }
    return t;
  }
  return undefined;
}
