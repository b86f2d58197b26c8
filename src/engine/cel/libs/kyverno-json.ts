/**
 * Kyverno's json library: `json.unmarshal(s)` (Go `json.Unmarshal` into `any`: numbers are doubles;
 * errors worded like Go) and `json.marshal(v)` (Go `json.Marshal`: sorted keys, HTML-safe escapes).
 * `json.encode` of cel-go's encoders lives on the same namespace (see `encoders.ts`).
 */
import type { JsonValue } from '../../api/json.ts';
import { goJsonMarshal } from '../../utils/gojson.ts';
import { goJsonUnmarshal } from '../../jmespath/go-json.ts';
import { fail } from '../errors.ts';
import { celTypeName } from './compare.ts';
import { defineNamespace, type CelLibrary } from '../library.ts';
import { celToJson, jsonToCelDoubles } from '../values.ts';

export function jsonUnmarshal(s: string): unknown {
  let v: JsonValue;
  try {
    v = goJsonUnmarshal(s);
  } catch (e) {
    return fail(e instanceof Error ? e.message : String(e));
  }
  return jsonToCelDoubles(v);
}

export function jsonMarshal(v: unknown): string {
  return goJsonMarshal(celToJson(v));
}

export const kyvernoJsonLibrary: CelLibrary = {
  name: 'kyverno.json',
  namespaces: ['json'],
  register(env) {
    const ns = defineNamespace(env, 'json');
    env.registerFunction(`${ns}.unmarshal(dyn): dyn`, (_n: unknown, s: unknown) => {
      if (typeof s !== 'string') fail(`type conversion error from '${celTypeName(s)}' to 'string'`);
      return jsonUnmarshal(s);
    });
    env.registerFunction(`${ns}.marshal(dyn): string`, (_n: unknown, v: unknown) => jsonMarshal(v));
  },
};
