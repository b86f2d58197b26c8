/**
 * Small constructors for schema nodes, so the area files read like the Go types they mirror:
 *
 * ```ts
 * obj({ name: str(), count: int({ minimum: 1 }) }, { required: ['name'] })
 * ```
 *
 * Every call returns a fresh object; reuse a piece by calling its factory again (the YAML writer and
 * the compiler do not care about sharing, but fresh nodes keep accidental mutation local).
 */
import type { JsonValue } from '../../../engine/api/json.ts';
import type { JSONSchemaProps } from '../types.ts';

type Opts = Omit<JSONSchemaProps, 'type' | 'properties' | 'items' | 'additionalProperties'>;

export const str = (o: Opts = {}): JSONSchemaProps => ({ type: 'string', ...o });
export const bool = (o: Opts = {}): JSONSchemaProps => ({ type: 'boolean', ...o });
/** `integer` without a format (Go `int`). */
export const int = (o: Opts = {}): JSONSchemaProps => ({ type: 'integer', ...o });
export const int32 = (o: Opts = {}): JSONSchemaProps => ({ type: 'integer', format: 'int32', ...o });
export const int64 = (o: Opts = {}): JSONSchemaProps => ({ type: 'integer', format: 'int64', ...o });
export const dateTime = (o: Opts = {}): JSONSchemaProps => ({ type: 'string', format: 'date-time', ...o });

/** A string restricted to `values` (kubebuilder `validation:Enum`). */
export const oneOfStrings = (values: readonly string[], o: Opts = {}): JSONSchemaProps => ({
  type: 'string',
  enum: [...values],
  ...o,
});

export const arr = (items: JSONSchemaProps, o: Opts = {}): JSONSchemaProps => ({ type: 'array', items, ...o });
export const strings = (o: Opts = {}): JSONSchemaProps => arr(str(), o);
/** `x-kubernetes-list-type: atomic` list. */
export const atomicList = (items: JSONSchemaProps, o: Opts = {}): JSONSchemaProps =>
  arr(items, { 'x-kubernetes-list-type': 'atomic', ...o });
/** `x-kubernetes-list-type: map` list keyed by `keys`. */
export const mapList = (items: JSONSchemaProps, keys: string[], o: Opts = {}): JSONSchemaProps =>
  arr(items, { 'x-kubernetes-list-map-keys': keys, 'x-kubernetes-list-type': 'map', ...o });

/** `map[string]T`. */
export const mapOf = (values: JSONSchemaProps, o: Opts = {}): JSONSchemaProps => ({
  type: 'object',
  additionalProperties: values,
  ...o,
});
/** `map[string]string`. */
export const stringMap = (o: Opts = {}): JSONSchemaProps => mapOf(str(), o);

/** A struct. */
export const obj = (properties: Record<string, JSONSchemaProps>, o: Opts = {}): JSONSchemaProps => ({
  type: 'object',
  properties,
  ...o,
});
/** A struct with `x-kubernetes-map-type: atomic`. */
export const atomicObj = (properties: Record<string, JSONSchemaProps>, o: Opts = {}): JSONSchemaProps =>
  obj(properties, { 'x-kubernetes-map-type': 'atomic', ...o });

/** Arbitrary JSON (kubebuilder `XPreserveUnknownFields` on an `apiextensionsv1.JSON`/`Any` field). */
export const anyJson = (o: Opts = {}): JSONSchemaProps => ({ 'x-kubernetes-preserve-unknown-fields': true, ...o });

/** `oneOf` of single-field `required` alternatives: exactly one of `fields` must be set. */
export const exactlyOneOf = (...fields: string[]): JSONSchemaProps[] => fields.map((f) => ({ required: [f] }));

/** `not: {required: fields}`: the fields may not all be set together. */
export const notAll = (...fields: string[]): JSONSchemaProps => ({ required: fields });

/** Adds a default to a node. */
export const withDefault = (s: JSONSchemaProps, value: JsonValue): JSONSchemaProps => ({ ...s, default: value });
