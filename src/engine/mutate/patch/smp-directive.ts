/**
 * The `$patch` directive as kyaml merge2 understands it (kyaml/yaml/merge2/smpdirective.go).
 *
 * - In a map: `$patch: replace|delete|merge` applies to that map; the key is removed from the patch.
 * - In a keyed (associative) list: an element that is exactly `{$patch: <value>}` applies to the list
 *   and is removed (an element with other fields too is an ordinary element).
 * - Other values are an error (`unknown patch strategy 'x'`). Unkeyed lists never look at `$patch`.
 *
 * kyaml supports nothing else from the Kubernetes strategic-merge-patch format: `$retainKeys`,
 * `$setElementOrder/<field>` and `$deleteFromPrimitiveList/<field>` are ordinary field names to it
 * and end up in the merged object as they are.
 */
import {
  clearField,
  elementByKey,
  elementSetter,
  fieldValue,
  nodeToYamlString,
  nodeValue,
  shortTag,
  type YNode,
} from './kyaml-node.ts';
import { PatchError } from './patch-error.ts';

/** The value of a `$patch` directive ('merge' when there is none; 'unknown' when invalid). */
export type SmpDirective = 'unknown' | 'replace' | 'delete' | 'merge';

const DIRECTIVE_KEY = '$patch';

function isDirective(v: string): v is 'replace' | 'delete' | 'merge' {
  return v === 'replace' || v === 'delete' || v === 'merge';
}

/**
 * Reads (and removes) the directive of a patch node. Throws for unknown values and for scalars, like
 * kyaml's `determineSmpDirective`; callers that ignore the error get 'unknown'.
 */
export function determineSmpDirective(patch: YNode | undefined): SmpDirective {
  if (patch === undefined) return 'merge';
  switch (patch.kind) {
    case 'seq':
      return sequenceDirective(patch);
    case 'map':
      return mappingDirective(patch);
    default:
      throw new PatchError(
        'NO_PATCH_STRATEGY',
        `no implemented strategic merge patch strategy for '${shortTag(patch)}' ('${nodeToYamlString(patch)}')`,
      );
  }
}

/** `determineSmpDirective` with the error discarded (`ps, _ :=` in VisitMap). */
export function determineSmpDirectiveLenient(patch: YNode | undefined): SmpDirective {
  try {
    return determineSmpDirective(patch);
  } catch (err) {
    if (err instanceof PatchError) return 'unknown';
    throw err;
  }
}

function sequenceDirective(patch: YNode): SmpDirective {
  const node = elementByKey(patch, DIRECTIVE_KEY);
  // more than one key/value pair: the $patch belongs to the element, not to the list
  if (node === undefined || node.kind !== 'map' || node.content.length > 1) return 'merge';
  const value = fieldValue(node, DIRECTIVE_KEY);
  if (value === undefined) return 'merge';
  const v = nodeValue(value);
  if (isDirective(v)) {
    elementSetter(patch, undefined, [DIRECTIVE_KEY], [v]);
    return v;
  }
  throw new PatchError('UNKNOWN_PATCH_STRATEGY', `unknown patch strategy '${v}'`);
}

function mappingDirective(patch: YNode): SmpDirective {
  const value = fieldValue(patch, DIRECTIVE_KEY);
  if (value === undefined) return 'merge';
  const v = nodeValue(value);
  if (isDirective(v)) {
    clearField(patch, DIRECTIVE_KEY);
    return v;
  }
  throw new PatchError('UNKNOWN_PATCH_STRATEGY', `unknown patch strategy '${v}'`);
}
