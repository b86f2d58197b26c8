/**
 * `=(key)` equality anchor (Kyverno `equalityHandler`): when the key is present its value must match the
 * pattern (errors propagate unchanged); when absent there is nothing to check.
 */
import type { JsonObject } from '../../api/json.ts';
import type { MapEntry } from '../compile.ts';
import type { Failure, WalkContext } from './types.ts';

export function handleEquality(entry: MapEntry, resourceMap: JsonObject, path: string, ctx: WalkContext): Failure | null {
  const key = entry.anchor!.key;
  if (!Object.prototype.hasOwnProperty.call(resourceMap, key)) return null;
  return ctx.validateElement(resourceMap[key], entry.node, path + key + '/');
}
