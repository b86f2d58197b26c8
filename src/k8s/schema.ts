/**
 * A small structural schema language for strict decoding of configuration documents (like Go's
 * UnmarshalStrict): unknown fields and wrong types are reported with their field path.
 */
import { isObject, type JsonValue } from '../engine/api/json.ts';

export type Schema =
  | { t: 'string' }
  | { t: 'number'; integer?: boolean }
  | { t: 'boolean' }
  | { t: 'any' }
  | { t: 'array'; items: Schema }
  | { t: 'map'; values: Schema }
  | { t: 'object'; fields: Record<string, Schema>; required?: string[]; open?: boolean }
  | { t: 'enum'; values: readonly string[] };

export const s = {
  string: (): Schema => ({ t: 'string' }),
  int: (): Schema => ({ t: 'number', integer: true }),
  number: (): Schema => ({ t: 'number' }),
  bool: (): Schema => ({ t: 'boolean' }),
  any: (): Schema => ({ t: 'any' }),
  array: (items: Schema): Schema => ({ t: 'array', items }),
  map: (values: Schema): Schema => ({ t: 'map', values }),
  object: (fields: Record<string, Schema>, opts: { required?: string[]; open?: boolean } = {}): Schema => ({
    t: 'object',
    fields,
    ...opts,
  }),
  enum: (...values: string[]): Schema => ({ t: 'enum', values }),
};

export interface SchemaProblem {
  /** path segments, for line lookup */
  path: Array<string | number>;
  /** display path, e.g. results[0].resource */
  field: string;
  message: string;
}

export function formatFieldPath(path: ReadonlyArray<string | number>): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? p : `.${p}`;
  }
  return out;
}

function typeOf(v: JsonValue): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** Checks a value against a schema. `null` is accepted for any optional field (Go zero value). */
export function checkSchema(value: JsonValue, schema: Schema, path: Array<string | number> = []): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const add = (p: Array<string | number>, message: string): void => {
    problems.push({ path: p, field: formatFieldPath(p), message });
  };
  const walk = (v: JsonValue, sc: Schema, p: Array<string | number>): void => {
    if (v === null || sc.t === 'any') return;
    switch (sc.t) {
      case 'string':
        if (typeof v !== 'string') add(p, `expected string, got ${typeOf(v)}`);
        return;
      case 'number':
        if (typeof v !== 'number') add(p, `expected ${sc.integer ? 'integer' : 'number'}, got ${typeOf(v)}`);
        else if (sc.integer && !Number.isInteger(v)) add(p, `expected integer, got ${v}`);
        return;
      case 'boolean':
        if (typeof v !== 'boolean') add(p, `expected boolean, got ${typeOf(v)}`);
        return;
      case 'enum':
        if (typeof v !== 'string') add(p, `expected string, got ${typeOf(v)}`);
        else if (!sc.values.includes(v)) add(p, `unsupported value "${v}": supported values: ${sc.values.map((x) => `"${x}"`).join(', ')}`);
        return;
      case 'array':
        if (!Array.isArray(v)) {
          add(p, `expected array, got ${typeOf(v)}`);
          return;
        }
        v.forEach((it, i) => walk(it, sc.items, [...p, i]));
        return;
      case 'map':
        if (!isObject(v)) {
          add(p, `expected object, got ${typeOf(v)}`);
          return;
        }
        for (const k of Object.keys(v)) walk(v[k] as JsonValue, sc.values, [...p, k]);
        return;
      case 'object': {
        if (!isObject(v)) {
          add(p, `expected object, got ${typeOf(v)}`);
          return;
        }
        for (const k of Object.keys(v)) {
          // Go's encoding/json matches field names case-insensitively when there is no exact match
          const f = sc.fields[k] ?? caseInsensitiveField(sc.fields, k);
          if (!f) {
            if (!sc.open) add([...p, k], `unknown field "${k}"`);
            continue;
          }
          walk(v[k] as JsonValue, f, [...p, k]);
        }
        for (const r of sc.required ?? []) {
          if (v[r] === undefined) add([...p, r], `required field "${r}" is missing`);
        }
        return;
      }
    }
  };
  walk(value, schema, path);
  return problems;
}

function caseInsensitiveField(fields: Record<string, Schema>, key: string): Schema | undefined {
  const lower = key.toLowerCase();
  for (const name of Object.keys(fields)) if (name.toLowerCase() === lower) return fields[name];
  return undefined;
}

/** Returns a copy of `v` whose keys are renamed to the schema's spelling where Go would match them case-insensitively. */
export function canonicalizeKeys(v: JsonValue, schema: Schema): JsonValue {
  if (v === null || schema.t === 'any') return v;
  if (schema.t === 'array' && Array.isArray(v)) return v.map((x) => canonicalizeKeys(x, schema.items));
  if (schema.t === 'map' && isObject(v)) {
    const out: Record<string, JsonValue> = {};
    for (const [k, x] of Object.entries(v)) out[k] = canonicalizeKeys(x, schema.values);
    return out;
  }
  if (schema.t === 'object' && isObject(v)) {
    const out: Record<string, JsonValue> = {};
    for (const [k, x] of Object.entries(v)) {
      let name = k;
      let f = schema.fields[k];
      if (!f) {
        const lower = k.toLowerCase();
        for (const n of Object.keys(schema.fields)) if (n.toLowerCase() === lower) { name = n; f = schema.fields[n]; break; }
      }
      out[name] = f ? canonicalizeKeys(x, f) : x;
    }
    return out;
  }
  return v;
}
