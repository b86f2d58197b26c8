/**
 * Semantic versions as Kyverno uses them, through `github.com/blang/semver/v4`: the strict `Parse`
 * (`1.2.3`, `1.2.3-rc.1+build`; no `v` prefix, no missing parts, no leading zeros), `Compare`, and
 * `ParseRange` (`>=1.0.0 <2.0.0`, `||`, `!=`, `1.x`, `!4.x.x`) with its quirks and error messages.
 */
import { goParseInt, goParseUint, goQuote, goTrimSpace, utf8Length } from './goconv.ts';

/** A prerelease identifier: numeric (compared as numbers) or alphanumeric (compared as strings). */
export interface SemverPrerelease {
  readonly isNum: boolean;
  readonly num: bigint;
  readonly str: string;
}

/** A parsed version; numbers are uint64 (bigint). */
export interface SemverVersion {
  readonly major: bigint;
  readonly minor: bigint;
  readonly patch: bigint;
  readonly pre: readonly SemverPrerelease[];
  readonly build: readonly string[];
}

/** The zero version `0.0.0` (what Go's failed `semver.Parse` returns). */
export const SEMVER_ZERO: SemverVersion = { major: 0n, minor: 0n, patch: 0n, pre: [], build: [] };

/** Thrown by {@link parseSemverRange}; `message` is blang/semver's error text. */
export class SemverRangeError extends Error {
  readonly code = 'SEMVER_RANGE' as const;
  constructor(message: string) {
    super(message);
    this.name = 'SemverRangeError';
  }
}

const NUMBERS = '0123456789';
const ALPHANUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789';

function containsOnly(s: string, set: string): boolean {
  for (const ch of s) if (!set.includes(ch)) return false;
  return true;
}

function hasLeadingZeroes(s: string): boolean {
  return s.length > 1 && s[0] === '0';
}

function parseUint(s: string): bigint | string {
  const v = goParseUint(s);
  if (v !== undefined) return v;
  const reason = /^[0-9]+$/.test(s) ? 'value out of range' : 'invalid syntax';
  return `strconv.ParseUint: parsing ${goQuote(s)}: ${reason}`;
}

/** The result of {@link parseSemverResult}: the version or blang's error message. */
export type SemverParseResult = { ok: true; version: SemverVersion } | { ok: false; error: string };

/**
 * blang `semver.Parse` with its error message. `parseSemverResult('1.2')` ->
 * `{ok: false, error: 'No Major.Minor.Patch elements found'}`.
 */
export function parseSemverResult(s: string): SemverParseResult {
  const fail = (error: string): SemverParseResult => ({ ok: false, error });
  if (s.length === 0) return fail('Version string empty');
  const first = s.indexOf('.');
  const second = first < 0 ? -1 : s.indexOf('.', first + 1);
  if (second < 0) return fail('No Major.Minor.Patch elements found');
  const p0 = s.slice(0, first);
  const p1 = s.slice(first + 1, second);
  let patchStr = s.slice(second + 1);
  if (!containsOnly(p0, NUMBERS)) return fail(`Invalid character(s) found in major number ${goQuote(p0)}`);
  if (hasLeadingZeroes(p0)) return fail(`Major number must not contain leading zeroes ${goQuote(p0)}`);
  const major = parseUint(p0);
  if (typeof major === 'string') return fail(major);
  if (!containsOnly(p1, NUMBERS)) return fail(`Invalid character(s) found in minor number ${goQuote(p1)}`);
  if (hasLeadingZeroes(p1)) return fail(`Minor number must not contain leading zeroes ${goQuote(p1)}`);
  const minor = parseUint(p1);
  if (typeof minor === 'string') return fail(minor);
  let build: string[] = [];
  let prerelease: string[] = [];
  const bi = patchStr.indexOf('+');
  if (bi !== -1) {
    build = patchStr.slice(bi + 1).split('.');
    patchStr = patchStr.slice(0, bi);
  }
  const pi = patchStr.indexOf('-');
  if (pi !== -1) {
    prerelease = patchStr.slice(pi + 1).split('.');
    patchStr = patchStr.slice(0, pi);
  }
  if (!containsOnly(patchStr, NUMBERS)) return fail(`Invalid character(s) found in patch number ${goQuote(patchStr)}`);
  if (hasLeadingZeroes(patchStr)) return fail(`Patch number must not contain leading zeroes ${goQuote(patchStr)}`);
  const patch = parseUint(patchStr);
  if (typeof patch === 'string') return fail(patch);
  const pre: SemverPrerelease[] = [];
  for (const p of prerelease) {
    if (p.length === 0) return fail('Prerelease is empty');
    if (containsOnly(p, NUMBERS)) {
      if (hasLeadingZeroes(p)) return fail(`Numeric PreRelease version must not contain leading zeroes ${goQuote(p)}`);
      const n = parseUint(p);
      if (typeof n === 'string') return fail(n);
      pre.push({ isNum: true, num: n, str: '' });
    } else if (containsOnly(p, ALPHANUM)) {
      pre.push({ isNum: false, num: 0n, str: p });
    } else return fail(`Invalid character(s) found in prerelease ${goQuote(p)}`);
  }
  for (const b of build) {
    if (b.length === 0) return fail('Build meta data is empty');
    if (!containsOnly(b, ALPHANUM)) return fail(`Invalid character(s) found in build meta data ${goQuote(b)}`);
  }
  return { ok: true, version: { major, minor, patch, pre, build } };
}

/**
 * blang `semver.Parse` (strict): `parseSemver('1.2.3-rc.1')` is a version, `parseSemver('v1.2.3')` and
 * `parseSemver('1.2')` are `undefined`.
 */
export function parseSemver(s: string): SemverVersion | undefined {
  const r = parseSemverResult(s);
  return r.ok ? r.version : undefined;
}

function cmpBig(a: bigint, b: bigint): -1 | 0 | 1 {
  return a < b ? -1 : a > b ? 1 : 0;
}

function comparePre(a: SemverPrerelease, b: SemverPrerelease): -1 | 0 | 1 {
  if (a.isNum && !b.isNum) return -1;
  if (!a.isNum && b.isNum) return 1;
  if (a.isNum) return cmpBig(a.num, b.num);
  return a.str === b.str ? 0 : a.str > b.str ? 1 : -1;
}

/** blang `Version.Compare`: precedence per semver 2.0 (build metadata ignored). */
export function compareSemver(a: SemverVersion, b: SemverVersion): -1 | 0 | 1 {
  const c = cmpBig(a.major, b.major) || cmpBig(a.minor, b.minor) || cmpBig(a.patch, b.patch);
  if (c !== 0) return c;
  if (a.pre.length === 0 && b.pre.length === 0) return 0;
  if (a.pre.length === 0) return 1;
  if (b.pre.length === 0) return -1;
  let i = 0;
  for (; i < a.pre.length && i < b.pre.length; i++) {
    const pc = comparePre(a.pre[i]!, b.pre[i]!);
    if (pc !== 0) return pc;
  }
  if (i === a.pre.length && i === b.pre.length) return 0;
  return i === a.pre.length ? -1 : 1;
}

/** A parsed range: OR of AND-ed comparators. */
export type SemverRange = (v: SemverVersion) => boolean;

type Comparator = (v1: SemverVersion, v2: SemverVersion) => boolean;

function parseComparator(s: string): Comparator | undefined {
  switch (s) {
    case '==':
    case '':
    case '=':
      return (a, b) => compareSemver(a, b) === 0;
    case '>':
      return (a, b) => compareSemver(a, b) === 1;
    case '>=':
      return (a, b) => compareSemver(a, b) >= 0;
    case '<':
      return (a, b) => compareSemver(a, b) === -1;
    case '<=':
      return (a, b) => compareSemver(a, b) <= 0;
    case '!':
    case '!=':
      return (a, b) => compareSemver(a, b) !== 0;
    default:
      return undefined;
  }
}

function splitAndTrim(s: string): string[] {
  const result: string[] = [];
  let last = 0;
  let lastChar = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === ' ' && lastChar !== '>' && lastChar !== '<' && lastChar !== '=') {
      if (utf8Length(s.slice(last, i)) > 1) result.push(s.slice(last, i));
      last = i + 1;
    } else if (s[i] !== ' ') lastChar = s[i]!;
  }
  if (utf8Length(s.slice(last)) > 1) result.push(s.slice(last));
  return result.map((v) => v.replace(/ /g, ''));
}

function splitComparatorVersion(s: string): [string, string] {
  const m = /\p{Nd}/u.exec(s);
  if (!m) throw new SemverRangeError(`Could not get version from string: ${goQuote(s)}`);
  return [goTrimSpace(s.slice(0, m.index)), s.slice(m.index)];
}

function wildcardType(vStr: string): 'none' | 'major' | 'minor' | 'patch' {
  const parts = vStr.split('.');
  if (parts[parts.length - 1] !== 'x') return 'none';
  return parts.length === 1 ? 'major' : parts.length === 2 ? 'minor' : parts.length === 3 ? 'patch' : 'none';
}

function createVersionFromWildcard(vStr: string): string {
  let v = vStr.replace('.x.x', '.x');
  v = v.replace('.x', '.0');
  return v.split('.').length === 2 ? v + '.0' : v;
}

function incrementPart(vStr: string, index: number): string {
  const parts = vStr.split('.');
  const i = goParseInt(parts[index]!);
  if (i === undefined) return '';
  parts[index] = (i + 1n).toString();
  return parts.join('.');
}

function expandWildcardVersion(parts: string[][]): string[][] {
  const expanded: string[][] = [];
  for (const p of parts) {
    const newParts: string[] = [];
    for (let ap of p) {
      if (ap.includes('x')) {
        const [opStr, vStr] = splitComparatorVersion(ap);
        const wt = wildcardType(vStr);
        const flat = createVersionFromWildcard(vStr);
        let resultOperator = '';
        let increment = false;
        switch (opStr) {
          case '>':
            resultOperator = '>=';
            increment = true;
            break;
          case '>=':
            resultOperator = '>=';
            break;
          case '<':
            resultOperator = '<';
            break;
          case '<=':
            resultOperator = '<';
            increment = true;
            break;
          case '':
          case '=':
          case '==':
            newParts.push('>=' + flat);
            resultOperator = '<';
            increment = true;
            break;
          case '!=':
          case '!':
            newParts.push('<' + flat);
            resultOperator = '>=';
            increment = true;
            break;
        }
        let resultVersion = '';
        if (increment) {
          if (wt === 'patch') resultVersion = incrementPart(flat, 1);
          else if (wt === 'minor') resultVersion = incrementPart(flat, 0);
        } else resultVersion = flat;
        ap = resultOperator + resultVersion;
      }
      newParts.push(ap);
    }
    expanded.push(newParts);
  }
  return expanded;
}

/**
 * blang `semver.ParseRange`. Throws {@link SemverRangeError} with blang's message for a bad range
 * (e.g. `Could not get version from string: "abc"`). Quirks kept: single-character tokens are dropped,
 * `!=1.x` expands to `<1.0.0 AND >=2.0.0` (never true), `1.2.x` has three parts so it means `>=1.2.0 <1.3.0`.
 */
export function parseSemverRange(s: string): SemverRange {
  const parts = splitAndTrim(s);
  const orParts: string[][] = [];
  let last = 0;
  for (let i = 0; i < parts.length; i++) {
    if (parts[i] === '||') {
      if (i === 0) throw new SemverRangeError("First element in range is '||'");
      orParts.push(parts.slice(last, i));
      last = i + 1;
    }
  }
  if (last === parts.length) throw new SemverRangeError("Last element in range is '||'");
  orParts.push(parts.slice(last));
  const expanded = expandWildcardVersion(orParts);
  const ors: { c: Comparator; v: SemverVersion }[][] = [];
  for (const p of expanded) {
    const ands: { c: Comparator; v: SemverVersion }[] = [];
    for (const ap of p) {
      const [opStr, vStr] = splitComparatorVersion(ap);
      const c = parseComparator(opStr);
      if (!c) {
        throw new SemverRangeError(
          `Could not parse Range ${goQuote(ap)}: Could not parse comparator ${goQuote(opStr)} in ${goQuote(opStr + vStr)}`,
        );
      }
      const v = parseSemverResult(vStr);
      if (!v.ok) {
        throw new SemverRangeError(
          `Could not parse Range ${goQuote(ap)}: Could not parse version ${goQuote(vStr)} in ${goQuote(opStr + vStr)}: ${v.error}`,
        );
      }
      ands.push({ c, v: v.version });
    }
    ors.push(ands);
  }
  return (version) => ors.some((ands) => ands.every(({ c, v }) => c(version, v)));
}

/**
 * Kyverno's `semver_compare(version, range)`: a version that does not parse counts as `0.0.0`; a bad range
 * throws {@link SemverRangeError}. `semverCompareRange('1.10.0', '>=1.0.0 <2.0.0')` = true.
 */
export function semverCompareRange(version: string, range: string): boolean {
  const r = parseSemverRange(range);
  return r(parseSemver(version) ?? SEMVER_ZERO);
}
