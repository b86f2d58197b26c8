/**
 * What an element handler (Kyverno `anchor.ValidationHandler`) needs from the pattern walk: a way to validate
 * a nested resource element against a nested pattern, the same callback Kyverno passes as `handler`.
 */
import type { JsonValue } from '../../api/json.ts';
import type { PatternNode } from '../compile.ts';
import type { PatternWalkError } from '../errors.ts';

/** A failed step of the walk: Go's `(path string, err error)` pair with a non-nil error. */
export interface Failure {
  readonly path: string;
  readonly err: PatternWalkError;
}

/** Kyverno's `resourceElementHandler` (validateResourceElement), bound to the current walk. */
export interface WalkContext {
  validateElement(resource: JsonValue | undefined, node: PatternNode, path: string): Failure | null;
}

/** Builds a failure. */
export function failure(path: string, err: PatternWalkError): Failure {
  return { path, err };
}
