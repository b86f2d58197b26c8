/**
 * The classic validate handler: pattern, anyPattern, deny and foreach
 * (kyverno/pkg/engine/handlers/validation/validate_resource.go).
 */
import { isObject, type JsonValue, type Resource } from '../api/json.ts';
import type { ConditionsWrapper, Deny, ForEachValidation, PolicyException, Rule } from '../api/policy.ts';
import { ruleError, ruleFail, rulePass, ruleResponse, ruleSkip, type RuleResponse, type RuleStatus } from '../api/response.ts';
import { evaluateConditions } from '../conditions/evaluate.ts';
import { isNotFoundError } from '../errors.ts';
import { exceptionKey, matchingExceptions } from '../exceptions.ts';
import { isEnforce } from '../failure-action.ts';
import { isDeleteRequest, isUpdateRequest, setOperation, setResources, type PolicyContext } from '../policy-context.ts';
import { substituteAll } from '../variables/substitute.ts';
import type { RuleRuntime } from './runtime.ts';

interface ValidatorSpec {
  contextEntries: Rule['context'];
  conditions: ConditionsWrapper | undefined;
  pattern: JsonValue | undefined;
  anyPattern: JsonValue | undefined;
  deny: Deny | undefined;
  forEach: ForEachValidation[] | undefined;
  nesting: number;
}

function msgOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function joinNonEmpty(parts: string[], sep: string): string {
  return parts.filter((p) => p !== '').join(sep);
}

/** Runs the handler for a matched rule whose preconditions passed. */
export function validateResource(rt: RuleRuntime, pc: PolicyContext, rule: Rule, exceptions: PolicyException[]): RuleResponse | undefined {
  const matched = matchingExceptions(exceptions, pc);
  if (matched.length > 0) {
    const keys = matched.map(exceptionKey);
    const r = ruleSkip(rule.name, 'Validation', 'rule is skipped due to policy exceptions' + keys.join(', '));
    r.exceptions = keys;
    return r;
  }
  const v = rule.validate ?? {};
  return validate(rt, pc, rule, {
    contextEntries: undefined,
    conditions: rule.preconditions,
    pattern: v.pattern,
    anyPattern: v.anyPattern,
    deny: v.deny,
    forEach: v.foreach,
    nesting: 0,
  });
}

function validate(rt: RuleRuntime, pc: PolicyContext, rule: Rule, spec: ValidatorSpec): RuleResponse | undefined {
  const name = rule.name;
  try {
    rt.loadContext(pc, rule, spec.contextEntries);
  } catch (err) {
    rt.rethrowPending(err);
    return ruleError(name, 'Validation', 'failed to load context', err);
  }
  let pre;
  try {
    pre = evaluateConditions(pc.jsonContext, spec.conditions);
  } catch (err) {
    rt.rethrowPending(err);
    return ruleError(name, 'Validation', 'failed to evaluate preconditions', err);
  }
  if (!pre.result) return ruleSkip(name, 'Validation', joinNonEmpty(['preconditions not met', pre.message], '; '));

  let response: RuleResponse | undefined;
  if (spec.deny) {
    response = validateDeny(rt, pc, rule, spec.deny);
  } else if (spec.pattern !== undefined || spec.anyPattern !== undefined) {
    let pattern = spec.pattern;
    let anyPattern = spec.anyPattern;
    try {
      if (pattern !== undefined) pattern = rt.substitute(pc, pattern);
      else if (anyPattern !== undefined) anyPattern = rt.substitute(pc, anyPattern);
    } catch (err) {
      rt.rethrowPending(err);
      return ruleError(name, 'Validation', 'variable substitution failed', err);
    }
    response = validateResourceWithRule(rt, pc, rule, pattern, anyPattern);
  } else if (spec.forEach) {
    response = validateForEach(rt, pc, rule, spec);
  }

  const action = rule.validate?.failureAction ?? pc.policy.spec.validationFailureAction;
  if (isEnforce(action)) {
    const allowExisting = rule.validate?.allowExistingViolations ?? true;
    if (isUpdateRequest(pc) && allowExisting && spec.nesting === 0) {
      let prior: RuleResponse | undefined;
      try {
        prior = validateOldObject(rt, pc, rule, spec);
      } catch (err) {
        rt.rethrowPending(err);
        return ruleSkip(name, 'Validation', 'failed to validate old object');
      }
      if (prior && response && response.status === 'fail' && prior.status === 'fail') {
        return ruleSkip(name, 'Validation', 'skipping the rule evaluation as pre-existing violations are allowed');
      }
    }
  }
  return response;
}

function validateOldObject(rt: RuleRuntime, pc: PolicyContext, rule: Rule, spec: ValidatorSpec): RuleResponse | undefined {
  if (pc.operation !== 'UPDATE') throw new Error('invalid operation');
  const newResource = pc.newResource;
  const oldResource = pc.oldResource;
  setResources(pc, null, oldResource);
  setOperation(pc, 'CREATE');
  try {
    if (!oldResource || !rt.matchOldResource(pc, rule, oldResource)) {
      return ruleSkip(rule.name, 'Validation', 'resource not matched');
    }
    return validate(rt, pc, rule, spec);
  } finally {
    setResources(pc, oldResource, newResource);
    setOperation(pc, 'UPDATE');
  }
}

function validateDeny(rt: RuleRuntime, pc: PolicyContext, rule: Rule, deny: Deny): RuleResponse {
  let res;
  try {
    res = evaluateConditions(pc.jsonContext, deny.conditions);
  } catch (err) {
    rt.rethrowPending(err);
    return ruleError(rule.name, 'Validation', 'failed to check deny conditions', err);
  }
  if (!res.result) return rulePass(rule.name, 'Validation', `validation rule '${rule.name}' passed.`);
  const message = rule.validate?.message ?? '';
  if (message === '' && res.message === '') {
    return ruleFail(rule.name, 'Validation', `validation error: rule ${rule.name} failed`);
  }
  const s = joinNonEmpty([message, res.message], '; ');
  let text: string;
  try {
    const raw = substituteAll(pc.jsonContext, s);
    text = typeof raw === 'string' ? raw : "the produced message didn't resolve to a string, check your policy definition.";
  } catch (err) {
    rt.rethrowPending(err);
    text = res.message;
  }
  return ruleFail(rule.name, 'Validation', text);
}

function validateResourceWithRule(
  rt: RuleRuntime,
  pc: PolicyContext,
  rule: Rule,
  pattern: JsonValue | undefined,
  anyPattern: JsonValue | undefined,
): RuleResponse | undefined {
  if (pc.element) return validatePatterns(rt, pc, rule, pc.element, pattern, anyPattern);
  if (isDeleteRequest(pc)) return undefined;
  return validatePatterns(rt, pc, rule, pc.newResource ?? {}, pattern, anyPattern);
}

function validatePatterns(
  rt: RuleRuntime,
  pc: PolicyContext,
  rule: Rule,
  resource: Resource,
  pattern: JsonValue | undefined,
  anyPattern: JsonValue | undefined,
): RuleResponse {
  const name = rule.name;
  if (pattern !== undefined) {
    const r = rt.matchPattern(resource, pattern);
    if (r.ok) return rulePass(name, 'Validation', `validation rule '${name}' passed.`);
    if (r.skip) return ruleSkip(name, 'Validation', r.message);
    if (r.path === '') return ruleResponse(name, 'Validation', 'error', buildErrorMessage(rt, pc, rule, r.message, ''));
    return ruleFail(name, 'Validation', buildErrorMessage(rt, pc, rule, r.message, r.path));
  }
  if (anyPattern !== undefined) {
    if (!Array.isArray(anyPattern)) {
      return ruleError(
        name,
        'Validation',
        'failed to deserialize anyPattern, expected type array',
        `json: cannot unmarshal ${isObject(anyPattern) ? 'object' : typeof anyPattern} into Go value of type []interface {}`,
      );
    }
    const failed: string[] = [];
    const skipped: string[] = [];
    for (let idx = 0; idx < anyPattern.length; idx++) {
      const r = rt.matchPattern(resource, anyPattern[idx] as JsonValue);
      if (r.ok) return rulePass(name, 'Validation', `validation rule '${name}' anyPattern[${idx}] passed.`);
      if (r.skip) skipped.push(`rule ${name}[${idx}] skipped: ${r.message}`);
      else if (r.path === '') failed.push(`rule ${name}[${idx}] failed: ${r.message}`);
      else failed.push(`rule ${name}[${idx}] failed at path ${r.path}`);
    }
    if (skipped.length > 0 && failed.length === 0) return ruleSkip(name, 'Validation', skipped.join(' '));
    if (failed.length > 0) return ruleFail(name, 'Validation', buildAnyPatternErrorMessage(rt, pc, rule, failed));
  }
  return rulePass(name, 'Validation', rule.validate?.message ?? '');
}

function buildErrorMessage(rt: RuleRuntime, pc: PolicyContext, rule: Rule, err: string, path: string): string {
  const message = rule.validate?.message ?? '';
  if (message === '') {
    if (path !== '') return `validation error: rule ${rule.name} failed at path ${path}`;
    return `validation error: rule ${rule.name} execution error: ${err}`;
  }
  let msg: string;
  try {
    const raw = substituteAll(pc.jsonContext, message);
    msg = typeof raw === 'string' ? raw : String(raw);
  } catch (e) {
    rt.rethrowPending(e);
    return `validation error: variables substitution error in rule ${rule.name} execution error: ${err}`;
  }
  if (!msg.endsWith('.')) msg += '.';
  if (path !== '') return `validation error: ${msg} rule ${rule.name} failed at path ${path}`;
  return `validation error: ${msg} rule ${rule.name} execution error: ${err}`;
}

function buildAnyPatternErrorMessage(rt: RuleRuntime, pc: PolicyContext, rule: Rule, errors: string[]): string {
  const errStr = errors.join(' ');
  const message = rule.validate?.message ?? '';
  if (message === '') return `validation error: ${errStr}`;
  let msg: string;
  try {
    const raw = substituteAll(pc.jsonContext, message);
    msg = typeof raw === 'string' ? raw : String(raw);
  } catch (e) {
    rt.rethrowPending(e);
    return `validation error: variables substitution error in rule ${rule.name} execution error: ${errStr}`;
  }
  if (msg.endsWith('.')) return `validation error: ${msg} ${errStr}`;
  return `validation error: ${msg}. ${errStr}`;
}

function validateForEach(rt: RuleRuntime, pc: PolicyContext, rule: Rule, spec: ValidatorSpec): RuleResponse | undefined {
  let applyCount = 0;
  let listEvalError: unknown;
  for (const foreach of spec.forEach ?? []) {
    let elements: JsonValue[];
    try {
      elements = rt.evaluateList(pc, foreach.list ?? '');
    } catch (err) {
      rt.rethrowPending(err);
      if (isNotFoundError(err) || msgOf(err).includes('Unknown key')) continue;
      listEvalError = err;
      continue;
    }
    const [resp, count] = validateElements(rt, pc, rule, spec, foreach, elements);
    if (resp.status !== 'pass') return resp;
    applyCount += count;
  }
  if (applyCount === 0) {
    if (listEvalError !== undefined) return ruleError(rule.name, 'Validation', 'failed to evaluate list', listEvalError);
    return undefined;
  }
  return rulePass(rule.name, 'Validation', 'rule passed');
}

function validateElements(
  rt: RuleRuntime,
  pc: PolicyContext,
  rule: Rule,
  parent: ValidatorSpec,
  foreach: ForEachValidation,
  elements: JsonValue[],
): [RuleResponse, number] {
  const ctx = pc.jsonContext;
  ctx.checkpoint();
  const savedElement = pc.element;
  let applyCount = 0;
  try {
    for (let index = 0; index < elements.length; index++) {
      const element = elements[index] as JsonValue;
      if (element === null) continue;
      ctx.resetToCheckpoint();
      const child: PolicyContext = { ...pc, element: savedElement };
      try {
        addElementToContext(child, element, index, parent.nesting, foreach.elementScope);
      } catch (err) {
        return [ruleError(rule.name, 'Validation', 'failed to process foreach', err), applyCount];
      }
      const nested = foreach.foreach;
      const r = validate(rt, child, rule, {
        contextEntries: foreach.context,
        conditions: foreach.preconditions,
        pattern: foreach.pattern,
        anyPattern: foreach.anyPattern,
        deny: foreach.deny,
        forEach: nested ?? [],
        nesting: parent.nesting + 1,
      });
      if (!r) continue;
      if (r.status === 'skip') continue;
      if (r.status !== 'pass') {
        if (r.status === 'error' && r.message.includes('failed to evaluate preconditions')) continue;
        return [ruleResponse(rule.name, 'Validation', r.status as RuleStatus, `validation failure: ${r.message}`), applyCount];
      }
      applyCount++;
    }
    return [rulePass(rule.name, 'Validation', ''), applyCount];
  } finally {
    ctx.restore();
  }
}

/** AddElementToContext: element/elementIndex variables, and the element scope. */
export function addElementToContext(
  pc: PolicyContext,
  element: JsonValue,
  index: number,
  nesting: number,
  elementScope: boolean | undefined,
): void {
  pc.jsonContext.addElement(element, index, nesting);
  const isMap = isObject(element);
  let scoped = isMap;
  if (elementScope !== undefined && elementScope !== null) {
    if (elementScope && !isMap) {
      throw new Error(
        `cannot use elementScope=true foreach rules for elements that are not maps, expected type=map got type=${goTypeName(element)}`,
      );
    }
    scoped = elementScope;
  }
  if (scoped) pc.element = element as Resource;
}

function goTypeName(v: JsonValue): string {
  if (v === null) return '<nil>';
  if (Array.isArray(v)) return '[]interface {}';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  if (typeof v === 'boolean') return 'bool';
  return 'map[string]interface {}';
}
