/**
 * `^(key)` existence anchor (Kyverno `existenceHandler`): when the key is present its value must be a list,
 * the pattern a list of maps, and each pattern map must match at least one element of the list.
 */
import type { JsonObject } from '../../api/json.ts';
import { goTypeName } from '../../utils/gofmt.ts';
import type { MapEntry, PatternNode } from '../compile.ts';
import { NO_MARKER, plainError, probePieces } from '../errors.ts';
import { failure, type Failure, type WalkContext } from './types.ts';

export function handleExistence(entry: MapEntry, resourceMap: JsonObject, path: string, ctx: WalkContext): Failure | null {
  const key = entry.anchor!.key;
  if (!Object.prototype.hasOwnProperty.call(resourceMap, key)) return null;
  const currentPath = path + key + '/';
  const value = resourceMap[key];
  if (!Array.isArray(value)) {
    return failure(
      currentPath,
      plainError(() => `invalid resource type ${goTypeName(value)}: Existence ^ () anchor can be used only on list/array type resource`, NO_MARKER),
    );
  }
  const node = entry.node;
  if (node.kind !== 'array') {
    return failure(
      currentPath,
      plainError(() => `invalid pattern type ${goTypeName(node.raw)}: Pattern has to be of list to compare against resource`, NO_MARKER),
    );
  }
  for (const item of node.items) {
    if (item.kind !== 'map') {
      return failure(
        currentPath,
        plainError(() => `invalid pattern type ${goTypeName(node.raw)}: Pattern has to be of type map to compare against items in resource`, NO_MARKER),
      );
    }
    const f = validateExistenceListResource(value, item, currentPath, ctx);
    if (f !== null) return f;
  }
  return null;
}

function validateExistenceListResource(list: readonly unknown[], item: PatternNode, path: string, ctx: WalkContext): Failure | null {
  for (let i = 0; i < list.length; i++) {
    if (ctx.validateElement(list[i] as never, item, path + i + '/') === null) return null;
  }
  return failure(
    path,
    plainError(() => `existence anchor validation failed at path ${path}`, probePieces(path)),
  );
}
