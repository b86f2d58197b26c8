/**
 * Validation errors as apimachinery's `field.Error` renders them (`<field>: <body>`), with the
 * document path kept separately for line lookup.
 *
 * ```ts
 * notSupported(['spec', 'validationFailureAction'], 'deny', ['Audit', 'Enforce']).message
 * // 'Unsupported value: "deny": supported values: "Audit", "Enforce"'
 * ```
 */
import type { JsonValue } from '../../engine/api/json.ts';
import { goJsonMarshal } from '../../engine/utils/gojson.ts';
import { goQuote, isGoInt64Number } from '../../engine/utils/goconv.ts';
import { goSprintFloat } from '../../engine/utils/gofmt.ts';

/** A document path: object keys and array indexes. */
export type DocPath = Array<string | number>;

/** Stable error codes. */
export type SchemaErrorCode =
  /** a field the schema does not know (fatal for the Kyverno CLI) */
  | 'UNKNOWN_FIELD'
  /** metadata that does not decode as ObjectMeta */
  | 'METADATA_DECODE'
  /** a strict decoding error reported by the reader (duplicate keys) */
  | 'STRICT_DECODE'
  | 'TYPE'
  | 'ENUM'
  | 'REQUIRED'
  | 'TOO_LONG'
  | 'TOO_SHORT'
  | 'PATTERN'
  | 'FORMAT'
  /** a number outside its integer format's range */
  | 'RANGE'
  | 'MINIMUM'
  | 'MAXIMUM'
  | 'MULTIPLE_OF'
  | 'TOO_FEW_ITEMS'
  | 'TOO_MANY_ITEMS'
  | 'UNIQUE_ITEMS'
  | 'TOO_FEW_PROPERTIES'
  | 'TOO_MANY_PROPERTIES'
  | 'ONE_OF'
  | 'ANY_OF'
  | 'ALL_OF'
  | 'NOT'
  /** a repeated entry of an `x-kubernetes-list-type: set|map` list */
  | 'DUPLICATE'
  | 'LIST_MAP_ITEM'
  /** an `x-kubernetes-validations` rule that failed */
  | 'RULE'
  /** rules not evaluated because of earlier errors */
  | 'RULES_SKIPPED'
  | 'NAME'
  | 'GENERATE_NAME'
  | 'NAMESPACE'
  | 'LABELS'
  | 'ANNOTATIONS'
  | 'OWNER_REFERENCES'
  | 'FINALIZERS'
  | 'MANAGED_FIELDS'
  /** no schema for the document's group/version/kind */
  | 'NO_SCHEMA';

/**
 * One problem. `stage` tells where Kubernetes finds it: `parse` (decoding: unknown fields, malformed
 * metadata) or `validate` (schema and ObjectMeta validation).
 */
export interface SchemaError {
  path: DocPath;
  /** Go's field path (`spec.rules[0].name`; `<nil>` where Go reports none; empty for decode errors) */
  field: string;
  code: SchemaErrorCode;
  /** Go's error body, e.g. `Required value` or `Invalid value: value provided for unknown field` */
  message: string;
  stage: 'parse' | 'validate';
}

/** `field: message`, as `field.Error.Error()` prints it (just the message when there is no field). */
export function formatSchemaError(e: SchemaError): string {
  return e.field === '' ? e.message : `${e.field}: ${e.message}`;
}

/** Go `field.Path` rendering: `a.b[0].c`. */
export function formatFieldPath(path: ReadonlyArray<string | number>): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? p : `.${p}`;
  }
  return out;
}

/** A bad value as `field.Error.ErrorBody` prints it. */
export function renderBadValue(v: JsonValue | undefined): string {
  if (v === undefined || v === null) return 'null';
  switch (typeof v) {
    case 'string':
      return goQuote(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      return isGoInt64Number(v) ? String(BigInt(v)) : goSprintFloat(v);
    default:
      return goJsonMarshal(v);
  }
}

interface Base {
  path: DocPath;
  field?: string;
  code: SchemaErrorCode;
  stage?: 'parse' | 'validate';
}

const make = (b: Base, message: string): SchemaError => ({
  path: b.path,
  field: b.field ?? formatFieldPath(b.path),
  code: b.code,
  message,
  stage: b.stage ?? 'validate',
});

const withDetail = (s: string, detail: string): string => (detail ? `${s}: ${detail}` : s);

/** `field.Invalid(path, value, detail)`; `value` omitted when undefined (Go `OmitValueType`). */
export function invalid(b: Base, value: JsonValue | undefined, detail: string): SchemaError {
  const head = value === undefined ? 'Invalid value' : `Invalid value: ${renderBadValue(value)}`;
  return make(b, withDetail(head, detail));
}

/** `field.Required(path, detail)`. */
export function required(b: Base, detail = ''): SchemaError {
  return make(b, withDetail('Required value', detail));
}

/** `field.Forbidden(path, detail)`. */
export function forbidden(b: Base, detail: string): SchemaError {
  return make(b, withDetail('Forbidden', detail));
}

/** `field.NotSupported(path, value, validValues)`. */
export function notSupported(b: Base, value: JsonValue | undefined, valid: readonly string[]): SchemaError {
  const detail = valid.length > 0 ? `supported values: ${valid.map(goQuote).join(', ')}` : '';
  return make(b, withDetail(`Unsupported value: ${renderBadValue(value)}`, detail));
}

/** `field.TooLong(path, _, max)`. */
export function tooLong(b: Base, max: number): SchemaError {
  return make(b, `Too long: ${max >= 0 ? `may not be more than ${max} ${max === 1 ? 'byte' : 'bytes'}` : 'value is too long'}`);
}

/** `field.TooMany(path, actual, max)`. */
export function tooMany(b: Base, actual: number, max: number): SchemaError {
  let detail: string;
  if (max >= 0) detail = `must have at most ${max} ${max === 1 ? 'item' : 'items'}`;
  else detail = 'has too many items';
  return make(b, `Too many: ${actual}: ${detail}`);
}

/** `field.Duplicate(path, value)`. */
export function duplicate(b: Base, value: JsonValue): SchemaError {
  return make(b, `Duplicate value: ${renderBadValue(value)}`);
}

/** An error Go prints without a field (a decode error). */
export function raw(b: Base, message: string): SchemaError {
  return { path: b.path, field: '', code: b.code, message, stage: b.stage ?? 'parse' };
}

/**
 * `utilerrors.NewAggregate(list.ToAggregate())` text: duplicates dropped, one error bare, several as
 * `[a, b]`.
 */
export function aggregate(errors: readonly SchemaError[]): string {
  const seen = new Set<string>();
  const msgs: string[] = [];
  for (const e of errors) {
    const m = formatSchemaError(e);
    if (seen.has(m)) continue;
    seen.add(m);
    msgs.push(m);
  }
  if (msgs.length === 1) return msgs[0]!;
  return `[${msgs.join(', ')}]`;
}
