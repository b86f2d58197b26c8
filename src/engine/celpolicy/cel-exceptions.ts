/**
 * CEL PolicyExceptions (policies.kyverno.io PolicyException): `policyRefs` name the policies (by name
 * and kind) they apply to; `matchConditions` select the requests; `images` / `allowedValues` grant a
 * partial exemption the policy reads through `exceptions`; without them the exemption is full and the
 * policy is skipped (or passed, per `reportResult`). Among several matched exceptions the one with the
 * highest `kyverno.io/exception-priority` label decides the result.
 */
import { isObject, type JsonObject } from '../api/json.ts';
import type { RuleResponse } from '../api/response.ts';
import { asArray, asObject, asString } from './types.ts';

/** The report label carrying an exception's priority. */
export const EXCEPTION_PRIORITY_LABEL = 'kyverno.io/exception-priority';

/** Exceptions whose `policyRefs` name the policy (`name` and `kind` both equal). */
export function exceptionsFor(exceptions: readonly JsonObject[], policyName: string, policyKind: string): JsonObject[] {
  const out: JsonObject[] = [];
  for (const polex of exceptions) {
    for (const ref of asArray<JsonObject>(asObject(polex['spec'])?.['policyRefs'])) {
      if (isObject(ref) && ref['name'] === policyName && ref['kind'] === policyKind) out.push(polex);
    }
  }
  return out;
}

/** `cache.MetaNamespaceKeyFunc`: `namespace/name`, or `name` for cluster-scoped objects. */
export function exceptionKeyOf(polex: JsonObject): string {
  const meta = asObject(polex['metadata']) ?? {};
  const ns = asString(meta['namespace']);
  const name = asString(meta['name']);
  return ns ? `${ns}/${name}` : name;
}

/** True when the exception exempts fully (no `images`, no `allowedValues`). */
export function isFullExemption(polex: JsonObject): boolean {
  const spec = asObject(polex['spec']) ?? {};
  return asArray(spec['images']).length === 0 && asArray(spec['allowedValues']).length === 0;
}

/** `spec.images` and `spec.allowedValues` of an exception. */
export function partialExemption(polex: JsonObject): { images: string[]; values: string[] } {
  const spec = asObject(polex['spec']) ?? {};
  return { images: asArray<string>(spec['images']).map(String), values: asArray<string>(spec['allowedValues']).map(String) };
}

/**
 * The rule response of a policy exempted by `matched` exceptions (vpol/ivpol engines):
 * `rule is skipped due to policy exception: a, ns/b` (or `passed` when the highest-priority exception
 * asks `reportResult: pass`), carrying the exception keys.
 */
export function exceptionResponse(ruleName: string, ruleType: RuleResponse['ruleType'], matched: readonly JsonObject[]): RuleResponse {
  const keys = matched.map(exceptionKeyOf);
  let highest = 0;
  let selected = 0;
  matched.forEach((ex, i) => {
    const labels = asObject(asObject(ex['metadata'])?.['labels']);
    const raw = labels?.[EXCEPTION_PRIORITY_LABEL];
    if (typeof raw === 'string' && /^[+-]?\d+$/.test(raw)) {
      const p = Number.parseInt(raw, 10);
      if (p > highest) {
        highest = p;
        selected = i;
      }
    }
  });
  const reportResult = asString(asObject(matched[selected]?.['spec'])?.['reportResult']);
  const joined = keys.join(', ');
  const status = reportResult === 'pass' ? 'pass' : 'skip';
  return {
    name: ruleName,
    ruleType,
    status,
    message: `rule is ${status === 'pass' ? 'passed' : 'skipped'} due to policy exception: ${joined}`,
    exceptions: keys,
  };
}
