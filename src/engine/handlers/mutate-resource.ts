/**
 * The mutate handler: patchStrategicMerge, patchesJson6902 and foreach
 * (kyverno/pkg/engine/handlers/mutation/{mutate_resource,common}.go, pkg/engine/mutate/mutation.go).
 * A change -> pass `mutated <Kind>/<name>[ in namespace <ns>]`; no change -> skip `no patches applied`;
 * a patch or substitution failure -> error. Mutations never fail.
 */
import { deepEqual, isObject, type JsonObject, type JsonValue, type Resource } from '../api/json.ts';
import type { ForEachMutation, PolicyException, Rule } from '../api/policy.ts';
import { ruleResponse, ruleSkip, type RuleResponse, type RuleStatus } from '../api/response.ts';
import { evaluateConditions } from '../conditions/evaluate.ts';
import { exceptionKey, matchingExceptions } from '../exceptions.ts';
import { applyPatcher } from '../mutate/patcher.ts';
import type { PolicyContext } from '../policy-context.ts';
import { substituteAll } from '../variables/substitute.ts';
import { addElementToContext } from './validate-resource.ts';
import type { RuleRuntime } from './runtime.ts';

export interface MutateResult {
  status: RuleStatus;
  patched: Resource;
  message: string;
}

function msgOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function errorResult(msg: string, err?: unknown): MutateResult {
  return { status: 'error', patched: {}, message: err === undefined ? msg : `${msg}: ${msgOf(err)}` };
}

/** mutate.Mutate: the whole rule substituted, then its patch applied. */
export function mutateRule(rt: RuleRuntime, pc: PolicyContext, rule: Rule, resource: Resource): MutateResult {
  let updated: Rule;
  try {
    updated = substituteAll(pc.jsonContext, rule as unknown as JsonValue) as unknown as Rule;
  } catch (err) {
    rt.rethrowPending(err);
    return errorResult('variable substitution failed', err);
  }
  const m = updated.mutate;
  if (!m) return errorResult('empty mutate rule');
  if (m.patchStrategicMerge === undefined && !m.patchesJson6902) return errorResult('empty mutate rule');
  let patched: JsonObject;
  try {
    const out = applyPatcher(resource, m.patchStrategicMerge, m.patchesJson6902);
    if (!out.changed) return { status: 'skip', patched: resource, message: 'no patches applied' };
    patched = out.resource;
  } catch (err) {
    return errorResult('failed to patch resource', err);
  }
  if (rule.mutate?.targets !== undefined) pc.jsonContext.setTargetResource(patched);
  return { status: 'pass', patched, message: 'resource patched' };
}

/** mutate.ForEach: only the element's patch is substituted. */
function mutateElement(pc: PolicyContext, foreach: ForEachMutation, resource: Resource): MutateResult {
  let fe: JsonObject;
  try {
    fe = substituteAll(pc.jsonContext, {
      patchStrategicMerge: (foreach.patchStrategicMerge ?? null) as JsonValue,
      patchesJson6902: foreach.patchesJson6902 ?? '',
    }) as JsonObject;
  } catch (err) {
    return errorResult('variable substitution failed', err);
  }
  const psm = fe['patchStrategicMerge'];
  const jp = typeof fe['patchesJson6902'] === 'string' ? fe['patchesJson6902'] : '';
  if ((psm === null || psm === undefined) && jp === '') return errorResult('empty mutate rule');
  let patched: JsonObject;
  try {
    const out = applyPatcher(resource, psm === null ? undefined : psm, jp);
    if (!out.changed) return { status: 'skip', patched: resource, message: 'no patches applied' };
    patched = out.resource;
  } catch (err) {
    return errorResult('failed to patch resource', err);
  }
  return { status: 'pass', patched, message: 'resource patched' };
}

class ForEachMutator {
  constructor(
    private readonly rt: RuleRuntime,
    private readonly rule: Rule,
    private readonly pc: PolicyContext,
    private readonly foreach: ForEachMutation[],
    private resource: Resource,
    private readonly nesting: number,
  ) {}

  run(): MutateResult {
    let applyCount = 0;
    for (const foreach of this.foreach) {
      let elements: JsonValue[];
      try {
        elements = this.rt.evaluateList(this.pc, foreach.list ?? '');
      } catch (err) {
        this.rt.rethrowPending(err);
        return errorResult(`failed to evaluate list ${foreach.list ?? ''}`, err);
      }
      const resp = this.mutateElements(foreach, elements);
      if (resp.status === 'error') return errorResult('failed to mutate elements', resp.message);
      if (resp.status !== 'skip') {
        applyCount++;
        if (resp.status === 'pass') this.resource = resp.patched;
        this.pc.jsonContext.addResource(resp.patched);
      }
    }
    const msg = `${applyCount} elements processed`;
    return { status: applyCount === 0 ? 'skip' : 'pass', patched: this.resource, message: msg };
  }

  private mutateElements(foreach: ForEachMutation, elementsIn: JsonValue[]): MutateResult {
    const ctx = this.pc.jsonContext;
    ctx.checkpoint();
    try {
      let patched = this.resource;
      let reverse = foreach.patchStrategicMerge !== undefined && foreach.patchStrategicMerge !== null;
      if (foreach.order) reverse = foreach.order === 'Descending';
      const elements = reverse ? [...elementsIn].reverse() : elementsIn;
      for (let i = 0; i < elements.length; i++) {
        const element = elements[i] as JsonValue;
        if (element === null) continue;
        const index = reverse ? elements.length - 1 - i : i;
        ctx.resetToCheckpoint();
        try {
          addElementToContext(this.pc, element, index, this.nesting, false);
        } catch (err) {
          return errorResult(`failed to add element to mutate.foreach[${index}].context`, err);
        }
        try {
          this.rt.loadContext(this.pc, this.rule, foreach.context);
        } catch (err) {
          this.rt.rethrowPending(err);
          return errorResult(`failed to load to mutate.foreach[${index}].context`, err);
        }
        let pre;
        try {
          pre = evaluateConditions(ctx, foreach.preconditions);
        } catch (err) {
          this.rt.rethrowPending(err);
          return errorResult(`failed to evaluate mutate.foreach[${index}].preconditions`, err);
        }
        if (!pre.result) continue;
        let resp: MutateResult;
        if (foreach.foreach && foreach.foreach.length > 0) {
          resp = new ForEachMutator(this.rt, this.rule, this.pc, foreach.foreach, patched, this.nesting + 1).run();
        } else {
          resp = mutateElement(this.pc, foreach, patched);
        }
        if (resp.status === 'fail' || resp.status === 'error') return resp;
        if (resp.status === 'pass') patched = resp.patched;
      }
      if (!deepEqual(this.resource, patched)) return { status: 'pass', patched, message: '' };
      return { status: 'skip', patched, message: 'no patches applied' };
    } finally {
      ctx.restore();
    }
  }
}

export function buildSuccessMessage(r: Resource | null | undefined): string {
  if (!r || Object.keys(r).length === 0) return 'mutated resource';
  const meta = isObject(r['metadata']) ? r['metadata'] : {};
  const kind = String(r['kind'] ?? '');
  const name = String(meta['name'] ?? '');
  const ns = typeof meta['namespace'] === 'string' ? meta['namespace'] : '';
  return ns === '' ? `mutated ${kind}/${name}` : `mutated ${kind}/${name} in namespace ${ns}`;
}

/** Handler for a matched mutate rule: returns the patched resource and the rule response (or none). */
export function mutateResource(
  rt: RuleRuntime,
  pc: PolicyContext,
  rule: Rule,
  resource: Resource,
  exceptions: PolicyException[],
): { patched: Resource; response?: RuleResponse } {
  const matched = matchingExceptions(exceptions, pc);
  if (matched.length > 0) {
    const keys = matched.map(exceptionKey);
    const r = ruleSkip(rule.name, 'Mutation', 'rule is skipped due to policy exceptions' + keys.join(', '));
    r.exceptions = keys;
    return { patched: resource, response: r };
  }
  const m = rule.mutate!;
  const resp = m.foreach !== undefined && m.foreach !== null
    ? new ForEachMutator(rt, rule, pc, m.foreach, resource, 0).run()
    : mutateRule(rt, pc, rule, resource);
  const message = resp.status === 'pass' ? buildSuccessMessage(resp.patched) : resp.message;
  const r = ruleResponse(rule.name, 'Mutation', resp.status, message);
  if (resp.status === 'pass' && (m.targets ?? []).length > 0) r.patchedTarget = resp.patched;
  const patched = resp.status === 'error' ? resource : resp.patched;
  return { patched: Object.keys(patched).length === 0 ? resource : patched, response: r };
}
