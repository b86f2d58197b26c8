/**
 * The CEL types of Kubernetes mutations (k8s.io/apiserver pkg/cel/mutation: `Object` and its nested
 * `Object.<path>` types from the DynamicTypeResolver, `JSONPatch`) and the `jsonpatch.escapeKey`
 * function (pkg/cel/library JSONPatch), as a library for the policy environments. Message literals reach
 * these through message-syntax.ts.
 *
 * - `Object` / `Object.<path>` values hold their type name and fields; any field name is accepted, every
 *   field is `dyn`. Converted to JSON, a list field that is empty becomes null (upstream `convertField`).
 * - `JSONPatch` holds `op`, `path`, `from` (strings) and `value`; a non-string `op`/`path`/`from` or an
 *   unknown field is an evaluation error.
 *
 * ```ts
 * const env = createCelEnvironment({ libraries: [...defaultCelLibraries, mutationLibrary] });
 * ```
 */
import { deepEqual, isObject, type JsonObject, type JsonValue } from '../api/json.ts';
import { CelFunctionError } from '../cel/errors.ts';
import { defineNamespace, type CelLibrary } from '../cel/library.ts';
import { celToJson } from '../cel/values.ts';
import { Optional } from '@marcbachmann/cel-js';

/** An `Object` (or `Object.<path>`) value: `typeName` and the initialized fields (CEL values). */
export class ObjectVal {
  constructor(
    readonly typeName: string,
    readonly fields: Readonly<Record<string, unknown>> = {},
  ) {}
  with(name: string, value: unknown): this {
    const Ctor = this.constructor as new (t: string, f: Record<string, unknown>) => this;
    return new Ctor(this.typeName, { ...this.fields, [name]: value });
  }
  toJSON(): JsonValue {
    return objectValToJson(this);
  }
}

/** The root `Object` type (the output type of an ApplyConfiguration expression). */
export class RootObjectVal extends ObjectVal {}

/** A nested `Object.<path>` type. */
export class NestedObjectVal extends ObjectVal {}

/** A `JSONPatch` operation value. */
export class JsonPatchVal {
  constructor(
    readonly op = '',
    readonly path = '',
    readonly from = '',
    /** undefined when no value was given */
    readonly value: unknown = undefined,
    /** first construction problem (reported when the value is used) */
    readonly problem: string | undefined = undefined,
  ) {}
  with(name: string, value: unknown): JsonPatchVal {
    if (this.problem) return this;
    switch (name) {
      case 'op':
      case 'path':
      case 'from': {
        const s = typeof value === 'string' ? value : undefined;
        if (s === undefined) return new JsonPatchVal(this.op, this.path, this.from, this.value, `unexpected type ${celGoNativeType(value)} for JSONPatchType '${name}' field`);
        return new JsonPatchVal(name === 'op' ? s : this.op, name === 'path' ? s : this.path, name === 'from' ? s : this.from, this.value);
      }
      case 'value':
        return new JsonPatchVal(this.op, this.path, this.from, value);
      default:
        return new JsonPatchVal(this.op, this.path, this.from, this.value, `unexpected JSONPatchType field: ${name}`);
    }
  }
}

function celGoNativeType(v: unknown): string {
  switch (typeof v) {
    case 'bigint':
      return 'int64';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    default:
      if (v === null) return 'structpb.NullValue';
      if (Array.isArray(v)) return '[]ref.Val';
      return 'map[ref.Val]ref.Val';
  }
}

/** `JSONPatchVal.IsSet`: op/path/from when non-empty, value when given. */
export function jsonPatchHas(p: JsonPatchVal, field: string): boolean {
  switch (field) {
    case 'op':
      return p.op !== '';
    case 'path':
      return p.path !== '';
    case 'from':
      return p.from !== '';
    case 'value':
      return p.value !== undefined;
    default:
      throw new CelFunctionError(`unsupported field: ${field}`);
  }
}

/** `JSONPatchVal.Equal`: same op, path, from, and equal values (both absent counts as equal). */
export function jsonPatchEqual(a: JsonPatchVal, b: JsonPatchVal): boolean {
  if (a.op !== b.op || a.from !== b.from || a.path !== b.path) return false;
  if ((a.value === undefined) !== (b.value === undefined)) return false;
  if (a.value === undefined) return true;
  return celEqual(a.value, b.value);
}

function celEqual(a: unknown, b: unknown): boolean {
  if (typeof a !== typeof b) {
    // int and double compare by value in CEL's heterogeneous equality
    if ((typeof a === 'bigint' && typeof b === 'number') || (typeof a === 'number' && typeof b === 'bigint')) return Number(a) === Number(b);
    return false;
  }
  return deepEqual(mutationValueToJson(a), mutationValueToJson(b)) && (typeof a !== 'object' || a === null || Array.isArray(a) === Array.isArray(b));
}

/** A CEL value as JSON, with `Object` values (anywhere inside) converted to their field maps. */
export function mutationValueToJson(v: unknown): JsonValue {
  if (v instanceof ObjectVal) return objectValToJson(v);
  if (Array.isArray(v)) return v.map(mutationValueToJson);
  if (v instanceof Optional) return v.hasValue() ? mutationValueToJson(v.value()) : null;
  if (v instanceof Map) {
    const out: JsonObject = {};
    for (const [k, x] of v) out[typeof k === 'string' ? k : String(celToJson(k))] = mutationValueToJson(x);
    return out;
  }
  if (v !== null && typeof v === 'object' && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null)) {
    const out: JsonObject = {};
    for (const k of Object.keys(v)) out[k] = mutationValueToJson((v as Record<string, unknown>)[k]);
    return out;
  }
  return celToJson(v);
}

/** `ObjectVal.Value()`: the field map; an empty list field becomes null. */
export function objectValToJson(o: ObjectVal): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(o.fields)) {
    if (Array.isArray(v) && v.length === 0) out[k] = null;
    else out[k] = mutationValueToJson(v);
  }
  return out;
}

/**
 * `CheckTypeNamesMatchFieldPathNames`: every nested `Object.<path>` value must be named after the field
 * path that holds it (`Object{spec: Object.spec{...}}`); lists and maps keep the path of their field.
 */
export function checkTypeNames(o: ObjectVal): string | undefined {
  const errs: string[] = [];
  const visit = (v: unknown, path: string): void => {
    if (v instanceof ObjectVal) {
      if (v.typeName !== path) {
        errs.push(`unexpected type name "${v.typeName}", expected "${path}", which matches field name path from root Object type`);
      }
      for (const [k, f] of Object.entries(v.fields)) visit(f, `${path}.${k}`);
      return;
    }
    if (Array.isArray(v)) for (const x of v) visit(x, path);
    else if (v instanceof Map) for (const x of v.values()) visit(x, path);
    else if (isObject(v as JsonValue) && !(v instanceof JsonPatchVal)) for (const x of Object.values(v as object)) visit(x, path);
  };
  visit(o, o.typeName);
  return errs.length === 0 ? undefined : errs.join('\n');
}

/** `jsonpatch.escapeKey`: `~` -> `~0`, `/` -> `~1`. */
export function escapeJsonPatchKey(k: string): string {
  return k.replace(/~/g, '~0').replace(/\//g, '~1');
}

const ROOT = 'Object';
const NESTED = 'ObjectField';
const PATCH = 'JSONPatch';

export const mutationLibrary: CelLibrary = {
  name: 'kubernetes.mutation',
  namespaces: ['jsonpatch'],
  register(env) {
    env.registerType(ROOT, RootObjectVal);
    env.registerType(NESTED, NestedObjectVal);
    env.registerType(PATCH, { ctor: JsonPatchVal, fields: { op: 'string', path: 'string', from: 'string', value: 'dyn' } });
    env.registerOperator(`${PATCH} == ${PATCH}`, (a: JsonPatchVal, b: JsonPatchVal) => jsonPatchEqual(a, b));
    env.registerFunction(`__mpol_object(string): ${ROOT}`, (name: string) => new RootObjectVal(name));
    env.registerFunction(`__mpol_object_field(string): ${NESTED}`, (name: string) => new NestedObjectVal(name));
    // JSONPatch values are typed dyn: cel-go lets `cond ? JSONPatch{...} : null` type-check (null is
    // assignable to object types), which the checker used here only allows for dyn
    env.registerFunction('__mpol_jsonpatch(): dyn', () => new JsonPatchVal());
    for (const t of [ROOT, NESTED]) {
      env.registerOperator(`${t} == ${t}`, (a: ObjectVal, b: ObjectVal) => a.typeName === b.typeName && deepEqual(objectValToJson(a), objectValToJson(b)));
      env.registerFunction(`${t}.__mpol_set(string, dyn): ${t}`, (o: ObjectVal, k: string, v: unknown) => o.with(k, v));
      env.registerFunction(`${t}.__mpol_set_optional(string, dyn): ${t}`, (o: ObjectVal, k: string, v: unknown) => {
        if (!(v instanceof Optional)) throw new CelFunctionError('no such overload');
        return v.hasValue() ? o.with(k, v.value()) : o;
      });
    }
    env.registerFunction('__mpol_patch_set(dyn, string, dyn): dyn', (o: JsonPatchVal, k: string, v: unknown) => o.with(k, v));
    env.registerFunction('__mpol_patch_set_optional(dyn, string, dyn): dyn', (o: JsonPatchVal, k: string, v: unknown) => {
      if (!(v instanceof Optional)) throw new CelFunctionError('no such overload');
      return v.hasValue() ? o.with(k, v.value()) : o;
    });
    // `has(e.f)` for an operand the parser's has() macro does not take (see message-syntax.ts):
    // presence of the key in a map or object, false for any other value (cel-go's test-only selection)
    env.registerFunction('__mpol_has(dyn, string): bool', (v: unknown, f: string) => {
      if (v instanceof Map) return v.has(f);
      if (v instanceof JsonPatchVal) return jsonPatchHas(v, f);
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) return Object.prototype.hasOwnProperty.call(v, f) && (v as Record<string, unknown>)[f] !== undefined;
      return false;
    });
    const ns = defineNamespace(env, 'jsonpatch');
    env.registerFunction(`${ns}.escapeKey(string): string`, (_n: unknown, k: string) => escapeJsonPatchKey(k));
  },
};
