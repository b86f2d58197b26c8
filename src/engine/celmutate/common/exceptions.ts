/**
 * policies.kyverno.io PolicyExceptions for the CEL policy kinds (Kyverno pkg/cel/policies/*: provider
 * selection by `policyRefs`, the compiled `matchConditions`, and the engines' exception responses):
 * - an exception applies to a policy when one of its `policyRefs` names the policy (name and kind);
 * - an exception whose match conditions all hold matches; one without `images` / `allowedValues` is a
 *   full exemption (the policy is not evaluated), the others only contribute allowed images and values
 *   (`exceptions.allowedImages`, `exceptions.allowedValues` in expressions);
 * - an error in an exception's conditions is the evaluation's error, unless a full exemption was already
 *   found;
 * - the response of an exempted policy is a rule named `exception`: `pass` when the highest-priority
 *   exception (label `polex.kyverno.io/priority`, the first one on ties) asks for `reportResult: pass`,
 *   else `skip`, with the message `rule is <passed|skipped> due to policy exception: <keys>`.
 */
import type { CelActivation, CelEnvironment } from '../../cel/environment.ts';
import { ruleResponse, type RuleResponse, type RuleType } from '../../api/response.ts';
import { compileNamed, evaluateConditions, type FieldErrors, type NamedProgram } from './program.ts';
import type { CelPolicyException } from './types.ts';

export interface CompiledException {
  readonly exception: CelPolicyException;
  readonly conditions: readonly NamedProgram[];
}

/** The exceptions whose `policyRefs` name this policy. */
export function exceptionsFor(policyName: string, policyKind: string, exceptions: readonly CelPolicyException[]): CelPolicyException[] {
  return exceptions.filter((e) => (e.spec?.policyRefs ?? []).some((r) => r.name === policyName && r.kind === policyKind));
}

/** Compiles the match conditions of each exception (errors reported at `spec.matchConditions[i]...`). */
export function compileExceptions(env: CelEnvironment, exceptions: readonly CelPolicyException[], errs: FieldErrors): CompiledException[] {
  return exceptions.map((exception) => ({
    exception,
    conditions: compileNamed(env, exception.spec?.matchConditions, 'spec.matchConditions', 'bool', errs),
  }));
}

export type ExceptionOutcome =
  | { kind: 'exempted'; exceptions: CelPolicyException[] }
  | { kind: 'allowed'; allowedImages: string[]; allowedValues: string[] }
  | { kind: 'error'; error: string };

/** Evaluates the exceptions of a policy against one activation. */
export function evaluateExceptions(compiled: readonly CompiledException[], activation: CelActivation, stopOnError = true): ExceptionOutcome {
  const matched: CelPolicyException[] = [];
  const allowedImages: string[] = [];
  const allowedValues: string[] = [];
  let full = false;
  for (const c of compiled) {
    const r = evaluateConditions(c.conditions, activation);
    if (r.error !== undefined) {
      if (full || !stopOnError) continue;
      return { kind: 'error', error: r.error };
    }
    if (!r.matched) continue;
    matched.push(c.exception);
    const images = c.exception.spec?.images ?? [];
    const values = c.exception.spec?.allowedValues ?? [];
    if (images.length === 0 && values.length === 0) full = true;
    else if (!full) {
      allowedImages.push(...images);
      allowedValues.push(...values);
    }
  }
  if (full) return { kind: 'exempted', exceptions: matched };
  return { kind: 'allowed', allowedImages, allowedValues };
}

/** `cache.MetaNamespaceKeyFunc`: `namespace/name`, or `name` for cluster-scoped objects. */
export function exceptionKey(e: CelPolicyException): string {
  const ns = e.metadata?.namespace ?? '';
  const name = e.metadata?.name ?? '';
  return ns ? `${ns}/${name}` : name;
}

/** The `exception` rule response of an exempted policy. */
export function exceptionResponse(exceptions: readonly CelPolicyException[], ruleType: RuleType): RuleResponse {
  const keys = exceptions.map(exceptionKey);
  let highest = 0;
  let selected = 0;
  exceptions.forEach((e, i) => {
    const v = e.metadata?.labels?.['polex.kyverno.io/priority'];
    if (v !== undefined && /^[+-]?\d+$/.test(v)) {
      const p = Number(v);
      if (p > highest) {
        highest = p;
        selected = i;
      }
    }
  });
  const pass = exceptions[selected]?.spec?.reportResult === 'pass';
  const msg = `rule is ${pass ? 'passed' : 'skipped'} due to policy exception: ${keys.join(', ')}`;
  const r = ruleResponse('exception', ruleType, pass ? 'pass' : 'skip', msg);
  r.exceptions = keys;
  return r;
}
