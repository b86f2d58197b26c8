/**
 * `(key)` conditional anchor (Kyverno `conditionAnchorHandler`): the key must be present and its value must
 * match; any failure becomes a conditional-anchor error (the map is then skipped, not failed).
 */
import type { JsonObject } from '../../api/json.ts';
import type { MapEntry } from '../compile.ts';
import { conditionalAnchorError } from '../errors.ts';
import { failure, type Failure, type WalkContext } from './types.ts';

export function handleCondition(entry: MapEntry, resourceMap: JsonObject, path: string, ctx: WalkContext): Failure | null {
  const key = entry.anchor!.key;
  const currentPath = path + key + '/';
  if (Object.prototype.hasOwnProperty.call(resourceMap, key)) {
    const f = ctx.validateElement(resourceMap[key], entry.node, currentPath);
    if (f === null) return null;
    return failure(f.path, conditionalAnchorError(f.err));
  }
  return failure(currentPath, conditionalAnchorError("conditional anchor key doesn't exist in the resource"));
}
