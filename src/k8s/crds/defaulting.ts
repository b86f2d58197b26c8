/**
 * Structural defaulting (apiextensions-apiserver schema/defaulting/algorithm.go), in place: a property
 * with a `default` that is absent, or `null` while not nullable, gets a deep copy of the default;
 * then defaulting recurses into every present value (defaults inside a defaulted object apply too).
 * Only objects that exist are descended into: `spec.rules[*].skipBackgroundRequests` is defaulted
 * only for rules that are there.
 */
import { deepCopy, isObject, type JsonValue } from '../../engine/api/json.ts';
import type { CompiledSchema } from './compile.ts';

const isNonNullableNull = (x: JsonValue | undefined, s: CompiledSchema | undefined): boolean =>
  x === null && s !== undefined && !s.nullable;

/** Applies schema defaults to `x` (in place). */
export function applyDefaults(x: JsonValue, s: CompiledSchema | undefined): void {
  if (s === undefined || !s.subtreeDefaults) return;
  if (Array.isArray(x)) {
    const items = s.items;
    if (items === undefined) return;
    for (let i = 0; i < x.length; i++) {
      if (isNonNullableNull(x[i], items) && items.default !== undefined) x[i] = deepCopy(items.default);
      applyDefaults(x[i]!, items);
    }
    return;
  }
  if (!isObject(x)) return;
  for (const [k, d] of s.defaults) {
    const cur = x[k];
    if (cur === undefined || (cur === null && !s.properties!.get(k)!.nullable)) x[k] = deepCopy(d);
  }
  for (const k of Object.keys(x)) {
    const prop = s.properties?.get(k);
    if (prop !== undefined) {
      applyDefaults(x[k]!, prop);
      continue;
    }
    const add = s.additional;
    if (add !== undefined) {
      if (isNonNullableNull(x[k], add) && add.default !== undefined) x[k] = deepCopy(add.default);
      applyDefaults(x[k]!, add);
    }
  }
}
