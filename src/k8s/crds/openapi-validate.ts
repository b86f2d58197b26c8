/**
 * OpenAPI v3 value validation with the semantics and messages of kube-openapi's `SchemaValidator`
 * (pkg/validation/validate) as the API server converts them to field errors
 * (apiextensions-apiserver validation.go `kubeOpenAPIResultToFieldErrors`).
 *
 * Per schema node the checks run in kube-openapi's order: type, composition (anyOf/oneOf/allOf/not),
 * string (maxLength, minLength, pattern: first failure only), format, number (format range, bounds),
 * array (items, minItems, maxItems), enum, object (additional properties, properties, required).
 * A failed check does not stop the others. Object properties are visited in document order (Go's
 * order is random).
 *
 * ```ts
 * const errs: SchemaError[] = [];
 * validateOpenAPI({ spec: { background: 'yes' } }, root, errs);
 * formatSchemaError(errs[0]);
 * // 'spec.background: Invalid value: "string": spec.background in body must be of type boolean: "string"'
 * ```
 */
import { deepEqual, type JsonValue } from '../../engine/api/json.ts';
import { goQuote, isGoInt64Number, utf8Length } from '../../engine/utils/goconv.ts';
import { goSprintFloat } from '../../engine/utils/gofmt.ts';
import type { CompiledSchema } from './compile.ts';
import { formatFieldPath, invalid, notSupported, required, tooLong, tooMany, type DocPath, type SchemaError } from './field-error.ts';
import { formatChecker } from './formats.ts';

type Kind = 'string' | 'int' | 'float' | 'boolean' | 'array' | 'object';

function kindOf(v: Exclude<JsonValue, null>): Kind {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return isGoInt64Number(v) ? 'int' : 'float';
  return Array.isArray(v) ? 'array' : 'object';
}

/** JSON type and Go-reflected format of a value, as kube-openapi infers them. */
const SCH_TYPE: Record<Kind, readonly [string, string]> = {
  string: ['string', ''],
  int: ['integer', 'int64'],
  float: ['number', 'float64'],
  boolean: ['boolean', ''],
  array: ['array', ''],
  object: ['object', ''],
};

/** kube-openapi's path string for a document path (`spec.rules[0]`; the root is empty). */
const pathString = (p: DocPath): string => formatFieldPath(p);

/** The field an error names: the path, or `<nil>` at the root. */
const errField = (p: DocPath): string => (p.length === 0 ? '<nil>' : formatFieldPath(p));

function typeError(p: DocPath, typeName: string, value: string): SchemaError {
  const ps = pathString(p);
  return invalid({ path: [...p], field: errField(p), code: 'TYPE' }, value, `${ps} in body must be of type ${typeName}: ${goQuote(value)}`);
}

/** An error kube-openapi raises as a plain error: Go reports it at `<nil>` with an empty value. */
function unnamed(p: DocPath, code: SchemaError['code'], detail: string): SchemaError {
  return invalid({ path: [...p], field: '<nil>', code }, '', detail);
}

function checkType(v: Exclude<JsonValue, null>, kind: Kind, s: CompiledSchema, p: DocPath, out: SchemaError[]): void {
  const [schType, format] = SCH_TYPE[kind];
  const tType = s.type ?? '';
  const tFormat = s.format ?? '';
  const isFloatInt = schType === 'number' && Number.isInteger(v) && Math.abs(v as number) <= 2 ** 53 && tType === 'integer';
  const isIntFloat = schType === 'integer' && tType === 'number';
  if (kind !== 'string' && kind !== 'array' && tFormat !== '' && !(tType === schType || format === tFormat || isFloatInt || isIntFloat)) {
    out.push(typeError(p, tFormat, format));
    return;
  }
  if (tType !== 'number' && tType !== 'integer' && tFormat !== '' && (kind === 'string' || kind === 'array')) return;
  if (!(tType === schType || isFloatInt || isIntFloat)) out.push(typeError(p, tType, schType));
}

/** Validates `v` against one alternative, returning its errors. */
function sub(v: JsonValue, s: CompiledSchema, p: DocPath): SchemaError[] {
  const errs: SchemaError[] = [];
  validateNode(v, s, p, errs);
  return errs;
}

function checkComposition(v: JsonValue, s: CompiledSchema, p: DocPath, out: SchemaError[]): void {
  const quoted = goQuote(pathString(p));
  if (s.anyOf.length > 0) {
    let firstFailure: SchemaError[] | undefined;
    let ok = false;
    for (const alt of s.anyOf) {
      const errs = sub(v, alt, p);
      if (errs.length === 0) {
        ok = true;
        break;
      }
      firstFailure ??= errs;
    }
    if (!ok) {
      out.push(unnamed(p, 'ANY_OF', `${quoted} must validate at least one schema (anyOf)`));
      out.push(...firstFailure!);
    }
  }
  if (s.oneOf.length > 0) {
    let valid = 0;
    let firstFailure: SchemaError[] | undefined;
    for (const alt of s.oneOf) {
      const errs = sub(v, alt, p);
      if (errs.length === 0) valid++;
      else if (valid === 0) firstFailure ??= errs;
    }
    if (valid !== 1) {
      const more = valid === 0 ? 'Found none valid' : `Found ${valid} valid alternatives`;
      out.push(unnamed(p, 'ONE_OF', `${quoted} must validate one and only one schema (oneOf). ${more}`));
      if (valid === 0 && firstFailure) out.push(...firstFailure);
    }
  }
  if (s.allOf.length > 0) {
    let valid = 0;
    for (const alt of s.allOf) {
      const errs = sub(v, alt, p);
      if (errs.length === 0) valid++;
      out.push(...errs);
    }
    if (valid !== s.allOf.length) {
      out.push(unnamed(p, 'ALL_OF', `${quoted} must validate all the schemas (allOf)${valid === 0 ? '. None validated' : ''}`));
    }
  }
  if (s.not !== undefined && sub(v, s.not, p).length === 0) {
    out.push(unnamed(p, 'NOT', `${quoted} must not validate the schema (not)`));
  }
}

function checkString(v: string, s: CompiledSchema, p: DocPath, out: SchemaError[]): void {
  const src = s.source;
  const b = { path: [...p], field: errField(p) };
  if (src.maxLength !== undefined && utf8Length(v) > src.maxLength) {
    out.push(tooLong({ ...b, code: 'TOO_LONG' }, src.maxLength));
    return;
  }
  if (src.minLength !== undefined && utf8Length(v) < src.minLength) {
    out.push(invalid({ ...b, code: 'TOO_SHORT' }, v, `${pathString(p)} in body should be at least ${src.minLength} chars long`));
    return;
  }
  if (s.pattern !== undefined && !s.pattern.test(v)) {
    out.push(invalid({ ...b, code: 'PATTERN' }, v, `${pathString(p)} in body should match '${src.pattern}'`));
  }
}

const INT32_MIN = -(2n ** 31n);
const INT32_MAX = 2n ** 31n - 1n;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const FLOAT32_MAX = 3.4028234663852886e38;

/** kube-openapi `IsValueValidAgainstRange` for the schema's number type/format. */
function inRange(v: number, kind: Kind, typeName: string, format: string): boolean {
  if (typeName === 'integer') {
    if (kind !== 'int') return false; // the decimal text of a fraction does not parse as an integer
    const n = BigInt(v);
    if (format === 'int32') return n >= INT32_MIN && n <= INT32_MAX;
    return n >= INT64_MIN && n <= INT64_MAX;
  }
  if (format === 'float') return Math.abs(v) <= FLOAT32_MAX;
  return true;
}

function renderBound(bound: number, kind: Kind): string {
  return kind === 'int' && Number.isInteger(bound) ? String(bound) : goSprintFloat(bound);
}

function checkNumber(v: number, kind: Kind, s: CompiledSchema, p: DocPath, out: SchemaError[]): void {
  const src = s.source;
  let typeName = '';
  let format = '';
  if (s.type === 'integer') {
    typeName = 'integer';
    if (s.format === 'int32' || s.format === 'int64') format = s.format;
  } else if (s.type === 'number') {
    typeName = 'number';
    if (s.format === 'float' || s.format === 'double') format = s.format;
  }
  const ps = pathString(p);
  if (typeName !== '' && !inRange(v, kind, typeName, format)) {
    const what = format !== '' ? `of type ${typeName} with format ${format}` : `of type ${typeName} (default format)`;
    out.push(unnamed(p, 'RANGE', `Checked value must be ${what} in ${ps}`));
  }
  const b = { path: [...p], field: errField(p) };
  if (src.multipleOf !== undefined && src.multipleOf !== 0) {
    const q = v / src.multipleOf;
    if (!Number.isInteger(q)) {
      out.push(invalid({ ...b, code: 'MULTIPLE_OF' }, v, `${ps} in body should be a multiple of ${goSprintFloat(src.multipleOf)}`));
    }
  }
  if (src.minimum !== undefined) {
    const bad = src.exclusiveMinimum ? v <= src.minimum : v < src.minimum;
    if (bad) {
      const rel = src.exclusiveMinimum ? 'greater than' : 'greater than or equal to';
      out.push(invalid({ ...b, code: 'MINIMUM' }, v, `${ps} in body should be ${rel} ${renderBound(src.minimum, kind)}`));
    }
  }
  if (src.maximum !== undefined) {
    const bad = src.exclusiveMaximum ? v >= src.maximum : v > src.maximum;
    if (bad) {
      const rel = src.exclusiveMaximum ? 'less than' : 'less than or equal to';
      out.push(invalid({ ...b, code: 'MAXIMUM' }, v, `${ps} in body should be ${rel} ${renderBound(src.maximum, kind)}`));
    }
  }
}

function checkArray(v: JsonValue[], s: CompiledSchema, p: DocPath, out: SchemaError[]): void {
  const src = s.source;
  if (s.items !== undefined) {
    for (let i = 0; i < v.length; i++) {
      p.push(i);
      validateNode(v[i]!, s.items, p, out);
      p.pop();
    }
  }
  const b = { path: [...p], field: errField(p) };
  if (src.minItems !== undefined && v.length < src.minItems) {
    out.push(invalid({ ...b, code: 'TOO_FEW_ITEMS' }, v.length, `${pathString(p)} in body should have at least ${src.minItems} items`));
  }
  if (src.maxItems !== undefined && v.length > src.maxItems) {
    out.push(tooMany({ ...b, code: 'TOO_MANY_ITEMS' }, v.length, src.maxItems));
  }
  if (src.uniqueItems) {
    const seen: JsonValue[] = [];
    for (const x of v) {
      if (seen.some((y) => deepEqual(x, y))) {
        out.push(invalid({ ...b, code: 'UNIQUE_ITEMS' }, '', `${pathString(p)} in body shouldn't contain duplicates`));
        break;
      }
      seen.push(x);
    }
  }
}

function checkEnum(v: JsonValue, s: CompiledSchema, p: DocPath, out: SchemaError[]): void {
  if (typeof v === 'string' && s.enumStrings!.has(v)) return;
  if (typeof v !== 'string' && v !== null && s.enum!.some((e) => typeof e === typeof v && deepEqual(e, v))) return;
  out.push(notSupported({ path: [...p], field: errField(p), code: 'ENUM' }, v, s.enumDisplay));
}

function checkObject(v: { [k: string]: JsonValue }, s: CompiledSchema, p: DocPath, out: SchemaError[]): void {
  const props = s.properties;
  for (const k of Object.keys(v)) {
    const prop = props?.get(k) ?? s.additional;
    if (prop === undefined) continue;
    p.push(k);
    validateNode(v[k]!, prop, p, out);
    p.pop();
  }
  for (const k of s.required) {
    if (v[k] === undefined) {
      p.push(k);
      out.push(required({ path: [...p], code: 'REQUIRED' }));
      p.pop();
    }
  }
}

/** Validates `v` against node `s` at path `p` (a mutable stack, restored on return). */
export function validateNode(v: JsonValue, s: CompiledSchema, p: DocPath, out: SchemaError[]): void {
  if (v === null) {
    if (s.type !== undefined && !s.nullable) out.push(typeError(p, s.type, 'null'));
    if (s.enum !== undefined) checkEnum(v, s, p, out);
    return;
  }
  const kind = kindOf(v);
  if (s.type !== undefined || s.format !== undefined) checkType(v, kind, s, p, out);
  if (s.anyOf.length > 0 || s.oneOf.length > 0 || s.allOf.length > 0 || s.not !== undefined) checkComposition(v, s, p, out);
  if (kind === 'string') {
    checkString(v as string, s, p, out);
    if (s.format !== undefined) {
      const check = formatChecker(s.format);
      if (check !== undefined && !check(v as string)) {
        out.push(
          invalid(
            { path: [...p], field: errField(p), code: 'FORMAT' },
            v,
            `${pathString(p)} in body must be of type ${s.format}: ${goQuote(v as string)}`,
          ),
        );
      }
    }
  } else if (kind === 'int' || kind === 'float') {
    checkNumber(v as number, kind, s, p, out);
  } else if (kind === 'array') {
    checkArray(v as JsonValue[], s, p, out);
  }
  if (s.enum !== undefined) checkEnum(v, s, p, out);
  if (kind === 'object') checkObject(v as { [k: string]: JsonValue }, s, p, out);
}

/** Validates a whole resource against its root schema; errors are appended to `out`. */
export function validateOpenAPI(obj: JsonValue, root: CompiledSchema, out: SchemaError[]): void {
  validateNode(obj, root, [], out);
}
