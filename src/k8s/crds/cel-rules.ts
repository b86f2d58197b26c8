/**
 * `x-kubernetes-validations` rules (apiextensions-apiserver schema/cel): each rule is a CEL expression
 * over `self`, the value of the node that declares it, evaluated wherever that node has a value. A
 * false result reports `<path>: Invalid value: <message>` (`failed rule: <rule>` without a message).
 * Rules compile once per schema node, on first use.
 */
import { isObject, type JsonValue } from '../../engine/api/json.ts';
import { createCelEnvironment, type CelEnvironment, type CompiledCel } from '../../engine/cel/environment.ts';
import { isCelCompileError } from '../../engine/cel/errors.ts';
import { jsonToCel } from '../../engine/cel/values.ts';
import type { CompiledSchema } from './compile.ts';
import { invalid, type DocPath, type SchemaError } from './field-error.ts';
import type { ValidationRule } from './types.ts';

let env: CelEnvironment | undefined;
const compiled = new WeakMap<ValidationRule, { program?: CompiledCel; messageProgram?: CompiledCel; error?: string }>();

function programFor(rule: ValidationRule): { program?: CompiledCel; messageProgram?: CompiledCel; error?: string } {
  let hit = compiled.get(rule);
  if (hit) return hit;
  env ??= createCelEnvironment({ variables: { self: 'dyn' } });
  const p = env.compile(rule.rule, { outputType: 'bool' });
  hit = isCelCompileError(p) ? { error: p.toString() } : { program: p };
  if (rule.messageExpression) {
    const m = env.compile(rule.messageExpression, { outputType: 'string' });
    if (!isCelCompileError(m)) hit.messageProgram = m;
  }
  compiled.set(rule, hit);
  return hit;
}

function ruleMessage(rule: ValidationRule): string {
  return rule.message ? rule.message : `failed rule: ${rule.rule.trim()}`;
}

function evaluateRules(v: JsonValue, s: CompiledSchema, p: DocPath, out: SchemaError[]): void {
  const self = jsonToCel(v);
  for (const rule of s.rules) {
    const b = { path: [...p], code: 'RULE' as const };
    const { program, messageProgram, error } = programFor(rule);
    if (program === undefined) {
      out.push(invalid(b, undefined, `compilation failed: ${error}`));
      continue;
    }
    let ok: unknown;
    try {
      ok = program.evaluate({ self });
    } catch (e) {
      out.push(invalid(b, undefined, `${(e as Error).message}`));
      continue;
    }
    if (ok === true) continue;
    let message = ruleMessage(rule);
    if (messageProgram !== undefined) {
      try {
        const m = messageProgram.evaluate({ self });
        if (typeof m === 'string' && m.trim() !== '' && !m.includes('\n')) message = m;
      } catch {
        // keep the static message
      }
    }
    out.push(invalid(b, undefined, message));
  }
}

function walk(v: JsonValue, s: CompiledSchema, p: DocPath, out: SchemaError[]): void {
  if (v === null || !s.subtreeRules) return;
  if (s.rules.length > 0) evaluateRules(v, s, p, out);
  if (Array.isArray(v)) {
    if (s.items === undefined) return;
    for (let i = 0; i < v.length; i++) {
      p.push(i);
      walk(v[i]!, s.items, p, out);
      p.pop();
    }
    return;
  }
  if (!isObject(v)) return;
  for (const k of Object.keys(v)) {
    const sub = s.properties?.get(k) ?? s.additional;
    if (sub === undefined) continue;
    p.push(k);
    walk(v[k]!, sub, p, out);
    p.pop();
  }
}

/** Evaluates every `x-kubernetes-validations` rule that applies to `obj`; errors are appended to `out`. */
export function validateRules(obj: JsonValue, root: CompiledSchema, out: SchemaError[]): void {
  walk(obj, root, [], out);
}
