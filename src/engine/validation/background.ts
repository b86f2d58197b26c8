/**
 * Background restrictions (pkg/validation/policy/background.go `containsUserVariables`): policies
 * applied in background scans (and mutate-existing rules applied on policy updates) have no admission
 * request, so they may not use user information: neither roles/clusterRoles/subjects in match/exclude
 * (of any rule, autogen rules included) nor the `request.userInfo`, `request.roles`,
 * `request.clusterRoles`, `serviceAccountName`, `serviceAccountNamespace` variables (the variable check is
 * skipped when the policy has a mutate-existing rule).
 */
import { hasMutateExisting, list, obj, objects, strings, type Obj } from './rule-model.ts';

const FORBIDDEN_USER_VARIABLES = [
  /[^.](serviceAccountName)\b/,
  /[^.](serviceAccountNamespace)\b/,
  /[^.](request.userInfo)\b/,
  /[^.](request.roles)\b/,
  /[^.](request.clusterRoles)\b/,
];

function userInfoDefined(ui: Obj): string {
  if (strings(ui['roles']).length > 0) return 'roles';
  if (strings(ui['clusterRoles']).length > 0) return 'clusterRoles';
  if ((list(ui['subjects']) ?? []).length > 0) return 'subjects';
  return '';
}

/** `hasUserMatchExclude`: user info in match/exclude of rule `idx`. */
function userMatchExcludeError(idx: number, rule: Obj): string | undefined {
  const match = obj(rule['match']) ?? {};
  let p = userInfoDefined(match);
  if (p !== '') return `invalid variable used at path: spec/rules[${idx}]/match/${p}`;
  for (const [i, f] of objects(match['any']).entries()) {
    p = userInfoDefined(f);
    if (p !== '') return `invalid variable used at path: spec/rules[${idx}]/match/any[${i}]/${p}`;
  }
  for (const [i, f] of objects(match['all']).entries()) {
    p = userInfoDefined(f);
    if (p !== '') return `invalid variable used at path: spec/rules[${idx}]/match/all[${i}]/${p}`;
  }
  const exclude = obj(rule['exclude']);
  if (exclude) {
    p = userInfoDefined(exclude);
    if (p !== '') return `invalid variable used at path: spec/rules[${idx}]/exclude/${p}`;
    for (const [i, f] of objects(exclude['all']).entries()) {
      p = userInfoDefined(f);
      if (p !== '') return `invalid variable used at path: spec/rules[${idx}]/exclude/all[${i}]/${p}`;
    }
    for (const [i, f] of objects(exclude['any']).entries()) {
      p = userInfoDefined(f);
      if (p !== '') return `invalid variable used at path: spec/rules[${idx}]/exclude/any[${i}]/${p}`;
    }
  }
  return undefined;
}

/** `containsUserVariables`: user information is not available in background processing. */
export function userVariablesError(policy: Obj, computedRules: readonly Obj[], vars: readonly string[]): string | undefined {
  for (let idx = 0; idx < computedRules.length; idx++) {
    const err = userMatchExcludeError(idx, computedRules[idx] as Obj);
    if (err !== undefined) return err;
  }
  for (const rule of objects(obj(policy['spec'])?.['rules'])) if (hasMutateExisting(rule)) return undefined;
  for (const v of vars) {
    for (const banned of FORBIDDEN_USER_VARIABLES) if (banned.test(v)) return `variable ${v} is not allowed`;
  }
  return undefined;
}

