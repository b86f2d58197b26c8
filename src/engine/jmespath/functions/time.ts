/**
 * Kyverno's time functions (pkg/engine/jmespath/time.go). Times are read with Go's `time.Parse`
 * (RFC 3339 unless a layout is given; fractional seconds accepted) and written as RFC 3339 without
 * fractions; durations are Go durations (`1h0m0s`). Parse errors are Go's texts, returned as-is.
 * "Now" comes from the Clock port, in UTC.
 */
import { formatDuration, parseDurationResult } from '../../utils/duration.ts';
import { goParseInt } from '../../utils/goconv.ts';
import { goError } from '../errors.ts';
import type { Value } from '../values.ts';
import {
  GoTimeParseError,
  RFC3339,
  addDuration,
  after,
  before,
  civil,
  formatRFC3339,
  fromDate,
  fromUnix,
  parseTime,
  subTimes,
  toUTC,
  truncateTime,
  type GoTime,
} from './go-time.ts';
import { arg, type FunctionFamily } from './types.ts';

function parse(layout: string, value: string): GoTime {
  try {
    return parseTime(layout, value);
  } catch (err) {
    if (err instanceof GoTimeParseError) throw goError(err.message);
    throw err;
  }
}

function timeArg(v: Value | undefined): GoTime {
  return parse(RFC3339, v as string);
}

function durationArg(v: Value | undefined): bigint {
  const r = parseDurationResult(v as string);
  if (!r.ok) throw goError(r.error);
  return r.ns;
}

/** Go's strconv.ParseInt(s, 10, 64) error text. */
function parseIntError(s: string): string {
  const syntax = !/^[+-]?[0-9]+$/.test(s);
  return `strconv.ParseInt: parsing ${JSON.stringify(s)}: ${syntax ? 'invalid syntax' : 'value out of range'}`;
}

export const timeFunctions: FunctionFamily = (env) => [
  {
    name: 'time_since',
    args: [arg.string, arg.string, arg.string],
    returnType: ['string'],
    note: 'calculate the difference between a start and end period of time where the end may either be a static definition or the then-current time',
    kyverno: true,
    handler: ([layout, ts1, ts2]) => {
      const l = layout === '' ? RFC3339 : (layout as string);
      const t1 = parse(l, ts1 as string);
      const t2 = ts2 === '' ? fromDate(env.clock.now()) : parse(l, ts2 as string);
      return formatDuration(subTimes(t2, t1));
    },
  },
  {
    name: 'time_now',
    args: [],
    returnType: ['string'],
    note: 'returns current time in RFC 3339 format',
    kyverno: true,
    handler: () => formatRFC3339(fromDate(env.clock.now())),
  },
  {
    name: 'time_now_utc',
    args: [],
    returnType: ['string'],
    note: 'returns current UTC time in RFC 3339 format',
    kyverno: true,
    handler: () => formatRFC3339(fromDate(env.clock.now())),
  },
  {
    name: 'time_to_cron',
    args: [arg.string],
    returnType: ['string'],
    note: 'converts a time (RFC 3339) to a cron expression (string).',
    kyverno: true,
    handler: ([t]) => {
      const c = civil(timeArg(t));
      return `${c.minute} ${c.hour} ${c.day} ${c.month} ${c.weekday}`;
    },
  },
  {
    name: 'time_add',
    args: [arg.string, arg.string],
    returnType: ['string'],
    note: 'adds duration (second string) to a time value (first string)',
    kyverno: true,
    handler: ([t, d]) => {
      const time = timeArg(t);
      return formatRFC3339(addDuration(time, durationArg(d)));
    },
  },
  {
    name: 'time_parse',
    args: [arg.string, arg.string],
    returnType: ['string'],
    note: 'changes a time value of a given layout to RFC 3339',
    kyverno: true,
    handler: ([layout, ts]) => {
      if (goParseInt(layout as string) !== undefined) {
        const epoch = goParseInt(ts as string);
        if (epoch === undefined) throw goError(parseIntError(ts as string));
        return formatRFC3339(fromUnix(Number(epoch)));
      }
      return formatRFC3339(parse(layout as string, ts as string));
    },
  },
  {
    name: 'time_utc',
    args: [arg.string],
    returnType: ['string'],
    note: 'calcutes time in UTC from a given time in RFC 3339 format',
    kyverno: true,
    handler: ([t]) => formatRFC3339(toUTC(timeArg(t))),
  },
  {
    name: 'time_diff',
    args: [arg.string, arg.string],
    returnType: ['string'],
    note: 'calculate the difference between a start and end date in RFC3339 format',
    kyverno: true,
    handler: ([a, b]) => {
      const t1 = timeArg(a);
      const t2 = timeArg(b);
      return formatDuration(subTimes(t2, t1));
    },
  },
  {
    name: 'time_before',
    args: [arg.string, arg.string],
    returnType: ['bool'],
    note: 'checks if a time is before another time, both in RFC3339 format',
    kyverno: true,
    handler: ([a, b]) => {
      const t1 = timeArg(a);
      return before(t1, timeArg(b));
    },
  },
  {
    name: 'time_after',
    args: [arg.string, arg.string],
    returnType: ['bool'],
    note: 'checks if a time is after another time, both in RFC3339 format',
    kyverno: true,
    handler: ([a, b]) => {
      const t1 = timeArg(a);
      return after(t1, timeArg(b));
    },
  },
  {
    name: 'time_between',
    args: [arg.string, arg.string, arg.string],
    returnType: ['bool'],
    note: 'checks if a time is between a start and end time, all in RFC3339 format',
    kyverno: true,
    handler: ([t, s, e]) => {
      const time = timeArg(t);
      const start = timeArg(s);
      const end = timeArg(e);
      return after(time, start) && before(time, end);
    },
  },
  {
    name: 'time_truncate',
    args: [arg.string, arg.string],
    returnType: ['string'],
    note: 'returns the result of rounding time down to a multiple of duration',
    kyverno: true,
    handler: ([t, d]) => {
      const time = timeArg(t);
      return formatRFC3339(truncateTime(time, durationArg(d)));
    },
  },
];
