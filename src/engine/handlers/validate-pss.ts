/**
 * The validate.podSecurity handler (kyverno/pkg/engine/handlers/validation/validate_pss.go): matched
 * exceptions, the Pod Security Standards evaluation (src/engine/pss) and, for Enforce rules on UPDATE,
 * allowExistingViolations (the old object evaluated as a CREATE; same status -> pass kept / fail skipped).
 */
import { isObject } from '../api/json.ts';
import type { PolicyException, Rule } from '../api/policy.ts';
import { ruleResponse, ruleSkip, type RuleResponse } from '../api/response.ts';
import { exceptionKey, matchingExceptions } from '../exceptions.ts';
import { isEnforce } from '../failure-action.ts';
import type { PolicyContext } from '../policy-context.ts';
import { isUpdateRequest, setOperation, setResources } from '../policy-context.ts';
import { validatePodSecurity, type ContainerImages } from '../pss/rule.ts';
import type { RuleRuntime } from './runtime.ts';

function imagesOf(pc: PolicyContext): ContainerImages | undefined {
  let images;
  try {
    images = pc.jsonContext.query('images');
  } catch {
    return undefined;
  }
  if (!isObject(images)) return undefined;
  const out: Record<string, Record<string, string>> = {};
  for (const group of ['containers', 'initContainers', 'ephemeralContainers']) {
    const g = images[group];
    if (!isObject(g)) continue;
    const m: Record<string, string> = {};
    for (const [name, info] of Object.entries(g)) {
      if (!isObject(info)) continue;
      // ImageInfo.String(): [registry/]path then @digest, else :tag
      const base = info['registry'] ? `${String(info['registry'])}/${String(info['path'] ?? '')}` : String(info['path'] ?? '');
      m[name] = info['digest'] ? `${base}@${String(info['digest'])}` : `${base}:${String(info['tag'] ?? '')}`;
    }
    out[group] = m;
  }
  return out as ContainerImages;
}

function evaluate(pc: PolicyContext, rule: Rule, exceptions: PolicyException[]): RuleResponse | undefined {
  const matched = matchingExceptions(exceptions, pc).map((e) => ({ key: exceptionKey(e), podSecurity: e.spec?.podSecurity }));
  const resource = pc.newResource ?? pc.oldResource ?? {};
  // image references are only reported for failures: extracted then (Kyverno reads ImageInfo lazily too)
  const r = validatePodSecurity(rule.name, rule.validate!.podSecurity!, resource, pc.operation, matched, { images: () => imagesOf(pc) });
  if (!r) return undefined;
  const resp = ruleResponse(rule.name, 'Validation', r.status, r.message);
  if (r.podSecurityChecks) {
    resp.podSecurityChecks = {
      level: r.podSecurityChecks.level,
      version: r.podSecurityChecks.version,
      checks: r.podSecurityChecks.checks,
    };
  }
  if (r.exceptions && r.exceptions.length > 0) resp.exceptions = r.exceptions;
  return resp;
}

export function validatePodSecurityRule(
  rt: RuleRuntime,
  pc: PolicyContext,
  rule: Rule,
  exceptions: PolicyException[],
): RuleResponse | undefined {
  const resp = evaluate(pc, rule, exceptions);
  if (!resp || resp.status !== 'fail') return resp;
  const action = rule.validate?.failureAction ?? pc.policy.spec.validationFailureAction;
  if (!isEnforce(action)) return resp;
  const allowExisting = rule.validate?.allowExistingViolations ?? true;
  if (!isUpdateRequest(pc) || !allowExisting || pc.operation !== 'UPDATE') return resp;
  const newResource = pc.newResource;
  const oldResource = pc.oldResource;
  let prior: RuleResponse | undefined;
  try {
    setResources(pc, null, oldResource);
    setOperation(pc, 'CREATE');
    prior = evaluate(pc, rule, exceptions);
  } catch (err) {
    rt.rethrowPending(err);
    return ruleSkip(rule.name, 'Validation', 'failed to validate old object');
  } finally {
    setResources(pc, oldResource, newResource);
    setOperation(pc, 'UPDATE');
  }
  if (prior && prior.status === resp.status) {
    return ruleSkip(rule.name, 'Validation', 'skipping the rule evaluation as pre-existing violations are allowed');
  }
  return resp;
}
