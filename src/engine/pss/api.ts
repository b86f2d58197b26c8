/**
 * Pod Security Standards levels and policy versions (k8s.io/pod-security-admission `api/`, as used by
 * Kyverno's `pkg/pss.ParseVersion`). Imports nothing else from the PSS engine.
 */

/** The three Pod Security Standards profiles. */
export type Level = 'privileged' | 'baseline' | 'restricted';

/** Levels in increasing strictness. */
export const LEVELS: readonly Level[] = ['privileged', 'baseline', 'restricted'];

/**
 * A policy version: `v<major>.<minor>` or `latest` (newer than every numbered version, even future ones).
 * Example: `{ major: 1, minor: 29, latest: false }` prints as `v1.29`.
 */
export interface Version {
  readonly major: number;
  readonly minor: number;
  readonly latest: boolean;
}

/** The `latest` version. */
export const LATEST: Version = Object.freeze({ major: 0, minor: 0, latest: true });

/** `vMAJOR.MINOR` as a Version. */
export function majorMinor(major: number, minor: number): Version {
  return { major, minor, latest: false };
}

/** `v1.29` / `latest`. */
export function versionString(v: Version): string {
  return v.latest ? 'latest' : `v${v.major}.${v.minor}`;
}

/** True when `a` is older than `b` (`latest` is never older; every numbered version is older than `latest`). */
export function versionOlder(a: Version, b: Version): boolean {
  if (a.latest) return false;
  if (b.latest) return true;
  if (a.major !== b.major) return a.major < b.major;
  return a.minor < b.minor;
}

/** True when both denote the same version. */
export function versionEqual(a: Version, b: Version): boolean {
  return a.latest === b.latest && (a.latest || (a.major === b.major && a.minor === b.minor));
}

/** Thrown (or returned as data) when a level or version string is not accepted. */
export class PssVersionError extends Error {
  readonly code = 'PSS_BAD_VERSION' as const;
  constructor(message: string) {
    super(message);
    this.name = 'PssVersionError';
  }
}

const VERSION_RE = /^v1\.([0-9]|[1-9][0-9]*)$/;
/** Go's strconv.Atoi limit on 64-bit platforms. */
const MAX_INT64 = 9223372036854775807n;

/**
 * Upstream `api.ParseVersion`: `latest` or `v1.<minor>` (no leading zeros, any size that fits an int64).
 * Example: `parsePsaVersion('v1.29')` -> `v1.29`; `parsePsaVersion('1.29')` -> error
 * `must be "latest" or "v1.x"`.
 */
export function parsePsaVersion(version: string): Version | PssVersionError {
  if (version === 'latest') return LATEST;
  const m = VERSION_RE.exec(version);
  if (!m || m[1] === undefined) return new PssVersionError('must be "latest" or "v1.x"');
  const digits = m[1];
  if (BigInt(digits) > MAX_INT64) return new PssVersionError('must be "latest" or "v1.x"');
  return majorMinor(1, Number(digits));
}

/**
 * Kyverno's `pss.ParseVersion`: an empty version means `latest`; otherwise the upstream parser.
 * The level is not validated here (Kyverno's CRD enum does that).
 * Example: `parseKyvernoVersion('')` -> latest; `parseKyvernoVersion('v1.0')` -> v1.0.
 */
export function parseKyvernoVersion(version: string | undefined): Version | PssVersionError {
  if (version === undefined || version === '' || version === 'latest') return LATEST;
  return parsePsaVersion(version);
}

/**
 * Upstream `api.ParseLevel`. Example: `parseLevel('baseline')` -> 'baseline'; `parseLevel('x')` -> error
 * `must be one of privileged, baseline, restricted`.
 */
export function parseLevel(level: string): Level | PssVersionError {
  if (level === 'privileged' || level === 'baseline' || level === 'restricted') return level;
  return new PssVersionError(`must be one of ${LEVELS.join(', ')}`);
}
