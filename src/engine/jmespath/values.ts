/**
 * Runtime values of the interpreter. Besides JSON values, go-jmespath's functions can produce Go
 * values JSON has no name for, and the fork treats them differently from JSON numbers/arrays:
 * - `GoInt`: an `int` (only `compare()` returns one): not a JMESPath number (`compare('a','b') == \`-1\``
 *   is false, `abs(compare(...))` is a type error), JSON-encodes as a number;
 * - `MapSlice`: a `[]map[string]interface{}` (only `items()` returns one): an array for projections,
 *   indexing, `length()`, but not for `sort_by`/`map`/`contains`... (Go panics there) nor `==`;
 * - `ExpRef`: an expression reference (`&foo`).
 * `toJson` turns a result back into plain JSON at the API boundary.
 */
import type { JsonObject, JsonValue } from '../api/json.ts';
import { goStringCompare } from '../utils/goconv.ts';
import { goJsonNumber } from '../utils/gofmt.ts';
import type { Node } from './ast.ts';
import { JmesPathError } from './errors.ts';
import { goJsonQuote } from './go-json.ts';

/** Base class of the non-JSON runtime values. */
export abstract class GoValue {}

export class GoInt extends GoValue {
  constructor(readonly value: number) {
    super();
  }
}

export class MapSlice extends GoValue {
  constructor(readonly items: JsonObject[]) {
    super();
  }
}

export class ExpRef extends GoValue {
  constructor(readonly ref: Node) {
    super();
  }
}

export type Value = JsonValue | GoValue | Value[] | { [k: string]: Value };
/** A value or the NotFound marker (internal to the interpreter and expression-reference functions). */
export type Result = Value | Missing;
export type ObjectValue = { [k: string]: Value };

/** A JSON object (Go map[string]interface{}), not an array nor a special value. */
export function isMap(v: unknown): v is ObjectValue {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof GoValue);
}

/** Any Go slice: []interface{} or a MapSlice (Go's isSliceType). */
export function isSliceType(v: unknown): boolean {
  return Array.isArray(v) || v instanceof MapSlice;
}

/** The elements of a slice value (reflection path of go-jmespath). */
export function sliceItems(v: Value): readonly Value[] {
  return Array.isArray(v) ? v : (v as MapSlice).items;
}

/** JMESPath falsiness as go-jmespath's isFalse. */
export function isFalse(v: Value): boolean {
  if (v === null || v === false || v === '') return true;
  if (typeof v !== 'object') return false;
  if (Array.isArray(v)) return v.length === 0;
  if (v instanceof GoValue) return v instanceof MapSlice && v.items.length === 0;
  for (const _ in v) return false;
  return true;
}

function nodesEqual(a: Node, b: Node): boolean {
  if (a.type !== b.type || a.children.length !== b.children.length) return false;
  if (!deepEqualGo(a.value as Value, b.value as Value)) return false;
  for (let i = 0; i < a.children.length; i++) if (!nodesEqual(a.children[i] as Node, b.children[i] as Node)) return false;
  return true;
}

/** reflect.DeepEqual over runtime values (types matter: GoInt(1) != 1, MapSlice != array). */
export function deepEqualGo(a: Value | undefined, b: Value | undefined): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return a === b || (a === undefined && b === null) || (a === null && b === undefined);
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqualGo(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  if (a instanceof GoValue || b instanceof GoValue) {
    if (a instanceof GoInt) return b instanceof GoInt && a.value === b.value;
    if (a instanceof MapSlice) return b instanceof MapSlice && deepEqualGo(a.items, b.items);
    if (a instanceof ExpRef) return b instanceof ExpRef && nodesEqual(a.ref, b.ref);
    return false;
  }
  const ao = a as ObjectValue;
  const bo = b as ObjectValue;
  let n = 0;
  for (const k in ao) {
    if (!Object.prototype.hasOwnProperty.call(bo, k)) return false;
    if (!deepEqualGo(ao[k], bo[k])) return false;
    n++;
  }
  for (const _ in bo) n--;
  return n === 0;
}

/** True when the value holds a GoInt or MapSlice somewhere (needs `toJson`). */
function hasGoValue(v: Value): boolean {
  if (typeof v !== 'object' || v === null) return false;
  if (v instanceof GoValue) return true;
  if (Array.isArray(v)) {
    for (const x of v) if (hasGoValue(x)) return true;
    return false;
  }
  for (const k in v) if (hasGoValue((v as ObjectValue)[k] as Value)) return true;
  return false;
}

function convert(v: Value): JsonValue {
  if (typeof v !== 'object' || v === null) return v;
  if (v instanceof GoInt) return v.value;
  if (v instanceof MapSlice) return v.items;
  if (v instanceof ExpRef) return {};
  if (Array.isArray(v)) return v.map(convert);
  const out: JsonObject = {};
  for (const k of Object.keys(v)) out[k] = convert((v as ObjectValue)[k] as Value);
  return out;
}

/**
 * A result as plain JSON: GoInt -> number, MapSlice -> array, ExpRef -> {} (as Go JSON-encodes it).
 * Returns the same object when there is nothing to convert.
 */
export function toJson(v: Value): JsonValue {
  return hasGoValue(v) ? convert(v) : (v as JsonValue);
}

/**
 * The fork's NotFoundError while it travels through the tree: returned (not thrown) by field reads,
 * propagated by sub-expressions, and turned into null by every construct that swallows it. One
 * instance per field node, so reading a missing key allocates nothing.
 */
export class Missing extends GoValue {
  constructor(readonly key: string) {
    super();
  }
}

/**
 * Go `json.Marshal` of a runtime value: sorted keys, HTML-safe strings, Go float formatting;
 * NaN/±Inf fail with `json: unsupported value: NaN` (JmesPathError JMESPATH_FUNCTION).
 */
export function goMarshal(v: Value): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(v)) {
        throw new JmesPathError('JMESPATH_FUNCTION', `json: unsupported value: ${Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf'}`);
      }
      return goJsonNumber(v);
    case 'string':
      return goJsonQuote(v);
    default:
      break;
  }
  if (Array.isArray(v)) {
    let out = '[';
    for (let i = 0; i < v.length; i++) out += (i > 0 ? ',' : '') + goMarshal(v[i] as Value);
    return out + ']';
  }
  if (v instanceof GoValue) {
    if (v instanceof GoInt) return String(v.value);
    if (v instanceof MapSlice) return goMarshal(v.items);
    return '{}';
  }
  const keys = Object.keys(v).sort(goStringCompare);
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    out += (i > 0 ? ',' : '') + goJsonQuote(k) + ':' + goMarshal((v as ObjectValue)[k] as Value);
  }
  return out + '}';
}
