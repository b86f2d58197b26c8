/**
 * `ValidateElementInForEach` (pkg/engine/variables/vars.go): `element*` / `elementIndex` variables are
 * only meaningful inside a `foreach` declaration; anywhere else the policy is invalid. Walks the rule as
 * Kyverno serializes it; paths look like `/validate/pattern/spec/containers/0/name`.
 */
import { isObject, type JsonValue } from '../api/json.ts';
import { findAll, REGEX_VARIABLE_INIT, REGEX_VARIABLES, replaceBracesAndTrimSpaces } from '../variables/regex.ts';
import { goStructValue, RULE } from './go-types.ts';
import type { Obj } from './rule-model.ts';

function leafError(value: string, path: string): string | undefined {
  for (let v of findAll(REGEX_VARIABLES, value)) {
    if (!REGEX_VARIABLE_INIT.test(v)) v = v.slice(1);
    const [variable] = replaceBracesAndTrimSpaces(v);
    const isElementVar = variable.startsWith('element') || variable === 'elementIndex';
    if (isElementVar && !path.includes('/foreach/')) return `variable '${variable}' present outside of foreach at path ${path}`;
  }
  return undefined;
}

function walk(node: JsonValue, path: string): string | undefined {
  if (typeof node === 'string') return leafError(node, path);
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      const e = walk(node[i] as JsonValue, `${path}/${i}`);
      if (e !== undefined) return e;
    }
    return undefined;
  }
  if (isObject(node)) {
    for (const key of Object.keys(node)) {
      const k = leafError(key, path);
      if (k !== undefined) return k;
      const e = walk(node[key] as JsonValue, `${path}/${key.split('/').join('\\/')}`);
      if (e !== undefined) return e;
    }
  }
  return undefined;
}

/** The error text for an element variable used outside of foreach, or undefined. */
export function elementOutsideForEachError(rule: Obj): string | undefined {
  return walk(goStructValue(RULE, rule), '');
}
