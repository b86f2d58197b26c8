/**
 * The validate pattern language (Kyverno pkg/engine/validate `MatchPattern`): walks a resource against a
 * pattern tree and returns pass, or a failure with Kyverno's path, skip flag and message.
 *
 * Structure rules: a map pattern needs a map; an array pattern needs an array (empty pattern arrays fail); an
 * array whose first pattern element is a map applies that map to every resource element (other pattern
 * elements are ignored); a scalar first element applies to every element; nested arrays are positional. Map
 * keys run in two phases: conditional/existence/equality/negation anchors sorted by key, then global anchors and
 * keys with nested anchors (reverse sorted), then plain keys (sorted). Conditional and global anchor failures
 * make the map (and up to the root) skipped rather than failed.
 */
import { isObject, type JsonObject, type JsonValue } from '../api/json.ts';
import { goSprintValue, goTypeName } from '../utils/gofmt.ts';
import { parseAnchor } from './anchor.ts';
import { type MapEntry, type MapNode, type PatternNode, PatternCompiler } from './compile.ts';
import {
  isNegationAnchorError,
  isSkipError,
  NO_MARKER,
  plainError,
  probePieces,
  ErrKind,
  type PatternWalkError,
  skipPatternError,
} from './errors.ts';
import { handleCondition } from './handlers/condition.ts';
import { handleDefault } from './handlers/default.ts';
import { handleEquality } from './handlers/equality.ts';
import { handleExistence } from './handlers/existence.ts';
import { handleGlobal } from './handlers/global.ts';
import { handleNegation } from './handlers/negation.ts';
import { failure, type Failure, type WalkContext } from './handlers/types.ts';
import { expandInMetadata, type MetadataOverlay } from './metadata-wildcards.ts';

/**
 * Kyverno's `MatchPattern` result: `nil` (ok), or a `*PatternError{Err, Path, Skip}`. `message` is
 * `Err.Error()` (computed on first read).
 * - `skip`: a conditional/global anchor did not match; the rule does not apply (path is `''`).
 * - otherwise `path` is where validation failed (`/spec/containers/0/image/`); an empty path means Kyverno
 *   reports an execution error rather than a failure (structural errors without a path, or a conditional /
 *   existence anchor key that no resource map had).
 */
export type PatternResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly skip: boolean; readonly path: string; readonly message: string };

const PASS: PatternResult = { ok: true };

/** A failed match; `message` is an own enumerable property computed on first read (spreading it is safe). */
class PatternFailure {
  readonly ok = false as const;
  declare readonly message: string;
  constructor(
    readonly skip: boolean,
    readonly path: string,
    err: PatternWalkError,
  ) {
    Object.defineProperty(this, 'message', { enumerable: true, configurable: true, get: () => err.message });
  }
}

/** How Kyverno's validate handler turns a `MatchPattern` result into a rule status. */
export type PatternStatus = 'pass' | 'fail' | 'skip' | 'error';

/**
 * Kyverno `validatePatterns` (single `pattern`): skip -> `skip` (message = `result.message`), empty path ->
 * `error`, other failures -> `fail` (at `result.path`), ok -> `pass`.
 */
export function patternResultToStatus(result: PatternResult): PatternStatus {
  if (result.ok) return 'pass';
  if (result.skip) return 'skip';
  return result.path === '' ? 'error' : 'fail';
}

/** A compiled pattern: compile once with {@link compilePattern}, then `match` many resources. */
export interface CompiledPattern {
  readonly pattern: JsonValue;
  match(resource: JsonValue): PatternResult;
}

class Walk implements WalkContext {
  /** Kyverno AnchorMap: conditional/existence/negation anchor key -> seen in some resource map. */
  private anchorMap: Map<string, boolean> | undefined;
  private overlay: MetadataOverlay | undefined;

  constructor(private readonly compiler: PatternCompiler) {}

  keysAreMissing(): boolean {
    if (!this.anchorMap) return false;
    for (const [k, seen] of this.anchorMap) {
      // Negation anchors must be absent from the resource, so they do not count as missing.
      if (!seen && parseAnchor(k)?.kind !== 'negation') return true;
    }
    return false;
  }

  private checkAnchorInResource(map: MapNode, resource: JsonObject): void {
    if (map.anchorChecks.length === 0) return;
    const am = (this.anchorMap ??= new Map());
    for (const e of map.anchorChecks) {
      const seen = am.get(e.key);
      if (seen === true) continue;
      if (seen === undefined) am.set(e.key, false);
      if (Object.prototype.hasOwnProperty.call(resource, e.anchor!.key)) am.set(e.key, true);
    }
  }

  validateElement(resource: JsonValue | undefined, node: PatternNode, path: string): Failure | null {
    switch (node.kind) {
      case 'map': {
        if (!isObject(resource)) {
          return failure(
            path,
            plainError(
              () =>
                `pattern and resource have different structures. Path: ${path}. Expected map[string]interface {}, found ${goTypeName(resource)}`,
              probePieces(path),
            ),
          );
        }
        this.checkAnchorInResource(node, resource);
        return this.validateMap(resource, node, path);
      }
      case 'array': {
        if (!Array.isArray(resource)) {
          return failure(
            path,
            plainError(
              () => `validation rule failed at path ${path}, resource does not satisfy the expected overlay pattern`,
              probePieces(path),
            ),
          );
        }
        return this.validateArray(resource, node.items, path);
      }
      case 'scalar': {
        if (Array.isArray(resource)) {
          for (const item of resource) {
            if (!node.match(item)) return scalarMismatch(resource, node, path);
          }
          return null;
        }
        return node.match(resource) ? null : scalarMismatch(resource, node, path);
      }
    }
  }

  private validateMap(resourceMap: JsonObject, patternMap: MapNode, path: string): Failure | null {
    const map = patternMap.metadata === undefined ? patternMap : expandInMetadata(patternMap, resourceMap, (this.overlay ??= new Map()), this.compiler);
    let skipErrors: PatternWalkError[] | undefined;
    let applyCount = 0;
    for (const entry of map.phase1) {
      const f = this.handle(entry, resourceMap, path);
      if (f !== null) {
        if (isSkipError(f.err)) {
          (skipErrors ??= []).push(f.err);
          continue;
        }
        if (!hasNonPatternError(skipErrors)) return f;
        continue;
      }
      applyCount++;
    }
    if (skipErrors !== undefined) {
      if (applyCount === 0 || hasNonPatternError(skipErrors)) return failure(path, skipPatternError(skipErrors, path));
    }
    for (const entry of map.phase2) {
      const f = this.handle(entry, resourceMap, path);
      if (f !== null) return f;
    }
    return null;
  }

  /** Kyverno `CreateElementHandler(key).Handle(...)`. */
  private handle(entry: MapEntry, resourceMap: JsonObject, path: string): Failure | null {
    switch (entry.anchor?.kind) {
      case 'condition':
        return handleCondition(entry, resourceMap, path, this);
      case 'global':
        return handleGlobal(entry, resourceMap, path, this);
      case 'existence':
        return handleExistence(entry, resourceMap, path, this);
      case 'equality':
        return handleEquality(entry, resourceMap, path, this);
      case 'negation':
        return handleNegation(entry, resourceMap, path);
      default:
        return handleDefault(entry, resourceMap, path, this);
    }
  }

  private validateArray(resourceArray: JsonValue[], items: readonly PatternNode[], path: string): Failure | null {
    const first = items[0];
    if (first === undefined) return failure(path, plainError(() => 'pattern Array empty', NO_MARKER));
    if (first.kind === 'map') return this.validateArrayOfMaps(resourceArray, first, path);
    if (first.kind === 'scalar') return this.validateElement(resourceArray, first, path);
    if (resourceArray.length < items.length) {
      return failure(
        '',
        plainError(
          () =>
            `validate Array failed, array length mismatch, resource Array len is ${resourceArray.length} and pattern Array len is ${items.length}`,
          NO_MARKER,
        ),
      );
    }
    let applyCount = 0;
    let skipErrors: PatternWalkError[] | undefined;
    for (let i = 0; i < items.length; i++) {
      const f = this.validateElement(resourceArray[i], items[i]!, path + i + '/');
      if (f !== null) {
        if (isSkipError(f.err)) {
          (skipErrors ??= []).push(f.err);
          continue;
        }
        return f;
      }
      applyCount++;
    }
    if (applyCount === 0 && skipErrors !== undefined) return failure(path, skipPatternError(skipErrors, path));
    return null;
  }

  private validateArrayOfMaps(resourceArray: JsonValue[], item: MapNode, path: string): Failure | null {
    let applyCount = 0;
    let skipErrors: PatternWalkError[] | undefined;
    for (let i = 0; i < resourceArray.length; i++) {
      const f = this.validateElement(resourceArray[i], item, path + i + '/');
      if (f !== null) {
        if (isSkipError(f.err)) {
          (skipErrors ??= []).push(f.err);
          continue;
        }
        return f;
      }
      applyCount++;
    }
    if (applyCount === 0 && skipErrors !== undefined) return failure(path, skipPatternError(skipErrors, path));
    return null;
  }
}

function hasNonPatternError(errs: readonly PatternWalkError[] | undefined): boolean {
  if (errs === undefined) return false;
  for (const e of errs) if (e.kind !== ErrKind.Pattern) return true;
  return false;
}

function scalarMismatch(resource: JsonValue | undefined, node: PatternNode & { kind: 'scalar' }, path: string): Failure {
  const raw = node.raw;
  return failure(
    path,
    plainError(
      () => `resource value '${goSprintValue(resource)}' does not match '${goSprintValue(raw)}' at path ${path}`,
      // Numbers, booleans and nil render without letters that could form a marker.
      (m) =>
        (typeof resource === 'string' && resource.includes(m)) ||
        (typeof resource === 'object' && resource !== null && goSprintValue(resource).includes(m)) ||
        (typeof raw === 'string' && raw.includes(m)) ||
        path.includes(m),
    ),
  );
}

function matchCompiled(compiler: PatternCompiler, root: PatternNode, resource: JsonValue): PatternResult {
  const walk = new Walk(compiler);
  const f = walk.validateElement(resource, root, '/');
  if (f === null) return PASS;
  if (isSkipError(f.err)) return new PatternFailure(true, '', f.err);
  if (isNegationAnchorError(f.err)) return new PatternFailure(false, f.path, f.err);
  if (walk.keysAreMissing()) return new PatternFailure(false, '', f.err);
  return new PatternFailure(false, f.path, f.err);
}

/**
 * Compiles a (variable-substituted) pattern for repeated matching. The pattern is not modified.
 * `compilePattern({spec: {containers: [{image: '!*:latest'}]}}).match(pod)`.
 */
export function compilePattern(pattern: JsonValue): CompiledPattern {
  const compiler = new PatternCompiler();
  const root = compiler.compile(pattern);
  return {
    pattern,
    match: (resource) => matchCompiled(compiler, root, resource),
  };
}

/**
 * One-shot Kyverno `validate.MatchPattern(resource, pattern)`. E.g. pattern
 * `{metadata: {labels: {app: '?*'}}}` against a resource without labels ->
 * `{ok: false, skip: false, path: '/metadata/labels/', message: "pattern and resource have different structures. ..."}`.
 */
export function matchPattern(resource: JsonValue, pattern: JsonValue): PatternResult {
  return compilePattern(pattern).match(resource);
}
