/**
 * Kyverno's podSecurity evaluation (`pkg/pss/evaluate.go`): run the checks, then apply `exclude[]`
 * entries (from the rule or from PolicyExceptions) by re-running the checks on a reduced pod and
 * cancelling matching field errors.
 *
 * Exclusion, for each entry in order:
 * - without `images` (pod-level): the checks run on a copy of the pod whose containers are replaced by
 *   one empty container named `fake`; its field errors are compared by path (digit runs -> `*`).
 * - with `images` (container-level): the checks run on a pod made of the containers whose image matches
 *   one of the wildcards (name/namespace kept, nothing else); container field errors must also come from
 *   a container with the same name.
 * - an error of the reduced pod counts when its check belongs to `controlName`, its path (digits -> `*`)
 *   equals `restrictedField` (when set), and every bad value matches one of `values` (when set). Each
 *   counted error cancels the first remaining error of the same check with the same path (and container
 *   name) in the real results, by Go's swap-remove; a check with no errors left is dropped.
 * Go rebuilds the result list from a map, so its order after an exclusion is random; it is kept in
 * check order here.
 */
import type { PodSecurityStandard } from '../api/policy.ts';
import { wildcardMatchAny } from '../utils/wildcard.ts';
import type { Version } from './api.ts';
import type { BadValue, CheckResult, FieldError } from './check.ts';
import { controlCheckIds } from './controls.ts';
import type { ContainerView, PodView } from './pod.ts';
import { DEFAULT_REGISTRY } from './registry.ts';
import type { Level } from './api.ts';
import type { CheckRegistry } from './registry.ts';

/** A level (any string: Kyverno does not validate it here) and a parsed version. */
export interface LevelVersion {
  level: string;
  version: Version;
}

/** One failed check (Kyverno's `PSSCheckResult`); `images` is filled for failure reports. */
export interface PssCheck {
  id: string;
  result: CheckResult;
  images?: string[];
}

/**
 * Runs the checks Kyverno v1.19 selects for the level/version (registry.ts `kyvernoChecks`, pkg/pss
 * evaluatePSS: every check of the level at every version, at its first revision when the version predates
 * it, overridden baseline checks kept) and returns the failures. This is stricter than the in-tree Pod
 * Security Admission (`psaChecks`) for restricted before v1.22 (capabilities drop ALL is required): the
 * project judges as Kyverno does, so it never admits what Kyverno denies. The golden fixtures are checked
 * against both selections in fixtures.test.ts.
 * Example: a pod with `hostNetwork: true` at baseline -> `[{id: 'hostNamespaces', ...}]`.
 */
export function evaluatePss(lv: LevelVersion, pod: PodView, registry: CheckRegistry = DEFAULT_REGISTRY): PssCheck[] {
  const checks = registry.kyvernoChecks(lv.level, lv.version);
  let out: PssCheck[] | undefined;
  for (let i = 0; i < checks.length; i++) {
    const c = checks[i]!;
    const result = c.checkPod(pod.metadata, pod.spec);
    if (!result.allowed) (out ??= []).push({ id: c.id, result });
  }
  return out ?? [];
}

/**
 * Kyverno's `EvaluatePod`: the checks, then the rule's exclusions. `allowed` when no failure remains.
 */
export function evaluatePod(
  lv: LevelVersion,
  excludes: readonly PodSecurityStandard[] | undefined,
  pod: PodView,
  registry: CheckRegistry = DEFAULT_REGISTRY,
): { allowed: boolean; checks: PssCheck[] } {
  let checks = evaluatePss(lv, pod, registry);
  if (excludes !== undefined && excludes.length > 0 && checks.length > 0) {
    checks = applyPodSecurityExclusion(lv, excludes, checks, pod, registry);
  }
  return { allowed: checks.length === 0, checks };
}

/**
 * Kyverno's `ApplyPodSecurityExclusion`: applies each exclusion in turn to `checks` (which are not
 * mutated; the result holds copies of the error lists that changed).
 */
export function applyPodSecurityExclusion(
  lv: LevelVersion,
  excludes: readonly PodSecurityStandard[],
  checks: readonly PssCheck[],
  pod: PodView,
  registry: CheckRegistry = DEFAULT_REGISTRY,
): PssCheck[] {
  let current: PssCheck[] = checks.map((c) => ({ ...c, result: { ...c.result, errList: c.result.errList && [...c.result.errList] } }));
  for (const exclude of excludes) {
    if (current.length === 0) break;
    const { podSpec, matching } = getPodWithMatchingContainers(exclude, pod);
    if (podSpec !== undefined) {
      current = exemptExclusions(current, evaluatePss(lv, podSpec, registry), exclude, pod, undefined, false);
    } else {
      current = exemptExclusions(current, evaluatePss(lv, matching!, registry), exclude, pod, matching!, true);
    }
  }
  return current;
}

/**
 * Kyverno's `GetPodWithMatchingContainers`: without images, the pod with its containers replaced by a
 * single `{name: 'fake'}` (`podSpec`); with images, a pod holding only name/namespace and the containers
 * whose image matches (`matching`).
 */
export function getPodWithMatchingContainers(
  exclude: PodSecurityStandard,
  pod: PodView,
): { podSpec?: PodView; matching?: PodView } {
  const images = exclude.images ?? [];
  if (images.length === 0) {
    const spec = { ...pod.spec, containers: [{ name: 'fake' }] };
    delete spec.initContainers;
    delete spec.ephemeralContainers;
    return { podSpec: { metadata: pod.metadata, spec } };
  }
  const pick = (list: ContainerView[] | undefined): ContainerView[] | undefined => {
    let out: ContainerView[] | undefined;
    for (const c of list ?? []) if (wildcardMatchAny(images, c.image ?? '')) (out ??= []).push(c);
    return out;
  };
  const metadata: PodView['metadata'] = {};
  if (pod.metadata.name !== undefined) metadata.name = pod.metadata.name;
  if (pod.metadata.namespace !== undefined) metadata.namespace = pod.metadata.namespace;
  const spec: PodView['spec'] = {};
  const containers = pick(pod.spec.containers);
  if (containers) spec.containers = containers;
  const init = pick(pod.spec.initContainers);
  if (init) spec.initContainers = init;
  const eph = pick(pod.spec.ephemeralContainers);
  if (eph) spec.ephemeralContainers = eph;
  return { matching: { metadata, spec } };
}

const DIGITS = /\d+/g;
const WORDS = /[a-zA-Z]+/g;

/** A field path with every run of digits replaced by `*` (Kyverno's `regexIndex.ReplaceAllString`). */
export function wildcardIndexes(field: string): string {
  return field.replace(DIGITS, '*');
}

interface ParsedField {
  field: string;
  index: number;
  list: string;
  isContainer: boolean;
}

/** Kyverno's `parseField`: wildcarded path, first index, second word of the path, is-container-list. */
function parseField(field: string): ParsedField {
  const idx = field.match(DIGITS);
  const words = field.match(WORDS) ?? [];
  const list = words[1] ?? '';
  return {
    field: wildcardIndexes(field),
    index: idx ? Number(idx[0]) : 0,
    list,
    isContainer: list === 'containers' || list === 'initContainers' || list === 'ephemeralContainers',
  };
}

function containerAt(pod: PodView, list: string, index: number): ContainerView | undefined {
  switch (list) {
    case 'containers':
      return pod.spec.containers?.[index];
    case 'initContainers':
      return pod.spec.initContainers?.[index];
    case 'ephemeralContainers':
      return pod.spec.ephemeralContainers?.[index];
  }
  return undefined;
}

/** Kyverno's `extractBadValues`: the values an exclusion's `values` must all match. */
export function extractBadValues(v: BadValue): string[] {
  if (typeof v === 'string') return v === '' ? [] : [v];
  if (typeof v === 'boolean') return [v ? 'true' : 'false'];
  if (typeof v === 'number') return [String(v)];
  if (Array.isArray(v)) return [...(v as readonly string[])];
  return [];
}

/** Kyverno's `exemptExclusions` for one exclusion. */
function exemptExclusions(
  defaults: PssCheck[],
  excludeResults: readonly PssCheck[],
  exclude: PodSecurityStandard,
  pod: PodView,
  matching: PodView | undefined,
  containerLevel: boolean,
): PssCheck[] {
  const byId = new Map<string, PssCheck>();
  for (const d of defaults) byId.set(d.id, d);
  const ids = controlCheckIds(exclude.controlName);
  const restrictedField = exclude.restrictedField ?? '';
  const values = exclude.values ?? [];

  for (const ex of excludeResults) {
    if (!ids.includes(ex.id) || ex.result.errList === null) continue;
    for (const exErr of ex.result.errList) {
      let exField: string;
      let exContainerName: string | undefined;
      if (containerLevel) {
        const p = parseField(exErr.field);
        exField = p.field;
        if (p.isContainer) exContainerName = containerAt(matching!, p.list, p.index)?.name ?? '';
      } else {
        exField = wildcardIndexes(exErr.field);
      }
      if (restrictedField !== '' && exField !== restrictedField) continue;
      if (values.length !== 0 && !extractBadValues(exErr.badValue).every((b) => wildcardMatchAny(values, b))) continue;

      const target = byId.get(ex.id);
      const errs = target?.result.errList;
      if (target === undefined || errs === null || errs === undefined) continue;
      for (let i = 0; i < errs.length; i++) {
        const dErr: FieldError = errs[i]!;
        let hit: boolean;
        if (containerLevel) {
          const p = parseField(dErr.field);
          hit =
            p.field === exField &&
            (!p.isContainer || (containerAt(pod, p.list, p.index)?.name ?? '') === (exContainerName ?? ''));
        } else {
          hit = wildcardIndexes(dErr.field) === exField;
        }
        if (hit) {
          // Go's swap-remove: the last error takes the removed one's place.
          errs[i] = errs[errs.length - 1]!;
          errs.length--;
          break;
        }
      }
      if (errs.length === 0) byId.delete(ex.id);
    }
  }
  return defaults.filter((d) => byId.has(d.id));
}
