/**
 * Errors thrown by the patch primitives. They all carry the engine code `PATCH`; `reason` says which
 * library behaviour produced them. Messages follow the Go libraries' texts (kyaml, kustomize,
 * evanphx/json-patch) because Kyverno puts them verbatim into rule messages
 * (`failed to patch resource: <message>`).
 */
import { EngineError } from '../../errors.ts';

/** Which behaviour of the patch libraries produced a PatchError. */
export type PatchErrorReason =
  /** kyaml: a node has a different kind than the one it is merged with (map vs list vs scalar) */
  | 'WRONG_NODE_KIND'
  /** kyaml merge2: `$patch` with an unknown value */
  | 'UNKNOWN_PATCH_STRATEGY'
  /** kyaml merge2: `$patch` on a scalar */
  | 'NO_PATCH_STRATEGY'
  /** kyaml: ElementMatcher misuse (mismatched key/value lists) */
  | 'ELEMENT_MATCHER'
  /** kyaml: the merged document cannot be decoded (a map with a duplicate key) */
  | 'YAML_DECODE'
  /** kustomize: the merge deleted the whole object (`$patch: delete` at the root) */
  | 'OBJECT_DELETED'
  /** Kyverno preprocessing failure that is not an anchor condition */
  | 'PREPROCESS'
  /** the patch document could not be decoded (JSON 6902 text, not a list, bad operation) */
  | 'DECODE'
  /** evanphx/json-patch: the operation could not be applied */
  | 'APPLY'
  /** evanphx/json-patch: a `test` operation failed */
  | 'TEST_FAILED'
  /** the patched document is not an object (a JSON patch replaced the whole document) */
  | 'NOT_AN_OBJECT'
  /** a Go runtime panic in the reference implementation (index out of range and the like) */
  | 'PANIC';

/** A patch could not be applied; `code` is always `PATCH`, `reason` tells why. */
export class PatchError extends EngineError {
  constructor(
    readonly reason: PatchErrorReason,
    message: string,
  ) {
    super('PATCH', message);
    this.name = 'PatchError';
  }
}
