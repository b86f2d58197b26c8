/**
 * The check registry: validates the check table once and pre-expands it per (level, version), so that
 * evaluating is one lookup and a loop (upstream `policy/registry.go`).
 *
 * Two selections are expanded from the same table:
 * - `kyverno`: what Kyverno's `pkg/pss/evaluate.go#evaluatePSS` runs. Every check of the level (`baseline`
 *   -> baseline checks; any other level, `privileged` included, -> all checks), no overrides, in
 *   registration order, each at its newest revision whose minimum version is <= the requested version,
 *   or at its FIRST revision when none is (so `restricted` at v1.19 also runs capabilities_restricted,
 *   which upstream only starts at v1.22). This is what podSecurity rules use.
 * - `psa`: the upstream admission evaluator. `privileged` runs nothing; a check applies from its minimum
 *   version; restricted revisions replace the baseline checks they override; baseline IDs sorted, then
 *   restricted IDs sorted. The golden fixtures are written against this selection.
 * Both clamp versions above the newest known revision (and `latest`) to that revision.
 */
import { majorMinor, versionEqual, versionOlder, versionString } from './api.ts';
import type { Level, Version } from './api.ts';
import type { Check, CheckID, CheckPodFn, VersionedCheck } from './check.ts';
import { DEFAULT_CHECKS } from './checks/index.ts';

/** A check revision selected for one (level, version). */
export interface RegisteredCheck {
  readonly id: CheckID;
  readonly level: 'baseline' | 'restricted';
  readonly checkPod: CheckPodFn;
}

/** An invalid check table (a programming error, raised when the registry is built). */
export class PssRegistryError extends Error {
  readonly code = 'PSS_INVALID_CHECKS' as const;
  constructor(message: string) {
    super(message);
    this.name = 'PssRegistryError';
  }
}

/** Pre-expanded check lists. */
export interface CheckRegistry {
  /** The newest minimum version of any revision (v1.34 for Kyverno's fork). */
  readonly maxVersion: Version;
  /** The checks Kyverno's podSecurity evaluation runs for `level` at `version`. */
  kyvernoChecks(level: string, version: Version): readonly RegisteredCheck[];
  /** The checks the upstream admission evaluator runs for `level` at `version`. */
  psaChecks(level: Level, version: Version): readonly RegisteredCheck[];
}

/**
 * Upstream `validateChecks`: unique IDs; level baseline or restricted; at least one revision; minimum
 * versions defined, never `latest`, strictly increasing; overrides only on restricted checks and only of
 * baseline checks. Throws PssRegistryError.
 */
export function validateChecks(checks: readonly Check[]): void {
  const ids = new Map<CheckID, string>();
  for (const check of checks) {
    if (ids.has(check.id)) throw new PssRegistryError(`multiple checks registered for ID ${check.id}`);
    ids.set(check.id, check.level);
    if (check.level !== 'baseline' && check.level !== 'restricted') {
      throw new PssRegistryError(`check ${check.id}: invalid level ${String(check.level)}`);
    }
    if (check.versions.length === 0) throw new PssRegistryError(`check ${check.id}: empty`);
    let max: Version = majorMinor(0, 0);
    for (const v of check.versions) {
      const min = v.minimumVersion;
      if (!min.latest && min.major === 0 && min.minor === 0) {
        throw new PssRegistryError(`check ${check.id}: undefined version found`);
      }
      if (min.latest) throw new PssRegistryError(`check ${check.id}: version cannot be 'latest'`);
      if (versionEqual(max, min)) {
        throw new PssRegistryError(`check ${check.id}: duplicate version ${versionString(min)}`);
      }
      if (!versionOlder(max, min)) throw new PssRegistryError(`check ${check.id}: versions must be strictly increasing`);
      max = min;
    }
  }
  for (const check of checks) {
    for (const v of check.versions) {
      if (!v.overrideCheckIDs || v.overrideCheckIDs.length === 0) continue;
      if (check.level !== 'restricted') {
        throw new PssRegistryError(`check ${check.id}: only restricted checks may set overrides`);
      }
      for (const o of v.overrideCheckIDs) {
        const overridden = ids.get(o);
        if (overridden !== undefined && overridden !== 'baseline') {
          throw new PssRegistryError(`check ${check.id}: overrides ${overridden} check ${o}`);
        }
      }
    }
  }
}

/** Kyverno's revision choice: the newest revision with minimum <= version, else the first one. */
function kyvernoRevision(check: Check, version: Version): VersionedCheck {
  let selected = check.versions[0]!;
  for (let i = 1; i < check.versions.length; i++) {
    const next = check.versions[i]!;
    if (!versionOlder(version, next.minimumVersion) && versionOlder(selected.minimumVersion, next.minimumVersion)) {
      selected = next;
    }
  }
  return selected;
}

/**
 * Upstream's revision choice: the newest revision with minimum <= version, or none.
 * Example: `psaRevision(checkSysctls, majorMinor(1, 28))` -> the v1.27 revision.
 */
export function psaRevision(check: Check, version: Version): VersionedCheck | undefined {
  let selected: VersionedCheck | undefined;
  for (const v of check.versions) if (!versionOlder(version, v.minimumVersion)) selected = v;
  return selected;
}

const entry = (check: Check, v: VersionedCheck): RegisteredCheck =>
  Object.freeze({ id: check.id, level: check.level, checkPod: v.checkPod });

/**
 * Validates `checks` and expands them for every minor version from v1.0 to the newest minimum version.
 * Example: `newRegistry(DEFAULT_CHECKS).kyvernoChecks('baseline', majorMinor(1, 29))` -> 12 checks.
 */
export function newRegistry(checks: readonly Check[]): CheckRegistry {
  validateChecks(checks);
  let maxVersion: Version = majorMinor(1, 0);
  for (const c of checks) {
    const last = c.versions[c.versions.length - 1]!.minimumVersion;
    if (versionOlder(maxVersion, last)) maxVersion = last;
  }
  const maxMinor = maxVersion.minor;

  const sortedIds = (level: 'baseline' | 'restricted'): CheckID[] =>
    checks
      .filter((c) => c.level === level)
      .map((c) => c.id)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const psaOrder = [...sortedIds('baseline'), ...sortedIds('restricted')];
  const byId = new Map(checks.map((c) => [c.id, c]));

  const kyvernoBaseline: RegisteredCheck[][] = [];
  const kyvernoAll: RegisteredCheck[][] = [];
  const psaBaseline: RegisteredCheck[][] = [];
  const psaRestricted: RegisteredCheck[][] = [];
  for (let minor = 0; minor <= maxMinor; minor++) {
    const v = majorMinor(1, minor);
    const all: RegisteredCheck[] = [];
    const baseline: RegisteredCheck[] = [];
    for (const c of checks) {
      const e = entry(c, kyvernoRevision(c, v));
      all.push(e);
      if (c.level === 'baseline') baseline.push(e);
    }
    kyvernoAll.push(Object.freeze(all) as RegisteredCheck[]);
    kyvernoBaseline.push(Object.freeze(baseline) as RegisteredCheck[]);

    const overridden = new Set<CheckID>();
    const selected = new Map<CheckID, VersionedCheck>();
    for (const c of checks) {
      const r = psaRevision(c, v);
      if (r === undefined) continue;
      selected.set(c.id, r);
      if (c.level === 'restricted') for (const o of r.overrideCheckIDs ?? []) overridden.add(o);
    }
    const pb: RegisteredCheck[] = [];
    const pr: RegisteredCheck[] = [];
    for (const id of psaOrder) {
      const r = selected.get(id);
      if (r === undefined) continue;
      const c = byId.get(id)!;
      const e = entry(c, r);
      if (c.level === 'baseline') {
        pb.push(e);
        if (!overridden.has(id)) pr.push(e);
      } else {
        pr.push(e);
      }
    }
    psaBaseline.push(Object.freeze(pb) as RegisteredCheck[]);
    psaRestricted.push(Object.freeze(pr) as RegisteredCheck[]);
  }

  const index = (version: Version): number =>
    version.latest || versionOlder(maxVersion, version) ? maxMinor : version.major < 1 ? 0 : version.minor;
  const NONE: readonly RegisteredCheck[] = Object.freeze([]);

  return {
    maxVersion,
    kyvernoChecks(level: string, version: Version): readonly RegisteredCheck[] {
      return (level === 'baseline' ? kyvernoBaseline : kyvernoAll)[index(version)]!;
    },
    psaChecks(level: Level, version: Version): readonly RegisteredCheck[] {
      if (level === 'privileged') return NONE;
      return (level === 'baseline' ? psaBaseline : psaRestricted)[index(version)]!;
    },
  };
}

/** The registry of Kyverno's default checks (a constant, built once). */
export const DEFAULT_REGISTRY: CheckRegistry = newRegistry(DEFAULT_CHECKS);
