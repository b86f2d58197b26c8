/**
 * The Kubernetes semver library, version 1 (pkg/cel/library/semverlib.go over blang/semver v4):
 * `semver(s[, normalize])`, `isSemver(s[, normalize])`, and `major()`, `minor()`, `patch()`,
 * `isGreaterThan`, `isLessThan`, `compareTo`, `==`. `normalize` strips a leading `v`, leading zeros
 * and fills a missing minor/patch (`semver("v1.2", true)` is 1.2.0).
 */
import { goQuote } from '../../utils/goconv.ts';
import { fail } from '../errors.ts';
import type { CelLibrary } from '../library.ts';

interface PreRelease {
  num?: bigint;
  str?: string;
}

/** A parsed semantic version. */
export class SemverValue {
  /** the CEL type name (cel-go's `TypeName()`) */
  static readonly celTypeName = 'kubernetes.Semver';
  constructor(
    readonly major: bigint,
    readonly minor: bigint,
    readonly patch: bigint,
    readonly pre: readonly PreRelease[],
    readonly build: readonly string[],
  ) {}

  toString(): string {
    let s = `${this.major}.${this.minor}.${this.patch}`;
    if (this.pre.length > 0) s += `-${this.pre.map((p) => (p.num !== undefined ? p.num.toString() : p.str)).join('.')}`;
    if (this.build.length > 0) s += `+${this.build.join('.')}`;
    return s;
  }

  toJSON(): string {
    return this.toString();
  }
}

const NUMBERS = /^[0-9]*$/;
const ALPHANUM = /^[0-9A-Za-z-]*$/;
const U64_MAX = 2n ** 64n - 1n;

function parseUint(s: string): bigint {
  if (s === '' || !NUMBERS.test(s)) fail(`strconv.ParseUint: parsing ${goQuote(s)}: invalid syntax`);
  const v = BigInt(s);
  if (v > U64_MAX) fail(`strconv.ParseUint: parsing ${goQuote(s)}: value out of range`);
  return v;
}

const leadingZero = (s: string): boolean => s.length > 1 && s[0] === '0';

/** blang/semver `Parse`; throws with its messages. */
export function parseSemver(s: string): SemverValue {
  if (s.length === 0) fail('Version string empty');
  const parts = splitN(s, '.', 3);
  if (parts.length !== 3) fail('No Major.Minor.Patch elements found');
  const [majS, minS, rest] = parts as [string, string, string];
  if (!NUMBERS.test(majS)) fail(`Invalid character(s) found in major number ${goQuote(majS)}`);
  if (leadingZero(majS)) fail(`Major number must not contain leading zeroes ${goQuote(majS)}`);
  const major = parseUint(majS);
  if (!NUMBERS.test(minS)) fail(`Invalid character(s) found in minor number ${goQuote(minS)}`);
  if (leadingZero(minS)) fail(`Minor number must not contain leading zeroes ${goQuote(minS)}`);
  const minor = parseUint(minS);
  let patchStr = rest;
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
  if (!NUMBERS.test(patchStr)) fail(`Invalid character(s) found in patch number ${goQuote(patchStr)}`);
  if (leadingZero(patchStr)) fail(`Patch number must not contain leading zeroes ${goQuote(patchStr)}`);
  const patch = parseUint(patchStr);
  const pre: PreRelease[] = [];
  for (const p of prerelease) {
    if (p.length === 0) fail('Prerelease is empty');
    if (NUMBERS.test(p)) {
      if (leadingZero(p)) fail(`Numeric PreRelease version must not contain leading zeroes ${goQuote(p)}`);
      pre.push({ num: parseUint(p) });
    } else if (ALPHANUM.test(p)) pre.push({ str: p });
    else fail(`Invalid character(s) found in prerelease ${goQuote(p)}`);
  }
  for (const b of build) {
    if (b.length === 0) fail('Build meta data is empty');
    if (!ALPHANUM.test(b)) fail(`Invalid character(s) found in build meta data ${goQuote(b)}`);
  }
  return new SemverValue(major, minor, patch, pre, build);
}

function splitN(s: string, sep: string, n: number): string[] {
  const parts = s.split(sep);
  if (parts.length <= n) return parts;
  return [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
}

/** Kubernetes `normalizeAndParse`. */
export function normalizeAndParseSemver(s: string): SemverValue {
  const str = s.startsWith('v') ? s.slice(1) : s;
  const parts = splitN(str, '.', 3).map((p) => {
    if (p.length > 1) {
      let q = p.replace(/^0+/, '');
      if (q.length === 0 || !/^[0-9]/.test(q)) q = `0${q}`;
      return q;
    }
    return p;
  });
  if (parts.length < 3) {
    if (/[+-]/.test(parts[parts.length - 1]!)) fail('short version cannot contain PreRelease/Build meta data');
    while (parts.length < 3) parts.push('0');
  }
  return parseSemver(parts.join('.'));
}

function cmpBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** blang/semver `Compare`. */
export function compareSemver(v: SemverValue, o: SemverValue): number {
  const c = cmpBig(v.major, o.major) || cmpBig(v.minor, o.minor) || cmpBig(v.patch, o.patch);
  if (c !== 0) return c;
  if (v.pre.length === 0 && o.pre.length === 0) return 0;
  if (v.pre.length === 0) return 1;
  if (o.pre.length === 0) return -1;
  let i = 0;
  for (; i < v.pre.length && i < o.pre.length; i++) {
    const a = v.pre[i]!;
    const b = o.pre[i]!;
    let r: number;
    if (a.num !== undefined && b.num === undefined) r = -1;
    else if (a.num === undefined && b.num !== undefined) r = 1;
    else if (a.num !== undefined && b.num !== undefined) r = cmpBig(a.num, b.num);
    else r = a.str === b.str ? 0 : a.str! > b.str! ? 1 : -1;
    if (r !== 0) return r;
  }
  if (i === v.pre.length && i === o.pre.length) return 0;
  return i === v.pre.length ? -1 : 1;
}

const T = 'kubernetes.Semver';
const ok = (f: () => unknown): boolean => {
  try {
    f();
    return true;
  } catch {
    return false;
  }
};

export const semverLibrary: CelLibrary = {
  name: 'kubernetes.Semver',
  register(env) {
    env.registerType(T, SemverValue);
    env.registerFunction(`semver(string): ${T}`, (s: string) => parseSemver(s));
    env.registerFunction(`semver(string, bool): ${T}`, (s: string, n: boolean) => (n ? normalizeAndParseSemver(s) : parseSemver(s)));
    env.registerFunction('isSemver(string): bool', (s: string) => ok(() => parseSemver(s)));
    env.registerFunction('isSemver(string, bool): bool', (s: string, n: boolean) =>
      ok(() => (n ? normalizeAndParseSemver(s) : parseSemver(s))),
    );
    env.registerFunction(`${T}.major(): int`, (v: SemverValue) => v.major);
    env.registerFunction(`${T}.minor(): int`, (v: SemverValue) => v.minor);
    env.registerFunction(`${T}.patch(): int`, (v: SemverValue) => v.patch);
    env.registerFunction(`${T}.isGreaterThan(${T}): bool`, (a: SemverValue, b: SemverValue) => compareSemver(a, b) === 1);
    env.registerFunction(`${T}.isLessThan(${T}): bool`, (a: SemverValue, b: SemverValue) => compareSemver(a, b) === -1);
    env.registerFunction(`${T}.compareTo(${T}): int`, (a: SemverValue, b: SemverValue) => BigInt(compareSemver(a, b)));
    env.registerOperator(`${T} == ${T}`, (a: SemverValue, b: SemverValue) => compareSemver(a, b) === 0);
  },
};
