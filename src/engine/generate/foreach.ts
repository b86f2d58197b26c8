/**
 * `generate.foreach` (kyverno/pkg/background/generate/generator.go generateForeach/generateElements): each
 * list is evaluated, and every non-null element is added to the context (`element`, `elementIndex`) and
 * run through its own context, preconditions and pattern. Failures are collected and reported together
 * (joined with `"; "`), after all lists ran. The rule's own preconditions are not evaluated here.
 */
import type { JsonValue, Resource } from '../api/json.ts';
import type { ForEachGeneration } from '../api/policy.ts';
import { addElementToContext } from '../handlers/validate-resource.ts';
import { GenerateError, errorText, rethrowPendingCause } from './errors.ts';
import { generate, type GeneratorInput } from './generator.ts';
import type { ResourceSpec } from './unstructured.ts';

export type ForeachInput = Omit<GeneratorInput, 'contextEntries' | 'conditions' | 'pattern'> & {
  foreach: readonly ForEachGeneration[];
};

function elements(g: ForeachInput, fe: ForEachGeneration, out: ResourceSpec[], items: JsonValue[]): string[] {
  const errors: string[] = [];
  const ctx = g.pc.jsonContext;
  const savedElement: Resource | null = g.pc.element;
  ctx.checkpoint();
  try {
    for (let index = 0; index < items.length; index++) {
      const element = items[index] as JsonValue;
      if (element === null) continue;
      ctx.resetToCheckpoint();
      try {
        addElementToContext(g.pc, element, index, 0, undefined);
      } catch (err) {
        errors.push(`failed to add ${index} element to context: ${errorText(err)}`);
        continue;
      }
      try {
        out.push(
          ...generate({
            ...g,
            contextEntries: fe.context,
            conditions: fe.preconditions,
            pattern: fe,
          }),
        );
      } catch (err) {
        rethrowPendingCause(g.rt, err);
        errors.push(`failed to process ${index} element: ${errorText(err)}`);
      }
    }
  } finally {
    ctx.restore();
    g.pc.element = savedElement;
  }
  return errors;
}

/**
 * Runs every foreach entry; throws one GenerateError (code FOREACH) listing all failures.
 * Example: list `request.object.spec.containers` with two containers -> two downstream specs.
 */
export function generateForeach(g: ForeachInput): ResourceSpec[] {
  const errors: string[] = [];
  const out: ResourceSpec[] = [];
  g.foreach.forEach((fe, i) => {
    let items: JsonValue[];
    try {
      items = g.rt.evaluateList(g.pc, fe.list ?? '');
    } catch (err) {
      rethrowPendingCause(g.rt, err);
      errors.push(`failed to evaluate ${i} foreach list: ${errorText(err)}`);
      return;
    }
    const errs = elements(g, fe, out, items);
    if (errs.length > 0) errors.push(`failed to process ${i} foreach in rule ${g.rule.name}: ${errs.join('; ')}`);
  });
  if (errors.length > 0) throw new GenerateError('FOREACH', errors.join('; '));
  return out;
}
