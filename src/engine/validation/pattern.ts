/**
 * Static anchor checks of a pattern (pkg/policy/common/validate_pattern.go `ValidatePattern`): every
 * anchored key must be of a supported kind, and an existence anchor `^(key)` needs a non-empty list.
 * Paths are built as Kyverno builds them (`/` + `/key`, list items as `<path><index>/`), e.g.
 * `//spec/containers0//+(image)`.
 */
import { isObject, type JsonValue } from '../api/json.ts';
import { parseAnchor, type AnchorKind } from '../pattern/anchor.ts';

/** Which anchor kinds are allowed (undefined: none). */
export type AnchorFilter = ((kind: AnchorKind) => boolean) | undefined;

/** Anchors allowed in validate patterns: condition, existence, equality, negation, global. */
export const VALIDATE_ANCHORS: AnchorFilter = (k) => k === 'condition' || k === 'existence' || k === 'equality' || k === 'negation' || k === 'global';

/** `[path, message]` of the first problem, or undefined. */
export function validatePattern(pattern: JsonValue, path: string, allowed: AnchorFilter): readonly [string, string] | undefined {
  if (Array.isArray(pattern)) {
    for (let i = 0; i < pattern.length; i++) {
      const e = validatePattern(pattern[i] as JsonValue, `${path}${i}/`, allowed);
      if (e) return e;
    }
    return undefined;
  }
  if (isObject(pattern)) {
    for (const key of Object.keys(pattern)) {
      const value = pattern[key] as JsonValue;
      const a = parseAnchor(key);
      if (a !== undefined) {
        if (allowed === undefined || !allowed(a.kind)) return [`${path}/${key}`, `unsupported anchor ${key}`];
        if (a.kind === 'existence') {
          if (!Array.isArray(value)) return [`${path}/${key}`, 'existence anchor should have value of type list'];
          if (value.length === 0) return [`${path}/${key}`, 'existence anchor: should have at least one value'];
        }
      }
      const e = validatePattern(value, `${path}/${key}`, allowed);
      if (e) return e;
    }
  }
  return undefined;
}
