/**
 * The outcome of a `validate.podSecurity` rule, as Kyverno's
 * `pkg/engine/handlers/validation/validate_pss.go` produces it:
 *
 * 1. DELETE -> no response (`null`).
 * 2. A matched PolicyException without `podSecurity` -> skip
 *    `rule is skipped due to policy exception <key>`.
 * 3. Pod extraction (Pod, pod templates, CronJob job template) fails -> error
 *    `Error while getting new resource: <err>`; a bad version -> error
 *    `failed to parse pod security api version: <err>`.
 * 4. The checks pass (after the rule's `exclude`) -> pass `Validation rule '<r>' passed.`
 * 5. Otherwise the matched exceptions' `podSecurity` exclusions are applied: none left -> skip
 *    `rule is skipped due to policy exceptions <k1>, <k2>`; else fail
 *    `Validation rule '<r>' failed. It violates PodSecurity "<level>:<version>": <checks>` where level and
 *    version are printed as written in the rule (an omitted version prints as empty), and field paths
 *    are rewritten for the resource kind (`spec` -> `spec.template.spec` for pod controllers,
 *    `spec.jobTemplate.spec.template.spec` for CronJobs, then `metadata` -> `spec.template.metadata` for
 *    every kind, Pods included).
 *
 * Not handled here: `allowExistingViolations` for UPDATE requests of Enforce rules. The caller evaluates
 * the old object with operation CREATE and, when its status equals the new one, turns a fail into skip
 * `skipping the rule evaluation as pre-existing violations are allowed` (Kyverno's `validateOldObject`).
 */
import type { Resource } from '../api/json.ts';
import type { PodSecurity, PodSecurityStandard } from '../api/policy.ts';
import type { PodSecurityCheckResult } from '../api/response.ts';
import { errorMessage } from '../api/response.ts';
import { parseKyvernoVersion, PssVersionError } from './api.ts';
import { applyPodSecurityExclusion, evaluatePod } from './evaluate.ts';
import type { LevelVersion, PssCheck } from './evaluate.ts';
import { formatChecksPrint } from './message.ts';
import { decodePodSource } from './pod.ts';
import type { PodView } from './pod.ts';

/** A PolicyException that matched the resource and names this rule. */
export interface MatchedPodSecurityException {
  /** `namespace/name` (or `name` for a cluster-scoped key), as cache.MetaNamespaceKeyFunc renders it */
  key: string;
  /** the exception's `spec.podSecurity`; absent or empty means the whole rule is skipped */
  podSecurity?: readonly PodSecurityStandard[];
}

/** Image references by container list and container name (Kyverno's `ImageInfo().String()` values). */
export type ContainerImages = Partial<
  Record<'containers' | 'initContainers' | 'ephemeralContainers', Readonly<Record<string, string>>>
>;

/** A failed check as reported, plus the container images named in its detail (for report properties). */
export type PodSecurityCheckReport = PodSecurityCheckResult & { images?: string[] };

export interface PodSecurityRuleResult {
  status: 'pass' | 'fail' | 'error' | 'skip';
  message: string;
  /** the failed checks (empty on pass / exception skip; absent on error and exception-without-podSecurity skip) */
  checks?: PodSecurityCheckReport[];
  /** `RuleResponse.podSecurityChecks`: level and version as written in the rule, and `checks` */
  podSecurityChecks?: { level: string; version: string; checks: PodSecurityCheckReport[] };
  /** keys of the exceptions that caused a skip */
  exceptions?: string[];
}

export interface PodSecurityRuleOptions {
  /**
   * image references for the report's `controlsJSON` images (a container not listed reports its name);
   * a function is called only when some check failed
   */
  images?: ContainerImages | (() => ContainerImages | undefined);
}

/**
 * Evaluates a podSecurity rule on `resource` (the new object, or the old one when the request has no
 * new object). `exceptions` are the PolicyExceptions that matched (already filtered by the caller).
 * Example: a privileged Pod under `{level: 'baseline', version: 'v1.29'}` -> fail
 * `Validation rule 'r' failed. It violates PodSecurity "baseline:v1.29": (Forbidden reason: privileged, field error list: [spec.template.metadata...`.
 */
export function validatePodSecurity(
  ruleName: string,
  podSecurity: PodSecurity,
  resource: Resource,
  operation: string,
  exceptions?: readonly MatchedPodSecurityException[],
  options?: PodSecurityRuleOptions,
): PodSecurityRuleResult | null {
  if (operation === 'DELETE') return null;

  const matched = exceptions ?? [];
  const whole = matched.find((e) => e.podSecurity === undefined || e.podSecurity.length === 0);
  if (whole !== undefined) {
    return {
      status: 'skip',
      message: `rule is skipped due to policy exception ${whole.key}`,
      exceptions: [whole.key],
    };
  }

  let pod: PodView;
  try {
    pod = decodePodSource(resource);
  } catch (err) {
    return { status: 'error', message: `Error while getting new resource: ${errorMessage(err)}` };
  }
  const version = parseKyvernoVersion(podSecurity.version);
  if (version instanceof PssVersionError) {
    return { status: 'error', message: `failed to parse pod security api version: ${version.message}` };
  }
  const level: string = podSecurity.level ?? '';
  const versionText = podSecurity.version ?? '';
  const lv: LevelVersion = { level, version };

  const { allowed, checks } = evaluatePod(lv, podSecurity.exclude, pod);
  if (allowed) {
    return {
      status: 'pass',
      message: `Validation rule '${ruleName}' passed.`,
      checks: [],
      podSecurityChecks: { level, version: versionText, checks: [] },
    };
  }

  const excludes: PodSecurityStandard[] = [];
  const keys: string[] = [];
  for (const e of matched) {
    keys.push(e.key);
    excludes.push(...(e.podSecurity ?? []));
  }
  const remaining = excludes.length > 0 ? applyPodSecurityExclusion(lv, excludes, checks, pod) : checks;
  if (remaining.length === 0) {
    return {
      status: 'skip',
      message: `rule is skipped due to policy exceptions ${keys.join(', ')}`,
      checks: [],
      podSecurityChecks: { level, version: versionText, checks: [] },
      exceptions: keys,
    };
  }

  const converted = convertChecks(remaining, typeof resource['kind'] === 'string' ? resource['kind'] : '');
  const images = options?.images;
  addImages(converted, typeof images === 'function' ? images() : images);
  const reports = converted.map(toReport);
  return {
    status: 'fail',
    message: `Validation rule '${ruleName}' failed. It violates PodSecurity "${level}:${versionText}": ${formatChecksPrint(converted)}`,
    checks: reports,
    podSecurityChecks: { level, version: versionText, checks: reports },
  };
}

const TEMPLATE_KINDS = new Set(['DaemonSet', 'Deployment', 'Job', 'StatefulSet', 'ReplicaSet', 'ReplicationController']);

/**
 * Kyverno's `convertChecks`: rewrites field paths for the resource kind (plain substring replacement,
 * as Go's strings.ReplaceAll). Returns new check objects.
 */
export function convertChecks(checks: readonly PssCheck[], kind: string): PssCheck[] {
  const specTo = TEMPLATE_KINDS.has(kind) ? 'spec.template.spec' : kind === 'CronJob' ? 'spec.jobTemplate.spec.template.spec' : undefined;
  return checks.map((c) => {
    const errs = c.result.errList;
    if (errs === null) return c;
    return {
      ...c,
      result: {
        ...c.result,
        errList: errs.map((e) => {
          let field = specTo !== undefined ? e.field.replaceAll('spec', specTo) : e.field;
          field = field.replaceAll('metadata', 'spec.template.metadata');
          return { ...e, field };
        }),
      },
    };
  });
}

/** Kyverno's `regexContainerNames` (RE2 `\s` is ASCII whitespace). */
const CONTAINER_NAMES = /container(?:s)?[\t\n\f\r ]*(.*?)[\t\n\f\r ]*must/;

/**
 * Kyverno's `addImages`: the container names quoted in the first `container(s) ... must` phrase of the
 * detail, mapped to their image references (or kept as names when unknown).
 */
export function addImages(checks: PssCheck[], images: ContainerImages | undefined): void {
  for (const c of checks) {
    const m = CONTAINER_NAMES.exec(c.result.forbiddenDetail);
    if (m === null) continue;
    const names = (m[1] ?? '').replaceAll('"', '').replaceAll(' ', '').split(',');
    c.images = names.map((n) => imageReference(n, images));
  }
}

function imageReference(name: string, images: ContainerImages | undefined): string {
  if (images !== undefined) {
    for (const list of ['containers', 'initContainers', 'ephemeralContainers'] as const) {
      const byName = images[list];
      if (byName !== undefined && Object.prototype.hasOwnProperty.call(byName, name)) return byName[name]!;
    }
  }
  return name;
}

function toReport(c: PssCheck): PodSecurityCheckReport {
  const r: PodSecurityCheckReport = {
    id: c.id,
    allowed: c.result.allowed,
    forbiddenReason: c.result.forbiddenReason,
    forbiddenDetail: c.result.forbiddenDetail,
  };
  if (c.result.errList !== null) {
    r.errors = c.result.errList.map((e) => ({
      path: e.field,
      value: Array.isArray(e.badValue) ? [...(e.badValue as readonly string[])] : (e.badValue as string | number | boolean | null),
    }));
  }
  if (c.images !== undefined) r.images = c.images;
  return r;
}
