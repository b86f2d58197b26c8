/**
 * `X(key)` negation anchor (Kyverno `negationHandler`): the key must not be present in the resource map
 * (present with any value, null included, fails at `<path><key>/`); the pattern value is ignored.
 */
import type { JsonObject } from '../../api/json.ts';
import type { MapEntry } from '../compile.ts';
import { negationAnchorError } from '../errors.ts';
import { failure, type Failure } from './types.ts';

export function handleNegation(entry: MapEntry, resourceMap: JsonObject, path: string): Failure | null {
  const key = entry.anchor!.key;
  if (!Object.prototype.hasOwnProperty.call(resourceMap, key)) return null;
  const currentPath = path + key + '/';
  return failure(currentPath, negationAnchorError(`${currentPath} is not allowed`));
}
