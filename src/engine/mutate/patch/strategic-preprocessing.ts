/**
 * Kyverno's anchor preprocessing of a `patchStrategicMerge` overlay, done against the resource before
 * the merge (kyverno pkg/engine/mutate/patch/strategicPreprocessing.go). Only three anchors mean
 * something here; any other anchor-looking key (`=(k)`, `X(k)`, `^(k)`) stays a literal key.
 *
 * - `+(k)` add-if-not-present: dropped when the resource (at that level) has `k`, else unwrapped to `k`.
 * - `(k)` condition in a map: the resource value at `k` must match the anchor's value (pattern
 *   language); a missing key or a mismatch fails the whole patch (the rule is skipped). After all
 *   checks, condition-only subtrees are removed and anchored keys that carry more content are unwrapped.
 * - in a list of maps, an element with anchors is a template: for each resource element that satisfies
 *   it, a copy without the anchors and with the resource element's `name` is appended (resource elements
 *   without `name` are ignored); the template itself is removed afterwards.
 * - `<(k)` global condition: in a map a mismatch fails the patch; in a list only when no element passed.
 * - after preprocessing, empty maps and lists left behind are dropped from the patch as well.
 *
 * The port keeps the Go code's order of operations and its quirks (one template copy is shared by all
 * resource elements; list elements are deleted by their original index; a scalar value written like
 * `(x)` counts as an anchor), since they decide results.
 */
import type { JsonValue } from '../../api/json.ts';
import {
  clearField,
  copyNode,
  errorIfInvalid,
  fieldEntry,
  fieldNames,
  isMissingOrNull,
  isNilOrEmpty,
  nodeFromJson,
  nodeToJson,
  setField,
  type YNode,
  type YSeq,
} from './kyaml-node.ts';
import { anchorToString, containsCondition, parseAnchor, type Anchor } from '../../pattern/anchor.ts';
import { matchPattern } from '../../pattern/validate.ts';
import { PatchError } from './patch-error.ts';

/**
 * The condition check: does `resource` match `pattern` in the validate pattern language
 * (Kyverno's `validate.MatchPattern`)? Returns undefined on success, else the failure message.
 * Scalars are passed as their YAML text (Kyverno passes `YNode().Value` strings for scalars).
 */
export type ConditionMatcher = (resource: JsonValue, pattern: JsonValue) => string | undefined;

/** The condition check Kyverno uses: `validate.MatchPattern` (any failure, skip included, fails the condition). */
export const matchPatternCondition: ConditionMatcher = (resource, pattern) => {
  const r = matchPattern(resource, pattern);
  return r.ok ? undefined : r.message;
};

const anchorString = (a: Anchor): string => anchorToString(a.kind, a.key);
const isCondition = (a: Anchor | undefined): boolean => a?.kind === 'condition';
const isGlobal = (a: Anchor | undefined): boolean => a?.kind === 'global';
const isAddIfNotPresent = (a: Anchor | undefined): boolean => a?.kind === 'addIfNotPresent';
const hasAnchor = (a: Anchor | undefined): boolean => containsCondition(a) || isAddIfNotPresent(a);

/** A condition did not hold: the patch is emptied and the rule skipped. */
class ConditionFailure extends Error {
  constructor(
    readonly global: boolean,
    readonly detail: string,
  ) {
    super(global ? `global condition failed: ${detail}` : `condition failed: ${detail}`);
  }
}

/** The outcome of anchor preprocessing on the node level. */
export interface PreprocessResult {
  /** the patch to merge (an empty map when a condition failed) */
  patch: YNode;
  /** true when an anchor condition failed: the patch is `{}` and the rule does not apply */
  skipped: boolean;
  /** why it was skipped (`condition failed: ...` / `global condition failed: ...`) */
  reason?: string;
}

/**
 * Preprocesses `pattern` (consumed: modified in place) against `resource`. Throws PatchError
 * (`failed to preProcess rule: ...`) for structural failures; condition failures are reported as
 * `skipped`.
 */
export function preprocessPatchNode(pattern: YNode, resource: YNode, matcher: ConditionMatcher = matchPatternCondition): PreprocessResult {
  const pre = new Preprocessor(matcher);
  try {
    pre.recursive(pattern, resource);
    deleteConditionElements(pattern);
    return { patch: pattern, skipped: false };
  } catch (err) {
    if (err instanceof ConditionFailure) return { patch: { kind: 'map', content: [] }, skipped: true, reason: err.message };
    // a Go runtime panic is not an error Kyverno reports: it aborts the request (or crashes the CLI)
    if (!(err instanceof PatchError) || err.reason === 'PANIC') throw err;
    throw new PatchError('PREPROCESS', `failed to preProcess rule: ${err.message}`);
  }
}

class Preprocessor {
  constructor(private readonly matcher: ConditionMatcher) {}

  recursive(pattern: YNode, resource: YNode | undefined): void {
    if (pattern.kind === 'map') this.walkMap(pattern, resource);
    else if (pattern.kind === 'seq') this.walkList(pattern, resource);
  }

  private walkMap(pattern: YNode, resource: YNode | undefined): void {
    try {
      handleAddIfNotPresentAnchor(pattern, resource);
    } catch (err) {
      if (!(err instanceof PatchError)) throw err;
      throw new PatchError('PREPROCESS', `failed to process addIfNotPresent anchor: ${err.message}`);
    }
    this.validateConditions(pattern, resource);
    for (const field of keysWhere(pattern, (a) => a === undefined || !hasAnchor(a))) {
      const resourceValue = resource !== undefined ? fieldEntry(resource, field)?.value : undefined;
      this.recursive(mustField(pattern, field), resourceValue);
    }
  }

  private walkList(pattern: YNode, resource: YNode | undefined): void {
    const elements = elementsOf(pattern);
    if (elements.length === 0) return;
    if ((elements[0] as YNode).kind === 'map') this.processListOfMaps(pattern, resource);
  }

  private processListOfMaps(pattern: YNode, resource: YNode | undefined): void {
    const patternElements = elementsOf(pattern);
    const resourceElements = elementsOf(resource);
    for (const patternElement of patternElements) {
      if (!hasAnchors(patternElement, hasAnchor)) continue;
      const hasGlobalConditions = hasAnchors(patternElement, isGlobal);
      let anyGlobalConditionPassed = false;
      let lastGlobalAnchorError: ConditionFailure | undefined;
      // one copy, shared by every resource element (it is modified along the way)
      const patternElementCopy = copyNode(patternElement);
      for (const resourceElement of resourceElements) {
        try {
          this.recursive(patternElementCopy, resourceElement);
        } catch (err) {
          if (err instanceof ConditionFailure) {
            if (err.global) lastGlobalAnchorError = err;
            continue;
          }
          throw err;
        }
        if (hasGlobalConditions) anyGlobalConditionPassed = true;
        else {
          try {
            handlePatternName(pattern, patternElementCopy, resourceElement);
          } catch (err) {
            if (!(err instanceof PatchError) || err.reason === 'PANIC') throw err;
            throw new PatchError('PREPROCESS', `failed to update name in pattern: ${err.message}`);
          }
        }
      }
      if (resource === undefined) {
        try {
          this.recursive(patternElementCopy, undefined);
        } catch (err) {
          if (err instanceof ConditionFailure && !err.global) continue;
          throw err;
        }
        if (hasGlobalConditions) anyGlobalConditionPassed = true;
      }
      if (!anyGlobalConditionPassed && lastGlobalAnchorError !== undefined) throw lastGlobalAnchorError;
    }
  }

  /** `checkCondition`: any error of the pattern match is a failed condition. */
  private check(resource: JsonValue, pattern: JsonValue): string | undefined {
    try {
      return this.matcher(resource, pattern);
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
  }

  /** Global conditions first, then conditions; the first failure stops. */
  private validateConditions(pattern: YNode, resource: YNode | undefined): void {
    let msg = this.validateConditionsInternal(pattern, resource, isGlobal);
    if (msg !== undefined) throw new ConditionFailure(true, msg);
    msg = this.validateConditionsInternal(pattern, resource, isCondition);
    if (msg !== undefined) throw new ConditionFailure(false, msg);
  }

  private validateConditionsInternal(
    pattern: YNode,
    resource: YNode | undefined,
    filter: (a: Anchor | undefined) => boolean,
  ): string | undefined {
    for (const a of filterKeys(pattern, filter)) {
      const conditionKey = a.key;
      const resourceEntry = resource !== undefined ? fieldEntry(resource, conditionKey) : undefined;
      if (resourceEntry === undefined) return `could not found "${conditionKey}" key in the resource`;
      const patternValue = mustField(pattern, anchorString(a));
      const resourceValue = resourceEntry.value;
      if (handleAddIfNotPresentAnchor(patternValue, resourceValue) > 0) continue;
      const failure = this.check(toInterface(resourceValue), toInterface(patternValue));
      if (failure !== undefined) return failure;
    }
    return undefined;
  }
}

/** `convertRNodeToInterface`: scalars as their text, maps and lists as JSON values. */
function toInterface(n: YNode): JsonValue {
  return n.kind === 'scalar' ? n.value : nodeToJson(n);
}

/** `pattern.Field(name).Value`, which panics in Go when the key is not there (whitespace around an anchor). */
function mustField(pattern: YNode, name: string): YNode {
  const e = fieldEntry(pattern, name);
  if (e === undefined) throw new PatchError('PANIC', 'runtime error: invalid memory address or nil pointer dereference');
  return e.value;
}

/** `RNode.Elements()`: the elements of a sequence ([] for missing/null, an error for maps and scalars). */
function elementsOf(n: YNode | undefined): YNode[] {
  errorIfInvalid(n, 'seq');
  return n !== undefined && n.kind === 'seq' ? [...n.content] : [];
}

/** Keys of a map (none for other nodes) whose anchor (or undefined) satisfies `pred`. */
function keysWhere(pattern: YNode, pred: (a: Anchor | undefined) => boolean): string[] {
  if (!isMissingOrNull(pattern) && pattern.kind !== 'map') return [];
  return fieldNames(pattern).filter((k) => pred(parseAnchor(k)));
}

function filterKeys(pattern: YNode, pred: (a: Anchor | undefined) => boolean): Anchor[] {
  if (!isMissingOrNull(pattern) && pattern.kind !== 'map') return [];
  const out: Anchor[] = [];
  for (const k of fieldNames(pattern)) {
    const a = parseAnchor(k);
    if (a !== undefined && pred(a)) out.push(a);
  }
  return out;
}

/** `+(k)`: dropped when the resource has `k`, else renamed to `k`. Returns the number of such anchors. */
function handleAddIfNotPresentAnchor(pattern: YNode, resource: YNode | undefined): number {
  const anchors = filterKeys(pattern, isAddIfNotPresent);
  for (const a of anchors) {
    if (resource !== undefined && fieldEntry(resource, a.key) !== undefined) clearField(pattern, anchorString(a));
    else renameField(anchorString(a), a.key, pattern);
  }
  return anchors.length;
}

function renameField(name: string, newName: string, pattern: YNode): void {
  const e = fieldEntry(pattern, name);
  if (e !== undefined) e.key = newName;
}

/**
 * Does the node contain an anchor accepted by `pred` (in keys, at any depth)? A scalar *value* that
 * parses as a condition anchor counts too.
 */
function hasAnchors(pattern: YNode, pred: (a: Anchor | undefined) => boolean): boolean {
  switch (pattern.kind) {
    case 'map':
      for (const e of pattern.content) {
        const a = parseAnchor(e.key);
        if (a !== undefined && pred(a)) return true;
        // Field(key) finds the first entry with this key
        const first = fieldEntry(pattern, e.key) as { value: YNode };
        if (!isNilOrEmpty(first.value) && hasAnchors(first.value, pred)) return true;
      }
      return false;
    case 'scalar':
      return containsCondition(parseAnchor(pattern.value));
    default:
      return pattern.content.some((e) => hasAnchors(e, pred));
  }
}

/** The template matched `resourceElement`: append a copy named like it (when it has a name). */
function handlePatternName(pattern: YNode, patternElement: YNode, resourceElement: YNode): void {
  const nameEntry = fieldEntry(resourceElement, 'name');
  if (nameEntry === undefined || isNilOrEmpty(nameEntry.value)) return;
  const newNode = copyNode(patternElement);
  if (deleteAnchors(newNode, true, false)) return; // nothing but anchors: do not add an empty element
  setField(newNode, 'name', nameEntry.value);
  errorIfInvalid(pattern, 'seq');
  (pattern as YSeq).content.push(newNode);
}

/** Removes condition anchors and the empty leftovers from the top-level fields of the patch. */
function deleteConditionElements(pattern: YNode): void {
  for (const field of fieldNames(pattern)) {
    const deleteScalar = containsCondition(parseAnchor(field));
    const entry = fieldEntry(pattern, field);
    if (entry === undefined) throw new PatchError('PANIC', 'runtime error: invalid memory address or nil pointer dereference');
    if (deleteAnchors(entry.value, deleteScalar, false)) clearField(pattern, field);
  }
}

/**
 * Deletes the anchors below `node`; returns true when the node itself must go (it held only anchors,
 * or nothing: an empty map, or a list that became empty).
 */
function deleteAnchors(node: YNode, deleteScalar: boolean, traverseMappingNodes: boolean): boolean {
  switch (node.kind) {
    case 'map':
      return deleteAnchorsInMap(node, traverseMappingNodes);
    case 'seq':
      return deleteAnchorsInList(node, traverseMappingNodes);
    default:
      return deleteScalar;
  }
}

function deleteAnchorsInMap(node: YNode, traverseMappingNodes: boolean): boolean {
  let anchorsExist = false;
  for (const a of filterKeys(node, containsCondition)) {
    const value = mustField(node, anchorString(a));
    if (deleteAnchors(value, true, traverseMappingNodes)) clearField(node, anchorString(a));
    else anchorsExist = true;
  }
  if (anchorsExist) {
    for (const a of filterKeys(node, containsCondition)) renameField(anchorString(a), a.key, node);
  }
  let needToDelete = true;
  for (const field of fieldNames(node)) {
    const entry = fieldEntry(node, field);
    if (entry === undefined) throw new PatchError('PANIC', 'runtime error: invalid memory address or nil pointer dereference');
    if (deleteAnchors(entry.value, false, traverseMappingNodes)) clearField(node, field);
    else needToDelete = false;
  }
  return needToDelete;
}

function deleteAnchorsInList(node: YNode, traverseMappingNodes: boolean): boolean {
  const elements = elementsOf(node);
  const wasEmpty = elements.length === 0;
  elements.forEach((element, i) => {
    if (hasAnchors(element, hasAnchor)) {
      let shouldDelete = true;
      if (traverseMappingNodes && (isMissingOrNull(element) || element.kind === 'map')) {
        shouldDelete = deleteAnchors(element, true, traverseMappingNodes);
      }
      if (shouldDelete) deleteListElement(node, i);
    } else if (deleteAnchors(element, false, traverseMappingNodes)) {
      deleteListElement(node, i);
    }
  });
  return elementsOf(node).length === 0 && !wasEmpty;
}

/** `append(content[:i], content[i+1:]...)` with the index of the element *before* earlier deletions. */
function deleteListElement(list: YNode, i: number): void {
  const content = (list as YSeq).content;
  if (i + 1 > content.length) {
    throw new PatchError('PANIC', `runtime error: slice bounds out of range [${i + 1}:${content.length}]`);
  }
  content.splice(i, 1);
}

/**
 * JSON-level preprocessing (Kyverno `preProcessStrategicMergePatch`): the overlay after anchor handling,
 * `{}` with `skipped` when a condition failed. Inputs are not modified.
 *
 * Example: overlay `{metadata: {labels: {'+(team)': 'a'}}}` on a resource whose labels have no `team`
 * -> `{patch: {metadata: {labels: {team: 'a'}}}, skipped: false}`.
 */
export function preprocessStrategicMergePatch(
  overlay: JsonValue,
  resource: JsonValue,
  matcher: ConditionMatcher = matchPatternCondition,
): { patch: JsonValue; skipped: boolean; reason?: string } {
  const r = preprocessPatchNode(nodeFromJson(overlay), nodeFromJson(resource), matcher);
  const patch = nodeToJson(r.patch);
  return r.skipped ? { patch, skipped: true, reason: r.reason as string } : { patch, skipped: false };
}
