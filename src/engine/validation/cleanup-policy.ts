/**
 * Validation of a CleanupPolicy / ClusterCleanupPolicy (kyverno.io/v2) as Kyverno's cleanup controller
 * runs it at admission (pkg/validation/cleanuppolicy `Validate`): first the API-level checks of
 * api/kyverno/v2 (`CleanupPolicy.Validate`: name length, context sources, cron schedule, no user info in
 * match/exclude, the match/exclude filters, a match/exclude pair selecting nothing), aggregated into one
 * message; then the variables of `conditions` against a mock context.
 *
 * Not performed: the RBAC check that Kyverno's cleanup-controller service account may list and delete the
 * matched kinds (SubjectAccessReviews for an identity this library does not know).
 *
 * Example: `validateCleanupPolicy({kind: 'CleanupPolicy', metadata: {name: 'p'}, spec: {schedule: 'x',
 * match: {...}}})` is `spec.schedule: Invalid value: "x": schedule spec in the cleanupPolicy is not in
 * proper cron format`.
 */
import type { JsonValue } from '../api/json.ts';
import { parse as parseJmesPath } from '../jmespath/parser.ts';
import { parseDuration } from '../utils/duration.ts';
import { parseCron } from './cron.ts';
import { fieldInvalid, formatPolicyError, type PolicyValidationError } from './errors.ts';
import { ANY_ALL_CONDITIONS, CLEANUP_POLICY_SPEC, CONTEXT, goDeepEqual, goStructJson, goStructValue, MATCH_RESOURCES_V2, RESOURCE_FILTER } from './go-types.ts';
import { validateMatchResourcesV2, validateMatchResourcesV2NoUserInfo, type ClusterResources } from './match-resources.ts';
import { checkVariables, MockContext, type JmesPathCompiler } from './mock-context.ts';
import { validatePolicyName } from './policy-spec.ts';
import { obj, objects, present, str, type Obj } from './rule-model.ts';

/** The variables a cleanup policy's conditions may use (pkg/validation/cleanuppolicy `allowedVariables`). */
export const CLEANUP_ALLOWED_VARIABLES = String.raw`([a-z_0-9]+)|(target\.|images\.|([a-z_0-9]+\()[^{}])`;

/** `ValidateContext`: data sources a cleanup run cannot resolve. */
function validateContext(context: JsonValue | undefined, path: string): PolicyValidationError[] {
  const errs: PolicyValidationError[] = [];
  for (const entry of objects(context)) {
    const detail = present(entry['imageRegistry'])
      ? 'ImageRegistry is not allowed in CleanUp Policy'
      : present(entry['configMap'])
        ? 'ConfigMap is not allowed in CleanUp Policy'
        : '';
    if (detail !== '') errs.push(fieldInvalid(path, { json: goStructJson(CONTEXT, context) }, detail));
  }
  return errs;
}

/**
 * robfig/cron v1 `ParseStandard`: five fields or a descriptor, `@every <Go duration>` included (the
 * cleanup controller then schedules with another parser, which does not know `@every`).
 */
function isStandardCron(schedule: string): boolean {
  if (schedule.startsWith('@every ')) return parseDuration(schedule.slice('@every '.length)) !== undefined;
  try {
    parseCron(schedule);
    return true;
  } catch {
    return false;
  }
}

/** `ValidateSchedule` */
function validateSchedule(schedule: string, path: string): PolicyValidationError[] {
  return isStandardCron(schedule) ? [] : [fieldInvalid(path, schedule, 'schedule spec in the cleanupPolicy is not in proper cron format')];
}

function validateFilters(m: Obj | undefined, path: string, namespaced: boolean, clusterResources: ClusterResources): PolicyValidationError[] {
  if (!m) return [];
  const userInfo = validateMatchResourcesV2NoUserInfo(m, path);
  return userInfo.length > 0 ? userInfo : validateMatchResourcesV2(m, path, namespaced, clusterResources);
}

/** `ValidateMatchExcludeConflict`: an exclude equal to the match selects nothing. */
function validateMatchExcludeConflict(spec: Obj, path: string): PolicyValidationError[] {
  const match = obj(spec['match']) ?? {};
  const exclude = obj(spec['exclude']);
  if (!exclude || objects(exclude['all']).length > 0 || objects(match['all']).length > 0) return [];
  const conflict = (): PolicyValidationError[] => [fieldInvalid(path, { json: goStructJson(CLEANUP_POLICY_SPEC, spec) }, 'CleanupPolicy is matching an empty set')];
  const matchAny = objects(match['any']);
  const excludeAny = objects(exclude['any']);
  if (matchAny.length > 0 && excludeAny.length > 0) {
    for (const m of matchAny) for (const e of excludeAny) if (goDeepEqual(RESOURCE_FILTER, m, e)) return conflict();
    return [];
  }
  if (goDeepEqual(MATCH_RESOURCES_V2, exclude, {})) return [];
  return conflict();
}

/** `CleanupPolicy.Validate` / `ClusterCleanupPolicy.Validate` (every API-level error). */
export function validateCleanupPolicyFields(policy: Obj, clusterResources: ClusterResources): PolicyValidationError[] {
  const namespaced = str(policy['kind']) === 'CleanupPolicy';
  const spec = obj(policy['spec']) ?? {};
  const errs: PolicyValidationError[] = [];
  errs.push(...validatePolicyName(str(obj(policy['metadata'])?.['name']), 'metadata.name'));
  errs.push(...validateContext(spec['context'], 'spec.context'));
  errs.push(...validateSchedule(str(spec['schedule']), 'spec.schedule'));
  errs.push(...validateFilters(obj(spec['match']) ?? {}, 'spec.match', namespaced, clusterResources));
  errs.push(...validateFilters(obj(spec['exclude']), 'spec.exclude', namespaced, clusterResources));
  errs.push(...validateMatchExcludeConflict(spec, 'spec'));
  return errs;
}

export interface CleanupPolicyValidationOptions {
  /** cluster-scoped kinds (`Kind`, `group/version/Kind`) from discovery; empty offline */
  clusterResources?: ClusterResources;
  /** JMESPath syntax check; default the engine's parser */
  compileJmesPath?: JmesPathCompiler;
}

/**
 * `cleanuppolicy.Validate` without the RBAC check: `''` when the policy is valid, else the message the
 * cleanup controller's webhook rejects it with.
 */
export function validateCleanupPolicy(policy: Obj, opts: CleanupPolicyValidationOptions = {}): string {
  const fieldErrors = validateCleanupPolicyFields(policy, opts.clusterResources ?? new Set());
  if (fieldErrors.length > 0) return formatPolicyError(fieldErrors);
  const compile = opts.compileJmesPath ?? ((expr: string) => void parseJmesPath(expr));
  const conditions = obj(policy['spec'])?.['conditions'];
  try {
    checkVariables(new MockContext(CLEANUP_ALLOWED_VARIABLES, compile), goStructValue(ANY_ALL_CONDITIONS, conditions));
  } catch (err) {
    const name = str(obj(policy['metadata'])?.['name']);
    return `variable substitution failed for policy ${name}: ${err instanceof Error ? err.message : String(err)}`;
  }
  return '';
}
