/**
 * Keys without a validate anchor (Kyverno `defaultHandler`): a pattern value of exactly `"*"` requires the key
 * with a non-null value (any type); any other pattern validates the value (a missing key counts as null).
 */
import type { JsonObject } from '../../api/json.ts';
import type { MapEntry } from '../compile.ts';
import { plainError, probePieces } from '../errors.ts';
import { failure, type Failure, type WalkContext } from './types.ts';

export function handleDefault(entry: MapEntry, resourceMap: JsonObject, path: string, ctx: WalkContext): Failure | null {
  const element = entry.key;
  const value = Object.prototype.hasOwnProperty.call(resourceMap, element) ? resourceMap[element] : undefined;
  if (entry.node.kind === 'scalar' && entry.node.raw === '*') {
    if (value !== undefined && value !== null) return null;
    return failure(
      path,
      plainError(() => `${path}/${element} not found`, probePieces(path, element)),
    );
  }
  return ctx.validateElement(value, entry.node, path + element + '/');
}
