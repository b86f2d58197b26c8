/**
 * `<(key)` global anchor (Kyverno `globalAnchorHandler`): when the key is present and its value does not
 * match, the whole rule is skipped (global-anchor error); an absent key is fine.
 */
import type { JsonObject } from '../../api/json.ts';
import type { MapEntry } from '../compile.ts';
import { globalAnchorError } from '../errors.ts';
import { failure, type Failure, type WalkContext } from './types.ts';

export function handleGlobal(entry: MapEntry, resourceMap: JsonObject, path: string, ctx: WalkContext): Failure | null {
  const key = entry.anchor!.key;
  if (!Object.prototype.hasOwnProperty.call(resourceMap, key)) return null;
  const f = ctx.validateElement(resourceMap[key], entry.node, path + key + '/');
  if (f === null) return null;
  return failure(f.path, globalAnchorError(f.err));
}
