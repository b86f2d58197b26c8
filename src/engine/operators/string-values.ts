/**
 * Helpers shared by the `In` operator family: Go's `fmt.Sprint` of condition values (numbers are float64, so
 * `1000000` renders `1e+06`) and `json.Unmarshal` of a string into `[]string`.
 */
import type { JsonValue } from '../api/json.ts';
import { goSprintValue } from '../utils/gofmt.ts';

/** `fmt.Sprint(v)` of a condition value. */
export function sprint(v: JsonValue | undefined): string {
  return goSprintValue(v, false);
}

/** Outcome of decoding a string as a JSON array of strings. */
export type StringArrayDecode = { kind: 'invalid-json' } | { kind: 'not-string-array' } | { kind: 'ok'; values: string[] };

/**
 * `json.Valid` + `json.Unmarshal(s, &[]string)`: `invalid-json` when the text is not JSON, `not-string-array`
 * when it is JSON of another shape (a null element decodes to `""`, a top-level `null` to no values).
 */
export function decodeJsonStringArray(s: string): StringArrayDecode {
  let parsed: unknown;
  try {
    parsed = JSON.parse(s);
  } catch {
    return { kind: 'invalid-json' };
  }
  if (parsed === null) return { kind: 'ok', values: [] };
  if (!Array.isArray(parsed)) return { kind: 'not-string-array' };
  const values: string[] = [];
  for (const e of parsed) {
    if (e === null) values.push('');
    else if (typeof e === 'string') values.push(e);
    else return { kind: 'not-string-array' };
  }
  return { kind: 'ok', values };
}
