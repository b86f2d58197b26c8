/**
 * Checks of a `validate` rule (pkg/policy/validate/validate.go): exactly one of pattern, anyPattern,
 * deny, foreach, podSecurity, cel, manifests (with attestors); anchors in patterns; foreach list and
 * body; celPreconditions only with cel; required cel fields. Returns `[path, message]` (path relative
 * to `validate.`) on error.
 *
 * The RBAC check (can the reports service account read the matched kinds) needs a cluster and is not
 * done here.
 */
import type { JsonValue } from '../api/json.ts';
import { goTypeName } from '../utils/gofmt.ts';
import { validatePattern, VALIDATE_ANCHORS } from './pattern.ts';
import { getAnyPattern, getForEach, getPattern, list, obj, objects, present, str, type Obj } from './rule-model.ts';

function elementCount(v: Obj): number {
  let count = 0;
  if (getPattern(v) !== undefined) count++;
  if (getAnyPattern(v) !== undefined) count++;
  if (present(v['deny'])) count++;
  if (list(v['foreach'])) count++;
  if (present(v['podSecurity'])) count++;
  if (present(v['cel'])) count++;
  const manifests = obj(v['manifests']);
  if (manifests && objects(manifests['attestors']).length !== 0) count++;
  return count;
}

function foreachCount(fe: Obj): number {
  let count = 0;
  if (getPattern(fe) !== undefined) count++;
  if (getAnyPattern(fe) !== undefined) count++;
  if (present(fe['deny'])) count++;
  const nested = getForEach(fe);
  if (nested && nested.length > 0) count++;
  return count;
}

function foreachError(fe: Obj): string | undefined {
  if (str(fe['list']) === '') return 'foreach.list is required';
  const count = foreachCount(fe);
  if (count === 0) return 'one of pattern, anyPattern, deny, or a nested foreach must be specified';
  if (count > 1) return 'only one of pattern, anyPattern, deny, or a nested foreach can be specified';
  return undefined;
}

/** Go's error for decoding a non-list `anyPattern` into `[]interface{}`. */
function anyPatternDecodeError(v: JsonValue): string {
  const t = goTypeName(v);
  const word = t === 'map[string]interface {}' ? 'object' : t === 'int64' || t === 'float64' ? 'number' : t === 'bool' ? 'bool' : t;
  return `json: cannot unmarshal ${word} into Go value of type []interface {}`;
}

/** `Validate.Validate`: `[path, message]` or undefined. */
export function validateValidateRule(rule: Obj): readonly [string, string] | undefined {
  const v = obj(rule['validate']) ?? {};
  const count = elementCount(v);
  if (count === 0) return ['', 'one of pattern, anyPattern, deny, foreach, cel must be specified'];
  if (count > 1) return ['', 'only one of pattern, anyPattern, deny, foreach, cel can be specified'];

  const pattern = getPattern(v);
  if (pattern !== undefined) {
    const e = validatePattern(pattern, '/', VALIDATE_ANCHORS);
    if (e) return [`pattern.${e[0]}`, e[1]];
  }
  const anyPattern = getAnyPattern(v);
  if (anyPattern !== undefined) {
    if (!Array.isArray(anyPattern)) return ['anyPattern', `failed to deserialize anyPattern, expect array: ${anyPatternDecodeError(anyPattern)}`];
    for (let i = 0; i < anyPattern.length; i++) {
      const e = validatePattern(anyPattern[i] as JsonValue, '/', VALIDATE_ANCHORS);
      if (e) return [`anyPattern[${i}].${e[0]}`, e[1]];
    }
  }
  const foreach = list(v['foreach']);
  if (foreach) {
    for (const fe of objects(foreach)) {
      const e = foreachError(fe);
      if (e !== undefined) return ['', e];
    }
  }
  const cel = obj(v['cel']);
  if (present(rule['celPreconditions']) && Array.isArray(rule['celPreconditions']) && !cel) {
    return ['', 'celPrecondition can only be used with validate.cel'];
  }
  if (cel) {
    for (const e of objects(cel['expressions'])) if (str(e['expression']) === '') return ['', 'cel.expressions.expression is required'];
    const paramKind = obj(cel['paramKind']);
    const paramRef = obj(cel['paramRef']);
    if (paramKind) {
      if (str(paramKind['apiVersion']) === '') return ['', 'cel.paramKind.apiVersion is required'];
      if (str(paramKind['kind']) === '') return ['', 'cel.paramKind.kind is required'];
      if (!paramRef) return ['', 'cel.paramRef is required'];
    }
    if (paramRef) {
      const hasName = str(paramRef['name']) !== '';
      const hasSelector = present(paramRef['selector']);
      if (hasName === hasSelector) return ['', 'one of cel.paramRef.name or cel.paramRef.selector must be set'];
      if (!present(paramRef['parameterNotFoundAction'])) return ['', 'cel.paramRef.parameterNotFoundAction is required'];
      if (!paramKind) return ['', 'cel.paramKind is required'];
    }
    if (Array.isArray(cel['auditAnnotations'])) {
      for (const a of objects(cel['auditAnnotations'])) {
        if (str(a['key']) === '') return ['', 'cel.auditAnnotation.key is required'];
        if (str(a['valueExpression']) === '') return ['', 'cel.auditAnnotation.valueExpression is required'];
      }
    }
  }
  return undefined;
}
