/**
 * How structured-merge-diff prints values in its messages: `%v` / `%#v` of a `value.Value` (a pointer to
 * its unstructured wrapper: `&{abc}`, `&value.valueUnstructured{Value:"abc"}`), `%T` of the unstructured
 * value, and `value.ToString` (used in path elements: strings quoted, numbers plain, `null`).
 */
import type { JsonValue } from '../../api/json.ts';
import { goQuote } from '../../utils/goconv.ts';
import { goSprintValue, goTypeName as goType } from '../../utils/gofmt.ts';
import { goSprintFloat } from '../../utils/gofmt.ts';
import { isGoInt64Number } from '../../utils/goconv.ts';

/** `%T` of the unstructured form of a value (`string`, `int64`, `map[string]interface {}`...). */
export function goTypeName(v: JsonValue): string {
  return goType(v);
}

/** `%#v` of a Go interface holding a decoded JSON value. */
function goSharp(v: JsonValue): string {
  if (v === null) return '<nil>';
  switch (typeof v) {
    case 'string':
      return goQuote(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      return isGoInt64Number(v) ? BigInt(v).toString() : goSprintFloat(v);
    default:
      break;
  }
  if (Array.isArray(v)) return `[]interface {}{${v.map(goSharp).join(', ')}}`;
  const keys = Object.keys(v).sort();
  return `map[string]interface {}{${keys.map((k) => `${goQuote(k)}:${goSharp(v[k] as JsonValue)}`).join(', ')}}`;
}

/** `%v` (or `%#v` when `sharp`) of a `value.Value` wrapping `v`. */
export function goValueText(v: JsonValue, sharp: boolean): string {
  if (sharp) return `&value.valueUnstructured{Value:${goSharp(v)}}`;
  return `&{${goSprintValue(v)}}`;
}

/** `value.ToString`. */
export function goScalarText(v: JsonValue): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
      return goQuote(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      return isGoInt64Number(v) ? BigInt(v).toString() : goSprintFloat(v);
    default:
      break;
  }
  if (Array.isArray(v)) return `[${v.map(goScalarText).join(',')}]`;
  return Object.keys(v)
    .sort()
    .map((k) => `${k}=${goScalarText(v[k] as JsonValue)}`)
    .join('');
}
